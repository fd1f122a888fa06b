"""The nurture summary's headline is true for all leads (issue 18), in English and German."""

from __future__ import annotations

import numpy as np
import polars as pl

from mkt_engineering import nurture
from mkt_engineering.nurture.summary import summarize


def _curve(qualified: int, leads: int = 100) -> pl.DataFrame:
    """`qualified` leads reach MQL on days 1, 2, ...; the rest are still open on day 200."""
    days = np.r_[np.arange(1, qualified + 1), np.full(leads - qualified, 200)].astype(float)
    events = np.r_[np.ones(qualified), np.zeros(leads - qualified)]
    return nurture.kaplan_meier(days, events)


def test_fewer_than_half_qualify_the_headline_speaks_of_all_leads():
    summary = summarize(leads=100, curve=_curve(30), horizon_days=180, latency_days=29.0)
    # 30 of 100 qualify, on days 1-30: half of them by day 15. "Median 29 days to MQL"
    # (the old headline) would be false for all leads: 70 never got there.
    assert summary.headline == (
        "30% of leads reach MQL within 180 days; those who do take a median 15 days"
    )
    assert not summary.headline.startswith("Median")
    assert summary.cards[0].value == "30%"


def test_more_than_half_qualify_the_headline_gives_the_median_of_all_leads():
    summary = summarize(leads=100, curve=_curve(70), horizon_days=180)
    assert summary.headline == "Half of all leads reach MQL within 50 days; 70% within 180 days"


def test_the_headline_in_german():
    summary = summarize(leads=100, curve=_curve(30), horizon_days=180, language="de")
    assert summary.headline == (
        "30 % der Leads erreichen MQL innerhalb von 180 Tagen; wer es schafft, braucht im "
        "Median 15 Tage"
    )


def test_the_horizon_never_reaches_beyond_the_data():
    curve = nurture.kaplan_meier(np.array([5.0, 10.0, 40.0]), np.array([1, 0, 0]))
    assert "within 40 days" in summarize(leads=3, curve=curve, horizon_days=180).headline


def test_without_the_time_to_mql_the_summary_says_so():
    summary = summarize(leads=1200)
    assert summary.headline.startswith("1,200 leads; the time to MQL could not be computed")
    assert summary.action.startswith("No handoff advice yet")


def _results() -> dict:
    green = pl.DataFrame(
        {
            "measure": ["win rate, called before ready", "difference, adjusted"],
            "estimate": [0.25, -0.284],
            "ci_low": [0.19, -0.367],
            "ci_high": [0.31, -0.202],
        }
    )
    rule = pl.DataFrame(
        {
            "threshold": [50.0, 60.0],
            "win_rate_below": [0.24, 0.25],
            "win_rate_above": [0.53, 0.54],
            "extra_wins": [55.3, 60.7],
            "extra_wins_low": [41.4, 45.5],
            "extra_wins_high": [69.3, 75.8],
            "recommended": [False, True],
        }
    )
    fatigue = pl.DataFrame(
        {"emails_per_week": ["0–1.5", "4–100"], "weekly_probability": [0.0063, 0.0902]}
    )
    targeted = pl.DataFrame({"reaches_sales": [True] * 627 + [False] * 1173})
    return {
        "green_banana": green,
        "handoff": rule,
        "expected": pl.DataFrame({"open_leads": [383], "expected_mqls": [19.1], "sd": [4.0]}),
        "fatigue": fatigue,
        "targeted": targeted,
        "excluded_wins": pl.DataFrame({"wins": [119, 48]}),
    }


def test_a_full_summary_has_cards_an_action_and_bullets():
    summary = summarize(
        leads=1800, curve=_curve(40), never_qualify=0.49, latency_days=29.0, **_results()
    )
    assert 2 <= len(summary.cards) <= 4 and 3 <= len(summary.bullets) <= 5
    early = summary.cards[2]
    assert (early.value, early.comparison) == (
        "25%",
        "-28 points vs similar leads called when ready",
    )
    assert early.interval == "95% interval: -37 to -20 points"
    assert summary.action.startswith("Hand leads to sales once their score reaches 60")
    assert any("At 4+ e-mails a week, 9.0%" in bullet for bullet in summary.bullets)  # not 4–100
    assert any("1,173 of 1,800 leads" in bullet for bullet in summary.bullets)


def test_a_full_summary_in_german_has_german_numbers_only():
    summary = summarize(
        leads=1800,
        curve=_curve(40),
        never_qualify=0.49,
        latency_days=29.0,
        language="de",
        **_results(),
    )
    text = " ".join([summary.headline, summary.action, *summary.bullets])
    text += " ".join(f"{c.label} {c.value} {c.comparison} {c.interval}" for c in summary.cards)
    assert "1.173 von 1.800 Leads" in text and "9,0 %" in text and "-28 Prozentpunkte" in text
    assert "points" not in text and "1,173" not in text
