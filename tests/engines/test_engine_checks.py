"""Each refusal of the loader, run as aggregate queries in the engine, says what files say."""

from __future__ import annotations

import hashlib
import math

import duckdb
import polars as pl
import pytest

from mkt_engineering import privacy
from mkt_engineering.engines import frames
from mkt_engineering.errors import DataValidationError
from mkt_engineering.io import load_table

AS_OF = "2026-12-01"
NATIVE_ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(params=NATIVE_ENGINES)
def native(request):
    """``native(polars_frame)``: the same rows as a DuckDB relation or Spark DataFrame."""

    def convert(frame: pl.DataFrame):
        if request.param == "duckdb":
            return request.getfixturevalue("duckdb_connection").from_arrow(frame.to_arrow())
        spark = request.getfixturevalue("spark_session")
        return spark.createDataFrame(frame.to_arrow())  # keeps NaN apart from NULL

    return convert


def _orders(**changes) -> pl.DataFrame:
    """Six good orders (text columns, as an export holds them) with `changes` by row."""
    frame = pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "order_date": [f"2026-03-0{i} 10:00:00" for i in range(1, 7)],
            "revenue": ["10.5", "20", "30", "40", "50", "60"],
            "order_id": [f"o{i}" for i in range(1, 7)],
        }
    )
    for column, cells in changes.items():
        values = frame.get_column(column).to_list()
        for row, value in cells.items():
            values[row] = value
        frame = frame.with_columns(pl.Series(column, values, dtype=pl.String))
    return frame


def _typed_orders(revenue: list[float]) -> pl.DataFrame:
    frame = _orders().with_columns(pl.col("order_date").str.to_datetime())
    return frame.with_columns(pl.Series("revenue", revenue, dtype=pl.Float64))


BAD = {  # name: (table, frame, column in the message, text of the first offending row)
    "empty customer_id": ("orders", _orders(customer_id={2: None}), "customer_id", "<empty>"),
    "revenue as text 'nan'": ("orders", _orders(revenue={3: "nan"}), "revenue", "'nan'"),
    "NaN revenue": ("orders", _typed_orders([1, 2, math.nan, 4, 5, 6]), "revenue", "'nan'"),
    "infinite revenue": ("orders", _typed_orders([1, 2, 3, math.inf, 5, 6]), "revenue", "'inf'"),
    "revenue not a number": ("orders", _orders(revenue={1: "twenty"}), "revenue", "'twenty'"),
    "negative revenue": ("orders", _orders(revenue={4: "-5"}), "revenue", "'-5'"),
    "a date that is no date": (
        "orders",
        _orders(order_date={0: "yesterday"}),
        "order_date",
        "'yesterday'",
    ),
    "most dates in the future": (
        "orders",
        _orders(order_date={i: "2999-01-01 00:00:00" for i in range(4)}),
        "order_date",
        "'2999-01-01 00:00:00'",
    ),
    "spend refuses a future period": (
        "spend",
        pl.DataFrame(
            {
                "channel": ["search", "email"],
                "period_start": ["2026-01-05", "2999-01-05"],
                "spend": [10.0, 20.0],
            }
        ),
        "period_start",
        "'2999-01-05 00:00:00'",
    ),
    "an event outside the list": (
        "lead_events",
        pl.DataFrame(
            {
                "lead_id": ["l1", "l1"],
                "timestamp": ["2026-01-05 10:00", "2026-01-06 10:00"],
                "event": ["created", "phoned"],
            }
        ),
        "event",
        "'phoned'",
    ),
    "dates in two formats": (
        "orders",
        _orders(order_date={2: "03.03.2026 10:00"}),
        "order_date",
        "'03.03.2026 10:00'",
    ),
    "e-mail addresses as customer ids": (
        "orders",
        _orders(customer_id={i: f"person{i}@example.com" for i in range(6)}),
        "customer_id",
        None,
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_engine_refusals_name_column_and_rows_like_the_file_loader(case, native):
    """The engine's message has the file loader's first line (same problem, same count)."""
    table, frame, column, first_value = BAD[case]
    relation = native(frame)
    with pytest.raises(DataValidationError) as from_memory:
        load_table(relation, table, as_of=AS_OF, keep_in_engine=False)
    with pytest.raises(DataValidationError) as in_engine:
        load_table(relation, table, as_of=AS_OF, keep_in_engine=True)
    message, expected = str(in_engine.value), str(from_memory.value)
    assert message.splitlines()[0] == expected.splitlines()[0], case
    assert in_engine.value.column == column
    assert message.split("Fix: ")[-1] == expected.split("Fix: ")[-1]
    if first_value is not None:  # the first offending row, named by its key, and its value
        assert "  row with " in message.splitlines()[1]
        shown = {"'nan'": ("'nan'", "'NaN'"), "'inf'": ("'inf'", "'Infinity'")}  # DuckDB, Spark
        endings = tuple(f": {v}" for v in shown.get(first_value, (first_value,)))
        assert message.splitlines()[1].endswith(endings), message


def test_a_missing_column_is_named_with_the_closest_match(native):
    frame = _orders().rename({"revenue": "Umsatz"})
    relation = native(frame)
    with pytest.raises(DataValidationError) as caught:
        load_table(relation, "orders", keep_in_engine=True)
    assert "needs column revenue, which was not found" in str(caught.value)
    assert "'Umsatz'" in str(caught.value)
    renamed = load_table(
        relation, "orders", {"Umsatz": "revenue"}, as_of=AS_OF, keep_in_engine=True
    )
    assert renamed.quality.rows == 6


def test_impossible_dates_are_dropped_and_counted_with_examples(native):
    frame = _orders(order_date={1: "1900-01-01 00:00:00"}, customer_id={4: None})
    frame = frame.with_columns(consent=pl.Series(["ja", "ja", "nein", "ja", "ja", None]))
    relation = native(frame)
    options = {"as_of": AS_OF, "date_range": ("2026-03-01", "2026-03-04")}
    for keep_in_engine in (False, True):  # an empty customer_id is refused, not dropped
        with pytest.raises(DataValidationError, match="'customer_id' is empty"):
            load_table(relation, "orders", keep_in_engine=keep_in_engine, **options)
    frame = frame.with_columns(pl.col("customer_id").fill_null("c5"))
    relation = native(frame)
    collected = load_table(relation, "orders", keep_in_engine=False, **options)
    checked = load_table(relation, "orders", keep_in_engine=True, **options)
    expected = {
        "rows without consent removed": 2,
        "rows with impossible dates removed": 1,
        "rows outside date range": 1,
    }
    for quality in (collected.quality, checked.quality):
        assert {k: quality.count(k) for k in expected} == expected
        assert quality.rows == 2
    note = next(i["note"] for i in checked.quality.issues if "impossible" in i["check"])
    assert note.endswith("row with customer_id 'c2', order_id 'o2': 1900-01-01"), note
    assert sorted(checked.without_consent.to_list()) == ["c3", "c6"]
    assert sorted(collected.without_consent.to_list()) == ["c3", "c6"]


def test_engine_mode_does_not_collect_the_table(duckdb_connection, monkeypatch):
    """Half a million orders: every query that comes back to Python is a sample or a count."""
    duckdb_connection.execute(
        "create or replace temporary table big_orders as select 'c' || (i % 5000) as customer_id, "
        "timestamp '2024-01-01' + to_seconds(i) as order_date, "
        "(i % 97)::double as revenue, 'o' || i as order_id, "
        "'u' || (i % 7) || '@example.com' as email "
        "from range(500000) t(i)"
    )
    relation = duckdb_connection.table("big_orders")
    fetched = []
    to_polars = frames.to_polars

    def counting(frame):
        result = to_polars(frame)
        fetched.append(result.height)
        return result

    monkeypatch.setattr(frames, "to_polars", counting)
    result = load_table(relation, "orders", as_of=AS_OF, keep_in_engine=True)
    assert result.quality.rows_read == 500_000
    assert max(fetched) <= privacy.SAMPLE_ROWS  # the first rows, for personal data
    assert "email" in result.quality.pii_removed
    assert isinstance(result.frame, duckdb.DuckDBPyRelation)
    assert "email" not in result.frame.columns
    assert result.frame.aggregate("count(*)").fetchall()[0][0] == 500_000


def test_pseudonyms_from_the_engine_equal_those_of_the_file_loader(native):
    """sha256(salt || id) in DuckDB is privacy.pseudonymize's digest.

    Also for ids without consent.
    """
    frame = _orders(customer_id={5: None}).with_columns(
        consent=pl.Series(["ja", "nein", "ja", "ja", "ja", "nein"])
    )
    relation = native(frame)
    options = {"as_of": AS_OF, "pseudonymize": ["customer_id"], "salt": "pepper"}
    collected = load_table(relation, "orders", keep_in_engine=False, **options)
    checked = load_table(relation, "orders", keep_in_engine=True, **options)
    rows = frames.to_polars(frames.lazy(checked.frame))
    expected = hashlib.sha256(b"pepperc1").hexdigest()
    assert rows.sort("order_id")["customer_id"][0] == expected
    assert rows.sort("order_id").equals(collected.frame.sort("order_id"))
    assert sorted(checked.without_consent.to_list()) == sorted(collected.without_consent.to_list())
    assert hashlib.sha256(b"pepperc2").hexdigest() in checked.without_consent.to_list()
    assert checked.quality.count("pseudonymized columns") == 1


def test_a_german_export_in_an_engine_reads_as_the_file_loader_reads_it(native):
    """DD.MM.YYYY dates, decimal commas, thousands dots and euro signs, all as text."""
    frame = pl.DataFrame(
        {
            "Kunde": ["c1", "c2", "c3", "c4"],
            "Datum": ["01.03.2026 10:00", "02.03.2026", "03.03.2026 11:30:15", "04.03.2026"],
            "Umsatz": ["89,90 €", "1.234,50 €", "12 €", "0,99 €"],
        }
    )
    relation = native(frame)
    columns = {"Kunde": "customer_id", "Datum": "order_date", "Umsatz": "revenue"}
    collected = load_table(relation, "orders", columns, as_of=AS_OF, keep_in_engine=False)
    checked = load_table(relation, "orders", columns, as_of=AS_OF, keep_in_engine=True)
    rows = frames.to_polars(frames.lazy(checked.frame))
    assert rows["revenue"].to_list() == [89.9, 1234.5, 12.0, 0.99]
    assert rows.equals(collected.frame)
    for quality in (checked.quality, collected.quality):
        assert quality.decimal_comma and quality.currency_signs == {"revenue": "€"}
        assert quality.date_formats == {"order_date": "DD.MM.YYYY [HH:MM[:SS]]"}


def test_text_file_options_are_refused_in_the_engine_not_ignored(native):
    """A date_format or decimal mark would silently not apply to typed engine columns."""
    relation = native(_orders())
    with pytest.raises(DataValidationError, match="the options date_format describe") as caught:
        load_table(relation, "orders", layout={"date_format": "%d/%m/%Y"}, keep_in_engine=True)
    assert "keep_in_engine=False" in caught.value.fix


def test_several_date_columns_drop_rows_in_the_file_loaders_order(native):
    """lead_lifecycle: a row out of range in two columns is counted once, at the first."""
    frame = pl.DataFrame(
        {
            "lead_id": ["l1", "l2", "l3", "l4", "l5"],
            "created": ["2026-01-05", "1900-01-01", "2026-01-07", "2026-01-08", "2026-01-09"],
            "mql": ["2026-02-01", "2999-01-01", None, "2999-01-01", "2026-02-03"],
        }
    )
    relation = native(frame)
    collected = load_table(relation, "lead_lifecycle", as_of=AS_OF, keep_in_engine=False)
    checked = load_table(relation, "lead_lifecycle", as_of=AS_OF, keep_in_engine=True)
    counts = [(i["check"], i["count"]) for i in checked.quality.issues]
    assert counts == [(i["check"], i["count"]) for i in collected.quality.issues]
    assert checked.quality.out_of_range_dates == collected.quality.out_of_range_dates == 2
    rows = frames.to_polars(frames.lazy(checked.frame)).sort("lead_id")
    assert rows.equals(collected.frame.sort("lead_id"))
