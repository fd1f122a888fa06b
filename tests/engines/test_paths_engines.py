"""Paths and time-decay credit reduced in DuckDB and Spark equal the polars journeys.

The polars functions of `attribution.paths` are the reference on the demo data; the
hand-made edge cases are checked against paths written out by hand, on every engine.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import narwhals as nw
import polars as pl
import pytest

from mkt_engineering import attribution as at
from mkt_engineering.engines import paths as engine_paths
from mkt_engineering.engines.frames import lazy
from mkt_engineering.errors import ParameterError
from mkt_engineering.io import load_table

DEMO = "datasets/journeys"
OPTIONS = [
    {"lookback_days": 30},
    {"lookback_days": 7, "collapse_repeats": True},
    {"lookback_days": 60, "max_length": 3, "channel_rules": {"paid": ["search", "display"]}},
    {"lookback_days": 14.5, "collapse_repeats": True, "max_length": 2},
]


@pytest.fixture(scope="module")
def demo():
    touchpoints = load_table(f"{DEMO}/touchpoints.csv", table="touchpoints").frame
    conversions = load_table(f"{DEMO}/conversions.csv", table="conversions").frame
    return touchpoints, conversions


def keyed(paths: pl.DataFrame) -> dict[tuple, tuple[float, float, float]]:
    """Path (a missing channel kept as None) -> (conversions, value, non_conversions)."""
    return {
        tuple(row[0]): (row[1], row[2], row[3])
        for row in paths.select("path", "conversions", "value", "non_conversions").rows()
    }


def assert_same_paths(result: pl.DataFrame, expected: pl.DataFrame) -> None:
    """Same paths, counts exact, values within 1e-9 relative, and sorted alike."""
    assert result.columns == ["path", "conversions", "value", "non_conversions"]
    assert result.schema["path"] == pl.List(pl.String)
    got, want = keyed(result), keyed(expected)
    assert got.keys() == want.keys()
    for path, (conversions, value, non_conversions) in want.items():
        assert got[path][0] == conversions, path
        assert got[path][2] == non_conversions, path
        assert got[path][1] == pytest.approx(value, rel=1e-9, abs=1e-12), path
    order = result.select("conversions", "non_conversions").rows()
    assert order == sorted(order, reverse=True)


def assert_same_credit(result: pl.DataFrame, expected: pl.DataFrame) -> None:
    assert result["channel"].to_list() == expected["channel"].to_list()
    for column in ("conversions", "value"):
        assert result[column].to_list() == pytest.approx(expected[column].to_list(), rel=1e-9)


@pytest.mark.parametrize("options", OPTIONS)
def test_demo_paths_equal_the_polars_journeys(engine, as_engine, demo, options):
    touchpoints, conversions = demo
    expected = at.paths_from_touchpoints(touchpoints, conversions, **options)
    native = as_engine(touchpoints), as_engine(conversions)
    assert_same_paths(engine_paths.paths(*native, **options), expected)
    assert_same_paths(at.paths_from_touchpoints(*native, **options), expected)  # the dispatch


def test_demo_time_decay_equals_the_polars_weights(engine, as_engine, demo):
    touchpoints, conversions = demo
    options = {"collapse_repeats": True, "max_length": 4}
    journeys = at.journeys_from_touchpoints(touchpoints, conversions, 30, **options)
    expected = at.time_decay(journeys, half_life_days=5)
    native = as_engine(touchpoints), as_engine(conversions)
    result = at.time_decay_from_touchpoints(*native, 30, half_life_days=5, **options)
    assert_same_credit(result, expected)
    assert_same_credit(engine_paths.time_decay_credit(*native, 30, 5, **options), expected)


def _day(day: int, hour: int = 0, minute: int = 0, microsecond: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, 0, microsecond)


def edge_case_tables() -> tuple[pl.DataFrame, pl.DataFrame]:
    """One customer per edge case (see the comments); every path is written out below."""
    touches = [
        # two touches at one instant (channel order), one at the conversion's very time
        ("tie", _day(10, 9), "search"),
        ("tie", _day(10, 9), "email"),
        ("tie", _day(10, 12), "display"),
        # no conversion; a missing channel at the same instant as a named one comes last
        ("touch_only", _day(3), "social"),
        ("touch_only", _day(4), None),
        ("touch_only", _day(4), "affiliate"),
        # exactly 30 days before the conversion counts; a microsecond earlier does not
        ("lookback", _day(1, 23, 59) + timedelta(seconds=59, microseconds=999_999), "display"),
        ("lookback", _day(2), "email"),
        # repeat purchases: each conversion starts a new journey, the rest is non-converting
        ("repeat", _day(5), "search"),
        ("repeat", _day(7), "email"),
        ("repeat", _day(8), "email"),
        ("repeat", _day(12), "social"),
        # two conversions at one instant: the touches go to the larger value
        ("double", _day(5), "video"),
    ]
    conversions = [
        ("tie", _day(10, 12), 50.0),
        ("conversion_only", _day(10), 99.0),
        ("lookback", datetime(2026, 2, 1), 30.0),
        ("repeat", _day(6), 10.0),
        ("repeat", _day(9), 20.0),
        ("double", _day(6), 5.0),
        ("double", _day(6), 9.0),
    ]
    schema = {"customer_id": pl.String, "timestamp": pl.Datetime("us"), "channel": pl.String}
    conv_schema = {"customer_id": pl.String, "timestamp": pl.Datetime("us"), "value": pl.Float64}
    return (
        pl.DataFrame(touches, schema=schema, orient="row"),
        pl.DataFrame(conversions, schema=conv_schema, orient="row"),
    )


EDGE_PATHS = {
    ("email", "search", "display"): (1.0, 50.0, 0.0),
    ("social", "affiliate", None): (0.0, 0.0, 1.0),
    ("email",): (1.0, 30.0, 0.0),
    ("search",): (1.0, 10.0, 0.0),
    ("email", "email"): (1.0, 20.0, 0.0),
    ("social",): (0.0, 0.0, 1.0),
    ("video",): (1.0, 9.0, 0.0),
}
# collapse_repeats=True, max_length=2
EDGE_PATHS_SHORT = {
    ("search", "display"): (1.0, 50.0, 0.0),
    ("affiliate", None): (0.0, 0.0, 1.0),
    ("email",): (2.0, 50.0, 0.0),
    ("search",): (1.0, 10.0, 0.0),
    ("social",): (0.0, 0.0, 1.0),
    ("video",): (1.0, 9.0, 0.0),
}


@pytest.mark.parametrize(
    ("options", "expected"),
    [({}, EDGE_PATHS), ({"collapse_repeats": True, "max_length": 2}, EDGE_PATHS_SHORT)],
)
def test_edge_cases_give_the_paths_written_out_by_hand(engine, as_engine, options, expected):
    touches, conversions = edge_case_tables()
    frames = {
        "polars": (touches, conversions),
        engine: (as_engine(touches), as_engine(conversions)),
    }
    for tables in frames.values():
        result = at.paths_from_touchpoints(*tables, 30, **options)
        assert keyed(result) == expected
    assert keyed(engine_paths.paths(*frames[engine], 30, **options)) == expected


def test_edge_case_time_decay_weights(engine, as_engine):
    """The tie journey by hand: search and email 3 hours old, display at the conversion."""
    touches, conversions = edge_case_tables()
    touches = touches.filter(pl.col("customer_id") == "tie")
    native = as_engine(touches), as_engine(conversions)
    result = engine_paths.time_decay_credit(*native, 30, half_life_days=1)
    old = 0.5 ** (3 / 24)
    total = 2 * old + 1
    assert dict(zip(result["channel"], result["conversions"], strict=True)) == pytest.approx(
        {"display": 1 / total, "email": old / total, "search": old / total}, rel=1e-12
    )
    assert result["value"].sum() == pytest.approx(50.0, rel=1e-12)
    assert_same_credit(result, at.time_decay_from_touchpoints(touches, conversions, 30, 1.0))


def test_a_short_half_life_gives_the_newest_touch_the_credit_not_nan(engine, as_engine):
    """25 days at a 1-hour half-life is 600 half-lives: 0.5**600 underflows no float, but
    0.5**(25 days / 30 s) does; every weight of the journey was 0 and the credit 0/0."""
    touches = pl.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": [datetime(2026, 1, 1), datetime(2026, 1, 2)],
            "channel": ["search", "email"],
        }
    )
    conversions = pl.DataFrame(
        {"customer_id": ["a"], "timestamp": [datetime(2026, 1, 27)], "value": [10.0]}
    )
    half_life = 30 / 86_400  # 30 seconds
    result = engine_paths.time_decay_credit(
        as_engine(touches), as_engine(conversions), 30, half_life
    )
    assert dict(zip(result["channel"], result["conversions"], strict=True)) == {"email": 1.0}
    assert result["value"].to_list() == [10.0]
    assert_same_credit(result, at.time_decay_from_touchpoints(touches, conversions, 30, half_life))


def _zoned(frame: pl.DataFrame, zone: str) -> pl.DataFrame:
    return frame.with_columns(pl.col("timestamp").dt.replace_time_zone(zone))


def _dst_tables() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Berlin wall clock: the clocks go forward on 29 March, so 30 days of wall clock are
    one hour less of real time. The touch at 11:30 is 30 days and 30 minutes before the
    conversion by the wall clock (out, as io.load_table reads it) and 29 days 23.5 hours
    by real time."""
    touches = pl.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": [datetime(2026, 3, 16, 11, 30), datetime(2026, 3, 20)],
            "channel": ["search", "email"],
        }
    )
    conversions = pl.DataFrame(
        {"customer_id": ["a"], "timestamp": [datetime(2026, 4, 15, 12)], "value": [1.0]}
    )
    return touches, conversions


def test_zoned_times_keep_their_wall_clock_as_the_loader_reads_them():
    touches, conversions = _dst_tables()
    berlin = _zoned(touches, "Europe/Berlin"), _zoned(conversions, "Europe/Berlin")
    assert keyed(at.paths_from_touchpoints(*berlin, 30)) == {("email",): (1.0, 1.0, 0.0)}
    # a zoned table and a naive one (a CSV without offsets) join as the loader would load them
    assert keyed(at.paths_from_touchpoints(berlin[0], conversions, 30)) == {
        ("email",): (1.0, 1.0, 0.0)
    }
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Europe/Berlin'")  # DuckDB keeps the zone here
    in_duckdb = [connection.from_arrow(frame.to_arrow()) for frame in berlin]
    assert keyed(at.paths_from_touchpoints(*in_duckdb, 30)) == {("email",): (1.0, 1.0, 0.0)}


def test_utc_times_give_the_naive_paths_on_every_engine(engine, as_engine):
    touches, conversions = edge_case_tables()
    native = as_engine(_zoned(touches, "UTC")), as_engine(_zoned(conversions, "UTC"))
    assert keyed(at.paths_from_touchpoints(*native, 30)) == EDGE_PATHS


def test_tables_in_two_engines_are_refused_with_the_fix():
    touches, conversions = edge_case_tables()
    relation = duckdb.connect().from_arrow(conversions.to_arrow())
    with pytest.raises(ParameterError, match="different engines"):
        at.paths_from_touchpoints(touches, relation)
    with pytest.raises(ParameterError, match="pl.from_pandas"):
        at.paths_from_touchpoints(touches.to_pandas(), conversions.to_pandas())


def test_per_journey_rows_are_not_brought_out_of_the_engine():
    touches, conversions = edge_case_tables()
    connection = duckdb.connect()
    native = (
        connection.from_arrow(touches.to_arrow()),
        connection.from_arrow(conversions.to_arrow()),
    )
    with pytest.raises(ParameterError, match="paths_from_touchpoints"):
        at.journeys_from_touchpoints(*native)
    with pytest.raises(ParameterError, match="time_decay_from_touchpoints"):
        at.time_decay(native[0])


def _report_tables(touchpoints, conversions) -> dict:
    """The calls of notebooks/reports/attribution.ipynb on touches and conversions."""
    grouped = at.group_channels(touchpoints, {"paid": "search|display", "owned": ["email"]})
    tail_rules, tail_note = at.long_tail_rules(grouped, max_channels=4)
    grouped = at.group_channels(grouped, tail_rules)
    paths = at.paths_from_touchpoints(grouped, conversions, 30, collapse_repeats=True)
    sensitivity = at.lookback_sensitivity(grouped, conversions, [7, 30], model="markov")
    return {
        "tail": (tail_rules, tail_note),
        "conversions": engine_paths.row_count(conversions),
        "paths": paths,
        "sensitivity": sensitivity.sort("lookback_days", "channel"),
    }


def test_the_report_never_brings_the_touch_rows_back(demo, duckdb_connection, monkeypatch):
    """Every attribution call of the report on DuckDB relations: only aggregates leave.

    Each result DuckDB hands back is counted; none is as long as the touches, and the
    report's tables equal those of the polars run.
    """
    from narwhals._duckdb.dataframe import DuckDBLazyFrame

    touchpoints, conversions = demo
    heights: list[int] = []
    collect = DuckDBLazyFrame.collect

    def counted(self, *args, **kwargs):
        result = collect(self, *args, **kwargs)
        heights.append(len(result.native))
        return result

    monkeypatch.setattr(DuckDBLazyFrame, "collect", counted)
    native = [duckdb_connection.from_arrow(frame.to_arrow()) for frame in demo]
    results = _report_tables(*native)
    expected = _report_tables(touchpoints, conversions)
    # one row per distinct path at most (828 on the demo data), never the 11 085 touches
    assert heights and max(heights) < touchpoints.height / 10
    assert results["tail"] == expected["tail"] and expected["tail"][0]
    assert results["conversions"] == conversions.height
    assert_same_paths(results["paths"], expected["paths"])
    got, want = results["sensitivity"], expected["sensitivity"]
    assert got.select("lookback_days", "channel").equals(want.select("lookback_days", "channel"))
    for column in ("conversions", "value", "share"):
        assert got[column].to_list() == pytest.approx(want[column].to_list(), rel=1e-9)


def test_tables_of_two_duckdb_connections_are_joined():
    """Two DuckDB sources (two tables of one file) come with a connection each."""
    touches, conversions = edge_case_tables()
    in_touches = duckdb.connect().from_arrow(touches.to_arrow())
    in_conversions = duckdb.connect().from_arrow(conversions.to_arrow())
    assert keyed(at.paths_from_touchpoints(in_touches, in_conversions, 30)) == EDGE_PATHS


def test_no_conversions_or_no_touches(engine, as_engine):
    """Empty tables: every journey is non-converting, or there is no path at all."""
    touches, conversions = edge_case_tables()
    touches, conversions = as_engine(touches), as_engine(conversions)
    # emptied in the engine (Spark cannot take an empty table from pandas)
    nothing = nw.col("customer_id").is_null() & ~nw.col("customer_id").is_null()
    no_touches, no_conversions = (
        lazy(frame).filter(nothing).to_native() for frame in (touches, conversions)
    )
    no_conversions = touches, no_conversions
    assert keyed(at.paths_from_touchpoints(*no_conversions, 30)) == {
        ("email", "search", "display"): (0.0, 0.0, 1.0),
        ("social", "affiliate", None): (0.0, 0.0, 1.0),
        ("display", "email"): (0.0, 0.0, 1.0),
        ("search", "email", "email", "social"): (0.0, 0.0, 1.0),
        ("video",): (0.0, 0.0, 1.0),
    }
    empty = engine_paths.paths(no_touches, conversions, 30)
    assert empty.height == 0 and empty.schema["path"] == pl.List(pl.String)
    credit = engine_paths.time_decay_credit(no_touches, conversions)
    assert credit.height == 0 and credit.columns == ["channel", "conversions", "value"]
