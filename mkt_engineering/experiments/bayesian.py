"""Bayesian reading of a test: chance to win, expected loss and a credible interval.

Conversion uses the beta-binomial model (uniform Beta(1, 1) prior unless given): each arm's
rate has a Beta(1 + conversions, 1 + non-conversions) posterior. Chance to win and expected
loss are computed by deterministic numerical integration (Gauss-Legendre on 256 nodes over
the posterior's support), not by noisy Monte Carlo draws, so the same data always give the
same numbers. Means use a normal model with a flat prior.

A Bayesian rule is still a decision rule with an error rate: "ship when the chance to win
exceeds 95%" ships a useless change about 5% of the time at one look, and far more often
when checked every day (see `simulate.simulate_aa`). Reports show that rate beside it.

Examples
--------
>>> r = beta_binomial(control=(100, 1000), treatment=(130, 1000))
>>> round(r["chance_to_win"][0], 4), round(r["expected_loss"][0], 6)
(0.9822, 9.2e-05)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from scipy import optimize, special, stats

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(256)


def _grid(a: Any, b: Any, tail: float = 1e-13) -> tuple[np.ndarray, np.ndarray]:
    """Integration nodes (..., 256) and weights covering the Beta(a, b) posterior.

    The range runs between the posterior's 1e-13 quantiles, so skewed posteriors (few
    conversions) lose no mass in the tail.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    low = special.betaincinv(a, b, tail)[..., None]
    high = special.betainccinv(a, b, tail)[..., None]
    half = (high - low) / 2
    return low + half * (_NODES + 1), half * _WEIGHTS


def chance_to_win(
    control: tuple[Any, Any], treatment: tuple[Any, Any], prior: tuple[float, float] = (1, 1)
) -> Any:
    """P(treatment rate > control rate) under independent beta posteriors (vectorized).

    Parameters
    ----------
    control, treatment : (conversions, units)
        Scalars or numpy arrays (one entry per simulated experiment).
    prior : (float, float)
        Beta prior (a, b) of each rate; (1, 1) is uniform.

    Returns
    -------
    float or array
        The posterior probability that the treatment rate is the higher one.

    Examples
    --------
    >>> round(float(chance_to_win((10, 100), (10, 100))), 6)
    0.5
    """
    a_c, b_c = (
        prior[0] + np.asarray(control[0]),
        prior[1] + np.asarray(control[1]) - np.asarray(control[0]),
    )
    a_t, b_t = (
        prior[0] + np.asarray(treatment[0]),
        prior[1] + np.asarray(treatment[1]) - np.asarray(treatment[0]),
    )
    nodes, weights = _grid(a_c, b_c)
    density = stats.beta.pdf(nodes, a_c[..., None], b_c[..., None])
    survival = special.betainc(a_t[..., None], b_t[..., None], nodes)  # P(p_t <= node)
    return np.sum(weights * density * (1 - survival), axis=-1)


def _expected_shortfall(a_low, b_low, a_high, b_high) -> np.ndarray:
    """E[max(p_high - p_low, 0)]: what is lost by choosing 'low' if 'high' is better."""
    nodes, weights = _grid(a_low, b_low)
    a_h, b_h = a_high[..., None], b_high[..., None]
    mean_h = a_h / (a_h + b_h)
    # E[(p_h - x)+] = mean_h P_{a_h+1}(p > x) - x P_{a_h}(p > x), closed form in x
    inner = mean_h * (1 - special.betainc(a_h + 1, b_h, nodes)) - nodes * (
        1 - special.betainc(a_h, b_h, nodes)
    )
    density = stats.beta.pdf(nodes, a_low[..., None], b_low[..., None])
    return np.sum(weights * density * inner, axis=-1)


def _difference_quantile(a_c, b_c, a_t, b_t, q: float) -> float:
    nodes, weights = _grid(a_c, b_c)
    density = stats.beta.pdf(nodes, a_c, b_c)

    def cdf(d: float) -> float:
        return (
            float(np.sum(weights * density * special.betainc(a_t, b_t, np.clip(nodes + d, 0, 1))))
            - q
        )

    return optimize.brentq(cdf, -1.0, 1.0, xtol=1e-10)


def beta_binomial(
    control: tuple[int, int],
    treatment: tuple[int, int],
    *,
    prior: tuple[float, float] = (1, 1),
    alpha: float = 0.05,
) -> pl.DataFrame:
    """Posterior summary of a conversion test (one row).

    Parameters
    ----------
    control, treatment : (conversions, units)
        Converting units and all units per arm.
    prior : (float, float)
        Beta prior (a, b) of each rate; (1, 1) is uniform.
    alpha : float
        1 - level of the credible interval.

    Returns
    -------
    DataFrame
        One row: control_rate, treatment_rate (posterior means), difference, ci_low,
        ci_high (equal-tailed credible interval of treatment - control), chance_to_win,
        expected_loss (rate lost on average if you ship treatment and it is worse) and
        expected_loss_control (lost if you keep control and treatment is better).

    Examples
    --------
    >>> beta_binomial((100, 1000), (130, 1000))["chance_to_win"].round(3).to_list()
    [0.982]
    """
    a_c, b_c = prior[0] + control[0], prior[1] + control[1] - control[0]
    a_t, b_t = prior[0] + treatment[0], prior[1] + treatment[1] - treatment[0]
    arrays = [np.asarray(v, dtype=float) for v in (a_c, b_c, a_t, b_t)]
    return pl.DataFrame(
        {
            "control_rate": [a_c / (a_c + b_c)],
            "treatment_rate": [a_t / (a_t + b_t)],
            "difference": [a_t / (a_t + b_t) - a_c / (a_c + b_c)],
            "ci_low": [_difference_quantile(a_c, b_c, a_t, b_t, alpha / 2)],
            "ci_high": [_difference_quantile(a_c, b_c, a_t, b_t, 1 - alpha / 2)],
            "chance_to_win": [float(chance_to_win(control, treatment, prior))],
            "expected_loss": [
                float(_expected_shortfall(arrays[2], arrays[3], arrays[0], arrays[1]))
            ],
            "expected_loss_control": [
                float(_expected_shortfall(arrays[0], arrays[1], arrays[2], arrays[3]))
            ],
        }
    )


def normal_posterior(effect: Any, standard_error: Any, *, alpha: float = 0.05) -> pl.DataFrame:
    """Bayesian reading of a mean difference: flat prior, normal likelihood.

    Parameters
    ----------
    effect, standard_error : float or array
        The estimated difference and its standard error.
    alpha : float
        1 - level of the credible interval.

    Returns
    -------
    DataFrame
        difference, ci_low, ci_high, chance_to_win, expected_loss and
        expected_loss_control, one row per effect.

    Examples
    --------
    >>> normal_posterior(0.29, 0.1248)["chance_to_win"].round(4).to_list()
    [0.9899]
    """
    d = np.atleast_1d(np.asarray(effect, dtype=float))
    se = np.atleast_1d(np.asarray(standard_error, dtype=float))
    z = d / se
    z_alpha = stats.norm.ppf(1 - alpha / 2)
    return pl.DataFrame(
        {
            "difference": d,
            "ci_low": d - z_alpha * se,
            "ci_high": d + z_alpha * se,
            "chance_to_win": stats.norm.cdf(z),
            # E[max(-D, 0)] and E[max(D, 0)] for D ~ N(d, se^2)
            "expected_loss": se * stats.norm.pdf(z) - d * stats.norm.cdf(-z),
            "expected_loss_control": se * stats.norm.pdf(z) + d * stats.norm.cdf(z),
        }
    )


def posterior_curves(
    control: tuple[int, int], treatment: tuple[int, int], *, prior=(1, 1), points: int = 200
) -> pl.DataFrame:
    """Posterior densities of both conversion rates on a common grid (for the chart).

    Parameters
    ----------
    control, treatment : (conversions, units)
        Converting units and all units per arm.
    prior : (float, float)
        Beta prior (a, b) of each rate.
    points : int
        Grid points per arm.

    Returns
    -------
    DataFrame
        variant, rate and density; the grid covers both posteriors' central 99.98%.

    Examples
    --------
    >>> curves = posterior_curves((10, 100), (15, 100), points=50)
    >>> curves.shape, curves["variant"].unique(maintain_order=True).to_list()
    ((100, 3), ['control', 'treatment'])
    """
    params = {
        name: (prior[0] + arm[0], prior[1] + arm[1] - arm[0])
        for name, arm in (("control", control), ("treatment", treatment))
    }
    lows = [stats.beta.ppf(1e-4, *p) for p in params.values()]
    highs = [stats.beta.ppf(1 - 1e-4, *p) for p in params.values()]
    grid = np.linspace(min(lows), max(highs), points)
    return pl.concat(
        [
            pl.DataFrame({"variant": name, "rate": grid, "density": stats.beta.pdf(grid, *p)})
            for name, p in params.items()
        ]
    )
