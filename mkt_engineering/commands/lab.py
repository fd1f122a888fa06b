"""`mkt lab`: JupyterLab in notebooks/, with the kit importable."""

from __future__ import annotations

import os
import subprocess
import sys

import typer

from mkt_engineering.paths import NOTEBOOKS_DIR, PROJECT_ROOT


def lab_command(extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The command and environment `mkt lab` starts.

    Examples
    --------
    >>> command, env = lab_command()
    >>> command[1:4]
    ['-m', 'jupyterlab', '--notebook-dir']
    """
    env = dict(os.environ)
    # The kit is installed in the venv; PYTHONPATH also covers a plain checkout.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--notebook-dir",
        str(NOTEBOOKS_DIR),
        *(extra or []),
    ], env


def lab(ctx: typer.Context) -> None:
    """Start JupyterLab in notebooks/ (extra arguments go to jupyter lab, e.g. --no-browser)."""
    command, env = lab_command(list(ctx.args))
    raise typer.Exit(subprocess.call(command, env=env, cwd=NOTEBOOKS_DIR))


def register(app: typer.Typer) -> None:
    app.command("lab", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
        lab
    )
