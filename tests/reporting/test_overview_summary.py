"""The data overview's summary: tables, rows, period and what to fix, in English and German."""

from __future__ import annotations

import polars as pl

from mkt_engineering.reporting.overview_summary import summarize

TABLES = pl.DataFrame(
    {
        "table": ["touchpoints", "conversions", "experiment"],
        "rows": [11085, 404, 20000],
        "first": ["2026-01-05 13:48:08", "2026-01-13 04:47:31", None],
        "last": ["2026-05-06 10:21:49", "2026-03-04 02:56:50", None],
    }
)


def test_headline_cards_and_partner_tables_that_end_apart():
    summary = summarize(TABLES)
    assert summary.headline == "3 tables, 31,489 rows, 05 Jan 2026 to 06 May 2026"
    assert [card.value for card in summary.cards] == ["3", "31,489", "Jan 2026 – May 2026"]
    assert summary.bullets[0].startswith("touchpoints and conversions end 63 days apart")
    assert "experiment: 20,000 rows" in summary.bullets


def test_tables_beyond_five_bullets_are_named_not_dropped():
    many = pl.DataFrame(
        {
            "table": [f"t{i}" for i in range(7)],
            "rows": [1] * 7,
            "first": [None] * 7,
            "last": [None] * 7,
        },
        schema_overrides={"first": pl.String, "last": pl.String},
    )
    bullets = summarize(many).bullets
    assert len(bullets) == 5 and bullets[-1] == "Also read: t4, t5, t6 (see below)."


def test_german_dates_and_numbers():
    summary = summarize(TABLES, {"orders": "not readable"}, language="de")
    assert summary.headline == (
        "3 Tabellen, 31.489 Zeilen, 05.01.2026 bis 06.05.2026; 1 Datei(en) unlesbar"
    )
    assert summary.cards[2].value == "Jan. 2026 – Mai 2026"
    assert summary.action == "Diese Dateien reparieren, sie waren nicht lesbar: orders."
