"""Pareto/NBD: customers buy at a Poisson rate and leave at an exponential time.

lambda ~ Gamma(r, alpha) is the purchase rate, mu ~ Gamma(s, beta) the dropout rate.
Unlike BG/NBD, a customer can leave at any moment, not only right after a purchase.

Data the model needs: frequency (x), recency (t_x), T, as from `rfm_summary`.

Numerical stability
-------------------
The likelihood is written as (Fader & Hardie 2005, "A note on deriving the Pareto/NBD")

    L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [ (alpha+T)^-(r+x) (beta+T)^-s
        + s * integral_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du ].

The integral has the closed form I(t_x) - I(T) with a Gauss hypergeometric function. After
Euler's transformation that function is 2F1(1, b; c; z) with c - b > 1, which lies between
1 and 1 / (1 - z), so nothing overflows; the powers stay in logs, and the two terms are
added with log-sum-exp. Customers with hundreds of purchases are therefore fine.

References
----------
Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: Who are
they and what will they do next? Management Science 33(1), 1-24.
Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and related
expressions. http://brucehardie.com/notes/009/

Examples
--------
>>> import numpy as np
>>> model = ParetoNBD()
>>> model.log_params_ = np.log([0.55315, 10.57633, 0.60625, 11.67150])
>>> model.params_ = dict(zip(model.parameter_names, np.exp(model.log_params_)))
>>> round(float(model._p_alive(np.array([26.0]), np.array([30.86]), np.array([31.0]))[0]), 4)
0.9979
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1

from mkt_engineering.ltv.models.base import CompressedData, PurchaseModel

FRT = ("frequency", "recency", "T")


def _log_integral_tail(params, x, t) -> np.ndarray:
    """log of integral_t^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du, stable for large x."""
    r, alpha, s, beta = params
    shape = r + s + x
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        log_f = np.log(hyp2f1(1.0, r + x, shape + 1, z))
        return -s * np.log(beta + t) - (r + x) * np.log(alpha + t) + log_f - np.log(shape)
    z = (beta - alpha) / (beta + t)
    log_f = np.log(hyp2f1(1.0, s + 1, shape + 1, z))
    return (1 - r - x) * np.log(alpha + t) - (s + 1) * np.log(beta + t) + log_f - np.log(shape)


def _log_parts(params, x, tx, T):
    """log of the 'alive at T' and 'left between t_x and T' terms of the likelihood."""
    r, alpha, s, beta = params
    log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    upper = _log_integral_tail(params, x, tx)
    lower = _log_integral_tail(params, x, T)
    with np.errstate(divide="ignore"):
        gap = np.log(-np.expm1(np.minimum(lower - upper, 0.0)))
    log_left = np.log(s) + upper + gap
    return log_alive, log_left


def log_likelihood(params, x, tx, T) -> np.ndarray:
    """Per-customer log-likelihood (vectorised)."""
    r, alpha, s, beta = params
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_alive, log_left = _log_parts(params, x, tx, T)
    return base + np.logaddexp(log_alive, log_left)


NODES, NODE_WEIGHTS = np.polynomial.legendre.leggauss(20)


def _negative_log_likelihood(log_params: np.ndarray, data: CompressedData) -> tuple[float, np.ndarray]:
    """Weighted negative log-likelihood (closed form) and its gradient (in log parameters).

    The gradient needs derivatives of the integral term in r, alpha, s and beta. They are
    integrals of the same integrand times -log(alpha+u), -(r+x)/(alpha+u), -log(beta+u)
    and -(s+1)/(beta+u), evaluated by 20-node Gauss-Legendre quadrature after the
    substitution y = ((alpha+t_x)/(alpha+u))^(r+s+x), which turns the steep integrand of
    heavy buyers into a smooth, bounded one. Near realistic optima this matches finite
    differences of the closed form to about 1e-5; the value itself is exact.
    """
    params = np.exp(log_params)
    r, alpha, s, beta = params
    x, tx, T, w = data.values["frequency"], data.values["recency"], data.values["T"], data.weights
    power = r + s + x
    # y runs from ((alpha+t_x)/(alpha+T))^power to 1; u(y) = (alpha+t_x) y^(-1/power) - alpha.
    log_y_end = power * (np.log(alpha + tx) - np.log(alpha + T))
    y_end = np.exp(log_y_end)
    half = (1 - y_end) / 2
    y = y_end[:, None] + half[:, None] * (NODES[None, :] + 1)
    log_a_u = np.log(alpha + tx)[:, None] - np.log(y) / power[:, None]  # log(alpha + u)
    a_u = np.exp(log_a_u)
    b_u = a_u + (beta - alpha)  # beta + u
    log_b_u = np.log(b_u)
    shape = np.exp((s + 1) * (log_a_u - log_b_u))  # ((beta+u)/(alpha+u))^-(s+1)
    weighted = shape * (NODE_WEIGHTS[None, :] * half[:, None])
    integral = weighted.sum(axis=1)  # times (alpha+t_x)^-power / power gives the u-integral
    d_r = -(weighted * log_a_u).sum(axis=1)
    d_alpha = -(r + x) * (weighted / a_u).sum(axis=1)
    d_s = -(weighted * log_b_u).sum(axis=1)
    d_beta = -(s + 1) * (weighted / b_u).sum(axis=1)

    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_alive, log_left = _log_parts(params, x, tx, T)
    total = np.logaddexp(log_alive, log_left)
    share_alive = np.exp(log_alive - total)
    share_left = 1 - share_alive
    safe = np.where(integral > 0, integral, 1.0)
    g_r = digamma(r + x) - digamma(r) + np.log(alpha) - share_alive * np.log(alpha + T) + share_left * d_r / safe
    g_alpha = r / alpha - share_alive * (r + x) / (alpha + T) + share_left * d_alpha / safe
    g_s = np.log(beta) - share_alive * np.log(beta + T) + share_left * (1 / s + d_s / safe)
    g_beta = s / beta - share_alive * s / (beta + T) + share_left * d_beta / safe
    gradient = np.array([w @ g_r, w @ g_alpha, w @ g_s, w @ g_beta]) * params
    return -float(w @ (base + total)), -gradient


class ParetoNBD(PurchaseModel):
    """Pareto/NBD model (r, alpha, s, beta) fitted by maximum likelihood."""

    parameter_names = ("r", "alpha", "s", "beta")
    data_columns = FRT
    initial = (0.5, 10.0, 0.5, 10.0)

    def _negative_log_likelihood(self, log_params, data):
        return _negative_log_likelihood(log_params, data)

    def _minimise(self, start, data):
        # Warm start: fit a random tenth of the distinct rows first (cheap), so the full fit
        # needs only a few iterations of the expensive likelihood.
        if data.rows > 5000:
            rng = np.random.default_rng(0)
            keep = rng.choice(data.rows, size=max(2000, data.rows // 10), replace=False)
            sample = CompressedData({k: v[keep] for k, v in data.values.items()}, data.weights[keep])
            start = super()._minimise(start, sample).x
        return super()._minimise(start, data)

    def _p_alive(self, x, tx, T, params=None) -> np.ndarray:
        log_alive, log_left = _log_parts(self._params(params), x, tx, T)
        return np.exp(log_alive - np.logaddexp(log_alive, log_left))

    def _conditional(self, t, x, tx, T, params=None) -> np.ndarray:
        r, alpha, s, beta = self._params(params)
        log_ratio = np.log((beta + T) / (beta + T + t))
        # [1 - ratio^(s-1)] / (s-1), written to stay exact when s is close to 1.
        growth = np.where(
            abs(s - 1) > 1e-10, -np.expm1((s - 1) * log_ratio) / (s - 1 if s != 1 else 1.0), -log_ratio
        )
        rate = (r + x) * (beta + T) / (alpha + T)
        return rate * growth * self._p_alive(x, tx, T, params)

    def expected_purchases_new_customer(self, t, params=None) -> np.ndarray:
        """E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired."""
        r, alpha, s, beta = self._params(params)
        t = np.asarray(t, dtype=float)
        log_ratio = np.log(beta / (beta + t))
        growth = -np.expm1((s - 1) * log_ratio) / (s - 1) if abs(s - 1) > 1e-10 else -log_ratio
        return r * beta / alpha * growth

    def probability_of_n_purchases(self, t: float, n: int | np.ndarray) -> np.ndarray:
        """P(X(t) = n) for a new customer, integrating over the time of dropout.

        P = P(alive at t) NB(n; t) + integral_0^t f(u) NB(n; u) du, with the dropout time's
        density f(u) = s beta^s (beta+u)^-(s+1) and NB the gamma-Poisson count up to u;
        the integral uses 400-node Gauss-Legendre quadrature.
        """
        r, alpha, s, beta = self._params()
        n = np.atleast_1d(np.asarray(n, dtype=float))[:, None]

        def log_nb(u):
            return (gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(alpha / (alpha + u))
                    + np.where(n > 0, n * np.log(np.maximum(u, 1e-300) / (alpha + u)), 0.0))

        nodes, weights = np.polynomial.legendre.leggauss(400)
        u = (nodes + 1) * t / 2
        density = s * beta**s * (beta + u) ** -(s + 1)
        dropped = (np.exp(log_nb(u)) * density * weights * t / 2).sum(axis=1)
        alive = (beta / (beta + t)) ** s * np.exp(log_nb(np.array([t])))[:, 0]
        return (alive + dropped).squeeze()
