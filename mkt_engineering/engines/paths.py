"""Attribution paths and time-decay credit, reduced in the engine that holds the touches.

The same journeys as `mkt_engineering.attribution.paths_from_touchpoints`, on a polars
LazyFrame, a DuckDB relation or a Spark DataFrame. Only the aggregate comes back: one row
per distinct path (`paths`) or per channel (`time_decay_credit`), never the touch rows.

How a touch finds its journey without an as-of join (Spark has none in narwhals): touches
and conversions are stacked, ordered per customer by time (a conversion after the touches
of the same instant), and a running count of conversions gives each touch the number of
the next conversion; an equi-join on (customer, that number) brings the conversion. On
DuckDB that running count over every row was 1.7x slower than hand-written SQL at 10M
touches, so there the same assignment is DuckDB's own as-of join (`_DUCKDB_ASSIGN`).

Ties are broken alike on every engine and in the polars code:

- a touch at exactly the time of a conversion belongs to that conversion (as the polars
  forward as-of join does);
- two conversions of one customer at the same instant: the touches go to the one with the
  larger value (the other has no touch and so no path);
- two touches at the same instant are ordered by channel name, a missing channel last.

Time zones: a zoned timestamp is made naive keeping its wall-clock time, as
`io.load_table` does (on DuckDB and Spark that is the wall clock of the session's time
zone, which is where those engines keep the zone).

Examples
--------
>>> import duckdb
>>> from datetime import datetime as t
>>> tp = duckdb.sql("select * from (values ('a', timestamp '2026-01-01', 'search'),"
...     " ('a', timestamp '2026-01-02', 'email'), ('b', timestamp '2026-01-03', 'search'))"
...     " v(customer_id, timestamp, channel)")
>>> cv = duckdb.sql("select 'a' as customer_id, timestamp '2026-01-05' as timestamp, 80.0 as value")
>>> paths(tp, cv).rows()
[(['search', 'email'], 1.0, 80.0, 0.0), (['search'], 0.0, 0.0, 1.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import narwhals as nw
import polars as pl

from mkt_engineering.engines.frames import ENGINES, day_number, engine_name, lazy, to_polars
from mkt_engineering.errors import ParameterError, require_columns

#: The order of the touches inside a journey (time, then channel name, a missing one last).
TOUCH_ORDER = ("_us", "_missing", "channel")
_JOURNEY = ("customer_id", "_journey")
_MICROSECONDS_PER_DAY = 86_400_000_000


def group_channels(
    frame: Any, rules: Mapping[str, str | Sequence[str]], column: str = "channel"
) -> nw.LazyFrame:
    """`attribution.group_channels` in the engine: the channel column renamed by rules.

    A string rule is a regular expression that must match the whole name, case-insensitive
    (``(?i)^(?:...)$`` reads the same in polars, DuckDB's RE2 and Java's regex).

    Examples
    --------
    >>> import duckdb
    >>> tp = duckdb.sql("select * from (values ('facebook'), ('Google_ads'), ('email')) v(channel)")
    >>> grouped = group_channels(tp, {"social": ["facebook"], "search": "google.*"})
    >>> to_polars(grouped)["channel"].to_list()
    ['social', 'search', 'email']
    """
    from mkt_engineering.attribution.channel_rules import check_channel_pattern

    frame = lazy(frame)
    result = nw.col(column)
    for target, pattern in reversed(list(rules.items())):
        if isinstance(pattern, str):
            check_channel_pattern(target, pattern)
            condition = nw.col(column).str.contains(f"(?i)^(?:{pattern})$")
        else:
            condition = nw.col(column).is_in(list(pattern))
        result = nw.when(condition).then(nw.lit(target)).otherwise(result)
    return frame.with_columns(result.alias(column))


def channel_counts(touchpoints: Any, column: str = "channel") -> pl.DataFrame:
    """Touches per channel, counted in the engine (for `attribution.long_tail_rules`).

    Examples
    --------
    >>> import duckdb
    >>> tp = duckdb.sql("select * from (values ('a'), ('a'), ('b')) v(channel)")
    >>> channel_counts(tp).sort("channel").rows()
    [('a', 2), ('b', 1)]
    """
    counted = lazy(touchpoints).group_by(column).agg(nw.len().alias("touches"))
    return to_polars(counted).with_columns(pl.col("touches").cast(pl.Int64))


def row_count(frame: Any) -> int:
    """Rows of a table, counted where it lives.

    Examples
    --------
    >>> import duckdb
    >>> row_count(duckdb.sql("select * from range(5)"))
    5
    """
    return int(to_polars(lazy(frame).select(nw.len().alias("rows")))["rows"][0])


def epoch_microseconds(column: str | nw.Expr) -> nw.Expr:
    """Microseconds since 1970-01-01 00:00 of a naive datetime, the same integer on every engine.

    Spark has no duration in narwhals and DuckDB no epoch; the day number and the clock
    fields are plain integers everywhere.

    Examples
    --------
    >>> from datetime import datetime
    >>> times = pl.DataFrame({"t": [datetime(1970, 1, 2, 0, 0, 1, 5), datetime(1969, 12, 31, 23)]})
    >>> to_polars(lazy(times).select(epoch_microseconds("t").alias("us")))["us"].to_list()
    [86401000005, -3600000000]
    """
    expr = nw.col(column) if isinstance(column, str) else column
    seconds = (
        day_number(expr) * 86_400
        + expr.dt.hour().cast(nw.Int64) * 3_600
        + expr.dt.minute().cast(nw.Int64) * 60
        + expr.dt.second().cast(nw.Int64)
    )
    return seconds * 1_000_000 + expr.dt.microsecond().cast(nw.Int64)


def _naive(column: str, frame: nw.LazyFrame) -> nw.Expr:
    """The column as naive datetimes: a time zone is dropped keeping the wall clock (the
    loader's rule)."""
    dtype = frame.collect_schema()[column]
    expr = nw.col(column)
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None:
        expr = expr.dt.replace_time_zone(None)
    return expr


def _beside(touchpoints: Any, conversions: Any) -> Any:
    """The conversions where the touches are: DuckDB joins only relations of one connection.

    Two DuckDB sources (two tables of one file, or two Parquet folders) each come with their
    own connection. Then the conversions, one row per conversion, are copied into the
    touches' connection through Arrow; the touch rows stay where they are.
    """
    if engine_name(touchpoints) != "duckdb" or engine_name(conversions) != "duckdb":
        return conversions
    import duckdb

    touches_native, conversions_native = (
        frame.to_native() if isinstance(frame, nw.LazyFrame) else frame
        for frame in (touchpoints, conversions)
    )
    try:  # building the plan checks the connections; nothing runs
        touches_native.set_alias("_t").cross(conversions_native.set_alias("_c"))
    except duckdb.InvalidInputException as error:
        if "different connections" not in str(error):
            raise
        copied_conversions = conversions_native.to_arrow_table()  # noqa: F841 - read by name in the SQL
        return touches_native.query("_touches", "select * from copied_conversions")
    return conversions


def _inputs(touchpoints: Any, conversions: Any) -> tuple[nw.LazyFrame, nw.LazyFrame]:
    """Touches and conversions in the columns of one stacked table, checked for their columns.

    Columns: customer_id, timestamp (naive, microseconds), _is_conversion (0/1), channel
    (null for a conversion), value (null for a touch).
    """
    engine = engine_name(touchpoints)
    if engine not in ENGINES:
        raise ParameterError(
            f"Paths are built from polars, DuckDB or Spark tables, not from {engine}. "
            "Convert the table to polars (pl.from_pandas, pl.from_arrow) or load it with "
            "load_table."
        )
    mapping = "Map your columns with columns={'your name': 'customer_id', ...}."
    touches, convs = lazy(touchpoints), lazy(_beside(touchpoints, conversions))
    require_columns(
        touches, ["customer_id", "timestamp", "channel"], source="touchpoints", fix=mapping
    )
    names = require_columns(convs, ["customer_id", "timestamp"], source="conversions", fix=mapping)
    value = nw.col("value").cast(nw.Float64).fill_null(0.0) if "value" in names else nw.lit(0.0)
    touches = touches.select(
        nw.col("customer_id").cast(nw.String),
        _naive("timestamp", touches).cast(nw.Datetime("us")).alias("timestamp"),
        nw.lit(0).cast(nw.Int64).alias("_is_conversion"),
        nw.col("channel").cast(nw.String),
        nw.lit(None, nw.Float64).alias("value"),
    )
    convs = convs.select(
        nw.col("customer_id").cast(nw.String),
        _naive("timestamp", convs).cast(nw.Datetime("us")).alias("timestamp"),
        nw.lit(1).cast(nw.Int64).alias("_is_conversion"),
        nw.lit(None, nw.String).alias("channel"),
        value.cast(nw.Float64).alias("value"),
    )
    return touches, convs


def _assign_by_running_count(stacked: nw.LazyFrame) -> nw.LazyFrame:
    """Each touch with its conversion, by a running count of conversions (any engine).

    Ordered per customer by time, a conversion after the touches of its instant (a touch
    at the conversion's time is part of it) and the larger value first: the count of
    conversions before a touch, plus one, is the number of its conversion.
    """
    counted = stacked.with_columns(
        _us=epoch_microseconds("timestamp"), _rank_value=-nw.col("value")
    ).with_columns(
        _count=nw.col("_is_conversion")
        .cum_sum()
        .over("customer_id", order_by=["_us", "_is_conversion", "_rank_value"])
        .cast(nw.Int64)
    )
    is_conversion = nw.col("_is_conversion") == 1
    numbered_touches = counted.filter(~is_conversion).select(
        "customer_id", "_us", "channel", (nw.col("_count") + 1).alias("_journey")
    )
    numbered_convs = counted.filter(is_conversion).select(
        "customer_id",
        nw.col("_count").alias("_journey"),
        nw.col("_us").alias("_conversion_us"),
        "value",
    )
    return numbered_touches.join(numbered_convs, on=list(_JOURNEY), how="left")


#: The same assignment in DuckDB's own SQL: its as-of join is about twice as fast as the
#: running count over all rows. The journey is named by its conversion's time (unique per
#: customer once conversions of one instant are merged into the one with the larger value,
#: the one the touches go to).
_DUCKDB_ASSIGN = """
with rows as (
    select customer_id, epoch_us(timestamp) as _us, _is_conversion, channel, value
    from stacked),
conversion as (
    select customer_id, _us as _conversion_us, max(value) as value
    from rows where _is_conversion = 1 group by customer_id, _us),
touch as (select customer_id, _us, channel from rows where _is_conversion = 0)
select touch.customer_id, conversion._conversion_us as _journey, touch._us, touch.channel,
    conversion._conversion_us, conversion.value
from touch asof left join conversion
    on touch.customer_id = conversion.customer_id and conversion._conversion_us >= touch._us
"""


def _assign(stacked: nw.LazyFrame) -> nw.LazyFrame:
    """customer_id, _journey, _us, channel, _conversion_us, value: each touch and its conversion."""
    if engine_name(stacked) == "duckdb":
        return lazy(stacked.to_native().query("stacked", _DUCKDB_ASSIGN))
    return _assign_by_running_count(stacked)


def touch_journeys(
    touchpoints: Any,
    conversions: Any,
    lookback_days: float = 30,
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> nw.LazyFrame:
    """The touches that count, each with its journey, as a lazy query in the engine.

    Returns
    -------
    narwhals LazyFrame
        customer_id, _journey (names the journey within the customer; null or one past
        the last conversion for the touches after it),
        _us (the touch time in microseconds since 1970), _missing (1 for a null
        channel), channel, converted (0/1 float),
        value, age_us (microseconds before the conversion; null without one).
    """
    touches, convs = _inputs(touchpoints, conversions)
    if channel_rules:
        touches = group_channels(touches, channel_rules)
    joined = _assign(nw.concat([touches, convs], how="vertical"))
    age = nw.col("_conversion_us") - nw.col("_us")
    window = int(lookback_days * _MICROSECONDS_PER_DAY)
    kept = joined.with_columns(
        age_us=age.cast(nw.Int64),
        converted=(~nw.col("_conversion_us").is_null()).cast(nw.Float64),
        value=nw.col("value").fill_null(0.0),
        _missing=nw.col("channel").is_null().cast(nw.Int64),
    ).filter(nw.col("age_us").is_null() | (nw.col("age_us") <= window))
    if collapse_repeats:
        # a touch right after a touch of the same channel in the same journey adds nothing new
        previous = nw.col("channel").shift(1).over(*_JOURNEY, order_by=list(TOUCH_ORDER))
        kept = kept.filter((nw.col("channel") != previous).fill_null(True))  # as in polars
    if max_length is not None:
        # the last touches are nearest the decision, so those are kept
        from_end = nw.col("_us").cum_count(reverse=True).over(*_JOURNEY, order_by=list(TOUCH_ORDER))
        kept = kept.filter(from_end <= max_length)
    return kept.select(
        "customer_id",
        "_journey",
        "_us",
        "_missing",
        "channel",
        "converted",
        "value",
        "age_us",
    )


def _ordered_paths(kept: nw.LazyFrame) -> nw.LazyFrame:
    """One row per journey with its channels in touch order: the one step narwhals cannot say.

    narwhals has no ordered list aggregation (its issue #2660), so each engine gets its own
    few lines; all three order by `TOUCH_ORDER` and keep a missing channel as null.
    """
    engine = engine_name(kept)
    native = kept.to_native()
    if engine == "polars":
        result = native.group_by(*_JOURNEY).agg(
            pl.col("channel").sort_by(*TOUCH_ORDER).alias("path"),
            pl.col("converted", "value").first(),
        )
    elif engine == "duckdb":
        order = ", ".join(f'"{c}"' for c in TOUCH_ORDER)
        result = native.query(
            "kept",
            f"select list(channel order by {order}) as path, first(converted) as converted, "
            'first(value) as value from kept group by customer_id, "_journey"',
        )
    else:
        from pyspark.sql import functions as F

        ordered = F.array_sort(F.collect_list(F.struct(*TOUCH_ORDER)))
        result = native.groupBy(*_JOURNEY).agg(
            F.transform(ordered, lambda touch: touch["channel"]).alias("path"),
            F.first("converted").alias("converted"),
            F.first("value").alias("value"),
        )
    return nw.from_native(result).select("path", "converted", "value")


def paths(
    touchpoints: Any,
    conversions: Any,
    lookback_days: float = 30,
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> pl.DataFrame:
    """The canonical paths frame, reduced in the engine; see `attribution.paths_from_touchpoints`.

    Parameters
    ----------
    touchpoints, conversions : polars LazyFrame, DuckDB relation or Spark DataFrame
        The touchpoints and conversions contracts.
    lookback_days, collapse_repeats, max_length, channel_rules
        As in `attribution.paths_from_touchpoints`.

    Returns
    -------
    DataFrame
        path (list[str]), conversions, value, non_conversions: one row per distinct path.
    """
    kept = touch_journeys(
        touchpoints,
        conversions,
        lookback_days,
        collapse_repeats=collapse_repeats,
        max_length=max_length,
        channel_rules=channel_rules,
    )
    summed = (
        _ordered_paths(kept)
        .group_by("path")
        .agg(
            nw.col("converted").sum().alias("conversions"),
            nw.col("value").sum().alias("value"),
            (1.0 - nw.col("converted")).sum().alias("non_conversions"),
        )
    )
    return (
        to_polars(summed)
        .with_columns(pl.col("conversions", "value", "non_conversions").cast(pl.Float64))
        .sort("conversions", "non_conversions", descending=True)
    )


def time_decay_credit(
    touchpoints: Any,
    conversions: Any,
    lookback_days: float = 30,
    half_life_days: float = 7.0,
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Time-decay credit per channel, with the per-touch weights computed in the engine.

    Each touch of a converting journey weighs ``0.5 ** (days before the conversion /
    half_life_days)``; the weights of a journey are divided by their sum, and a channel's
    credit is the sum of its weights (and of weight x value). Equal to
    ``attribution.time_decay(journeys_from_touchpoints(...))``.

    Examples
    --------
    >>> import duckdb
    >>> tp = duckdb.sql("select * from (values ('a', timestamp '2026-01-01', 'search'),"
    ...     " ('a', timestamp '2026-01-08', 'email')) v(customer_id, timestamp, channel)")
    >>> cv = duckdb.sql("select 'a' as customer_id, timestamp '2026-01-08' as timestamp,"
    ...                 " 90.0 as value")
    >>> time_decay_credit(tp, cv, half_life_days=7).rows()
    [('email', 0.6666666666666666, 60.0), ('search', 0.3333333333333333, 30.0)]
    """
    kept = touch_journeys(
        touchpoints,
        conversions,
        lookback_days,
        collapse_repeats=collapse_repeats,
        max_length=max_length,
        channel_rules=channel_rules,
    ).filter(nw.col("converted") > 0)
    # From the journey's newest touch (as attribution.time_decay): no underflow to 0/0.
    relative_age = nw.col("age_us") - nw.col("age_us").min().over(*_JOURNEY)
    age_in_half_lives = relative_age.cast(nw.Float64) / (_MICROSECONDS_PER_DAY * half_life_days)
    raw = nw.lit(0.5) ** age_in_half_lives
    weighted = kept.with_columns(_raw=raw).with_columns(
        _weight=nw.col("_raw") / nw.col("_raw").sum().over(*_JOURNEY)
    )
    credit = weighted.group_by("channel").agg(
        (nw.col("_weight") * nw.col("converted")).sum().alias("conversions"),
        (nw.col("_weight") * nw.col("value")).sum().alias("value"),
    )
    return (
        to_polars(credit)
        .with_columns(pl.col("conversions", "value").cast(pl.Float64))
        .filter((pl.col("conversions") != 0) | (pl.col("value") != 0))
        .sort(["conversions", "channel"], descending=[True, False])
    )
