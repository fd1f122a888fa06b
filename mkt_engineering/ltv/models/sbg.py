"""Shifted-beta-geometric (sBG): retention of contractual or subscription cohorts.

Each customer renews every period with her own churn probability theta ~ Beta(alpha, beta).
Fitted on the number of customers still active at the start of each period of a cohort,
it projects retention and survival far beyond the observed periods, and gives the
discounted expected residual lifetime (DERL) that turns a subscription price into a CLV.

Data the model needs: a list of survivor counts, the first being the cohort size, e.g.
``[1000, 631, 468, 382, 326]``; or a frame with a ``survivors`` column in period order.

References
----------
Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
Interactive Marketing 21(1), 76-90.
Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting:
The perils of ignoring heterogeneity. Marketing Science 29(1), 85-93.

Examples
--------
>>> model = ShiftedBetaGeo().fit([1000, 631, 468, 382, 326, 289, 262, 241])
>>> {k: round(v, 3) for k, v in model.params_.items()}
{'alpha': 0.704, 'beta': 1.182}
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import betaln, digamma, hyp2f1

from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv.models.base import CompressedData, LikelihoodModel


def _negative_log_likelihood(
    log_params: np.ndarray, data: CompressedData
) -> tuple[float, np.ndarray]:
    alpha, beta = np.exp(log_params)
    period, churned = data.values["period"], data.values["churned"]
    # Churn in period t: B(alpha+1, beta+t-1) / B(alpha, beta); still active after the last
    # observed period n: B(alpha, beta+n) / B(alpha, beta).
    last = data.values["last_period"][0]
    survivors = data.weights[0]
    log_churn = betaln(alpha + 1, beta + period - 1) - betaln(alpha, beta)
    log_survive = betaln(alpha, beta + last) - betaln(alpha, beta)
    value = churned @ log_churn + survivors * log_survive
    common = digamma(alpha + beta)
    d_alpha = churned @ (
        digamma(alpha + 1) - digamma(alpha + beta + period) + common - digamma(alpha)
    ) + survivors * (digamma(alpha) - digamma(alpha + beta + last) + common - digamma(alpha))
    d_beta = churned @ (
        digamma(beta + period - 1) - digamma(alpha + beta + period) + common - digamma(beta)
    ) + survivors * (digamma(beta + last) - digamma(alpha + beta + last) + common - digamma(beta))
    return -float(value), -np.array([d_alpha * alpha, d_beta * beta])


def _survivor_counts(data) -> np.ndarray:
    if isinstance(data, pl.DataFrame):
        if "survivors" not in data.columns:
            raise DataValidationError(
                "ShiftedBetaGeo needs a 'survivors' column; the data has "
                f"{', '.join(data.columns)}.",
                source="survivors",
                column="survivors",
                fix="Give customers still active at the start of each period, cohort size first.",
            )
        data = data["survivors"].to_numpy()
    counts = np.asarray(data, dtype=float)
    if counts.ndim != 1 or counts.size < 2:
        raise DataValidationError(
            "ShiftedBetaGeo needs at least two survivor counts (the cohort size and one more "
            "period).",
            source="survivors",
            fix="Pass e.g. [1000, 631, 468].",
        )
    if np.any(np.diff(counts) > 0) or np.any(counts < 0):
        rows = [int(i) + 2 for i in np.flatnonzero(np.diff(counts) > 0)[:5]]
        raise DataValidationError(
            "Survivor counts must not grow from one period to the next (and not be negative).",
            source="survivors",
            column="survivors",
            rows=rows,
            fix="Count customers of one cohort only; new customers belong to a new cohort.",
        )
    return counts


class ShiftedBetaGeo(LikelihoodModel):
    """sBG model (alpha, beta) of period-to-period renewal.

    Parameters
    ----------
    penalizer : float
        Optional ridge penalty on the parameters (0 = plain maximum likelihood).
    """

    parameter_names = ("alpha", "beta")
    initial = (1.0, 1.0)

    def _negative_log_likelihood(self, log_params, data):
        return _negative_log_likelihood(log_params, data)

    def _prepare(self, data) -> CompressedData:
        counts = _survivor_counts(data)
        periods = np.arange(1, counts.size, dtype=float)
        values = {
            "period": periods,
            "churned": -np.diff(counts),
            "last_period": np.array([float(counts.size - 1)]),
        }
        return CompressedData(values, np.array([counts[-1]]))

    def _store(self, log_params, data):
        super()._store(log_params, data)
        self.n_customers_ = int(data.values["churned"].sum() + data.weights[0])

    def survival(self, periods: int) -> np.ndarray:
        """S(t), t = 0..periods: share of the cohort still active at the start of period t."""
        self._check_fitted()
        alpha, beta = np.exp(self.log_params_)
        t = np.arange(0, periods + 1)
        return np.exp(betaln(alpha, beta + t) - betaln(alpha, beta))

    def retention_rate(self, periods: int) -> np.ndarray:
        """r(t) = S(t) / S(t-1), t = 1..periods: it rises as the disloyal customers leave."""
        self._check_fitted()
        alpha, beta = np.exp(self.log_params_)
        t = np.arange(1, periods + 1)
        return (beta + t - 1) / (alpha + beta + t - 1)

    def projection(self, periods: int) -> pl.DataFrame:
        """Survival and retention per period, observed periods and projections alike."""
        survival = self.survival(periods)
        return pl.DataFrame(
            {
                "period": np.arange(0, periods + 1),
                "survival": survival,
                "retention": np.concatenate([[np.nan], self.retention_rate(periods)]),
                "expected_active": survival * self.n_customers_,
            }
        ).with_columns(pl.col("retention").fill_nan(None))

    def discounted_expected_lifetime(self, discount_rate: float) -> float:
        """DEL: discounted expected number of payments of a new customer, first one included.

        sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d)).
        """
        self._check_fitted()
        alpha, beta = np.exp(self.log_params_)
        return float(hyp2f1(1, beta, alpha + beta, 1 / (1 + discount_rate)))

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals: int) -> float:
        """DERL of a customer who has made ``renewals`` renewals and is still active.

        The discounted expected number of payments still to come, evaluated just before
        the next payment is due, so the next payment counts in full (Fader & Hardie 2010,
        eq. 6): (beta + n) / (alpha + beta + n) 2F1(1, beta + n + 1; alpha + beta + n + 1;
        1 / (1 + d)) with n = renewals. Multiply by the payment per period for the value.
        """
        self._check_fitted()
        alpha, beta = np.exp(self.log_params_)
        n = renewals
        ratio = (beta + n) / (alpha + beta + n)
        return float(ratio * hyp2f1(1, beta + n + 1, alpha + beta + n + 1, 1 / (1 + discount_rate)))
