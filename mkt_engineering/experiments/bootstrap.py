"""Bucketed Poisson bootstrap: a distribution-free cross-check for heavy-tailed metrics.

Revenue per user has a long tail (a few big spenders), so the normal approximation of the
Welch test can be off at small samples. The bootstrap resamples instead of assuming. To
scale, units are hashed into a fixed number of buckets per arm and only bucket sums are
kept; each replicate gives every bucket a Poisson(1) weight (Chamandy et al. 2012,
"Estimating uncertainty for massive data streams"). The whole bootstrap is one matrix
product, whatever the number of units.

Examples
--------
>>> import polars as pl, numpy as np
>>> rng = np.random.default_rng(0)
>>> df = pl.DataFrame({"unit_id": [f"u{i}" for i in range(4000)],
...                    "variant": ["control", "treatment"] * 2000,
...                    "revenue": rng.exponential(10, 4000)})
>>> r = poisson_bootstrap(df, variant="variant", metric="revenue", control="control")
>>> r.ci_low < r.effect < r.ci_high
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from mkt_engineering.engines import experiments as engine
from mkt_engineering.engines.frames import is_engine_frame
from mkt_engineering.experiments.frequentist import EffectEstimate


def bucket_sums(
    units: Any,
    *,
    variant: str,
    metric: str,
    denominator: str | None = None,
    unit: str = "unit_id",
    buckets: int = 200,
) -> pl.DataFrame:
    """Reduce unit rows to (variant, bucket, numerator sum, denominator sum) rows.

    A unit's bucket is the md5 digest of its id as text (`engines.experiments.unit_bucket`):
    the same on polars, DuckDB and Spark and in every polars version, so the interval does
    not depend on where the data live. polars' own hash has no twin in other engines and
    may change between polars versions. Engine frames are reduced in their engine.
    """
    if is_engine_frame(units):
        return engine.bucket_sums(
            units,
            variant=variant,
            metric=metric,
            denominator=denominator,
            unit=unit,
            buckets=buckets,
        )
    needed = list(dict.fromkeys([unit, variant, metric, *([denominator] if denominator else [])]))
    rows = units.lazy().select(needed).collect()
    denominator_expr = pl.col(denominator).sum() if denominator else pl.len()
    return (
        rows.lazy()
        .with_columns(engine.unit_bucket(rows[unit].cast(pl.String), buckets).alias("_bucket"))
        .group_by(variant, "_bucket")
        .agg(
            pl.col(metric).sum().cast(pl.Float64).alias("numerator"),
            denominator_expr.cast(pl.Float64).alias("denominator"),
        )
        .sort(variant, "_bucket")
        .collect()
    )


def poisson_bootstrap(
    units: Any,
    *,
    variant: str,
    metric: str,
    control: str,
    treatment: str | None = None,
    denominator: str | None = None,
    unit: str = "unit_id",
    buckets: int = 200,
    replicates: int = 4000,
    alpha: float = 0.05,
    seed: int = 0,
) -> EffectEstimate:
    """Percentile bootstrap interval and p-value of the difference in mean (or ratio) per unit.

    Parameters
    ----------
    units : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        One row per unit; an engine frame is reduced to bucket sums in its engine.
    variant, metric : str
        Arm column and metric column.
    control, treatment : str
        Arms to compare; ``treatment`` defaults to the only other arm.
    denominator : str, optional
        For ratio metrics (e.g. sessions): the effect is then sum(metric) / sum(denominator).
    unit : str
        The unit id column; its md5 decides each unit's bucket, on every engine.
    buckets, replicates : int
        Buckets per arm and bootstrap replicates.
    alpha : float
        1 - confidence level.
    seed : int
        Seed of the Poisson weights, so a report gives the same interval on every run.

    Returns
    -------
    EffectEstimate
        The observed difference, the percentile interval, a bootstrap p-value and the
        bootstrap standard error.

    Examples
    --------
    >>> units = pl.DataFrame({"unit_id": [f"u{i}" for i in range(400)],
    ...                       "variant": ["a", "b"] * 200, "revenue": [1.0, 2.0] * 200})
    >>> boot = poisson_bootstrap(units, variant="variant", metric="revenue", control="a",
    ...                          replicates=200)
    >>> boot.effect, boot.ci_low, boot.ci_high
    (1.0, 1.0, 1.0)
    """
    sums = bucket_sums(
        units, variant=variant, metric=metric, denominator=denominator, unit=unit, buckets=buckets
    )
    arms = sums[variant].unique().to_list()
    treatment = treatment or next(a for a in arms if a != control)
    rng = np.random.default_rng(seed)
    values = {}
    for arm in (control, treatment):
        part = sums.filter(pl.col(variant) == arm)
        weights = rng.poisson(1.0, size=(replicates, part.height))
        values[arm] = (weights @ part["numerator"].to_numpy()) / (
            weights @ part["denominator"].to_numpy()
        )
        values[arm + "_point"] = part["numerator"].sum() / part["denominator"].sum()
    difference = values[treatment] - values[control]
    effect = values[treatment + "_point"] - values[control + "_point"]
    low, high = np.quantile(difference, [alpha / 2, 1 - alpha / 2])
    p_value = min(1.0, 2 * min(np.mean(difference <= 0), np.mean(difference >= 0)))
    return EffectEstimate(
        float(effect),
        float(low),
        float(high),
        float(p_value),
        float(difference.std(ddof=1)),
        float(values[control + "_point"]),
        float(values[treatment + "_point"]),
        f"difference in {'ratio' if denominator else 'mean'} (bucketed Poisson bootstrap)",
    )
