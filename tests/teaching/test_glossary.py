"""The German–English glossary: enough terms, the required ones, one line each, page in sync."""

from __future__ import annotations

import re

import polars as pl
import pytest

from mkt_engineering.teaching import glossary

REQUIRED = [
    "MQL",
    "MQN",
    "Customer Journey",
    "Kohorte",
    "Kundenwert",
    "Signifikanz",
    "Konfidenzintervall",
    "Stichprobengröße",
    "Abwanderung",
    "Einwilligung",
]


def test_at_least_forty_complete_one_line_entries():
    frame = glossary.load_glossary()
    assert frame.height >= 40
    for column in ("de", "en", "meaning", "bedeutung"):
        values = frame[column]
        assert values.null_count() == 0 and (values.str.len_chars() > 1).all(), column
        assert not values.str.contains("\n").any(), f"{column}: one line each"
    assert frame["de"].is_unique().all() and frame["en"].is_unique().all()
    assert set(frame["area"]) <= set(glossary.AREAS)


@pytest.mark.parametrize("term", REQUIRED)
def test_required_terms_are_there(term):
    assert glossary.lookup(term)["meaning"]


def test_lookup_both_ways_and_unknown():
    assert glossary.lookup("sample size")["de"] == "Stichprobengröße"
    with pytest.raises(KeyError, match="not in the glossary"):
        glossary.lookup("Quantenmarketing")


def test_docs_page_is_generated_from_the_data(project_root):
    page = (project_root / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert page == glossary.glossary_markdown(), (
        "run glossary.write_glossary() after editing the YAML"
    )
    rows = [line for line in page.splitlines() if re.match(r"\| \*\*", line)]
    assert len(rows) == glossary.load_glossary().height


def test_lessons_link_to_the_glossary(project_root):
    lessons = sorted((project_root / "notebooks" / "lessons").glob("0[05]_*.ipynb"))
    assert lessons
    for path in lessons:
        assert "docs/glossary.md" in path.read_text(encoding="utf-8"), path.name
    assert isinstance(glossary.load_glossary(), pl.DataFrame)
