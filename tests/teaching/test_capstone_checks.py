"""Lesson 05 checks: right answers (worked out by hand here) pass; each mistake has its own hint."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl

from mkt_engineering.teaching import capstone_checks as capstone

# last touch vs Markov shares; gains by hand: search -0.2, display +0.15, email +0.05
COMPARISON = pl.DataFrame(
    {
        "model": ["last_touch"] * 3 + ["markov"] * 3,
        "channel": ["search", "display", "email"] * 2,
        "share": [0.6, 0.1, 0.3, 0.4, 0.25, 0.35],
    }
)


def test_biggest_gain():
    assert capstone.check_biggest_gain("display", COMPARISON).passed
    assert capstone.check_biggest_gain(" Display ", COMPARISON).passed
    assert "loses share" in capstone.check_biggest_gain("search", COMPARISON).hint
    assert "not one of the channels" in capstone.check_biggest_gain("tv", COMPARISON).message
    assert "No answer yet" in capstone.check_biggest_gain(None, COMPARISON).message
    assert "single name" in capstone.check_biggest_gain(["display"], COMPARISON).hint
    largest_markov = COMPARISON.with_columns(
        pl.when((pl.col("model") == "markov") & (pl.col("channel") == "email"))
        .then(0.42)
        .otherwise(pl.col("share"))
        .alias("share")
    )
    # now email has the largest Markov share (0.42, gain +0.12) but display still gains most (+0.15)
    assert "largest Markov share" in (
        capstone.check_biggest_gain("email", largest_markov).hint or ""
    )


VALUES = pl.DataFrame(
    {
        "acquisition_channel": ["affiliate", "display", "search", "social"],
        "ltv_cac": [1.9, 0.5, 1.35, 0.98],
    }
)


def test_losing_channels():
    assert capstone.check_losing_channels(["social", "display"], VALUES).passed
    assert capstone.check_losing_channels(pl.Series(["display", "social"]), VALUES).passed
    assert (
        "other way round" in capstone.check_losing_channels(["affiliate", "search"], VALUES).message
    )
    assert (
        "too long"
        in capstone.check_losing_channels(["display", "social", "search"], VALUES).message
    )
    assert ".to_list()" in capstone.check_losing_channels("display", VALUES).hint
    assert "ltv_cac with 1" in capstone.check_losing_channels(["display"], VALUES).hint


def test_conversion_effect():
    effects = pl.DataFrame(
        {
            "metric": ["converted", "revenue"],
            "effect": [0.016, 0.9],
            "lift": [0.2, 0.05],
            "treatment_value": [0.096, 18.9],
        }
    )
    result = SimpleNamespace(effects=effects)
    assert capstone.check_conversion_effect(0.016, result).passed
    hints = {capstone.check_conversion_effect(value, result).hint for value in (0.2, 0.096, 0.9)}
    assert len(hints) == 3
    assert "percentage" in capstone.check_conversion_effect(1.6, result).hint


def test_share_ready():
    # Kaplan-Meier by hand: day 3 censored; S(5) = 4/5, S(8) = 0.8 * 3/4 = 0.6
    # -> ready within 10 days 0.4
    timeline = pl.DataFrame(
        {"days_in_nurturing": [5.0, 8.0, 8.0, 12.0, 20.0, 3.0], "qualified": [1, 1, 0, 1, 0, 0]}
    )
    assert capstone.check_share_ready(0.4, timeline, days=10).passed
    assert "NOT yet" in capstone.check_share_ready(0.6, timeline, days=10).hint
    assert "whole time" in capstone.check_share_ready(2 / 6, timeline, days=10).hint
    assert "any time" in capstone.check_share_ready(3 / 6, timeline, days=10).hint
