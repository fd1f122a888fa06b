"""Stage timelines and cadence tables on polars, DuckDB and Spark equal the polars path.

The reference is each `nurture` function on a polars frame; the same rows as a DuckDB
relation or a Spark DataFrame must give the same table: counts exact, floats within 1e-9
relative. Hand-made logs check the as-of matches at equal instants against hand counts.
"""

from __future__ import annotations

from datetime import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mkt_engineering import nurture
from mkt_engineering.engines import nurture as engine_nurture
from mkt_engineering.engines.frames import engine_name
from mkt_engineering.io import load_table

CADENCE = (
    nurture.send_time_heatmap,
    nurture.engagement_decay,
    nurture.unsubscribe_by_frequency,
    nurture.recycled_ready_again,
)


@pytest.fixture(scope="module")
def demo_events() -> pl.DataFrame:
    return load_table("datasets/leads/lead_events.csv", table="lead_events").frame


def assert_same(expected: pl.DataFrame, actual: pl.DataFrame) -> None:
    """Counts exact, floats within 1e-9 relative, NaN where the reference has NaN."""
    assert_frame_equal(expected, actual, check_exact=False, rel_tol=1e-9, abs_tol=0.0)


def events_frame(rows: list[tuple], **extra: list) -> pl.DataFrame:
    lead, time, event = zip(*rows, strict=True)
    frame = pl.DataFrame({"lead_id": lead, "timestamp": time, "event": event, **extra})
    return frame.with_columns(pl.col("timestamp").cast(pl.Datetime("us")))


# ties at one instant everywhere: two sends at 09:00 with an open at 09:00, a lead whose
# first sales call comes at the instant it qualified, a recycling at the instant of the next
# MQL, a lead with nothing after its creation, and empty persona / score cells
EDGE = [
    ("a", dt(2025, 3, 3, 9), "created"),
    ("a", dt(2025, 3, 3, 9), "email_sent"),
    ("a", dt(2025, 3, 3, 9), "email_sent"),
    ("a", dt(2025, 3, 3, 9), "email_open"),
    ("a", dt(2025, 3, 5, 22, 30), "email_click"),
    ("a", dt(2025, 3, 10, 9), "email_sent"),
    ("a", dt(2025, 3, 10, 9, 0, 0, 1), "email_open"),
    ("a", dt(2025, 3, 12), "mql"),
    ("a", dt(2025, 3, 12), "sales_contact"),
    ("a", dt(2025, 3, 20), "recycled"),
    ("a", dt(2025, 3, 20), "mql"),
    ("b", dt(2025, 3, 1), "created"),
    ("b", dt(2025, 3, 2, 8), "email_sent"),
    ("b", dt(2025, 3, 4, 8), "email_sent"),
    ("b", dt(2025, 3, 4, 8), "fast_lane"),
    ("b", dt(2025, 3, 6), "unsubscribed"),
    ("b", dt(2025, 3, 7), "sales_contact"),
    ("b", dt(2025, 3, 9), "recycled"),
    ("b", dt(2025, 3, 10), "won"),
    ("c", dt(2025, 3, 15), "created"),
    ("d", dt(2025, 3, 2), "email_sent"),
    ("d", dt(2025, 3, 2, 1), "email_open"),
    ("d", dt(2025, 3, 25), "recycled"),
]
EDGE_EXTRA = {
    "persona": ["cfo"] * 11 + [None] * 8 + ["it"] + [None] * 3,
    "score": [10.0, None, None, 20.0, 30.0, None, 40.0, 70.0, 70.0, 20.0, 80.0]
    + [5.0, None, 65.0, None, None, 90.0, None, None, None, None, None, None],
    "is_customer": [False] * 11 + [True] * 8 + [False] * 4,
}


@pytest.fixture
def edge_events() -> pl.DataFrame:
    return events_frame(EDGE, **EDGE_EXTRA)


@pytest.mark.parametrize(
    "options", [{}, {"mql_score": 60.0}, {"as_of": dt(2025, 6, 30, 12)}], ids=str
)
def test_stage_timeline_on_the_demo_log_equals_polars(engine, as_engine, demo_events, options):
    expected = nurture.stage_timeline(demo_events, **options)
    assert_same(expected, nurture.stage_timeline(as_engine(demo_events), **options))


@pytest.mark.parametrize("table", CADENCE, ids=lambda f: f.__name__)
def test_cadence_tables_on_the_demo_log_equal_polars(engine, as_engine, demo_events, table):
    expected = table(demo_events)
    assert expected.height  # each table has rows on the demo data
    assert_same(expected, table(as_engine(demo_events)))


def test_stage_timeline_edge_cases_equal_polars(engine, as_engine, edge_events):
    for options in ({}, {"mql_score": 60.0}):
        expected = nurture.stage_timeline(edge_events, **options)
        assert_same(expected, nurture.stage_timeline(as_engine(edge_events), **options))
    lone = expected.filter(pl.col("lead_id") == "c").row(0, named=True)
    assert lone["days_observed"] == pytest.approx(10.0) and lone["nurture_exit"] == "none"


def test_stage_timeline_without_optional_columns(engine, as_engine, edge_events):
    bare = edge_events.select("lead_id", "timestamp", "event")
    assert_same(nurture.stage_timeline(bare), nurture.stage_timeline(as_engine(bare)))


@pytest.mark.parametrize("table", CADENCE, ids=lambda f: f.__name__)
def test_cadence_edge_cases_equal_polars(engine, as_engine, edge_events, table):
    assert_same(table(edge_events), table(as_engine(edge_events)))


def test_as_of_matches_at_equal_instants_by_hand(engine, as_engine, edge_events):
    view = engine_nurture.with_epoch(engine_nurture.events_view(as_engine(edge_events)))
    opens = (
        engine_nurture.to_polars(
            engine_nurture.sends_with_response(view, ("email_open",), 3.0).select(
                "lead_id", "timestamp", "_sent_us"
            )
        )
        .select(
            "lead_id",
            pl.col("timestamp").cast(pl.Datetime("us")),
            pl.from_epoch("_sent_us", time_unit="us").alias("sent_at"),
        )
        .sort("lead_id", "timestamp")
    )
    # an open at the instant of a send belongs to that send (delay 0), once, not per send
    assert opens.rows() == [
        ("a", dt(2025, 3, 3, 9), dt(2025, 3, 3, 9)),
        ("a", dt(2025, 3, 10, 9, 0, 0, 1), dt(2025, 3, 10, 9)),
        ("d", dt(2025, 3, 2, 1), dt(2025, 3, 2)),
    ]
    pairs = engine_nurture.recycled_pairs(as_engine(edge_events)).sort("lead_id")
    # a recycling at the instant of an MQL is ready again at once; b and d never are
    assert pairs.rows() == [
        ("a", dt(2025, 3, 20), dt(2025, 3, 20)),
        ("b", dt(2025, 3, 9), None),
        ("d", dt(2025, 3, 25), None),
    ]


def test_second_send_at_the_first_instant_by_hand(engine, as_engine, edge_events):
    sends = engine_nurture.per_lead_sends(as_engine(edge_events)).sort("lead_id")
    # a: two sends at 09:00 then one a week later: the second send is the same 09:00
    assert sends.select("lead_id", "sends", "second_send").rows() == [
        ("a", 3, dt(2025, 3, 3, 9)),
        ("b", 2, dt(2025, 3, 4, 8)),
    ]


def test_half_life_of_opens_at_the_instant_of_the_send_is_zero(engine, as_engine):
    events = events_frame(
        [("a", dt(2025, 1, 6, 9), "email_sent"), ("a", dt(2025, 1, 6, 9), "email_open")]
    )
    decay = nurture.engagement_decay(as_engine(events))
    assert decay["half_life_days"].to_list() == [0.0]  # not NaN: the opens came at once


def test_time_zone_columns_are_read_at_their_wall_clock(engine, as_engine, edge_events):
    if engine == "polars":
        pytest.skip("polars frames reach the analyses from the loader, without a time zone")
    # the loader keeps the wall clock of a zoned column; engines run in UTC sessions here
    zoned = edge_events.with_columns(pl.col("timestamp").dt.replace_time_zone("UTC"))
    assert_same(nurture.stage_timeline(edge_events), nurture.stage_timeline(as_engine(zoned)))
    for table in CADENCE:
        assert_same(table(edge_events), table(as_engine(zoned)))


def test_epoch_microseconds_equal_polars_arithmetic(engine, as_engine):
    times = [dt(1969, 12, 31, 23, 59, 59, 999999), dt(2024, 2, 29, 13, 45, 7, 250), dt(2030, 1, 1)]
    frame = pl.DataFrame({"t": times}).with_columns(pl.col("t").cast(pl.Datetime("us")))
    found = engine_nurture.to_polars(
        engine_nurture.lazy(as_engine(frame)).select(engine_nurture.epoch_us("t").alias("us"))
    )
    assert found["us"].to_list() == frame["t"].dt.epoch("us").to_list()


def test_event_counts_and_consent_filter_stay_in_the_engine(engine, as_engine, edge_events):
    native = as_engine(edge_events)
    assert nurture.timeline.event_count(native) == 23
    assert nurture.timeline.event_count(native, "email_sent") == 6
    assert nurture.timeline.event_count(native, "webinar") == 0
    table = pl.DataFrame({"lead_id": ["a", "b", "c", "d"], "consent": ["yes", "no", "yes", "no"]})
    leads = nurture.timeline.load_lead_attributes(table)
    kept = nurture.drop_leads_without_consent(native, leads)
    assert engine_name(kept) == engine  # still a frame of the engine
    expected = nurture.drop_leads_without_consent(
        edge_events, nurture.timeline.load_lead_attributes(table)
    )
    assert_same(nurture.stage_timeline(expected), nurture.stage_timeline(kept))
    removed = [i for i in leads.quality.issues if i["check"].startswith("events of leads")]
    # b has 8 events and d 3 in the log of 23
    assert [(i["count"], i["share"]) for i in removed] == [(11, pytest.approx(11 / 23))]
