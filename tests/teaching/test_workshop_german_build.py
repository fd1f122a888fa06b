"""`mkt workshop build --lang de` puts German into the code cells, names what is still English."""

from __future__ import annotations

import shutil

import nbformat

from mkt_engineering.paths import NOTEBOOKS_DIR
from mkt_engineering.teaching.workshop import build_workshop

LESSONS = NOTEBOOKS_DIR / "lessons"


def test_the_german_edition_has_german_code_comments(tmp_path):
    result = build_workshop(tmp_path, lessons=["00"], language="de")
    lesson = nbformat.read(result.student_dir / "00_welcome.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in lesson.cells if cell.cell_type == "code")
    assert "Euro für die Frühjahrskampagne" in code
    assert "euros for the spring campaign" not in code


def test_a_cell_without_german_text_is_named_as_still_english(tmp_path):
    lessons = tmp_path / "lessons"
    (lessons / "i18n" / "de").mkdir(parents=True)
    shutil.copy(LESSONS / "00_welcome.ipynb", lessons)
    shutil.copy(LESSONS / "i18n" / "de" / "00_welcome.yaml", lessons / "i18n" / "de")
    lesson = nbformat.read(lessons / "00_welcome.ipynb", as_version=4)
    extra = nbformat.v4.new_markdown_cell("A new paragraph nobody translated yet.")
    extra.id = "new-paragraph"
    lesson.cells.insert(1, extra)
    nbformat.write(lesson, lessons / "00_welcome.ipynb")
    result = build_workshop(tmp_path / "out", language="de", lessons_dir=lessons)
    assert any(line.startswith("00_welcome cell new-paragraph") for line in result.untranslated)
    english = build_workshop(tmp_path / "out_en", language="en", lessons_dir=lessons)
    assert english.untranslated == []
