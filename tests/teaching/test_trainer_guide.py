"""Trainer guide: mistakes harvested from the checks, the two-day agenda, the expected numbers
(recorded from the lessons' solutions and equal to the checks' reference values), the model
memo and the laptop page, in English and German."""

from __future__ import annotations

import importlib
import math
import re
import sys
import textwrap

import pytest

from mkt_engineering.teaching import expected_numbers, glossary, guide_pages, welcome_checks
from mkt_engineering.teaching import student_edition as edition
from mkt_engineering.teaching.trainer_guide import (
    check_hints,
    guide_markdown,
    markdown_to_html,
)
from mkt_engineering.teaching.workshop import describe_lesson, lesson_paths

CHECK_MODULE = """
from mkt_engineering.teaching.feedback import check_number

COMMON = {2.0: "You counted each lead twice, once per event."}


def _helper(answer):
    return check_number(answer, 1.0, label="x", hint="Count the " + "leads once.")


def check_local(answer):
    mistakes = {0.0: "You filtered out every lead: check the condition."}
    return check_number(answer, 1.0, label="x", mistakes=mistakes, hint=f"Compare with {answer} "
        f"again.")


def check_module_level(answer):
    return check_number(answer, 1.0, label="x", mistakes=COMMON) or _helper(answer)
"""


def test_hints_from_dict_literals_locals_module_constants_and_helpers(tmp_path, monkeypatch):
    (tmp_path / "tiny_checks_for_guide.py").write_text(
        textwrap.dedent(CHECK_MODULE), encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("tiny_checks_for_guide")
    try:
        assert check_hints(module.check_local) == [
            "You filtered out every lead: check the condition.",
            "Compare with … again.",
        ]
        assert check_hints(module.check_module_level) == [
            "You counted each lead twice, once per event.",
            "Count the leads once.",
        ]
    finally:
        sys.modules.pop("tiny_checks_for_guide", None)
    assert "This counts clicks; the question asks for leads." in check_hints(
        welcome_checks.check_search_leads
    )


def test_html_is_self_contained():
    page = markdown_to_html(guide_markdown([], language="de"), title="Leitfaden", language="de")
    assert page.startswith("<!DOCTYPE html>") and 'lang="de"' in page
    assert "http:" not in page and "https:" not in page  # no remote file (http-equiv is fine)


# ------------------------------------------------------------ the guide's own pages
LESSONS = lesson_paths()


def _docs(language):
    docs = []
    for path in LESSONS:
        lesson = edition.read_lesson(path)
        translation = edition.load_translation(path, language)
        if translation:
            edition.translate(lesson, translation, name=path.stem)
        docs.append(describe_lesson(lesson, path.stem, language=language))
    return docs


@pytest.fixture(scope="module")
def guides():
    return {language: guide_markdown(_docs(language), language=language) for language in LANGS}


LANGS = ("en", "de")


def _same(answer, reference):
    """An answer equals the check's reference value (tables in any row order)."""
    if isinstance(reference, float):
        return isinstance(answer, float) and math.isclose(answer, reference, rel_tol=1e-9)
    if isinstance(reference, dict) and "rows" in reference:
        rows = sorted(map(tuple, answer["rows"]), key=str)
        wanted = sorted(map(tuple, reference["rows"]), key=str)
        return answer["columns"] == reference["columns"] and all(
            _same(list(a), list(b)) for a, b in zip(rows, wanted, strict=True)
        )
    if isinstance(reference, list):
        if all(isinstance(item, str) for item in reference):
            return sorted(answer) == sorted(reference)
        return len(answer) == len(reference) and all(map(_same, answer, reference))
    return answer == reference


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_expected_numbers_passed_and_equal_the_checks_reference(path):
    recorded = expected_numbers.load_expected().get(path.stem, {})
    checks = [check for check, _ in expected_numbers.answer_names(edition.read_lesson(path))]
    assert list(recorded) == checks, (
        f"{path.stem}: the recorded answers are not those of the lesson's exercises; "
        "run python -m mkt_engineering.teaching.expected_numbers"
    )
    for check, seen in recorded.items():
        assert seen["passed"], f"{check}: the lesson's solution does not pass its check"
        if seen["reference"] is not None:  # a chart has no reference value
            assert _same(seen["answer"], seen["reference"]), check


@pytest.mark.parametrize("language", LANGS)
def test_guide_prints_every_expected_answer_and_the_memo(guides, language):
    text = guides[language]
    recorded = expected_numbers.load_expected()
    for lesson in recorded.values():
        for seen in lesson.values():
            assert expected_numbers.format_value(seen["answer"], language) in text
    capstone = recorded["05_capstone"]
    memo = guide_pages.model_memo(capstone, language=language)
    assert memo and memo in text
    assert f"**{capstone['check_biggest_gain']['answer']}**" in memo
    share = round(100 * capstone["check_share_ready"]["answer"])
    assert f"**{share}{' %' if language == 'de' else '%'}**" in memo


@pytest.mark.parametrize("language", LANGS)
def test_two_day_agenda_has_minutes_for_every_exercise(guides, language):
    docs = _docs(language)
    agenda = guide_pages.two_day_agenda(docs, language=language)
    days = agenda.split("### ")[1:]
    assert len(days) == 2
    exercise = {"en": "Exercise", "de": "Übung"}[language]
    for doc in docs:
        for number, task in enumerate(doc.exercises, start=1):
            minutes = guide_pages.exercise_minutes(task.checks)
            assert f"{doc.title} · {exercise} {number} | {minutes} |" in agenda, doc.title
    lunch = {"en": "Lunch break", "de": "Mittagspause"}[language]
    for day in days:
        rows = [line.split(" | ") for line in day.splitlines() if re.match(r"\| \d\d:", line)]
        assert all(a[1] == b[0].strip("| ") for a, b in zip(rows[:-1], rows[1:], strict=True)), (
            "gapless"
        )
        assert day.count(lunch) == 1 and rows[-1][1] <= "17:30"
    assert "## Agenda: two days" in guides["en"] and "## Ablauf: zwei Tage" in guides["de"]


@pytest.mark.parametrize("language", LANGS)
def test_mistakes_are_clean_and_in_the_guides_language(guides, language):
    text = guides[language]
    mistakes = [line for line in text.splitlines() if line.startswith("- ")]
    assert not [line for line in mistakes if "…" in line]
    if language == "de":
        assert "Das zählt Klicks; die Frage fragt nach Leads." in text
        assert "This counts clicks" not in text
        assert glossary.synonym_problems(text) == []


@pytest.mark.parametrize("language", LANGS)
def test_prepare_20_laptops_page(guides, language):
    text = guides[language]
    heading = {"en": "## Prepare 20 laptops", "de": "## 20 Laptops vorbereiten"}[language]
    page = text[text.index(heading) :]
    for needed in (
        "--offline",
        "install.bat",
        "install.command",
        "sh install.sh",
        "Windows",
        "macOS",
        "Linux",
        "mkt doctor workshop",
        "mkt lab workshop",
        "MKT_NO_LAB=1",
        "python.org",
        "docs/workshop-install.md",
        "make setup",
    ):
        assert needed in page, needed


@pytest.mark.slow
def test_recorded_numbers_are_what_the_solutions_give_today():
    """Lesson 01 run again now gives the stored answers (about 30 s): the file is current."""
    path = next(path for path in LESSONS if path.stem == "01_attribution")
    assert expected_numbers.run_lesson(path) == expected_numbers.load_expected()[path.stem]
