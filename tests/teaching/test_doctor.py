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


def test_every_doctor_line_exists_in_english_and_german():
    from mkt_engineering.teaching.doctor_text import TEXT

    assert set(TEXT["en"]) == set(TEXT["de"])
    assert doctor.check_python((3, 9, 0), language="de").fix.startswith("Python 3.11 oder")


def test_installed_kit_without_a_lock_checks_its_own_requirements(tmp_path):
    """A kit installed from the offline bundle has no uv.lock beside it."""
    no_lock = tmp_path / "uv.lock"
    result = doctor.check_packages(no_lock)
    assert result.ok and "requirements" in result.detail
    gap = doctor.check_packages(
        no_lock, lookup=lambda name: None if name == "polars" else doctor.installed_version(name)
    )
    assert not gap.ok and "missing: polars" in gap.detail and "install script" in gap.fix
    no_excel = doctor.check_packages(
        no_lock,
        lookup=lambda name: None if name == "xlsxwriter" else doctor.installed_version(name),
    )
    assert not no_excel.ok and "missing: xlsxwriter" in no_excel.detail
    old = doctor.check_packages(
        no_lock, lookup=lambda name: "1.0" if name == "polars" else doctor.installed_version(name)
    )
    assert not old.ok and "polars 1.0 (the kit needs >=2.1)" in old.detail


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    from mkt_engineering.teaching.workshop import build_workshop

    return build_workshop(tmp_path_factory.mktemp("doctor"), lessons=["00"]).student_dir


def test_data_check_names_missing_and_changed_files(student_folder, tmp_path):
    import shutil

    from mkt_engineering.teaching.doctor_folder import check_data

    assert check_data(student_folder).ok
    folder = tmp_path / "workshop"
    shutil.copytree(student_folder, folder)
    (folder / "datasets" / "leads" / "leads.csv").unlink()
    with (folder / "datasets" / "orders" / "orders.csv").open("a") as orders:
        orders.write("C1,2025-01-01,9.99\n")
    result = check_data(folder)
    assert not result.ok
    assert "missing: leads/leads.csv" in result.detail
    assert "changed since the workshop was built: orders/orders.csv" in result.detail
    assert "Unzip the workshop zip again" in result.fix
    german = check_data(folder, language="de")
    assert "fehlen: leads/leads.csv" in german.detail and "neu entpacken" not in german.fix
    assert "Workshop-Zip in einen neuen Ordner" in german.fix
    shutil.rmtree(folder / "datasets")
    nowhere = check_data(folder, kit_data=tmp_path / "no-kit-data")
    assert not nowhere.ok and "`datasets` folder sits next to the lessons" in nowhere.fix


def test_lesson_start_names_the_lesson_cell_and_error(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from mkt_engineering.teaching.doctor_folder import check_lessons_start

    exercise = new_code_cell("never_run = 1 / 0", metadata={"tags": ["exercise"]})
    good = new_notebook(cells=[new_markdown_cell("# 00"), new_code_cell("x = 1"), exercise])
    bad = new_notebook(
        cells=[
            new_markdown_cell("# 01"),
            new_code_cell("import polars as pl"),
            new_code_cell("pl.read_csv('datasets/journeys/touchpoints.csv')"),
            exercise,
        ]
    )
    nbformat.write(good, tmp_path / "00_good.ipynb")
    nbformat.write(bad, tmp_path / "01_bad.ipynb")
    result = check_lessons_start(tmp_path, language="de")
    assert not result.ok
    assert result.detail.startswith("01_bad, Zelle 3: FileNotFoundError")
    assert "00_good" not in result.detail and "Trainer" in result.fix
    (tmp_path / "01_bad.ipynb").unlink()
    assert check_lessons_start(tmp_path).ok


@pytest.mark.slow
def test_doctor_checks_a_workshop_folder_in_german(student_folder, monkeypatch):
    monkeypatch.setattr(doctor, "CHECKS", [doctor.check_python])  # the folder's checks only
    result = CliRunner().invoke(app, ["doctor", str(student_folder), "--lang", "de"])
    assert result.exit_code == 0, result.output
    assert "Daten der Lektionen" in result.output and "Lektionen starten" in result.output
    assert "00_welcome" in result.output and "Alles gut" in result.output


def test_a_kernel_that_does_not_start_is_named_per_lesson(tmp_path, monkeypatch):
    from mkt_engineering.teaching import doctor_folder

    (tmp_path / "00_welcome.ipynb").write_text("{}")

    def no_kernel(*_):
        raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(doctor_folder, "_run_start", no_kernel)
    result = doctor_folder.check_lessons_start(tmp_path)
    assert not result.ok
    assert result.detail == "00_welcome: RuntimeError: Kernel didn't respond in 60 seconds"


def test_a_lesson_slotted_in_between_is_checked_too(tmp_path):
    """00b_buying_process.ipynb sits between 00 and 01 and is a lesson like the others."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from mkt_engineering.commands.lab import is_lesson_folder
    from mkt_engineering.teaching.doctor_folder import check_lessons_start

    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), tmp_path / "00b_buying.ipynb")
    assert is_lesson_folder(tmp_path)
    result = check_lessons_start(tmp_path)
    assert result.ok and "00b_buying" in result.detail
