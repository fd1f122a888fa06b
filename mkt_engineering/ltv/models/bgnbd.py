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

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1, polygamma

from mkt_engineering.ltv.models.base import (
    CompressedData,
    PurchaseModel,
    between_times,
    distinct_pairs,
    factored_period_purchases,
    level_codes,
    stacked_draws,
    weighted_gram,
)
from mkt_engineering.ltv.models.interpolation import NODES, interpolate_in_log_age
from mkt_engineering.numeric import dot, in_threads

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


def _terms(log_params: np.ndarray, data: CompressedData, hessian: bool = False):
    """Weighted negative log-likelihood, its gradient and (optionally) Hessian in log parameters.

    Each customer's likelihood is base(x) * [alive(x, T) + dead(x, t_x)]. The base depends on
    the frequency only and the two terms on (frequency, age) pairs, which are far fewer than
    customers: special functions run on distinct frequencies, logs on distinct pairs, and per
    customer there is one softplus of log(dead / alive). Sums over customers of pair terms
    become sums over pairs of the customers' weights (`np.bincount`).
    """
    params = np.exp(log_params)
    r, alpha, a, b = params
    w = data.weights
    customers = float(w.sum())
    xs, _ = data.levels("frequency")
    count = data.level_weights("frequency")  # customers per distinct frequency
    ages, _ = data.levels("T")
    last, _ = data.levels("recency")
    row_alive, alive_x, alive_T = data.pairs("frequency", "T")
    row_dead, dead_x, dead_tx = data.pairs("frequency", "recency")

    # Per distinct frequency: the base and log(b + x - 1) of the drop-out term (repeat buyers).
    repeat = xs > 0
    b_x1 = np.where(repeat, b + xs - 1, 1.0)
    base = dot(count, gammaln(r + xs) + betaln(a, b + xs)) + customers * (
        r * np.log(alpha) - gammaln(r) - betaln(a, b)
    )
    # Per pair: logs of the alive-at-T and the dead-after-t_x terms.
    rx_alive, rx_dead = r + xs[alive_x], r + xs[dead_x]
    log_alpha_T, log_alpha_tx = np.log(alpha + ages)[alive_T], np.log(alpha + last)[dead_tx]
    log_alive = -rx_alive * log_alpha_T
    log_dead = np.where(
        repeat[dead_x], np.log(a) - np.log(b_x1)[dead_x] - rx_dead * log_alpha_tx, -np.inf
    )
    # Per customer row: log(alive + dead) = log alive + softplus(d), d = log(dead / alive); the
    # share of the dead term is the logistic of d. exp(-|d|) keeps both finite for heavy buyers.
    log_ratio = log_dead[row_dead] - log_alive[row_alive]
    small = np.exp(-np.abs(log_ratio))
    share_dead = np.where(log_ratio > 0, 1.0, small) / (1 + small)
    value = -(
        base
        + dot(data.pair_weights("frequency", "T"), log_alive)
        + dot(w, np.maximum(log_ratio, 0) + np.log1p(small))
    )
    weighted_dead = w * share_dead
    weighted_alive = w - weighted_dead
    alive_weight = np.bincount(row_alive, weights=weighted_alive, minlength=log_alive.size)
    dead_weight = np.bincount(row_dead, weights=weighted_dead, minlength=log_dead.size)
    dead_total = float(dead_weight.sum())

    # Gradient in the natural parameters: base part, then the shares times each term's own.
    inv_alpha_T, inv_alpha_tx = 1 / (alpha + ages)[alive_T], 1 / (alpha + last)[dead_tx]
    inv_b_x1 = np.where(repeat, 1 / b_x1, 0.0)[dead_x]
    psi_abx = digamma(a + b + xs)
    grad = np.array(
        [
            dot(count, digamma(r + xs))
            + customers * (np.log(alpha) - digamma(r))
            - dot(alive_weight, log_alpha_T)
            - dot(dead_weight, log_alpha_tx),
            customers * r / alpha
            - dot(alive_weight, rx_alive * inv_alpha_T)
            - dot(dead_weight, rx_dead * inv_alpha_tx),
            dot(count, digamma(a + b) - psi_abx) + dead_total / a,
            dot(count, digamma(b + xs) - psi_abx)
            + customers * (digamma(a + b) - digamma(b))
            - dot(dead_weight, inv_b_x1),
        ]
    )
    if not hessian:
        return float(value), -grad * params

    # Hessian: base part, the shares times each term's own second derivatives, and the change
    # of the shares: sum of w alive dead (grad log alive - grad log dead)^2 over customers.
    tri_abx = polygamma(1, a + b + xs)
    h = np.zeros((4, 4))
    h[0, 0] = dot(count, polygamma(1, r + xs)) - customers * polygamma(1, r)
    h[0, 1] = customers / alpha - dot(alive_weight, inv_alpha_T) - dot(dead_weight, inv_alpha_tx)
    h[1, 1] = (
        -customers * r / alpha**2
        + dot(alive_weight, rx_alive * inv_alpha_T**2)
        + dot(dead_weight, rx_dead * inv_alpha_tx**2)
    )
    h[2, 2] = dot(count, polygamma(1, a + b) - tri_abx) - dead_total / a**2
    h[2, 3] = dot(count, polygamma(1, a + b) - tri_abx)
    h[3, 3] = (
        dot(count, polygamma(1, b + xs) - tri_abx)
        + customers * (polygamma(1, a + b) - polygamma(1, b))
        + dot(dead_weight, inv_b_x1**2)
    )
    h = np.triu(h) + np.triu(h, 1).T
    h += _share_change(
        weighted_alive * share_dead,
        data,
        np.stack([-log_alpha_T, -rx_alive * inv_alpha_T], axis=1),
        np.stack(
            [-log_alpha_tx, -rx_dead * inv_alpha_tx, np.full(dead_x.size, 1 / a), -inv_b_x1], axis=1
        ),
    )
    # To log parameters: d2/dlog_i dlog_j = p_i p_j H_ij + [i = j] p_i g_i.
    log_hessian = h * np.outer(params, params) + np.diag(grad * params)
    return float(value), -grad * params, -log_hessian


def _share_change(
    v: np.ndarray, data: CompressedData, alive_gradient: np.ndarray, dead_gradient: np.ndarray
):
    """Sum over customers of v (g_alive - g_dead)(g_alive - g_dead)^T, g per pair (4 x 4).

    The alive gradient (per (x, T) pair) has the first two parameters only. The square
    splits into a sum over (x, T) pairs, one over (x, t_x) pairs, and the cross term, which
    needs a pass over customers for each of the two alive components.
    """
    row_alive, _, _ = data.pairs("frequency", "T")
    row_dead, _, _ = data.pairs("frequency", "recency")
    alive = np.zeros((alive_gradient.shape[0], 4))
    alive[:, :2] = alive_gradient
    v_alive = np.bincount(row_alive, weights=v, minlength=alive.shape[0])
    v_dead = np.bincount(row_dead, weights=v, minlength=dead_gradient.shape[0])
    cross = np.zeros((4, 4))
    for k in range(2):
        per_dead_pair = np.bincount(
            row_dead, weights=v * alive_gradient[row_alive, k], minlength=dead_gradient.shape[0]
        )
        cross[k] = np.einsum("i,ij->j", per_dead_pair, dead_gradient)
    return weighted_gram(alive, v_alive) + weighted_gram(dead_gradient, v_dead) - cross - cross.T


def _negative_log_likelihood(
    log_params: np.ndarray, data: CompressedData
) -> tuple[float, np.ndarray]:
    return _terms(log_params, data)


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
    analytic_hessian = True
    broadcasts_parameters = True

    def _negative_log_likelihood(self, log_params, data):
        return _terms(log_params, data)

    def _negative_log_likelihood_hessian(self, log_params, data):
        return _terms(log_params, data, hessian=True)

    # -- predictions -----------------------------------------------------------------------
    def expected_purchases_new_customer(self, t, params=None) -> np.ndarray:
        """E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired."""
        r, alpha, a, b = self._params(params)
        t = np.asarray(t, dtype=float)
        z = t / (alpha + t)
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))

    def conditional_purchases(self, t, x, tx, T, params=None) -> np.ndarray:
        return self._purchases_if_alive(t, x, T, params) * self.alive_probability(x, tx, T, params)

    def _purchases_if_alive(self, t, x, T, params=None) -> np.ndarray:
        """E[X(t) | x, T, alive at T]: depends on frequency and age only, not on recency."""
        r, alpha, a, b = self._params(params)
        z = t / (alpha + T + t)
        head = (a + b + x - 1) / (a - 1)
        # ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) after Euler's transformation:
        # the same value, but it stays finite for customers with hundreds of purchases.
        with np.errstate(invalid="ignore", over="ignore"):  # 0 * inf at huge a, b: below
            growth = 1 - (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        # With a and b in the hundreds of thousands (dropout without heterogeneity) the
        # transformed form is 0 * inf; the direct form is finite there.
        bad = ~np.isfinite(growth)
        if np.any(bad):
            direct = 1 - (1 - z) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
            growth = np.where(bad, direct, growth)
        return head * growth

    def period_purchases(self, times, x, tx, T, *, weights=None, params=None) -> np.ndarray:
        """Expected repeat purchases per period (see `PurchaseModel.period_purchases`).

        E[X(t) | x, t_x, T] = E[X(t) | x, T, alive] * P(alive | x, t_x, T): the first factor,
        with its hypergeometric function at every time, is computed once per distinct
        (frequency, age) pair, of which there are far fewer than customer histories; the
        second once per history. Parameter draws broadcast (draws x rows).

        Examples
        --------
        >>> model = BetaGeo()
        >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
        >>> x, tx, T = np.array([2.0, 2.0]), np.array([30.0, 10.0]), np.array([38.0, 38.0])
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
            self._p_alive_by_levels,
            weights=weights,
            params=stacked_draws(params),
        )

    def purchases_under_draws(self, times, weights, x, tx, T, params):
        """Weighted expected purchases under draws, by slice of rows (see `PurchaseModel`).

        The part of a live customer, which depends on (frequency, T) only, is prepared once
        for all pairs and draws: per frequency, interpolated in log(alpha + T) from a few
        ages where that frequency has many (`interpolation.interpolate_in_log_age`, checked
        against the direct value), else evaluated at each age. Per slice, it is gathered
        and multiplied by P(alive).
        """
        stacked = stacked_draws(params)
        pair, pair_x, pair_T = distinct_pairs(x, T)
        table = self._if_alive_table(times, weights, pair_x, pair_T, stacked)
        terms = self._alive_terms(x, tx, T, stacked)  # once: slices are small (cache-sized)

        def value(rows: slice) -> np.ndarray:
            alive = terms.alive(rows)
            alive *= table[:, pair[rows]]
            return alive

        return value

    def _if_alive_table(self, times, weights, pair_x, pair_T, stacked) -> np.ndarray:
        """Weighted purchases of a live customer per draw and (frequency, T) pair."""
        alpha = stacked[1]
        table = np.empty((alpha.shape[0], pair_x.size))
        starts = np.flatnonzero(np.diff(pair_x)) + 1  # pairs are sorted by frequency, then T

        def fill(group: np.ndarray) -> None:  # one frequency

            def term(ages, frequency=pair_x[group[0]]):
                return between_times(
                    lambda t: self._purchases_if_alive(t, frequency, ages, stacked), times, weights
                )

            ages = pair_T[group]
            values = interpolate_in_log_age(term, ages, alpha) if ages.size >= 2 * NODES else None
            table[:, group] = term(ages) if values is None else values

        # frequencies go to the cores (scipy's hyp2f1 releases the GIL); each fills its columns
        in_threads(fill, np.split(np.arange(pair_x.size), starts))
        return table

    def _p_alive_by_levels(self, x, tx, T, params=None) -> np.ndarray:
        """P(alive) as `alive_probability`, with the logarithms taken once per distinct value.

        Ages, recencies and frequencies take few distinct values, and under parameter draws
        every logarithm would otherwise be taken draws x rows times. P(alive) is the
        logistic 1 / (1 + dead / alive), equal to `alive_probability` but for rounding.
        """
        return self._alive_terms(x, tx, T, params).alive(slice(None))

    def _alive_terms(self, x, tx, T, params=None) -> _AliveTerms:
        """The logarithms of `_p_alive_by_levels` per distinct value, and each row's codes."""
        r, alpha, a, b = self._params(params)
        ages, age = level_codes(T)
        lasts, last = level_codes(tx)
        counts, count = level_codes(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            drop = np.log(a) - np.log(np.where(counts > 0, b + counts - 1, 1.0))
            return _AliveTerms(
                np.log(alpha + ages),
                np.log(alpha + lasts),
                r + counts,
                drop,
                age,
                last,
                count,
                x > 0,
            )

    def alive_probability(self, x, tx, T, params=None) -> np.ndarray:
        r, alpha, a, b = self._params(params)
        log_alive, log_dead = _log_terms((r, alpha, a, b), x, tx, T)
        return np.exp(log_alive - np.logaddexp(log_alive, log_dead))

    def probability_of_n_purchases(self, t: float, n: int | np.ndarray) -> np.ndarray:
        """P(X(t) = n): chance that a new customer makes exactly n repeat purchases in (0, t]."""
        r, alpha, a, b = self._params()
        n = np.asarray(n)
        log_nb = (
            gammaln(r + n)
            - gammaln(r)
            - gammaln(n + 1)
            + r * np.log(alpha / (alpha + t))
            + n * np.log(t / (alpha + t))
        )
        alive = np.exp(betaln(a, b + n) - betaln(a, b) + log_nb)
        below = _negative_binomial_cdf_below(n, r, alpha, t)
        dead = np.where(n > 0, np.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * (1 - below), 0.0)
        return alive + dead


def _negative_binomial_cdf_below(n: np.ndarray, r: float, alpha: float, t: float) -> np.ndarray:
    """P(N(t) < n) for the gamma-mixed Poisson count of a customer alive throughout."""
    from scipy import stats

    return np.where(n > 0, stats.nbinom.cdf(np.maximum(n - 1, 0), r, alpha / (alpha + t)), 0.0)


@dataclass(frozen=True)
class _AliveTerms:
    """BG/NBD's P(alive) in parts: per distinct age, last purchase and frequency (under each
    draw), and each row's codes into them, so slices of rows reuse one coding."""

    log_age: np.ndarray
    log_last: np.ndarray
    rx: np.ndarray
    drop: np.ndarray
    age: np.ndarray
    last: np.ndarray
    count: np.ndarray
    repeat: np.ndarray

    def alive(self, rows: slice) -> np.ndarray:
        """P(alive) of ``rows`` (draws x rows under draws), built in place."""
        age, last, count = self.age[rows], self.last[rows], self.count[rows]
        with np.errstate(invalid="ignore", over="ignore"):  # exp(inf): 0 alive
            # log(dead / alive) = log a - log(b + x - 1) + (r + x) log((alpha + T) / (alpha + t_x)),
            # in place: under draws each pass is draws x rows floats
            log_ratio = self.log_age[..., age]
            log_ratio -= self.log_last[..., last]
            log_ratio *= self.rx[..., count]
            log_ratio += self.drop[..., count]
            alive = expit(np.negative(log_ratio, out=log_ratio), out=log_ratio)
        alive[..., ~self.repeat[rows]] = 1.0  # no repeat purchase: alive for certain
        return alive
