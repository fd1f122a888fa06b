"""Rows over time: a period the data cover only in part is named, not drawn as a drop.

Data that end on a Wednesday hold three days of their last week; its count, a third of the
others, read as a collapse on the data overview's line.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mkt_engineering.charts.german import translate_spec
from mkt_engineering.charts.overview import partial_periods, rows_over_time, weekly_rows_chart


def _days(first: dt.date, last: dt.date, per_day: int = 10) -> pl.DataFrame:
    days = pl.date_range(first, last, eager=True)
    return pl.DataFrame({"day": days.to_list() * per_day})


def _layers(chart) -> tuple[dict, dict, list[dict]]:
    """The spec, its line layer and its point layers (full, and hollow for partial periods)."""
    spec = chart.to_dict()
    line, *points = spec["layer"]
    return spec, line, points


def _rows(spec: dict, layer: dict | list[dict]) -> list[dict]:
    """The data rows of a layer, or of all point layers with each row's coverage."""
    if isinstance(layer, dict):
        return spec["datasets"][layer.get("data", spec.get("data"))["name"]]
    rows = []
    for one in layer:
        hollow = one["mark"].get("filled") is False
        for row in spec["datasets"][one.get("data", spec.get("data"))["name"]]:
            rows.append({**row, "coverage": "partial" if hollow else "full"})
    return rows


def test_a_last_week_cut_short_is_hollow_off_the_line_and_named():
    # Monday 1 Jan 2024 to Wednesday 31 Jan 2024: four full weeks and three days of a fifth
    spec, line, points = _layers(
        rows_over_time(
            _days(dt.date(2024, 1, 1), dt.date(2024, 1, 31)), "day", "orders", period="week"
        )
    )
    coverage = [row["coverage"] for row in _rows(spec, points)]
    assert coverage == ["full"] * 4 + ["partial"]
    assert len(_rows(spec, line)) == 4  # the line joins the full weeks only
    assert "only in part" in spec["title"]["subtitle"]
    assert points[-1]["mark"]["filled"] is False  # the partial one: hollow
    assert points[-1]["encoding"]["tooltip"][-1]["field"] == "coverage"


def test_a_first_week_that_starts_late_is_partial_too():
    counts = pl.DataFrame(
        {"period": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 8)], "rows": [30, 70]}
    )
    marked = partial_periods(counts, "week", dt.datetime(2024, 1, 4, 9), dt.datetime(2024, 1, 14))
    assert marked["coverage"].to_list() == ["partial", "full"]


def test_whole_periods_keep_a_plain_title():
    spec, line, points = _layers(
        rows_over_time(
            _days(dt.date(2024, 1, 1), dt.date(2024, 1, 28)), "day", "orders", period="week"
        )
    )
    assert {row["coverage"] for row in _rows(spec, points)} == {"full"}
    assert spec["title"] == "orders: rows per week"
    assert len(_rows(spec, line)) == 4


def test_months_ending_on_the_last_day_are_whole():
    frame = _days(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    spec, line, points = _layers(rows_over_time(frame, "day", "spend", period="month"))
    assert {row["coverage"] for row in _rows(spec, points)} == {"full"}
    cut = _days(dt.date(2024, 1, 1), dt.date(2024, 3, 30))
    spec, line, points = _layers(rows_over_time(cut, "day", "spend", period="month"))
    assert [row["coverage"] for row in _rows(spec, points)] == ["full", "full", "partial"]


def test_counts_without_the_data_range_stay_as_they_were():
    counts = pl.DataFrame({"period": [dt.datetime(2024, 1, 1)], "rows": [3]})
    spec, line, points = _layers(weekly_rows_chart(counts, "t: rows per week"))
    assert [row["coverage"] for row in _rows(spec, points)] == ["full"]


def test_the_german_chart_names_the_partial_week_in_german():
    chart = rows_over_time(
        _days(dt.date(2024, 1, 1), dt.date(2024, 1, 31)), "day", "orders", period="week"
    )
    spec = translate_spec(chart.to_dict())
    assert spec["title"]["subtitle"].startswith("Hohl und grau")
    words = {
        row["coverage"] for rows in spec["datasets"].values() for row in rows if "coverage" in row
    }
    assert words == {"ganz", "teilweise"}
    titles = [t.get("title") for t in spec["layer"][-1]["encoding"]["tooltip"]]
    assert "Woche abgedeckt" in titles


def test_rows_dated_at_their_period_start_stand_for_the_whole_period():
    """Monthly spend dated the 1st: the last month is not cut short by its 1st."""
    months = pl.DataFrame({"day": [dt.date(2024, m, 1) for m in (1, 2, 3)] * 4})
    spec, line, points = _layers(rows_over_time(months, "day", "spend"))
    assert {row["coverage"] for row in _rows(spec, points)} == {"full"}
    assert spec["title"] == "spend: rows per month"
