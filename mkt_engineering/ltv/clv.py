"""Customer lifetime value: discounted future margin from a purchase model and a spend model.

CLV over a horizon of H months is

    margin * sum_{k=1..H} (E[X(k)] - E[X(k-1)]) * spend / (1 + d)^k

with E[X(k)] the expected repeat purchases in the first k months (conditional on a
customer's history, or unconditional for a new customer), spend the expected value per
purchase, margin the share of revenue that is contribution margin, and d the monthly
discount rate that compounds to the annual ``discount_rate``. Intervals come from a
parametric bootstrap: parameter sets drawn from the estimates' asymptotic normal law.

The horizon, discount rate, margin and time unit come as one `ValueSettings`.

Examples
--------
>>> round(float(ValueSettings(horizon_months=12).discount_factors().sum()), 2)
11.4
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines import ltv as engine_ltv
from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv.models.base import as_arrays, level_codes, period_purchases
from mkt_engineering.ltv.models.gammagamma import GammaGamma
from mkt_engineering.ltv.settings import ValueSettings, value_settings
from mkt_engineering.numeric import in_threads, sorted_row_quantiles

#: Most customers per block of the CLV interval's draws.
BOOTSTRAP_BLOCK = 250_000
#: Most values (customers x draws) per block: 250,000 floats are 2 MB per array, so the
#: dozen passes over a block stay in the processor's cache; blocks of 2 million values
#: (16 MB) made the 200-draw valuation of a million customers 20% slower.
VALUES_PER_BLOCK = 250_000
FRT = ("frequency", "recency", "T")


def _spend(spend_model, rfm: pl.DataFrame, params=None) -> np.ndarray:
    """Expected value per future purchase of each customer."""
    if isinstance(spend_model, int | float):
        return np.full(rfm.height, float(spend_model))
    if isinstance(spend_model, GammaGamma):
        x, m = as_arrays(rfm, ("frequency", "monetary_value"), "customer_lifetime_value")
        spend = spend_model.expected_spend_of(x, m, params)
        require_finite_spend(spend_model, ~np.isfinite(spend))
        return spend
    raise DataValidationError(
        "spend_model must be a fitted GammaGamma or a number (value per purchase), got "
        f"{type(spend_model).__name__}.",
        column="spend_model",
        fix="Fit GammaGamma().fit(rfm) or pass the average order value.",
    )


def require_finite_spend(spend_model, failed: np.ndarray, counted: str = "customers") -> None:
    """Refuse spend the Gamma-Gamma fit cannot give as a finite mean (q <= 1).

    With q <= 1 the fitted spend distribution has no finite mean, and customers with few
    purchases (always those with none) get no finite expected spend; their value would be
    infinite or, in the formula, negative.

    Parameters
    ----------
    spend_model : GammaGamma
        The fit, for its q in the message.
    failed : ndarray of bool
        One flag per customer, per parameter draw, or one for the new customer.
    counted : {"customers", "draws", "new customer"}
        What the flags count, for the message.
    """
    failures = int(np.count_nonzero(failed))
    if not failures:
        return
    q = float(np.exp(spend_model.log_params_)[1])
    where = {
        "customers": f"for {failures:,} customers",
        "draws": f"under {failures:,} of its {np.size(failed):,} parameter draws (the interval)",
        "new customer": "for a new customer",
    }[counted]
    raise DataValidationError(
        f"The Gamma-Gamma spend model gives no finite expected spend {where}: its fitted "
        f"q is {q:.3g}, and q <= 1 means spend per order is so heavy-tailed that an "
        "average order value does not exist for customers with few orders.",
        column="monetary_value",
        fix="Check the revenue column for outliers (refunds, test orders, B2B bulk orders) "
        "or value customers with a fixed order value (spend_model = the average order value).",
    )


@dataclass
class Histories:
    """The distinct customer histories (frequency, recency, T) of an RFM table.

    ``x``, ``tx`` and ``T`` hold one row per distinct history, sorted by frequency, then
    age, then recency (so histories with the same (frequency, age) pair are neighbours);
    ``index`` is each customer's history and ``order`` the customers sorted by history.
    """

    x: np.ndarray
    tx: np.ndarray
    T: np.ndarray
    index: np.ndarray
    order: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.x.size)


def distinct_histories(x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> Histories:
    """Number the distinct (frequency, recency, T) rows: one sort of an integer key.

    Examples
    --------
    >>> found = distinct_histories(np.array([1.0, 0, 1]), np.array([4.0, 0, 4]),
    ...                            np.array([9.0, 9, 9]))
    >>> found.x, found.index, found.order
    (array([0., 1.]), array([1, 0, 1]), array([1, 0, 2]))
    """
    if x.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Histories(x, tx, T, empty, empty)
    coded = [level_codes(column) for column in (x, T, tx)]
    sizes = [float(levels.size) for levels, _ in coded]
    if sizes[0] * sizes[1] * sizes[2] < 2.0**62:
        key = np.zeros(x.size, dtype=np.int64)
        for levels, codes in coded:
            key = key * levels.size + codes
        # Any order within a history will do (every customer of it has its values), and
        # numpy's default sort of integers is 4x faster than the stable one (0.03 s at 1M).
        order = np.argsort(key)
        ordered = key[order]
        starts = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    else:  # the key would overflow: sort by the columns themselves
        order = np.lexsort((tx, T, x))
        changes = [np.diff(column[order]) != 0 for column in (x, T, tx)]
        starts = np.concatenate([[True], changes[0] | changes[1] | changes[2]])
    index = np.empty(x.size, dtype=np.int64)
    index[order] = np.cumsum(starts) - 1
    firsts = order[starts]
    return Histories(x[firsts], tx[firsts], T[firsts], index, order)


def history_purchases(
    model,
    histories: Histories,
    grid: np.ndarray,
    discount: np.ndarray | None,
    rows: slice = slice(None),
    params: np.ndarray | None = None,
) -> np.ndarray:
    """Expected repeat purchases of distinct histories (``rows`` of them), checked finite.

    The model's own ``period_purchases``; an object without one (any object with
    ``conditional_purchases``) takes the generic path of `models.base.period_purchases`.

    Parameters
    ----------
    model : purchase model
        Fitted.
    histories : Histories
        From `distinct_histories`.
    grid : ndarray
        Times from 0, e.g. `ValueSettings.month_grid`.
    discount : ndarray or None
        One weight per period (`ValueSettings.discount_factors`): the weighted sum; None
        keeps the periods.
    rows : slice
        The histories to value.
    params : ndarray, optional
        Parameter draws (draws x parameters); default the fitted parameters.

    Returns
    -------
    ndarray
        rows (with ``discount``) or rows x periods; draws x rows with ``params``.

    Raises
    ------
    DataValidationError
        When the model gives no finite number for some history (never averaged in).

    Examples
    --------
    >>> from mkt_engineering.ltv import BetaGeo
    >>> model = BetaGeo()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> found = distinct_histories(np.array([0.0, 2.0]), np.array([0.0, 30.0]),
    ...                            np.array([38.0, 38.0]))
    >>> history_purchases(model, found, np.array([0.0, 4.0, 8.0]), None).shape
    (2, 2)
    """
    method = getattr(model, "period_purchases", None)
    arguments = (grid, histories.x[rows], histories.tx[rows], histories.T[rows])
    if method is None:
        values = period_purchases(model, *arguments, weights=discount, params=params)
    else:
        values = method(*arguments, weights=discount, params=params)
    _require_finite(model, values, drawn=params is not None)
    return values


def discounted_purchases(
    model,
    rfm: pl.DataFrame,
    settings: ValueSettings | None = None,
    *,
    horizon_months: int | None = None,
    discount_rate: float | None = None,
    time_unit: str | None = None,
    params=None,
) -> np.ndarray:
    """Discounted expected repeat purchases of each customer over the horizon.

    Computed once per distinct (frequency, recency, T) history and gathered per customer.

    Parameters
    ----------
    model : purchase model
        Fitted on ``rfm``.
    rfm : DataFrame
        frequency, recency, T.
    settings : ValueSettings, optional
        Horizon, discount rate and time unit; the keywords, where given, replace them.
    params : ndarray, optional
        Parameter draws (draws x parameters); default the fitted parameters.

    Returns
    -------
    ndarray
        One value per customer (draws x customers with ``params``).
    """
    settings = value_settings(
        settings, horizon_months=horizon_months, discount_rate=discount_rate, time_unit=time_unit
    )
    x, tx, T = as_arrays(rfm, FRT, type(model).__name__)
    histories = distinct_histories(x, tx, T)
    values = history_purchases(
        model, histories, settings.month_grid(), settings.discount_factors(), params=params
    )
    return values[..., histories.index]


def _require_finite(model, expected: np.ndarray, drawn: bool = False) -> None:
    """Refuse to value customers with predictions that are not numbers (never average NaN).

    ``expected`` has one row per distinct history: rows or rows x periods, and with
    ``drawn`` a leading draws axis. A history counts once however many of its values fail.
    """
    bad = ~np.isfinite(expected)
    history_axis = 1 if drawn and bad.ndim > 1 else 0
    bad = bad.any(axis=tuple(a for a in range(bad.ndim) if a != history_axis))
    if bad.any():
        name = type(model).__name__
        which = (
            f"under some of its parameter draws (the interval) for at least {int(bad.sum()):,} "
            "distinct customer histories"
            if drawn
            else f"for {int(bad.sum()):,} of {len(bad):,} distinct customer histories"
        )
        raise DataValidationError(
            f"The {name} fit gives no finite expected purchases {which}, so their value "
            "cannot be computed. The fitted parameters sit at the edge of what the model "
            "can describe.",
            fix="Try another purchase model (model=mbgnbd or paretonbd) or more months of orders.",
        )


def customer_lifetime_value(
    purchase_model,
    spend_model,
    rfm: pl.DataFrame,
    settings: ValueSettings | None = None,
    *,
    horizon_months: int | None = None,
    discount_rate: float | None = None,
    margin: float | None = None,
    time_unit: str | None = None,
    draws: int = 100,
    level: float = 0.9,
    seed: int = 0,
) -> pl.DataFrame:
    """Discounted future value of each existing customer, with a bootstrap interval.

    The purchase part is computed once per distinct (frequency, recency, T) history, and
    the spend part is applied per customer through the Gamma-Gamma mean's closed form
    (affine in the customer's mean spend); see `customer_value_intervals` for the draws.

    Parameters
    ----------
    purchase_model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted on ``rfm`` (same time unit).
    spend_model : GammaGamma or float
        Fitted spend model, or a fixed value per purchase.
    rfm : DataFrame
        customer_id, frequency, recency, T, monetary_value.
    settings : ValueSettings, optional
        Months ahead, annual discount rate (0.10 = 10%), margin as share of revenue
        (1.0 = value in revenue) and time unit; default ``ValueSettings()``.
    horizon_months, discount_rate, margin, time_unit : optional
        Given by name, each replaces the value in ``settings``.
    draws : int
        Bootstrap draws for the interval (0 = no interval).
    level : float
        Interval level.

    Returns
    -------
    DataFrame
        customer_id, discounted_purchases (expected repeat purchases, each discounted to
        today), expected_spend, clv, clv_lower, clv_upper.

    Examples
    --------
    >>> import polars as pl
    >>> from mkt_engineering.ltv import BetaGeo
    >>> model = BetaGeo()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> rfm = pl.DataFrame({"customer_id": [1, 2], "frequency": [0, 3], "recency": [0.0, 20.0],
    ...                     "T": [30.0, 30.0]})
    >>> customer_lifetime_value(model, 25.0, rfm, draws=0)["clv"].round(2).to_list()
    [7.26, 56.56]
    >>> settings = ValueSettings(horizon_months=12, margin=0.5)
    >>> customer_lifetime_value(model, 25.0, rfm, settings, draws=0)["clv"].round(2).to_list()
    [3.63, 28.28]
    """
    settings = value_settings(
        settings,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin=margin,
        time_unit=time_unit,
    )
    margin = settings.margin
    x, tx, T = as_arrays(rfm, FRT, type(purchase_model).__name__)
    spend = _spend(spend_model, rfm)
    grid, discount = settings.month_grid(), settings.discount_factors()
    histories = distinct_histories(x, tx, T)
    purchases = history_purchases(purchase_model, histories, grid, discount)[histories.index]
    frame = pl.DataFrame(
        {
            "discounted_purchases": purchases,
            "expected_spend": spend,
            "clv": margin * purchases * spend,
        }
    )
    if "customer_id" in rfm.columns:
        frame = frame.insert_column(0, rfm["customer_id"])
    if draws:
        lower, upper = customer_value_intervals(
            purchase_model,
            spend_model,
            rfm,
            histories,
            grid,
            discount,
            margin=margin,
            draws=draws,
            level=level,
            seed=seed,
        )
        frame = frame.with_columns(pl.Series("clv_lower", lower), pl.Series("clv_upper", upper))
    return frame


def _spend_draws(spend_model, rfm: pl.DataFrame, draws: int, seed: int):
    """Per frequency level and draw, the intercept and slope of the expected spend.

    Returns the two (levels x draws; the slope None for a fixed value per purchase), each
    customer's level and each customer's mean spend (None for a fixed value).
    """
    if not isinstance(spend_model, GammaGamma):
        value = np.full((1, draws), float(spend_model))
        return value, None, np.zeros(rfm.height, dtype=np.int64), None
    x, m = as_arrays(rfm, ("frequency", "monetary_value"), "customer_lifetime_value")
    levels, codes = level_codes(x)
    intercept, slope = spend_model.spend_coefficients(
        levels, spend_model.parameter_draws(draws, seed)
    )
    # draws x levels: a draw fails at any level
    require_finite_spend(spend_model, ~np.isfinite(intercept).all(axis=1), "draws")
    return np.ascontiguousarray(intercept.T), np.ascontiguousarray(slope.T), codes, m


def _purchases_under_draws(model, histories: Histories, grid, discount, draws):
    """The model's valuer of history slices under draws; the generic one for other objects."""
    method = getattr(model, "purchases_under_draws", None)
    if method is not None:
        return method(grid, discount, histories.x, histories.tx, histories.T, draws)
    return lambda rows: history_purchases(model, histories, grid, discount, rows, draws)


def customer_value_intervals(
    purchase_model,
    spend_model,
    rfm: pl.DataFrame,
    histories: Histories,
    grid: np.ndarray,
    discount: np.ndarray,
    *,
    margin: float,
    draws: int,
    level: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's ``level`` interval of the CLV under parameter draws.

    Under draw d, customer i with history h and mean spend m is worth
    margin * P_d(h) * (a_d(x) + b_d(x) m): P_d, the discounted purchases, is computed once
    per distinct history for all draws at once, a_d and b_d once per frequency, and the
    product and its quantiles once per distinct (history, mean spend) row
    (`distinct_values`): customers without a repeat purchase (mean spend 0) share one row
    per history. Purchase and spend draws pair up as they always did (seeds ``seed`` and
    ``seed + 1``). Rows go in blocks, sorted by history, so a block needs the draws of a
    contiguous run of histories only, and memory stays at block x draws floats.
    """
    purchase_draws = purchase_model.parameter_draws(draws, seed)
    intercept, slope, codes, mean_spend = _spend_draws(spend_model, rfm, draws, seed + 1)
    rows = distinct_values(histories.index, mean_spend)
    tail = (1 - level) / 2
    lower, upper = np.empty(rows.count), np.empty(rows.count)
    block = max(1, min(BOOTSTRAP_BLOCK, VALUES_PER_BLOCK // draws))
    value = _purchases_under_draws(purchase_model, histories, grid, discount, purchase_draws)

    def interval(start: int) -> None:
        chosen = slice(start, start + block)
        history = rows.history[chosen]  # increasing: rows are sorted by history
        first, last = int(history[0]), int(history[-1]) + 1
        per_history = value(slice(first, last))
        _require_finite(purchase_model, per_history, drawn=True)
        purchases = per_history.T[history - first]  # one copy, rows x draws
        customers = rows.customer[chosen]  # one customer of each row stands for the row
        level = codes[customers]
        worth = intercept[level]  # in place from here: each pass is block x draws floats
        if slope is not None:
            step = slope[level]
            step *= mean_spend[customers, None]
            worth += step
        worth *= purchases
        # The margin, a share >= 0, scales the quantiles as it scales the values.
        low, high = sorted_row_quantiles(worth, (tail, 1 - tail))
        lower[chosen], upper[chosen] = margin * low, margin * high

    # Blocks go to the cores (each writes its own rows): 1.5x faster on 2 cores.
    in_threads(interval, range(0, rows.count, block))
    return lower[rows.inverse], upper[rows.inverse]


@dataclass
class DistinctValues:
    """The distinct (history, mean spend) rows of customers, sorted by history.

    ``history`` is each row's history, ``customer`` one customer of the row (whose
    frequency and mean spend the row has), ``inverse`` each customer's row.
    """

    history: np.ndarray
    customer: np.ndarray
    inverse: np.ndarray

    @property
    def count(self) -> int:
        return int(self.history.size)


def distinct_values(history: np.ndarray, mean_spend: np.ndarray | None) -> DistinctValues:
    """Number the distinct (history, mean spend) pairs: one sort of an integer key.

    A customer's value under every draw depends on her history (frequency, recency, T) and
    her mean spend only, so customers with the same pair (all who never bought again
    share a mean spend of 0) are valued once. Without mean spends (a fixed value per
    purchase), the rows are the histories.

    Examples
    --------
    >>> rows = distinct_values(np.array([1, 0, 1, 1]), np.array([5.0, 0.0, 5.0, 7.0]))
    >>> rows.history, rows.inverse
    (array([0, 1, 1]), array([1, 0, 1, 2]))
    """
    key = history.astype(np.int64)
    if mean_spend is not None:
        levels, spend = level_codes(mean_spend)
        if (int(key.max(initial=0)) + 1) * max(levels.size, 1) < 2**62:
            key = key * levels.size + spend
        else:  # the key would overflow: sort by both columns
            order = np.lexsort((spend, key))
            changes = (np.diff(key[order]) != 0) | (np.diff(spend[order]) != 0)
            return _numbered(history, order, changes)
    order = np.argsort(key)  # any customer of a row stands for it (see distinct_histories)
    return _numbered(history, order, np.diff(key[order]) != 0)


def _numbered(history: np.ndarray, order: np.ndarray, changes: np.ndarray) -> DistinctValues:
    """`DistinctValues` from the customers in row order and where a new row starts."""
    starts = np.concatenate([[True], changes]) if order.size else np.zeros(0, dtype=bool)
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    customer = order[starts]
    return DistinctValues(history[customer], customer, inverse)


def new_customer_value(
    purchase_model,
    spend_model,
    settings: ValueSettings | None = None,
    *,
    horizon_months: int | None = None,
    discount_rate: float | None = None,
    margin: float | None = None,
    time_unit: str | None = None,
    include_first_purchase: bool = True,
    params=None,
    spend_params=None,
) -> pl.DataFrame:
    """Month-by-month discounted value of an average customer acquired today.

    The first purchase (month 0, not discounted) is included by default, so the cumulative
    value can be set against the cost of acquiring the customer (payback).

    Parameters
    ----------
    purchase_model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        Fitted.
    spend_model : GammaGamma or float
        Fitted spend model (its population mean spend), or a value per purchase.
    settings : ValueSettings, optional
        Horizon, discount rate, margin and time unit; default ``ValueSettings()``.
    horizon_months, discount_rate, margin, time_unit : optional
        Given by name, each replaces the value in ``settings``.
    include_first_purchase : bool
        Count the first order in month 0.
    params, spend_params : ndarray, optional
        One parameter set of each model (natural scale); default the fitted ones.

    Returns
    -------
    DataFrame
        month, expected_purchases (in the month, first order included in month 0),
        value (discounted margin in the month), cumulative_value.

    Examples
    --------
    >>> from mkt_engineering.ltv import BetaGeo
    >>> model = BetaGeo()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> curve = new_customer_value(model, 25.0, ValueSettings(horizon_months=12, margin=0.3))
    >>> round(curve["cumulative_value"][-1], 2)
    17.83
    """
    settings = value_settings(
        settings,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin=margin,
        time_unit=time_unit,
    )
    cumulative = np.asarray(
        purchase_model.expected_purchases_new_customer(settings.month_grid(), params), dtype=float
    )
    per_month = np.concatenate([[1.0 if include_first_purchase else 0.0], np.diff(cumulative)])
    if isinstance(spend_model, GammaGamma):
        p, q, v = np.exp(spend_model.log_params_) if spend_params is None else spend_params
        # q <= 1: no finite mean; refused for the fit, NaN under a draw (the interval refuses)
        require_finite_spend(spend_model, np.array(spend_params is None and q <= 1), "new customer")
        spend = p * v / (q - 1) if q > 1 else np.nan
    else:
        spend = float(spend_model)
    discount = np.concatenate([[1.0], settings.discount_factors()])
    value = settings.margin * spend * per_month * discount
    return pl.DataFrame(
        {
            "month": np.arange(settings.horizon_months + 1),
            "expected_purchases": per_month,
            "value": value,
            "cumulative_value": np.cumsum(value),
        }
    )


def new_customer_value_interval(
    purchase_model,
    spend_model,
    settings: ValueSettings | None = None,
    *,
    draws: int = 200,
    level: float = 0.9,
    seed: int = 0,
    **options,
) -> tuple[float, float, float]:
    """Point estimate and bootstrap interval of an average new customer's CLV over the horizon.

    Parameters
    ----------
    purchase_model, spend_model
        As for `new_customer_value`.
    settings : ValueSettings, optional
        Horizon, discount rate, margin and time unit; default ``ValueSettings()``.
    draws : int
        Parameter draws of each model (see `LikelihoodModel.parameter_draws`).
    level : float
        Interval level.
    seed : int
        Seed of the purchase model's draws (the spend model's is ``seed + 1``).
    **options
        Further keywords of `new_customer_value` (e.g. ``horizon_months``,
        ``include_first_purchase``).

    Returns
    -------
    tuple of float
        The value with the fitted parameters, and the interval's lower and upper ends.

    Examples
    --------
    >>> from mkt_engineering.ltv import BetaGeo
    >>> model = BetaGeo()
    >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    >>> model.log_covariance_ = np.diag([0.01, 0.01, 0.01, 0.01])
    >>> point, low, high = new_customer_value_interval(model, 25.0, draws=50)
    >>> bool(low < point < high)
    True
    """
    names = ("horizon_months", "discount_rate", "margin", "time_unit")
    settings = value_settings(settings, **{name: options.pop(name, None) for name in names})
    point = new_customer_value(purchase_model, spend_model, settings, **options)
    purchase_draws = purchase_model.parameter_draws(draws, seed)
    spend_draws = (
        spend_model.parameter_draws(draws, seed + 1)
        if isinstance(spend_model, GammaGamma)
        else [None] * draws
    )
    values = np.array(
        [
            new_customer_value(
                purchase_model, spend_model, settings, params=p, spend_params=s, **options
            )["cumulative_value"][-1]
            for p, s in zip(purchase_draws, spend_draws, strict=True)
        ]
    )
    failed = int(np.count_nonzero(~np.isfinite(values)))
    if failed:  # a quantile of the rest would be an interval of another model: refused
        raise DataValidationError(
            f"{failed:,} of {draws:,} parameter draws give no finite value of a new "
            "customer, so the interval cannot be computed. The fitted parameters sit at "
            "the edge of what the model can describe.",
            fix="Try another purchase model (model=mbgnbd or paretonbd) or more months of orders.",
        )
    tail = (1 - level) / 2
    return (
        float(point["cumulative_value"][-1]),
        float(np.quantile(values, tail)),
        float(np.quantile(values, 1 - tail)),
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

    Parameters
    ----------
    orders : DataFrame, LazyFrame or an engine's table
        The ``orders`` contract with a margin column.

    Returns
    -------
    float
        Total margin / total revenue.

    Examples
    --------
    >>> orders = pl.DataFrame({"revenue": [10.0, 30.0], "margin": [3.0, 9.0]})
    >>> margin_share(orders)
    0.3
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
