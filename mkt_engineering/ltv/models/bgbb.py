"""BG/BB: repeat buying with discrete opportunities (events, donations campaigns, issues).

At each of n opportunities an active customer buys with probability p ~ Beta(alpha, beta)
and, after each opportunity, becomes inactive with probability theta ~ Beta(gamma, delta).

Data the model needs (one row per customer):

========== =================================================================
frequency  repeat transactions x (0..n)
recency    opportunity of the last transaction t_x (0 if none)
n_periods  number of opportunities after the first transaction n
========== =================================================================

References
----------
Fader, P. S., Hardie, B. G. S. & Shang, J. (2010). Customer-base analysis in a discrete-time
noncontractual setting. Marketing Science 29(6), 1086-1108.

Examples
--------
>>> import polars as pl
>>> rfm = pl.DataFrame({"frequency": [0, 1, 2, 3, 4, 5, 6, 2, 0, 1] * 30,
...                     "recency":   [0, 1, 5, 3, 6, 6, 6, 2, 0, 6] * 30,
...                     "n_periods": [6] * 300})
>>> model = BetaGeoBetaBinom().fit(rfm)
>>> 0 < model.p_alive(rfm.head(1)).item() < 1
True
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import betaln, gammaln

from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv.models.base import CompressedData, LikelihoodModel, as_arrays

COLUMNS = ("frequency", "recency", "n_periods")


def _log_parts(params, x, tx, n):
    """log of the 'alive through n' term and the 'left after t_x + i' terms."""
    alpha, beta, gamma, delta = params
    log_alive = (
        betaln(alpha + x, beta + n - x)
        - betaln(alpha, beta)
        + betaln(gamma, delta + n)
        - betaln(gamma, delta)
    )
    steps = np.arange(int(np.max(n - tx)) if x.size else 0)
    i = steps[None, :]
    valid = i < (n - tx)[:, None]
    x_, tx_ = x[:, None], tx[:, None]
    log_left = (
        betaln(alpha + x_, beta + tx_ - x_ + i)
        - betaln(alpha, beta)
        + betaln(gamma + 1, delta + tx_ + i)
        - betaln(gamma, delta)
    )
    return log_alive, np.where(valid, log_left, -np.inf)


def log_likelihood(params, x, tx, n) -> np.ndarray:
    """Per-customer log-likelihood (vectorised)."""
    log_alive, log_left = _log_parts(params, x, tx, n)
    if log_left.shape[1] == 0:
        return log_alive
    return np.logaddexp(log_alive, np.logaddexp.reduce(log_left, axis=1))


def _negative_log_likelihood(log_params, data: CompressedData):
    x, tx, n, w = (
        data.values["frequency"],
        data.values["recency"],
        data.values["n_periods"],
        data.weights,
    )

    def total(lp):
        return -float(w @ log_likelihood(np.exp(lp), x, tx, n))

    value = total(log_params)
    # Finite differences: the data are a few dozen unique rows, so this is cheap and exact
    # enough (the sum over opportunities has no compact derivative).
    gradient = np.array(
        [(total(log_params + h) - total(log_params - h)) / 2e-6 for h in np.eye(4) * 1e-6]
    )
    return value, gradient


class BetaGeoBetaBinom(LikelihoodModel):
    """BG/BB model (alpha, beta, gamma, delta) fitted by maximum likelihood.

    Parameters
    ----------
    penalizer : float
        Optional ridge penalty on the parameters (0 = plain maximum likelihood).
    """

    parameter_names = ("alpha", "beta", "gamma", "delta")
    data_columns = COLUMNS
    initial = (1.0, 1.0, 1.0, 1.0)

    def _negative_log_likelihood(self, log_params, data):
        return _negative_log_likelihood(log_params, data)

    def _prepare(self, data):
        x, tx, n = as_arrays(data, COLUMNS, "BetaGeoBetaBinom")
        bad = np.flatnonzero((x > tx) | (tx > n) | ((x > 0) & (tx < 1)) | ((x == 0) & (tx > 0)))
        if bad.size:
            raise DataValidationError(
                f"BetaGeoBetaBinom: rows {[int(i) + 1 for i in bad[:5]]} are impossible "
                "(need frequency <= recency <= n_periods, and recency >= 1 when frequency > 0).",
                source="rfm",
                column="recency",
                rows=[int(i) + 1 for i in bad[:5]],
                fix="Count opportunities in whole periods after the first transaction.",
            )
        return super()._prepare(data)

    def alive_probability(self, x, tx, n, params=None) -> np.ndarray:
        """P(alive): the chance that each customer is still active at the next opportunity.

        Parameters
        ----------
        x, tx, n : ndarray
            Frequency, recency and opportunities of each customer (one row each).
        params : ndarray, optional
            One parameter set (natural scale); default the fitted ones.

        Returns
        -------
        ndarray
            One probability per row.

        Examples
        --------
        >>> model = BetaGeoBetaBinom()
        >>> model.log_params_ = np.log([1.20, 0.75, 0.66, 2.78])
        >>> x, tx, n = np.array([0.0, 3.0]), np.array([0.0, 6.0]), np.array([6.0, 6.0])
        >>> model.alive_probability(x, tx, n).round(3)
        array([0.108, 0.93 ])
        """
        alpha, beta, gamma, delta = self._params(params)
        log_next = (
            betaln(alpha + x, beta + n - x)
            - betaln(alpha, beta)
            + betaln(gamma, delta + n + 1)
            - betaln(gamma, delta)
        )
        return np.exp(log_next - log_likelihood((alpha, beta, gamma, delta), x, tx, n))

    def conditional_purchases(self, future, x, tx, n, params=None) -> np.ndarray:
        """Expected transactions of each customer in the next ``future`` opportunities.

        Parameters
        ----------
        future : float
            Opportunities ahead.
        x, tx, n : ndarray
            Frequency, recency and opportunities of each customer (one row each).
        params : ndarray, optional
            One parameter set (natural scale); default the fitted ones.

        Returns
        -------
        ndarray
            One expectation per row.

        Examples
        --------
        >>> model = BetaGeoBetaBinom()
        >>> model.log_params_ = np.log([1.20, 0.75, 0.66, 2.78])
        >>> x, tx, n = np.array([0.0, 3.0]), np.array([0.0, 6.0]), np.array([6.0, 6.0])
        >>> model.conditional_purchases(5.0, x, tx, n).round(3)
        array([0.072, 2.187])
        """
        alpha, beta, gamma, delta = self._params(params)
        log_head = (
            betaln(alpha + x + 1, beta + n - x)
            - betaln(alpha, beta)
            - log_likelihood((alpha, beta, gamma, delta), x, tx, n)
        )
        scale = delta / (gamma - 1) * np.exp(gammaln(gamma + delta) - gammaln(1 + delta))
        span = np.exp(gammaln(1 + delta + n) - gammaln(gamma + delta + n)) - np.exp(
            gammaln(1 + delta + n + future) - gammaln(gamma + delta + n + future)
        )
        return np.exp(log_head) * scale * span

    def expected_purchases(self, t: int, rfm: pl.DataFrame) -> pl.Series:
        """Expected transactions of each customer in the next ``t`` opportunities."""
        x, tx, n = as_arrays(rfm, COLUMNS, type(self).__name__)
        return pl.Series("expected_purchases", self.conditional_purchases(float(t), x, tx, n))

    def p_alive(self, rfm: pl.DataFrame) -> pl.Series:
        """Probability that each customer is still active at the next opportunity."""
        x, tx, n = as_arrays(rfm, COLUMNS, type(self).__name__)
        return pl.Series("p_alive", self.alive_probability(x, tx, n))

    def expected_purchases_new_customer(self, n, params=None) -> np.ndarray:
        """E[X(n)]: expected transactions of a new customer in the first n opportunities."""
        alpha, beta, gamma, delta = self._params(params)
        n = np.asarray(n, dtype=float)
        ratio = np.exp(
            gammaln(gamma + delta)
            - gammaln(gamma + delta + n)
            + gammaln(1 + delta + n)
            - gammaln(1 + delta)
        )
        return alpha / (alpha + beta) * delta / (gamma - 1) * (1 - ratio)

    def probability_of_n_purchases(self, t: int, n) -> np.ndarray:
        """P(X(t) = n): chance of exactly n transactions in the first t opportunities."""
        alpha, beta, gamma, delta = self._params()
        k = np.atleast_1d(np.asarray(n, dtype=float))[:, None]

        def log_choose(a, b):
            return gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)

        alive = np.exp(
            log_choose(t, k[:, 0])
            + betaln(alpha + k[:, 0], beta + t - k[:, 0])
            - betaln(alpha, beta)
            + betaln(gamma, delta + t)
            - betaln(gamma, delta)
        )
        i = np.arange(t)[None, :].astype(float)
        valid = i >= k
        with np.errstate(invalid="ignore"):
            terms = np.exp(
                log_choose(i, k)
                + betaln(alpha + k, beta + i - k)
                - betaln(alpha, beta)
                + betaln(gamma + 1, delta + i)
                - betaln(gamma, delta)
            )
        return (alive + np.where(valid, terms, 0.0).sum(axis=1)).squeeze()
