"""Rule-based attribution: first touch, last touch, last non-direct, linear, position-based,
time decay.

Every model gives each touch of a journey a weight; the weights of one journey sum to 1,
and a channel's credit is the sum of weight x conversions (and weight x value) over all
journeys. So credit always adds up to the total conversions and the total value.

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["search", "email"], ["social"]],
...                       "conversions": [2.0, 1.0], "value": [100.0, 30.0]})
>>> linear(paths).rows()
[('email', 1.0, 50.0), ('search', 1.0, 50.0), ('social', 1.0, 30.0)]
>>> first_touch(paths).rows()
[('search', 2.0, 100.0), ('social', 1.0, 30.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from mkt_engineering.attribution.paths import as_paths, in_one_engine, journeys_from_touchpoints
from mkt_engineering.errors import ParameterError, require_columns


def touches(paths: pl.DataFrame) -> pl.DataFrame:
    """One row per touch of each path: row, position (0-based), length, channel, and the
    path's conversions and value. Paths without conversions are left out (they earn nothing)."""
    paths = as_paths(paths).filter(pl.col("conversions") > 0)
    return (
        paths.with_row_index("row")
        .with_columns(
            length=pl.col("path").list.len(),
            position=pl.int_ranges(0, pl.col("path").list.len()),
        )
        .explode("path", "position")
        .rename({"path": "channel"})
        .select("row", "position", "length", "channel", "conversions", "value")
    )


def credit_from_weights(table: pl.DataFrame, weight: pl.Expr) -> pl.DataFrame:
    """Sum weight x conversions and weight x value per channel, largest first."""
    return (
        table.with_columns(weight.alias("_w"))
        .group_by("channel")
        .agg(
            conversions=(pl.col("_w") * pl.col("conversions")).sum(),
            value=(pl.col("_w") * pl.col("value")).sum(),
        )
        .filter((pl.col("conversions") != 0) | (pl.col("value") != 0))
        .sort(["conversions", "channel"], descending=[True, False])
    )


def first_touch(paths: pl.DataFrame) -> pl.DataFrame:
    """All credit to the first touch of each journey.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.

    Returns
    -------
    DataFrame
        channel, conversions, value; one row per channel, most conversions first.
    """
    return credit_from_weights(touches(paths), (pl.col("position") == 0).cast(pl.Float64))


def last_touch(paths: pl.DataFrame) -> pl.DataFrame:
    """All credit to the last touch of each journey.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.

    Returns
    -------
    DataFrame
        channel, conversions, value; one row per channel, most conversions first.
    """
    return credit_from_weights(
        touches(paths), (pl.col("position") == pl.col("length") - 1).cast(pl.Float64)
    )


def last_non_direct(paths: pl.DataFrame, direct: Sequence[str] = ("direct",)) -> pl.DataFrame:
    """All credit to the last touch that is not a direct visit.

    Direct visits mostly show a decision already made elsewhere. A journey made only of
    direct visits gives its credit to direct.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.
    direct : sequence of str
        The channels that count as direct visits.

    Returns
    -------
    DataFrame
        channel, conversions, value; one row per channel, most conversions first.

    Examples
    --------
    >>> import polars as pl
    >>> paths = pl.DataFrame({"path": [["search", "direct"], ["direct"]],
    ...                       "conversions": [3.0, 1.0]})
    >>> last_non_direct(paths).rows()
    [('search', 3.0, 0.0), ('direct', 1.0, 0.0)]
    """
    table = touches(paths)
    eligible = ~pl.col("channel").is_in(list(direct))
    last_eligible = pl.when(eligible).then(pl.col("position")).max().over("row")
    chosen = pl.coalesce(last_eligible, pl.col("length") - 1)
    return credit_from_weights(table, (pl.col("position") == chosen).cast(pl.Float64))


def linear(paths: pl.DataFrame) -> pl.DataFrame:
    """Equal credit to every touch of a journey (a channel touched twice gets two shares).

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.

    Returns
    -------
    DataFrame
        channel, conversions, value; one row per channel, most conversions first.
    """
    return credit_from_weights(touches(paths), 1.0 / pl.col("length"))


def position_weights(
    first: float = 0.4,
    last: float = 0.4,
    milestone: str | Sequence[str] | None = None,
    milestone_share: float = 0.2,
) -> pl.Expr:
    """The per-touch weight expression of `position_based` (on the `touches` table)."""
    if (
        min(first, last, milestone_share) < 0
        or first + last + (milestone_share if milestone else 0) > 1 + 1e-12
    ):
        raise ValueError("position shares must be 0 or more and sum to at most 1")
    position, length = pl.col("position"), pl.col("length")
    is_first, is_last = position == 0, position == length - 1
    is_middle = ~is_first & ~is_last
    if milestone:
        names = [milestone] if isinstance(milestone, str) else list(milestone)
        # the milestone is the first middle touch of a milestone channel (e.g. the lead form)
        candidate = is_middle & pl.col("channel").is_in(names)
        milestone_position = pl.when(candidate).then(position).min().over("row")
        is_milestone = position == milestone_position
        has_milestone = milestone_position.is_not_null()
    else:
        is_milestone, has_milestone = pl.lit(False), pl.lit(False)
    fixed = (
        pl.lit(first) + pl.lit(last) + pl.when(has_milestone).then(milestone_share).otherwise(0.0)
    )
    others = (length - 2 - has_milestone.cast(pl.Int64)).clip(lower_bound=0)
    # what the fixed positions leave goes to the other middle touches; with none, the fixed
    # weights are scaled up to 1
    raw = (
        pl.when(is_first)
        .then(first)
        .when(is_last)
        .then(last)
        .when(is_milestone)
        .then(milestone_share)
        .otherwise((1.0 - fixed) / others)
    )
    scale = pl.when(others == 0).then(1.0 / fixed).otherwise(1.0)
    return pl.when(length == 1).then(1.0).otherwise(raw * scale)


def position_based(
    paths: pl.DataFrame,
    first: float = 0.4,
    last: float = 0.4,
    *,
    milestone: str | Sequence[str] | None = None,
    milestone_share: float = 0.2,
) -> pl.DataFrame:
    """Fixed shares for the first and last touch, the rest split over the middle touches.

    ``first=0.4, last=0.4`` is the U-shaped model; any other split works. Naming a
    ``milestone`` channel (for example the lead form) gives W-shaped credit: the first
    middle touch of that channel gets ``milestone_share`` (e.g. ``first=0.3, last=0.3,
    milestone_share=0.3`` leaves 10% to the other middle touches). Journeys of two touches
    split first:last; journeys with no other middle touch scale the fixed shares up to 1.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.
    first, last : float
        Shares of the first and the last touch (0.4 and 0.4: U-shaped).
    milestone : str or sequence of str, optional
        Channel(s) whose first middle touch gets ``milestone_share`` (W-shaped).
    milestone_share : float
        Share of the milestone touch.

    Returns
    -------
    DataFrame
        channel, conversions, value; one row per channel, most conversions first.

    Examples
    --------
    >>> import polars as pl
    >>> paths = pl.DataFrame({"path": [["a", "b", "c", "d"]], "conversions": [10.0]})
    >>> position_based(paths)["conversions"].round(9).to_list()
    [4.0, 4.0, 1.0, 1.0]
    >>> position_based(paths)["channel"].to_list()
    ['a', 'd', 'b', 'c']
    >>> w = position_based(paths, 0.3, 0.3, milestone="b", milestone_share=0.3)
    >>> dict(zip(w["channel"], w["conversions"].round(9)))
    {'a': 3.0, 'b': 3.0, 'd': 3.0, 'c': 1.0}
    """
    return credit_from_weights(
        touches(paths), position_weights(first, last, milestone, milestone_share)
    )


def time_decay(journeys: pl.DataFrame, half_life_days: float = 7.0) -> pl.DataFrame:
    """Touches nearer the conversion get more credit: the weight halves every half-life.

    Needs the touch times, so it takes the journeys of `journeys_from_touchpoints`
    (path, touch_times, converted, value, conversion_time), not the aggregated paths.

    Parameters
    ----------
    journeys : DataFrame
        One row per journey from `journeys_from_touchpoints` (path, touch_times, converted,
        value, conversion_time).
    half_life_days : float
        Days after which a touch's weight halves.

    Returns
    -------
    DataFrame
        channel, conversions, value; one row per channel, most conversions first.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime as t
    >>> j = pl.DataFrame({"path": [["search", "email"]], "converted": [1.0], "value": [90.0],
    ...     "touch_times": [[t(2026, 1, 1), t(2026, 1, 8)]], "conversion_time": [t(2026, 1, 8)]})
    >>> time_decay(j, half_life_days=7).rows()
    [('email', 0.6666666666666666, 60.0), ('search', 0.3333333333333333, 30.0)]
    """
    from mkt_engineering.engines.frames import is_engine_frame

    if is_engine_frame(journeys):
        raise ParameterError(
            "time_decay takes journeys in memory; for touchpoints in a database use "
            "time_decay_from_touchpoints(touchpoints, conversions), which weighs the touches there."
        )
    needed = ["path", "touch_times", "converted", "conversion_time"]
    require_columns(
        journeys,
        needed,
        source="time_decay (needs touch times)",
        fix="Pass the journeys of journeys_from_touchpoints(touchpoints, conversions), "
        "not the aggregated paths.",
    )
    value = pl.col("value") if "value" in journeys.columns else pl.lit(0.0)
    table = (
        journeys.filter(pl.col("converted") > 0)
        .select(
            "path",
            "touch_times",
            "conversion_time",
            pl.col("converted").alias("conversions"),
            value.alias("value"),
        )
        .with_row_index("row")
        .explode("path", "touch_times")
        .rename({"path": "channel"})
    )
    age_days = (
        pl.col("conversion_time") - pl.col("touch_times")
    ).dt.total_microseconds() / 86_400e6
    # Ages count from the journey's newest touch: the same weights once divided by their sum,
    # but the newest weighs 1, so a short half-life cannot underflow every weight to 0 (0/0).
    relative_age = age_days - age_days.min().over("row")
    raw = pl.lit(0.5).pow(relative_age / half_life_days)
    return credit_from_weights(table, raw / raw.sum().over("row"))


def time_decay_from_touchpoints(
    touchpoints,
    conversions,
    lookback_days: float = 30,
    half_life_days: float = 7.0,
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Time-decay credit straight from touches and conversions, wherever they live.

    Polars frames take `time_decay` on `journeys_from_touchpoints`; a DuckDB relation or a
    Spark DataFrame gets its per-touch weights computed in the engine, so no touch row
    comes back (`mkt_engineering.engines.paths.time_decay_credit`). Both give the same credit.

    Parameters
    ----------
    touchpoints, conversions : polars frames, DuckDB relations or Spark DataFrames
        The touchpoints and conversions contracts.
    lookback_days, collapse_repeats, max_length, channel_rules
        As in `paths_from_touchpoints`.
    half_life_days : float
        Days after which a touch's weight halves.

    Returns
    -------
    DataFrame
        channel, conversions, value (as `time_decay`).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime as t
    >>> tp = pl.DataFrame({"customer_id": ["a", "a"], "timestamp": [t(2026, 1, 1), t(2026, 1, 8)],
    ...                    "channel": ["search", "email"]})
    >>> cv = pl.DataFrame({"customer_id": ["a"], "timestamp": [t(2026, 1, 8)], "value": [90.0]})
    >>> time_decay_from_touchpoints(tp, cv, half_life_days=7).rows()
    [('email', 0.6666666666666666, 60.0), ('search', 0.3333333333333333, 30.0)]
    """
    options = {
        "collapse_repeats": collapse_repeats,
        "max_length": max_length,
        "channel_rules": channel_rules,
    }
    if in_one_engine(touchpoints, conversions):
        from mkt_engineering.engines.paths import time_decay_credit

        return time_decay_credit(touchpoints, conversions, lookback_days, half_life_days, **options)
    journeys = journeys_from_touchpoints(touchpoints, conversions, lookback_days, **options)
    return time_decay(journeys, half_life_days)
