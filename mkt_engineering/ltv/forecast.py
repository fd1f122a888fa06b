"""Beyond the peers: cohort revenue forecasts and CLV next to acquisition cost per channel.

- `cohort_revenue_forecast`: expected revenue per cohort and future month, from the
  customers already acquired and from the cohorts an acquisition plan will add.
- `channel_value`: margin CLV of a new customer per acquisition channel next to its
  cost per acquisition (CAC): LTV:CAC ratio and payback month.

Examples
--------
>>> plan_per_month({"search": 100, "social": 50})
150.0
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines import ltv as engine_ltv
from mkt_engineering.errors import DataValidationError, require_columns
from mkt_engineering.ltv.clv import (
    distinct_histories,
    history_purchases,
    new_customer_value,
    require_finite_spend,
)
from mkt_engineering.ltv.cohorts import first_channel
from mkt_engineering.ltv.days import PurchaseDays
from mkt_engineering.ltv.models import BetaGeo, GammaGamma
from mkt_engineering.ltv.rfm import rfm_summary
from mkt_engineering.ltv.settings import ValueSettings, value_settings
from mkt_engineering.values import as_date


def plan_per_month(plan: float | dict[str, float] | None) -> float:
    """New customers per month in an acquisition plan (a number or one per channel)."""
    if plan is None:
        return 0.0
    if isinstance(plan, dict):
        return float(sum(plan.values()))
    return float(plan)


def _month_starts(end: date, months: int) -> list[date]:
    first = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    return [
        date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
        for k in range(months)
    ]


def cohort_revenue_forecast(
    purchase_model,
    spend_model: GammaGamma,
    orders: pl.DataFrame | pl.LazyFrame,
    observation_end: date | str,
    settings: ValueSettings | None = None,
    *,
    horizon_months: int | None = None,
    time_unit: str | None = None,
    acquisition_plan: float | dict[str, float] | None = None,
    margin: float | None = None,
    rfm: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Expected revenue per acquisition cohort (month of first order) and future month.

    Parameters
    ----------
    purchase_model, spend_model
        Fitted on the RFM summary of ``orders`` up to ``observation_end``.
    orders : DataFrame, LazyFrame, `PurchaseDays` or an engine's table
        The ``orders`` contract; a report passes its `purchase_days`, so the orders are not
        scanned again.
    observation_end : date or str
        The last day of the orders the models were fitted on.
    settings : ValueSettings, optional
        Horizon, margin and time unit (the revenue is not discounted: each month's revenue
        is shown in its month); default ``ValueSettings()``.
    horizon_months, time_unit, margin : optional
        Given by name, each replaces the value in ``settings``.
    acquisition_plan : number or dict, optional
        New customers per month from now on (total, or per channel). Each planned month
        becomes a cohort of its own, with a first order and the repeat purchases of an
        average new customer.
    rfm : DataFrame, optional
        The RFM table of these orders up to ``observation_end`` with ``first_purchase``
        (`rfm_summary` with ``keep_first_purchase=True``), when the caller has it: a report
        made it for the models, and a second scan of 100 million orders in DuckDB took
        90 s and the engine's memory on top of what the report already held. None makes it.

    Returns
    -------
    DataFrame
        cohort, month, kind ("existing" or "planned"), expected_revenue, expected_margin
        (the settings' margin share of the revenue).

    Examples
    --------
    >>> from datetime import date
    >>> from mkt_engineering.ltv import BetaGeo, GammaGamma, ValueSettings
    >>> model, spend_model = BetaGeo(), GammaGamma()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> spend_model.log_params_ = np.log([6.25, 3.74, 15.44])
    >>> orders = pl.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3], "revenue": [20.0, 30.0, 25.0, 15.0, 40.0],
    ...     "acquisition_channel": ["search", "search", "social", "social", "search"],
    ...     "order_date": [date(2024, 1, 1), date(2024, 1, 20), date(2024, 1, 8),
    ...                    date(2024, 2, 15), date(2024, 1, 15)]})
    >>> settings = ValueSettings(horizon_months=3, margin=0.3)
    >>> forecast = cohort_revenue_forecast(model, spend_model, orders, "2024-02-29", settings)
    >>> forecast["expected_revenue"].round(2).to_list()
    [17.0, 15.14, 13.73]
    """
    settings = value_settings(
        settings, horizon_months=horizon_months, time_unit=time_unit, margin=margin
    )
    horizon_months, time_unit = settings.horizon_months, settings.time_unit
    end = as_date(observation_end, "observation_end")
    if rfm is None:
        rfm = rfm_summary(orders, end, time_unit, keep_first_purchase=True)
    require_columns(
        rfm,
        ("frequency", "recency", "T", "monetary_value", "first_purchase"),
        source="rfm",
        fix="Make it with rfm_summary(orders, observation_end, keep_first_purchase=True).",
    )
    grid = settings.month_grid()
    frequency, recency, age = (
        rfm[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T")
    )
    months = _month_starts(end, horizon_months)
    spend = spend_model.expected_spend(rfm).to_numpy()
    require_finite_spend(spend_model, ~np.isfinite(spend))
    existing = _existing_revenue(
        purchase_model,
        distinct_histories(frequency, recency, age),
        grid,
        spend,
        rfm["first_purchase"].dt.truncate("1mo"),
    )
    frames = [existing]
    per_month = plan_per_month(acquisition_plan)
    if per_month > 0:
        # Revenue of an average new customer per month: not discounted, not yet margin.
        curve = new_customer_value(
            purchase_model, spend_model, settings, discount_rate=0.0, margin=1.0
        )["value"].to_numpy()
        start, k = np.meshgrid(np.arange(horizon_months), np.arange(horizon_months), indexing="ij")
        age_in_months = k - start
        mask = age_in_months >= 0  # a planned cohort brings revenue from its own month on
        frames.append(
            pl.DataFrame(
                {
                    "cohort": pl.Series([months[i] for i in start[mask]], dtype=pl.Date),
                    "k": k[mask],
                    "expected_revenue": per_month * curve[age_in_months[mask]],
                    "kind": "planned",
                }
            )
        )
    month_of = pl.DataFrame(
        {"k": np.arange(horizon_months), "month": pl.Series(months, dtype=pl.Date)}
    )
    return (
        pl.concat(frames, how="vertical_relaxed")
        .join(month_of, on="k")
        .with_columns((pl.col("expected_revenue") * settings.margin).alias("expected_margin"))
        .select("cohort", "month", "kind", "expected_revenue", "expected_margin")
        .sort("kind", "cohort", "month")
    )


#: Distinct histories per block of the revenue forecast: the expected purchases of a block
#: are block x months floats, plus the model's temporaries of that size.
FORECAST_BLOCK = 250_000


def _existing_revenue(
    purchase_model, histories, grid: np.ndarray, spend: np.ndarray, cohort: pl.Series
) -> pl.DataFrame:
    """Expected revenue per cohort and future month of the customers already acquired.

    Expected purchases per month are computed once per distinct history, in blocks of
    `FORECAST_BLOCK` histories so that memory stays bounded (5 million customers of a
    100-million-order table have millions of distinct histories); each month's revenue per
    cohort is a weighted count (purchases x spend) over its customers.
    """
    levels, codes = np.unique(cohort.to_physical().to_numpy(), return_inverse=True)
    months = grid.size - 1
    revenue = np.zeros((levels.size, months))
    # Customers in the order of their history (`order`), so a block's customers are a slice.
    by_history = histories.index[histories.order]
    for first in range(0, histories.x.size, FORECAST_BLOCK):
        block = slice(first, first + FORECAST_BLOCK)
        per_history = history_purchases(purchase_model, histories, grid, None, rows=block)
        low, high = np.searchsorted(by_history, [first, first + FORECAST_BLOCK])
        customers = histories.order[low:high]
        rows, weights = histories.index[customers] - first, spend[customers]
        for month in range(months):
            revenue[:, month] += np.bincount(
                codes[customers], weights=per_history[rows, month] * weights, minlength=levels.size
            )
    return pl.DataFrame(
        {
            "cohort": pl.Series(np.repeat(levels, months)).cast(pl.Date),
            "k": np.tile(np.arange(months), levels.size),
            "expected_revenue": revenue.ravel(),
            "kind": "existing",
        }
    )


def first_orders(orders) -> pl.DataFrame:
    """Per customer: the day of the first order and its channel (see `cohorts.first_channel`).

    An engine's orders (DuckDB, Spark) are reduced inside the engine.
    """
    if frames.is_engine_frame(orders):
        firsts = engine_ltv.first_orders(orders)
        return firsts.with_columns(pl.col("first").cast(pl.Date))
    if isinstance(orders, PurchaseDays):  # each day row carries the customer's first day
        return (
            orders.lazy()
            .filter(pl.col("day") == pl.col("first"))
            .select("customer_id", "first", "acquisition_channel")
            .collect()
        )
    return (
        orders.lazy()
        .group_by("customer_id")
        .agg(pl.col("order_date").min().cast(pl.Date).alias("first"), first_channel())
        .collect()
    )


def acquisition_cost(spend: pl.DataFrame, orders) -> pl.DataFrame:
    """Cost per acquired customer per channel (CAC).

    Spend divided by the customers whose first order fell in the spend periods.

    Parameters
    ----------
    spend : DataFrame
        channel, spend, [period_start]: acquisition spend per channel (and period).
    orders : DataFrame, LazyFrame, `PurchaseDays` or an engine's table
        The ``orders`` contract with acquisition_channel.

    Returns
    -------
    DataFrame
        acquisition_channel, customers, spend, cac.

    Examples
    --------
    >>> from datetime import date
    >>> orders = pl.DataFrame({"customer_id": [1, 2, 3], "acquisition_channel": ["a", "a", "b"],
    ...                        "order_date": [date(2024, 1, 5)] * 3, "revenue": [9.0] * 3})
    >>> spend = pl.DataFrame({"channel": ["a", "b"], "spend": [100.0, 30.0]})
    >>> acquisition_cost(spend, orders)["cac"].to_list()
    [50.0, 30.0]
    """
    for name, frame, needed in (
        ("spend", spend, ("channel", "spend")),
        ("orders", orders, ("acquisition_channel",)),
    ):
        if isinstance(frame, PurchaseDays):
            frame = frame.frame
        require_columns(
            frames.lazy(frame) if frames.is_engine_frame(frame) else frame,
            needed,
            source=name,
            fix="Map the columns when reading, or give CAC per channel as a parameter instead.",
        )
    first = first_orders(orders)
    if "period_start" in spend.columns:
        lo, hi = spend["period_start"].min(), spend["period_start"].max()
        first = first.filter((pl.col("first") >= lo) & (pl.col("first").dt.truncate("1mo") <= hi))
    acquired = first.group_by("acquisition_channel").agg(pl.len().alias("customers"))
    cost = spend.group_by(pl.col("channel").alias("acquisition_channel")).agg(pl.col("spend").sum())
    return (
        acquired.join(cost, on="acquisition_channel", how="full", coalesce=True)
        .with_columns((pl.col("spend") / pl.col("customers")).alias("cac"))
        .sort("acquisition_channel")
    )


def channel_value(
    orders,
    observation_end: date | str,
    settings: ValueSettings | None = None,
    *,
    spend: pl.DataFrame | None = None,
    cac: dict[str, float] | None = None,
    horizon_months: int | None = None,
    discount_rate: float | None = None,
    margin: float | None = None,
    time_unit: str | None = None,
    model=BetaGeo,
    min_customers: int = 200,
    pooled: tuple | None = None,
    rfm: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Margin CLV of a new customer per acquisition channel next to its CAC.

    A purchase model (``model``) and a Gamma-Gamma spend model are fitted per channel;
    channels with fewer than ``min_customers`` customers use the model of all customers.
    Each channel's fit starts from the pooled models' parameters, so Newton's method needs
    a few steps rather than a walk from the default start.

    Parameters
    ----------
    orders : DataFrame, LazyFrame, `PurchaseDays` or an engine's table
        The ``orders`` contract with acquisition_channel; a report passes its
        `purchase_days`, so the orders are not scanned again.
    observation_end : date or str
        The last day of the orders.
    settings : ValueSettings, optional
        Horizon, discount rate, margin and time unit; default ``ValueSettings()``.
    spend : DataFrame, optional
        Acquisition spend (channel, spend, [period_start]), for the CAC per channel.
    cac : dict, optional
        CAC per channel, when there is no spend table.
    horizon_months, discount_rate, margin, time_unit : optional
        Given by name, each replaces the value in ``settings``.
    model : class
        The purchase model to fit per channel.
    min_customers : int
        Channels with fewer customers use the models of all customers.
    pooled : (purchase model, GammaGamma), optional
        The models of all customers, fitted on the RFM table of the same orders and
        ``observation_end`` (a report has fitted them already; refitting took 45 s at a
        million customers). None fits them here.
    rfm : DataFrame, optional
        The RFM table of the same orders at ``observation_end`` in the settings' time unit,
        with customer_id (a report has made it already); None reduces the orders here.

    Returns
    -------
    DataFrame
        acquisition_channel, customers, clv (margin, discounted, first order included),
        cac, ltv_cac (clv / cac), payback_month (first month whose cumulative margin covers
        CAC; null when not within the horizon), fitted_on ("channel" or "all customers").

    Examples
    --------
    >>> from datetime import date
    >>> from mkt_engineering.ltv import BetaGeo, GammaGamma, ValueSettings
    >>> model, spend_model = BetaGeo(), GammaGamma()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> spend_model.log_params_ = np.log([6.25, 3.74, 15.44])
    >>> orders = pl.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3], "revenue": [20.0, 30.0, 25.0, 15.0, 40.0],
    ...     "acquisition_channel": ["search", "search", "social", "social", "search"],
    ...     "order_date": [date(2024, 1, 1), date(2024, 1, 20), date(2024, 1, 8),
    ...                    date(2024, 2, 15), date(2024, 1, 15)]})
    >>> channels = channel_value(orders, "2024-02-29", ValueSettings(margin=0.3),
    ...                          cac={"search": 10.0, "social": 12.0}, pooled=(model, spend_model))
    >>> channels.select("acquisition_channel", pl.col("ltv_cac").round(2), "payback_month").rows()
    [('search', 2.51, 0), ('social', 2.09, 1)]
    """
    if spend is None and cac is None:
        raise DataValidationError(
            "channel_value needs acquisition spend or a CAC per channel.",
            column="spend",
            fix="Pass spend=<spend table> or cac={'search': 35.0, ...}.",
        )
    settings = value_settings(
        settings,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin=margin,
        time_unit=time_unit,
    )
    end = as_date(observation_end, "observation_end")
    if rfm is None:
        rfm = rfm_summary(orders, end, settings.time_unit)
    rfm = rfm.join(
        first_orders(orders).select("customer_id", "acquisition_channel"), on="customer_id"
    )
    if pooled is None:
        pooled = (model().fit(rfm), GammaGamma().fit(rfm))
    costs = (
        acquisition_cost(spend, orders)
        if spend is not None
        else pl.DataFrame(
            {"acquisition_channel": list(cac), "cac": [float(v) for v in cac.values()]}
        )
    )
    rows = []
    for channel in sorted(rfm["acquisition_channel"].unique().drop_nulls().to_list()):
        part = rfm.filter(pl.col("acquisition_channel") == channel)
        fitted_on, models = "all customers", pooled
        if part.height >= min_customers and (part["frequency"] > 0).sum() >= 20:
            models, fitted_on = _channel_models(model, pooled, part), "channel"
        curve = new_customer_value(*models, settings)
        rows.append(
            {
                "acquisition_channel": channel,
                "customers": part.height,
                "clv": curve["cumulative_value"][-1],
                "curve": curve["cumulative_value"].to_list(),
                "fitted_on": fitted_on,
            }
        )
    table = pl.DataFrame(rows).join(
        costs.select("acquisition_channel", "cac"), on="acquisition_channel", how="left"
    )
    payback = [
        next(
            (month for month, value in enumerate(curve) if cost is not None and value >= cost), None
        )
        for curve, cost in zip(table["curve"].to_list(), table["cac"].to_list(), strict=True)
    ]
    return table.with_columns(
        (pl.col("clv") / pl.col("cac")).alias("ltv_cac"),
        pl.Series("payback_month", payback, dtype=pl.Int64),
    ).select(
        "acquisition_channel", "customers", "clv", "cac", "ltv_cac", "payback_month", "fitted_on"
    )


def _channel_models(model, pooled: tuple, part: pl.DataFrame) -> tuple:
    """A channel's purchase and spend models, each fit started at the pooled estimates."""
    purchase, spend = pooled
    start_purchase = purchase.params_ if isinstance(purchase, model) else None
    return (
        model().fit(part, initial=start_purchase),
        GammaGamma().fit(part, initial=spend.params_),
    )
