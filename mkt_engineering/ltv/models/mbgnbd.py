"""MBG/NBD: BG/NBD where a customer can also drop out right after the first purchase.

The only change from BG/NBD: the dropout coin is tossed after every purchase, the first
one included, so customers with no repeat purchase can be inactive too (their P(alive)
is below 1). Same data as BG/NBD: frequency, recency, T.

References
----------
Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). Empirical validation and comparison of
models for customer base analysis. International Journal of Research in Marketing 24(3),
201-209. (Also ``BTYDplus::mbgcnbd`` with k = 1.)

Examples
--------
>>> import polars as pl
>>> rfm = pl.DataFrame({"frequency": [0, 1, 3, 0, 2, 5, 0, 1] * 20,
...                     "recency": [0.0, 5, 20, 0, 10, 30, 0, 2] * 20,
...                     "T": [40.0, 38, 35, 30, 40, 39, 20, 25] * 20})
>>> ModifiedBetaGeo().fit(rfm).p_alive(rfm.head(1)).item() < 1
True
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from mkt_engineering.ltv.models.base import (
    CompressedData,
    PurchaseModel,
    factored_period_purchases,
    stacked_draws,
)

FRT = ("frequency", "recency", "T")


def _log_terms(params, x, tx, T):
    r, alpha, a, b = params
    log_alive = -(r + x) * np.log(alpha + T)
    log_dead = np.log(a) - np.log(b + x) - (r + x) * np.log(alpha + tx)
    return log_alive, log_dead


def log_likelihood(params, x, tx, T) -> np.ndarray:
    """Per-customer log-likelihood (vectorised)."""
    r, alpha, a, b = params
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x + 1) - betaln(a, b)
    return base + np.logaddexp(*_log_terms(params, x, tx, T))


def _negative_log_likelihood(
    log_params: np.ndarray, data: CompressedData
) -> tuple[float, np.ndarray]:
    params = np.exp(log_params)
    r, alpha, a, b = params
    x, tx, T, w = data.values["frequency"], data.values["recency"], data.values["T"], data.weights
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x + 1) - betaln(a, b)
    log_alive, log_dead = _log_terms(params, x, tx, T)
    total = np.logaddexp(log_alive, log_dead)
    share_alive = np.exp(log_alive - total)
    share_dead = 1 - share_alive
    d_r = (
        digamma(r + x)
        - digamma(r)
        + np.log(alpha)
        - share_alive * np.log(alpha + T)
        - share_dead * np.log(alpha + tx)
    )
    d_alpha = r / alpha - (r + x) * (share_alive / (alpha + T) + share_dead / (alpha + tx))
    d_a = digamma(a + b) - digamma(a + b + x + 1) + share_dead / a
    d_b = (
        digamma(a + b)
        + digamma(b + x + 1)
        - digamma(b)
        - digamma(a + b + x + 1)
        - share_dead / (b + x)
    )
    gradient = np.array([w @ d_r, w @ d_alpha, w @ d_a, w @ d_b]) * params
    return -float(w @ (base + total)), -gradient


class ModifiedBetaGeo(PurchaseModel):
    """MBG/NBD model (r, alpha, a, b) fitted by maximum likelihood.

    Parameters
    ----------
    penalizer : float
        Optional ridge penalty on the parameters (0 = plain maximum likelihood).
    """

    parameter_names = ("r", "alpha", "a", "b")
    data_columns = FRT
    initial = (0.5, 5.0, 0.8, 2.5)
    broadcasts_parameters = True

    def _negative_log_likelihood(self, log_params, data):
        return _negative_log_likelihood(log_params, data)

    def alive_probability(self, x, tx, T, params=None) -> np.ndarray:
        log_alive, log_dead = _log_terms(self._params(params), x, tx, T)
        return np.exp(log_alive - np.logaddexp(log_alive, log_dead))

    def conditional_purchases(self, t, x, tx, T, params=None) -> np.ndarray:
        return self._purchases_if_alive(t, x, T, params) * self.alive_probability(x, tx, T, params)

    def _purchases_if_alive(self, t, x, T, params=None) -> np.ndarray:
        """E[X(t) | x, T, alive at T]: depends on frequency and age only, not on recency."""
        r, alpha, a, b = self._params(params)
        z = t / (alpha + T + t)
        # Euler's transformation of ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z),
        # finite for heavy buyers.
        growth = 1 - (1 - z) ** (a - 1) * hyp2f1(a + b - r, a - 1, a + b + x, z)
        return (a + b + x) / (a - 1) * growth

    def period_purchases(self, times, x, tx, T, *, weights=None, params=None) -> np.ndarray:
        """Expected repeat purchases per period (see `PurchaseModel.period_purchases`).

        The hypergeometric part once per distinct (frequency, age) pair, P(alive) once per
        history; parameter draws broadcast (draws x rows).

        Examples
        --------
        >>> model = ModifiedBetaGeo()
        >>> model.log_params_ = np.log([0.5, 6.0, 0.9, 1.6])
        >>> x, tx, T = np.array([2.0, 0.0]), np.array([30.0, 0.0]), np.array([38.0, 38.0])
        >>> grid = np.array([0.0, 4.0, 8.0])
        >>> bool(np.allclose(model.period_purchases(grid, x, tx, T).sum(axis=1),
        ...                  model.conditional_purchases(8.0, x, tx, T), rtol=1e-12))
        True
        """
        return factored_period_purchases(
            self,
            times,
            x,
            tx,
            T,
            self.alive_probability,
            weights=weights,
            params=stacked_draws(params),
        )

    def expected_purchases_new_customer(self, t, params=None) -> np.ndarray:
        """E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired."""
        r, alpha, a, b = self._params(params)
        t = np.asarray(t, dtype=float)
        return (
            b
            / (a - 1)
            * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1, a + b, t / (alpha + t)))
        )

    def probability_of_n_purchases(self, t: float, n) -> np.ndarray:
        """P(X(t) = n) for a new customer: alive throughout, or left after the n-th purchase."""
        from scipy import stats  # here only: scipy.stats takes 0.5 s to import

        r, alpha, a, b = self._params()
        n = np.asarray(n)
        nb = stats.nbinom.pmf(n, r, alpha / (alpha + t))
        reached = 1 - np.where(
            n > 0, stats.nbinom.cdf(np.maximum(n - 1, 0), r, alpha / (alpha + t)), 0.0
        )
        return (
            np.exp(betaln(a, b + n + 1) - betaln(a, b)) * nb
            + np.exp(betaln(a + 1, b + n) - betaln(a, b)) * reached
        )
