"""The offline bundle: the right locked packages per platform, working install scripts, and
(marker ``workshop``, `make test-workshop`) a Linux bundle that installs into a fresh venv
with the network off, after which `mkt doctor` passes and a lesson runs from the zip.

The end-to-end test downloads the locked Linux wheels for this Python from PyPI (about
250 MB) into ``.cache/offline-bundle-test/`` once; later runs reuse them. Without PyPI it is
skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest

from mkt_engineering.paths import PROJECT_ROOT
from mkt_engineering.teaching import offline_bundle as bundle
from mkt_engineering.teaching import student_edition as edition

WINDOWS, LINUX = bundle.TARGETS[3], bundle.TARGETS[0]
PYTHON = "{}.{}".format(*sys.version_info[:2])


def _names(plan: bundle.Plan) -> set[str]:
    return {line.split("==")[0] for line in plan.requirements}


def test_each_platform_gets_its_own_locked_packages():
    linux, windows = bundle.plan_downloads(LINUX, "3.12"), bundle.plan_downloads(WINDOWS, "3.12")
    # the kit's runtime packages, and xlsxwriter, which lesson 00 needs to write an Excel file
    runtime = {"polars", "numpy", "scipy", "jupyterlab", "ipykernel", "vl-convert-python"}
    runtime.add("xlsxwriter")
    assert runtime <= _names(linux) and runtime <= _names(windows)
    # Windows-only packages (a terminal for Jupyter, coloured output) only for Windows
    assert "pywinpty" in _names(windows) and "pywinpty" not in _names(linux)
    # tests and linters are not part of a learner's laptop
    assert not {"pytest", "ruff", "playwright", "pyspark"} & (_names(linux) | _names(windows))
    # every line pins the lock's version and carries the hashes pip checks
    lock = (PROJECT_ROOT / "uv.lock").read_text(encoding="utf-8")
    for line in linux.requirements:
        name_version, *hashes = line.split(" --hash=")
        assert "==" in name_version and hashes
        assert all(digest.split()[0] in lock for digest in hashes)


def test_a_package_without_a_wheel_for_a_platform_is_named(tmp_path):
    lock = (PROJECT_ROOT / "uv.lock").read_text(encoding="utf-8")
    # drop polars' wheels for Windows from a copy of the lock: the plan must name it
    without = "\n".join(
        line for line in lock.splitlines() if not ("polars_runtime" in line and "win_amd64" in line)
    )
    (tmp_path / "uv.lock").write_text(without, encoding="utf-8")
    plan = bundle.plan_downloads(WINDOWS, "3.12", tmp_path / "uv.lock")
    assert [name for name in plan.no_wheel if name.startswith("polars-runtime")]
    assert not [line for line in plan.requirements if line.startswith("polars-runtime")]
    assert not bundle.plan_downloads(LINUX, "3.12", tmp_path / "uv.lock").no_wheel


def test_linux_tags_reach_old_manylinux_and_unknown_platforms_are_refused():
    platforms = bundle.target_platforms(LINUX)
    assert platforms[0] == "manylinux_2_28_x86_64" and "manylinux2014_x86_64" in platforms
    assert "win_amd64" not in platforms
    with pytest.raises(ValueError, match="known: linux-x86_64"):
        bundle.pick_targets(["amiga"])


def test_install_scripts_name_the_python_and_install_without_index(tmp_path):
    written = bundle.write_scripts(tmp_path, ("3.11", "3.12"))
    assert sorted(path.name for path in written) == sorted(bundle.SCRIPTS + bundle.START_SCRIPTS)
    shell = (tmp_path / "install.sh").read_text(encoding="utf-8")
    assert 'VERSIONS="3.11 3.12"' in shell and "--no-index" in shell and "--find-links" in shell
    assert "wheels mkt-engineering xlsxwriter" in shell
    assert os.access(tmp_path / "install.command", os.X_OK)
    assert b"\r\n" in (tmp_path / "install.bat").read_bytes()
    assert "@PYTHON_VERSIONS@" not in (tmp_path / "install.ps1").read_text(encoding="utf-8")
    syntax = subprocess.run(["sh", "-n", str(tmp_path / "install.sh")], capture_output=True)
    assert syntax.returncode == 0, syntax.stderr


# --- End to end: download, then install and run with the network off ---------------------


def _pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10):
            return True
    except OSError:
        return False


def _no_network() -> list[str]:
    """A command prefix that runs in an empty network namespace with only loopback up
    (kernels talk to Jupyter over 127.0.0.1), where the machine allows it; else [] and the
    install relies on ``pip --no-index`` alone."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return []
    prefix = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    return prefix if probe.returncode == 0 else []


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """No pip configuration, no kit on the path, a Jupyter of the venv's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "PYTHON", "MKT_", "JUPYTER", "VIRTUAL_ENV"))
    }
    base_python = Path(getattr(sys, "_base_executable", sys.executable))
    shim = tmp_path / "bin"  # the laptop's Python, found as python3.X like on a real laptop
    shim.mkdir()
    (shim / f"python{PYTHON}").symlink_to(base_python)
    env.update(
        PATH=f"{shim}{os.pathsep}{env.get('PATH', '')}",
        PIP_CONFIG_FILE=os.devnull,
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        MKT_NO_LAB="1",
    )
    return env


RUN_LESSON = """
import json, sys
import nbformat
from nbclient import NotebookClient
import mkt_engineering
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
NotebookClient(notebook, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": "."}}).execute()
nbformat.write(notebook, path)
print(json.dumps({"kit": mkt_engineering.__file__}))
"""


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory):
    if not _pypi_reachable():
        pytest.skip("PyPI is not reachable: the offline bundle is downloaded from it first")
    from mkt_engineering.teaching.workshop import build_workshop

    built = build_workshop(tmp_path_factory.mktemp("workshop"), lessons=["00"])
    cache = PROJECT_ROOT / ".cache" / "offline-bundle-test"  # kept: wheels download once
    result = bundle.build_bundle(cache, built.zip_path, platforms=["linux"], pythons=(PYTHON,))
    return result, built


@pytest.mark.workshop
@pytest.mark.slow
def test_linux_bundle_installs_offline_and_a_lesson_runs(linux_bundle, tmp_path):
    result, built = linux_bundle
    summary = json.loads((result.folder / "bundle.json").read_text(encoding="utf-8"))
    assert summary["platforms"] == ["linux-x86_64"] and summary["kit_wheel"].endswith(".whl")
    room = tmp_path / "laptop"
    shutil.copytree(result.folder, room, ignore=shutil.ignore_patterns(".venv", "workshop"))
    env = _clean_env(tmp_path)
    offline = _no_network()
    installed = subprocess.run(
        [*offline, "sh", str(room / "install.sh")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    assert "All good" in installed.stdout and "Lessons start" in installed.stdout
    # the student copy of lesson 00 with its solutions, run by the offline venv's kernel
    lesson = room / "workshop" / "00_welcome-solved.ipynb"
    student = nbformat.read(room / "workshop" / "00_welcome.ipynb", as_version=4)
    solutions = edition.read_lesson(built.trainer_dir / "solutions" / "00_welcome.ipynb")
    nbformat.write(edition.fill_solutions(student, solutions), lesson)
    ran = subprocess.run(
        [*offline, str(room / ".venv" / "bin" / "python"), "-c", RUN_LESSON, lesson.name],
        env=env,
        cwd=lesson.parent,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    kit = json.loads(ran.stdout.strip().splitlines()[-1])["kit"]
    assert str(room / ".venv") in kit, f"the kit came from {kit}, not from the bundle"
    checks = edition.check_results(nbformat.read(lesson, as_version=4))
    assert checks and all(checks.values()), checks


def test_readme_names_the_platforms_and_the_packages_without_a_wheel(tmp_path):
    bundle._write_readme(
        tmp_path, [LINUX, WINDOWS], ("3.12",), {"windows-amd64 / Python 3.12": ["x==1"]}, "de"
    )
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "Linux (x86-64), Windows (64-bit)" in text and "install.bat" in text
    assert "Pakete ohne Wheel" in text and "- windows-amd64 / Python 3.12: x==1" in text


def test_cli_offline_names_missing_wheels_and_a_failed_download(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from mkt_engineering.cli import app

    calls = []

    def fake_bundle(folder, student_zip, **options):
        calls.append((folder, student_zip.name, options))
        (folder / "wheels").mkdir(parents=True)
        gaps = {"macos-x86_64 / Python 3.12": ["argon2-cffi-bindings==26.2.0"]}
        return bundle.BundleResult(folder, folder / "wheels", gaps)

    monkeypatch.setattr(bundle, "build_bundle", fake_bundle)
    args = ["workshop", "build", "--out", str(tmp_path), "--lessons", "00", "--offline"]
    result = CliRunner().invoke(app, [*args, "--platform", "macos", "--python", "3.12"])
    assert result.exit_code == 0, result.output
    assert "no wheel for macos-x86_64 / Python 3.12: argon2-cffi-bindings" in result.output
    ((folder, zip_name, options),) = calls
    assert folder == tmp_path / "offline" and zip_name == "workshop-student.zip"
    assert options["platforms"] == ["macos"] and options["pythons"] == ("3.12",)

    def failing_bundle(*_, **__):
        raise subprocess.CalledProcessError(1, ["pip", "download", "--quiet", "x"])

    monkeypatch.setattr(bundle, "build_bundle", failing_bundle)
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 1 and "needs PyPI" in failed.output
