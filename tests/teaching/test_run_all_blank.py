"""Run All never stops: every student edition, with every answer still blank, runs to the
end from a folder that holds only the bundled data (the kit's datasets/ moved aside). Every
check says "No answer yet", and the cells after an exercise go on with the reference value.
"""

from __future__ import annotations

import shutil

import pytest

from mkt_engineering.paths import DATASETS_DIR
from mkt_engineering.teaching import student_edition as edition
from mkt_engineering.teaching.workshop import LESSONS_DIR, lesson_paths

LESSONS = [path.stem for path in lesson_paths()]


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    """A student folder as the workshop zip lays it out: lessons beside datasets/."""
    folder = tmp_path_factory.mktemp("student")
    shutil.copytree(DATASETS_DIR, folder / "datasets", ignore=shutil.ignore_patterns(".*"))
    return folder


def _errors(cell) -> list[str]:
    return [
        f"{output.get('ename')}: {output.get('evalue')}"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("stem", LESSONS)
def test_blank_student_edition_runs_to_the_end(stem, student_folder, tmp_path, monkeypatch):
    # the kernel inherits this: the kit's own data are out of reach, only the bundled copy
    monkeypatch.setenv("MKT_DATASETS_DIR", str(tmp_path / "kit-datasets-moved-aside"))
    student = edition.student_copy(edition.read_lesson(LESSONS_DIR / f"{stem}.ipynb"))
    executed = edition.execute(student, student_folder)
    for cell in executed.cells:
        if "raises-exception" in cell.metadata.get("tags", []):
            continue  # a deliberate error that teaches how to read one
        assert not _errors(cell), f"{stem} cell {cell.get('id')}: {_errors(cell)}"
    checks = [cell for cell in executed.cells if edition.is_check(cell)]
    assert checks
    for cell in checks:
        text = edition.output_text(cell)
        assert "No answer yet" in text, f"{stem} check {cell.get('id')}: {text[:300]}"
        assert "NoneType" not in text
        if ".use()" in cell.source:
            assert "Using the reference value" in text
