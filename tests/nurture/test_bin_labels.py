"""Bin labels of the nurture analysis never show a placeholder upper limit.

The last edge of a default binning only closes the list (a score of 101, 10,000 days, 100
e-mails a week, infinite hours); a label that shows it ("80–101", "14–10000", "4–100",
"72–inf h") reads as if the bin ended there. The last bin is open-ended ("80+") and holds
every value above its lower edge, extreme ones included.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from mkt_engineering import nurture
from mkt_engineering.nurture.explain import explain_speed_to_lead

SENTINELS = ("101", "1000", "1,000", "10000", "10,000", "100", "inf", "∞")


def _placeholder_limits(labels: list[str]) -> list[str]:
    """Labels that show a sentinel as an upper limit, or 'inf', or a catch-all word."""
    bad = []
    for label in labels:
        upper = re.search(r"–\s*([\d.,]+|inf|∞)", label)
        if "inf" in label or "beyond" in label or (upper and upper.group(1) in SENTINELS):
            bad.append(label)
    return bad


def _assert_open_last_bin(labels: list[str], expected_last: str) -> None:
    assert not _placeholder_limits(labels), labels
    assert labels[-1] == expected_last, labels
    assert all("–" in label for label in labels[:-1] if label != "before ready"), labels


@pytest.fixture(scope="module")
def extreme(timeline):
    """The demo timeline with every tenth contacted lead far beyond the last edges."""
    far = (pl.int_range(pl.len()) % 10 == 0) & pl.col("first_contact_at").is_not_null()
    return timeline.with_columns(
        score_at_contact=pl.when(far).then(250.0).otherwise(pl.col("score_at_contact")),
        engagements_at_contact=pl.when(far).then(5_000).otherwise(pl.col("engagements_at_contact")),
        days_qualified_to_contact=pl.when(far & ~pl.col("contacted_before_ready"))
        .then(50_000.0)
        .otherwise(pl.col("days_qualified_to_contact")),
        fast_lane_hours_to_contact=pl.when(far)
        .then(pl.col("fast_lane_hours_to_contact") * 1_000)
        .otherwise(pl.col("fast_lane_hours_to_contact")),
    )


@pytest.mark.parametrize(
    ("by", "last"),
    [
        ("score_at_contact", "80+"),
        ("engagements_at_contact", "7+"),
        ("days_qualified_to_contact", "14+"),
    ],
)
def test_maturity_bins_end_open_on_demo_and_extreme_data(timeline, extreme, by, last):
    for frame in (timeline, extreme):
        table = nurture.win_rate_by_maturity(frame, by=by)
        _assert_open_last_bin(table["bin"].to_list(), last)
    # every contact is counted in a bin: extreme values join the open last bin
    counted = nurture.win_rate_by_maturity(extreme, by=by)["contacts"].sum()
    assert counted == nurture.sales_contacts(extreme).height


def test_extreme_scores_are_counted_in_the_open_last_bin(timeline, extreme):
    demo = nurture.win_rate_by_maturity(timeline, by="score_at_contact")
    far = nurture.win_rate_by_maturity(extreme, by="score_at_contact")
    contacts = nurture.sales_contacts(extreme)
    moved = contacts.filter(pl.col("score_at_contact") >= 80).height
    assert far.filter(pl.col("bin") == "80+")["contacts"].item() == moved
    assert far["contacts"].sum() == demo["contacts"].sum()


def test_speed_to_lead_ends_with_an_open_bin_in_hours(timeline, extreme):
    for frame in (timeline, extreme):
        labels = nurture.speed_to_lead(frame)["hours"].to_list()
        _assert_open_last_bin(labels, "72+ h")
        assert labels[0] == "0–1 h"


def test_unsubscribe_bins_end_open(lead_events):
    labels = nurture.unsubscribe_by_frequency(lead_events)["emails_per_week"].to_list()
    _assert_open_last_bin(labels, "4+")
    assert labels[:3] == ["0–1.5", "1.5–2.5", "2.5–4"]


def test_unsubscribe_bins_end_open_with_hundreds_of_emails_a_week():
    start = dt.datetime(2026, 1, 5, 9)
    sends = [start + dt.timedelta(minutes=10 * i) for i in range(30)]  # 1,000 a week
    slow = [start + dt.timedelta(days=7 * i) for i in range(10)]  # 1 a week
    events = pl.DataFrame(
        {
            "lead_id": ["fast"] * 30 + ["slow"] * 10 + ["slow"],
            "timestamp": sends + slow + [start + dt.timedelta(days=80)],
            "event": ["email_sent"] * 40 + ["email_open"],
        }
    )
    table = nurture.unsubscribe_by_frequency(events)
    assert table["emails_per_week"].to_list() == ["0–1.5", "4+"]
    assert table["leads"].to_list() == [1, 1]


def test_own_bins_keep_their_edges_but_the_last_is_open(timeline):
    table = nurture.win_rate_by_maturity(timeline, by="score_at_contact", bins=[0, 50, 70, 100])
    assert table["bin"].to_list() == ["0–50", "50–70", "70+"]


def test_speed_to_lead_text_names_the_open_bins_lower_edge(timeline):
    table = nurture.speed_to_lead(timeline)
    english = explain_speed_to_lead(table)
    german = explain_speed_to_lead(table, language="de")
    assert "those called after 72 hours" in english and "72+" not in english
    assert "Rückrufe nach 72 Stunden" in german
