"""Ratio metrics such as orders per session, where the randomized unit is the user.

Sessions of one user are not independent, so the naive per-session test is too confident.
The delta method linearizes the ratio of sums per arm and keeps the covariance between
numerator and denominator (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric
Analytics"). For the relative lift, Fieller's interval is offered as an option; it is exact
for a ratio of two normal estimates and can be unbounded when the control is too noisy.

Examples
--------
>>> control = RatioStats(1000, 300.0, 2000.0, 420.0, 4800.0, 720.0)
>>> treatment = RatioStats(1000, 345.0, 2010.0, 500.0, 4850.0, 820.0)
>>> r = ratio_test(control, treatment)
>>> round(float(r.effect), 4), round(float(r.p_value), 3)
(0.0216, 0.095)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import stats

from mkt_engineering.experiments.frequentist import EffectEstimate
from mkt_engineering.experiments.stats import RatioStats, relative_lift, scalar_or_array, z_interval


def ratio_variance(arm: RatioStats) -> tuple[np.ndarray, np.ndarray]:
    """Ratio of sums of one arm and the delta-method variance of that ratio.

    ``Var(X/Y) ~ (var_x - 2 R cov_xy + R^2 var_y) / (n mean_y^2)``, ``R = mean_x / mean_y``.

    Parameters
    ----------
    arm : RatioStats

    Returns
    -------
    (ratio, variance) : floats or arrays
    """
    mean_x, mean_y, var_x, var_y, cov_xy = arm.moments()
    ratio = mean_x / mean_y
    variance = (var_x - 2 * ratio * cov_xy + ratio**2 * var_y) / (
        np.asarray(arm.n, dtype=float) * mean_y**2
    )
    return ratio, variance


def ratio_test(
    control: RatioStats,
    treatment: RatioStats,
    *,
    relative: bool = False,
    method: Literal["delta", "fieller"] = "delta",
    alpha: float = 0.05,
) -> EffectEstimate:
    """Compare a ratio metric between arms.

    Parameters
    ----------
    control, treatment : RatioStats
        Per-arm sums of numerator, denominator, their squares and cross product.
    relative : bool
        Report treatment ratio / control ratio - 1 instead of the difference.
    method : {"delta", "fieller"}
        Interval for the relative lift: delta method (symmetric) or Fieller (exact for a
        ratio of normals, asymmetric). Fieller implies ``relative=True``.
    alpha : float
        1 - confidence level.

    Returns
    -------
    EffectEstimate
        Effect, interval, p-value, standard error and both arms' ratios.

    Examples
    --------
    >>> c = RatioStats(1000, 300.0, 2000.0, 420.0, 4800.0, 720.0)
    >>> t = RatioStats(1000, 345.0, 2010.0, 500.0, 4850.0, 820.0)
    >>> r = ratio_test(c, t, method="fieller")
    >>> round(float(r.ci_low), 3), round(float(r.ci_high), 3)
    (-0.023, 0.343)
    """
    ratio_c, var_c = ratio_variance(control)
    ratio_t, var_t = ratio_variance(treatment)
    if method == "fieller":
        return _fieller(ratio_c, var_c, ratio_t, var_t, alpha)
    if relative:
        effect, se = relative_lift(ratio_c, ratio_t, var_c, var_t)
        name = "relative lift in ratio (delta method)"
    else:
        effect, se = ratio_t - ratio_c, np.sqrt(var_c + var_t)
        name = "difference in ratio (delta method)"
    low, high, p_value = z_interval(effect, se, alpha)
    return EffectEstimate(
        scalar_or_array(effect),
        scalar_or_array(low),
        scalar_or_array(high),
        scalar_or_array(p_value),
        scalar_or_array(se),
        scalar_or_array(ratio_c),
        scalar_or_array(ratio_t),
        name,
        relative,
    )


def _fieller(ratio_c, var_c, ratio_t, var_t, alpha: float) -> EffectEstimate:
    """Fieller interval for ratio_t / ratio_c (independent arms), reported as a lift."""
    z2 = stats.norm.ppf(1 - alpha / 2) ** 2
    # (ratio_t - q ratio_c)^2 = z^2 (var_t + q^2 var_c): a quadratic a q^2 + b q + c = 0
    a = ratio_c**2 - z2 * var_c
    b = -2 * ratio_t * ratio_c
    c = ratio_t**2 - z2 * var_t
    disc = b**2 - 4 * a * c
    bounded = (a > 0) & (disc > 0)
    root = np.sqrt(np.where(bounded, disc, np.nan))
    low = np.where(bounded, (-b - root) / (2 * a), -np.inf) - 1
    high = np.where(bounded, (-b + root) / (2 * a), np.inf) - 1
    effect, se = relative_lift(ratio_c, ratio_t, var_c, var_t)
    p_value = 2 * stats.norm.sf(np.abs(ratio_t - ratio_c) / np.sqrt(var_c + var_t))
    return EffectEstimate(
        scalar_or_array(effect),
        scalar_or_array(low),
        scalar_or_array(high),
        scalar_or_array(p_value),
        scalar_or_array(se),
        scalar_or_array(ratio_c),
        scalar_or_array(ratio_t),
        "relative lift in ratio (Fieller interval)",
        True,
    )
