"""Journeys: from touch events (or exported path strings) to the canonical paths frame.

The canonical paths frame has one row per distinct channel path: ``path`` (list of
channels in order), ``conversions``, ``value`` and ``non_conversions`` (all floats). Every
attribution model in this package reads it.

Examples
--------
>>> import polars as pl
>>> export = pl.DataFrame({"path": ["search > email", "search>email ", "social"],
...                        "conv": [1, 2, 0], "null": [3, 0, 5]})
>>> paths_from_strings(export, conversions="conv", non_conversions="null")
shape: (2, 4)
┌─────────────────────┬─────────────┬───────┬─────────────────┐
│ path                ┆ conversions ┆ value ┆ non_conversions │
│ ---                 ┆ ---         ┆ ---   ┆ ---             │
│ list[str]           ┆ f64         ┆ f64   ┆ f64             │
╞═════════════════════╪═════════════╪═══════╪═════════════════╡
│ ["search", "email"] ┆ 3.0         ┆ 0.0   ┆ 3.0             │
│ ["social"]          ┆ 0.0         ┆ 0.0   ┆ 5.0             │
└─────────────────────┴─────────────┴───────┴─────────────────┘
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import polars as pl

from mkt_engineering.attribution.channel_rules import check_channel_pattern
from mkt_engineering.errors import DataValidationError, ParameterError, require_columns

PATH_COLUMNS = ("path", "conversions", "value", "non_conversions")

Frame = pl.DataFrame | pl.LazyFrame


def group_channels(
    frame: Frame, rules: Mapping[str, str | Sequence[str]], column: str = "channel"
) -> Frame:
    """Rename channels into groups by exact name or regular expression.

    Parameters
    ----------
    frame : DataFrame or LazyFrame
        Any frame with a channel column (touchpoints, spend).
    rules : mapping of str to str or list of str
        New channel name -> a regular expression (a string; it must match the whole name,
        case-insensitive) or a list of exact channel names. The first matching rule wins;
        channels no rule matches keep their name.
    column : str
        The channel column.

    Returns
    -------
    DataFrame, LazyFrame or engine frame
        The frame with the channel column renamed by the rules (same type as ``frame``).

    Examples
    --------
    >>> import polars as pl
    >>> tp = pl.DataFrame({"channel": ["facebook", "Instagram", "google_ads", "email"]})
    >>> rules = {"social": ["facebook", "Instagram"], "search": "google.*"}
    >>> group_channels(tp, rules)["channel"].to_list()
    ['social', 'social', 'search', 'email']
    """
    require_columns(frame, [column], source="frame", fix="Name the channel column with `column=`.")
    from mkt_engineering.engines.frames import is_engine_frame

    if is_engine_frame(frame):  # renamed in the engine; the table stays there
        from mkt_engineering.engines import paths as engine_paths

        return engine_paths.group_channels(frame, rules, column).to_native()
    expression = pl.col(column)
    result = None
    for target, pattern in reversed(list(rules.items())):
        if isinstance(pattern, str):
            check_channel_pattern(target, pattern)
            condition = pl.col(column).str.contains(f"(?i)^(?:{pattern})$")
        else:
            condition = pl.col(column).is_in(list(pattern))
        result = (
            pl.when(condition)
            .then(pl.lit(target))
            .otherwise(result if result is not None else expression)
        )
    return frame if result is None else frame.with_columns(result.alias(column))


def journeys_from_touchpoints(
    touchpoints: Frame,
    conversions: Frame,
    lookback_days: float = 30,
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> pl.DataFrame:
    """One row per journey, with the touch times (needed by `time_decay`).

    Each touch belongs to the next conversion of the same customer. Touches within
    ``lookback_days`` before that conversion form its (converting) journey; so a repeat
    purchase starts a new journey. Touches after a customer's last conversion form one
    non-converting journey. Touches older than the lookback window before a conversion
    count for neither (they are too old to have caused it).

    Parameters
    ----------
    touchpoints : DataFrame or LazyFrame
        customer_id, timestamp, channel.
    conversions : DataFrame or LazyFrame
        customer_id, timestamp, value.
    lookback_days : float
        Days before a conversion whose touches count for it.
    collapse_repeats : bool
        Merge consecutive touches of the same channel into one.
    max_length : int, optional
        Keep only the last ``max_length`` touches of each journey.
    channel_rules : mapping, optional
        Channel grouping rules, as in `group_channels`.

    Returns
    -------
    DataFrame
        customer_id, path (list[str]), touch_times (list[datetime]), converted (0/1 float),
        value, conversion_time (null for non-converting journeys).
    """
    if in_one_engine(touchpoints, conversions):
        raise ParameterError(
            "journeys_from_touchpoints returns one row per journey, which would bring the "
            "journeys out of the database. Use paths_from_touchpoints (paths) or "
            "time_decay_from_touchpoints (time-decay credit): they reduce in the engine."
        )
    return (
        _journeys(
            touchpoints, conversions, lookback_days, collapse_repeats, max_length, channel_rules
        )
        .sort("customer_id", "conversion_time", nulls_last=True)
        .collect()
    )


def _journeys(
    touchpoints: Frame,
    conversions: Frame,
    lookback_days: float,
    collapse_repeats: bool,
    max_length: int | None,
    channel_rules: Mapping[str, str | Sequence[str]] | None,
) -> pl.LazyFrame:
    """The journeys as a lazy query, so callers that need only paths never build touch times."""
    assigned = _assigned_touches(touchpoints, conversions, channel_rules)
    return _windowed_journeys(assigned, lookback_days, collapse_repeats, max_length)


def _assigned_touches(
    touchpoints: Frame,
    conversions: Frame,
    channel_rules: Mapping[str, str | Sequence[str]] | None,
) -> pl.LazyFrame:
    """Each touch with the customer's next conversion, in time and channel order.

    This does not depend on the lookback window, so several windows can share it.
    """
    mapping = "Map your columns with columns={'your name': 'customer_id', ...}."
    require_columns(
        touchpoints, ["customer_id", "timestamp", "channel"], source="touchpoints", fix=mapping
    )
    require_columns(conversions, ["customer_id", "timestamp"], source="conversions", fix=mapping)
    # a zoned time keeps its wall clock, as io.load_table reads it (and the engines do)
    touches = touchpoints.lazy().select("customer_id", _naive_time(touchpoints), "channel")
    if channel_rules:
        touches = group_channels(touches, channel_rules)
    conv_schema = conversions.collect_schema().names()
    value = (
        pl.col("value").cast(pl.Float64).fill_null(0.0) if "value" in conv_schema else pl.lit(0.0)
    )
    convs = (
        conversions.lazy()
        .select(
            pl.col("customer_id").cast(pl.String),
            _naive_time(conversions).alias("conversion_time"),
            value.alias("value"),
        )
        .with_row_index("conversion_id")
        # two conversions at one instant: the touches go to the larger value (the forward
        # join takes the first), so the result does not depend on the row order
        .sort("conversion_time", "value", descending=[False, True])
    )
    # touches at one instant in channel order (a missing channel last), as in the engines;
    # polars keeps the row order within each group, so the journeys below list their
    # touches in this order without a sort by customer (the slowest step at 10M touches)
    assigned = (
        touches.with_columns(pl.col("customer_id").cast(pl.String))
        .sort("timestamp", "channel", nulls_last=True)
        .join_asof(
            convs,
            left_on="timestamp",
            right_on="conversion_time",
            by="customer_id",
            strategy="forward",
            check_sortedness=False,
        )
    )
    return assigned


def _windowed_journeys(
    assigned: pl.LazyFrame, lookback_days: float, collapse_repeats: bool, max_length: int | None
) -> pl.LazyFrame:
    """The journeys of `lookback_days` from touches assigned to their next conversion."""
    window = pl.duration(microseconds=int(lookback_days * 86_400_000_000))
    in_window = pl.col("conversion_time").is_null() | (
        pl.col("conversion_time") - pl.col("timestamp") <= window
    )
    kept = assigned.filter(in_window)
    if collapse_repeats:
        # a touch right after a touch of the same channel in the same journey adds nothing new
        # (a touch with no channel is never merged: dropping it would hide it from the check
        # that refuses paths with missing channels)
        previous = pl.col("channel").shift(1).over("customer_id", "conversion_id")
        kept = kept.filter((pl.col("channel") != previous).fill_null(True))
    journeys = (
        kept.group_by("customer_id", "conversion_id")
        .agg(
            pl.col("channel").alias("path"),
            pl.col("timestamp").alias("touch_times"),
            pl.col("conversion_time").first(),
            pl.col("value").first().fill_null(0.0),
        )
        .with_columns(converted=pl.col("conversion_id").is_not_null().cast(pl.Float64))
    )
    if max_length is not None:
        # the last touches are nearest the decision, so those are kept
        journeys = journeys.with_columns(pl.col("path", "touch_times").list.tail(max_length))
    return journeys.select(
        "customer_id", "path", "touch_times", "converted", "value", "conversion_time"
    )


def in_one_engine(touchpoints, conversions) -> bool:
    """True when both tables live in one engine (DuckDB, Spark); False for polars frames."""
    from mkt_engineering.engines.frames import engine_name, is_engine_frame

    engines = {
        engine_name(f) if is_engine_frame(f) else "polars" for f in (touchpoints, conversions)
    }
    if len(engines) > 1:
        raise ParameterError(
            "touchpoints and conversions live in different engines "
            f"({', '.join(sorted(engines))}); "
            "the journeys join them, so both must be in the same one. Load both from the same "
            "database or session, or both as files."
        )
    return engines != {"polars"}


def _naive_time(frame: Frame) -> pl.Expr:
    """The timestamp column without its time zone, keeping the wall clock (io.load_table's rule)."""
    dtype = frame.collect_schema()["timestamp"]
    zoned = isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    return pl.col("timestamp").dt.replace_time_zone(None) if zoned else pl.col("timestamp")


def aggregate_journeys(journeys: Frame) -> pl.DataFrame:
    """Sum per-journey rows (path, converted, value) into the canonical paths frame.

    Parameters
    ----------
    journeys : DataFrame or LazyFrame
        One row per journey: path (list of channels), converted (0/1), value.

    Returns
    -------
    DataFrame
        The canonical paths frame: path, conversions, value, non_conversions; one row per
        distinct path.
    """
    require_columns(
        journeys,
        ["path", "converted"],
        source="journeys",
        fix="Build journeys with journeys_from_touchpoints().",
    )
    names = journeys.collect_schema().names()
    value = pl.col("value") if "value" in names else pl.lit(0.0)
    return (
        journeys.lazy()
        .filter(pl.col("path").list.len() > 0)
        .group_by("path")
        .agg(
            conversions=pl.col("converted").cast(pl.Float64).sum(),
            value=value.cast(pl.Float64).fill_null(0.0).sum(),
            non_conversions=(1.0 - pl.col("converted").cast(pl.Float64)).sum(),
        )
        .sort("conversions", "non_conversions", descending=True)
        .collect()
    )


def paths_from_touchpoints(
    touchpoints: Frame,
    conversions: Frame,
    lookback_days: float = 30,
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Build the canonical paths frame from touch events and conversions.

    Parameters
    ----------
    touchpoints : DataFrame or LazyFrame
        customer_id, timestamp, channel (the touchpoints contract).
    conversions : DataFrame or LazyFrame
        customer_id, timestamp, [value] (the conversions contract).
    lookback_days : float
        Days of touches before a conversion that count towards it.
    collapse_repeats : bool
        Merge consecutive touches of the same channel into one (``a > a > b`` -> ``a > b``).
    max_length : int, optional
        Keep only the last ``max_length`` touches of each journey.
    channel_rules : mapping, optional
        Channel grouping rules, as in `group_channels`.

    Returns
    -------
    DataFrame
        path, conversions, value, non_conversions. Conversions without any touch in the
        window have no path and so are not in the frame (no channel can earn them).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime as t
    >>> tp = pl.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "timestamp": [t(2026, 1, 1), t(2026, 1, 2), t(2026, 1, 9), t(2026, 1, 3)],
    ...     "channel": ["search", "email", "social", "search"]})
    >>> cv = pl.DataFrame({"customer_id": ["a"], "timestamp": [t(2026, 1, 5)], "value": [80.0]})
    >>> paths_from_touchpoints(tp, cv).sort("path").rows()  # doctest: +NORMALIZE_WHITESPACE
    [(['search'], 0.0, 0.0, 1.0), (['search', 'email'], 1.0, 80.0, 0.0),
     (['social'], 0.0, 0.0, 1.0)]
    """
    if in_one_engine(touchpoints, conversions):
        from mkt_engineering.engines import paths as engine_paths

        return engine_paths.paths(
            touchpoints,
            conversions,
            lookback_days,
            collapse_repeats=collapse_repeats,
            max_length=max_length,
            channel_rules=channel_rules,
        )
    # lazy end to end: the touch-time lists and the journey sort are never built
    return aggregate_journeys(
        _journeys(
            touchpoints, conversions, lookback_days, collapse_repeats, max_length, channel_rules
        )
    )


def paths_for_windows(
    touchpoints: Frame,
    conversions: Frame,
    windows: Sequence[float],
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> dict[float, pl.DataFrame]:
    """`paths_from_touchpoints` for several lookback windows, joining touches once.

    The sort of the touches and their join to the next conversion do not depend on the
    window: polars frames share them (most of the time at millions of touches), engine
    tables are reduced once per window where they live.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime as t
    >>> tp = pl.DataFrame({"customer_id": ["a", "a"], "timestamp": [t(2026, 1, 1), t(2026, 1, 8)],
    ...                    "channel": ["search", "email"]})
    >>> cv = pl.DataFrame({"customer_id": ["a"], "timestamp": [t(2026, 1, 10)], "value": [5.0]})
    >>> {w: p["path"].to_list() for w, p in paths_for_windows(tp, cv, [3, 14]).items()}
    {3: [['email']], 14: [['search', 'email']]}
    """
    options = {
        "collapse_repeats": collapse_repeats,
        "max_length": max_length,
        "channel_rules": channel_rules,
    }
    if in_one_engine(touchpoints, conversions):
        return {w: paths_from_touchpoints(touchpoints, conversions, w, **options) for w in windows}
    assigned = _assigned_touches(touchpoints, conversions, channel_rules).collect()
    return {
        window: aggregate_journeys(
            _windowed_journeys(assigned.lazy(), window, collapse_repeats, max_length)
        )
        for window in windows
    }


def paths_from_strings(
    frame: Frame,
    path: str = "path",
    sep: str = ">",
    conversions: str = "conversions",
    value: str | None = None,
    non_conversions: str | None = None,
) -> pl.DataFrame:
    """Read pre-aggregated path exports (ChannelAttribution's format included).

    Parameters
    ----------
    frame : DataFrame or LazyFrame
        One row per path (or per journey; equal paths are summed).
    path : str
        Column with paths like ``"search > email > direct"``.
    sep : str
        The separator between channels; whitespace around channels is trimmed.
    conversions, value, non_conversions : str
        Columns holding those numbers. ``value`` and ``non_conversions`` may be left out
        (they then count as 0). A column named ``value`` or ``non_conversions`` is used
        when present and not named.

    Returns
    -------
    DataFrame
        The canonical paths frame: path (list of channels), conversions, value,
        non_conversions; equal paths summed.
    """
    names = frame.collect_schema().names()
    value = value or ("value" if "value" in names else None)
    non_conversions = non_conversions or ("non_conversions" if "non_conversions" in names else None)
    needed = [path, conversions] + [c for c in (value, non_conversions) if c]
    require_columns(
        frame,
        needed,
        source="paths",
        fix="Name your columns with path=, conversions=, value=, non_conversions=.",
    )
    if frame.collect_schema()[path] != pl.String:
        raise DataValidationError(
            f"paths: column {path!r} must hold text like 'search > email'; "
            f"it is {frame.collect_schema()[path]}.",
            source="paths",
            column=path,
            fix="Pass the column of path strings as path=.",
        )
    number = {"conversions": conversions, "value": value, "non_conversions": non_conversions}
    columns = [
        pl.col(src).cast(pl.Float64).fill_null(0.0).alias(dst) if src else pl.lit(0.0).alias(dst)
        for dst, src in number.items()
    ]
    # group on plain strings (fast), then split the distinct ones
    cleaned, split_at = _path_text(frame, path, sep)
    aggregated = (
        frame.lazy()
        .select(cleaned.alias("path"), *columns)
        .filter(pl.col("path").str.len_bytes() > 0)
        .group_by("path")
        .agg(pl.col("conversions", "value", "non_conversions").sum())
        .with_columns(pl.col("path").str.split(split_at))
        .sort("conversions", "non_conversions", descending=True)
        .collect()
    )
    negative = aggregated.filter(
        pl.any_horizontal(pl.col("conversions", "value", "non_conversions") < 0)
    )
    if negative.height:
        raise DataValidationError(
            f"paths: negative conversions, value or non-conversions in {negative.head(5).rows()}.",
            source="paths",
            column=conversions,
            fix="Counts and values must be 0 or more.",
        )
    return aggregated


def _path_text(frame: Frame, path: str, sep: str) -> tuple[pl.Expr, str]:
    """The path text to group equal paths on, and the literal separator to split it at.

    Exports almost always write ``"a > b"``: one space each side. When no string strays
    from that form (checked by one scan), the text is already canonical: it is grouped as
    it is and split at ``" > "``. Otherwise every separator and the whitespace around it
    becomes one unit-separator character first, by a regular expression that is about
    twice as slow on a million paths but takes any spacing.
    """
    core = sep.strip()
    literal = f" {core} "
    c = re.escape(core)
    # a separator not written as " sep " between two channels (touching a name, more space,
    # another separator one space away: "a > > b" is three channels, one empty), or
    # whitespace at an end
    stray = rf"(^|[^ ]){c}|{c}($|[^ ])|\s {c}|{c} \s|{c} {c}|^\s|\s$"
    # (a lazy source is not scanned twice for this: it takes the regular expression)
    if (
        core
        and isinstance(frame, pl.DataFrame)
        and not frame.select(pl.col(path).str.contains(stray).any()).item()
    ):
        return pl.col(path), literal
    pattern = r"\s*" + re.escape(sep) + r"\s*"
    return pl.col(path).str.strip_chars().str.replace_all(pattern, "\x1f"), "\x1f"


def as_paths(paths: pl.DataFrame) -> pl.DataFrame:
    """Check a canonical paths frame and fill optional columns; used by every model."""
    if isinstance(paths, pl.LazyFrame):
        paths = paths.collect()
    require_columns(
        paths,
        ["path", "conversions"],
        source="paths",
        fix="Build it with paths_from_touchpoints() or paths_from_strings().",
    )
    if not isinstance(paths.schema["path"], pl.List):
        raise DataValidationError(
            f"paths: column 'path' must be a list of channels; it is {paths.schema['path']}. "
            "Text paths like 'a > b' are read with paths_from_strings().",
            source="paths",
            column="path",
            fix="Use paths_from_strings(frame, sep='>').",
        )
    _require_named_channels(paths)
    fill = [pl.lit(0.0).alias(c) for c in ("value", "non_conversions") if c not in paths.columns]
    paths = paths.with_columns(fill).select(
        "path", *[pl.col(c).cast(pl.Float64).fill_null(0.0) for c in PATH_COLUMNS[1:]]
    )
    return paths.filter(pl.col("path").list.len() > 0)


def _require_named_channels(paths: pl.DataFrame) -> None:
    """A null inside a path is a touch with no channel: no model can credit it."""
    if not paths["path"].explode(empty_as_null=False, keep_nulls=False).null_count():
        return
    rows = (
        paths.select(
            pl.col("path").list.eval(pl.element().is_null().any()).list.first().fill_null(False)
        )
        .to_series()
        .arg_true()
        .to_list()
    )
    raise DataValidationError(
        f"paths: {len(rows):,} path(s) have a touch with no channel (null), in rows {rows[:5]}"
        f"{' and more' if len(rows) > 5 else ''} (counting from 0).",
        source="paths",
        column="path",
        fix="Name those touches' channel (for example 'unknown') or drop them before building "
        "paths.",
    )


def path_text(expression: pl.Expr | str = "path", sep: str = " > ") -> pl.Expr:
    """A path list as readable text: ``search > email``."""
    expression = pl.col(expression) if isinstance(expression, str) else expression
    return expression.list.join(sep)
