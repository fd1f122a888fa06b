"""Repeat cycles (order -> re-nurturing -> MQN -> next order) against the generator's truth,
and properties that hold for any event log."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture import renurture_counts, repeat_cycles
from mkt_engineering.nurture.cycles import STAGES
from mkt_engineering.synthetic.leads import generate, renurture_truth

SEED, SCALE = 7, 0.5


@pytest.fixture(scope="module")
def generated():
    events = generate(seed=SEED, scale=SCALE).tables["lead_events"]
    return repeat_cycles(events), renurture_truth(seed=SEED, scale=SCALE)


def test_customers_reaching_mqn_again_are_the_generators(generated):
    cycles, truth = generated
    again = cycles.filter(pl.col("renurture") & pl.col("mqn_at").is_not_null())
    expected = truth.filter(pl.col("mqn_again_at").is_not_null())
    assert expected.height > 20  # enough customers come back for the test to mean something
    assert sorted(again["lead_id"]) == sorted(expected["lead_id"])
    both = again.join(expected, on="lead_id")
    assert (both["mqn_at"] == both["mqn_again_at"]).all()
    assert (both["started_at"] == both["ordered_at"]).all()
    counts = renurture_counts(cycles).row(0, named=True)
    assert counts["reached_mqn_again"] == expected.height


def test_every_sales_order_opens_a_renurture_cycle(generated):
    cycles, truth = generated
    opened = cycles.filter("renurture").select("lead_id", "started_at")
    # leads buying offline (no e-mail, no sales contact) have orders too; the truth lists
    # the orders won in sales, each of which must open a re-nurture cycle at its date
    joined = truth.join(opened, on="lead_id", how="left")
    assert (joined["started_at"] == joined["ordered_at"]).all()
    assert opened.height >= truth.height


def test_the_demo_leads_have_the_generators_count():
    from mkt_engineering.io import read_table
    from mkt_engineering.paths import DATASETS_DIR

    events = read_table(DATASETS_DIR / "leads" / "lead_events.csv", "lead_events")
    counts = renurture_counts(repeat_cycles(events)).row(0, named=True)
    truth = renurture_truth()  # the demo data's seed and scale
    assert counts["reached_mqn_again"] == truth["mqn_again_at"].is_not_null().sum() == 151


def test_lazy_input_gives_the_same_cycles(generated):
    events = generate(seed=SEED, scale=0.1).tables["lead_events"]
    assert repeat_cycles(events.lazy()).equals(repeat_cycles(events))


def test_event_at_the_moment_of_an_order_belongs_to_the_closed_cycle():
    moment = datetime(2025, 3, 1)
    events = pl.DataFrame(
        {
            "lead_id": ["a"] * 3,
            "timestamp": [datetime(2025, 1, 1), moment, moment],
            "event": ["created", "won", "mqn"],  # the log lists the order first
        }
    )
    cycles = repeat_cycles(events)
    assert cycles["mqn_at"].to_list() == [moment, None]
    assert cycles["started_at"].to_list() == [datetime(2025, 1, 1), moment]


@pytest.mark.parametrize(
    ("frame", "column", "words"),
    [
        (pl.DataFrame({"lead_id": ["a"], "event": ["won"]}), None, "timestamp"),
        (
            pl.DataFrame({"lead_id": ["a"], "timestamp": ["2025-01-01"], "event": ["won"]}),
            "timestamp",
            "not dates or times",
        ),
        (
            pl.DataFrame(
                {
                    "lead_id": ["a", None],
                    "timestamp": [datetime(2025, 1, 1)] * 2,
                    "event": ["created", "won"],
                }
            ),
            "lead_id",
            r"rows \[2\]",
        ),
        (
            pl.DataFrame(
                {"lead_id": ["a"], "timestamp": [None], "event": ["won"]},
                schema_overrides={"timestamp": pl.Datetime("us")},
            ),
            "timestamp",
            "empty timestamp",
        ),
    ],
)
def test_bad_input_is_refused_with_column_and_fix(frame, column, words):
    with pytest.raises(DataValidationError, match=words) as caught:
        repeat_cycles(frame)
    assert caught.value.fix
    if column is not None:
        assert caught.value.column == column


def test_a_file_path_is_refused_with_how_to_load_it():
    with pytest.raises(DataValidationError, match="got str") as caught:
        repeat_cycles("lead_events.csv")
    assert "read_table" in caught.value.fix


def test_counts_refuse_a_table_that_is_not_cycles():
    with pytest.raises(DataValidationError, match="repeat_cycles"):
        renurture_counts(pl.DataFrame({"lead_id": ["a"]}))


# ------------------------------------------------------------------ properties
EVENTS = st.sampled_from(["created", "email_open", "recycled", *STAGES])


@st.composite
def event_logs(draw):
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from("abc"), st.integers(0, 60), EVENTS), min_size=1, max_size=40
        )
    )
    start = datetime(2025, 1, 1)
    return pl.DataFrame(
        {
            "lead_id": [lead for lead, _, _ in rows],
            "timestamp": [start + timedelta(days=day) for _, day, _ in rows],
            "event": [event for _, _, event in rows],
        }
    )


@settings(max_examples=60, deadline=None)
@given(event_logs())
def test_cycles_follow_orders_and_stages_are_ordered(events):
    cycles = repeat_cycles(events)
    orders = events.group_by("lead_id").agg((pl.col("event") == "won").sum().alias("orders"))
    per_lead = cycles.group_by("lead_id").agg(
        pl.len().alias("cycles"), pl.col("cycle").max().alias("last")
    )
    both = per_lead.join(orders, on="lead_id")
    assert both.height == events["lead_id"].n_unique()
    # every order closes one cycle and opens the next: cycles == orders + 1, numbered 1..n
    assert (both["cycles"] <= both["orders"] + 1).all()
    assert (both["cycles"] == both["last"]).all()
    # within a cycle every stage lies between its start and the order that closes it
    for stage in STAGES:
        at = pl.col(f"{stage}_at")
        inside = at.is_null() | (at >= pl.col("started_at"))
        closed = pl.col("won_at").is_null() | at.is_null() | (at <= pl.col("won_at"))
        assert cycles.select((inside & closed).all()).item(), stage
    # a cycle after an order starts exactly at that order
    previous = cycles.with_columns(before=pl.col("won_at").shift(1).over("lead_id"))
    later = previous.filter(pl.col("cycle") > 1)
    assert (later["started_at"] == later["before"]).all()
