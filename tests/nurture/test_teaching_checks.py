"""Lesson 04 checks: right answers pass, common mistakes get their own hint, nothing leaks the
answer."""

from __future__ import annotations

import polars as pl

from mkt_engineering import teaching
from mkt_engineering.nurture.handoff import sales_contacts
from mkt_engineering.nurture.survival import kaplan_meier, survival_at


def _hidden(feedback, value):
    text = f"{feedback.message} {feedback.hint or ''}"
    return f"{value:.3f}" not in text and f"{value:.2f}" not in text


def test_naive_mean(timeline):
    right = timeline.filter(pl.col("qualified") == 1)["days_in_nurturing"].mean()
    assert teaching.check_naive_mean(right, timeline).passed
    everyone = teaching.check_naive_mean(timeline["days_in_nurturing"].mean(), timeline)
    assert not everyone.passed and "all leads" in everyone.hint and _hidden(everyone, right)
    assert "text" in teaching.check_naive_mean(str(right), timeline).hint


def test_censored_share(timeline):
    right = (timeline["nurture_exit"] == "none").mean()
    assert teaching.check_censored_share(right, timeline).passed
    wrong = teaching.check_censored_share(1 - timeline["qualified"].mean(), timeline)
    assert not wrong.passed and "NOT qualified" in wrong.hint
    assert "percentage" in teaching.check_censored_share(100 * right, timeline).hint


def test_survival_input_names_types_and_rows(timeline):
    right = timeline.select(
        pl.col("days_in_nurturing").alias("days"), pl.col("qualified").alias("mql")
    )
    assert teaching.check_survival_input(right, timeline).passed
    unnamed = teaching.check_survival_input(
        timeline.select("days_in_nurturing", "qualified"), timeline
    )
    assert not unnamed.passed and "'days_in_nurturing' → 'days'" in unnamed.hint
    as_text = right.with_columns(pl.col("mql").cast(pl.String))
    assert "text" in teaching.check_survival_input(as_text, timeline).message
    as_dates = right.with_columns(days=timeline["created_at"])
    assert "type" in teaching.check_survival_input(as_dates, timeline).message
    only_qualified = right.filter(pl.col("mql") == 1)
    assert "only the qualified" in teaching.check_survival_input(only_qualified, timeline).message
    assert "LazyFrame" in teaching.check_survival_input(right.lazy(), timeline).hint


def test_share_not_qualified(timeline):
    curve = kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    right = survival_at(curve, [30])[0]
    assert teaching.check_share_not_qualified(right, timeline).passed
    assert "HAS qualified" in teaching.check_share_not_qualified(1 - right, timeline).hint
    naive = 1 - ((timeline["qualified"] == 1) & (timeline["days_in_nurturing"] <= 30)).mean()
    feedback = teaching.check_share_not_qualified(naive, timeline)
    assert not feedback.passed and "Kaplan-Meier" in feedback.hint and _hidden(feedback, right)


def test_early_win_rate(timeline):
    contacts = sales_contacts(timeline)
    right = contacts.filter(pl.col("contacted_before_ready"))["won"].mean()
    assert teaching.check_early_win_rate(right, timeline).passed
    ready = contacts.filter(~pl.col("contacted_before_ready"))["won"].mean()
    assert "called when ready" in teaching.check_early_win_rate(ready, timeline).hint
    assert (
        "expected a single number"
        in teaching.check_early_win_rate(contacts["won"], timeline).message
    )
