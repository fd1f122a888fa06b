"""Design an experiment: units needed, the smallest detectable effect, days to run, margins.

Formulas
--------
Proportions use the **normal approximation with the pooled variance under the null and the
unpooled variance under the alternative** (Fleiss, Levin & Paik 2003, eq. 4.14 without
continuity correction; the same as statsmodels ``power_proportions_2indep``)::

    n_control = (z_{1-a/2} * sd_null + z_{1-b} * sd_alt)^2 / mde^2
    sd_null^2 = p_bar (1 - p_bar) (1 + 1/k),   p_bar = (p1 + k p2) / (1 + k)
    sd_alt^2  = p1 (1 - p1) + p2 (1 - p2) / k,  k = n_treatment / n_control

For 20% -> 25% at alpha 0.05 and power 0.8 it gives 1,094 per arm. (Cohen's h gives 1,092,
the fully unpooled formula 1,091, Evan Miller's calculator 1,030.) Means use
``n = (z_{1-a/2} + z_{1-b})^2 sd^2 (1 + 1/k) / mde^2`` (statsmodels ``NormalIndPower``).

Examples
--------
>>> sample_size(0.20, 0.05)
1094
>>> duration(1094, daily_units=300)
8
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import optimize, stats


def _proportion_sds(baseline: float, treated: float, ratio: float) -> tuple[float, float]:
    pooled = (baseline + ratio * treated) / (1 + ratio)
    sd_null = math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio))
    sd_alt = math.sqrt(baseline * (1 - baseline) + treated * (1 - treated) / ratio)
    return sd_null, sd_alt


def _check_rate(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(
            f"{name} must be a conversion rate between 0 and 1 (exclusive), got {value}."
        )


def sample_size(
    baseline: float,
    mde: float,
    *,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    sd: float | None = None,
) -> int:
    """Units needed in the control arm (the treatment arm gets ``ratio`` times as many).

    Parameters
    ----------
    baseline : float
        Control conversion rate (proportions) or control mean (means, with ``sd``).
    mde : float
        Minimum detectable effect: absolute difference, or a share of ``baseline`` when
        ``relative=True``.
    relative : bool
        Read ``mde`` as relative lift (0.1 = +10%).
    alpha, power : float
        Two-sided significance level and power.
    ratio : float
        Treatment units per control unit.
    sd : float, optional
        Standard deviation of the metric; given, the metric is treated as a mean.

    Returns
    -------
    int
        Control units needed, rounded up.

    Examples
    --------
    >>> sample_size(0.20, 0.25, relative=True)
    1094
    >>> sample_size(10.0, 0.5, sd=5.0)
    1570
    """
    if mde == 0:
        raise ValueError("mde must not be 0: no sample can detect an effect of size zero.")
    difference = mde * baseline if relative else mde
    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    if sd is not None:
        n = (z_alpha + z_power) ** 2 * sd**2 * (1 + 1 / ratio) / difference**2
        return math.ceil(n)
    _check_rate("baseline", baseline)
    _check_rate("baseline + mde", baseline + difference)
    sd_null, sd_alt = _proportion_sds(baseline, baseline + difference, ratio)
    return math.ceil((z_alpha * sd_null + z_power * sd_alt) ** 2 / difference**2)


def mde(
    n: float,
    baseline: float,
    *,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    sd: float | None = None,
) -> float:
    """Smallest upward effect detectable with ``n`` control units (inverse of `sample_size`).

    Parameters
    ----------
    n : float
        Control units.
    baseline : float
        Control conversion rate (or control mean, with ``sd``).
    relative : bool
        Return the effect as a share of ``baseline``.
    alpha, power : float
        Two-sided significance level and power.
    ratio : float
        Treatment units per control unit.
    sd : float, optional
        Standard deviation of the metric; given, the metric is treated as a mean.

    Returns
    -------
    float
        The minimum detectable effect, absolute (or relative).

    Examples
    --------
    >>> round(mde(1094, 0.20), 3)
    0.05
    """
    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    if sd is not None:
        difference = (z_alpha + z_power) * sd * math.sqrt((1 + 1 / ratio) / n)
    else:
        _check_rate("baseline", baseline)

        def gap(d: float) -> float:
            sd_null, sd_alt = _proportion_sds(baseline, baseline + d, ratio)
            return (z_alpha * sd_null + z_power * sd_alt) / math.sqrt(n) - d

        difference = optimize.brentq(gap, 1e-12, 1 - baseline - 1e-12)
    return difference / baseline if relative else difference


def duration(
    sample_size_per_arm: float, daily_units: float, *, arms: int = 2, share: float = 1.0
) -> int:
    """Days needed to reach the sample, given units entering per day and the share in the test.

    Parameters
    ----------
    sample_size_per_arm : float
        Units each arm needs.
    daily_units : float
        Units entering per day (all of them, before the share).
    arms : int
        Number of arms, control included.
    share : float
        Share of the daily units that enter the test.

    Returns
    -------
    int
        Whole days, rounded up.

    Examples
    --------
    >>> duration(1094, daily_units=1000, arms=3, share=0.5)
    7
    """
    if daily_units <= 0:
        raise ValueError("daily_units must be positive.")
    return math.ceil(sample_size_per_arm * arms / (daily_units * share))


def non_inferiority_sample_size(
    baseline: float,
    margin: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    sd: float | None = None,
) -> int:
    """Units per arm to show a guardrail is not worse by more than ``margin`` (one-sided test).

    Assumes the true effect on the guardrail is zero.

    Parameters
    ----------
    baseline : float
        Control rate of the guardrail (or its mean, with ``sd``).
    margin : float
        Worsening, absolute, that still counts as "not worse".
    alpha, power : float
        One-sided significance level and power.
    sd : float, optional
        Standard deviation of a mean metric.

    Returns
    -------
    int
        Units per arm, rounded up.

    Examples
    --------
    >>> non_inferiority_sample_size(0.05, 0.01)
    5874
    """
    variance = sd**2 if sd is not None else baseline * (1 - baseline)
    z = stats.norm.ppf(1 - alpha) + stats.norm.ppf(power)
    return math.ceil(2 * variance * z**2 / margin**2)


def guardrail_status(
    ci_low: Any, ci_high: Any, *, margin: float = 0.0, higher_is_better: bool = True
) -> Any:
    """Read a guardrail's interval against its non-inferiority margin.

    Parameters
    ----------
    ci_low, ci_high : float or array
        The interval of the guardrail's change (relative, as `analyze` passes it).
    margin : float
        Worsening that still counts as "not worse", on the interval's scale.
    higher_is_better : bool
        False for guardrails where lower is better (page load time, unsubscribes).

    Returns
    -------
    str or array of str
        ``"worse"`` when the interval lies entirely on the harmful side of zero,
        ``"fine"`` when it excludes harm larger than ``margin``, ``"unclear"`` otherwise
        (and when the interval could not be computed). With ``margin=0`` a guardrail is
        "fine" unless the interval lies below zero.

    Examples
    --------
    >>> guardrail_status(-0.02, 0.01, margin=0.03)
    'fine'
    >>> guardrail_status(-0.05, -0.01)
    'worse'
    >>> guardrail_status(float("nan"), float("nan"))
    'unclear'
    """
    low, high = (
        (np.asarray(ci_low), np.asarray(ci_high))
        if higher_is_better
        else (-np.asarray(ci_high), -np.asarray(ci_low))
    )
    if margin == 0:
        status = np.where(high < 0, "worse", "fine")
    else:
        status = np.where(high < 0, "worse", np.where(low > -margin, "fine", "unclear"))
    # an interval that could not be computed (no variation, no control value) shows nothing
    status = np.where(np.isnan(low) | np.isnan(high), "unclear", status)
    return str(status) if status.ndim == 0 else status


def power_curve(
    baseline: float,
    n: float,
    effects: Any,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    sd: float | None = None,
) -> Any:
    """Power of the two-sided test for each true effect, with ``n`` control units.

    Parameters
    ----------
    baseline : float
        Control conversion rate (or control mean, with ``sd``).
    n : float
        Control units.
    effects : float or array
        True effects, absolute.
    alpha : float
        Two-sided significance level.
    ratio : float
        Treatment units per control unit.
    sd : float, optional
        Standard deviation of a mean metric.

    Returns
    -------
    float or array
        The chance of a significant result for each effect (alpha at effect 0).

    Examples
    --------
    >>> [round(float(p), 2) for p in power_curve(0.2, 1094, [0.0, 0.05])]
    [0.05, 0.8]
    """
    effects = np.asarray(effects, dtype=float)
    z_alpha = stats.norm.ppf(1 - alpha / 2)
    if sd is not None:
        se = sd * np.sqrt((1 + 1 / ratio) / n)
        return stats.norm.sf(z_alpha - np.abs(effects) / se) + stats.norm.cdf(
            -z_alpha - np.abs(effects) / se
        )
    treated = np.clip(baseline + effects, 1e-9, 1 - 1e-9)
    pooled = (baseline + ratio * treated) / (1 + ratio)
    sd_null = np.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio) / n)
    sd_alt = np.sqrt((baseline * (1 - baseline) + treated * (1 - treated) / ratio) / n)
    d = np.abs(effects)
    return stats.norm.sf((z_alpha * sd_null - d) / sd_alt) + stats.norm.cdf(
        (-z_alpha * sd_null - d) / sd_alt
    )
