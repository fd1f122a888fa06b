"""Sufficient statistics, and the interval arithmetic every test shares.

A mean test needs only (n, sum, sum of squares) per arm; a ratio metric adds the sums of
the denominator, its square and the cross product, so any data size reduces to a handful
of numbers. The fields may be numpy arrays, which lets the calibration simulations run
thousands of experiments in one vectorized call.

The z-tests of proportions, means, CUPED and ratios end alike: an effect and its standard
error become a normal interval and p-value (`z_interval`), a lift gets its delta-method
standard error (`relative_lift`), and results come back as plain floats for scalar inputs
and as arrays for batches (`scalar_or_array`).

Examples
--------
>>> s = SampleStats.from_values([1.0, 2.0, 3.0, 6.0])
>>> s.n, float(s.mean), round(float(s.variance), 4)
(4, 3.0, 4.6667)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class SampleStats:
    """(n, sum, sum of squares) of one arm's metric.

    Parameters
    ----------
    n : int or array
        Number of units.
    sum : float or array
        Sum of the metric over the units.
    sum_sq : float or array
        Sum of the squared metric.
    """

    n: Any
    sum: Any
    sum_sq: Any

    @classmethod
    def from_values(cls, values: Any) -> SampleStats:
        """Reduce raw values (a list, numpy array or polars Series) to their statistics."""
        x = np.asarray(values, dtype=float)
        return cls(int(x.size), float(x.sum()), float((x * x).sum()))

    @property
    def mean(self) -> Any:
        """Mean of the metric per unit."""
        return np.asarray(self.sum, dtype=float) / self.n

    @property
    def variance(self) -> Any:
        """Sample variance with the n - 1 denominator."""
        n = np.asarray(self.n, dtype=float)
        return (
            np.asarray(self.sum_sq, dtype=float) - np.asarray(self.sum, dtype=float) ** 2 / n
        ) / (n - 1)


@dataclass(frozen=True)
class RatioStats:
    """Sums for a ratio metric such as orders per session, where the unit is the user.

    The ratio of sums is estimated per arm; its variance needs the numerator and
    denominator variances and their covariance (delta method).

    Parameters
    ----------
    n : int or array
        Number of units (users, not sessions).
    sum_num, sum_den : float or array
        Sums of the numerator (orders) and the denominator (sessions) over the units.
    sum_num_sq, sum_den_sq : float or array
        Sums of their squares per unit.
    sum_num_den : float or array
        Sum of numerator times denominator per unit.

    Examples
    --------
    >>> r = RatioStats.from_values([1, 0, 2], [2, 1, 3])
    >>> round(float(r.ratio), 4)
    0.5
    """

    n: Any
    sum_num: Any
    sum_den: Any
    sum_num_sq: Any
    sum_den_sq: Any
    sum_num_den: Any

    @classmethod
    def from_values(cls, numerator: Any, denominator: Any) -> RatioStats:
        """Reduce per-unit numerators and denominators to their sums."""
        x = np.asarray(numerator, dtype=float)
        y = np.asarray(denominator, dtype=float)
        return cls(
            int(x.size),
            float(x.sum()),
            float(y.sum()),
            float((x * x).sum()),
            float((y * y).sum()),
            float((x * y).sum()),
        )

    @property
    def ratio(self) -> Any:
        """Ratio of the sums (orders per session)."""
        return np.asarray(self.sum_num, dtype=float) / np.asarray(self.sum_den, dtype=float)

    def moments(self) -> tuple[Any, Any, Any, Any, Any]:
        """Means of numerator and denominator, their variances and covariance (n - 1).

        Returns
        -------
        (mean_num, mean_den, var_num, var_den, cov) : floats or arrays
        """
        n = np.asarray(self.n, dtype=float)
        mean_x = np.asarray(self.sum_num, dtype=float) / n
        mean_y = np.asarray(self.sum_den, dtype=float) / n
        var_x = (self.sum_num_sq - n * mean_x**2) / (n - 1)
        var_y = (self.sum_den_sq - n * mean_y**2) / (n - 1)
        cov_xy = (self.sum_num_den - n * mean_x * mean_y) / (n - 1)
        return mean_x, mean_y, var_x, var_y, cov_xy


def z_interval(effect: Any, standard_error: Any, alpha: float) -> tuple[Any, Any, Any]:
    """Two-sided normal interval and p-value of an effect with its standard error.

    Parameters
    ----------
    effect, standard_error : float or array
        The estimate and its standard error (arrays: one entry per experiment).
    alpha : float
        1 - confidence level.

    Returns
    -------
    (low, high, p_value) : floats or arrays
        A standard error of 0 or NaN gives a NaN p-value, without a numpy warning.

    Examples
    --------
    >>> low, high, p = z_interval(0.02, 0.01, 0.05)
    >>> round(float(low), 4), round(float(high), 4), round(float(p), 4)
    (0.0004, 0.0396, 0.0455)
    """
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = 2 * stats.norm.sf(np.abs(effect / standard_error))
    return effect - z * standard_error, effect + z * standard_error, p_value


def relative_lift(
    control: Any, treatment: Any, var_control: Any, var_treatment: Any
) -> tuple[Any, Any]:
    """Lift treatment / control - 1 and its delta-method standard error (independent arms).

    Parameters
    ----------
    control, treatment : float or array
        The metric in each arm (rate, mean or ratio).
    var_control, var_treatment : float or array
        The variance of each arm's estimate (squared standard error).

    Returns
    -------
    (lift, standard_error) : floats or arrays
        NaN where the control value is 0 (no relative change exists), without a warning.

    Examples
    --------
    >>> lift, se = relative_lift(0.10, 0.12, 0.0001, 0.0001)
    >>> round(float(lift), 4), round(float(se), 4)
    (0.2, 0.1562)
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # no control events: NaN, not a warning
        lift = treatment / control - 1
        variance = var_treatment / control**2 + treatment**2 * var_control / control**4
    return lift, np.sqrt(variance)


def scalar_or_array(value: Any) -> Any:
    """A plain float for a scalar input, a float array for an array (a batch of experiments).

    Parameters
    ----------
    value : number or array-like

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> scalar_or_array(np.float64(0.5)), scalar_or_array([1, 2]).tolist()
    (0.5, [1.0, 2.0])
    """
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array
