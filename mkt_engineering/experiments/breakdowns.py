"""Breakdowns of the primary effect: per segment level, and over the days of the test.

Both reduce the unit rows once more, by arm and segment level or by arm and day (on the
engine the rows live in), and test each cell: segment effects are exploratory (corrected
with Benjamini-Hochberg, with an interaction test across the levels), the view over time
carries always-valid bounds that may be read every day.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.experiments import sequential
from mkt_engineering.experiments.frequentist import mean_test, proportion_test
from mkt_engineering.experiments.multiple import adjust
from mkt_engineering.experiments.stats import SampleStats

Reduce = Callable[..., pl.DataFrame]
__all__ = ["effects_over_time", "segment_effects"]


def segment_effects(
    reduce: Reduce,
    lazy: Any,
    variant: str,
    control: str,
    metric: str,
    binary: bool,
    segments: list[str],
    alpha: float,
) -> pl.DataFrame:
    """Effect of the primary metric per level of each segment column (exploratory).

    Parameters
    ----------
    reduce : callable
        `reduction.reduce_moments` or its engine twin, for sums per arm and level.
    lazy : LazyFrame or engine frame
        The prepared unit rows.
    variant, control : str
        Arm column and control arm.
    metric : str
        The primary metric (a ratio metric gets no breakdown).
    binary : bool
        Whether it is a 0/1 metric (tested as a rate).
    segments : list of str
        Text columns to break the effect down by.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        segment, level, variant, metric, values, effect, interval, p-value, BH-adjusted
        p-value, Cochran's interaction p-value per segment column and the label
        "exploratory"; empty without segments.

    Examples
    --------
    >>> from mkt_engineering.experiments.reduction import reduce_moments
    >>> units = pl.DataFrame({"variant": ["a", "b"] * 4, "device": ["app"] * 4 + ["web"] * 4,
    ...                       "converted": [0, 1, 1, 1, 0, 0, 1, 0]})
    >>> table = segment_effects(reduce_moments, units.lazy(), "variant", "a", "converted",
    ...                         True, ["device"], 0.05)
    >>> table.select("level", "effect").rows()
    [('app', 0.5), ('web', -0.5)]
    """
    if not segments or "/" in metric:
        return pl.DataFrame()
    frames = []
    for segment in segments:
        reduced = reduce(lazy, by=[variant, segment], columns=[metric], pairs=[(metric, metric)])
        wide = (
            reduced.filter(pl.col(variant) == control)
            .drop(variant)
            .join(reduced.filter(pl.col(variant) != control), on=segment, suffix="_t")
        )
        if binary:
            test = proportion_test(
                (wide[f"s|{metric}"].to_numpy(), wide["n"].to_numpy()),
                (wide[f"s|{metric}_t"].to_numpy(), wide["n_t"].to_numpy()),
                alpha=alpha,
            )
        else:
            test = mean_test(
                _sample_stats(wide, metric),
                _sample_stats(wide, metric, "_t"),
                alpha=alpha,
            )
        interaction = _interaction_p(np.atleast_1d(test.effect), np.atleast_1d(test.standard_error))
        frames.append(
            test.to_frame()
            .drop("method", "relative")
            .with_columns(
                pl.lit(segment).alias("segment"),
                wide[segment].cast(pl.String).alias("level"),
                wide[variant].cast(pl.String).alias("variant"),
                pl.lit(metric).alias("metric"),
                pl.lit(interaction).alias("interaction_p_value"),
            )
        )
    out = pl.concat(frames)
    return out.with_columns(
        pl.Series("p_adjusted", adjust(out["p_value"].to_numpy(), "bh")),
        pl.lit("exploratory").alias("label"),
    ).select(
        "segment",
        "level",
        "variant",
        "metric",
        "control_value",
        "treatment_value",
        "effect",
        "ci_low",
        "ci_high",
        "p_value",
        "p_adjusted",
        "interaction_p_value",
        "label",
    )


def _interaction_p(effect: np.ndarray, se: np.ndarray) -> float:
    """Cochran's Q test of "the segment levels differ", over the levels with a usable
    standard error; a level without one (no conversions in it) cannot weigh in, and
    with fewer than two usable levels there is nothing to compare (NaN)."""
    usable = np.isfinite(effect) & np.isfinite(se) & (se > 0)
    if usable.sum() < 2:
        return float("nan")
    effect, weights = effect[usable], 1 / se[usable] ** 2
    pooled = np.sum(weights * effect) / np.sum(weights)
    q = float(np.sum(weights * (effect - pooled) ** 2))
    return float(stats.chi2.sf(q, usable.sum() - 1))


def effects_over_time(
    reduce: Reduce,
    lazy: Any,
    variant: str,
    control: str,
    metric: str,
    day: str | None,
    alpha: float,
    mde: float | None,
    planned: int | None,
) -> pl.DataFrame:
    """Cumulative effect per day and treatment arm, with always-valid and planned-look bounds.

    Parameters
    ----------
    reduce : callable
        `reduction.reduce_moments` or its engine twin, for sums per arm and day.
    lazy : LazyFrame or engine frame
        The prepared unit rows.
    variant, control : str
        Arm column and control arm.
    metric : str
        The primary metric (a ratio metric gets no view over time).
    day : str, optional
        The assignment-day column; None: no view over time.
    alpha : float
        1 - confidence level.
    mde : float, optional
        Effect size the always-valid mixture expects (else twice the final standard error).
    planned : int, optional
        Planned units per arm, for the O'Brien-Fleming bounds of the looks up to it.

    Returns
    -------
    DataFrame
        day, variant, units_per_arm, effect, ci_low, ci_high, always_valid_low,
        always_valid_high, always_valid_p (and obf_bound_z, z with a planned sample);
        empty without a day column.

    Examples
    --------
    >>> from mkt_engineering.experiments.reduction import reduce_moments
    >>> units = pl.DataFrame({"variant": ["a", "b"] * 6, "day": [1, 1, 1, 1, 2, 2] * 2,
    ...                       "converted": [0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1]})
    >>> view = effects_over_time(reduce_moments, units.lazy(), "variant", "a", "converted",
    ...                          "day", 0.05, 0.1, None)
    >>> view.select("day", "units_per_arm").rows()
    [(1, 4), (2, 6)]
    """
    if not day or "/" in metric:
        return pl.DataFrame()
    daily = reduce(lazy, by=[variant, day], columns=[metric], pairs=[(metric, metric)]).sort(day)
    cumulative = daily.with_columns(
        pl.col("n", f"s|{metric}", f"p|{metric}|{metric}").cum_sum().over(variant)
    )
    wide = (
        cumulative.filter(pl.col(variant) == control)
        .drop(variant)
        .join(cumulative.filter(pl.col(variant) != control), on=day, suffix="_t")
        .sort(variant, day)
    )
    # each arm is its own sequence: running minima and intersections must not cross arms
    return pl.concat(
        [
            _arm_over_time(part, variant, metric, day, alpha, mde, planned)
            for _, part in wide.group_by(variant, maintain_order=True)
        ]
    )


def _sample_stats(wide: pl.DataFrame, metric: str, suffix: str = "") -> SampleStats:
    """Per-row moments of `metric` from a joined control/treatment frame (treatment: "_t")."""
    return SampleStats(
        wide[f"n{suffix}"].to_numpy(),
        wide[f"s|{metric}{suffix}"].to_numpy(),
        wide[f"p|{metric}|{metric}{suffix}"].to_numpy(),
    )


# days before the metric varies (no conversions yet) have no standard error: their bounds
# are NaN, which explain_sequential names; a warning per day would only be noise
@np.errstate(divide="ignore", invalid="ignore")
def _arm_over_time(wide, variant, metric, day, alpha, mde, planned) -> pl.DataFrame:
    test = mean_test(_sample_stats(wide, metric), _sample_stats(wide, metric, "_t"), alpha=alpha)
    effect, se = np.atleast_1d(test.effect), np.atleast_1d(test.standard_error)
    tau = mde if mde else 2 * float(se[-1])
    low, high = sequential.confidence_sequence(effect, se**2, tau, alpha)
    out = wide.select(day, pl.col(variant).cast(pl.String)).with_columns(
        pl.Series("units_per_arm", np.minimum(wide["n"].to_numpy(), wide["n_t"].to_numpy())),
        pl.Series("effect", effect),
        pl.Series("ci_low", np.atleast_1d(test.ci_low)),
        pl.Series("ci_high", np.atleast_1d(test.ci_high)),
        pl.Series("always_valid_low", low),
        pl.Series("always_valid_high", high),
        pl.Series("always_valid_p", sequential.msprt_p_values(effect, se**2, tau)),
    )
    if planned:
        fraction = out["units_per_arm"].to_numpy() / planned
        usable = int(np.searchsorted(fraction, 1.0, side="right"))  # looks up to the planned size
        bounds = np.full(fraction.size, np.nan)
        if usable and np.all(np.diff(fraction[:usable]) > 0):
            bounds[:usable] = sequential.group_sequential_bounds(tuple(fraction[:usable]), alpha)
        out = out.with_columns(pl.Series("obf_bound_z", bounds), pl.Series("z", effect / se))
    return out
