"""Fixed-horizon tests from sufficient statistics: two proportions (z), two means (Welch).

Every test returns an `EffectEstimate` with effect, ci_low, ci_high and p_value. The inputs
may be numpy arrays of statistics (one entry per simulated experiment); the calibration
simulations use that to test 10,000 experiments in one call.

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

from mkt_engineering.experiments.stats import SampleStats


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


def _z_interval(effect: Any, se: Any, alpha: float) -> tuple[Any, Any, Any]:
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = 2 * stats.norm.sf(np.abs(effect / se))
    return effect - z * se, effect + z * se, p_value


def _relative(
    control: Any, treatment: Any, var_control: Any, var_treatment: Any
) -> tuple[Any, Any]:
    """Lift treatment / control - 1 and its delta-method standard error (independent arms)."""
    lift = treatment / control - 1
    variance = var_treatment / control**2 + treatment**2 * var_control / control**4
    return lift, np.sqrt(variance)


def proportion_test(
    control: tuple[Any, Any],
    treatment: tuple[Any, Any],
    *,
    relative: bool = False,
    pooled: bool = False,
    alpha: float = 0.05,
) -> EffectEstimate:
    """Compare two conversion rates with a z-test.

    Parameters
    ----------
    control, treatment : (conversions, n)
        Converting units and all units per arm; scalars or numpy arrays.
    relative : bool
        Report the relative lift (delta method) instead of the difference in points.
    pooled : bool
        Use the pooled rate for the p-value (the classic chi-square test). The interval is
        always the unpooled Wald interval, because under an effect the rates differ.
    alpha : float
        1 - confidence level.

    Examples
    --------
    >>> r = proportion_test(control=(42, 104), treatment=(500, 1009))
    >>> round(float(r.p_value), 6), round(float(r.ci_low), 6), round(float(r.ci_high), 6)
    (0.070093, -0.007525, 0.190913)
    """
    conv_c, n_c = (np.asarray(v, dtype=float) for v in control)
    conv_t, n_t = (np.asarray(v, dtype=float) for v in treatment)
    rate_c, rate_t = conv_c / n_c, conv_t / n_t
    var_c, var_t = rate_c * (1 - rate_c) / n_c, rate_t * (1 - rate_t) / n_t
    if relative:
        effect, se = _relative(rate_c, rate_t, var_c, var_t)
        low, high, p_value = _z_interval(effect, se, alpha)
        method = "relative lift in conversion rate (z-test, delta method)"
    else:
        effect, se = rate_t - rate_c, np.sqrt(var_c + var_t)
        low, high, p_value = _z_interval(effect, se, alpha)
        method = "difference in conversion rate (z-test)"
    if pooled:
        rate = (conv_c + conv_t) / (n_c + n_t)
        se_pooled = np.sqrt(rate * (1 - rate) * (1 / n_c + 1 / n_t))
        with np.errstate(divide="ignore", invalid="ignore"):
            p_value = 2 * stats.norm.sf(np.abs((rate_t - rate_c) / se_pooled))
        method += ", pooled p-value"
    return EffectEstimate(
        _out(effect),
        _out(low),
        _out(high),
        _out(p_value),
        _out(se),
        _out(rate_c),
        _out(rate_t),
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
        effect, se = _relative(mean_c, mean_t, var_c, var_t)
        low, high, p_value = _z_interval(effect, se, alpha)
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
        _out(effect),
        _out(low),
        _out(high),
        _out(p_value),
        _out(se),
        _out(mean_c),
        _out(mean_t),
        method,
        relative,
    )


def mann_whitney_test(control_values: Any, treatment_values: Any) -> EffectEstimate:
    """Mann-Whitney U test. It tests a DIFFERENT quantity from the mean tests.

    The effect reported is the probability that a random treatment unit beats a random
    control unit (ties count half) minus 0.5. It says nothing about the difference in
    average revenue, which is what a business case needs; use it only as a robustness
    check next to `mean_test` or the bootstrap. It needs the raw values.

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


def _out(value: Any) -> Any:
    """Plain floats for scalar inputs, arrays for array inputs."""
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array
