"""What a valuation counts: horizon, discount rate, margin and the models' time unit.

The four values travel together from a report's parameters to every valuation and
forecast, so they are one frozen object, `ValueSettings`, checked once when it is made.

Examples
--------
>>> settings = ValueSettings(horizon_months=24, margin=0.3)
>>> settings.horizon_months, settings.discount_rate, settings.margin, settings.time_unit
(24, 0.1, 0.3, 'W')
>>> monthly_discount(0.10) < 0.10 / 12
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from numbers import Integral, Real

import numpy as np

from mkt_engineering.errors import ParameterError
from mkt_engineering.ltv.rfm import TIME_UNITS

DAYS_PER_MONTH = 365.25 / 12


def monthly_discount(annual_rate: float) -> float:
    """The monthly rate that compounds to ``annual_rate`` over 12 months.

    Parameters
    ----------
    annual_rate : float
        Discount rate a year as a share (0.10 for 10%), above -1.

    Returns
    -------
    float
        (1 + annual_rate)^(1/12) - 1.

    Examples
    --------
    >>> round(monthly_discount(0.10), 6)
    0.007974
    """
    _check_discount_rate(annual_rate)
    return (1 + annual_rate) ** (1 / 12) - 1


def _check_discount_rate(rate: float) -> None:
    if isinstance(rate, bool) or not isinstance(rate, Real) or not rate > -1 or math.isinf(rate):
        raise ParameterError(
            f"parameter 'discount_rate' must be a yearly rate above -1 as a share "
            f"(e.g. 0.10 for 10% a year), got {rate!r}."
        )


@dataclass(frozen=True)
class ValueSettings:
    """Horizon, discount rate, margin and time unit of a valuation, checked when made.

    Parameters
    ----------
    horizon_months : int
        Months ahead that the value counts, 1 or more.
    discount_rate : float
        Yearly discount rate as a share (0.10 = 10%), above -1; compounded monthly.
    margin : float
        Contribution margin as a share of revenue, above 0 and at most 1 (1.0 = values
        in revenue).
    time_unit : str
        Time unit of the models' data: 'D' (days), 'W' (weeks) or 'M' (months).

    Raises
    ------
    ParameterError
        Naming the parameter whose value is out of range.

    Examples
    --------
    >>> ValueSettings(12, 0.10, 0.3, "W").month_grid()[:3].round(3)
    array([0.   , 4.348, 8.696])
    >>> ValueSettings(horizon_months=0)
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.ParameterError: parameter 'horizon_months' must be a whole number \
of months, 1 or more (e.g. 12 or 36), got 0.
    """

    horizon_months: int = 12
    discount_rate: float = 0.10
    margin: float = 1.0
    time_unit: str = "W"

    def __post_init__(self) -> None:
        months = self.horizon_months
        if isinstance(months, bool) or not isinstance(months, Integral) or months < 1:
            raise ParameterError(
                "parameter 'horizon_months' must be a whole number of months, 1 or more "
                f"(e.g. 12 or 36), got {months!r}."
            )
        _check_discount_rate(self.discount_rate)
        margin = self.margin
        if isinstance(margin, bool) or not isinstance(margin, Real) or not 0 < margin <= 1:
            raise ParameterError(
                f"parameter 'margin' must be a share above 0 and at most 1 (0.3 for a 30% "
                f"contribution margin, 1.0 for values in revenue), got {margin!r}."
            )
        if self.time_unit not in TIME_UNITS:
            raise ParameterError(
                f"parameter 'time_unit' must be one of {', '.join(TIME_UNITS)} (days, weeks, "
                f"months), got {self.time_unit!r}."
            )

    def month_grid(self) -> np.ndarray:
        """The end of each month of the horizon in the models' time unit, from 0.

        Returns
        -------
        ndarray
            horizon_months + 1 times: 0, then one month after another.

        Examples
        --------
        >>> ValueSettings(horizon_months=2, time_unit="D").month_grid().round(2)
        array([ 0.  , 30.44, 60.88])
        """
        return np.arange(self.horizon_months + 1) * DAYS_PER_MONTH / TIME_UNITS[self.time_unit]

    def discount_factors(self) -> np.ndarray:
        """What a unit of money in each month of the horizon is worth today.

        Returns
        -------
        ndarray
            One factor per month 1..horizon_months: 1 / (1 + monthly rate)^month.

        Examples
        --------
        >>> ValueSettings(horizon_months=12, discount_rate=0.10).discount_factors()[-1].round(4)
        np.float64(0.9091)
        """
        return (1 + monthly_discount(self.discount_rate)) ** -np.arange(1, self.horizon_months + 1)


def value_settings(settings: ValueSettings | None = None, **values) -> ValueSettings:
    """``settings``, with the values given (not None) in place of its own.

    The valuation functions take a `ValueSettings` and, as before, the four values as
    keywords; a keyword given replaces the settings' value, and without settings the
    defaults fill what is not given.

    Parameters
    ----------
    settings : ValueSettings, optional
        The settings; None starts from the defaults.
    **values
        horizon_months, discount_rate, margin, time_unit; None means "not given".

    Returns
    -------
    ValueSettings
        Checked settings.

    Examples
    --------
    >>> value_settings(ValueSettings(margin=0.3), horizon_months=24, time_unit=None)
    ValueSettings(horizon_months=24, discount_rate=0.1, margin=0.3, time_unit='W')
    """
    given = {name: value for name, value in values.items() if value is not None}
    if settings is None:
        return ValueSettings(**given)
    if not isinstance(settings, ValueSettings):
        raise ParameterError(
            f"settings must be an ltv.ValueSettings, got {type(settings).__name__}; pass "
            "horizon_months, discount_rate, margin and time_unit by name instead."
        )
    return replace(settings, **given) if given else settings
