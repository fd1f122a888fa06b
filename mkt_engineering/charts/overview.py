"""Small shared charts: rows over time, counts per category, a histogram.

They take an already small, aggregated frame where possible, so the chart data embedded in
a notebook stays tiny whatever the size of the input.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from mkt_engineering.charts.theme import ACCENT


def rows_over_time(frame: pl.DataFrame, column: str, title: str, every: str = "1w") -> alt.Chart:
    """Bars of how many rows fall into each week (or `every`) of a date column.

    Examples
    --------
    >>> import datetime as dt
    >>> frame = pl.DataFrame({"day": [dt.date(2024, 1, d) for d in (1, 2, 9)]})
    >>> rows_over_time(frame, "day", "Rows per week").to_dict()["mark"]["type"]
    'line'
    """
    counts = (
        frame.select(pl.col(column).cast(pl.Datetime("us")).dt.truncate(every).alias("period"))
        .drop_nulls()
        .group_by("period")
        .len(name="rows")
        .sort("period")
    )
    return weekly_rows_chart(counts, title)


def weekly_rows_chart(counts: pl.DataFrame, title: str) -> alt.Chart:
    """The line of `rows_over_time` from counts already made (period, rows), e.g. in an engine."""
    return (
        alt.Chart(counts, title=title)
        .mark_line(color=ACCENT, point=True)
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y("rows:Q", title="rows", axis=alt.Axis(format=",d")),
            tooltip=[alt.Tooltip("period:T", title="from"), alt.Tooltip("rows:Q", format=",d")],
        )
    )


def category_counts(frame: pl.DataFrame, column: str, title: str, top: int = 15) -> alt.Chart:
    """Horizontal bars: rows per value of a categorical column, largest first."""
    counts = (
        frame.group_by(pl.col(column).cast(pl.String).fill_null("(empty)"))
        .len(name="rows")
        .sort("rows", descending=True)
        .head(top)
    )
    return value_counts_chart(counts, column, title)


def value_counts_chart(counts: pl.DataFrame, column: str, title: str) -> alt.Chart:
    """The bars of `category_counts` from counts already made (column, rows)."""
    return (
        alt.Chart(counts, title=title)
        .mark_bar(color=ACCENT)
        .encode(
            y=alt.Y(f"{column}:N", sort="-x", title=None),
            x=alt.X("rows:Q", title="rows", axis=alt.Axis(format=",d")),
            tooltip=[alt.Tooltip(f"{column}:N"), alt.Tooltip("rows:Q", format=",d")],
        )
    )


def histogram(frame: pl.DataFrame, column: str, title: str, bins: int = 30) -> alt.Chart:
    """Bars of how many values fall into each of `bins` equal-width ranges (computed in polars)."""
    values = frame.get_column(column).drop_nulls().cast(pl.Float64)
    low, high = (values.min() or 0.0), (values.max() or 0.0)
    width = (high - low) / bins if high > low else 1.0
    counts = (
        pl.DataFrame({"bin": ((values - low) / width).floor().clip(0, bins - 1)})
        .group_by("bin")
        .len(name="rows")
        .with_columns(start=low + pl.col("bin") * width, end=low + (pl.col("bin") + 1) * width)
        .sort("bin")
    )
    return binned_chart(counts, column, title)


def binned_chart(counts: pl.DataFrame, column: str, title: str) -> alt.Chart:
    """The bars of `histogram` from counts already made (start, end, rows)."""
    return (
        alt.Chart(counts, title=title)
        .mark_bar(color=ACCENT)
        .encode(
            x=alt.X("start:Q", bin="binned", title=column),
            x2="end:Q",
            y=alt.Y("rows:Q", title="rows", axis=alt.Axis(format=",d")),
        )
    )
