"""`mkt workshop build`: no solution leaks into a student copy, the student copy with the
solutions filled back in passes every check, the folder works offline, the zip holds the data."""

from __future__ import annotations

import re
import warnings
import zipfile

import nbformat
import pytest
from typer.testing import CliRunner

from mkt_engineering.cli import app
from mkt_engineering.teaching import student_edition as edition
from mkt_engineering.teaching.workshop import LESSONS_DIR, build_workshop, lesson_paths

LESSONS = [path.stem for path in lesson_paths()]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    return build_workshop(tmp_path_factory.mktemp("workshop"))


@pytest.fixture(scope="module")
def workshops(workshop, tmp_path_factory):
    """The English and the German build (German text, German stubs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # German text that may be out of date is not a leak
        german = build_workshop(tmp_path_factory.mktemp("workshop-de"), language="de")
    return {"en": workshop, "de": german}


def _lesson(stem: str):
    return edition.read_lesson(LESSONS_DIR / f"{stem}.ipynb")


def _built_lesson(workshop, stem: str):
    """The lesson as it was when the workshop was built (lessons may be edited meanwhile)."""
    return edition.read_lesson(workshop.trainer_dir / "solutions" / f"{stem}.ipynb")


def _student(workshop, stem: str):
    return nbformat.read(workshop.student_dir / f"{stem}.ipynb", as_version=4)


def _zipped_student(workshop, stem: str):
    """The student copy as learners get it: read from the zip, not the folder."""
    with zipfile.ZipFile(workshop.zip_path) as archive:
        return nbformat.reads(archive.read(f"workshop/{stem}.ipynb").decode("utf-8"), 4)


_execute = edition.execute
_output_text = edition.output_text
STUB_MARKERS = {"en": "YOUR ANSWER HERE", "de": "IHRE LÖSUNG HIER"}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("stem", LESSONS)
def test_no_solution_leaks(workshops, stem, language):
    """No solution line (in a cell, an output or any metadata), no output, no solution tag
    and no solution cell id reaches the zipped student copy, in either language."""
    built = workshops[language]
    lesson, student = _built_lesson(built, stem), _zipped_student(built, stem)
    assert edition.leaked_lines(lesson, student) == []
    assert all(not cell.get("outputs") for cell in student.cells)
    assert all(cell.get("execution_count") is None for cell in student.cells)
    assert not any(edition.is_solution(cell) for cell in student.cells)
    solutions = [cell for cell in lesson.cells if edition.is_solution(cell)]
    leaked_ids = {cell.id for cell in solutions} & {cell.id for cell in student.cells}
    assert not leaked_ids, f"solution cell ids in the student copy: {sorted(leaked_ids)}"
    assert not any("solution" in cell.id.lower() for cell in student.cells)
    stubs = [cell for cell in student.cells if edition.is_exercise(cell)]
    assert len(stubs) == len(solutions) > 0
    assert all(STUB_MARKERS[language] in stub.source for stub in stubs)
    assert all(set(stub.metadata) == {"tags"} for stub in stubs)
    # every variable a solution assigned is still there for its check cell
    for solution, stub in zip(solutions, stubs, strict=True):
        for name in edition.assigned_names(solution.source):
            assert f"{name} = None" in stub.source


def test_leak_detector_reads_metadata_and_ids():
    lesson = _lesson(LESSONS[0])
    solution = next(cell for cell in lesson.cells if edition.is_solution(cell))
    solution.metadata["instruction"] = "Sum the leads."
    solution.metadata["note"] = solution.source  # a trainer's note holding the answer
    student = edition.student_copy(lesson)
    assert edition.leaked_lines(lesson, student) == []
    stub = next(cell for cell in student.cells if edition.is_exercise(cell))
    assert stub.id == "answer-1" and stub.metadata == {"tags": ["exercise"]}
    stub.metadata["note"] = solution.source
    assert edition.leaked_lines(lesson, student), "a line in metadata must count as a leak"


def test_fill_solutions_puts_each_answer_back_in_order():
    lesson = _lesson(LESSONS[0])
    filled = edition.fill_solutions(edition.student_copy(lesson), lesson)
    solutions = [cell.source for cell in lesson.cells if edition.is_solution(cell)]
    answers = [cell.source for cell in filled.cells if edition.is_exercise(cell)]
    assert answers == solutions
    shorter = edition.student_copy(lesson)
    shorter.cells = [cell for cell in shorter.cells if cell.id != "answer-1"]
    with pytest.raises(ValueError, match="build the student copy"):
        edition.fill_solutions(shorter, lesson)


@pytest.mark.parametrize("stem", LESSONS)
def test_student_copy_links_the_bundled_glossary(workshop, stem):
    student = _student(workshop, stem)
    assert any(
        "](glossary.md)" in cell.source for cell in student.cells if cell.cell_type == "markdown"
    )
    assert (workshop.student_dir / "glossary.md").exists()


def test_leak_detector_finds_a_leak(workshop):
    lesson = _lesson(LESSONS[0])
    assert edition.leaked_lines(lesson, lesson), "the detector must be able to fail"


@pytest.mark.slow
@pytest.mark.parametrize("stem", LESSONS)
def test_student_copy_with_solutions_passes_every_check(workshop, stem):
    filled = edition.fill_solutions(_student(workshop, stem), _built_lesson(workshop, stem))
    executed = _execute(filled, workshop.student_dir)
    checks = [cell for cell in executed.cells if edition.is_check(cell)]
    assert checks
    for cell in checks:
        text = _output_text(cell)
        assert "✅" in text and "🟠" not in text, f"{stem} check cell {cell.id}: {text[:300]}"
    every_output = "\n".join(_output_text(cell) for cell in executed.cells)
    assert not re.search(r"<script[^>]+src=.https?://", every_output), "a chart needs the internet"


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "de"])
def test_empty_student_copy_answers_not_yet(workshops, language, monkeypatch):
    """In the edition's language, whatever MKT_LANGUAGE the laptop has."""
    monkeypatch.setenv("MKT_LANGUAGE", "de" if language == "en" else "en")
    built = workshops[language]
    executed = _execute(_student(built, "00_welcome"), built.student_dir)
    checks = [cell for cell in executed.cells if edition.is_check(cell)]
    no_answer = {"en": "no answer yet", "de": "noch keine antwort"}[language]
    assert checks and all("🟠" in _output_text(cell) for cell in checks)
    assert all(no_answer in _output_text(cell).lower() for cell in checks)
    assert not any(  # a cell tagged raises-exception shows how to read an error
        o.get("output_type") == "error"
        for c in executed.cells
        if "raises-exception" not in c.metadata.get("tags", [])
        for o in c.get("outputs", [])
    )


def test_zip_has_lessons_data_and_glossary_but_no_guide(workshop):
    names = zipfile.ZipFile(workshop.zip_path).namelist()
    for stem in LESSONS:
        assert f"workshop/{stem}.ipynb" in names
    data_files = [
        name for name in names if name.startswith("workshop/datasets/") and name.endswith(".csv")
    ]
    assert data_files
    assert "workshop/README.md" in names
    assert not any("trainer" in name or "solutions" in name for name in names)


def test_trainer_guide_is_complete_and_offline(workshop):
    text = (workshop.trainer_dir / "trainer_guide.md").read_text(encoding="utf-8")
    page = (workshop.trainer_dir / "trainer_guide.html").read_text(encoding="utf-8")
    for needed in (
        "## Agenda",
        "### Learning goals",
        "### Discussion questions",
        "```python",
        "averages the weekly",
        "inner join keeps only rows",
    ):
        assert needed.lower() in text.lower(), needed
    assert "<table>" in page and "<pre>" in page
    assert not re.search(r"""(src|href)=["']?https?://""", page)
    assert "<script" not in page


def test_cli_build_and_unknown_lesson(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["workshop", "build", "--out", str(tmp_path), "--lessons", "00"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "workshop-student.zip").exists()
    missing = runner.invoke(app, ["workshop", "build", "--out", str(tmp_path), "--lessons", "99"])
    assert missing.exit_code == 2 and "Available" in missing.output


def test_stub_keeps_instruction_and_names():
    source = (
        "# Share of search in all leads\nshare, total = 0.3, 10\n"
        "def helper(x):\n    return x\nshare"
    )
    stub = edition.solution_stub(source)
    assert stub.splitlines()[0] == "# Share of search in all leads"
    assert "share = None" in stub and "total = None" in stub and "helper = None" in stub
    assert "0.3" not in stub and "return" not in stub
    assert "IHRE LÖSUNG HIER" in edition.solution_stub(source, language="de")
    assert edition.assigned_names("%%time\nresult = 1") == ["result"]


def test_german_edition(tmp_path):
    result = build_workshop(tmp_path, lessons=["00"], language="de")
    student = nbformat.read(result.student_dir / "00_welcome.ipynb", as_version=4)
    markdown = "\n".join(cell.source for cell in student.cells if cell.cell_type == "markdown")
    assert "Lernziele" in markdown and "Übung 1" in markdown and "Learning goals" not in markdown
    assert "](glossary.md)" in markdown, "glossary links point at the bundled copy"
    assert "IHRE LÖSUNG HIER" in "\n".join(cell.source for cell in student.cells)
    assert result.stale_translations == {}
    guide_text = (result.trainer_dir / "trainer_guide.md").read_text(encoding="utf-8")
    assert "## Ablauf" in guide_text and "### Lernziele" in guide_text
    translation = edition.load_translation(LESSONS_DIR / "00_welcome.ipynb", "de")
    english = {cell.id for cell in _lesson("00_welcome").cells if cell.cell_type == "markdown"}
    assert set(translation) == english, "every markdown cell of lesson 00 has German text"


def test_stale_translation_is_reported(tmp_path):
    lesson = _lesson("00_welcome")
    lesson.cells[0].source += "\n\nA new sentence."
    with pytest.warns(UserWarning, match="out of date"):
        stale = edition.translate(
            lesson, edition.load_translation(LESSONS_DIR / "00_welcome.ipynb", "de")
        )
    assert stale == [lesson.cells[0].id]


def test_lessons_page_and_readme(tmp_path, project_root):
    from mkt_engineering.teaching.workshop import CATALOGUE, render_lessons_page

    page = render_lessons_page(tmp_path / "lessons.html")
    assert (tmp_path / "lessons.html").read_text(encoding="utf-8") == page
    readme = (project_root / "notebooks" / "lessons" / "README.md").read_text(encoding="utf-8")
    for entry in CATALOGUE:
        assert entry.title.split("·")[1].split(":")[0].strip() in page
        assert entry.stem in readme
    assert "<script" not in page


@pytest.mark.slow
def test_verify_reports_a_check_that_does_not_pass(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from mkt_engineering.teaching.workshop import verify_lessons

    solution = new_code_cell("answer = 2 + 2", id="solution-1")
    solution.metadata["tags"] = ["solution"]
    lesson = new_notebook(
        cells=[
            new_markdown_cell(
                "# 07 · Tiny\n\n**Learning goals.** You can\n- add\n\n**Time needed:** 5 minutes",
                id="title",
            ),
            solution,
            new_code_cell(
                "from mkt_engineering import teaching\n"
                "teaching.check_number(answer, 5, label='sum')",
                id="check-1",
            ),
        ]
    )
    nbformat.write(lesson, tmp_path / "07_tiny.ipynb")
    (row,) = verify_lessons(lessons_dir=tmp_path)
    assert row["lesson"] == "07_tiny" and row["checks"] == 1 and row["failed"] == ["check-1"]
    assert row["error"] == "" and row["seconds"] > 0


def test_translation_survives_regenerated_cell_ids():
    lesson = _lesson("00_welcome")
    for number, cell in enumerate(lesson.cells):
        cell.id = f"new-{number}"
    stale = edition.translate(
        lesson, edition.load_translation(LESSONS_DIR / "00_welcome.ipynb", "de")
    )
    assert stale == [] and lesson.cells[0].source.startswith("# 00 · Willkommen")


@pytest.mark.parametrize("stem", [s for s in ("00_welcome", "04_nurture_timing") if s in LESSONS])
def test_german_text_matches_the_current_lesson(stem):
    lesson = _lesson(stem)
    markdown = [cell for cell in lesson.cells if cell.cell_type == "markdown"]
    translation = edition.load_translation(LESSONS_DIR / f"{stem}.ipynb", "de")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stale = edition.translate(lesson, translation, name=stem)
    if stem == "00_welcome":  # this lesson and its German text change together
        assert stale == [], "update i18n/de after editing the lesson"
    else:  # lessons of other areas may move on; most of the German must still fit
        current = len(markdown) - len([s for s in stale if any(c.id == s for c in markdown)])
        assert current >= 0.8 * len(markdown), f"German text of {stem} is out of date: {stale}"


@pytest.mark.parametrize("stem", LESSONS)
def test_lesson_has_the_agreed_shape(stem):
    from mkt_engineering.teaching.workshop import lint_lesson

    assert lint_lesson(_lesson(stem)) == []


def test_lint_finds_a_missing_check_and_recap():
    from mkt_engineering.teaching.workshop import lint_lesson

    lesson = _lesson("00_welcome")
    check_index = next(k for k, cell in enumerate(lesson.cells) if cell.id == "check-1")
    del lesson.cells[check_index]
    lesson.cells = [cell for cell in lesson.cells if cell.id != "recap"]
    problems = lint_lesson(lesson)
    assert "solution cell solution-1 has no check cell after it" in problems
    assert "no recap at the end" in problems


def test_mkt_lab_opens_the_given_folder_on_localhost(tmp_path, monkeypatch):
    from mkt_engineering.commands import lab

    started = []
    monkeypatch.setattr(lab, "start", lambda command, env, folder: started.append(folder) or 0)
    (tmp_path / "00_welcome.ipynb").write_text("{}")
    result = CliRunner().invoke(app, ["lab", str(tmp_path), "--no-browser", "--port", "9999"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)  # inside a student folder, plain `mkt lab` opens it
    assert CliRunner().invoke(app, ["lab", "--no-browser"]).exit_code == 0
    assert started == [tmp_path, tmp_path]
    from mkt_engineering.commands.lab import lab_command

    command, _ = lab_command(["--no-browser"], folder=tmp_path)
    assert command[4:] == [str(tmp_path), "--no-browser", "--ServerApp.ip=127.0.0.1"]
    missing = CliRunner().invoke(app, ["lab", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "mkt lab PATH" in missing.output


@pytest.mark.parametrize("language", ["en", "de"])
def test_student_copy_sets_the_feedback_language_before_any_code(language):
    student = edition.student_copy(_lesson(LESSONS[0]), language=language)
    first = next(cell for cell in student.cells if cell.cell_type == "code")
    assert first.id == "feedback-language"
    assert f"teaching.set_language({language!r})" in first.source
