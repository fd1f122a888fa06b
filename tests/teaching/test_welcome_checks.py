"""Lesson 00 checks: the right answers (computed independently here) pass, and each common
mistake of the exercises gets its own hint."""

from __future__ import annotations

import altair as alt
import polars as pl
import pytest

from mkt_engineering.io import read_table
from mkt_engineering.teaching import welcome_checks as welcome

RESULTS = welcome.campaign_results()
SPEND = welcome.media_spend().rename(welcome.SPEND_COLUMNS)


def test_export_round_trips_through_read_table(tmp_path):
    folder = welcome.write_campaign_export(tmp_path)
    spend = read_table(folder / "mediabudget.xlsx", table="spend", columns=welcome.SPEND_COLUMNS)
    assert spend.columns == ["channel", "period_start", "spend"]
    assert spend.schema["period_start"] == pl.Date
    assert spend["spend"].sum() == pytest.approx(SPEND["spend"].sum())
    assert pl.read_csv(folder / "campaign_results.csv", try_parse_dates=True).equals(RESULTS)


def test_search_leads():
    search = RESULTS.filter(pl.col("channel") == "search")
    by_hand = sum(search["leads"].to_list())
    assert welcome.check_search_leads(by_hand).passed
    hints = {
        welcome.check_search_leads(value).hint
        for value in (RESULTS["leads"].sum(), search["clicks"].sum(), search["leads"].mean(), 8)
    }
    assert len(hints) == 4 and None not in hints


def _joined(how: str = "left", on_week: bool = True) -> pl.DataFrame:
    left = ["channel", "week"] if on_week else ["channel"]
    right = ["channel", "period_start"] if on_week else ["channel"]
    return RESULTS.join(SPEND, left_on=left, right_on=right, how=how)


def test_joined_spend():
    assert welcome.check_joined_spend(_joined()).passed
    inner = welcome.check_joined_spend(_joined("inner"))
    by_channel_only = welcome.check_joined_spend(_joined(on_week=False))
    assert "how='left'" in inner.hint
    assert "AND the week" in by_channel_only.hint
    assert "spend" in welcome.check_joined_spend(RESULTS).message


def test_cost_per_lead():
    # independent route: per-channel totals with plain Python
    rows = _joined().to_dicts()
    totals: dict[str, list[float]] = {}
    for row in rows:
        spend, leads = totals.setdefault(row["channel"], [0.0, 0.0])
        totals[row["channel"]] = [spend + (row["spend"] or 0.0), leads + row["leads"]]
    right = pl.DataFrame(
        {"channel": list(totals), "cost_per_lead": [s / n for s, n in totals.values()]}
    )
    assert welcome.check_cost_per_lead(right).passed
    weekly_mean = (
        _joined()
        .group_by("channel")
        .agg((pl.col("spend").fill_null(0) / pl.col("leads")).mean().alias("cost_per_lead"))
    )
    upside_down = (
        _joined()
        .group_by("channel")
        .agg((pl.col("leads").sum() / pl.col("spend").sum()).alias("cost_per_lead"))
    )
    assert "averages the weekly" in welcome.check_cost_per_lead(weekly_mean).hint
    assert "upside down" in welcome.check_cost_per_lead(upside_down).hint
    assert "exact" in welcome.check_cost_per_lead(right.rename({"channel": "Channel"})).hint


def test_revenue_chart():
    data = RESULTS.group_by("channel").agg(pl.col("revenue").sum())
    assert welcome.check_revenue_chart(
        alt.Chart(data).mark_bar().encode(x="channel", y="revenue")
    ).passed
    assert welcome.check_revenue_chart(
        alt.Chart(RESULTS).mark_bar().encode(x="channel", y="sum(revenue)")
    ).passed
    assert (
        "swapped"
        in welcome.check_revenue_chart(
            alt.Chart(data).mark_bar().encode(y="channel", x="revenue")
        ).message
    )
    assert (
        ".mark_point()"
        in welcome.check_revenue_chart(
            alt.Chart(data).mark_point().encode(x="channel", y="revenue")
        ).hint
    )
