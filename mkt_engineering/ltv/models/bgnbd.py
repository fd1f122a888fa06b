"""BG/NBD: the beta-geometric / negative binomial model of repeat buying.

While alive, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after every
repeat purchase she drops out with probability p ~ Beta(a, b).

Data the model needs (one row per customer, from `rfm_summary`):

========== ==========================================
frequency  repeat purchases x
recency    age at the last purchase t_x
T          age at the end of the calibration period
========== ==========================================

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
An alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.

Examples
--------
>>> import polars as pl
>>> rfm = pl.DataFrame({"frequency": [0, 1, 3, 0, 2, 5, 0, 1] * 20,
...                     "recency": [0.0, 5, 20, 0, 10, 30, 0, 2] * 20,
...                     "T": [40.0, 38, 35, 30, 40, 39, 20, 25] * 20})
>>> model = BetaGeo().fit(rfm)
>>> sorted(model.params_)
['a', 'alpha', 'b', 'r']
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, gammaln, hyp2f1

from mkt_engineering.ltv.models.base import CompressedData, PurchaseModel

FRT = ("frequency", "recency", "T")


def _log_terms(params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray):
    r, alpha, a, b = params
    log_alive = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    # a / (b + x - 1) is only defined for repeat buyers; the others get -inf (no term).
    with np.errstate(divide="ignore", invalid="ignore"):
        log_dead = np.where(
            repeat,
            np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    return log_alive, log_dead


def log_likelihood(params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood (vectorised)."""
    r, alpha, a, b = params
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    log_alive, log_dead = _log_terms(params, x, tx, T)
    return base + np.logaddexp(log_alive, log_dead)


def _negative_log_likelihood(log_params: np.ndarray, data: CompressedData) -> tuple[float, np.ndarray]:
    params = np.exp(log_params)
    r, alpha, a, b = params
    w = data.weights
    # Special functions on the distinct frequencies and ages only, then gathered per row.
    xs, ix = data.levels("frequency")
    Ts, iT = data.levels("T")
    txs, itx = data.levels("recency")
    x = xs[ix]
    base = (gammaln(r + xs) + betaln(a, b + xs))[ix] - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    log_alpha_T, log_alpha_tx = np.log(alpha + Ts)[iT], np.log(alpha + txs)[itx]
    log_alive = -(r + x) * log_alpha_T
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_b_x1 = np.log(np.where(xs > 0, b + xs - 1, 1.0))[ix]
    log_dead = np.where(repeat, np.log(a) - log_b_x1 - (r + x) * log_alpha_tx, -np.inf)
    total = np.logaddexp(log_alive, log_dead)
    share_alive = np.exp(log_alive - total)
    share_dead = 1.0 - share_alive
    weighted_alive, weighted_dead = w * share_alive, w * share_dead
    count = np.bincount(ix, weights=w, minlength=xs.size)  # customers per distinct frequency
    dead_by_x = np.bincount(ix, weights=weighted_dead, minlength=xs.size)
    d_r = (count @ (digamma(r + xs) - digamma(r) + np.log(alpha))
           - weighted_alive @ log_alpha_T - weighted_dead @ log_alpha_tx)
    inverse_T, inverse_tx = (1 / (alpha + Ts))[iT], (1 / (alpha + txs))[itx]
    d_alpha = count.sum() * r / alpha - (r + x) @ (weighted_alive * inverse_T + weighted_dead * inverse_tx)
    d_a = count @ (digamma(a + b) - digamma(a + b + xs)) + weighted_dead.sum() / a
    d_b = (count @ (digamma(a + b) + digamma(b + xs) - digamma(b) - digamma(a + b + xs))
           - dead_by_x @ np.where(xs > 0, 1 / np.where(xs > 0, b + xs - 1, 1.0), 0.0))
    gradient = np.array([d_r, d_alpha, d_a, d_b]) * params
    return -float(w @ (base + total)), -gradient


class BetaGeo(PurchaseModel):
    """BG/NBD model (r, alpha, a, b) fitted by maximum likelihood.

    Parameters
    ----------
    penalizer : float
        Optional ridge penalty on the parameters (0 = plain maximum likelihood).
    """

    parameter_names = ("r", "alpha", "a", "b")
    data_columns = FRT
    initial = (0.5, 5.0, 0.8, 2.5)

    def _negative_log_likelihood(self, log_params, data):
        return _negative_log_likelihood(log_params, data)

    # -- predictions -----------------------------------------------------------------------
    def expected_purchases_new_customer(self, t, params=None) -> np.ndarray:
        """E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired."""
        r, alpha, a, b = self._params(params)
        t = np.asarray(t, dtype=float)
        z = t / (alpha + t)
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))

    def _conditional(self, t, x, tx, T, params=None) -> np.ndarray:
        r, alpha, a, b = self._params(params)
        z = t / (alpha + T + t)
        head = (a + b + x - 1) / (a - 1)
        # ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) after Euler's transformation:
        # the same value, but it stays finite for customers with hundreds of purchases.
        growth = 1 - (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        return head * growth * self._p_alive(x, tx, T, params)

    def _p_alive(self, x, tx, T, params=None) -> np.ndarray:
        r, alpha, a, b = self._params(params)
        log_alive, log_dead = _log_terms((r, alpha, a, b), x, tx, T)
        return np.exp(log_alive - np.logaddexp(log_alive, log_dead))

    def probability_of_n_purchases(self, t: float, n: int | np.ndarray) -> np.ndarray:
        """P(X(t) = n): chance that a new customer makes exactly n repeat purchases in (0, t]."""
        r, alpha, a, b = self._params()
        n = np.asarray(n)
        log_nb = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(alpha / (alpha + t)) + n * np.log(t / (alpha + t))
        alive = np.exp(betaln(a, b + n) - betaln(a, b) + log_nb)
        below = _negative_binomial_cdf_below(n, r, alpha, t)
        dead = np.where(n > 0, np.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * (1 - below), 0.0)
        return alive + dead


def _negative_binomial_cdf_below(n: np.ndarray, r: float, alpha: float, t: float) -> np.ndarray:
    """P(N(t) < n) for the gamma-mixed Poisson count of a customer alive throughout."""
    from scipy import stats

    return np.where(n > 0, stats.nbinom.cdf(np.maximum(n - 1, 0), r, alpha / (alpha + t)), 0.0)
