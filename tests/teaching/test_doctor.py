"""`mkt doctor`: passes on this machine, and a missing package gives a red line with a fix."""

from __future__ import annotations

from importlib import metadata

import pytest
from typer.testing import CliRunner

from mkt_engineering.cli import app
from mkt_engineering.teaching import doctor


def test_lock_walk_matches_the_installed_environment():
    # independent: .venv was built by `uv sync --all-groups` from the same lock, so the set
    # of installed distributions is exactly what the lock installs on this platform
    installed = {doctor.normalize(d.metadata["Name"]): d.version for d in metadata.distributions()}
    locked = doctor.locked_packages()
    assert set(locked) <= set(installed), "every locked package for this platform is installed"
    # only a few installed extras (e.g. pip) may lie outside the lock walk
    assert len(set(installed) - set(locked)) <= 3, sorted(set(installed) - set(locked))
    assert locked["polars"] == installed["polars"]
    assert "pywin32" not in locked and "colorama" not in locked


@pytest.mark.slow
def test_doctor_passes_here():
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "All good" in result.output and "✗" not in result.output


def test_missing_package_is_red_with_a_fix(monkeypatch):
    real = doctor.installed_version
    monkeypatch.setattr(
        doctor, "installed_version", lambda name: None if name == "polars" else real(name)
    )
    result = doctor.check_packages()
    assert not result.ok and "missing: polars" in result.detail and "uv sync" in result.fix
    monkeypatch.setattr(doctor, "CHECKS", [doctor.check_python, doctor.check_packages])
    cli = CliRunner().invoke(app, ["doctor"])
    assert cli.exit_code == 1
    assert "missing: polars" in cli.output and "fix:" in cli.output and "make setup" in cli.output


def test_other_version_is_red(monkeypatch):
    real = doctor.installed_version
    monkeypatch.setattr(
        doctor, "installed_version", lambda name: "0.0.1" if name == "altair" else real(name)
    )
    result = doctor.check_packages()
    assert not result.ok and "altair 0.0.1 (lock:" in result.detail


def test_old_python_unwritable_folder_and_full_disk(tmp_path):
    assert not doctor.check_python((3, 10, 4)).ok
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    folder = doctor.check_writable([blocker / "reports"])
    assert not folder.ok and "folder you own" in folder.fix
    assert doctor.check_writable([tmp_path]).ok
    assert not doctor.check_disk(tmp_path, minimum_gb=1e9).ok


def test_a_crashing_check_is_a_red_line():
    def check_boom():
        raise RuntimeError("kaputt")

    (result,) = doctor.run_checks([check_boom])
    assert not result.ok and "kaputt" in result.detail and result.fix
