"""An offline bundle for a room without internet: the locked wheels, the kit, install scripts.

``build_bundle`` writes::

    OUT/offline/
        wheels/                 the kit's wheel and every locked dependency, for each platform
        workshop-student.zip    the lessons and their data (from ``build_workshop``)
        install.sh              Linux: venv, pip install --no-index, unzip, doctor, lab
        install.command         macOS (double-click in Finder), the same steps
        install.ps1, install.bat  Windows (double-click install.bat)
        start.sh, start.command, start.bat   later days: JupyterLab in the workshop folder
        bundle.json             platforms, Python versions, packages, and missing wheels
        README.md               the steps for learners, in the workshop's language

The package list comes from ``uv.lock`` (the same walk `mkt doctor` uses), evaluated for each
target platform, so each laptop gets exactly the locked versions; pip downloads them with the
lock's hashes. A package without a wheel for a platform is listed in ``bundle.json`` and
README.md: on that platform the install would need internet or a compiler.

Examples
--------
>>> [target.key for target in TARGETS]
['linux-x86_64', 'macos-arm64', 'macos-x86_64', 'windows-amd64']
>>> "macosx_11_0_arm64" in target_platforms(TARGETS[1])
True
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from packaging import tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from mkt_engineering.paths import PROJECT_ROOT
from mkt_engineering.teaching import doctor

DEFAULT_PYTHONS = ("3.12",)
# glibc 2.28 (Debian 10, Ubuntu 20.04, RHEL 8) is the oldest Linux the wheels must run on.
OLDEST_GLIBC = 28
SCRIPTS = ("install.sh", "install.command", "install.ps1", "install.bat")
START_SCRIPTS = ("start.sh", "start.command", "start.bat")


@dataclass(frozen=True)
class Target:
    """A platform the bundle serves: its name, marker values and wheel platform tags."""

    key: str
    label: str
    sys_platform: str
    platform_system: str
    os_name: str
    machine: str
    oldest_os: tuple[int, int] = (0, 0)

    def environment(self, python: str) -> dict[str, str]:
        """PEP 508 marker values of this platform with Python ``python`` ('3.12')."""
        return {
            "sys_platform": self.sys_platform,
            "platform_system": self.platform_system,
            "os_name": self.os_name,
            "platform_machine": self.machine,
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": python,
            "python_full_version": f"{python}.0",
            "extra": "",
        }


TARGETS = [
    Target("linux-x86_64", "Linux (x86-64)", "linux", "Linux", "posix", "x86_64"),
    Target("macos-arm64", "macOS (Apple silicon)", "darwin", "Darwin", "posix", "arm64", (14, 0)),
    Target("macos-x86_64", "macOS (Intel)", "darwin", "Darwin", "posix", "x86_64", (13, 0)),
    Target("windows-amd64", "Windows (64-bit)", "win32", "Windows", "nt", "AMD64"),
]


def target_platforms(target: Target) -> list[str]:
    """The wheel platform tags a laptop of ``target`` accepts, most specific first."""
    if target.sys_platform == "darwin":
        return list(tags.mac_platforms(target.oldest_os, target.machine))
    if target.sys_platform == "win32":
        return ["win_amd64"]
    glibc = [f"manylinux_2_{minor}_x86_64" for minor in range(OLDEST_GLIBC, 4, -1)]
    legacy = ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    return [*glibc, *legacy, "linux_x86_64"]


def supported_tags(target: Target, python: str) -> set[tags.Tag]:
    """Every wheel tag a CPython ``python`` on ``target`` installs."""
    version = tuple(int(part) for part in python.split("."))
    platforms = target_platforms(target)
    return set(tags.cpython_tags(version, platforms=platforms)) | set(
        tags.compatible_tags(version, f"cp{version[0]}{version[1]}", platforms)
    )


@dataclass
class Plan:
    """What to download for one platform and Python: pinned requirements and the gaps."""

    target: Target
    python: str
    requirements: list[str] = field(default_factory=list)
    no_wheel: list[str] = field(default_factory=list)


def plan_downloads(target: Target, python: str, lock_file: Path = doctor.LOCK_FILE) -> Plan:
    """The locked packages ``target`` needs, each pinned with the hashes of its wheels.

    A package whose locked files hold no wheel for the platform goes to ``no_wheel``.

    Examples
    --------
    >>> plan = plan_downloads(TARGETS[3], "3.12")
    >>> any(line.startswith("colorama==") for line in plan.requirements)
    True
    """
    lock = tomllib.loads(Path(lock_file).read_text(encoding="utf-8"))
    files = {
        (canonicalize_name(p["name"]), p.get("version", "")): p.get("wheels", [])
        for p in lock.get("package", [])
    }
    wanted = doctor.locked_packages(lock_file, target.environment(python), groups=False)
    wanted.update(_lesson_packages(files))
    accepted = supported_tags(target, python)
    plan = Plan(target, python)
    for name, version in sorted(wanted.items()):
        if name == doctor.PROJECT_NAME:
            continue
        wheels = [
            wheel
            for wheel in files.get((name, version), [])
            if parse_wheel_filename(wheel["url"].rsplit("/", 1)[-1])[3] & accepted
        ]
        if not wheels:
            plan.no_wheel.append(f"{name}=={version}")
            continue
        hashes = " ".join(f"--hash={wheel['hash']}" for wheel in wheels)
        plan.requirements.append(f"{name}=={version} {hashes}")
    return plan


def _lesson_packages(files: dict[tuple[str, str], list]) -> dict[str, str]:
    """The locked versions of `doctor.LESSON_PACKAGES` (they sit in a development group)."""
    return {
        name: version
        for name, version in files
        if name in {canonicalize_name(wanted) for wanted in doctor.LESSON_PACKAGES}
    }


def _pip(work: Path) -> list[str]:
    """A pip to run: this Python's, or one in a throwaway venv (uv's venvs have no pip)."""
    probe = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "pip"]
    venv = work / "pip-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    return [str(python), "-m", "pip"]


def download(plan: Plan, wheels: Path, pip: list[str], work: Path) -> None:
    """Download the plan's wheels into ``wheels`` with pip, checking the lock's hashes."""
    requirements = work / f"requirements-{plan.target.key}-{plan.python}.txt"
    requirements.write_text("\n".join(plan.requirements) + "\n", encoding="utf-8")
    platforms = [arg for tag in target_platforms(plan.target) for arg in ("--platform", tag)]
    command = [
        *pip,
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--no-deps",
        "--require-hashes",
        *platforms,
        "--python-version",
        plan.python,
        "--implementation",
        "cp",
        "--dest",
        str(wheels),
        "-r",
        str(requirements),
    ]
    subprocess.run(command, check=True)


def build_kit_wheel(wheels: Path, pip: list[str], project: Path = PROJECT_ROOT) -> Path:
    """The kit itself as a wheel (pip builds it from pyproject.toml with hatchling)."""
    if not (project / "pyproject.toml").exists():
        raise FileNotFoundError(
            f"No pyproject.toml in {project}: build the bundle from the kit's folder (a "
            "checkout), not from an installed kit."
        )
    before = set(wheels.glob("mkt_engineering-*.whl"))
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(project)],
        check=True,
    )
    (built,) = set(wheels.glob("mkt_engineering-*.whl")) - before or wheels.glob(
        "mkt_engineering-*.whl"
    )
    return built


def write_scripts(folder: Path, pythons: tuple[str, ...]) -> list[Path]:
    """The install and start scripts, with the bundle's Python versions filled in."""
    versions = " ".join(pythons)
    written = []
    for name in SCRIPTS + START_SCRIPTS:
        source = resources.files("mkt_engineering.teaching").joinpath(f"bundle_scripts/{name}")
        text = source.read_text(encoding="utf-8").replace("@PYTHON_VERSIONS@", versions)
        text = text.replace("@LESSON_PACKAGES@", " ".join(doctor.LESSON_PACKAGES))
        target = folder / name
        newline = "\r\n" if name.endswith((".bat", ".ps1")) else "\n"
        target.write_text(text, encoding="utf-8", newline=newline)
        if name.endswith((".sh", ".command")):
            target.chmod(0o755)
        written.append(target)
    return written


README = {
    "en": """# Workshop kit for a room without internet

Everything the workshop needs is in this folder: the lessons with their data
(`workshop-student.zip`), the Marketing Engineering kit and every package it needs
(`wheels/`, for {platforms}; Python {pythons}).

1. Install Python {pythons} if the laptop has none (python.org; on Windows tick
   "Add python.exe to PATH").
2. Start the install script for your system; it needs no internet:
   - **Windows**: double-click `install.bat`.
   - **macOS**: double-click `install.command` (if macOS refuses: right-click, Open).
   - **Linux**: run `./install.sh` in a terminal.

   It creates `.venv/` here, installs the kit from `wheels/`, unzips the lessons into
   `workshop/`, checks the laptop with `mkt doctor` and starts JupyterLab.
3. Later days: `start.bat`, `start.command` or `./start.sh` opens JupyterLab again.
   Your answers stay in `workshop/`; the install script never overwrites that folder.
{gaps}""",
    "de": """# Workshop-Paket für einen Raum ohne Internet

Alles für den Workshop liegt in diesem Ordner: die Lektionen mit ihren Daten
(`workshop-student.zip`), das Marketing-Engineering-Kit und alle Pakete, die es braucht
(`wheels/`, für {platforms}; Python {pythons}).

1. Python {pythons} installieren, falls der Laptop keines hat (python.org; unter Windows
   "Add python.exe to PATH" ankreuzen).
2. Das Installationsskript für Ihr System starten; es braucht kein Internet:
   - **Windows**: Doppelklick auf `install.bat`.
   - **macOS**: Doppelklick auf `install.command` (lehnt macOS ab: Rechtsklick, Öffnen).
   - **Linux**: `./install.sh` im Terminal ausführen.

   Es legt hier `.venv/` an, installiert das Kit aus `wheels/`, entpackt die Lektionen nach
   `workshop/`, prüft den Laptop mit `mkt doctor` und startet JupyterLab.
3. An späteren Tagen öffnet `start.bat`, `start.command` oder `./start.sh` JupyterLab wieder.
   Ihre Lösungen bleiben in `workshop/`; das Installationsskript überschreibt diesen Ordner nie.
{gaps}""",
}
GAPS = {
    "en": "\n## Packages without a wheel\n\nOn these platforms pip would have to build the "
    "package, which needs internet or a compiler:\n\n{lines}\n",
    "de": "\n## Pakete ohne Wheel\n\nAuf diesen Plattformen müsste pip das Paket bauen; das "
    "braucht Internet oder einen Compiler:\n\n{lines}\n",
}


@dataclass
class BundleResult:
    """The bundle folder and what it could not hold (platform/Python -> packages)."""

    folder: Path
    wheels: Path
    no_wheel: dict[str, list[str]]


def pick_targets(keys: list[str] | None) -> list[Target]:
    """The targets named by ``keys`` ('linux-x86_64', or a prefix like 'macos'); all by default.

    Examples
    --------
    >>> [target.key for target in pick_targets(["macos"])]
    ['macos-arm64', 'macos-x86_64']
    """
    if not keys:
        return list(TARGETS)
    picked = [t for t in TARGETS if any(t.key == k or t.key.startswith(k) for k in keys)]
    unknown = [k for k in keys if not any(t.key.startswith(k) for t in TARGETS)]
    if unknown or not picked:
        known = ", ".join(t.key for t in TARGETS)
        raise ValueError(f"Unknown platform {', '.join(unknown)}; known: {known}.")
    return picked


def build_bundle(
    folder: Path,
    student_zip: Path,
    *,
    platforms: list[str] | None = None,
    pythons: tuple[str, ...] = DEFAULT_PYTHONS,
    language: str = "en",
    lock_file: Path = doctor.LOCK_FILE,
    project: Path = PROJECT_ROOT,
) -> BundleResult:
    """Write the offline bundle into ``folder`` (see the module docstring); needs PyPI.

    Parameters
    ----------
    folder : Path
        Where to write; wheels already there are kept and not downloaded again.
    student_zip : Path
        The student kit from `build_workshop`.
    platforms : list of str, optional
        Target keys or prefixes ('linux', 'macos-arm64', 'windows'); all by default.
    pythons : tuple of str
        The Python versions the laptops run ('3.12'); wheels are per version.
    language : str
        ``"en"`` or ``"de"``: the README's language.
    lock_file, project : Path
        The kit's ``uv.lock`` and folder (for the kit's own wheel).

    Returns
    -------
    BundleResult
        The folder, the wheel folder and, per platform and Python, the packages without a
        wheel.
    """
    targets = pick_targets(platforms)
    folder = Path(folder)
    wheels = folder / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    gaps: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        pip = _pip(work)
        kit = build_kit_wheel(wheels, pip, project)
        for target in targets:
            for python in pythons:
                plan = plan_downloads(target, python, lock_file)
                download(plan, wheels, pip, work)
                if plan.no_wheel:
                    gaps[f"{target.key} / Python {python}"] = plan.no_wheel
    shutil.copy2(student_zip, folder / "workshop-student.zip")
    write_scripts(folder, pythons)
    _write_readme(folder, targets, pythons, gaps, language)
    summary = {
        "kit_wheel": kit.name,
        "platforms": [target.key for target in targets],
        "pythons": list(pythons),
        "wheels": sorted(path.name for path in wheels.glob("*.whl")),
        "no_wheel": gaps,
    }
    (folder / "bundle.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return BundleResult(folder, wheels, gaps)


def _write_readme(
    folder: Path, targets: list[Target], pythons: tuple[str, ...], gaps: dict, language: str
) -> None:
    lines = "\n".join(f"- {key}: {', '.join(names)}" for key, names in gaps.items())
    text = README[language].format(
        platforms=", ".join(target.label for target in targets),
        pythons=" / ".join(pythons),
        gaps=GAPS[language].format(lines=lines) if gaps else "",
    )
    (folder / "README.md").write_text(text, encoding="utf-8")


__all__ = [
    "TARGETS",
    "BundleResult",
    "Plan",
    "Target",
    "build_bundle",
    "build_kit_wheel",
    "download",
    "pick_targets",
    "plan_downloads",
    "supported_tags",
    "target_platforms",
    "write_scripts",
]
