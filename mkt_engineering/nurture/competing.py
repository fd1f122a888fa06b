"""Competing risks: a lead leaves nurturing by qualifying, unsubscribing or being disqualified.

Treating unsubscribes as "censored" and reading 1 - Kaplan-Meier as the share that
qualifies overstates it: an unsubscribed lead will not qualify later. The Aalen-Johansen
estimator gives the **cumulative incidence** of each way out instead: the share of leads
that left by that route by day t. At any t the incidences plus the share still in
nurturing add up to one.

Standard errors use the delta-method variance of Marubini & Valsecchi (1995), the same as
statsmodels ``CumIncidenceRight``; bounds are on the log(-log) scale.

References
----------
Aalen & Johansen (1978), "An empirical transition matrix for non-homogeneous Markov
chains based on censored observations". Putter, Fiocco & Geskus (2007), "Tutorial in
biostatistics: competing risks and multi-state models".

Examples
--------
>>> import polars as pl
>>> causes = ["mql", "unsubscribed", None, "mql", "mql", None]
>>> incidence = cumulative_incidence([2, 3, 3, 5, 8, 9], causes)
>>> incidence.filter(time=5.0).select("cause", pl.col("cumulative_incidence").round(4)).rows()
[('mql', 0.3889), ('unsubscribed', 0.1667)]
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.nurture.survival import risk_table


def cumulative_incidence(durations, causes, *, confidence: float = 0.95) -> pl.DataFrame:
    """Aalen-Johansen cumulative incidence of each cause.

    Parameters
    ----------
    durations : array-like
        Days from entry to the exit or to censoring.
    causes : array-like of str or None
        The way the lead left (e.g. "mql", "unsubscribed"); None (null) for censored leads.

    Returns
    -------
    DataFrame
        ``cause``, ``time``, ``at_risk``, ``events``, ``cumulative_incidence``, ``se``,
        ``ci_low``, ``ci_high``; one row per distinct time and cause.
    """
    cause_series = (
        pl.Series("cause", causes, dtype=pl.String)
        if not isinstance(causes, pl.Series)
        else causes.cast(pl.String)
    )
    exited = cause_series.is_not_null().to_numpy()
    labels = cause_series.fill_null("").to_numpy()
    names = sorted(set(labels[exited].tolist()))
    overall = risk_table(durations, exited.astype(float))
    by_cause = risk_table(durations, exited.astype(float), labels)
    n = overall.at_risk[:, 0]
    d_all = overall.events[:, 0]
    survival_before = np.r_[1.0, np.cumprod(1.0 - d_all / n)[:-1]]
    z = stats.norm.ppf(0.5 + confidence / 2)
    frames = []
    for name in names:
        d = by_cause.events[:, by_cause.groups.index(name)]
        incidence = np.cumsum(survival_before * d / n)
        variance = _variance(incidence, survival_before, d, d_all, n)
        se = np.sqrt(np.clip(variance, 0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = z * se / (incidence * np.abs(np.log(incidence)))
            low = np.where(
                (incidence > 0) & (incidence < 1), incidence ** np.exp(spread), incidence
            )
            high = np.where(
                (incidence > 0) & (incidence < 1), incidence ** np.exp(-spread), incidence
            )
        frames.append(
            pl.DataFrame(
                {
                    "cause": [name] * n.size,
                    "time": overall.times,
                    "at_risk": n.astype(np.int64),
                    "events": d.astype(np.int64),
                    "cumulative_incidence": incidence,
                    "se": se,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
    if not frames:  # nobody left by any route yet
        return pl.DataFrame(
            schema={
                "cause": pl.String,
                "time": pl.Float64,
                "at_risk": pl.Int64,
                "events": pl.Int64,
                "cumulative_incidence": pl.Float64,
                "se": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
            }
        )
    return pl.concat(frames)


def _variance(incidence, survival_before, d, d_all, n):
    # Marubini & Valsecchi (1995) delta method, as in statsmodels' _calc_incidence_right
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n > d_all, d_all / (n * (n - d_all)), 0.0)
    s0 = survival_before / n
    variance = incidence**2 * np.cumsum(ratio)
    variance -= 2 * incidence * np.cumsum(incidence * ratio)
    variance += np.cumsum(incidence**2 * ratio)
    variance += np.cumsum(s0**2 * (n - d) * d / n)
    variance -= 2 * incidence * np.cumsum(s0 * d / n)
    variance += 2 * np.cumsum(incidence * s0 * d / n)
    return variance


def incidence_at(incidence: pl.DataFrame, days: list[float]) -> pl.DataFrame:
    """Cumulative incidence of each cause read at given days (a small table for reports).

    Parameters
    ----------
    incidence : DataFrame
        Cumulative incidence curves from `nurture_exits` (cause, time, cumulative_incidence).
    days : list of float
        The days to read the curves at.

    Returns
    -------
    DataFrame
        cause, day, cumulative_incidence; one row per cause and day.
    """
    rows = []
    for (cause,), part in incidence.group_by("cause", maintain_order=True):
        times = part["time"].to_numpy()
        values = np.r_[0.0, part["cumulative_incidence"].to_numpy()]
        index = np.searchsorted(times, np.asarray(days, dtype=float), side="right")
        rows.extend(
            {"cause": cause, "day": float(day), "cumulative_incidence": float(values[i])}
            for day, i in zip(days, index, strict=True)
        )
    return pl.DataFrame(rows)


NURTURE_CAUSES = {
    "qualified": "qualified",
    "unsubscribed": "unsubscribed",
    "disqualified": "disqualified",
    "fast_lane": "fast_lane",
    "sales_contact": "early_sales_contact",
    "won_offline": "won_offline",
}


def nurture_exits(timeline: pl.DataFrame, *, confidence: float = 0.95) -> pl.DataFrame:
    """Cumulative incidence of the ways out of nurturing, from `stage_timeline`.

    Leads still in nurturing at the end of the data are censored.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        cause, time, at_risk, events, cumulative_incidence, se, ci_low, ci_high; one curve
        per way out (qualified, unsubscribed, disqualified, fast lane, ...).
    """
    causes = timeline["nurture_exit"].replace_strict(
        NURTURE_CAUSES, default=None, return_dtype=pl.String
    )
    return cumulative_incidence(timeline["days_in_nurturing"], causes, confidence=confidence)
