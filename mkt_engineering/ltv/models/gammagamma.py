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

import numpy as np
import polars as pl
from scipy import stats
from scipy.special import digamma, gammaln

from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv.models.base import (
    CompressedData,
    LikelihoodModel,
    as_arrays,
    stacked_draws,
)

COLUMNS = ("frequency", "monetary_value")


def _negative_log_likelihood(
    log_params: np.ndarray, data: CompressedData
) -> tuple[float, np.ndarray]:
    params = np.exp(log_params)
    p, q, v = params
    x, m, w = data.values["frequency"], data.values["monetary_value"], data.weights
    px = p * x
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + m * x)
    )
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - np.log(v + m * x))
    d_q = digamma(px + q) - digamma(q) + np.log(v) - np.log(v + m * x)
    d_v = q / v - (px + q) / (v + m * x)
    gradient = np.array([w @ d_p, w @ d_q, w @ d_v]) * params
    return -float(w @ ll), -gradient


class GammaGamma(LikelihoodModel):
    """Gamma-Gamma spend model (p, q, v); rows with frequency 0 are left out of the fit."""

    parameter_names = ("p", "q", "v")
    data_columns = COLUMNS
    initial = (1.0, 1.0, 1.0)

    def _negative_log_likelihood(self, log_params, data):
        return _negative_log_likelihood(log_params, data)

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
        return pl.Series("expected_spend", self._expected_spend(x, m, params))

    def _expected_spend(self, x, m, params=None) -> np.ndarray:
        self._check_fitted()
        p, q, v = np.exp(self.log_params_) if params is None else params
        return p * (v + x * m) / (p * x + q - 1)

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
        ...                  model._expected_spend(np.array([0.0, 2.0]), 30.0)))
        True
        """
        self._check_fitted()
        p, q, v = stacked_draws(np.exp(self.log_params_) if params is None else params)
        denominator = p * x + q - 1
        return p * v / denominator, p * x / denominator

    def population_mean_spend(self) -> float:
        """Mean spend per purchase across customers, p v / (q - 1) (infinite if q <= 1)."""
        p, q, v = np.exp(self.log_params_)
        return float(p * v / (q - 1)) if q > 1 else float("inf")


def spend_frequency_check(rfm: pl.DataFrame) -> pl.DataFrame:
    """Test the Gamma-Gamma assumption that spend per purchase does not depend on frequency.

    Returns Pearson and Spearman correlations between frequency and mean repeat spend among
    repeat buyers, with p-values. A small correlation (|rho| < 0.3) is the usual rule.

    Examples
    --------
    >>> import polars as pl
    >>> rfm = pl.DataFrame({"frequency": [1, 2, 3, 4, 5, 6], "monetary_value": [10.0, 12, 9, 11, 10, 12]})
    >>> spend_frequency_check(rfm)["method"].to_list()
    ['pearson', 'spearman']
    """
    x, m = as_arrays(rfm, COLUMNS, "spend_frequency_check")
    repeat = x > 0
    pearson = stats.pearsonr(x[repeat], m[repeat])
    spearman = stats.spearmanr(x[repeat], m[repeat])
    rows = [
        ("pearson", float(pearson.statistic), float(pearson.pvalue)),
        ("spearman", float(spearman.statistic), float(spearman.pvalue)),
    ]
    frame = pl.DataFrame(rows, schema=["method", "correlation", "p_value"], orient="row")
    return frame.with_columns((pl.col("correlation").abs() < 0.3).alias("assumption_ok"))
