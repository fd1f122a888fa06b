"""The data overview of a table kept in its engine equals that of the same rows in polars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mkt_engineering.io import load_table
from mkt_engineering.reporting import overview

DEMO = [
    ("orders", "datasets/orders/orders.csv"),
    ("lead_events", "datasets/leads/lead_events.csv"),
    ("experiment", "datasets/experiment/experiment.csv"),
]


def on(engine_frame):
    """The report passes polars tables as DataFrames; engine tables as they are."""
    return engine_frame.collect() if isinstance(engine_frame, pl.LazyFrame) else engine_frame


def chart_values(chart) -> pl.DataFrame:
    """The rows of the chart's first dataset, and of a rows-over-time chart all its periods
    (full ones on the line, partial ones as hollow points in a dataset of their own)."""
    datasets = list(chart.to_dict()["datasets"].values())
    if "coverage" not in datasets[0][0]:
        return pl.DataFrame(datasets[0])
    periods = [pl.DataFrame(rows) for rows in datasets if rows and "coverage" in rows[0]]
    return pl.concat(periods).unique("period").sort("period")


@pytest.mark.parametrize(("contract", "path"), DEMO)
def test_profile_shape_dates_and_chart_equal_polars(engine, as_engine, contract, path):
    frame = load_table(path, contract).frame
    native = on(as_engine(frame))
    table = overview.TableFile(contract, Path(path), contract)
    assert_frame_equal(overview.profile(native), overview.profile(frame))
    assert overview.summary_row(table, native) == overview.summary_row(table, frame)
    assert overview.describe(table, native) == overview.describe(table, frame)
    expected = chart_values(overview.overview_chart(frame, contract))
    actual = chart_values(overview.overview_chart(native, contract))
    assert_frame_equal(actual, expected, check_dtypes=False)


def test_category_and_histogram_charts_without_dates(engine, as_engine):
    frame = pl.DataFrame(
        {
            "arm": ["a", "b", None, "b", "c"],
            "value": [1.0, 2.5, None, 10.0, 4.0],
        }
    )
    native = on(as_engine(frame))
    expected = chart_values(overview.overview_chart(frame, "t")).sort("arm")
    assert_frame_equal(chart_values(overview.overview_chart(native, "t")).sort("arm"), expected)
    numbers = frame.drop("arm")
    expected = chart_values(overview.overview_chart(numbers, "t"))
    actual = chart_values(overview.overview_chart(on(as_engine(numbers)), "t"))
    assert_frame_equal(actual, expected, check_dtypes=False)


def test_weeks_start_on_monday_in_the_engine(engine, as_engine):
    days = [dt.date(2024, 1, 7), dt.date(2024, 1, 8), dt.date(2024, 1, 14), dt.date(1999, 12, 31)]
    native = on(as_engine(pl.DataFrame({"day": days})))
    weeks = chart_values(overview.overview_chart(native, "t"))
    assert weeks["rows"].to_list() == [1, 1, 2]
    assert [w[:10] for w in weeks["period"].to_list()] == ["1999-12-27", "2024-01-01", "2024-01-08"]
    # data from a Friday: their first week is cut short, in the engine as in polars
    assert weeks["coverage"].to_list() == ["partial", "full", "full"]


def test_weekly_rows_dated_mondays_are_whole_weeks_in_the_engine(engine, as_engine):
    # ten weeks, so that polars too counts per week (under eight weeks it counts per day)
    mondays = [dt.datetime(2024, 1, 1) + dt.timedelta(weeks=k) for k in range(10)]
    native = on(as_engine(pl.DataFrame({"week": mondays})))
    assert set(chart_values(overview.overview_chart(native, "t"))["coverage"]) == {"full"}
    cut = on(as_engine(pl.DataFrame({"week": [*mondays, dt.datetime(2024, 3, 13, 9)]})))
    assert chart_values(overview.overview_chart(cut, "t"))["coverage"].to_list()[-1] == "partial"
