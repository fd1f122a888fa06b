"""Cadence and fatigue against the generator's truth and hand-made event logs."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from mkt_engineering.nurture.cadence import (
    _per_lead_sends,
    engagement_decay,
    recycled_ready_again,
    send_time_heatmap,
    unsubscribe_by_frequency,
)


def test_unsubscribe_hazard_contains_truth_and_rises(lead_events, truth):
    table = unsubscribe_by_frequency(lead_events, bins=[0, 1.5, 2.5, 4, 100])
    hazards = truth["competing_risks"]["unsubscribe_daily_hazard_by_emails_per_week"]
    for row, key in zip(table.iter_rows(named=True), ("1", "2", "3", "5"), strict=True):
        assert row["ci_low"] < 1000 * hazards[key] < row["ci_high"], row
    assert table["per_1000_lead_days"][-1] > 5 * table["per_1000_lead_days"][0]


def test_send_time_heatmap_shows_weekend_dip(lead_events):
    heat = send_time_heatmap(lead_events)
    by_day = heat.group_by("weekday").agg(rate=pl.col("opens").sum() / pl.col("sends").sum())
    rates = dict(by_day.iter_rows())
    assert max(rates["Sat"], rates["Sun"]) < min(rates["Tue"], rates["Wed"])
    assert heat["sends"].sum() == lead_events.filter(pl.col("event") == "email_sent").height


def test_engagement_decay_half_life_near_truth(lead_events, truth):
    decay = engagement_decay(lead_events)
    # exponential delay with mean m: median m * ln 2
    assert abs(decay["half_life_days"][0] - truth["email"]["open_delay_mean_days"] * 0.6931) < 0.06
    opens = decay.filter(pl.col("event") == "email_open")
    assert opens["share"][0] > opens["share"][1]


def test_recycled_ready_again_by_hand():
    t = datetime
    events = pl.DataFrame(
        {
            "lead_id": ["a", "a", "b", "b", "c"],
            "timestamp": [
                t(2025, 1, 1),
                t(2025, 1, 11),
                t(2025, 1, 1),
                t(2025, 1, 21),
                t(2025, 2, 1),
            ],
            "event": ["recycled", "mql", "recycled", "mqn", "created"],
        }
    )
    curve = recycled_ready_again(events)
    assert curve["time"].to_list() == [10.0, 20.0]
    assert curve["survival"].to_list() == [0.5, 0.0]


def test_second_send_per_lead_by_hand():
    """Second-earliest send, ties counted twice; one send is its own second; no send: none.

    The rows come unsorted and mixed with other events, as an export does.
    """
    at = [datetime(2025, 3, day, 9) for day in range(1, 8)]
    events = pl.DataFrame(
        {
            "lead_id": ["a", "d", "a", "b", "a", "c", "d", "a", "d"],
            "timestamp": [at[2], at[4], at[0], at[3], at[0], at[5], at[1], at[1], at[6]],
            "event": [
                "email_sent",
                "email_sent",
                "email_sent",
                "email_sent",
                "email_sent",
                "unsubscribed",
                "email_sent",
                "email_open",
                "mql",
            ],
        }
    )
    per_lead = _per_lead_sends(events.lazy()).collect().sort("lead_id")
    assert per_lead["lead_id"].to_list() == ["a", "b", "c", "d"]
    # a: sends on days 3, 1, 1 (the open on day 2 is no send); d: sends on days 5 and 2
    assert per_lead["second_send"].to_list() == [at[0], at[3], None, at[4]]
    assert per_lead["first_send"].to_list() == [at[0], at[3], None, at[1]]
    assert per_lead["sends"].to_list() == [3, 1, 0, 2]
    assert per_lead["left_at"].to_list() == [None, None, None, at[6]]
