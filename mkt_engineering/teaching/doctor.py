"""`mkt doctor`: is this laptop ready for the workshop?

Each check returns a `CheckResult` (a green or red line with a fix for red), in English or
German (``language="en"|"de"``). The checks of the machine: Python version, installed
packages against ``uv.lock`` (or, in an installed kit without the lock, against the kit's
own requirements), the Jupyter kernel, writable folders, free disk, a tiny notebook that
executes, and a chart that renders offline. The checks of a workshop folder (its data and
the first cells of each lesson) live in `doctor_folder`.

Examples
--------
>>> result = check_python((3, 12, 1))
>>> result.ok, result.detail
(True, 'Python 3.12.1 (the kit needs >=3.11)')
>>> check_python((3, 9, 0)).fix.startswith("Install Python")
True
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from mkt_engineering.paths import PROJECT_ROOT, REPORTS_DIR
from mkt_engineering.teaching.doctor_text import SYNC_FIX, say

LOCK_FILE = PROJECT_ROOT / "uv.lock"
PROJECT_NAME = "mkt-engineering"
# What the lessons use beyond the kit's own requirements: lesson 00 writes an Excel export
# with polars, which needs xlsxwriter (a development dependency in pyproject.toml today).
# The offline bundle installs these in their locked versions; the doctor checks them.
LESSON_PACKAGES = ("xlsxwriter",)
MIN_FREE_GB = 1.0


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def normalize(name: str) -> str:
    """PEP 503 name: 'Vl_Convert.Python' -> 'vl-convert-python'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_version(name: str) -> str | None:
    """The installed version of a distribution, or None (tests replace this to simulate gaps)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _requires_python(lock: dict) -> str:
    return lock.get("requires-python", ">=3.11")


def check_python(
    version: tuple[int, int, int] | None = None,
    lock_file: Path = LOCK_FILE,
    *,
    language: str = "en",
) -> CheckResult:
    from packaging.specifiers import SpecifierSet

    version = version or sys.version_info[:3]
    text = ".".join(map(str, version))
    spec = (
        _requires_python(tomllib.loads(lock_file.read_text("utf-8")))
        if lock_file.exists()
        else ">=3.11"
    )
    name = say(language, "python")
    if text in SpecifierSet(spec):
        return CheckResult(name, True, say(language, "python_ok", version=text, spec=spec))
    return CheckResult(
        name,
        False,
        say(language, "python_bad", version=text, spec=spec),
        say(language, "python_fix", minimum=spec.lstrip(">=")),
    )


def locked_packages(
    lock_file: Path = LOCK_FILE, environment: dict | None = None, *, groups: bool = True
) -> dict[str, str]:
    """Name -> version of every package the lock installs on a machine.

    Walks the dependency graph from the kit itself, so packages for other platforms
    (Windows-only, other Python versions) are left out.

    Parameters
    ----------
    lock_file : Path
        The kit's ``uv.lock``.
    environment : dict, optional
        PEP 508 marker values of the target (``sys_platform``, ``python_version``...);
        this machine's when not given. The offline bundle passes another platform's.
    groups : bool
        Also the development groups (tests, linters), as ``uv sync --all-groups`` installs.

    Returns
    -------
    dict
        Normalized name -> version, the kit itself included.
    """
    from packaging.markers import Marker

    lock = tomllib.loads(lock_file.read_text("utf-8"))
    packages: dict[str, list[dict]] = {}
    for package in lock.get("package", []):
        packages.setdefault(normalize(package["name"]), []).append(package)
    env = {"extra": "", **(environment or {})}

    def applies(dependency: dict) -> bool:
        marker = dependency.get("marker")
        try:
            return marker is None or Marker(marker).evaluate(env)
        except Exception:  # a marker this packaging version cannot read: check the package anyway
            return True

    def resolve(dependency: dict) -> dict | None:
        candidates = packages.get(normalize(dependency["name"]), [])
        if "version" in dependency:
            candidates = [p for p in candidates if p["version"] == dependency["version"]]
        return candidates[0] if candidates else None

    wanted: dict[str, str] = {}
    queue = [(p, ()) for p in packages.get(PROJECT_NAME, [])]
    seen: set[tuple[str, str, tuple]] = set()
    while queue:
        package, extras = queue.pop()
        key = (normalize(package["name"]), package.get("version", ""), tuple(sorted(extras)))
        if key in seen:
            continue
        seen.add(key)
        wanted[key[0]] = package.get("version", "")
        dependencies = list(package.get("dependencies", []))
        for group in package.get("dev-dependencies", {}).values() if groups else ():
            dependencies += group
        for extra in extras:
            dependencies += package.get("optional-dependencies", {}).get(extra, [])
        for dependency in filter(applies, dependencies):
            target = resolve(dependency)
            if target is not None:
                queue.append((target, tuple(dependency.get("extra", []))))
    return wanted


def check_packages(
    lock_file: Path = LOCK_FILE,
    lookup: Callable[[str], str | None] | None = None,
    *,
    language: str = "en",
) -> CheckResult:
    """Installed packages against ``uv.lock``; in a kit installed from a wheel (no lock
    beside it), against the requirements the kit declares."""
    lookup = lookup or installed_version
    if not lock_file.exists():
        return _check_declared(lookup, language)
    wanted = locked_packages(lock_file)
    missing, different = [], []
    for name, version in sorted(wanted.items()):
        if name == PROJECT_NAME:
            continue
        found = lookup(name)
        if found is None:
            missing.append(name)
        elif version and normalize(found) != normalize(version):
            different.append(say(language, "lock_version", name=name, found=found, wanted=version))
    if not missing and not different:
        return CheckResult(
            say(language, "packages"), True, say(language, "packages_ok", count=len(wanted) - 1)
        )
    return _packages_red(missing, different, language)


def _packages_red(missing: list[str], different: list[str], language: str) -> CheckResult:
    parts = []
    if missing:
        names = f"{', '.join(missing[:6])}{' …' if len(missing) > 6 else ''}"
        parts.append(say(language, "missing", names=names))
    if different:
        names = f"{', '.join(different[:4])}{' …' if len(different) > 4 else ''}"
        parts.append(say(language, "other_version", names=names))
    return CheckResult(say(language, "packages"), False, "; ".join(parts), SYNC_FIX[language])


def _check_declared(lookup: Callable[[str], str | None], language: str) -> CheckResult:
    """The kit's own requirements (its wheel's metadata) are installed in fitting versions."""
    from packaging.requirements import Requirement

    declared = [Requirement(text) for text in metadata.requires(PROJECT_NAME) or []]
    declared += [Requirement(name) for name in LESSON_PACKAGES]
    # extras (spark, postgres) are optional; a marker for another platform does not apply
    needed = [r for r in declared if r.marker is None or r.marker.evaluate({"extra": ""})]
    missing, different = [], []
    for requirement in needed:
        found = lookup(requirement.name)
        if found is None:
            missing.append(normalize(requirement.name))
        elif not requirement.specifier.contains(found, prereleases=True):
            different.append(
                say(
                    language,
                    "needs_version",
                    name=requirement.name,
                    found=found,
                    wanted=requirement.specifier,
                )
            )
    if missing or different:
        return _packages_red(missing, different, language)
    return CheckResult(
        say(language, "packages"), True, say(language, "packages_declared_ok", count=len(needed))
    )


def check_kernel(*, language: str = "en") -> CheckResult:
    name = say(language, "kernel")
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return CheckResult(name, False, say(language, "kernel_no_client"), SYNC_FIX[language])
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return CheckResult(
            name, False, say(language, "kernel_missing"), say(language, "kernel_missing_fix")
        )
    python = spec.argv[0]
    # Jupyter starts a kernel named plain "python" with its own interpreter (jupyter_client
    # does so).
    if python in {
        "python",
        f"python{sys.version_info[0]}",
        "python{}.{}".format(*sys.version_info[:2]),
    }:
        python = sys.executable
    probe = subprocess.run(
        [python, "-c", "import mkt_engineering, polars"], capture_output=True, timeout=60
    )
    if probe.returncode != 0:
        return CheckResult(
            name,
            False,
            say(language, "kernel_no_kit", python=python),
            say(language, "kernel_no_kit_fix"),
        )
    return CheckResult(name, True, say(language, "kernel_ok", python=python))


def check_writable(folders: list[Path] | None = None, *, language: str = "en") -> CheckResult:
    folders = folders or [REPORTS_DIR, Path(tempfile.gettempdir())]
    blocked = []
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder):
                pass
        except OSError:
            blocked.append(str(folder))
    name = say(language, "writable")
    if blocked:
        return CheckResult(
            name,
            False,
            say(language, "writable_bad", folders=", ".join(blocked)),
            say(language, "writable_fix"),
        )
    return CheckResult(name, True, ", ".join(str(f) for f in folders))


def check_disk(
    folder: Path = PROJECT_ROOT, minimum_gb: float = MIN_FREE_GB, *, language: str = "en"
) -> CheckResult:
    free = shutil.disk_usage(folder).free / 1e9
    if free < minimum_gb:
        return CheckResult(
            say(language, "disk"),
            False,
            say(language, "disk_bad", free=free, minimum=minimum_gb),
            say(language, "disk_fix"),
        )
    return CheckResult(say(language, "disk"), True, say(language, "disk_ok", free=free))


def check_notebook_runs(timeout: int = 120, *, language: str = "en") -> CheckResult:
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(
        cells=[
            new_code_cell(
                "import polars as pl\nprint(pl.DataFrame({'leads': [1, 2]})['leads'].sum())"
            )
        ]
    )
    name = say(language, "notebook")
    try:
        NotebookClient(notebook, timeout=timeout, kernel_name="python3").execute()
    except Exception as error:
        return CheckResult(
            name,
            False,
            say(language, "notebook_bad", error=type(error).__name__),
            say(language, "notebook_fix"),
        )
    ok = '"3\\n"' in nbformat.writes(notebook)
    return CheckResult(
        name,
        ok,
        say(language, "notebook_ok" if ok else "notebook_odd"),
        "" if ok else SYNC_FIX[language],
    )


def check_chart_offline(*, language: str = "en") -> CheckResult:
    name = say(language, "chart")
    try:
        import vl_convert

        spec = {
            "data": {"values": [{"channel": "search", "leads": 3}]},
            "mark": "bar",
            "encoding": {
                "x": {"field": "channel", "type": "nominal"},
                "y": {"field": "leads", "type": "quantitative"},
            },
        }
        svg = vl_convert.vegalite_to_svg(spec)
    except Exception as error:
        return CheckResult(
            name,
            False,
            say(language, "chart_bad", error=type(error).__name__),
            SYNC_FIX[language],
        )
    return CheckResult(name, "<svg" in svg, say(language, "chart_ok"))


CHECKS: list[Callable[..., CheckResult]] = [
    check_python,
    check_packages,
    check_kernel,
    check_writable,
    check_disk,
    check_notebook_runs,
    check_chart_offline,
]


def run_checks(
    checks: list[Callable[[], CheckResult]] | None = None, *, language: str = "en"
) -> list[CheckResult]:
    """Run ``checks`` (the machine's `CHECKS` in ``language`` when not given) in order.

    Parameters
    ----------
    checks : list of callables, optional
        Each returns a `CheckResult`; called without arguments.
    language : str
        ``"en"`` or ``"de"``: the language of the default checks and of a crash line.

    Returns
    -------
    list of CheckResult
        One per check; a check that raised is a red line naming the error.

    Examples
    --------
    >>> [result.ok for result in run_checks([lambda: check_python((3, 12, 0))])]
    [True]
    """
    if checks is None:
        checks = [functools.partial(check, language=language) for check in CHECKS]
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as error:  # a crashing check is a red line, not a traceback
            name = getattr(check, "func", check).__name__
            name = name.removeprefix("check_").replace("_", " ").capitalize()
            detail = say(language, "crashed", error=f"{type(error).__name__}: {error}")
            results.append(CheckResult(name, False, detail, SYNC_FIX[language]))
    return results
