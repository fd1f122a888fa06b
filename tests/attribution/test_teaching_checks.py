"""Lesson 01 checks: right answers pass, common mistakes get their specific hint."""

from __future__ import annotations

import polars as pl

from mkt_engineering import teaching
from mkt_engineering.attribution import linear, shapley, truth_error

PATHS = pl.DataFrame(
    {
        "path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
        "conversions": [2.0, 0, 1, 1, 0],
        "non_conversions": [1.0, 2, 1, 0, 1],
    }
)


def test_conversion_probability():
    assert teaching.check_conversion_probability(4 / 9, PATHS).passed
    assert "percentage" in teaching.check_conversion_probability(44.44444, PATHS).hint


def test_removal_effect_hints_do_not_reveal_the_answer():
    assert teaching.check_removal_effect(7 / 12, PATHS, "A").passed
    wrong = teaching.check_removal_effect(5 / 12, PATHS, "A")
    assert not wrong.passed and "share that is lost" in wrong.hint
    assert "0.583" not in str(wrong) and "7/12" not in str(wrong)
    assert (
        "conversion probability without"
        in teaching.check_removal_effect(4 / 9 * 5 / 12, PATHS, "A").hint
    )


def test_linear_credit_mistakes():
    right = linear(PATHS).select("channel", "conversions")
    assert teaching.check_linear_credit(right, PATHS).passed
    assert (
        "shares"
        in teaching.check_linear_credit(right.with_columns(pl.col("conversions") / 4), PATHS).hint
    )
    repeats = pl.DataFrame(
        {"path": [["A", "A", "B"], ["B"]], "conversions": [3.0, 1.0], "non_conversions": [1.0, 1.0]}
    )
    distinct = shapley(repeats).select("channel", "conversions")
    assert "distinct channels" in teaching.check_linear_credit(distinct, repeats).hint
    assert not teaching.check_linear_credit(right.rename({"channel": "Channel"}), PATHS).passed
    assert (
        "not numbers"
        in teaching.check_linear_credit(
            right.with_columns(pl.col("conversions").cast(pl.String)), PATHS
        ).message
    )


def test_best_model():
    errors = truth_error(
        PATHS, {"A": 0.3, "B": 0.6, "C": 0.1}, ["first_touch", "last_touch", "linear"]
    )
    best = errors["model"][0]
    assert teaching.check_best_model(best, errors).passed
    assert "furthest" in teaching.check_best_model(errors["model"][-1], errors).message
    assert not teaching.check_best_model(3, errors).passed
    assert "not one of" in teaching.check_best_model("magic", errors).message
