"""Fixed-horizon tests from sufficient statistics: two proportions (z), two means (Welch).

Every test returns an `EffectEstimate` with effect, ci_low, ci_high and p_value. The inputs
may be numpy arrays of statistics (one entry per simulated experiment); the calibration
simulations use that to test 10,000 experiments in one call.

The difference of two conversion rates gets Newcombe's hybrid score interval (built from
the two Wilson intervals), not the Wald interval: Wald collapses to [0, 0] when neither arm
converts and is far too narrow at small counts, while Newcombe's stays honest there and
agrees with Wald at large counts.

Examples
--------
Two proportions, 42/104 against 500/1009 (reference values in tests):

>>> r = proportion_test(control=(42, 104), treatment=(500, 1009), pooled=True)
>>> round(float(r.effect), 6), round(float(r.p_value), 6)
(0.091694, 0.074866)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.experiments.stats import (
    SampleStats,
    relative_lift,
    scalar_or_array,
    z_interval,
)


@dataclass
class EffectEstimate:
    """The effect of treatment over control with its interval and p-value.

    Attributes
    ----------
    effect : float or array
        Treatment minus control (absolute) or treatment / control - 1 (relative).
    ci_low, ci_high : float or array
        Two-sided (1 - alpha) confidence interval.
    p_value : float or array
        Two-sided p-value of "no effect".
    standard_error : float or array
        Standard error of the effect.
    control_value, treatment_value : float or array
        The metric in each arm (rate, mean or ratio).
    method : str
        What was tested, in words.
    relative : bool
        Whether the effect is a relative lift.
    """

    effect: Any
    ci_low: Any
    ci_high: Any
    p_value: Any
    standard_error: Any
    control_value: Any
    treatment_value: Any
    method: str
    relative: bool = False
    extra: dict = field(default_factory=dict)

    def to_frame(self) -> pl.DataFrame:
        """One row per effect (several when the inputs were arrays)."""
        columns = {
            "control_value": self.control_value,
            "treatment_value": self.treatment_value,
            "effect": self.effect,
            "standard_error": self.standard_error,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
        }
        arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in columns.items()}
        frame = pl.DataFrame(arrays)
        return frame.with_columns(
            pl.lit(self.method).alias("method"), pl.lit(self.relative).alias("relative")
        )


def wilson_interval(successes: Any, n: Any, alpha: float = 0.05) -> tuple[Any, Any]:
    """Wilson score interval of one proportion.

    Parameters
    ----------
    successes, n : int or array
        Converting units and all units.
    alpha : float
        1 - confidence level.

    Returns
    -------
    (low, high) : floats or arrays

    Examples
    --------
    >>> low, high = wilson_interval(0, 100)
    >>> round(float(low), 4), round(float(high), 4)
    (0.0, 0.037)
    """
    x, n = (np.asarray(v, dtype=float) for v in (successes, n))
    z = stats.norm.ppf(1 - alpha / 2)
    centre = (x + z**2 / 2) / (n + z**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(x * (n - x) / n + z**2 / 4) / (n + z**2)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def newcombe_interval(
    control: tuple[Any, Any], treatment: tuple[Any, Any], alpha: float = 0.05
) -> tuple[Any, Any]:
    """Newcombe's hybrid score interval for treatment rate minus control rate.

    Method 10 of Newcombe (1998): the distances from each rate to its own Wilson limits are
    combined like standard errors. It never collapses to a point (0 of 100 in both arms
    gives about -3.7 to +3.7 points, not [0, 0]) and keeps close to its nominal coverage
    down to small counts, where the Wald interval fails.

    Parameters
    ----------
    control, treatment : (conversions, n)
        Scalars or numpy arrays.
    alpha : float
        1 - confidence level.

    Returns
    -------
    (low, high) : floats or arrays

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.

    Examples
    --------
    Example (a) of Newcombe's Table II, 56/70 against 48/80:

    >>> low, high = newcombe_interval(control=(48, 80), treatment=(56, 70))
    >>> round(float(low), 4), round(float(high), 4)
    (0.0524, 0.3339)
    """
    (conv_c, n_c), (conv_t, n_t) = (
        tuple(np.asarray(v, dtype=float) for v in arm) for arm in (control, treatment)
    )
    rate_c, rate_t = conv_c / n_c, conv_t / n_t
    low_c, high_c = wilson_interval(conv_c, n_c, alpha)
    low_t, high_t = wilson_interval(conv_t, n_t, alpha)
    difference = rate_t - rate_c
    low = difference - np.sqrt((rate_t - low_t) ** 2 + (high_c - rate_c) ** 2)
    high = difference + np.sqrt((high_t - rate_t) ** 2 + (rate_c - low_c) ** 2)
    return low, high


def proportion_test(
    control: tuple[Any, Any],
    treatment: tuple[Any, Any],
    *,
    relative: bool = False,
    pooled: bool = False,
    alpha: float = 0.05,
    interval: str = "newcombe",
) -> EffectEstimate:
    """Compare two conversion rates with a z-test.

    Parameters
    ----------
    control, treatment : (conversions, n)
        Converting units and all units per arm; scalars or numpy arrays.
    relative : bool
        Report the relative lift (delta method) instead of the difference in points.
    pooled : bool
        Use the pooled rate for the p-value (the classic chi-square test).
    alpha : float
        1 - confidence level.
    interval : {"newcombe", "wald"}
        Interval of the difference: Newcombe's hybrid score interval (default; honest at
        small counts, see `newcombe_interval`) or the unpooled Wald interval (the textbook
        interval, which collapses to [0, 0] when neither arm converts). The relative lift
        always uses the delta method.

    Returns
    -------
    EffectEstimate
        Effect, interval, p-value, standard error and both rates.

    Notes
    -----
    The p-value is the z-test's. When it cannot be computed (no conversions or no
    non-conversions in either arm) it is NaN, and `analyze` then reports the effect as not
    significant and its verdict as not judgeable.

    Examples
    --------
    >>> r = proportion_test(control=(42, 104), treatment=(500, 1009), interval="wald")
    >>> round(float(r.p_value), 6), round(float(r.ci_low), 6), round(float(r.ci_high), 6)
    (0.070093, -0.007525, 0.190913)
    >>> r = proportion_test(control=(0, 100), treatment=(0, 100))
    >>> round(float(r.ci_low), 4), round(float(r.ci_high), 4)
    (-0.037, 0.037)
    """
    if interval not in ("newcombe", "wald"):
        raise ValueError(f"interval must be 'newcombe' or 'wald', not {interval!r}.")
    conv_c, n_c = (np.asarray(v, dtype=float) for v in control)
    conv_t, n_t = (np.asarray(v, dtype=float) for v in treatment)
    rate_c, rate_t = conv_c / n_c, conv_t / n_t
    var_c, var_t = rate_c * (1 - rate_c) / n_c, rate_t * (1 - rate_t) / n_t
    if relative:
        effect, se = relative_lift(rate_c, rate_t, var_c, var_t)
        low, high, p_value = z_interval(effect, se, alpha)
        method = "relative lift in conversion rate (z-test, delta method)"
    else:
        effect, se = rate_t - rate_c, np.sqrt(var_c + var_t)
        low, high, p_value = z_interval(effect, se, alpha)
        method = "difference in conversion rate (z-test)"
        if interval == "newcombe":
            low, high = newcombe_interval((conv_c, n_c), (conv_t, n_t), alpha)
            method = "difference in conversion rate (z-test, Newcombe interval)"
    if pooled:
        rate = (conv_c + conv_t) / (n_c + n_t)
        se_pooled = np.sqrt(rate * (1 - rate) * (1 / n_c + 1 / n_t))
        with np.errstate(divide="ignore", invalid="ignore"):
            p_value = 2 * stats.norm.sf(np.abs((rate_t - rate_c) / se_pooled))
        method += ", pooled p-value"
    return EffectEstimate(
        scalar_or_array(effect),
        scalar_or_array(low),
        scalar_or_array(high),
        scalar_or_array(p_value),
        scalar_or_array(se),
        scalar_or_array(rate_c),
        scalar_or_array(rate_t),
        method,
        relative,
    )


def mean_test(
    control: SampleStats,
    treatment: SampleStats,
    *,
    relative: bool = False,
    alpha: float = 0.05,
) -> EffectEstimate:
    """Compare two means with Welch's t-test (unequal variances) from sufficient statistics.

    Parameters
    ----------
    control, treatment : SampleStats
        (n, sum, sum of squares) per arm.
    relative : bool
        Report the relative lift with a delta-method interval (normal approximation).
    alpha : float
        1 - confidence level.

    Returns
    -------
    EffectEstimate
        Effect, interval, p-value, standard error and both means.

    Examples
    --------
    >>> r = mean_test(SampleStats(3407, 1396.87, 52377.9767), SampleStats(3461, 2422.7, 134698.29))
    >>> round(float(r.effect), 2), round(float(r.p_value), 5)
    (0.29, 0.02016)
    """
    mean_c, mean_t = control.mean, treatment.mean
    var_c = control.variance / np.asarray(control.n, dtype=float)
    var_t = treatment.variance / np.asarray(treatment.n, dtype=float)
    if relative:
        effect, se = relative_lift(mean_c, mean_t, var_c, var_t)
        low, high, p_value = z_interval(effect, se, alpha)
        method = "relative lift in mean (delta method)"
    else:
        effect, se = mean_t - mean_c, np.sqrt(var_c + var_t)
        # Welch-Satterthwaite degrees of freedom
        df = (var_c + var_t) ** 2 / (
            var_c**2 / (np.asarray(control.n) - 1) + var_t**2 / (np.asarray(treatment.n) - 1)
        )
        t = stats.t.ppf(1 - alpha / 2, df)
        low, high = effect - t * se, effect + t * se
        with np.errstate(divide="ignore", invalid="ignore"):
            p_value = 2 * stats.t.sf(np.abs(effect / se), df)
        method = "difference in mean (Welch t-test)"
    return EffectEstimate(
        scalar_or_array(effect),
        scalar_or_array(low),
        scalar_or_array(high),
        scalar_or_array(p_value),
        scalar_or_array(se),
        scalar_or_array(mean_c),
        scalar_or_array(mean_t),
        method,
        relative,
    )


def mann_whitney_test(control_values: Any, treatment_values: Any) -> EffectEstimate:
    """Mann-Whitney U test. It tests a DIFFERENT quantity from the mean tests.

    The effect reported is the probability that a random treatment unit beats a random
    control unit (ties count half) minus 0.5. It says nothing about the difference in
    average revenue, which is what a business case needs; use it only as a robustness
    check next to `mean_test` or the bootstrap. It needs the raw values.

    Parameters
    ----------
    control_values, treatment_values : array-like
        The metric of every unit in each arm.

    Returns
    -------
    EffectEstimate
        The superiority minus 0.5 as the effect and the test's p-value (no interval).

    Examples
    --------
    >>> r = mann_whitney_test([1, 2, 3, 4], [3, 4, 5, 6])
    >>> round(float(r.effect), 4)
    0.375
    """
    x = np.asarray(control_values, dtype=float)
    y = np.asarray(treatment_values, dtype=float)
    result = stats.mannwhitneyu(y, x, alternative="two-sided")
    superiority = result.statistic / (x.size * y.size)
    nan = float("nan")
    return EffectEstimate(
        float(superiority - 0.5),
        nan,
        nan,
        float(result.pvalue),
        nan,
        nan,
        nan,
        "Mann-Whitney: P(treatment unit > control unit) - 0.5, not a mean difference",
    )
