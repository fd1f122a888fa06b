"""Loading from an engine gives what loading the same data from a file gives."""

from __future__ import annotations

import sys
import types

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mkt_engineering.engines import loading
from mkt_engineering.engines.frames import is_engine_frame, lazy, to_polars
from mkt_engineering.errors import DataValidationError
from mkt_engineering.io import load_table

AS_OF = "2026-12-01"
DEMO = [
    ("datasets/orders/orders.csv", "orders"),
    ("datasets/orders/spend.csv", "spend"),
    ("datasets/journeys/touchpoints.csv", "touchpoints"),
    ("datasets/journeys/conversions.csv", "conversions"),
    ("datasets/experiment/experiment.csv", "experiment"),
    ("datasets/leads/lead_events.csv", "lead_events"),
    ("datasets/leads/leads.csv", "leads"),
]
NATIVE_ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture
def read_in_engine(request):
    """``read_in_engine(path, engine)``: the CSV read by the engine's own reader (own types)."""

    def read(path: str, engine: str):
        if engine == "duckdb":
            return request.getfixturevalue("duckdb_connection").read_csv(path)
        spark = request.getfixturevalue("spark_session")
        return spark.read.csv(path, header=True, inferSchema=True)

    return read


def _counts(quality) -> list[tuple[str, int]]:
    return sorted((issue["check"], issue["count"]) for issue in quality.issues)


@pytest.mark.parametrize("engine", NATIVE_ENGINES)
@pytest.mark.parametrize(("path", "table"), DEMO)
def test_collect_mode_equals_the_file_load_on_the_demo_data(path, table, engine, read_in_engine):
    """The engine parses the CSV itself (DuckDB/Spark types), the file loader parses text."""
    from_file = load_table(path, table, as_of=AS_OF)
    native = read_in_engine(path, engine)
    collected = load_table(native, table, as_of=AS_OF, keep_in_engine=False)
    assert collected.frame.equals(from_file.frame), table
    assert _counts(collected.quality) == _counts(from_file.quality)
    assert collected.quality.rows == from_file.quality.rows
    assert collected.quality.rows_read == from_file.quality.rows_read
    assert (
        collected.quality.source == f"<{engine} {'dataframe' if engine == 'spark' else 'relation'}>"
    )
    assert collected.quality.engine == engine


@pytest.fixture
def fake_sources(monkeypatch, duckdb_connection):
    """A stand-in for mkt_engineering.sources: ``test://orders`` opens a DuckDB relation."""
    relation = duckdb_connection.sql(
        "select * from (values ('c1', timestamp '2026-03-01 10:00', 9.5),"
        " ('c2', timestamp '2026-03-02 11:00', -1.0)) t(customer_id, order_date, revenue)"
    )
    module = types.ModuleType("mkt_engineering.sources")
    described = types.SimpleNamespace(
        kind="duckdb", uri="test://orders", table="orders", query=None
    )
    module.is_source_uri = lambda text: text.startswith("test://")
    module.open_source = lambda text: (relation, described)
    module.memory_limit = lambda: None
    monkeypatch.setitem(sys.modules, "mkt_engineering.sources", module)
    monkeypatch.setattr("mkt_engineering.sources", module, raising=False)
    return module


def test_a_source_uri_is_loaded_and_named_in_errors(fake_sources):
    """The URI (without secrets) names the source; rows are counted from 1 in the result."""
    with pytest.raises(DataValidationError) as caught:
        load_table("test://orders", "orders", as_of=AS_OF)
    message = str(caught.value)
    assert message.startswith("test://orders: column 'revenue' has values below 0")
    assert "  row 2: '-1.0'" in message
    assert caught.value.rows == [2]


def test_a_plain_file_path_stays_with_the_file_reader(fake_sources):
    result = load_table("datasets/orders/spend.csv", "spend", as_of=AS_OF)
    assert result.quality.engine is None
    assert result.quality.source.endswith("datasets/orders/spend.csv")


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


@pytest.mark.parametrize("engine", NATIVE_ENGINES)
@pytest.mark.parametrize(("path", "table"), DEMO)
def test_engine_mode_gives_the_rows_and_counts_of_collect_mode(path, table, engine, read_in_engine):
    native = read_in_engine(path, engine)
    collected = load_table(native, table, as_of=AS_OF, keep_in_engine=False)
    checked = load_table(native, table, as_of=AS_OF, keep_in_engine=True)
    assert is_engine_frame(checked.frame) and checked.quality.in_engine
    rows = to_polars(lazy(checked.frame))
    # extra text columns stay in the engine (conversions' outlet); the rest is equal
    left = checked.quality.count("extra text columns left in the engine")
    kept = [c for c in collected.frame.columns if c in rows.columns]
    assert len(kept) == collected.frame.width - left
    assert_frame_equal(_sorted(rows.select(kept)), _sorted(collected.frame.select(kept)))
    ignore = {"extra columns kept", "extra text columns left in the engine"}
    assert [c for c in _counts(checked.quality) if c[0] not in ignore] == [
        c for c in _counts(collected.quality) if c[0] not in ignore
    ]
    assert checked.quality.rows == collected.quality.rows == rows.height
    assert checked.quality.rows_read == collected.quality.rows_read
    assert checked.quality.date_formats == collected.quality.date_formats


def test_a_memory_cap_keeps_the_table_in_its_engine(fake_sources, monkeypatch):
    """Under `mkt run --memory` the rows must not come into Python: the frame stays lazy."""
    monkeypatch.setattr(fake_sources, "memory_limit", lambda: "1GB")
    with pytest.raises(DataValidationError, match="row with customer_id 'c2': '-1.0'"):
        load_table("test://orders", "orders", as_of=AS_OF)
    monkeypatch.setattr(loading, "COLLECT_ROWS", 1)  # and so do tables above the threshold
    monkeypatch.setattr(fake_sources, "memory_limit", lambda: None)
    with pytest.raises(DataValidationError, match="row with customer_id 'c2': '-1.0'"):
        load_table("test://orders", "orders", as_of=AS_OF)
    monkeypatch.setattr(loading, "COLLECT_ROWS", 10)
    with pytest.raises(DataValidationError, match="  row 2: '-1.0'"):
        load_table("test://orders", "orders", as_of=AS_OF)


def test_under_a_memory_cap_tables_of_totals_are_still_collected(monkeypatch):
    """Spend per channel and month is small whatever the business; the models read it whole
    (the LTV report's channel section called .min() on a DuckDB relation)."""
    import duckdb

    monkeypatch.setattr(loading, "memory_limit", lambda: "1GB")
    with duckdb.connect() as connection:
        spend = connection.sql(
            "select 'search' as channel, date '2025-01-01' as period_start, 10.0 as spend"
        )
        assert isinstance(load_table(spend, "spend", as_of=AS_OF).frame, pl.DataFrame)
        assert is_engine_frame(load_table(spend, "spend", as_of=AS_OF, keep_in_engine=True).frame)
        leads = connection.sql("select 'l1' as lead_id, 'cfo' as persona")
        assert isinstance(load_table(leads, "leads", as_of=AS_OF).frame, pl.DataFrame)


def test_time_zone_aware_timestamps_read_alike_in_both_modes():
    """TIMESTAMPTZ becomes the session's wall-clock time (Berlin: UTC+1 in March, +2 in July)."""
    import datetime as dt

    import duckdb

    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'Europe/Berlin'")
        relation = connection.sql(
            "select 'c1' as customer_id, timestamptz '2026-03-01 10:00:00+00' as order_date,"
            " 1.0 as revenue union all"
            " select 'c2', timestamptz '2026-07-01 23:30:00+00', 2.0"
        )
        expected = [dt.datetime(2026, 3, 1, 11, 0), dt.datetime(2026, 7, 2, 1, 30)]
        collected = load_table(relation, "orders", as_of=AS_OF, keep_in_engine=False)
        checked = load_table(relation, "orders", as_of=AS_OF, keep_in_engine=True)
        assert sorted(collected.frame["order_date"].to_list()) == expected
        assert sorted(to_polars(lazy(checked.frame))["order_date"].to_list()) == expected
