"""German throughout: every lesson cell and every hint has German text, the German edition
uses the glossary's words, and wrong or blank answers get German feedback."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from mkt_engineering import teaching
from mkt_engineering.teaching import feedback, german_feedback, glossary, ladder, translation
from mkt_engineering.teaching.student_edition import source_hash


def _lesson(folder, cells, translated):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(text, id=key) for key, text in cells.items()]
    path = folder / "07_toy.ipynb"
    nbformat.write(notebook, path)
    (folder / "i18n" / "de").mkdir(parents=True)
    data = {"lesson": "07_toy", "language": "de", "cells": translated}
    (folder / "i18n" / "de" / "07_toy.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_untranslated_names_lesson_cell_and_what_is_wrong(tmp_path):
    cells = {"aa": "# Welcome", "bb": "Read the chart.", "cc": "New text.", "dd": "Same."}
    translated = {
        "aa": {"source_sha": source_hash("# Welcome"), "text": "# Willkommen"},
        "cc": {"source_sha": source_hash("Old text."), "text": "Alter Text."},
        "dd": {"source_sha": source_hash("Same."), "text": "Same."},
        "zz": {"source_sha": "0" * 12, "text": "Weg."},
    }
    path = _lesson(tmp_path, cells, translated)
    problems = translation.untranslated("de", lessons=[path])
    assert problems == [
        "07_toy cell bb: no de text (still English)",
        "07_toy cell cc: stale, the English changed since it was translated "
        f"(update the text and source_sha {source_hash('New text.')})",
        "07_toy cell dd: the de text is the English one",
        "07_toy cell zz: orphan, no such cell in the lesson",
    ]
    assert translation.untranslated("en", lessons=[path]) == []


def test_untranslated_refuses_an_unknown_language():
    from mkt_engineering.errors import ParameterError

    with pytest.raises(ParameterError, match="untranslated"):
        translation.untranslated("fr")


def test_the_german_lessons_are_complete_and_current():
    problems = translation.untranslated("de")
    assert [line for line in problems if not line.startswith("hints ")] == []


def _german_lesson_texts():
    folder = translation.LESSONS_DIR / "i18n" / "de"
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, entry in data["cells"].items():
            yield f"{path.stem} cell {key}", entry["text"]
        for english, german in (data.get("code") or {}).items():
            yield f"{path.stem} code {english!r}", german


def test_german_lessons_and_glossary_use_one_term_per_concept():
    texts = dict(_german_lesson_texts())
    for row in glossary.load_glossary().iter_rows(named=True):
        texts[f"glossary {row['en']}"] = f"{row['de']} {row['bedeutung']}"
    for entry in yaml.safe_load(german_feedback.GERMAN_FILE.read_text(encoding="utf-8"))["texts"]:
        texts[f"feedback {entry['en']}"] = entry["de"]
    found = {where: glossary.synonym_problems(text) for where, text in texts.items()}
    assert {where: words for where, words in found.items() if words} == {}
    # the two pairs the workshop walk-through found
    assert glossary.rejected_synonyms()["Überholspur"] == "Fast Lane"
    assert glossary.rejected_synonyms()["Cure-Anteil"] == "Heilungsanteil"
    assert glossary.lookup("Fast Lane")["en"] == "Sales fast lane"


# ------------------------------------------------------------- German check feedback
def _wrong_answers_module():
    """tests/teaching/test_wrong_answers.py, whose learner-made wrong answers are reused."""
    path = Path(__file__).with_name("test_wrong_answers.py")
    spec = importlib.util.spec_from_file_location("wrong_answers_for_german", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WRONG = _wrong_answers_module()
# its module fixtures (demo orders, models, simulation, A/B result, lead timeline)
orders, ltv_models, simulation, ab_result, timeline = (
    WRONG.orders,
    WRONG.ltv_models,
    WRONG.simulation,
    WRONG.ab_result,
    WRONG.timeline,
)
CASES = sorted(
    name
    for name in dir(WRONG)
    if name.startswith("test_0") and "does_not_print" not in name and callable(getattr(WRONG, name))
)
# words that show an English sentence; code and column names never use them as whole words
ENGLISH = re.compile(r"\b(the|you|your|is|are|and|of|not|with|this|that|from|for)\b")


def _prose(text: str) -> str:
    """The text without code: no quoted names, calls, dotted names or the kit's decisions."""
    text = re.sub(r"do not ship|keep running", "", text)
    text = re.sub(r"(['\"]).*?\1", "", text)
    return re.sub(r"[\w.]*\([^()]*\)[\w.\[\]\"']*|\w+\.\w+[\w.]*", "", text)


def _feedbacks(case, args, language, monkeypatch):
    found = []
    monkeypatch.setattr(WRONG, "_expect", lambda result, fragment: found.append(result))
    feedback.set_language(language)
    try:
        getattr(WRONG, case)(**args)
    finally:
        feedback.set_language("en")
    return found


@pytest.mark.parametrize("case", CASES)
def test_wrong_answers_get_german_hints(case, request, monkeypatch):
    function = getattr(WRONG, case)
    args = {name: request.getfixturevalue(name) for name in inspect.signature(function).parameters}
    english = _feedbacks(case, args, "en", monkeypatch)
    german = _feedbacks(case, args, "de", monkeypatch)
    assert english and len(german) == len(english)
    for en, de in zip(english, german, strict=True):
        for en_text, de_text in ((en.message, de.message), (en.hint or "", de.hint or "")):
            assert de_text != en_text or not en_text, en_text
            assert not ENGLISH.search(_prose(de_text)), de_text


def test_every_hint_and_ladder_rung_has_german():
    assert translation.hint_problems("de") == []


@pytest.mark.parametrize("check", WRONG.LESSON_CHECKS)
def test_blank_answers_say_noch_keine_antwort(check):
    feedback.set_language("de")
    try:
        result = getattr(teaching, check)(None)
        shown = str(result)  # the box's own words follow the language when shown
        rungs = [str(ladder.hint(step, check)) for step in (1, 2)]
    finally:
        feedback.set_language("en")
    assert result.message.startswith("Noch keine Antwort für ")
    assert "Tipp:" in shown and "Nicht weiter? hint(1)" in shown
    for rung in rungs:
        assert rung.startswith("Tipp ") and not ENGLISH.search(_prose(rung)), rung


def _code_shape(source: str) -> str:
    """A code cell's syntax tree with every text constant blanked: what the code does."""
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.startswith("%")))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


@pytest.mark.parametrize(
    "path", sorted(translation.LESSONS_DIR.glob("0[0-5]_*.ipynb")), ids=lambda path: path.stem
)
def test_code_cells_speak_german_and_still_do_the_same(path):
    lesson = nbformat.read(path, as_version=4)
    german = nbformat.read(path, as_version=4)
    assert translation.translate_code(german, path, "de") > 0
    pairs = [
        (en, de)
        for en, de in zip(lesson.cells, german.cells, strict=True)
        if en.cell_type == "code" and translation.code_fragments(en.source)
    ]
    assert pairs
    for en, de in pairs:
        assert _code_shape(de.source) == _code_shape(en.source), en.get("id")
        left = set(translation.code_fragments(de.source)) & set(
            translation.code_fragments(en.source)
        )
        assert not left, f"{path.stem} cell {en.get('id')}: {left}"
