"""Repeat cycles of the buying process: order, re-nurturing, MQN, the next order.

`stage_timeline` keeps the first date of each stage, which is what time-to-MQL curves
need. After an order, though, a customer goes back into nurturing (repurchase, cross- and
up-selling) and may become marketing qualified again: an MQN, a "marketing qualified
need". `repeat_cycles` keeps those repeats. Every order closes a cycle and opens the next
one, so a lead with two orders has three cycles; cycle 2 and later are **re-nurture
cycles**.

Key columns of the result (one row per lead and cycle)
------------------------------------------------------
- ``cycle`` (1, 2, ...) and ``renurture`` (cycle 2 or later);
- ``started_at``: the lead's first event (cycle 1) or the order that opened the cycle;
- ``mql_at``, ``mqn_at``, ``fast_lane_at``, ``sales_contact_at``, ``opportunity_at``,
  ``won_at`` (the order that closes the cycle), ``lost_at``: the first of each in the cycle;
- ``qualified_at``: the first MQL or MQN of the cycle; ``recycled``: recycling loops;
- ``days_to_qualified``: days from ``started_at`` to ``qualified_at``.

Examples
--------
>>> from datetime import datetime as dt
>>> events = pl.DataFrame({
...     "lead_id": ["a"] * 5 + ["b"],
...     "timestamp": [dt(2025, 1, 1), dt(2025, 1, 20), dt(2025, 2, 1), dt(2025, 5, 2),
...                   dt(2025, 6, 1), dt(2025, 1, 5)],
...     "event": ["created", "mql", "won", "mqn", "won", "created"]})
>>> cycles = repeat_cycles(events)
>>> cycles.select("lead_id", "cycle", "renurture", "days_to_qualified").rows()
[('a', 1, False, 19.0), ('a', 2, True, 90.0), ('a', 3, True, None), ('b', 1, False, None)]
>>> renurture_counts(cycles).row(0, named=True)["reached_mqn_again"]
1
"""

from __future__ import annotations

from typing import Any

import polars as pl

from mkt_engineering.errors import DataValidationError, require_columns

REQUIRED = ("lead_id", "timestamp", "event")
# the stages whose first date in each cycle the result keeps, in the order of the process
STAGES = ("mql", "mqn", "fast_lane", "sales_contact", "opportunity", "won", "lost")
ORDER_EVENT = "won"
DAY = 86_400_000_000  # microseconds
SOURCE = "lead_events"
EXAMPLE_ROWS = 5


def repeat_cycles(events: Any, *, order_event: str = ORDER_EVENT) -> pl.DataFrame:
    """One row per lead and buying cycle, with the first date of each stage in the cycle.

    Parameters
    ----------
    events : DataFrame or LazyFrame
        The ``lead_events`` table (lead_id, timestamp, event). A LazyFrame stays lazy until
        the per-cycle result.
    order_event : str
        The event that is an order and closes a cycle (default ``"won"``).

    Returns
    -------
    DataFrame
        lead_id, cycle, renurture, started_at, the stage dates (``<stage>_at``),
        qualified_at, recycled and days_to_qualified, sorted by lead and cycle.

    Raises
    ------
    DataValidationError
        When a required column is missing, ``timestamp`` is not a date or time, or a
        lead_id or timestamp is empty.

    Examples
    --------
    >>> from datetime import datetime as dt
    >>> events = pl.DataFrame({
    ...     "lead_id": ["a", "a", "a", "a"],
    ...     "timestamp": [dt(2025, 1, 1), dt(2025, 1, 8), dt(2025, 3, 1), dt(2025, 4, 2)],
    ...     "event": ["created", "fast_lane", "won", "mqn"]})
    >>> repeat_cycles(events).select("cycle", "fast_lane_at", "mqn_at").rows()
    [(1, datetime.datetime(2025, 1, 8, 0, 0), None), (2, None, datetime.datetime(2025, 4, 2, 0, 0))]
    """
    lazy = _lazy(events)
    _check(lazy)
    tagged = _tag_cycles(lazy, order_event)
    per_cycle = tagged.group_by("lead_id", "cycle").agg(
        pl.col("timestamp").min().alias("first_event_at"),
        *[_first(stage).alias(f"{stage}_at") for stage in STAGES],
        (pl.col("event") == "recycled").sum().cast(pl.Int64).alias("recycled"),
    )
    # an order opens the next cycle at once, even before any event of that cycle is logged
    openings = tagged.filter(pl.col("event") == order_event).select(
        "lead_id", (pl.col("cycle") + 1).alias("cycle"), pl.col("timestamp").alias("opened_at")
    )
    joined = per_cycle.join(openings, on=["lead_id", "cycle"], how="full", coalesce=True)
    return _derive(joined).sort("lead_id", "cycle").collect()


def renurture_counts(cycles: pl.DataFrame) -> pl.DataFrame:
    """How many customers are re-nurtured after an order, and how many reach MQN again.

    Parameters
    ----------
    cycles : DataFrame
        The result of `repeat_cycles`.

    Returns
    -------
    DataFrame
        One row: leads, leads_with_order, renurture_cycles (cycles opened by an order),
        reached_mqn_again (re-nurture cycles with an MQN or MQL) and share_mqn_again
        (of the re-nurture cycles; null when there are none).

    Examples
    --------
    >>> from datetime import datetime as dt
    >>> events = pl.DataFrame({"lead_id": ["a", "a", "b"],
    ...     "timestamp": [dt(2025, 1, 1), dt(2025, 2, 1), dt(2025, 1, 1)],
    ...     "event": ["created", "won", "created"]})
    >>> renurture_counts(repeat_cycles(events)).rows()
    [(2, 1, 1, 0, 0.0)]
    """
    missing = [c for c in ("lead_id", "cycle", "renurture", "qualified_at") if c not in cycles]
    if missing:
        raise DataValidationError(
            f"renurture_counts: the table lacks {', '.join(missing)}; it needs the result of "
            "nurture.repeat_cycles.",
            source="cycles",
            column=missing[0],
            fix="Pass cycles = nurture.repeat_cycles(lead_events).",
        )
    renurture = pl.col("renurture")
    again = renurture & pl.col("qualified_at").is_not_null()
    return cycles.select(
        pl.col("lead_id").n_unique().alias("leads"),
        pl.col("lead_id").filter(renurture).n_unique().alias("leads_with_order"),
        renurture.sum().cast(pl.Int64).alias("renurture_cycles"),
        again.sum().cast(pl.Int64).alias("reached_mqn_again"),
        pl.when(renurture.sum() > 0)
        .then(again.sum() / renurture.sum())
        .otherwise(None)
        .alias("share_mqn_again"),
    )


def _lazy(events: Any) -> pl.LazyFrame:
    if isinstance(events, pl.DataFrame | pl.LazyFrame):
        return events.lazy()
    raise DataValidationError(
        f"repeat_cycles needs the lead_events table as a polars DataFrame or LazyFrame, "
        f"got {type(events).__name__}.",
        source=SOURCE,
        fix="Load it with io.read_table(path, 'lead_events') and pass the result.",
    )


def _check(lazy: pl.LazyFrame) -> None:
    require_columns(
        lazy,
        REQUIRED,
        source=SOURCE,
        fix="Map your columns with columns={'your name': 'lead_id', ...} when loading.",
    )
    dtype = lazy.collect_schema()["timestamp"]
    if not (dtype == pl.Date or isinstance(dtype, pl.Datetime)):
        raise DataValidationError(
            f"lead_events: column 'timestamp' holds {dtype}, not dates or times.",
            source=SOURCE,
            column="timestamp",
            fix="Load the file with io.read_table(path, 'lead_events'), which parses dates "
            "(31.12.2025 and 2025-12-31 both work), or cast with pl.col('timestamp')"
            ".str.to_datetime().",
        )
    empty = (
        lazy.with_row_index("row", offset=1)
        .filter(pl.any_horizontal(pl.col(c).is_null() for c in REQUIRED))
        .select("row", *REQUIRED)
        .head(EXAMPLE_ROWS)
        .collect()
    )
    if empty.height:
        column = next(c for c in REQUIRED if empty[c].null_count())
        raise DataValidationError(
            f"lead_events: empty {column} in rows {empty['row'].to_list()} (1-based, "
            f"examples): {empty.drop('row').rows()}. A cycle needs a lead and a time "
            "for every event.",
            source=SOURCE,
            column=column,
            rows=empty["row"].to_list(),
            fix="Drop those rows, or fill them from your CRM export, before repeat_cycles.",
        )


def _tag_cycles(lazy: pl.LazyFrame, order_event: str) -> pl.LazyFrame:
    """Each event gets its cycle: 1 + the orders of the lead before it.

    An order belongs to the cycle it closes; other events at the same moment as an order
    sort before it, so they belong to that cycle too (nothing re-qualifies in no time).
    """
    is_order = (pl.col("event") == order_event).cast(pl.Int64)
    return (
        lazy.select(REQUIRED)
        .with_columns(pl.col("timestamp").cast(pl.Datetime("us")), _is_order=is_order)
        .sort("lead_id", "timestamp", "_is_order")
        .with_columns(cycle=pl.col("_is_order").cum_sum().over("lead_id") - pl.col("_is_order") + 1)
    )


def _first(event: str) -> pl.Expr:
    # when/then runs on the whole column before grouping (see timeline._first)
    return pl.when(pl.col("event") == event).then(pl.col("timestamp")).min()


def _derive(joined: pl.LazyFrame) -> pl.LazyFrame:
    started = pl.coalesce("opened_at", "first_event_at")
    qualified = pl.min_horizontal("mql_at", "mqn_at")
    return joined.select(
        "lead_id",
        pl.col("cycle").cast(pl.Int64),
        (pl.col("cycle") > 1).alias("renurture"),
        started.alias("started_at"),
        *[f"{stage}_at" for stage in STAGES],
        qualified.alias("qualified_at"),
        pl.col("recycled").fill_null(0),
        ((qualified - started).dt.total_microseconds() / DAY).alias("days_to_qualified"),
    )
