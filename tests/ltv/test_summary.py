"""The cohort_ltv summary: amounts in the run's currency and the reader's format (issue 18)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from mkt_engineering.formatting import currency_for
from mkt_engineering.ltv.summary import summarize

CHANNELS = pl.DataFrame(
    {
        "acquisition_channel": ["affiliate", "display", "search"],
        "ltv_cac": [1.89, 0.52, 1.35],
        "payback_month": [2, None, 6],
    }
)
CLV = pl.DataFrame(
    {
        "clv": [100.0, 80.0, 56.344],
        "clv_lower": [90.0, 70.0, 50.0],
        "clv_upper": [110.0, 90.0, 60.0],
    }
)
HOLDOUT = {"aggregate_error": 0.008, "large_error": False}


def _summary(language="en", currency="EUR", **changes):
    arguments = {
        "customers": 1200,
        "new_customer": (17.3, 16.82, 17.92),
        "holdout": HOLDOUT,
        "calibration_end": dt.date(2025, 6, 30),
        "clv": CLV,
        "channels": CHANNELS,
        "margin": 0.312,
        "currency": currency_for(currency),
        "language": language,
    }
    return summarize(**{**arguments, **changes})


def test_english_amounts_carry_the_run_currency():
    summary = _summary(currency="USD")
    assert summary.headline == "12-month CLV of an average new customer: $17.30"
    assert summary.cards[1].value == "$236"
    assert summary.cards[2].value == "1.9" and summary.cards[2].comparison.startswith("affiliate")
    assert summary.action == (
        "Shift acquisition budget towards affiliate (LTV : CAC 1.9) and review display: its "
        "customers cost more than they bring."
    )


def test_german_summary_is_german_throughout():
    summary = _summary(language="de", clv=CLV.with_columns(pl.col("clv") * 1000))
    texts = [summary.headline, summary.action, *summary.bullets]
    texts += [f"{c.label} {c.value} {c.comparison} {c.interval}" for c in summary.cards]
    text = " ".join(texts)
    assert "17,30 €" in text and "236.344 €" in text
    assert "30.06.2025" in text
    assert "€17" not in text and "customers" not in text and "236,344" not in text


def test_skipped_sections_leave_no_numbers():
    summary = summarize(customers=7381, language="en")
    assert (
        summary.headline == "7,381 customers; no lifetime value could be computed (see the report)"
    )
    assert [card.value for card in summary.cards] == ["7,381"]
    assert summary.bullets == ()


def test_a_large_model_error_comes_first_in_the_action():
    summary = _summary(holdout={"aggregate_error": -0.31, "large_error": True})
    assert summary.action.startswith("Do not plan with these values yet")
    assert "31.0%" in summary.action
