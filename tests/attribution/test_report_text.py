"""The attribution report's own sentences: English as the report wrote them, German in full."""

from __future__ import annotations

import re

import polars as pl

from mkt_engineering.attribution import report_text as explain
from mkt_engineering.attribution.budget import LIMITS

ENGLISH = re.compile(r"\b(the|and|of|is|with|which|journeys|paths|channels?|none)\b")
FLIPS = pl.DataFrame({"channel": ["direct", "email", "*video*"], "flips": [True, False, True]})
PATHS = pl.DataFrame({"conversions": [300.0, 104.0], "non_conversions": [1200.0, 1446.0]})


def test_english_sentences_are_the_reports_own():
    assert explain.explain_journeys(3050, 1695, 404, 404) == (
        "3,050 journeys, 1,695 distinct paths, 404 conversions with touches in the window (of 404 "
        "conversions in all). Conversions without any touch in the window cannot be credited to "
        "a channel and are left out."
    )
    assert explain.explain_paths_file(PATHS) == (
        "2 distinct paths with 404 conversions and 2,646 journeys without a conversion, as the "
        "paths file counts them."
    )
    assert explain.explain_ranking_flips(FLIPS) == (
        "2 channel(s) move three or more places in the ranking between models: direct, "
        "\\*video\\*. Their rank depends on the model you pick."
    )
    assert explain.explain_ranking_flips(FLIPS.head(0)).startswith("0 channel(s) move")
    assert explain.explain_limits() == LIMITS
    assert explain.paths_file_given() == (
        "A paths file is given, so the touchpoints and conversions files are not read."
    )


def test_german_sentences_hold_no_english():
    texts = [
        explain.explain_journeys(3050, 1695, 404, 410, "de"),
        explain.explain_paths_file(PATHS, "de"),
        explain.explain_ranking_flips(FLIPS, "de"),
        explain.explain_ranking_flips(FLIPS.head(1), "de"),
        explain.explain_ranking_flips(FLIPS.head(0), "de"),
        explain.explain_limits("de"),
        explain.paths_file_given("de"),
    ]
    for text in texts:
        assert not ENGLISH.findall(text), text
    assert texts[0].startswith("3.050 Customer Journeys, 1.695 verschiedene Pfade")
    assert "2.646 Journeys ohne Conversion" in texts[1]
    assert texts[2].startswith("2 Kanäle rücken") and "\\*video\\*" in texts[2]
    assert texts[3].startswith("1 Kanal rückt")
    assert texts[4].startswith("Kein Kanal")
