"""The attribution summary: a top channel only when chance could not reorder it (issue 18)."""

from __future__ import annotations

import polars as pl

from mkt_engineering.attribution.summary import summarize
from mkt_engineering.formatting import currency_for

INTERVALS = pl.DataFrame(
    {
        "channel": ["search", "direct", "other (12 channels)", "email"],
        "conversions": [62.98, 56.07, 80.0, 20.0],
        "lower": [56.16, 48.29, 70.0, 15.0],
        "upper": [70.07, 62.86, 90.0, 25.0],
    }
)
BUDGET = pl.DataFrame(
    {
        "channel": ["search", "email", "direct"],
        "cost_per_conversion": [35.18, 1.15, None],
        "cost_per_conversion_low": [31.62, 0.98, None],
        "cost_per_conversion_high": [39.45, 1.31, None],
    }
)
COMPARISON = pl.DataFrame(
    {
        "model": ["last_touch", "last_non_direct", "last_touch", "last_non_direct"],
        "channel": ["direct", "direct", "search", "search"],
        "share": [0.297, 0.007, 0.15, 0.16],
    }
)


def test_overlapping_intervals_are_said_in_the_headline_and_the_tail_is_no_channel():
    summary = summarize(INTERVALS, model="markov", merged_channels=["other (12 channels)"])
    # the merged long tail has the most credit, but it is no channel to name
    assert summary.headline == (
        "Top channel under markov: search (29% of conversions), not clearly ahead of direct"
    )
    assert summary.cards[0].interval == "95% interval: 56 – 70"


def test_money_in_the_run_currency_and_german_formats():
    summary = summarize(
        INTERVALS,
        model="markov",
        comparison=COMPARISON,
        budget=BUDGET,
        merged_channels=["other (12 channels)"],
        currency=currency_for("EUR"),
        language="de",
    )
    cost = summary.cards[2]
    assert (cost.label, cost.value) == ("Niedrigste Kosten je Conversion: email", "1,15 €")
    assert cost.comparison == "höchste: search, 35,18 €"
    assert any(
        "von 0,7 % der Conversions (last_non_direct) bis 29,7 %" in b for b in summary.bullets
    )
    assert summary.action.startswith("Vor einer Budgetverschiebung")


def test_no_credit_gives_an_honest_headline():
    assert summarize(None, model="markov").headline.startswith("No channel credit")
