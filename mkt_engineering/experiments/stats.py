"""Sufficient statistics: the few sums every test needs, so any data size reduces to a handful of numbers.

A mean test needs only (n, sum, sum of squares) per arm; a ratio metric adds the sums of
the denominator, its square and the cross product. The fields may be numpy arrays, which
lets the calibration simulations run thousands of experiments in one vectorized call.

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
        """Reduce raw values (a list, numpy array or polars Series) to their sufficient statistics."""
        x = np.asarray(values, dtype=float)
        return cls(int(x.size), float(x.sum()), float((x * x).sum()))

    @classmethod
    def from_proportion(cls, conversions: Any, n: Any) -> SampleStats:
        """Statistics of a 0/1 metric: the sum of squares equals the number of conversions."""
        return cls(n, conversions, conversions)

    @property
    def mean(self) -> Any:
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
        return np.asarray(self.sum_num, dtype=float) / np.asarray(self.sum_den, dtype=float)

    def moments(self) -> tuple[Any, Any, Any, Any, Any]:
        """Means of numerator and denominator, their variances and covariance (n - 1 denominators)."""
        n = np.asarray(self.n, dtype=float)
        mean_x = np.asarray(self.sum_num, dtype=float) / n
        mean_y = np.asarray(self.sum_den, dtype=float) / n
        var_x = (self.sum_num_sq - n * mean_x**2) / (n - 1)
        var_y = (self.sum_den_sq - n * mean_y**2) / (n - 1)
        cov_xy = (self.sum_num_den - n * mean_x * mean_y) / (n - 1)
        return mean_x, mean_y, var_x, var_y, cov_xy
