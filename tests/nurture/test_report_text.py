"""The nurture report's own sentences: English as the report wrote them, German in full."""

from __future__ import annotations

import datetime as dt
import re

from mkt_engineering.nurture import report_text

ENGLISH = re.compile(r"\b(the|and|of|is|are|with|which|leads are|half|days|hours|points)\b")
ROW = {"threshold": 60.0, "reach": 0.35, "precision": 0.51, "share_of_wins": 0.65}


def _german_texts() -> list[str]:
    first, last = dt.date(2025, 1, 1), dt.date(2026, 3, 30)
    return [
        *(report_text.text(key, "de") for key in report_text.TEXTS),
        report_text.explain_leads(1800, 17724, first, last, 447, "de"),
        report_text.explain_won(0.269, "de"),
        report_text.explain_log_rank("persona", 2.7e-18, "de"),
        report_text.explain_log_rank("source", 0.4, "de"),
        report_text.group_chart_title("persona", "de"),
        report_text.explain_time_varying(["persona=it_manager"], "de"),
        report_text.explain_time_varying([], "de"),
        report_text.explain_open_half_life(10.2, "de"),
        report_text.explain_recycling(210, 94.2, "de"),
        report_text.explain_recycling(1210, None, "de"),
        report_text.explain_reach_precision(ROW, "de"),
    ]


def test_german_sentences_hold_no_english():
    for text in _german_texts():
        assert not ENGLISH.findall(text), text
    texts = " ".join(_german_texts())
    assert "1.800 Leads mit 17.724 Ereignissen, angelegt ab dem 01.01.2025" in texts
    assert "26,9 %" in texts and "p < 0,001" in texts and "1.210 Recyclings" in texts


def test_english_sentences_are_the_reports_own():
    first, last = dt.date(2025, 1, 1), dt.date(2026, 3, 30)
    assert report_text.explain_leads(1800, 17724, first, last, 447) == (
        "1,800 leads with 17,724 events, created from 01 Jan 2025; the data end on 30 Mar 2026. "
        "447 leads are still in nurturing."
    )
    assert report_text.explain_reach_precision(ROW) == (
        "At score 60, 35% of the leads are passed to sales and 51% of them are won; they account "
        "for 65% of all wins. A higher threshold passes fewer leads and wins a larger share of "
        "them."
    )
    assert report_text.explain_recycling(210, 94.2) == (
        "210 recyclings: half of the recycled leads are ready again within 94 days."
    )
    # the p-value by the kit's formatter: "p < 0.001", no longer "p = 2.7e-18"
    assert "p < 0.001 (they clearly differ)." in report_text.explain_log_rank("persona", 2.7e-18)
