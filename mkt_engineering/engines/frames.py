"""One way to hold a table wherever it lives: polars, DuckDB or Spark, through narwhals.

The heavy steps of every analysis reduce many rows to a small aggregate (paths, the RFM
table, cohort cells, sums per arm, durations per lead). They are written once as narwhals
expressions on a lazy frame, run inside the engine that holds the data, and only the
aggregate comes back, as a polars DataFrame, to the models and charts.

Examples
--------
>>> import polars as pl
>>> orders = pl.DataFrame({"customer_id": ["a", "b"], "revenue": [1.0, 2.0]})
>>> engine_name(orders), is_engine_frame(orders)
('polars', False)
>>> to_polars(lazy(orders).select(nw.col("revenue").sum())).item()
3.0
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl

#: Engines whose frames the reductions accept (narwhals' implementation names).
ENGINES = ("polars", "duckdb", "spark")


def engine_name(frame: Any) -> str:
    """Which engine holds ``frame``: polars, duckdb, spark (or narwhals' name for another).

    Examples
    --------
    >>> import duckdb
    >>> engine_name(duckdb.sql("select 1 as x"))
    'duckdb'
    """
    native = frame.to_native() if isinstance(frame, nw.DataFrame | nw.LazyFrame) else frame
    if isinstance(native, pl.DataFrame | pl.LazyFrame):
        return "polars"
    implementation = nw.from_native(native).implementation
    if implementation.is_pyspark() or implementation.is_pyspark_connect():
        return "spark"
    return str(implementation.name).lower()


def is_engine_frame(frame: Any) -> bool:
    """True for a table held by a database engine (DuckDB relation, Spark DataFrame, ...).

    Polars frames are not engine frames: the existing polars code paths take them as they are.
    """
    if isinstance(frame, pl.DataFrame | pl.LazyFrame):
        return False
    if isinstance(frame, nw.DataFrame | nw.LazyFrame):
        return engine_name(frame) != "polars"
    try:
        nw.from_native(frame)
    except TypeError:
        return False
    return True


def lazy(frame: Any) -> nw.LazyFrame:
    """``frame`` as a narwhals LazyFrame (polars DataFrames become lazy; nothing is read)."""
    if isinstance(frame, nw.LazyFrame):
        return frame
    if isinstance(frame, nw.DataFrame):
        return frame.lazy()
    if isinstance(frame, pl.DataFrame):
        return nw.from_native(frame.lazy())
    wrapped = nw.from_native(frame)
    return wrapped.lazy() if isinstance(wrapped, nw.DataFrame) else wrapped


def to_polars(frame: nw.LazyFrame | nw.DataFrame) -> pl.DataFrame:
    """Run the query in its engine and bring the (small) result back as a polars DataFrame."""
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect(backend="polars")
    native = frame.to_native()
    return native if isinstance(native, pl.DataFrame) else pl.from_arrow(frame.to_arrow())


def columns(frame: Any) -> list[str]:
    """Column names of any frame, without reading rows."""
    return list(lazy(frame).collect_schema().names())


def day_number(column: str | nw.Expr) -> nw.Expr:
    """Days since 1970-01-01 of a date or datetime column, the same integer on every engine.

    Date arithmetic differs by engine (DuckDB intervals, Spark's datediff, polars durations);
    the civil-calendar formula from year, month and day is plain integer arithmetic that
    every engine evaluates alike. A time of day is dropped (the day of a datetime).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> days = pl.DataFrame({"d": [date(1970, 1, 1), date(2000, 3, 1), date(1969, 12, 31),
    ...                            date(1, 1, 1), date(9999, 12, 31)]})
    >>> to_polars(lazy(days).select(day_number("d").alias("n")))["n"].to_list()
    [0, 11017, -1, -719162, 2932896]
    """
    expr = nw.col(column) if isinstance(column, str) else column
    year, month, day = expr.dt.year(), expr.dt.month(), expr.dt.day()
    # Howard Hinnant's days_from_civil: years start in March so that leap days come last.
    shifted = (year - (month <= 2).cast(nw.Int64)).cast(nw.Int64)
    month_from_march = (month + 9) % 12
    leap_days = _floor_div(shifted, 4) - _floor_div(shifted, 100) + _floor_div(shifted, 400)
    day_of_year = _floor_div(153 * month_from_march + 2, 5) + day - 1
    return (365 * shifted + leap_days + day_of_year - 719468).cast(nw.Int64)


def _floor_div(numerator: nw.Expr, divisor: int) -> nw.Expr:
    # narwhals spells ``//`` out on SQL engines as a CASE that repeats its operand six
    # times, so nested divisions grew the DuckDB query to 12 000 characters and 0.3 s of
    # planning per query. The floor of a float quotient is exact for these small integers.
    return (numerator / divisor).floor().cast(nw.Int64)
