"""`mkt doctor`: is this laptop ready for the workshop?

Each check returns a `CheckResult` (a green or red line with a fix for red). The checks:
Python version, installed packages against ``uv.lock``, the Jupyter kernel, writable
folders, free disk, a tiny notebook that executes, and a chart that renders offline.

Examples
--------
>>> result = check_python((3, 12, 1))
>>> result.ok, result.detail
(True, 'Python 3.12.1 (the kit needs >=3.11)')
>>> check_python((3, 9, 0)).fix.startswith("Install Python")
True
"""

from __future__ import annotations

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

LOCK_FILE = PROJECT_ROOT / "uv.lock"
PROJECT_NAME = "mkt-engineering"
SYNC_FIX = (
    "In the kit folder run `make setup` (or `uv sync --frozen --all-groups`), then restart Jupyter."
)
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
    version: tuple[int, int, int] | None = None, lock_file: Path = LOCK_FILE
) -> CheckResult:
    from packaging.specifiers import SpecifierSet

    version = version or sys.version_info[:3]
    text = ".".join(map(str, version))
    spec = (
        _requires_python(tomllib.loads(lock_file.read_text("utf-8")))
        if lock_file.exists()
        else ">=3.11"
    )
    if text in SpecifierSet(spec):
        return CheckResult("Python", True, f"Python {text} (the kit needs {spec})")
    return CheckResult(
        "Python",
        False,
        f"Python {text}, the kit needs {spec}",
        f"Install Python {spec.lstrip('>=')} or newer (python.org or `uv python install 3.12`), then `make setup`.",
    )


def locked_packages(lock_file: Path = LOCK_FILE, environment: dict | None = None) -> dict[str, str]:
    """Name -> version of every package the lock installs on this machine (all groups).

    Walks the dependency graph from the kit itself, so packages for other platforms
    (Windows-only, other Python versions) are left out.
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
        for group in package.get("dev-dependencies", {}).values():
            dependencies += group
        for extra in extras:
            dependencies += package.get("optional-dependencies", {}).get(extra, [])
        for dependency in filter(applies, dependencies):
            target = resolve(dependency)
            if target is not None:
                queue.append((target, tuple(dependency.get("extra", []))))
    return wanted


def check_packages(
    lock_file: Path = LOCK_FILE, lookup: Callable[[str], str | None] | None = None
) -> CheckResult:
    lookup = lookup or installed_version
    if not lock_file.exists():
        return CheckResult(
            "Packages",
            False,
            f"no lock file at {lock_file}",
            "Run `mkt doctor` from the kit's folder (the one with uv.lock).",
        )
    wanted = locked_packages(lock_file)
    missing, different = [], []
    for name, version in sorted(wanted.items()):
        if name == PROJECT_NAME:
            continue
        found = lookup(name)
        if found is None:
            missing.append(name)
        elif version and normalize(found) != normalize(version):
            different.append(f"{name} {found} (lock: {version})")
    if not missing and not different:
        return CheckResult("Packages", True, f"{len(wanted) - 1} packages match uv.lock")
    parts = []
    if missing:
        parts.append(f"missing: {', '.join(missing[:6])}{' …' if len(missing) > 6 else ''}")
    if different:
        parts.append(
            f"other version: {', '.join(different[:4])}{' …' if len(different) > 4 else ''}"
        )
    return CheckResult("Packages", False, "; ".join(parts), SYNC_FIX)


def check_kernel() -> CheckResult:
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return CheckResult("Jupyter kernel", False, "jupyter_client is not installed", SYNC_FIX)
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return CheckResult(
            "Jupyter kernel",
            False,
            "no 'python3' kernel found",
            "Run `python -m ipykernel install --user` with the kit's Python.",
        )
    python = spec.argv[0]
    # Jupyter starts a kernel named plain "python" with its own interpreter (jupyter_client does so).
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
            "Jupyter kernel",
            False,
            f"the python3 kernel ({python}) cannot import the kit",
            "Register the kit's environment: `.venv/bin/python -m ipykernel install --user "
            "--name python3`, then restart Jupyter.",
        )
    return CheckResult("Jupyter kernel", True, f"python3 kernel imports the kit ({python})")


def check_writable(folders: list[Path] | None = None) -> CheckResult:
    folders = folders or [REPORTS_DIR, Path(tempfile.gettempdir())]
    blocked = []
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder):
                pass
        except OSError:
            blocked.append(str(folder))
    if blocked:
        return CheckResult(
            "Writable folders",
            False,
            f"cannot write to {', '.join(blocked)}",
            "Unzip the kit into a folder you own (e.g. in Documents), not a shared or read-only drive.",
        )
    return CheckResult("Writable folders", True, ", ".join(str(f) for f in folders))


def check_disk(folder: Path = PROJECT_ROOT, minimum_gb: float = MIN_FREE_GB) -> CheckResult:
    free = shutil.disk_usage(folder).free / 1e9
    if free < minimum_gb:
        return CheckResult(
            "Free disk",
            False,
            f"{free:.1f} GB free, need {minimum_gb:g} GB",
            "Free some disk space (empty the downloads and the recycle bin).",
        )
    return CheckResult("Free disk", True, f"{free:.0f} GB free")


def check_notebook_runs(timeout: int = 120) -> CheckResult:
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
    try:
        NotebookClient(notebook, timeout=timeout, kernel_name="python3").execute()
    except Exception as error:
        return CheckResult(
            "Notebook runs",
            False,
            f"a two-line notebook failed: {type(error).__name__}",
            "Fix the kernel line above first; then run `jupyter lab` once and check for errors.",
        )
    text = nbformat.writes(notebook)
    ok = '"3\\n"' in text
    return CheckResult(
        "Notebook runs",
        ok,
        "a tiny notebook executes" if ok else "unexpected output",
        "" if ok else SYNC_FIX,
    )


def check_chart_offline() -> CheckResult:
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
            "Chart renders offline", False, f"vl-convert failed: {type(error).__name__}", SYNC_FIX
        )
    return CheckResult(
        "Chart renders offline", "<svg" in svg, "a bar chart renders to SVG without internet"
    )


CHECKS: list[Callable[[], CheckResult]] = [
    check_python,
    check_packages,
    check_kernel,
    check_writable,
    check_disk,
    check_notebook_runs,
    check_chart_offline,
]


def run_checks(checks: list[Callable[[], CheckResult]] | None = None) -> list[CheckResult]:
    results = []
    for check in checks or CHECKS:
        try:
            results.append(check())
        except Exception as error:  # a crashing check is a red line, not a traceback
            name = check.__name__.removeprefix("check_").replace("_", " ").capitalize()
            results.append(CheckResult(name, False, f"{type(error).__name__}: {error}", SYNC_FIX))
    return results
