"""German throughout: every lesson cell and every hint has German text, the German edition
uses the glossary's words, and wrong or blank answers get German feedback."""

from __future__ import annotations

import nbformat
import pytest
import yaml

from mkt_engineering.teaching import glossary, translation
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
        cells = yaml.safe_load(path.read_text(encoding="utf-8"))["cells"]
        for key, entry in cells.items():
            yield f"{path.stem} cell {key}", entry["text"]


def test_german_lessons_and_glossary_use_one_term_per_concept():
    texts = dict(_german_lesson_texts())
    for row in glossary.load_glossary().iter_rows(named=True):
        texts[f"glossary {row['en']}"] = f"{row['de']} {row['bedeutung']}"
    found = {where: glossary.synonym_problems(text) for where, text in texts.items()}
    assert {where: words for where, words in found.items() if words} == {}
    # the two pairs the workshop walk-through found
    assert glossary.rejected_synonyms()["Überholspur"] == "Fast Lane"
    assert glossary.rejected_synonyms()["Cure-Anteil"] == "Heilungsanteil"
    assert glossary.lookup("Fast Lane")["en"] == "Sales fast lane"
