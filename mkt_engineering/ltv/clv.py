"""Customer lifetime value: discounted future margin from a purchase model and a spend model.

CLV over a horizon of H months is

    margin * sum_{k=1..H} (E[X(k)] - E[X(k-1)]) * spend / (1 + d)^k

with E[X(k)] the expected repeat purchases in the first k months (conditional on a
customer's history, or unconditional for a new customer), spend the expected value per
purchase, margin the share of revenue that is contribution margin, and d the monthly
discount rate that compounds to the annual ``discount_rate``. Intervals come from a
parametric bootstrap: parameter sets drawn from the estimates' asymptotic normal law.

Examples
--------
>>> monthly_discount(0.10) < 0.10 / 12
True
"""

from __future__ import annotations

import numpy as np
import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines import ltv as engine_ltv
from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv.models.base import as_arrays
from mkt_engineering.ltv.models.gammagamma import GammaGamma
from mkt_engineering.ltv.rfm import TIME_UNITS
from mkt_engineering.numeric import row_quantiles

DAYS_PER_MONTH = 365.25 / 12
#: Customers per block of the CLV interval's draws (memory: block x draws floats).
BOOTSTRAP_BLOCK = 250_000


def monthly_discount(annual_rate: float) -> float:
    """The monthly rate that compounds to ``annual_rate`` over 12 months."""
    if annual_rate <= -1:
        raise DataValidationError(
            f"discount_rate {annual_rate} must be above -1 (e.g. 0.10 for 10% a year).",
            column="discount_rate",
            fix="Give the annual rate as a share, e.g. 0.1.",
        )
    return (1 + annual_rate) ** (1 / 12) - 1


def _month_grid(horizon_months: int, time_unit: str) -> np.ndarray:
    if horizon_months < 1:
        raise DataValidationError(
            f"horizon {horizon_months} must be at least 1 month.",
            column="horizon",
            fix="Use e.g. 12 or 36 months.",
        )
    return np.arange(horizon_months + 1) * DAYS_PER_MONTH / TIME_UNITS[time_unit]


def _discount_factors(horizon_months: int, annual_rate: float) -> np.ndarray:
    return (1 + monthly_discount(annual_rate)) ** -np.arange(1, horizon_months + 1)


def _spend(spend_model, rfm: pl.DataFrame, params=None) -> np.ndarray:
    """Expected value per future purchase of each customer."""
    if isinstance(spend_model, int | float):
        return np.full(rfm.height, float(spend_model))
    if isinstance(spend_model, GammaGamma):
        x, m = as_arrays(rfm, ("frequency", "monetary_value"), "customer_lifetime_value")
        return spend_model._expected_spend(x, m, params)
    raise DataValidationError(
        f"spend_model must be a fitted GammaGamma or a number (value per purchase), got {type(spend_model).__name__}.",
        column="spend_model",
        fix="Fit GammaGamma().fit(rfm) or pass the average order value.",
    )


def discounted_purchases(
    model,
    rfm: pl.DataFrame,
    horizon_months: int,
    discount_rate: float,
    time_unit: str = "W",
    params=None,
) -> np.ndarray:
    """Discounted expected repeat purchases of each customer over the horizon."""
    x, tx, T = as_arrays(rfm, ("frequency", "recency", "T"), type(model).__name__)
    grid = _month_grid(horizon_months, time_unit)
    unique, inverse = np.unique(np.column_stack([x, tx, T]), axis=0, return_inverse=True)
    cumulative = np.column_stack(
        [
            model._conditional(t, unique[:, 0], unique[:, 1], unique[:, 2], params)
            if t > 0
            else np.zeros(len(unique))
            for t in grid
        ]
    )
    per_month = np.diff(cumulative, axis=1)
    _require_finite(model, cumulative)
    return (per_month @ _discount_factors(horizon_months, discount_rate))[inverse.ravel()]


def _require_finite(model, expected: np.ndarray) -> None:
    """Refuse to value customers with predictions that are not numbers (never average NaN)."""
    bad = ~np.isfinite(expected).all(axis=1)
    if bad.any():
        name = type(model).__name__
        raise DataValidationError(
            f"The {name} fit gives no finite expected purchases for {int(bad.sum()):,} of "
            f"{len(bad):,} distinct customer histories, so their value cannot be computed. "
            "The fitted parameters sit at the edge of what the model can describe.",
            fix="Try another purchase model (model=mbgnbd or paretonbd) or more months of orders.",
        )


def customer_lifetime_value(
    purchase_model,
    spend_model,
    rfm: pl.DataFrame,
    *,
    horizon_months: int = 12,
    discount_rate: float = 0.10,
    margin: float = 1.0,
    time_unit: str = "W",
    draws: int = 100,
    level: float = 0.9,
    seed: int = 0,
) -> pl.DataFrame:
    """Discounted future value of each existing customer, with a bootstrap interval.

    Parameters
    ----------
    purchase_model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted on ``rfm`` (same time unit).
    spend_model : GammaGamma or float
        Fitted spend model, or a fixed value per purchase.
    rfm : DataFrame
        customer_id, frequency, recency, T, monetary_value.
    horizon_months, discount_rate, margin
        Months ahead, annual discount rate (0.10 = 10%), margin as share of revenue
        (1.0 = value in revenue).
    draws : int
        Bootstrap draws for the interval (0 = no interval).
    level : float
        Interval level.

    Returns
    -------
    DataFrame
        customer_id, discounted_purchases (expected repeat purchases, each discounted to
        today), expected_spend, clv, clv_lower, clv_upper.
    """
    if not 0 < margin <= 1:
        raise DataValidationError(
            f"margin {margin} must be a share between 0 and 1 (e.g. 0.3).",
            column="margin",
            fix="Give the contribution margin as a share of revenue.",
        )
    purchases = discounted_purchases(purchase_model, rfm, horizon_months, discount_rate, time_unit)
    spend = _spend(spend_model, rfm)
    clv = margin * purchases * spend
    frame = pl.DataFrame(
        {
            "discounted_purchases": purchases,
            "expected_spend": spend,
            "clv": clv,
        }
    )
    if "customer_id" in rfm.columns:
        frame = frame.insert_column(0, rfm["customer_id"])
    if draws:
        lower, upper = _bootstrap(
            purchase_model,
            spend_model,
            rfm,
            horizon_months,
            discount_rate,
            margin,
            time_unit,
            draws,
            level,
            seed,
        )
        frame = frame.with_columns(pl.Series("clv_lower", lower), pl.Series("clv_upper", upper))
    return frame


def _bootstrap(
    purchase_model,
    spend_model,
    rfm,
    horizon_months,
    discount_rate,
    margin,
    time_unit,
    draws,
    level,
    seed,
):
    purchase_draws = purchase_model.parameter_draws(draws, seed)
    spend_draws = (
        spend_model.parameter_draws(draws, seed + 1)
        if isinstance(spend_model, GammaGamma)
        else [None] * draws
    )
    tail = (1 - level) / 2
    lower, upper = np.empty(rfm.height), np.empty(rfm.height)
    # Customers in blocks: the draws of one block are a block x draws matrix, so 5 million
    # customers need 100 MB at a time instead of 2 GB (times the quantiles' copies).
    for start in range(0, rfm.height, BOOTSTRAP_BLOCK):
        block = rfm.slice(start, BOOTSTRAP_BLOCK)
        values = np.column_stack(
            [
                margin
                * discounted_purchases(
                    purchase_model, block, horizon_months, discount_rate, time_unit, p
                )
                * _spend(spend_model, block, s)
                for p, s in zip(purchase_draws, spend_draws, strict=True)
            ]
        )
        stop = start + block.height
        lower[start:stop] = row_quantiles(values, tail)
        upper[start:stop] = row_quantiles(values, 1 - tail)
    return lower, upper


def new_customer_value(
    purchase_model,
    spend_model,
    *,
    horizon_months: int = 12,
    discount_rate: float = 0.10,
    margin: float = 1.0,
    time_unit: str = "W",
    include_first_purchase: bool = True,
    params=None,
    spend_params=None,
) -> pl.DataFrame:
    """Month-by-month discounted value of an average customer acquired today.

    The first purchase (month 0, not discounted) is included by default, so the cumulative
    value can be set against the cost of acquiring the customer (payback).

    Returns
    -------
    DataFrame
        month, expected_purchases (in the month, first order included in month 0),
        value (discounted margin in the month), cumulative_value.
    """
    grid = _month_grid(horizon_months, time_unit)
    cumulative = np.asarray(
        purchase_model.expected_purchases_new_customer(grid, params), dtype=float
    )
    per_month = np.concatenate([[1.0 if include_first_purchase else 0.0], np.diff(cumulative)])
    if isinstance(spend_model, GammaGamma):
        p, q, v = np.exp(spend_model.log_params_) if spend_params is None else spend_params
        spend = p * v / (q - 1)
    else:
        spend = float(spend_model)
    discount = np.concatenate([[1.0], _discount_factors(horizon_months, discount_rate)])
    value = margin * spend * per_month * discount
    return pl.DataFrame(
        {
            "month": np.arange(horizon_months + 1),
            "expected_purchases": per_month,
            "value": value,
            "cumulative_value": np.cumsum(value),
        }
    )


def new_customer_value_interval(
    purchase_model, spend_model, *, draws: int = 200, level: float = 0.9, seed: int = 0, **options
) -> tuple[float, float, float]:
    """Point estimate and bootstrap interval of an average new customer's CLV over the horizon."""
    point = new_customer_value(purchase_model, spend_model, **options)["cumulative_value"][-1]
    purchase_draws = purchase_model.parameter_draws(draws, seed)
    spend_draws = (
        spend_model.parameter_draws(draws, seed + 1)
        if isinstance(spend_model, GammaGamma)
        else [None] * draws
    )
    values = np.array(
        [
            new_customer_value(purchase_model, spend_model, params=p, spend_params=s, **options)[
                "cumulative_value"
            ][-1]
            for p, s in zip(purchase_draws, spend_draws, strict=True)
        ]
    )
    tail = (1 - level) / 2
    return (
        float(point),
        float(np.nanquantile(values, tail)),
        float(np.nanquantile(values, 1 - tail)),
    )


def _engine_totals(orders) -> pl.LazyFrame:
    """The margin and revenue sums of an engine's orders, as a one-row frame."""
    if "margin" not in frames.columns(orders):
        return pl.LazyFrame({"revenue": [0.0]})  # only the missing column matters below
    totals = engine_ltv.order_facts(orders)
    # A column of nulls sums to 0 in polars; the engines give null.
    return pl.LazyFrame(
        {"margin": [totals["margin"] or 0.0], "revenue": [totals["revenue"] or 0.0]}
    )


def margin_share(orders) -> float:
    """Contribution margin as a share of revenue, from the optional ``margin`` column.

    ``orders`` may also be a DuckDB relation or Spark DataFrame: the two sums are computed
    inside the engine.
    """
    orders = _engine_totals(orders) if frames.is_engine_frame(orders) else orders.lazy()
    if "margin" not in orders.collect_schema().names():
        raise DataValidationError(
            "orders has no margin column; pass margin as a share instead.",
            source="orders",
            column="margin",
            fix="Set margin=0.3 (for 30%) in the parameters.",
        )
    totals = orders.select(pl.col("margin").sum(), pl.col("revenue").sum()).collect()
    return float(totals["margin"].item() / totals["revenue"].item())
