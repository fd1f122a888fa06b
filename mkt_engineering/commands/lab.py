"""`mkt lab [FOLDER]`: JupyterLab on this computer only, in a student folder or notebooks/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from mkt_engineering.paths import NOTEBOOKS_DIR, PROJECT_ROOT


def is_lesson_folder(folder: Path) -> bool:
    """Whether ``folder`` holds lesson notebooks (``NN_topic.ipynb``), e.g. an unzipped kit.

    Examples
    --------
    >>> is_lesson_folder(NOTEBOOKS_DIR / "lessons"), is_lesson_folder(NOTEBOOKS_DIR / "reports")
    (True, False)
    """
    from mkt_engineering.teaching.doctor_folder import LESSON_GLOB

    return any(Path(folder).glob(LESSON_GLOB))


def lab_folder(folder: Path | None = None, cwd: Path | None = None) -> Path:
    """The folder JupyterLab opens: ``folder`` when given; else the working folder when it
    holds lessons (a student folder); else the kit's notebooks/ when the kit is a checkout;
    else the working folder.

    Examples
    --------
    >>> lab_folder(cwd=NOTEBOOKS_DIR / "lessons").name
    'lessons'
    """
    cwd = Path(cwd or Path.cwd())
    if folder is not None:
        return Path(folder).expanduser().resolve()
    if is_lesson_folder(cwd) or not NOTEBOOKS_DIR.is_dir():
        return cwd.resolve()
    return NOTEBOOKS_DIR


def lab_command(
    extra: list[str] | None = None, folder: Path | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command and environment `mkt lab` starts.

    Parameters
    ----------
    extra : list of str, optional
        Arguments passed on to ``jupyter lab`` (e.g. ``--no-browser``, ``--port 8899``).
    folder : Path, optional
        The folder to open; the kit's notebooks/ when not given.

    Returns
    -------
    tuple of (list of str, dict)
        The command line and the environment to run it with.

    Examples
    --------
    >>> command, env = lab_command()
    >>> command[1:4]
    ['-m', 'jupyterlab', '--notebook-dir']
    """
    env = dict(os.environ)
    # The kit is installed in the venv; PYTHONPATH also covers a plain checkout.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    extra = list(extra or [])
    # JupyterLab listens on localhost by default; say so, unless the caller chose an address,
    # so a classroom laptop never serves the lessons to the whole network.
    if folder is not None and not any(arg.split("=")[0].endswith(".ip") for arg in extra):
        extra.append("--ServerApp.ip=127.0.0.1")
    target = NOTEBOOKS_DIR if folder is None else folder
    return [sys.executable, "-m", "jupyterlab", "--notebook-dir", str(target), *extra], env


def lab(
    ctx: typer.Context,
    folder: Path = typer.Argument(
        None,
        help="Folder to open, e.g. the unzipped workshop folder. Default: this folder when it "
        "holds lessons, else the kit's notebooks/.",
        show_default=False,
    ),
) -> None:
    """Start JupyterLab on this computer (extra arguments go to jupyter lab, e.g. --no-browser).

    Examples: `mkt lab` inside the workshop folder; `mkt lab ~/workshop --no-browser`.
    """
    if folder is not None and str(folder).startswith("-"):  # an option, not a folder
        ctx.args.insert(0, str(folder))
        folder = None
    target = lab_folder(folder)
    if not target.is_dir():
        typer.echo(
            f"No folder {target}. Give the unzipped workshop folder: `mkt lab PATH`.", err=True
        )
        raise typer.Exit(2)
    command, env = lab_command(list(ctx.args), folder=target)
    raise typer.Exit(start(command, env, target))


def start(command: list[str], env: dict[str, str], folder: Path) -> int:
    """Run JupyterLab in ``folder``. On Linux and macOS it replaces this process, so Ctrl+C
    or a stop signal sent to `mkt lab` reaches JupyterLab and its kernels (a child process
    would live on); Windows has no such replacement, so there `mkt lab` waits for it."""
    if os.name == "posix":
        os.chdir(folder)
        os.execve(command[0], command, env)
    return subprocess.call(command, env=env, cwd=folder)


def register(app: typer.Typer) -> None:
    app.command("lab", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
        lab
    )
