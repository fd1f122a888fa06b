"""Cadence and fatigue: how often to e-mail, when to send, and how fast interest fades.

- `unsubscribe_by_frequency`: unsubscribes per 1,000 lead-days at each e-mail frequency.
  A lead's frequency is its sends per week over its own sending period; its exposure runs
  from its second send (when a frequency exists) to the unsubscribe, leaving the
  sequence, or one sending gap after the last send.
- `engagement_decay`: opens and clicks by days since the e-mail that triggered them.
- `send_time_heatmap`: share of sends opened, by weekday and hour of the send.
- `recycled_ready_again`: Kaplan-Meier of days from recycling to the next MQL/MQN.

All inputs are the ``lead_events`` table: a polars DataFrame or LazyFrame, or a DuckDB
relation or Spark DataFrame, which is reduced in its engine (`engines.nurture`) to counts
per hour or day, one row per lead or per recycling; the tables are finished in polars.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime as dt
>>> events = pl.DataFrame({"lead_id": ["a", "a", "a"],
...     "timestamp": [dt(2025, 3, 3, 9), dt(2025, 3, 3, 15), dt(2025, 3, 10, 9)],
...     "event": ["email_sent", "email_open", "email_sent"]})
>>> send_time_heatmap(events).select("weekday", "hour", "sends", "open_rate").rows()
[('Mon', 9, 2, 0.5)]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.engines.frames import is_engine_frame
from mkt_engineering.formatting import bin_labels
from mkt_engineering.nurture.events import LEAVES_SEQUENCE
from mkt_engineering.nurture.survival import kaplan_meier

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_US = 86_400_000_000


def _sends_with_response(
    events: pl.LazyFrame, response: tuple[str, ...], window_days: float
) -> pl.LazyFrame:
    """Each send with the delay to the lead's first response (open/click) before the next send."""
    sends = (
        events.filter(pl.col("event") == "email_sent")
        .select("lead_id", pl.col("timestamp").alias("sent_at"))
        .sort("sent_at")
    )
    responses = (
        events.filter(pl.col("event").is_in(response))
        .select("lead_id", "event", "timestamp")
        .sort("timestamp")
    )
    # every response belongs to the latest send before it (as-of join within the lead)
    matched = responses.join_asof(
        sends,
        left_on="timestamp",
        right_on="sent_at",
        by="lead_id",
        strategy="backward",
        check_sortedness=False,
    )  # sorted above; polars cannot verify within groups
    return (
        matched.filter(pl.col("sent_at").is_not_null())
        .with_columns(
            delay_days=(pl.col("timestamp") - pl.col("sent_at")).dt.total_microseconds() / DAY_US
        )
        .filter(pl.col("delay_days") <= window_days)
    )


def send_time_heatmap(events: Any, *, window_days: float = 3.0) -> pl.DataFrame:
    """Open rate (share of sends with an open within `window_days`) by weekday x hour of the send.

    Parameters
    ----------
    events : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        The ``lead_events`` table; an engine frame is reduced in its engine.
    window_days : float
        Days after a send within which an open counts.

    Returns
    -------
    DataFrame
        weekday, hour, sends, opens, open_rate; one row per weekday and hour with sends.
    """
    if is_engine_frame(events):
        from mkt_engineering.engines import nurture as engine

        return _heatmap(engine.send_hour_counts(events, window_days).lazy())
    lazy = events.lazy()
    opened = (
        _sends_with_response(lazy, ("email_open",), window_days)
        .select("lead_id", "sent_at")
        .unique()
        .with_columns(opened=pl.lit(1))
    )
    sends = lazy.filter(pl.col("event") == "email_sent").select(
        "lead_id", pl.col("timestamp").alias("sent_at")
    )
    counts = (
        sends.join(opened, on=["lead_id", "sent_at"], how="left")
        .with_columns(
            weekday_index=pl.col("sent_at").dt.weekday() - 1,
            hour=pl.col("sent_at").dt.hour().cast(pl.Int32),
        )
        .group_by("weekday_index", "hour")
        .agg(sends=pl.len(), opens=pl.col("opened").fill_null(0).sum())
    )
    return _heatmap(counts)


def _heatmap(counts: pl.LazyFrame) -> pl.DataFrame:
    """Open rates and weekday names from sends and opens per weekday index (0 = Monday) and hour."""
    return (
        counts.with_columns(
            open_rate=pl.col("opens") / pl.col("sends"),
            weekday=pl.col("weekday_index").replace_strict(
                dict(enumerate(WEEKDAYS)), return_dtype=pl.String
            ),
        )
        .sort("weekday_index", "hour")
        .select("weekday", "hour", "sends", "opens", "open_rate")
        .collect()
    )


def engagement_decay(events: Any, *, window_days: int = 7) -> pl.DataFrame:
    """Opens and clicks by whole days since the send, with the share of all responses.

    The ``half_life_days`` column (same on each row) is the median delay: half of all
    responses come within that time (NaN without any open).

    Parameters
    ----------
    events : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        The ``lead_events`` table; an engine frame is reduced in its engine.
    window_days : int
        Days after a send (and before the next one) within which a response counts.

    Returns
    -------
    DataFrame
        day, event (open or click), responses, share (of all responses), half_life_days.
    """
    if is_engine_frame(events):
        from mkt_engineering.engines import nurture as engine

        counts, median = engine.response_day_counts(events, window_days)
    else:
        matched = _sends_with_response(
            events.lazy(), ("email_open", "email_click"), window_days
        ).collect()
        median = matched.filter(pl.col("event") == "email_open")["delay_days"].median()
        counts = (
            matched.with_columns(day=pl.col("delay_days").floor().cast(pl.Int32))
            .group_by("day", "event")
            .agg(responses=pl.len())
        )
    # a median of 0 (opens in the same instant as the send) is a half-life of 0, not NaN
    half_life = np.nan if median is None else float(median)
    return counts.with_columns(
        share=pl.col("responses") / pl.col("responses").sum().over("event"),
        half_life_days=pl.lit(half_life),
    ).sort("event", "day")


def unsubscribe_by_frequency(
    events: Any,
    *,
    bins: list[float] = (0, 1.5, 2.5, 4, 100),
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Unsubscribe hazard (per 1,000 lead-days and per week) by e-mails per week.

    Parameters
    ----------
    events : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        The ``lead_events`` table; an engine frame is reduced in its engine.
    bins : list of float
        Edges of the e-mails-per-week bins; the last bin is open-ended ("4+"), so its upper
        edge is a catch-all that no label shows.
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        ``emails_per_week`` (bin), ``leads``, ``lead_days``, ``unsubscribes``,
        ``per_1000_lead_days`` with exact Poisson ``ci_low`` / ``ci_high``, and
        ``weekly_probability`` (chance to unsubscribe in a week at that rate).
    """
    if is_engine_frame(events):
        from mkt_engineering.engines import nurture as engine

        end, sends = engine.latest(events), engine.per_lead_sends(events).lazy()
    else:
        lazy = events.lazy()
        end, sends = lazy.select(pl.col("timestamp").max()).collect().item(), _per_lead_sends(lazy)
    per_lead = _exposure(sends, end)
    return _frequency_table(per_lead, bins, confidence)


def _per_lead_sends(lazy: pl.LazyFrame) -> pl.LazyFrame:
    """Sends, first, second and last send, unsubscribe and exit from the sequence per lead.

    Only the events these read are grouped: opens and clicks, most of a log, never count,
    and a lead without a send drops out at the two-sends rule anyway.
    """
    read = ("email_sent", "unsubscribed", *LEAVES_SEQUENCE)
    sent = pl.col("event") == "email_sent"
    per_lead = (
        lazy.filter(pl.col("event").is_in(read))
        .group_by("lead_id")
        .agg(
            sends=sent.sum(),
            first_send=pl.col("timestamp").filter(sent).min(),
            last_send=pl.col("timestamp").filter(sent).max(),
            unsubscribed_at=pl.col("timestamp").filter(pl.col("event") == "unsubscribed").min(),
            # after qualifying, a fast-lane request or a sales call the lead leaves the sequence
            left_at=pl.col("timestamp").filter(pl.col("event").is_in(LEAVES_SEQUENCE)).min(),
        )
    )
    # one send: its second send is that send, as the two smallest of one value have max it
    return (
        per_lead.join(_second_sends(lazy), on="lead_id", how="left")
        .with_columns(second_send=pl.coalesce("second_send", "first_send"))
        .select(
            "lead_id",
            "sends",
            "first_send",
            "second_send",
            "last_send",
            "unsubscribed_at",
            "left_at",
        )
    )


def _second_sends(lazy: pl.LazyFrame) -> pl.LazyFrame:
    """The second-earliest send of each lead with two or more (ties count twice).

    One sort of the sends by lead and time, then the row after each lead's first row: a
    per-group ``bottom_k(2)`` took four times as long at ten million events.
    """
    lead = pl.col("lead_id")
    starts = lead.shift(1).is_null() | (lead != lead.shift(1))
    return (
        lazy.filter(pl.col("event") == "email_sent")
        .select("lead_id", "timestamp")
        .sort("lead_id", "timestamp")
        .filter(starts.shift(1).fill_null(False) & ~starts)
        .select("lead_id", second_send="timestamp")
    )


def _exposure(sends: pl.LazyFrame, end) -> pl.DataFrame:
    """Frequency, days at risk (from the second send) and the unsubscribe flag per lead."""
    return (
        sends.filter(pl.col("sends") >= 2)
        .with_columns(
            span_days=(pl.col("last_send") - pl.col("first_send")).dt.total_microseconds() / DAY_US
        )
        .filter(pl.col("span_days") > 0)
        .with_columns(emails_per_week=7 * (pl.col("sends") - 1) / pl.col("span_days"))
        .with_columns(
            exposure_end=pl.coalesce(
                "unsubscribed_at",
                pl.min_horizontal(
                    "left_at",
                    pl.lit(end),
                    pl.col("last_send")
                    + pl.duration(
                        microseconds=(pl.col("span_days") / (pl.col("sends") - 1) * DAY_US).cast(
                            pl.Int64
                        )
                    ),
                ),
            )
        )
        # a frequency exists only from the second send on, so exposure starts there
        # (counting earlier days would favour the leads that stayed long enough)
        .with_columns(
            lead_days=(pl.col("exposure_end") - pl.col("second_send")).dt.total_microseconds()
            / DAY_US,
            unsubscribed=(pl.col("unsubscribed_at") >= pl.col("second_send"))
            .fill_null(False)
            .cast(pl.Int32),
        )
        .filter(pl.col("lead_days") > 0)
        .collect()
    )


def _frequency_table(per_lead: pl.DataFrame, bins, confidence: float) -> pl.DataFrame:
    """Leads, lead-days and unsubscribes per frequency bin, with exact Poisson intervals."""
    edges = list(bins)
    labels = bin_labels(edges)  # the last edge is a catch-all: "4+", never "4–100"
    index = np.clip(
        np.digitize(per_lead["emails_per_week"].to_numpy(), edges) - 1, 0, len(labels) - 1
    )
    table = (
        per_lead.with_columns(bin_index=pl.Series(index))
        .group_by("bin_index")
        .agg(
            leads=pl.len(),
            lead_days=pl.col("lead_days").sum(),
            unsubscribes=pl.col("unsubscribed").sum(),
            mean_emails_per_week=pl.col("emails_per_week").mean(),
        )
        .sort("bin_index")
    )
    count, exposure = table["unsubscribes"].to_numpy(), table["lead_days"].to_numpy()
    alpha = 1 - confidence
    low = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0) / exposure
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2 / exposure
    rate = count / exposure
    return table.with_columns(
        emails_per_week=pl.col("bin_index").replace_strict(
            dict(enumerate(labels)), return_dtype=pl.String
        ),
        daily_hazard=pl.Series(rate),
        per_1000_lead_days=pl.Series(1000 * rate),
        ci_low=pl.Series(1000 * low),
        ci_high=pl.Series(1000 * high),
        weekly_probability=pl.Series(1 - np.exp(-7 * rate)),
    ).select(
        "emails_per_week",
        "mean_emails_per_week",
        "leads",
        "lead_days",
        "unsubscribes",
        "daily_hazard",
        "per_1000_lead_days",
        "ci_low",
        "ci_high",
        "weekly_probability",
    )


def recycled_ready_again(events: Any) -> pl.DataFrame:
    """Kaplan-Meier of the days from each recycling to the lead's next MQL/MQN.

    Recycled leads not ready again by the end of the data are censored there.

    Parameters
    ----------
    events : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        The ``lead_events`` table; an engine frame is reduced in its engine.

    Returns
    -------
    DataFrame
        A Kaplan-Meier curve: time (days), at_risk, events, censored, survival, ci_low,
        ci_high.
    """
    if is_engine_frame(events):
        from mkt_engineering.engines import nurture as engine

        return _recycled_curve(engine.recycled_pairs(events), engine.latest(events))
    lazy = events.lazy()
    end = lazy.select(pl.col("timestamp").max()).collect().item()
    recycled = (
        lazy.filter(pl.col("event") == "recycled")
        .select("lead_id", pl.col("timestamp").alias("recycled_at"))
        .sort("recycled_at")
    )
    ready = (
        lazy.filter(pl.col("event").is_in(["mql", "mqn"]))
        .select("lead_id", pl.col("timestamp").alias("ready_at"))
        .sort("ready_at")
    )
    paired = recycled.join_asof(
        ready,
        left_on="recycled_at",
        right_on="ready_at",
        by="lead_id",
        strategy="forward",
        check_sortedness=False,
    ).collect()
    return _recycled_curve(paired, end)


def _recycled_curve(paired: pl.DataFrame, end) -> pl.DataFrame:
    """Kaplan-Meier from recycled_at and the next ready_at (null: censored at `end`)."""
    if paired.is_empty():
        return kaplan_meier(np.zeros(0), np.zeros(0))
    until = paired["ready_at"].fill_null(end)
    days = ((until - paired["recycled_at"]).dt.total_microseconds() / DAY_US).to_numpy()
    return kaplan_meier(days, paired["ready_at"].is_not_null().to_numpy().astype(float))
