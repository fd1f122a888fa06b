"""Stage timeline, funnel and exclusion: hand-made logs and consistency with the generator."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture.exclusion import (
    apply_targeting,
    excluded_conversions,
    exclusion_breakdown,
    reach_precision_curve,
)
from mkt_engineering.nurture.funnel import stage_conversion, stage_durations, stage_flows
from mkt_engineering.nurture.timeline import stage_timeline

T0 = datetime(2025, 3, 1, 9)


def _log(rows):
    return pl.DataFrame(
        [(lead, T0 + timedelta(days=day), event, score) for lead, day, event, score in rows],
        schema=["lead_id", "timestamp", "event", "score"],
        orient="row",
    )


def test_green_banana_fast_lane_and_censoring_by_hand():
    events = _log(
        [
            ("early", 0, "created", 0),
            ("early", 3, "sales_contact", 20),
            ("early", 9, "mql", 60),
            ("fast", 0, "created", 0),
            ("fast", 2, "fast_lane", 10),
            ("fast", 2.5, "sales_contact", 10),
            ("fast", 20, "won", 30),
            ("ready", 0, "created", 0),
            ("ready", 1, "email_open", 10),
            ("ready", 12, "mql", 60),
            ("ready", 14, "sales_contact", 65),
            ("ready", 15, "recycled", 65),
            ("gone", 0, "created", 0),
            ("gone", 5, "unsubscribed", 5),
            ("open", 0, "created", 0),
            ("open", 30, "email_sent", 1),
        ]
    )
    timeline = stage_timeline(events).sort("lead_id")
    rows = {r["lead_id"]: r for r in timeline.iter_rows(named=True)}
    assert (
        rows["early"]["contacted_before_ready"] and rows["early"]["nurture_exit"] == "sales_contact"
    )
    assert rows["early"]["qualified"] == 0 and rows["early"]["days_in_nurturing"] == 3
    assert (
        not rows["fast"]["contacted_before_ready"] and rows["fast"]["nurture_exit"] == "fast_lane"
    )
    assert rows["fast"]["fast_lane_hours_to_contact"] == pytest.approx(12.0)
    assert rows["fast"]["outcome"] == "won"
    assert rows["ready"]["qualified"] == 1 and rows["ready"]["days_in_nurturing"] == 12
    assert rows["ready"]["score_at_contact"] == 65 and rows["ready"]["recycled"] == 1
    assert (
        rows["ready"]["engagements_at_contact"] == 1
        and rows["ready"]["days_qualified_to_contact"] == 2
    )
    assert rows["gone"]["nurture_exit"] == "unsubscribed" and rows["gone"]["days_in_nurturing"] == 5
    assert rows["open"]["nurture_exit"] == "none" and rows["open"]["days_in_nurturing"] == 30
    by_score = {r["lead_id"]: r for r in stage_timeline(events, mql_score=10).iter_rows(named=True)}
    assert sorted(k for k, r in by_score.items() if r["qualified"]) == ["early", "fast", "ready"]
    assert by_score["ready"]["days_in_nurturing"] == 1


def test_timeline_agrees_with_generator(timeline, lead_events, truth):
    assert timeline.height == truth["counts"]["leads"]
    assert timeline["recycled"].sum() == lead_events.filter(pl.col("event") == "recycled").height
    # the generator counts early calls planned after the data cut too
    early = timeline.filter(pl.col("contacted_before_ready")).height
    assert 0.9 * truth["counts"]["early_contacts"] <= early <= truth["counts"]["early_contacts"]


def test_lazy_and_eager_give_the_same_timeline(lead_events):
    assert stage_timeline(lead_events.lazy()).equals(stage_timeline(lead_events))


def test_missing_column_error_names_it():
    with pytest.raises(DataValidationError, match="event"):
        stage_timeline(pl.DataFrame({"lead_id": ["a"], "timestamp": [T0]}))
    with pytest.raises(DataValidationError, match="score"):
        stage_timeline(
            pl.DataFrame({"lead_id": ["a"], "timestamp": [T0], "event": ["created"]}), mql_score=50
        )


def test_funnel_counts(timeline):
    funnel = stage_conversion(timeline)
    assert funnel["leads"][0] == timeline.height
    assert (
        funnel.filter(pl.col("stage") == "won")["leads"].item()
        == timeline.filter(pl.col("won_at").is_not_null()).height
    )
    assert (funnel["from_previous"].drop_nulls() <= 1).all()
    flows = stage_flows(timeline)
    out_of_nurturing = flows.filter(pl.col("source") == "nurturing")["leads"].sum()
    assert out_of_nurturing == timeline.height
    durations = stage_durations(timeline)
    assert (durations["days"] >= 0).all()


def test_exclusion_reasons_partition_the_leads(timeline):
    targeted = apply_targeting(timeline, mql_score=60, personas=["it_manager", "developer", "cfo"])
    table = exclusion_breakdown(targeted)
    for dimension in ("persona", "source", "is_customer", "has_email"):
        part = table.filter(pl.col("dimension") == dimension)
        assert part["leads"].sum() == timeline.height
        assert part["excluded"].sum() == (~targeted["reaches_sales"]).sum()
    assert (
        table.filter(pl.col("dimension") == "has_email", pl.col("value") == "false")[
            "share_excluded"
        ].item()
        == 1.0
    )
    procurement = table.filter(pl.col("dimension") == "persona", pl.col("value") == "procurement")
    assert procurement["share_excluded"].item() == 1.0
    wins = excluded_conversions(targeted)
    no_email = wins.filter(pl.col("exclusion_reason") == "no e-mail address")
    assert no_email["wins"].item() > 0
    assert (
        no_email["wins"].item()
        == no_email["wins_fast_lane"].item()
        + no_email["wins_sales_call"].item()
        + no_email["wins_offline"].item()
    )


def test_reach_falls_and_precision_rises_with_threshold(timeline):
    curve = reach_precision_curve(timeline, thresholds=[0, 20, 40, 60])
    assert curve["reach"].is_sorted(descending=True)
    assert curve["precision"].is_sorted()
