"""NaN, infinity and impossible dates never pass the loader quietly.

A CSV cell ``nan``, ``inf`` or ``1e400`` parses as a float, so before these checks the
report said "no issues" and then wrote NaN ROAS and infinite credit. A date in 2999 made
every expected-MQL value 0.0; an order in 2099 crashed cohort_ltv.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mkt_engineering import DataValidationError
from mkt_engineering.io import load_table, read_table
from mkt_engineering.schemas import CONTRACTS

# One valid row per contract with the numeric cell to spoil written as {number}.
ROWS = {
    "conversions": ("customer_id,timestamp,value", "c1,2026-03-01 10:00:00,{number}"),
    "paths": ("path,conversions,value", "search > email,{number},10"),
    "orders": ("customer_id,order_date,revenue", "c1,2026-03-01,{number}"),
    "spend": ("channel,period_start,spend", "search,2026-03-02,{number}"),
    "lead_events": ("lead_id,timestamp,event,score", "l1,2026-03-01 10:00:00,created,{number}"),
    "experiment": ("unit_id,variant,revenue", "u1,control,{number}"),
}
SPOILED = ["1e400", "inf", "nan", "NaN", "-Infinity"]


def _csv(tmp_path, table: str, spoiled: str) -> str:
    header, row = ROWS[table]
    good = [row.format(number=n) for n in ("1", "2", "3")]
    lines = [header, good[0], row.format(number=spoiled), *good[1:]]
    path = tmp_path / f"{table}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("table", sorted(ROWS))
@pytest.mark.parametrize("spoiled", SPOILED)
def test_non_finite_numbers_are_refused_with_the_line(tmp_path, table, spoiled):
    path = _csv(tmp_path, table, spoiled)
    with pytest.raises(DataValidationError) as caught:
        read_table(path, table)
    message = str(caught.value)
    assert "not finite" in message
    # header is line 1, the spoiled row line 3; an extra column that polars reads as numbers
    # itself (an experiment metric) no longer has the raw text, so it shows inf
    shown = "'inf'" if (table, spoiled) == ("experiment", "1e400") else repr(spoiled)
    assert f"line 3: {shown}" in message
    assert caught.value.rows == [3]
    assert "Fix:" in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_in_frames_and_parquet_are_refused(tmp_path, value):
    frame = pl.DataFrame(
        {"customer_id": ["c1", "c2"], "order_date": [dt.datetime(2026, 3, 1)] * 2},
    ).with_columns(revenue=pl.Series([5.0, value]))
    with pytest.raises(DataValidationError, match="row index 1"):
        read_table(frame, "orders")
    frame.write_parquet(tmp_path / "orders.parquet")
    with pytest.raises(DataValidationError, match="'revenue' has values that are not finite"):
        read_table(tmp_path / "orders.parquet", "orders")


def test_non_finite_metric_of_an_experiment_is_refused():
    frame = pl.DataFrame({"unit_id": ["u1", "u2"], "variant": ["a", "b"], "sessions": [1.0, 2.0]})
    frame = frame.with_columns(revenue=pl.Series([float("nan"), 3.0]))
    with pytest.raises(DataValidationError, match="(?s)column .revenue.*row index 0"):
        read_table(frame, "experiment")


def test_huge_whole_numbers_become_a_clear_error_not_a_cast_failure():
    from mkt_engineering.formats import RawTable
    from mkt_engineering.io import _coerce
    from mkt_engineering.quality import DataQuality
    from mkt_engineering.schemas import Column

    raw = RawTable(pl.DataFrame(), "x.csv", "csv")
    values = pl.Series("n", ["1", "1e30", "inf"])
    coerced, _ = _coerce(values, Column("n", "int"), raw, DataQuality("x", "t", 0), "n")
    assert coerced.to_list() == [1, None, None]


def _dated(tmp_path, table: str, dates: list[str]) -> str:
    header, row = ROWS[table]
    date_at = header.split(",").index(CONTRACTS[table].date_column)
    lines = [header]
    for day in dates:
        cells = row.format(number=1).split(",")
        cells[date_at] = day
        lines.append(",".join(cells))
    path = tmp_path / f"{table}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("table", ["conversions", "orders", "lead_events"])
def test_a_stray_impossible_date_is_dropped_and_counted(tmp_path, table):
    dates = ["2026-03-01", "2999-12-31", "2026-03-02", "1900-01-01", "2026-03-03", "2026-03-04"]
    result = load_table(_dated(tmp_path, table, dates), table, as_of="2026-06-30")
    column = CONTRACTS[table].date_column
    kept = result.frame[column].dt.date().to_list()
    assert kept == [dt.date(2026, 3, d) for d in (1, 2, 3, 4)]
    assert result.quality.out_of_range_dates == 2
    note = next(i for i in result.quality.issues if "impossible dates" in i["check"])
    assert note["count"] == 2
    assert "line 3: 2999-12-31" in note["note"] and "line 5: 1900-01-01" in note["note"]
    assert any("2999-12-31" in sentence for sentence in result.quality.explain())


def test_dates_after_the_export_time_are_out_of_range(tmp_path):
    dates = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-07-15"]
    path = _dated(tmp_path, "orders", dates)
    assert read_table(path, "orders", as_of="2026-12-31").height == 4
    # exported on 30 June: a July order is impossible (one day of slack for time zones)
    assert read_table(path, "orders", as_of="2026-06-30").height == 3
    assert read_table(path, "orders", as_of="2026-07-14").height == 4


def test_default_export_time_is_now(tmp_path):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    too_late = dt.date.today() + dt.timedelta(days=3)
    dates = ["2026-03-01", "2026-03-02", str(tomorrow), str(too_late)]
    frame = read_table(_dated(tmp_path, "orders", dates), "orders")
    assert frame["order_date"].dt.date().to_list() == [
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 2),
        tomorrow,
    ]


def test_mostly_impossible_dates_are_refused(tmp_path):
    path = _dated(tmp_path, "orders", ["2099-01-01", "2099-02-01", "2026-03-01"])
    with pytest.raises(DataValidationError, match="most of the rows") as caught:
        read_table(path, "orders", as_of="2026-06-30")
    assert caught.value.rows == [2, 3]


def test_spend_refuses_any_impossible_period(tmp_path):
    path = _dated(tmp_path, "spend", ["2026-03-02", "2026-03-09", "2026-03-16", "2999-03-23"])
    with pytest.raises(DataValidationError, match="spend contract refuses") as caught:
        read_table(path, "spend", as_of="2026-06-30")
    assert "line 5: '2999-03-23 00:00:00'" in str(caught.value)


def test_contracts_state_their_date_policy():
    dated = [c for c in CONTRACTS.values() if c.date_column]
    assert {c.name: c.out_of_range_dates for c in dated} == {
        "touchpoints": "drop",
        "conversions": "drop",
        "spend": "refuse",
        "orders": "drop",
        "lead_events": "drop",
        "lead_lifecycle": "drop",
    }
