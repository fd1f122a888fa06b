"""Small shared charts: rows over time, counts per category, a histogram.

They take an already small, aggregated frame where possible, so the chart data embedded in
a notebook stays tiny whatever the size of the input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import polars as pl

from mkt_engineering.charts.axis_room import band_height
from mkt_engineering.charts.series_text import describe_series, series_texts
from mkt_engineering.charts.theme import ACCENT, count_axis
from mkt_engineering.errors import ParameterError
from mkt_engineering.formatting import count


def _top(counts: pl.DataFrame, column: str = "rows") -> float | None:
    """The largest count, for whole-number ticks (None for no rows)."""
    return counts.get_column(column).max() if counts.height else None  # type: ignore[return-value]


# Periods `rows_over_time` counts in: (truncate step, the word its titles use).
PERIODS = {"day": "1d", "week": "1w", "month": "1mo"}


def time_period(dates: pl.Series) -> str:
    """The period to count rows in: "month", "week" or "day", read from the dates.

    Dates that all fall on the first of a month, or lie at least four weeks apart, are
    monthly data: counted per week they would show a row count in one week of four and
    nothing between. Otherwise weeks, or days when the data span less than eight weeks.

    Parameters
    ----------
    dates : polars Series
        A date or datetime column (nulls are ignored).

    Returns
    -------
    str
        "month", "week" or "day".

    Examples
    --------
    >>> import datetime as dt
    >>> time_period(pl.Series([dt.date(2024, m, 1) for m in (1, 2, 3)]))
    'month'
    >>> time_period(pl.Series([dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in range(90)]))
    'week'
    """
    days = dates.drop_nulls().cast(pl.Datetime("us")).dt.date().unique().sort()
    if days.len() < 2:
        return "day"
    gaps = days.diff().drop_nulls().dt.total_days()
    if bool((days.dt.day() == 1).all()) or (gaps.median() or 0) >= 28:
        return "month"
    span = (days.max() - days.min()).days  # type: ignore[operator]
    return "day" if span < 56 else "week"


def rows_over_time(
    frame: pl.DataFrame, column: str, name: str, period: str | None = None
) -> alt.Chart:
    """A line of how many rows fall into each day, week or month of a date column.

    Parameters
    ----------
    frame : polars DataFrame
        The table.
    column : str
        Its date or datetime column.
    name : str
        The table's name; the title reads "<name>: rows per <period>".
    period : {"day", "week", "month"}, optional
        Default: read from the dates (see `time_period`).

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> import datetime as dt
    >>> frame = pl.DataFrame({"day": [dt.date(2024, m, 1) for m in (1, 2, 4)]})
    >>> rows_over_time(frame, "day", "spend").to_dict()["title"]
    'spend: rows per month'
    """
    period = period or time_period(frame.get_column(column))
    if period not in PERIODS:
        raise ParameterError(
            f"rows_over_time: period must be one of {sorted(PERIODS)}, got {period!r}; "
            "leave it out to read the period from the dates."
        )
    moments = frame.select(pl.col(column).cast(pl.Datetime("us")).alias("at")).drop_nulls()
    counts = (
        moments.group_by(pl.col("at").dt.truncate(PERIODS[period]).alias("period"))
        .len(name="rows")
        .sort("period")
    )
    first, last = moments["at"].min(), moments["at"].max()
    every = pl.col("at").dt.truncate(PERIODS[period])
    if moments.select((every == pl.col("at")).all()).item():
        # each row stands for its whole period (monthly spend dated the 1st): none is cut
        first = last = None
    return weekly_rows_chart(
        counts, f"{name}: rows per {period}", period=period, first=first, last=last
    )


def partial_periods(
    counts: pl.DataFrame, period: str, first: Any = None, last: Any = None
) -> pl.DataFrame:
    """``counts`` with ``coverage``: "full", or "partial" for a period the data cover in part.

    The data's first and last moments cut their periods: data that end on a Wednesday hold
    three days of their last week, whose count would read as a collapse. Without the
    moments (None) every period counts as full.

    Examples
    --------
    >>> import datetime as dt
    >>> weeks = pl.DataFrame({"period": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 8)],
    ...                       "rows": [70, 30]})
    >>> partial_periods(weeks, "week", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 10))[
    ...     "coverage"].to_list()
    ['full', 'partial']
    """
    if first is None or last is None or counts.is_empty():
        return counts.with_columns(coverage=pl.lit("full"))
    start = pl.col("period").cast(pl.Datetime("us"))
    # the period's last day; data up to any time of that day cover it
    end = start.dt.offset_by(PERIODS[period]).dt.offset_by("-1d").dt.date()
    first_day, last_day = _as_date(first), _as_date(last)
    cut = (start.dt.date() < first_day) | (end > last_day)
    return counts.with_columns(
        coverage=pl.when(cut).then(pl.lit("partial")).otherwise(pl.lit("full"))
    )


def _as_date(moment: Any) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


_PERIODS_DE = {"day": "Tag", "week": "Woche", "month": "Monat"}


def _range_texts(counts: pl.DataFrame, period: str) -> pl.DataFrame:
    """The line's hover text: its smallest and largest count ("0 to 1,950 rows per week",
    "9 rows per week throughout"), English and German."""
    low = int(counts["rows"].min() or 0) if counts.height else 0  # type: ignore[arg-type]
    high = int(_top(counts) or 0)
    german = _PERIODS_DE[period]
    if low == high:
        english_text = f"{count(high)} rows per {period} throughout"
        german_text = f"durchgehend {count(high, 'de')} Zeilen pro {german}"
    else:
        english_text = f"{count(low)} to {count(high)} rows per {period}"
        german_text = f"{count(low, 'de')} bis {count(high, 'de')} Zeilen pro {german}"
    return series_texts(None, [english_text], [german_text])


def weekly_rows_chart(
    counts: pl.DataFrame,
    title: str,
    period: str = "week",
    first: Any = None,
    last: Any = None,
) -> alt.Chart:
    """The line of `rows_over_time` from counts already made (period, rows), e.g. in an engine.

    `period` ("day", "week" or "month") names what one point counts, in the axis title and
    the tooltip. Each point's hover text is its count; the line's names the range of counts.
    With the data's ``first`` and ``last`` moments, a period they cover only in part (see
    `partial_periods`) is a hollow grey point off the line, named in the subtitle and its
    hover text, so a short last week does not read as a collapse.
    """
    counts = partial_periods(counts, period, first, last)
    full = counts.filter(pl.col("coverage") == "full")
    line_rows = full if full.height else counts
    top = count_axis(_top(counts))
    x = alt.X("period:T", title=f"{period} starting")
    # counts: whole ticks only (a table of 3 or 4 rows per week got "4, 4, 3, 3")
    y = alt.Y("rows:Q", title=f"rows per {period}", axis=top)
    tooltip = [
        alt.Tooltip("period:T", title=f"{period} starting"),
        # titled as the axis: the count once in each point's hover text
        alt.Tooltip("rows:Q", title=f"rows per {period}", format=",d"),
    ]
    # the line and its points apart: a line with point=True gives the points its text too
    line = describe_series(
        alt.Chart(line_rows).mark_line(color=ACCENT).encode(x=x, y=y),
        _range_texts(line_rows, period),
    )
    points = (
        alt.Chart(line_rows)
        .mark_point(filled=True, color=ACCENT, opacity=1)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    cut = counts.filter(pl.col("coverage") == "partial")
    if not full.height or not cut.height:
        return alt.layer(line, points, title=title)
    hollow = (
        alt.Chart(cut)
        .mark_point(filled=False, color=PARTIAL, opacity=1)
        .encode(x=x, y=y, tooltip=[*tooltip, alt.Tooltip("coverage:N", title=f"{period} covered")])
    )
    heading = alt.TitleParams(title, subtitle=_partial_note(period))
    return alt.layer(line, points, hollow, title=heading)


#: Colour of a period the data cover only in part (hollow point).
PARTIAL = "#8a8a8a"


def _partial_note(period: str) -> str:
    """The subtitle that names the hollow points."""
    return f"Hollow grey: a {period} the data cover only in part (not a drop in rows)."


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
    """The bars of `category_counts` from counts already made (column, rows); tall enough
    for the column's name beside a few bars."""
    return (
        alt.Chart(counts, title=title)
        .mark_bar(color=ACCENT)
        .encode(
            y=alt.Y(f"{column}:N", sort="-x", title=column),
            x=alt.X("rows:Q", title="rows", axis=count_axis(_top(counts))),
            tooltip=[alt.Tooltip(f"{column}:N"), alt.Tooltip("rows:Q", title="rows", format=",d")],
        )
        .properties(height=band_height(counts.height, column))
    )


def histogram(frame: pl.DataFrame, column: str, title: str, bins: int = 30) -> alt.Chart:
    """Bars of how many values fall into each of `bins` equal-width ranges (computed in polars).

    Values that are not finite numbers (NaN, infinite) are not binned: the subtitle counts
    them, so the bars never stretch to infinity or hide them.

    Examples
    --------
    >>> f = pl.DataFrame({"v": [1.0, 2.0, 3.0, float("inf"), float("nan")]})
    >>> histogram(f, "v", "v").to_dict()["title"]["subtitle"]
    '2 values that are not finite numbers are left out.'
    """
    values = frame.get_column(column).drop_nulls().cast(pl.Float64)
    finite = values.filter(values.is_finite())
    low, high = (finite.min() or 0.0), (finite.max() or 0.0)
    width = (high - low) / bins if high > low else 1.0
    counts = (
        pl.DataFrame({"bin": ((finite - low) / width).floor().clip(0, bins - 1)})
        .group_by("bin")
        .len(name="rows")
        .with_columns(start=low + pl.col("bin") * width, end=low + (pl.col("bin") + 1) * width)
        .sort("bin")
    )
    left_out = values.len() - finite.len()
    note = f"{left_out:,} values that are not finite numbers are left out." if left_out else ""
    return binned_chart(counts, column, title, note=note)


def binned_chart(counts: pl.DataFrame, column: str, title: str, note: str = "") -> alt.Chart:
    """The bars of `histogram` from counts already made (start, end, rows); `note` is
    shown as the subtitle (e.g. values left out)."""
    return (
        alt.Chart(counts, title=alt.Title(title, subtitle=note) if note else title)
        .mark_bar(color=ACCENT)
        .encode(
            x=alt.X("start:Q", bin="binned", title=column),
            x2="end:Q",
            y=alt.Y("rows:Q", title="rows", axis=count_axis(_top(counts))),
            tooltip=[
                alt.Tooltip("start:Q", title="from", format=",.2~f"),
                alt.Tooltip("end:Q", title="to", format=",.2~f"),
                alt.Tooltip("rows:Q", format=",d"),
            ],
        )
    )
