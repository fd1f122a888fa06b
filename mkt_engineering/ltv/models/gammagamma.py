"""Gamma-Gamma: how much a customer spends per repeat purchase.

Each purchase value z ~ Gamma(p, nu) with a customer-specific nu ~ Gamma(q, v); the mean
spend per purchase is then p / nu. Fit on repeat buyers only (frequency > 0) with their
mean repeat spend. The model assumes spend per purchase is independent of how often a
customer buys: `spend_frequency_check` tests that.

Data the model needs: frequency (x > 0) and monetary_value (mean repeat spend, > 0).

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using iso-value curves for
customer base analysis. Journal of Marketing Research 42(4), 415-430.
Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/

Examples
--------
>>> import polars as pl
>>> rfm = pl.DataFrame({"frequency": [1, 2, 3, 1, 4, 2] * 30,
...                     "monetary_value": [20.0, 35, 28, 15, 40, 22] * 30})
>>> model = GammaGamma().fit(rfm)
>>> round(model.expected_spend(rfm.head(1)).item(), 1) > 0
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from scipy.special import betainc, digamma, gammaln, polygamma, stdtr

from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv.models.base import (
    CompressedData,
    LikelihoodModel,
    as_arrays,
    stacked_draws,
)

COLUMNS = ("frequency", "monetary_value")


def _terms(log_params: np.ndarray, data: CompressedData, hessian: bool = False):
    """Minus the log-likelihood, its gradient and (optionally) Hessian in log-parameters.

    Per customer with x repeat purchases of mean value m, the log-likelihood is

        gammaln(p x + q) - gammaln(p x) - gammaln(q) + q log v + (p x - 1) log m
        + p x log x - (p x + q) log(v + m x).

    The special functions depend on the frequency alone, so they are evaluated once per
    distinct frequency and weighted by its customers; the terms in log m are fixed sums
    computed once per data set. Per customer and step only log(v + m x) and 1 / (v + m x)
    are evaluated. With the analytic Hessian the fit takes Newton steps (a few instead of
    about a hundred quasi-Newton evaluations).
    """
    p, q, v = params = np.exp(log_params)
    m, w, x = data.values["monetary_value"], data.weights, data.values["frequency"]
    x_levels, _ = data.levels("frequency")
    level_weight = data.level_weights("frequency")
    sums = data.cached("gammagamma log spend", lambda: _log_spend_sums(data))
    total = sums["customers"]
    px_levels = p * x_levels
    log_x_levels = np.log(x_levels)
    basket = v + m * x  # the one term per customer
    log_basket = np.log(basket)
    wx = sums["weighted frequency"]
    weighted_log_basket, xw_log_basket = w @ log_basket, wx @ log_basket
    ll = (
        level_weight @ (gammaln(px_levels + q) - gammaln(px_levels) + px_levels * log_x_levels)
        + total * (q * np.log(v) - gammaln(q))
        + p * (sums["x log m"] - xw_log_basket)
        - sums["log m"]
        - q * weighted_log_basket
    )
    inverse = 1 / basket
    w_inverse, wx_inverse = w @ inverse, wx @ inverse
    shape_w_inverse = p * wx_inverse + q * w_inverse  # sum of w (p x + q) / (v + m x)
    psi_sum, psi_x = digamma(px_levels + q), digamma(px_levels)
    gradient = np.array(
        [
            level_weight @ (x_levels * (psi_sum - psi_x + log_x_levels))
            + sums["x log m"]
            - xw_log_basket,
            level_weight @ psi_sum - total * (digamma(q) - np.log(v)) - weighted_log_basket,
            total * q / v - shape_w_inverse,
        ]
    )
    if not hessian:
        return -float(ll), -gradient * params
    trigamma_sum, trigamma_x = polygamma(1, px_levels + q), polygamma(1, px_levels)
    squared = inverse * inverse
    second = np.empty((3, 3))
    second[0, 0] = level_weight @ (x_levels**2 * (trigamma_sum - trigamma_x))
    second[0, 1] = level_weight @ (x_levels * trigamma_sum)
    second[0, 2] = -wx_inverse
    second[1, 1] = level_weight @ trigamma_sum - total * polygamma(1, q)
    second[1, 2] = total / v - w_inverse
    second[2, 2] = -total * q / v**2 + p * (wx @ squared) + q * (w @ squared)
    second[1, 0], second[2, 0], second[2, 1] = second[0, 1], second[0, 2], second[1, 2]
    log_hessian = second * np.outer(params, params) + np.diag(gradient * params)
    return -float(ll), -gradient * params, -log_hessian


def _log_spend_sums(data: CompressedData) -> dict[str, Any]:
    """Sums over customers that do not change during a fit (weights w, frequencies x)."""
    x, m, w = data.values["frequency"], data.values["monetary_value"], data.weights
    log_m = np.log(m)
    return {
        "customers": float(w.sum()),
        "weighted frequency": w * x,
        "log m": float(w @ log_m),
        "x log m": float((w * x) @ log_m),
    }


class GammaGamma(LikelihoodModel):
    """Gamma-Gamma spend model (p, q, v); rows with frequency 0 are left out of the fit.

    Parameters
    ----------
    penalizer : float
        Optional ridge penalty on the parameters (0 = plain maximum likelihood).
    """

    parameter_names = ("p", "q", "v")
    data_columns = COLUMNS
    initial = (1.0, 1.0, 1.0)

    analytic_hessian = True

    def _negative_log_likelihood(self, log_params, data):
        return _terms(log_params, data)

    def _negative_log_likelihood_hessian(self, log_params, data):
        return _terms(log_params, data, hessian=True)

    def _prepare(self, data: pl.DataFrame) -> CompressedData:
        checked = as_arrays(data, COLUMNS, "GammaGamma")
        repeat = checked[0] > 0
        if np.any(repeat & (checked[1] <= 0)):
            raise DataValidationError(
                "GammaGamma: repeat buyers need a mean spend above 0; some have 0.",
                source="rfm",
                column="monetary_value",
                fix="Drop zero-revenue orders or customers before fitting the spend model.",
            )
        if repeat.sum() < 10:
            raise DataValidationError(
                f"GammaGamma needs at least 10 repeat buyers; the data has {int(repeat.sum())}.",
                source="rfm",
                column="frequency",
                fix="Use a longer period or more customers.",
            )
        frame = pl.DataFrame(
            {"frequency": checked[0][repeat], "monetary_value": checked[1][repeat]}
        )
        return super()._prepare(frame)

    def expected_spend(self, rfm: pl.DataFrame, params=None) -> pl.Series:
        """Expected mean spend per future purchase of each customer.

        A weighted mean of the population mean p v / (q - 1) and the customer's own mean,
        with more weight on the customer's own mean the more purchases she made.
        """
        x, m = as_arrays(rfm, COLUMNS, "GammaGamma")
        return pl.Series("expected_spend", self.expected_spend_of(x, m, params))

    def expected_spend_of(
        self, frequency: np.ndarray, monetary_value: np.ndarray, params=None
    ) -> np.ndarray:
        """Expected mean spend per future purchase, on arrays (see `expected_spend`).

        E[M | x, m] = p (v + x m) / (p x + q - 1).

        Parameters
        ----------
        frequency : ndarray
            Repeat purchases x of each customer.
        monetary_value : ndarray
            Mean repeat spend m of each customer (0 where x = 0).
        params : ndarray, optional
            One parameter set (p, q, v; natural scale); default the fitted ones.

        Returns
        -------
        ndarray
            One expected spend per customer.

        Examples
        --------
        >>> model = GammaGamma()
        >>> model.log_params_ = np.log([6.25, 3.74, 15.44])
        >>> model.expected_spend_of(np.array([1.0, 6.0]), np.array([30.0, 30.0])).round(2)
        array([31.59, 30.36])
        """
        self._check_fitted()
        p, q, v = np.exp(self.log_params_) if params is None else params
        x, m = frequency, monetary_value
        denominator = p * x + q - 1
        # p x + q <= 1 (q <= 1 and few purchases): the posterior mean spend is infinite;
        # NaN, so no negative or infinite spend is ever averaged in (callers refuse it).
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(denominator > 0, p * (v + x * m) / denominator, np.nan)

    def spend_coefficients(self, x, params=None) -> tuple[np.ndarray, np.ndarray]:
        """Intercept and slope of the expected spend in the customer's own mean spend.

        E[M | x, m] = p (v + x m) / (p x + q - 1) = intercept(x) + slope(x) m, so spend
        can be applied after everything that depends on frequency alone: per frequency
        (and parameter draw) two numbers, per customer one multiply-add.

        Parameters
        ----------
        x : ndarray
            Frequencies.
        params : ndarray, optional
            Parameter sets (draws x 3, natural scale); default the fitted ones. With
            draws, both results are draws x frequencies.

        Examples
        --------
        >>> model = GammaGamma()
        >>> model.log_params_ = np.log([6.25, 3.74, 15.44])
        >>> intercept, slope = model.spend_coefficients(np.array([0.0, 2.0]))
        >>> bool(np.allclose(intercept + slope * 30.0,
        ...                  model.expected_spend_of(np.array([0.0, 2.0]), 30.0)))
        True
        """
        self._check_fitted()
        p, q, v = stacked_draws(np.exp(self.log_params_) if params is None else params)
        denominator = p * x + q - 1
        # no finite mean where p x + q <= 1 (see `expected_spend_of`): NaN, never negative
        finite = denominator > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return (
                np.where(finite, p * v / denominator, np.nan),
                np.where(finite, p * x / denominator, np.nan),
            )

    def population_mean_spend(self) -> float:
        """Mean spend per purchase across customers, p v / (q - 1) (infinite if q <= 1)."""
        p, q, v = np.exp(self.log_params_)
        return float(p * v / (q - 1)) if q > 1 else float("inf")


def spend_frequency_check(rfm: pl.DataFrame) -> pl.DataFrame:
    """Test the Gamma-Gamma assumption that spend per purchase does not depend on frequency.

    Pearson and Spearman correlations between frequency and mean repeat spend among repeat
    buyers, with p-values. A small correlation (|rho| < 0.3) is the usual rule.

    Parameters
    ----------
    rfm : DataFrame
        frequency and monetary_value (mean repeat spend) per customer.

    Returns
    -------
    DataFrame
        method ("pearson", "spearman"), correlation, p_value, assumption_ok.

    Examples
    --------
    >>> import polars as pl
    >>> rfm = pl.DataFrame({"frequency": [1, 2, 3, 4, 5, 6],
    ...                     "monetary_value": [10.0, 12, 9, 11, 10, 12]})
    >>> spend_frequency_check(rfm)["method"].to_list()
    ['pearson', 'spearman']
    """
    x, m = as_arrays(rfm, COLUMNS, "spend_frequency_check")
    repeat = x > 0
    x, m = x[repeat], m[repeat]
    pearson = _correlation(x, m)
    spearman = _correlation(*(pl.Series(v).rank("average").to_numpy() for v in (x, m)))
    rows = [
        ("pearson", pearson, _beta_p_value(pearson, x.size)),
        ("spearman", spearman, _t_p_value(spearman, x.size)),
    ]
    frame = pl.DataFrame(rows, schema=["method", "correlation", "p_value"], orient="row")
    return frame.with_columns((pl.col("correlation").abs() < 0.3).alias("assumption_ok"))


# scipy.stats' pearsonr and spearmanr, on numpy and scipy.special: scipy.stats took 0.5 s
# to import into every lifetime-value report for these two numbers.
def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's r as scipy computes it (centred, then scaled), NaN for a constant column.

    Examples
    --------
    >>> round(_correlation(np.array([1.0, 2, 3, 4]), np.array([2.0, 4, 5, 9])), 6)
    0.964764
    """
    if a.size < 2:
        return float("nan")
    a, b = a - a.mean(), b - b.mean()
    if not (np.abs(a).max() > 0 and np.abs(b).max() > 0):
        return float("nan")
    a, b = a / np.abs(a).max(), b / np.abs(b).max()  # no overflow in the norms
    return float(np.clip(np.dot(a / np.linalg.norm(a), b / np.linalg.norm(b)), -1.0, 1.0))


def _beta_p_value(r: float, n: int) -> float:
    """Two-sided p-value of Pearson's r under independence (scipy's exact beta form).

    Examples
    --------
    >>> round(_beta_p_value(0.964764, 4), 4)  # scipy.stats.pearsonr: 0.0352
    0.0352
    """
    if n < 3 or not np.isfinite(r):
        return float("nan")
    half = n / 2 - 1
    return float(min(1.0, 2 * betainc(half, half, (1 - abs(r)) / 2)))


def _t_p_value(r: float, n: int) -> float:
    """Two-sided p-value of a rank correlation by the t distribution (as scipy's spearmanr).

    Examples
    --------
    >>> round(_t_p_value(0.8, 4), 4)
    0.2
    """
    if n < 3 or not np.isfinite(r):
        return float("nan")
    if abs(r) >= 1 - 1e-12:  # perfectly ranked, to rounding: t is infinite
        return 0.0
    t = r * np.sqrt((n - 2) / ((1 + r) * (1 - r)))
    return float(2 * stdtr(n - 2, -abs(t)))
