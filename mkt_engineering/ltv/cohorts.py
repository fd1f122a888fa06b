"""Cohort tables: customers grouped by the period of their first order, followed over time.

A cohort matrix has one row per cohort and one column per period since acquisition
(period 0 is the acquisition period). Cells that cannot be observed yet (the period has
not started by the end of the data) are null, not zero, so charts can mask them. So are
the cells of the calendar period in which the data end, when it has not ended with them:
data cut on 3 December hold three days of December, and a December retention of 1% next
to 9% for November would read as a collapse. Those cells have ``partial = True``.

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> orders = pl.DataFrame({
...     "customer_id": ["a", "a", "b", "c"],
...     "order_date": [date(2024, 1, 5), date(2024, 2, 9), date(2024, 1, 20), date(2024, 2, 2)],
...     "revenue": [10.0, 20.0, 15.0, 30.0],
... })
>>> cohort_matrix(orders, metric="retention", observation_end=date(2024, 2, 29)).select(
...     "cohort", "period", "value").rows()  # doctest: +NORMALIZE_WHITESPACE
[(datetime.date(2024, 1, 1), 0, 1.0), (datetime.date(2024, 1, 1), 1, 0.5),
 (datetime.date(2024, 2, 1), 0, 1.0), (datetime.date(2024, 2, 1), 1, None)]
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines import ltv as engine_ltv
from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv.days import PurchaseDays, first_channel, lazy_days
from mkt_engineering.ltv.rfm import EPOCH, lazy_with_columns
from mkt_engineering.values import as_date

__all__ = ["METRICS", "PERIODS", "cohort_matrix", "first_channel", "to_wide"]

PERIODS = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q"}
MONTHS_PER_PERIOD = {"month": 1, "quarter": 3}
METRICS = (
    "retention",
    "customers",
    "orders",
    "revenue",
    "cumulative_revenue_per_customer",
    "margin",
    "revenue_per_customer",
)


def _period_index(start: pl.Expr, day: pl.Expr, period: str) -> pl.Expr:
    """Whole periods between the cohort start and the period of an order."""
    if period == "month":
        return (day.dt.year() - start.dt.year()) * 12 + day.dt.month() - start.dt.month()
    if period == "quarter":
        return ((day.dt.year() - start.dt.year()) * 12 + day.dt.month() - start.dt.month()) // 3
    days = (day - start).dt.total_days()
    return days // 7 if period == "week" else days


def _month_number(day: pl.Expr) -> pl.Expr:
    """Months since year 0 (January 2024 is 2024 * 12): year and month, without a calendar
    truncation, which took 0.3 s per column of 10M purchase days against 0.1 s."""
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1


def _cohort_and_period(period: str) -> tuple[pl.Expr, pl.Expr]:
    """Each purchase day's cohort and its whole periods since the cohort began.

    For months and quarters the cohort is a month number (`_month_number`, the first
    month of its quarter), turned into a date by `_cohort_start` once the rows are cells;
    for weeks and days it is the date itself.

    Examples
    --------
    >>> from datetime import date
    >>> days = pl.DataFrame({"first": [date(2024, 2, 10)], "day": [date(2024, 7, 1)]})
    >>> cohort, index = _cohort_and_period("quarter")
    >>> days.select(cohort.alias("cohort"), index.alias("period")).with_columns(
    ...     _cohort_start("quarter")).rows()
    [(datetime.date(2024, 1, 1), 2)]
    """
    if period in MONTHS_PER_PERIOD:
        size = MONTHS_PER_PERIOD[period]
        first, day = _month_number(pl.col("first")), _month_number(pl.col("day"))
        return first // size * size, day // size - first // size
    cohort = pl.col("first").dt.truncate(PERIODS[period])
    return cohort, _period_index(cohort, pl.col("day").dt.truncate(PERIODS[period]), period)


def _cohort_start(period: str) -> pl.Expr:
    """The cohort column of `_cohort_and_period` as the date its period starts."""
    cohort = pl.col("cohort")
    if period in MONTHS_PER_PERIOD:
        return pl.date(cohort // 12, cohort % 12 + 1, 1).alias("cohort")
    return cohort


def _check(period: str, metric: str, columns: list[str], by_channel: bool) -> None:
    if period not in PERIODS:
        raise DataValidationError(
            f"period {period!r} is not known; use one of {', '.join(PERIODS)}.",
            column="period",
            fix="Use period='month' (the usual choice).",
        )
    if metric not in METRICS:
        raise DataValidationError(
            f"metric {metric!r} is not known; use one of {', '.join(METRICS)}.",
            column="metric",
            fix="Use metric='retention' or 'revenue'.",
        )
    if metric == "margin" and "margin" not in columns:
        raise DataValidationError(
            "metric='margin' needs a margin column in the orders; it has none.",
            source="orders",
            column="margin",
            fix="Map your margin column or use metric='revenue'.",
        )
    if by_channel and "acquisition_channel" not in columns:
        raise DataValidationError(
            "by_channel=True needs an acquisition_channel column; the orders have none.",
            source="orders",
            column="acquisition_channel",
            fix="Map the column that names the acquisition channel, or set by_channel=False.",
        )


def cohort_matrix(
    orders,
    period: str = "month",
    metric: str = "retention",
    *,
    by_channel: bool = False,
    observation_end: date | datetime | str | None = None,
) -> pl.DataFrame:
    """A cohort table in long form: one row per cohort and period since acquisition.

    Parameters
    ----------
    orders : DataFrame, LazyFrame, `PurchaseDays`, DuckDB relation or Spark DataFrame
        customer_id, order_date, revenue (+ margin, acquisition_channel when used). An
        engine's table is reduced to cohort cells inside the engine; `purchase_days` of the
        orders, when several tables are made from them, saves scanning the orders again.
    period : {"month", "week", "quarter", "day"}
        Length of a period; cohorts are the period of each customer's first order.
    metric : str
        retention (share of the cohort with an order in the period), customers (how many
        ordered), orders, revenue, revenue_per_customer, cumulative_revenue_per_customer
        or margin.
    by_channel : bool
        Split cohorts by ``acquisition_channel`` (the channel of the first order, see
        `first_channel`); customers without one form their own cohorts (null channel).
    observation_end : date, optional
        Last day of data; defaults to the last order date. Periods that start after it
        are null, and so is the period it falls in unless it is that period's last day.

    Returns
    -------
    DataFrame
        [acquisition_channel,] cohort (date), period (int), cohort_size, value, partial
        (True where the value is null because its period was only partly observed).
        Use `to_wide` for the classic triangle.

    Examples
    --------
    Data that stop on 3 February: February is masked, not shown as a drop.

    >>> import polars as pl
    >>> from datetime import date
    >>> orders = pl.DataFrame({"customer_id": ["a", "a", "b", "b"],
    ...     "order_date": [date(2024, 1, 5), date(2024, 2, 3), date(2024, 1, 9), date(2024, 1, 20)],
    ...     "revenue": [10.0, 20.0, 15.0, 30.0]})
    >>> cohort_matrix(orders).select("period", "value", "partial").rows()
    [(0, 1.0, False), (1, None, True)]
    """
    if isinstance(orders, PurchaseDays):
        columns = list(orders.columns)
    else:
        columns = (
            lazy_with_columns(orders, ("customer_id", "order_date", "revenue"))
            .collect_schema()
            .names()
        )
    _check(period, metric, columns, by_channel)
    keys = ["acquisition_channel"] if by_channel else []
    value_column = "margin" if metric == "margin" else "revenue"
    if frames.is_engine_frame(orders):
        sizes, cells, last = _engine_cells(orders, period, value_column, keys)
    else:
        counted = metric in ("retention", "customers")
        sizes, cells, last = _polars_cells(orders, period, value_column, keys, counted)
    end = as_date(observation_end, "observation_end") if observation_end is not None else last()
    return _finish(sizes, cells, end, period, metric, keys)


def _polars_cells(orders, period: str, value_column: str, keys: list[str], counted: bool):
    """Cohort sizes, cells and the last order day of polars orders or `PurchaseDays`.

    All metrics come from one collected table of cells (customers, orders and amount per
    cohort and period), read from the purchase days: one row per customer and day, with
    her first day and channel, so no order is read twice. Only ``counted`` metrics
    (retention, customers) need the customers of each cell, which takes a group-by of
    customers per period; the others add up the days directly (1.7x faster at 10M orders)
    and count each cohort's customers by their first days. Their cells have no customers
    (null).
    """
    days, _ = lazy_days(orders)
    cohort, index = _cohort_and_period(period)
    rows = days.select(
        *keys,
        "customer_id",
        cohort.alias("cohort"),
        index.cast(pl.Int64).alias("period"),
        "orders",
        pl.col(value_column).alias("amount"),
        "day",
        (pl.col("day") == pl.col("first")).alias("first_day"),
    )
    if counted and period != "day":
        # A customer counts once per cell: her purchase days in a period become one row.
        rows = rows.group_by(*keys, "cohort", "period", "customer_id").agg(
            pl.col("orders").sum(), pl.col("amount").sum(), pl.col("day").max()
        )
    customers = pl.len() if counted else pl.col("first_day").sum()
    cells = (
        rows.group_by(*keys, "cohort", "period")
        .agg(
            customers.cast(pl.UInt32).alias("customers"),
            pl.col("orders").sum().cast(pl.UInt32),
            pl.col("amount").sum(),
            pl.col("day").max().alias("last_day"),
        )
        .collect()
        .with_columns(_cohort_start(period))
    )
    # Each customer orders in period 0 of her own cohort, so its customers are the cohort
    # (and her first day lies in period 0: the uncounted cells count first days there).
    sizes = cells.filter(pl.col("period") == 0).select(
        *keys, "cohort", pl.col("customers").alias("cohort_size")
    )
    if not counted:
        cells = cells.with_columns(pl.lit(None, dtype=pl.UInt32).alias("customers"))
    last = cells["last_day"].max()
    return sizes.lazy(), cells.drop("last_day").lazy(), lambda: last


def _engine_cells(orders, period: str, value_column: str, keys: list[str]):
    """Cohort sizes, cells and the last order day, reduced inside the orders' engine."""
    cells = engine_ltv.cohort_cells(orders, period, value_column, bool(keys))
    # Each customer orders in period 0 of her own cohort, so its customers are the cohort.
    sizes = cells.filter(pl.col("period") == 0).select(
        *keys, "cohort", pl.col("customers").alias("cohort_size")
    )
    last = cells["last_day"].max()
    return (
        sizes.lazy(),
        cells.drop("last_day").lazy(),
        lambda: None if last is None else EPOCH + timedelta(days=int(last)),
    )


def _finish(
    sizes: pl.LazyFrame, cells: pl.LazyFrame, end: date, period: str, metric: str, keys: list[str]
) -> pl.DataFrame:
    """The long cohort table from cohort sizes and cells, with unobservable cells masked."""
    every = PERIODS[period]
    grid = (
        sizes.with_columns(
            pl.int_ranges(
                0, _period_index(pl.col("cohort"), pl.lit(end).dt.truncate(every), period) + 1
            ).alias("period")
        )
        .explode("period")
        .with_columns(pl.col("period").cast(pl.Int64))
    )
    # nulls_equal: customers without an acquisition channel are a cohort of their own.
    table = grid.join(
        cells, on=[*keys, "cohort", "period"], how="left", nulls_equal=True
    ).with_columns(pl.col("customers", "orders").fill_null(0), pl.col("amount").fill_null(0.0))
    value = {
        "retention": pl.col("customers") / pl.col("cohort_size"),
        "customers": pl.col("customers").cast(pl.Float64),
        "orders": pl.col("orders").cast(pl.Float64),
        "revenue": pl.col("amount"),
        "margin": pl.col("amount"),
        "revenue_per_customer": pl.col("amount") / pl.col("cohort_size"),
        "cumulative_revenue_per_customer": (
            pl.col("amount").cum_sum().over([*keys, "cohort"], order_by="period")
            / pl.col("cohort_size")
        ),
    }[metric]
    partial = _partial_period(pl.col("cohort"), end, period)
    full = table.with_columns(
        pl.when(partial).then(None).otherwise(value).alias("value"), partial.alias("partial")
    ).select(*keys, "cohort", "period", "cohort_size", "value", "partial")
    # Later periods of a cohort exist in the frame as nulls, so every cohort has the same
    # columns in the wide table, with the unobservable corner masked.
    longest = full.select(pl.col("period").max()).collect().item()
    corner = (
        sizes.with_columns(pl.int_ranges(0, longest + 1).alias("period"))
        .explode("period")
        .with_columns(pl.col("period").cast(pl.Int64))
    )
    result = corner.join(
        full.drop("cohort_size"), on=[*keys, "cohort", "period"], how="left", nulls_equal=True
    )
    return (
        result.select(
            *keys, "cohort", "period", "cohort_size", "value", pl.col("partial").fill_null(False)
        )
        .sort([*keys, "cohort", "period"])
        .collect()
    )


def _partial_period(cohort: pl.Expr, end: date, period: str) -> pl.Expr:
    """True for the cells of the calendar period that holds ``end``, if it goes on after it.

    A period is complete when the day after ``end`` already starts a new one (data up to 31
    December complete December; data up to 3 December do not).
    """
    every = PERIODS[period]
    last = pl.lit(end).dt.truncate(every)
    goes_on = pl.lit(end).dt.offset_by("1d").dt.truncate(every) == last
    return goes_on & (pl.col("period") == _period_index(cohort, last, period))


def to_wide(matrix: pl.DataFrame) -> pl.DataFrame:
    """The classic cohort triangle: one row per cohort, one column per period (0, 1, ...).

    Parameters
    ----------
    matrix : DataFrame
        A `cohort_matrix` (long: cohort, period, value, ...).

    Returns
    -------
    DataFrame
        [acquisition_channel], cohort, cohort_size, then one column per period.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> orders = pl.DataFrame({
    ...     "customer_id": ["a", "a", "b"],
    ...     "order_date": [date(2024, 1, 5), date(2024, 2, 9), date(2024, 2, 2)],
    ...     "revenue": [10.0, 20.0, 30.0],
    ... })
    >>> matrix = cohort_matrix(orders, metric="retention", observation_end=date(2024, 2, 29))
    >>> to_wide(matrix).columns
    ['cohort', 'cohort_size', '0', '1']
    """
    keys = [c for c in ("acquisition_channel", "cohort", "cohort_size") if c in matrix.columns]
    return matrix.pivot(on="period", index=keys, values="value", sort_columns=False).sort(keys)
