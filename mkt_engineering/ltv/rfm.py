"""Recency, frequency, monetary value: the per-customer summary every buy-till-you-die model fits.

Definitions follow the BG/NBD literature (Fader, Hardie & Lee 2005) and lifetimes:

- orders on the same day are merged into one purchase (their revenue is added);
- ``frequency`` counts *repeat* purchases, so the first purchase is not counted;
- ``recency`` is the age of the customer at the last purchase (first to last purchase);
- ``T`` is the age of the customer at the end of observation (first purchase to end);
- ``monetary_value`` is the mean revenue of the repeat purchases (0 when there are none).

Times are in days divided by the length of the time unit (7 for weeks).

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> orders = pl.DataFrame({
...     "customer_id": ["a", "a", "a", "b"],
...     "order_date": [date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 15), date(2024, 1, 8)],
...     "revenue": [10.0, 5.0, 20.0, 30.0],
... })
>>> rfm_summary(orders, observation_end=date(2024, 1, 29)).rows()
[('a', 1, 2.0, 4.0, 20.0), ('b', 0, 0.0, 3.0, 0.0)]
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines import ltv as engine_ltv
from mkt_engineering.errors import DataValidationError, require_columns
from mkt_engineering.ltv.days import PurchaseDays, lazy_days
from mkt_engineering.values import as_date

TIME_UNITS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}
EPOCH = date(1970, 1, 1)
RFM_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")
# The polars engine that adds each customer's revenue. The streaming engine adds a group's
# floats in an order that changes from run to run (work is handed out in morsels), so mean
# spend differed in the last bit (1e-16) between runs; the Gamma-Gamma fit, flat along a
# ridge of (p, q, v), turned that into 5e-8 in its parameters and 3e-9 in CLV. The in-memory
# engine adds in row order, as fast on purchase days (3-5 s at 10M orders either way), and
# the rows are sorted by customer and day first, since a parallel join leaves them in an
# order that also changes from run to run.
SUMS_ENGINE = "in-memory"

Frame = pl.DataFrame | pl.LazyFrame


def _days_per_unit(time_unit: str) -> float:
    if time_unit not in TIME_UNITS:
        raise DataValidationError(
            f"time_unit {time_unit!r} is not known. Use 'D' (days), 'W' (weeks) or 'M' (months).",
            column="time_unit",
            fix="Pass time_unit='W' (the usual choice) or 'D'.",
        )
    return TIME_UNITS[time_unit]


def lazy_with_columns(
    orders: Frame, columns: tuple[str, ...], source: str = "orders"
) -> pl.LazyFrame:
    """A table as a LazyFrame, after checking that it has ``columns``.

    An engine's table (DuckDB, Spark) is only asked for its schema here, not collected.

    Parameters
    ----------
    orders : DataFrame, LazyFrame or an engine's table
        The input, e.g. the ``orders`` contract.
    columns : tuple of str
        The columns needed.
    source : str
        What the input is, for the message ("orders", "rfm").

    Returns
    -------
    LazyFrame
        The same rows, lazy.

    Examples
    --------
    >>> lazy_with_columns(pl.DataFrame({"customer_id": [1]}), ("customer_id",)).collect().height
    1
    """
    lazy = frames.lazy(orders) if frames.is_engine_frame(orders) else orders.lazy()
    require_columns(
        lazy,
        columns,
        source=source,
        fix="Map your own names with columns={'your name': 'customer_id', ...} when reading.",
    )
    return lazy


def _day_parts(orders, end: date, cut: date | None) -> pl.LazyFrame:
    """Per-customer sums of the purchase days up to ``end``, in one pass (lazy).

    frequency, first, last (day numbers), total and first_revenue as `_finish` reads them,
    of all purchase days up to ``end``. With a ``cut``, the same of the days up to ``cut``
    (``calibration_`` + name; frequency -1 for a customer with none) and the holdout's
    purchase days and revenue, so the calibration and the full table come from one scan.
    """
    days, _ = lazy_days(orders)
    day, revenue = pl.col("day"), pl.col("revenue")
    # Conditions become columns first, so every aggregation is a plain column reduction:
    # a filter inside an aggregation runs per group and took 2.5x as long at 10M orders.
    parts = {"first_revenue": pl.when(day == pl.col("first")).then(revenue).otherwise(0.0)}
    sums = [
        (pl.len() - 1).cast(pl.Int64).alias("frequency"),
        pl.col("first").first().cast(pl.Int32),
        day.max().cast(pl.Int32).alias("last"),
        revenue.sum().alias("total"),
        # The first day is a calibration day of every customer the calibration keeps.
        pl.col("first_revenue").sum(),
    ]
    if cut is not None:
        calibration = day <= cut
        parts |= {
            "calibration_day": calibration.cast(pl.Int64),
            "calibration_last": pl.when(calibration).then(day),
            "calibration_total": pl.when(calibration).then(revenue).otherwise(0.0),
            "holdout_revenue": pl.when(calibration).then(0.0).otherwise(revenue),
        }
        sums += [
            (pl.col("calibration_day").sum() - 1).alias("calibration_frequency"),
            pl.col("calibration_last").max().cast(pl.Int32),
            pl.col("calibration_total").sum(),
            (pl.len() - pl.col("calibration_day").sum()).cast(pl.Int64).alias("frequency_holdout"),
            pl.col("holdout_revenue").sum(),
        ]
    # Sorted by day so that each customer's floats are added in the order of her days,
    # whatever order a parallel join or scan left the rows in (see SUMS_ENGINE): the
    # in-memory group-by keeps the rows of a group in frame order. The day alone suffices
    # (a customer has one row per day) and sorts 17x faster than customer and day, whose
    # string sort took 4.6 s of CPU at 10M orders. This makes the tables repeat to the bit
    # at the demo's size (test_rfm_repeatable); at 10M purchase days the sums still
    # differed between runs in the last bit (1e-15), as rfm_summary's docstring says.
    rows = days.filter(day <= end).sort("day").with_columns(**parts)  # 4 columns to sort, not 9
    return rows.group_by("customer_id").agg(sums)


def _calibration_parts(parts: pl.LazyFrame) -> pl.LazyFrame:
    """The calibration sums and holdout purchases of `_day_parts` with a cut, one row each.

    The customers whose first purchase falls after the cut are left out.
    """
    return parts.filter(pl.col("calibration_frequency") >= 0).select(
        "customer_id",
        pl.col("calibration_frequency").alias("frequency"),
        "first",
        pl.col("calibration_last").alias("last"),
        pl.col("calibration_total").alias("total"),
        "first_revenue",
        "frequency_holdout",
        "holdout_revenue",
    )


def _finish(per_customer: pl.LazyFrame, end: date, unit: float, *extra: str) -> pl.LazyFrame:
    """Recency, T and mean repeat spend from the per-customer sums (any engine's)."""
    return per_customer.select(
        *extra,
        "customer_id",
        "frequency",
        ((pl.col("last") - pl.col("first")) / unit).alias("recency"),
        ((pl.lit((end - EPOCH).days) - pl.col("first")) / unit).alias("T"),
        pl.when(pl.col("frequency") > 0)
        .then((pl.col("total") - pl.col("first_revenue")) / pl.col("frequency"))
        .otherwise(0.0)
        .alias("monetary_value"),
        pl.col("first").cast(pl.Date).alias("first_purchase"),
    )


def _engine_parts(orders, end: date, cut: date | None) -> tuple[pl.LazyFrame, pl.LazyFrame | None]:
    """The per-customer sums computed inside the engine that holds ``orders``."""
    lazy_with_columns(orders, ("customer_id", "order_date", "revenue"))
    end_day = (end - EPOCH).days
    if cut is None:
        return engine_ltv.rfm_parts(orders, end_day).lazy(), None
    calibration, holdout = engine_ltv.rfm_holdout_parts(orders, (cut - EPOCH).days, end_day)
    return calibration.lazy(), holdout.lazy()


def rfm_summary(
    orders: Frame,
    observation_end: date | datetime | str,
    time_unit: str = "W",
    calibration_end: date | datetime | str | None = None,
    *,
    keep_first_purchase: bool = False,
) -> pl.DataFrame:
    """Per-customer frequency, recency, age (T) and mean repeat spend.

    Parameters
    ----------
    orders : DataFrame, LazyFrame, `PurchaseDays`, DuckDB relation or Spark DataFrame
        The ``orders`` contract: customer_id, order_date, revenue. A LazyFrame stays lazy
        until the per-customer result, so large files can be scanned; an engine's table is
        reduced to per-customer sums inside the engine (`engines.ltv.rfm_parts`).
        `purchase_days` of the orders is read as it is (no second scan of the orders).
    observation_end : date
        Last day of data (inclusive). Orders after it are ignored.
    time_unit : {"W", "D", "M"}
        Unit of recency and T: weeks, days or months (365.25 / 12 days).
    calibration_end : date, optional
        Split into a calibration period (up to and including this day) and a holdout period.
        The summary then describes the calibration period and adds ``frequency_holdout``,
        ``monetary_value_holdout`` and ``duration_holdout``. Customers whose first order
        falls in the holdout are dropped; `rfm_dropped_customers` counts them for the report.
    keep_first_purchase : bool
        Also return the date of the first purchase (the acquisition cohort).

    Returns
    -------
    DataFrame
        customer_id, frequency, recency, T, monetary_value (+ holdout columns), sorted by
        customer_id. Sums run in parallel, so monetary values may differ between runs in
        the last bit (about 1e-15 relative); round them for display.
    """
    unit = _days_per_unit(time_unit)
    end = as_date(observation_end, "observation_end")
    columns = _columns(calibration_end is not None, keep_first_purchase)
    if calibration_end is None:
        if frames.is_engine_frame(orders):
            parts = _engine_parts(orders, end, None)[0]
        else:
            parts = _day_parts(orders, end, None)
        table = _finish(parts, end, unit).select(columns).sort("customer_id")
        return table.collect(engine=SUMS_ENGINE)
    cut = _cut(calibration_end, end)
    if frames.is_engine_frame(orders):
        calibration, holdout = _engine_parts(orders, end, cut)
        calibration = calibration.join(holdout, on="customer_id", how="left").with_columns(
            pl.col("frequency_holdout").fill_null(0), pl.col("holdout_revenue").fill_null(0.0)
        )
    else:
        calibration = _calibration_parts(_day_parts(orders, end, cut))
    table = _with_holdout(calibration, end, cut, unit)
    return table.select(columns).sort("customer_id").collect(engine=SUMS_ENGINE)


def rfm_summaries(
    orders: Frame,
    observation_end: date | datetime | str,
    time_unit: str = "W",
    *,
    calibration_end: date | datetime | str,
    keep_first_purchase: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The calibration table and the table of all orders, as two `rfm_summary` calls give.

    A report tests its model on a calibration table and values customers with one of all
    orders. Both come from one pass over the purchase days of polars orders (one group-by
    per customer with the sums of both periods); an engine's table is reduced twice in its
    engine.

    Parameters
    ----------
    orders, observation_end, time_unit, keep_first_purchase
        As in `rfm_summary`.
    calibration_end : date
        Last day of the calibration period (see `rfm_summary`).

    Returns
    -------
    (DataFrame, DataFrame)
        ``rfm_summary(orders, observation_end, time_unit, calibration_end)`` and
        ``rfm_summary(orders, observation_end, time_unit)``.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> orders = pl.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": [date(2024, 1, 1), date(2024, 1, 15), date(2024, 1, 8)],
    ...     "revenue": [10.0, 20.0, 30.0]})
    >>> calibration, full = rfm_summaries(orders, date(2024, 1, 29),
    ...                                   calibration_end=date(2024, 1, 10))
    >>> calibration.select("customer_id", "frequency", "frequency_holdout").rows()
    [('a', 0, 1), ('b', 0, 0)]
    >>> full.select("customer_id", "frequency", "recency").rows()
    [('a', 1, 2.0), ('b', 0, 0.0)]
    """
    if frames.is_engine_frame(orders):
        options = {"time_unit": time_unit, "keep_first_purchase": keep_first_purchase}
        return (
            rfm_summary(orders, observation_end, calibration_end=calibration_end, **options),
            rfm_summary(orders, observation_end, **options),
        )
    unit = _days_per_unit(time_unit)
    end = as_date(observation_end, "observation_end")
    cut = _cut(calibration_end, end)
    # Sorted once: a filter and a select keep the order of the rows.
    parts = _day_parts(orders, end, cut).sort("customer_id").collect(engine=SUMS_ENGINE).lazy()
    tested = _with_holdout(_calibration_parts(parts), end, cut, unit)
    full = _finish(parts, end, unit)
    return (
        tested.select(_columns(True, keep_first_purchase)).collect(),
        full.select(_columns(False, keep_first_purchase)).collect(),
    )


def _columns(holdout: bool, keep_first_purchase: bool) -> list[str]:
    columns = list(RFM_COLUMNS)
    if holdout:
        columns += ["frequency_holdout", "monetary_value_holdout", "duration_holdout"]
    return [*columns, "first_purchase"] if keep_first_purchase else columns


def _cut(calibration_end: date | datetime | str, end: date) -> date:
    cut = as_date(calibration_end, "calibration_end")
    if cut >= end:
        raise DataValidationError(
            f"calibration_end {cut} is not before observation_end {end}.",
            column="calibration_end",
            fix="Choose a calibration end that leaves a holdout period before the end of the data.",
        )
    return cut


def _with_holdout(calibration: pl.LazyFrame, end: date, cut: date, unit: float) -> pl.LazyFrame:
    """The calibration table of per-customer sums with holdout purchases (0 for none),
    their mean value (same-day orders are one purchase; 0 for none) and duration."""
    holdout = pl.col("frequency_holdout")
    table = _finish(calibration, cut, unit, "frequency_holdout", "holdout_revenue")
    return table.with_columns(
        pl.when(holdout > 0)
        .then(pl.col("holdout_revenue") / holdout)
        .otherwise(0.0)
        .alias("monetary_value_holdout"),
        pl.lit((end - cut).days / unit).alias("duration_holdout"),
    )


def rfm_dropped_customers(orders: Frame, calibration_end: date | datetime | str) -> int:
    """How many customers made their first order after ``calibration_end``.

    They cannot be scored by a model fitted on the calibration period, so
    `rfm_summary` drops them; reports say how many.

    Parameters
    ----------
    orders : DataFrame, LazyFrame, `PurchaseDays` or an engine's table
        The ``orders`` contract.
    calibration_end : date, datetime or str
        The last day of the calibration period.

    Returns
    -------
    int
        Customers whose first order is after ``calibration_end``.

    Examples
    --------
    >>> orders = pl.DataFrame({"customer_id": ["a", "b"], "revenue": [5.0, 7.0],
    ...                        "order_date": [date(2024, 1, 3), date(2024, 2, 9)]})
    >>> rfm_dropped_customers(orders, "2024-01-31")
    1
    """
    cut = as_date(calibration_end, "calibration_end")
    if isinstance(orders, PurchaseDays):
        firsts = orders.lazy().filter(pl.col("day") == pl.col("first"))
        return int(firsts.filter(pl.col("first") > cut).select(pl.len()).collect().item())
    lazy = lazy_with_columns(orders, ("customer_id", "order_date"))
    if frames.is_engine_frame(orders):
        return engine_ltv.dropped_customers(orders, (cut - EPOCH).days)
    first = lazy.group_by("customer_id").agg(
        pl.col("order_date").cast(pl.Date).min().alias("first")
    )
    return int(first.filter(pl.col("first") > cut).select(pl.len()).collect().item())


SEGMENTS = (
    # (name, rule on the 1-5 scores r, f, m); first match wins, read top to bottom.
    ("Champions", lambda r, f, m: (r >= 4) & (f >= 4)),
    ("Loyal customers", lambda r, f, m: (r >= 3) & (f >= 4)),
    ("Big spenders", lambda r, f, m: (r >= 3) & (m >= 5)),
    ("Promising", lambda r, f, m: (r >= 4) & (f <= 2)),
    ("Needs attention", lambda r, f, m: (r == 3) & (f <= 3)),
    ("At risk", lambda r, f, m: (r <= 2) & (f >= 3)),
    ("Hibernating", lambda r, f, m: (r <= 2) & (f <= 2)),
)


def rfm_segments(rfm: pl.DataFrame) -> pl.DataFrame:
    """Score recency, frequency and monetary value 1-5 and name the segment of each customer.

    Scores are quintiles: 5 is the best fifth (most recent last purchase relative to age,
    most repeat purchases, highest mean spend). Recency is scored on the time since the
    last purchase (``T - recency``), smaller is better.

    Parameters
    ----------
    rfm : DataFrame
        An `rfm_summary` table (customer_id, frequency, recency, T, monetary_value).

    Returns
    -------
    DataFrame
        ``rfm`` with r_score, f_score, m_score (1-5) and segment.

    Examples
    --------
    >>> import polars as pl
    >>> rfm = pl.DataFrame({"customer_id": list("abcde"), "frequency": [0, 1, 2, 5, 9],
    ...                     "recency": [0.0, 2, 5, 9, 10], "T": [10.0] * 5,
    ...                     "monetary_value": [0.0, 10, 20, 30, 40]})
    >>> rfm_segments(rfm)["segment"].to_list()
    ['Hibernating', 'Hibernating', 'Needs attention', 'Champions', 'Champions']
    """
    lazy_with_columns(rfm, RFM_COLUMNS[:5], source="rfm")

    def quintile(expr: pl.Expr) -> pl.Expr:
        return ((expr.rank("average") - 1) * 5 / pl.len()).floor().add(1).clip(1, 5).cast(pl.Int8)

    scored = rfm.with_columns(
        quintile(-(pl.col("T") - pl.col("recency"))).alias("r_score"),
        quintile(pl.col("frequency").cast(pl.Float64)).alias("f_score"),
        quintile(pl.col("monetary_value")).alias("m_score"),
    )
    r, f, m = pl.col("r_score"), pl.col("f_score"), pl.col("m_score")
    segment = pl.when(SEGMENTS[0][1](r, f, m)).then(pl.lit(SEGMENTS[0][0]))
    for name, rule in SEGMENTS[1:]:
        segment = segment.when(rule(r, f, m)).then(pl.lit(name))
    return scored.with_columns(segment.otherwise(pl.lit("Others")).alias("segment"))
