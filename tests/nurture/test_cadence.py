"""Cadence and fatigue against the generator's truth and hand-made event logs."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from mkt_engineering.nurture.cadence import (
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
