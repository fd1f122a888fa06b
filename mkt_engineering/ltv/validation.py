"""Does the model predict? Calibration/holdout comparison of repeat purchases.

Fit on the calibration period, predict the holdout period, compare with what happened:

- `holdout_by_frequency`: predicted vs actual holdout purchases per calibration frequency;
- `tracking`: cumulative repeat purchases of the whole base, period by period;
- `holdout_metrics`: mean absolute error per customer and aggregate % error.

Examples
--------
>>> import polars as pl
>>> frame = pl.DataFrame({"actual": [1.0, 0.0, 3.0], "predicted": [1.5, 0.2, 2.0]})
>>> round(_aggregate_error(frame), 3)
-0.075
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines import ltv as engine_ltv
from mkt_engineering.ltv.days import lazy_days
from mkt_engineering.ltv.models.base import compress, model_data
from mkt_engineering.ltv.rfm import EPOCH, TIME_UNITS, lazy_with_columns
from mkt_engineering.values import as_date

HOLDOUT_COLUMNS = ("frequency", "recency", "T", "frequency_holdout", "duration_holdout")
LARGE_ERROR = 0.15  # aggregate holdout error above which reports warn


def _predicted(model, rfm: pl.DataFrame) -> pl.DataFrame:
    """Actual and predicted holdout purchases per distinct (frequency, recency, T, actual) row.

    The prediction depends on frequency, recency and T only, so the model is evaluated
    once per distinct row (`compress`, the fits' own compression); ``customers`` says how
    many customers each row stands for. The rows come sorted, so sums add up alike.
    """
    checked = model_data(rfm, HOLDOUT_COLUMNS, "holdout comparison")
    rows = compress(checked, ("frequency", "recency", "T", "frequency_holdout"))
    x, tx, T = (rows.values[c] for c in ("frequency", "recency", "T"))
    duration = float(checked["duration_holdout"][0])
    return pl.DataFrame(
        {
            "frequency": x.astype(np.int64),
            "actual": rows.values["frequency_holdout"],
            "predicted": model.conditional_purchases(duration, x, tx, T),
            "customers": rows.weights,
        }
    )


def holdout_by_frequency(model, rfm: pl.DataFrame, max_frequency: int = 7) -> pl.DataFrame:
    """Mean actual and predicted holdout purchases per calibration frequency (x, capped).

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted on the calibration period.
    rfm : DataFrame
        From ``rfm_summary(..., calibration_end=...)`` (has the holdout columns).
    max_frequency : int
        Frequencies above this are pooled into one bucket labelled ``max_frequency+``.

    Returns
    -------
    DataFrame
        bucket, customers, actual, predicted (mean holdout purchases per customer).

    Examples
    --------
    >>> from mkt_engineering.ltv import BetaGeo
    >>> model = BetaGeo()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> rfm = pl.DataFrame({"frequency": [0, 2, 1], "recency": [0.0, 20.0, 5.0],
    ...                     "T": [30.0, 30.0, 12.0], "frequency_holdout": [0, 3, 1],
    ...                     "duration_holdout": [39.0] * 3})
    >>> holdout_by_frequency(model, rfm, max_frequency=2)["bucket"].to_list()
    ['0', '1', '2+']
    """
    frame = _predicted(model, rfm)
    bucket = (
        pl.when(pl.col("frequency") >= max_frequency)
        .then(pl.lit(f"{max_frequency}+"))
        .otherwise(pl.col("frequency").cast(pl.String))
    )
    customers = pl.col("customers")
    return (
        frame.with_columns(
            bucket.alias("bucket"),
            pl.col("frequency").clip(upper_bound=max_frequency).alias("order"),
        )
        .group_by("bucket", "order")
        .agg(
            customers.sum().cast(pl.UInt32),
            ((pl.col("actual") * customers).sum() / customers.sum()).alias("actual"),
            ((pl.col("predicted") * customers).sum() / customers.sum()).alias("predicted"),
        )
        .sort("order")
        .drop("order")
    )


def _aggregate_error(frame: pl.DataFrame) -> float:
    weights = pl.col("customers") if "customers" in frame.columns else pl.lit(1.0)
    totals = frame.select(
        (pl.col("actual") * weights).sum().alias("actual"),
        (pl.col("predicted") * weights).sum().alias("predicted"),
    )
    return float((totals["predicted"].item() - totals["actual"].item()) / totals["actual"].item())


def holdout_metrics(model, rfm: pl.DataFrame) -> dict[str, float]:
    """Mean absolute error per customer and aggregate % error of holdout purchases.

    ``aggregate_error`` is (predicted - actual) / actual over all customers: 0.05 means
    the model expected 5% more purchases than happened. ``large_error`` is True when its
    size exceeds 15%. The model is evaluated once per distinct row of the table.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted on the calibration period.
    rfm : DataFrame
        From ``rfm_summary(..., calibration_end=...)`` (has the holdout columns).

    Returns
    -------
    dict
        customers, actual_purchases, predicted_purchases, mae, aggregate_error and
        large_error.

    Examples
    --------
    >>> from mkt_engineering.ltv import BetaGeo
    >>> model = BetaGeo()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> rfm = pl.DataFrame({"frequency": [0, 2, 1], "recency": [0.0, 20.0, 5.0],
    ...                     "T": [30.0, 30.0, 12.0], "frequency_holdout": [0, 3, 1],
    ...                     "duration_holdout": [39.0] * 3})
    >>> round(holdout_metrics(model, rfm)["aggregate_error"], 3)
    -0.279
    """
    frame = _predicted(model, rfm)
    error = _aggregate_error(frame)
    customers = frame["customers"]
    gap = (frame["actual"] - frame["predicted"]).abs()
    return {
        "customers": float(customers.sum()),
        "actual_purchases": float((frame["actual"] * customers).sum()),
        "predicted_purchases": float((frame["predicted"] * customers).sum()),
        "mae": float((gap * customers).sum() / customers.sum()),
        "aggregate_error": error,
        "large_error": bool(abs(error) > LARGE_ERROR),
    }


def _purchase_counts(orders, cut: date, end: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """First purchases (first, n) and repeat purchases (day, n) per day of the customers
    acquired up to ``cut``: two histograms by day, counted inside the engine for an
    engine's orders, and from the purchase days (`ltv.days`) otherwise."""
    if frames.is_engine_frame(orders):
        lazy_with_columns(orders, ("customer_id", "order_date", "revenue"))
        counts = engine_ltv.daily_repeats(orders, (cut - EPOCH).days, (end - EPOCH).days)
        day = pl.col("day").cast(pl.Date)
        births = counts.filter(pl.col("first")).select(day.alias("first"), "n")
        return births, counts.filter(~pl.col("first")).select(day, "n")
    days, _ = lazy_days(orders)
    acquired = days.filter(pl.col("first") <= cut, pl.col("day") <= end)
    births = (
        acquired.filter(pl.col("day") == pl.col("first")).group_by("first").agg(pl.len().alias("n"))
    )
    repeats = (
        acquired.filter(pl.col("day") > pl.col("first")).group_by("day").agg(pl.len().alias("n"))
    )
    # One scan for both histograms: the purchase days they share are made once.
    births, repeats = pl.collect_all([births, repeats])
    return births, repeats


def tracking(
    model,
    orders: pl.DataFrame | pl.LazyFrame,
    calibration_end: date | datetime | str,
    observation_end: date | datetime | str,
    time_unit: str = "W",
) -> pl.DataFrame:
    """Cumulative repeat purchases, actual and predicted, per time unit since the data began.

    The prediction sums the expected repeat purchases of every customer acquired in the
    calibration period from the day of her first purchase, so it tracks the whole base.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted on the calibration period (time unit ``time_unit``).
    orders : DataFrame, LazyFrame, `PurchaseDays` or an engine's table
        The ``orders`` contract.
    calibration_end, observation_end : date, datetime or str
        The last days of the calibration period and of the data.
    time_unit : str
        'D', 'W' or 'M': the length of a period.

    Returns
    -------
    DataFrame
        period (units since the first order), date (its last day), actual_cumulative,
        predicted_cumulative, phase ("calibration" or "holdout").

    Examples
    --------
    >>> from mkt_engineering.ltv import BetaGeo
    >>> model = BetaGeo()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> orders = pl.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3], "revenue": [20.0, 30.0, 25.0, 15.0, 40.0],
    ...     "order_date": [date(2024, 1, 1), date(2024, 1, 20), date(2024, 1, 8),
    ...                    date(2024, 2, 15), date(2024, 1, 15)]})
    >>> tracked = tracking(model, orders, "2024-01-31", "2024-02-29")
    >>> tracked.select("period", "actual_cumulative", "phase").tail(2).rows()
    [(8, 2.0, 'holdout'), (9, 2.0, 'holdout')]
    """
    cut, end = (
        as_date(calibration_end, "calibration_end"),
        as_date(observation_end, "observation_end"),
    )
    unit = TIME_UNITS[time_unit]
    births, repeats = _purchase_counts(orders, cut, end)
    start = births["first"].min()
    steps = int(np.ceil((end - start).days / unit))
    edges = np.arange(1, steps + 1) * unit  # days since start at the end of each period
    repeats = repeats.sort("day")
    repeat_days = repeats.select((pl.col("day") - pl.lit(start)).dt.total_days())["day"]
    # Repeat purchases before each edge: the running count up to the first day at or after it.
    running = np.concatenate([[0], np.cumsum(repeats["n"].to_numpy())])
    actual = running[np.searchsorted(repeat_days.to_numpy(), edges, side="left")]
    birth_days = births.select((pl.col("first") - pl.lit(start)).dt.total_days())[
        "first"
    ].to_numpy()
    ages = np.clip(edges[None, :] - birth_days[:, None], 0, None) / unit
    predicted = births["n"].to_numpy() @ model.expected_purchases_new_customer(ages)
    return (
        pl.DataFrame(
            {
                "period": np.arange(1, steps + 1),
                "actual_cumulative": actual.astype(float),
                "predicted_cumulative": predicted,
            }
        )
        .with_columns(
            # The last day of each period, so the calibration end falls in the right phase.
            (
                pl.lit(start)
                + pl.duration(days=(pl.col("period") * unit).round(0).cast(pl.Int64) - 1)
            ).alias("date"),
        )
        .with_columns(
            pl.when(pl.col("date") <= cut)
            .then(pl.lit("calibration"))
            .otherwise(pl.lit("holdout"))
            .alias("phase")
        )
        .select("period", "date", "actual_cumulative", "predicted_cumulative", "phase")
    )
