"""Kaplan-Meier survival curves and the log-rank test, from one vectorized risk table.

"Survival" here is the share of leads *not yet* qualified (or won) after t days. Leads
still in nurturing when the data ends are **censored**: we know they took at least that
long, not how long. Kaplan-Meier uses them correctly; averaging the days of converted
leads only does not.

Both functions build the same table of distinct times x groups (events, removals, at risk)
with ``numpy.bincount``, so a million leads take well under a second.

References
----------
Kaplan & Meier (1958), "Nonparametric estimation from incomplete observations".
Kalbfleisch & Prentice (2002), "The statistical analysis of failure time data" (log-log bounds).
Mantel (1966); Peto & Peto (1972) for the log-rank test.

Examples
--------
>>> import polars as pl
>>> curve = kaplan_meier([5, 8, 8, 12, 20], [1, 1, 0, 1, 0])
>>> curve.select("time", "at_risk", "events", pl.col("survival").round(3)).row(1)
(8.0, 4, 1, 0.6)
>>> logrank(pl.DataFrame({"days": [1, 2, 3, 4, 5, 6], "mql": [1, 1, 1, 1, 1, 0],
...                       "group": ["a", "a", "a", "b", "b", "b"]}),
...         duration="days", event="mql", group="group")["p_value"].round(3).item()
0.025
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.errors import DataValidationError, require_columns


@dataclass
class RiskTable:
    """Distinct times (rows) x groups (columns): events, removals and numbers at risk."""

    times: np.ndarray
    groups: list
    events: np.ndarray
    removed: np.ndarray
    at_risk: np.ndarray


def _as_array(values, name: str) -> np.ndarray:
    if isinstance(values, pl.Series):
        values = values.cast(pl.Float64).to_numpy()
    array = np.asarray(values, dtype=np.float64)
    if np.isnan(array).any():
        rows = (np.flatnonzero(np.isnan(array))[:5] + 1).tolist()
        raise DataValidationError(
            f"{name} has missing values (rows {rows}).",
            column=name,
            rows=rows,
            fix=f"Fill or drop the rows without {name} before the survival analysis.",
        )
    return array


def _codes(values: pl.Series) -> tuple[list, np.ndarray]:
    """Sorted distinct labels and each row's index among them (a hash lookup, no string sort)."""
    names = values.unique().sort().to_list()
    return names, values.replace_strict(
        names, list(range(len(names))), return_dtype=pl.Int64
    ).to_numpy()


def risk_table(durations, events, groups=None) -> RiskTable:
    """Count events and removals per distinct time and group, and who is still at risk.

    Parameters
    ----------
    durations : array-like
        Time from the start (e.g. lead creation) to the event or to censoring; >= 0.
    events : array-like
        1 (or True) if the event happened at that time, 0 if the lead was censored.
    groups : array-like, optional
        Group label of each lead; one column per distinct label.
    """
    time = _as_array(durations, "duration")
    event = _as_array(events, "event")
    if time.shape != event.shape:
        raise DataValidationError(
            "duration and event have different lengths.", fix="Pass one value of each per lead."
        )
    if (time < 0).any():
        rows = (np.flatnonzero(time < 0)[:5] + 1).tolist()
        raise DataValidationError(
            f"duration is negative in rows {rows}.",
            column="duration",
            rows=rows,
            fix="Check that the end date is after the start date.",
        )
    labels = np.zeros(time.size, dtype=np.int64)
    group_names: list = ["all"]
    if groups is not None:
        group_names, labels = _codes(
            groups if isinstance(groups, pl.Series) else pl.Series(np.asarray(groups))
        )
    times = np.unique(time)
    time_index = np.searchsorted(times, time)
    k = len(group_names)
    cell = time_index * k + labels
    n_cells = times.size * k
    d = np.bincount(cell, weights=(event > 0).astype(np.float64), minlength=n_cells).reshape(-1, k)
    removed = np.bincount(cell, minlength=n_cells).reshape(-1, k).astype(np.float64)
    # at risk at t: everyone in the group minus those removed strictly before t
    at_risk = removed.sum(axis=0) - np.vstack([np.zeros((1, k)), np.cumsum(removed, axis=0)[:-1]])
    return RiskTable(times, group_names, d, removed, at_risk)


def _curve(d, n, confidence):
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - np.where(n > 0, d / n, 0.0))
        greenwood = np.cumsum(np.where(n > d, d / (n * (n - d)), 0.0))
        # log(-log S) bounds (Kalbfleisch & Prentice): stay inside (0, 1)
        z = stats.norm.ppf(0.5 + confidence / 2.0)
        log_s = np.log(survival)
        spread = z * np.sqrt(greenwood) / np.abs(log_s)
        low = survival ** np.exp(spread)
        high = survival ** np.exp(-spread)
    defined = (survival > 0) & (survival < 1)
    low = np.where(defined, low, np.where(survival >= 1, 1.0, 0.0))
    high = np.where(defined, high, np.where(survival >= 1, 1.0, 0.0))
    return survival, low, high


def kaplan_meier(durations, events, groups=None, *, confidence: float = 0.95) -> pl.DataFrame:
    """Kaplan-Meier survival curve(s) with log-log confidence bounds.

    Parameters
    ----------
    durations : array-like or Series
        Days (or any unit) from the start to the event or censoring.
    events : array-like or Series
        1 if the event (e.g. MQL) happened, 0 if censored.
    groups : array-like or Series, optional
        One curve per distinct label. Empty labels (a lead whose persona nobody recorded)
        form a curve of their own called ``"unknown"``.
    confidence : float
        Level of the pointwise interval.

    Returns
    -------
    DataFrame
        ``group`` (only when groups are given), ``time``, ``at_risk``, ``events``,
        ``censored``, ``survival``, ``ci_low``, ``ci_high``; one row per distinct time of
        the group, survival just after that time.
    """
    if groups is not None:
        groups = groups if isinstance(groups, pl.Series) else pl.Series(np.asarray(groups))
        if groups.null_count():  # a null label made the curves fail to stack (SchemaError)
            groups = groups.cast(pl.String).fill_null("unknown")
    return _curves(
        risk_table(durations, events, groups), grouped=groups is not None, confidence=confidence
    )


def _curves(table: RiskTable, *, grouped: bool, confidence: float) -> pl.DataFrame:
    frames = []
    for j, name in enumerate(table.groups):
        present = table.removed[:, j] > 0
        d, n = table.events[present, j], table.at_risk[present, j]
        survival, low, high = _curve(d, n, confidence)
        frames.append(
            pl.DataFrame(
                {
                    "group": [name] * int(present.sum()),
                    "time": table.times[present],
                    "at_risk": n.astype(np.int64),
                    "events": d.astype(np.int64),
                    "censored": (table.removed[present, j] - d).astype(np.int64),
                    "survival": survival,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
    result = pl.concat(frames)
    return result if grouped else result.drop("group")


def survival_at(curve: pl.DataFrame, times, *, group: str | None = None) -> np.ndarray:
    """Read a Kaplan-Meier step curve at given times (1 before the first row).

    Parameters
    ----------
    curve : DataFrame
        A Kaplan-Meier curve (time, survival; group for grouped curves).
    times : array-like
        The times to read the curve at.
    group : str, optional
        The group's curve to read, for grouped curves.

    Returns
    -------
    ndarray
        Survival at each time (1 before the first step).
    """
    if group is not None:
        curve = curve.filter(pl.col("group") == group)
    steps = curve["time"].to_numpy()
    values = np.r_[1.0, curve["survival"].to_numpy()]
    return values[np.searchsorted(steps, np.asarray(times, dtype=np.float64), side="right")]


def median_survival_time(curve: pl.DataFrame) -> float | None:
    """First time the curve drops to 0.5 or below; None if it never does (too many never convert).

    Parameters
    ----------
    curve : DataFrame
        A Kaplan-Meier curve (time, survival) of one group.

    Returns
    -------
    float or None
        The median time, or None when the curve stays above 0.5.
    """
    below = curve.filter(pl.col("survival") <= 0.5)
    return None if below.is_empty() else float(below["time"][0])


def logrank(frame: pl.DataFrame, *, duration: str, event: str, group: str) -> pl.DataFrame:
    """Log-rank test that two or more groups share one survival curve.

    Parameters
    ----------
    frame : DataFrame
        One row per lead.
    duration : str
        Column of the days to the event or to censoring.
    event : str
        Column with 1 for the event, 0 for censored.
    group : str
        Column of the group labels (two or more).

    Returns
    -------
    DataFrame
        One row: ``groups``, ``chi_square``, ``degrees_of_freedom``, ``p_value``; plus per
        group observed and expected events in ``observed_<g>`` / ``expected_<g>``.
    """
    require_columns(
        frame,
        [duration, event, group],
        source="logrank data",
        fix="Pass the right column names to logrank(...).",
    )
    return _logrank(risk_table(frame[duration], frame[event], frame[group]), group)


def _logrank(table: RiskTable, group: str) -> pl.DataFrame:
    k = len(table.groups)
    if k < 2:
        raise DataValidationError(
            f"logrank needs two or more groups in {group!r}; found {k}.",
            column=group,
            fix="Choose a grouping column with at least two values.",
        )
    d, n = table.events, table.at_risk
    d_all, n_all = d.sum(axis=1, keepdims=True), n.sum(axis=1, keepdims=True)
    keep = (n_all[:, 0] > 1) & (d_all[:, 0] > 0)
    d, n, d_all, n_all = d[keep], n[keep], d_all[keep], n_all[keep]
    share = n / n_all
    expected = (d_all * share).sum(axis=0)
    observed = d.sum(axis=0)
    weight = (d_all * (n_all - d_all) / (n_all - 1))[:, 0]
    # hypergeometric covariance of the group counts, summed over times
    covariance = np.diag(weight @ share) - np.einsum("t,tj,tk->jk", weight, share, share)
    difference = (observed - expected)[:-1]
    chi_square = float(difference @ np.linalg.solve(covariance[:-1, :-1], difference))
    row = {
        "groups": k,
        "chi_square": chi_square,
        "degrees_of_freedom": k - 1,
        "p_value": float(stats.chi2.sf(chi_square, k - 1)),
    }
    for name, o, e in zip(table.groups, observed, expected, strict=True):
        row[f"observed_{name}"] = float(o)
        row[f"expected_{name}"] = float(e)
    return pl.DataFrame([row])


def compare_groups(
    frame: pl.DataFrame, *, duration: str, event: str, group: str, confidence: float = 0.95
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Kaplan-Meier curves per group and the log-rank test, from one shared risk table.

    Same results as `kaplan_meier(..., groups)` and `logrank(...)`, with half the work.

    Parameters
    ----------
    frame : DataFrame
        One row per lead.
    duration : str
        Column of the days to the event or to censoring.
    event : str
        Column with 1 for the event, 0 for censored.
    group : str
        Column of the group labels (two or more).
    confidence : float
        Level of the intervals.

    Returns
    -------
    tuple of DataFrame
        The curves (as `kaplan_meier` with groups) and the test (as `logrank`).
    """
    require_columns(
        frame,
        [duration, event, group],
        source="compare_groups data",
        fix="Pass the right column names to compare_groups(...).",
    )
    table = risk_table(frame[duration], frame[event], frame[group])
    return _curves(table, grouped=True, confidence=confidence), _logrank(table, group)
