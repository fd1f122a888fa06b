"""Nurture reductions on any engine: per-lead stage dates and the cadence joins.

`nurture.stage_timeline` and the cadence tables (`nurture.cadence`) read every lead
event. Here those passes are narwhals expressions, so a DuckDB relation or a Spark
DataFrame is reduced where it lives; what comes back is one row per lead (stage dates and
counts), one row per recycling, or a few counts per day or hour. The polars functions
then finish on that small table with the same code as for a polars frame, so the results
equal theirs.

Times are read as wall-clock times, as the loader reads them: a column with a time zone
is taken at its wall clock in the engine's session time zone (DuckDB ``SET TimeZone``,
Spark ``spark.sql.session.timeZone``).

polars has an as-of join, PySpark in narwhals has none. An as-of join here is a union of
the two event kinds, a running count of the target kind within each lead, and an
equi-join on that count: the same match on every engine.

Examples
--------
>>> import duckdb, polars as pl
>>> from datetime import datetime as dt
>>> events = pl.DataFrame({"lead_id": ["a", "a", "a"],
...     "timestamp": [dt(2025, 3, 3, 9), dt(2025, 3, 3, 15), dt(2025, 3, 10, 9)],
...     "event": ["email_sent", "email_open", "email_sent"]})
>>> relation = duckdb.connect().from_arrow(events.to_arrow())
>>> send_hour_counts(relation, 3.0).rows()
[(0, 9, 2, 1)]
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl

from mkt_engineering.engines.frames import day_number, lazy, to_polars
from mkt_engineering.nurture.events import ENGAGEMENTS, LEAVES_SEQUENCE, QUALIFYING

DAY_US = 86_400_000_000
NEVER = 2**62  # a time no event has, in microseconds: the sentinel of the as-of windows
INT_COLUMNS = ("recycled", "emails_sent", "engagements", "engagements_at_contact")
SECOND_PASS = (
    "is_customer",
    "fast_lane_contact_at",
    "engagements_at_contact",
    "score_at_contact",
    "max_score_before_contact",
)
TIME_COLUMNS = (
    "created_at",
    "first_engagement_at",
    "qualified_at",
    "first_contact_at",
    "fast_lane_at",
    "opportunity_at",
    "won_at",
    "lost_at",
    "unsubscribed_at",
    "disqualified_at",
    "last_event_at",
    "fast_lane_contact_at",
)


def events_view(events: Any) -> nw.LazyFrame:
    """The event table as a narwhals LazyFrame with wall-clock (time-zone-free) timestamps."""
    view = lazy(events)
    kind = view.collect_schema()["timestamp"]
    if isinstance(kind, nw.Datetime) and kind.time_zone is not None:
        view = view.with_columns(nw.col("timestamp").dt.replace_time_zone(None))
    return view


def epoch_us(column: str) -> nw.Expr:
    """Microseconds since 1970 of a wall-clock timestamp, the same integer on every engine.

    Timestamp subtraction differs by engine (DuckDB intervals, Spark's seconds); the day
    number plus the time of day is plain integer arithmetic.
    """
    time = nw.col(column).dt
    # each part as a 64-bit integer first: minutes * 60 overflows polars' 8-bit minute
    hour, minute, second, micro = (
        part.cast(nw.Int64)
        for part in (time.hour(), time.minute(), time.second(), time.microsecond())
    )
    seconds = hour * 3600 + minute * 60 + second
    # narwhals' Spark microsecond is negative before 1970; the remainder puts it in 0..999999
    micro = (micro % 1_000_000 + 1_000_000) % 1_000_000
    return day_number(column) * DAY_US + seconds * 1_000_000 + micro


def with_epoch(view: nw.LazyFrame) -> nw.LazyFrame:
    """The view with ``_us``, the timestamp in microseconds since 1970, computed once.

    Later steps compare and subtract this integer instead of repeating the arithmetic,
    which keeps the engine's query small.
    """
    return view.with_columns(_us=epoch_us("timestamp"))


def latest(events: Any) -> Any:
    """The latest timestamp (the end of the data)."""
    return to_polars(events_view(events).select(nw.col("timestamp").max())).item()


def _first(names: str | tuple[str, ...]) -> nw.Expr:
    names = (names,) if isinstance(names, str) else names
    return nw.when(nw.col("event").is_in(names)).then(nw.col("timestamp")).min()


def _count(condition: nw.Expr) -> nw.Expr:
    return condition.cast(nw.Int64).sum()


def per_lead_stages(events: Any, *, mql_score: float | None = None) -> pl.DataFrame:
    """One row per lead with its stage dates and counts: the input of the timeline's last step.

    The engine twin of the two group-bys in `nurture.timeline.stage_timeline`, with the
    same columns in the same order.
    """
    view = events_view(events)
    names = view.collect_schema().names()
    first = view.group_by("lead_id").agg(
        *[nw.col(c).max() for c in ("persona", "source") if c in names],
        _created_event_at=_first("created"),
        first_engagement_at=_first(ENGAGEMENTS),
        qualified_at=(
            nw.when(nw.col("score") >= mql_score).then(nw.col("timestamp")).min()
            if mql_score is not None
            else _first(QUALIFYING)
        ),
        first_contact_at=_first("sales_contact"),
        fast_lane_at=_first("fast_lane"),
        opportunity_at=_first("opportunity"),
        won_at=_first("won"),
        lost_at=_first("lost"),
        unsubscribed_at=_first("unsubscribed"),
        disqualified_at=_first("disqualified"),
        recycled=_count(nw.col("event") == "recycled"),
        has_email=(nw.col("event") == "email_sent").any(),
        emails_sent=_count(nw.col("event") == "email_sent"),
        engagements=_count(nw.col("event").is_in(ENGAGEMENTS)),
        last_event_at=nw.col("timestamp").max(),
        _first_event_at=nw.col("timestamp").min(),
    )
    per_lead = to_polars(first)
    second = to_polars(_second_pass(view, first, names))
    joined = per_lead.join(second, on="lead_id", how="left")
    if "score" not in names:
        joined = joined.with_columns(
            score_at_contact=pl.lit(None, pl.Float64),
            max_score_before_contact=pl.lit(None, pl.Float64),
        )
    ordered = [c for c in ("lead_id", "persona", "source") if c in joined.columns]
    ordered += ["created_at", *(c for c in per_lead.columns if c not in ordered)]
    ordered += [c for c in SECOND_PASS if c in joined.columns]
    return (
        joined.with_columns(
            pl.coalesce("_created_event_at", "_first_event_at").alias("created_at"),
            *[pl.col(c).cast(pl.Int32) for c in INT_COLUMNS],
        )
        .with_columns(pl.col(c).cast(pl.Datetime("us")) for c in TIME_COLUMNS)
        .select(c for c in ordered if c not in ("_created_event_at", "_first_event_at"))
    )


def _second_pass(view: nw.LazyFrame, first: nw.LazyFrame, names: list[str]) -> nw.LazyFrame:
    """What depends on each lead's first contact / fast lane: joined back, then aggregated."""
    ts, event = nw.col("timestamp"), nw.col("event")
    contact = nw.col("first_contact_at")
    joined = view.join(
        first.select("lead_id", "first_contact_at", "fast_lane_at", "_first_event_at"),
        on="lead_id",
    )
    aggregates = []
    if "is_customer" in names:  # the status when the lead entered; it turns true after a win
        aggregates.append(
            nw.when(ts == nw.col("_first_event_at"))
            .then(nw.col("is_customer"))
            .max()
            .alias("is_customer")
        )
    aggregates += [
        nw.when((event == "sales_contact") & (ts >= nw.col("fast_lane_at")))
        .then(ts)
        .min()
        .alias("fast_lane_contact_at"),
        _count(event.is_in(ENGAGEMENTS) & (ts < contact)).alias("engagements_at_contact"),
    ]
    if "score" in names:
        aggregates += [
            nw.when((event == "sales_contact") & (ts == contact))
            .then(nw.col("score"))
            .max()
            .alias("score_at_contact"),
            nw.when(contact.is_null() | (ts <= contact))
            .then(nw.col("score"))
            .max()
            .alias("max_score_before_contact"),
        ]
    return joined.group_by("lead_id").agg(*aggregates)


def as_of_match(
    view: nw.LazyFrame,
    sources: tuple[str, ...],
    targets: tuple[str, ...],
    *,
    forward: bool,
) -> nw.LazyFrame:
    """Each source event with the time of its target event within the lead.

    Backward: the latest target at or before the source (polars ``join_asof`` backward);
    forward: the earliest target at or after it. `view` carries ``_us`` (`with_epoch`).
    Returns lead_id, event, timestamp, ``_us`` and ``_matched_us``, the target's time in
    microseconds (null when there is none).

    One window does it: in time order, with targets first at equal times, the running
    maximum of the targets' times (backward) is the latest target so far; in reverse
    order the running minimum is the earliest one ahead. Sources carry a sentinel that
    never wins, because narwhals' running maximum leaves rows with an empty value empty.
    """
    columns = ["lead_id", "event", "timestamp", "_us"]
    # targets sort before sources at equal times: first ascending (backward), last
    # ascending = first descending (forward)
    target_order, source_order = (1, 0) if forward else (0, 1)
    both = nw.concat(
        [
            view.filter(nw.col("event").is_in(targets))
            .select(columns)
            .with_columns(_target=nw.lit(1), _order=nw.lit(target_order)),
            view.filter(nw.col("event").is_in(sources))
            .select(columns)
            .with_columns(_target=nw.lit(0), _order=nw.lit(source_order)),
        ]
    )
    sentinel = NEVER if forward else -NEVER
    target_us = nw.when(nw.col("_target") == 1).then(nw.col("_us")).otherwise(nw.lit(sentinel))
    running = target_us.cum_min(reverse=True) if forward else target_us.cum_max()
    found = running.over("lead_id", order_by=["_us", "_order"])
    return (
        both.with_columns(_found=found)
        .filter(nw.col("_target") == 0)
        .with_columns(_matched_us=nw.when(nw.col("_found") != sentinel).then(nw.col("_found")))
        .select(*columns, "_matched_us")
    )


def sends_with_response(view: nw.LazyFrame, response: tuple[str, ...], window_days: float):
    """Responses matched to the latest send before them, within `window_days`.

    The twin of `nurture.cadence._sends_with_response`: lead_id, event, timestamp,
    ``_sent_us`` (the send's time in microseconds), ``delay_days`` and ``_delay_us``.
    """
    matched = as_of_match(view, response, ("email_sent",), forward=False).rename(
        {"_matched_us": "_sent_us"}
    )
    delay = nw.col("_us") - nw.col("_sent_us")
    return (
        matched.filter(~nw.col("_sent_us").is_null())
        .with_columns(_delay_us=delay, delay_days=delay / DAY_US)
        .filter(nw.col("delay_days") <= window_days)
    )


def send_hour_counts(events: Any, window_days: float) -> pl.DataFrame:
    """Sends and opened sends by weekday (0 = Monday) and hour of the send."""
    view = with_epoch(events_view(events))
    # a send counts once however many opens it had (a group-by: cheaper than unique())
    opened = (
        sends_with_response(view, ("email_open",), window_days)
        .group_by("lead_id", "_sent_us")
        .agg(opened=nw.len())
        .with_columns(opened=nw.lit(1))
    )
    sends = view.filter(nw.col("event") == "email_sent").select(
        "lead_id", "_us", sent_at=nw.col("timestamp")
    )
    # 1970-01-01 was a Thursday (3 with Monday 0); the remainder is taken twice because
    # DuckDB and Spark keep the sign of a negative dividend. narwhals' Spark weekday
    # reads Sunday as 0, so the weekday comes from the day number on every engine.
    weekday = ((nw.col("_us") // DAY_US + 3) % 7 + 7) % 7
    counts = (
        sends.join(opened, left_on=["lead_id", "_us"], right_on=["lead_id", "_sent_us"], how="left")
        .with_columns(
            weekday_index=weekday,
            hour=nw.col("sent_at").dt.hour(),
        )
        .group_by("weekday_index", "hour")
        .agg(sends=nw.len(), opens=nw.col("opened").fill_null(0).sum())
    )
    return to_polars(counts).select(
        pl.col("weekday_index").cast(pl.Int8),
        pl.col("hour").cast(pl.Int32),
        pl.col("sends").cast(pl.UInt32),
        pl.col("opens").cast(pl.Int32),
    )


def response_day_counts(events: Any, window_days: float) -> tuple[pl.DataFrame, float | None]:
    """Opens and clicks by whole days after their send, and the median delay of the opens."""
    view = with_epoch(events_view(events))
    matched = sends_with_response(view, ("email_open", "email_click"), window_days)
    counts = (
        matched.with_columns(day=nw.col("_delay_us") // DAY_US)
        .group_by("day", "event")
        .agg(responses=nw.len())
    )
    median = matched.filter(nw.col("event") == "email_open").select(nw.col("delay_days").median())
    table = to_polars(counts).with_columns(
        pl.col("day").cast(pl.Int32), pl.col("responses").cast(pl.UInt32)
    )
    return table, to_polars(median).item()


def per_lead_sends(events: Any) -> pl.DataFrame:
    """Per lead with two or more sends: count, first, second and last send, unsubscribe, exit.

    The twin of the group-by in `nurture.cadence.unsubscribe_by_frequency`. The second
    send is the first one when two sends share the first instant (as polars' bottom_k).
    """
    view = events_view(events)
    is_send = nw.col("event") == "email_sent"
    per_lead = view.group_by("lead_id").agg(
        sends=_count(is_send),
        first_send=nw.when(is_send).then(nw.col("timestamp")).min(),
        last_send=nw.when(is_send).then(nw.col("timestamp")).max(),
        unsubscribed_at=_first("unsubscribed"),
        left_at=_first(LEAVES_SEQUENCE),
    )
    second = (
        view.filter(is_send)
        .join(per_lead.select("lead_id", "first_send"), on="lead_id")
        .group_by("lead_id")
        .agg(
            _at_first=_count(nw.col("timestamp") == nw.col("first_send")),
            _after_first=nw.when(nw.col("timestamp") > nw.col("first_send"))
            .then(nw.col("timestamp"))
            .min(),
        )
    )
    joined = to_polars(per_lead.filter(nw.col("sends") >= 2).join(second, on="lead_id"))
    second_send = (
        pl.when(pl.col("_at_first") >= 2).then(pl.col("first_send")).otherwise("_after_first")
    )
    return joined.select(
        "lead_id",
        pl.col("sends").cast(pl.UInt32),
        pl.col("first_send").cast(pl.Datetime("us")),
        second_send.cast(pl.Datetime("us")).alias("second_send"),
        *[pl.col(c).cast(pl.Datetime("us")) for c in ("last_send", "unsubscribed_at", "left_at")],
    )


def recycled_pairs(events: Any) -> pl.DataFrame:
    """Each recycling with the lead's next MQL/MQN at or after it (``ready_at``, or null)."""
    view = with_epoch(events_view(events))
    matched = as_of_match(view, ("recycled",), QUALIFYING, forward=True)
    pairs = to_polars(
        matched.select("lead_id", recycled_at=nw.col("timestamp"), _ready_us=nw.col("_matched_us"))
    )
    # the wall-clock microseconds back to the wall-clock time
    return pairs.select(
        "lead_id",
        pl.col("recycled_at").cast(pl.Datetime("us")),
        pl.from_epoch(pl.col("_ready_us").cast(pl.Int64), time_unit="us").alias("ready_at"),
    )
