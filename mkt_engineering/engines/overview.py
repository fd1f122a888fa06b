"""The data overview of a table wherever it lives: counts come back, rows do not.

The overview report profiles every column (filled, empty, distinct, smallest, largest) and
draws one chart per table. For a DuckDB relation or Spark DataFrame each of these is one
aggregate query; the result is a few rows per column or per week.

Examples
--------
>>> import duckdb
>>> table = duckdb.sql("select * from (values (1, 'a'), (null, 'b'), (3, 'b')) t(n, s)")
>>> table_profile(table).select("column", "filled", "distinct", "largest").rows()
[('n', 2, 3, '3'), ('s', 3, 2, None)]
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl

from mkt_engineering.engines.frames import day_number, lazy, to_polars

PROFILE_SCHEMA = {
    "column": pl.String,
    "type": pl.String,
    "filled": pl.Int64,
    "empty": pl.Int64,
    "distinct": pl.Int64,
    "smallest": pl.String,
    "largest": pl.String,
}


def type_name(dtype: Any) -> str:
    """A column type in words a marketer reads ("date-time", "whole number", "text").

    Examples
    --------
    >>> type_name(nw.Datetime("us")), type_name(nw.Int32()), type_name(nw.String())
    ('date-time', 'whole number', 'text')
    """
    if isinstance(dtype, nw.Datetime) or dtype == nw.Datetime:
        return "date-time"
    if dtype == nw.Date:
        return "date"
    if dtype.is_integer():
        return "whole number"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    if dtype == nw.Boolean:
        return "yes/no"
    if dtype in (nw.String, nw.Categorical, nw.Enum):
        return "text"
    return str(dtype)


def _wall_clock(value: Any) -> Any:
    """A time of day as the session shows it (Spark hands back UTC-aware values)."""
    return value.replace(tzinfo=None) if getattr(value, "tzinfo", None) is not None else value


def _ordered(dtype: Any) -> bool:
    return dtype.is_numeric() or dtype.is_temporal()


def table_shape(frame: Any) -> tuple[int, int]:
    """(rows, columns) counted in the engine."""
    table = lazy(frame)
    rows = to_polars(table.select(nw.len().alias("rows"))).item()
    return int(rows), len(table.collect_schema())


def table_profile(frame: Any) -> pl.DataFrame:
    """One row per column, as `reporting.overview.profile`, from one aggregate query."""
    table = lazy(frame)
    schema = table.collect_schema()
    aggregates = [nw.len().alias("__rows")]
    for index, (name, dtype) in enumerate(schema.items()):
        column = nw.col(name)
        aggregates += [
            column.count().alias(f"f{index}"),
            column.n_unique().alias(f"d{index}"),
        ]
        if _ordered(dtype):
            aggregates += [column.min().alias(f"lo{index}"), column.max().alias(f"hi{index}")]
    counts = to_polars(table.select(aggregates)).row(0, named=True)
    rows = []
    for index, (name, dtype) in enumerate(schema.items()):
        filled = int(counts[f"f{index}"])
        empty = int(counts["__rows"]) - filled
        # n_unique counts a missing value as one more value, as polars' n_unique does
        distinct = int(counts[f"d{index}"])
        low, high = _wall_clock(counts.get(f"lo{index}")), _wall_clock(counts.get(f"hi{index}"))
        rows.append(
            {
                "column": name,
                "type": type_name(dtype),
                "filled": filled,
                "empty": empty,
                "distinct": distinct,
                "smallest": None if low is None else str(low),
                "largest": None if high is None else str(high),
            }
        )
    return pl.DataFrame(rows, schema=PROFILE_SCHEMA)


def first_date_column(frame: Any) -> str | None:
    """The first date or date-time column, or None."""
    schema = lazy(frame).collect_schema()
    return next((name for name, dtype in schema.items() if dtype.is_temporal()), None)


def first_and_last(frame: Any, column: str) -> tuple[Any, Any]:
    """Smallest and largest value of ``column``."""
    result = to_polars(
        lazy(frame).select(nw.col(column).min().alias("first"), nw.col(column).max().alias("last"))
    )
    return _wall_clock(result["first"][0]), _wall_clock(result["last"][0])


def cut_weeks_range(frame: Any, column: str) -> tuple[Any, Any]:
    """The data's first and last moment, or (None, None) when every value is a Monday at
    midnight: weekly rows that each stand for their whole week, which no range cuts short.

    One query for both, beside `rows_per_week`'s own.
    """
    day = day_number(column)
    monday = day == day - ((day + 3) % 7)  # 1970-01-01 was a Thursday
    if lazy(frame).collect_schema()[column] == nw.Datetime:
        moment = nw.col(column)
        monday = monday & (moment.dt.hour() == 0) & (moment.dt.minute() == 0)
        monday = monday & (moment.dt.second() == 0)
    result = to_polars(
        lazy(frame)
        .filter(~nw.col(column).is_null())
        .select(
            nw.col(column).min().alias("first"),
            nw.col(column).max().alias("last"),
            nw.when(monday).then(0).otherwise(1).sum().alias("off"),
        )
    )
    if not result["off"][0]:
        return None, None
    return _wall_clock(result["first"][0]), _wall_clock(result["last"][0])


def rows_per_week(frame: Any, column: str) -> pl.DataFrame:
    """period (Monday of the week, as a date-time), rows: one row per week with data."""
    day = day_number(column)
    monday = day - ((day + 3) % 7)  # 1970-01-01 was a Thursday: day 0 + 3 is Sunday = 6
    counts = to_polars(
        lazy(frame)
        .filter(~nw.col(column).is_null())
        .select(monday.alias("week"))
        .group_by("week")
        .agg(nw.len().alias("rows"))
    )
    return counts.select(
        pl.col("week").cast(pl.Int32).cast(pl.Date).cast(pl.Datetime("us")).alias("period"),
        pl.col("rows").cast(pl.UInt32),
    ).sort("period")


def rows_per_value(frame: Any, column: str, top: int = 15) -> pl.DataFrame:
    """column (text, "(empty)" for missing), rows: the ``top`` most frequent values."""
    counts = to_polars(
        lazy(frame)
        .select(nw.col(column).cast(nw.String).fill_null("(empty)"))
        .group_by(column)
        .agg(nw.len().alias("rows"))
    )
    return counts.sort(["rows", column], descending=[True, False]).head(top)


def sample_values(frame: Any, column: str, rows: int = 200) -> list[Any]:
    """The first ``rows`` non-missing values of ``column`` (for the e-mail check)."""
    sample = lazy(frame).select(column).filter(~nw.col(column).is_null()).head(rows)
    return to_polars(sample).to_series().to_list()


def histogram_counts(frame: Any, column: str, bins: int = 30) -> pl.DataFrame:
    """bin, rows, start, end: equal-width bins between the smallest and largest value."""
    low, high = first_and_last(frame, column)
    low, high = float(low or 0.0), float(high or 0.0)
    width = (high - low) / bins if high > low else 1.0
    values = nw.col(column).cast(nw.Float64)
    index = ((values - low) / width).floor().clip(0, bins - 1).cast(nw.Int64).alias("bin")
    counts = to_polars(
        lazy(frame)
        .filter(~nw.col(column).is_null())
        .select(index)
        .group_by("bin")
        .agg(nw.len().alias("rows"))
    )
    return counts.with_columns(
        start=low + pl.col("bin") * width, end=low + (pl.col("bin") + 1) * width
    ).sort("bin")
