"""Reduce unit rows to per-arm sums in one lazy pass: the only step that touches every row.

Everything the tests need (n, sums, sums of squares, cross products with covariates and
ratio denominators) is a sum, so a single ``group_by`` over a LazyFrame turns 10 million
rows into a few numbers per arm, segment or day.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"variant": ["a", "a", "b"], "y": [1.0, 2.0, 4.0]})
>>> reduce_moments(df, by=["variant"], columns=["y"], pairs=[("y", "y")]).sort("variant").rows()
[('a', 2, 3.0, 5.0), ('b', 1, 4.0, 16.0)]
"""

from __future__ import annotations

from typing import Any

import polars as pl

from mkt_engineering.engines import experiments as engine
from mkt_engineering.engines.frames import is_engine_frame

MISSING = "__missing"


def covariate_columns(covariates: list[str]) -> list[str]:
    """Names of the model columns of the covariates: each value (0 where missing) and its flag."""
    return [name for c in covariates for name in (c, c + MISSING)]


def prepare(units: pl.DataFrame | pl.LazyFrame, covariates: list[str]) -> pl.LazyFrame:
    """Cast to float, fill missing covariates with 0 and add their 'no pre-period data' flag."""
    lazy = units.lazy()
    return lazy.with_columns(
        *[pl.col(c).is_null().cast(pl.Float64).alias(c + MISSING) for c in covariates],
        *[pl.col(c).cast(pl.Float64).fill_null(0.0) for c in covariates],
    )


def reduce_moments(
    units: pl.DataFrame | pl.LazyFrame,
    *,
    by: list[str],
    columns: list[str],
    pairs: list[tuple[str, str]],
) -> pl.DataFrame:
    """Per group: ``n``, ``s|<column>`` sums and ``p|<a>|<b>`` sums of products, sorted by `by`.

    Sorted so that the analysis lists arms, segments and days in the same order on every
    run and every engine (`engines.experiments.reduce_moments` is the engine twin).
    """
    aggregates = [pl.len().alias("n")]
    aggregates += [pl.col(c).cast(pl.Float64).sum().alias(f"s|{c}") for c in columns]
    aggregates += [
        (pl.col(a).cast(pl.Float64) * pl.col(b).cast(pl.Float64)).sum().alias(f"p|{a}|{b}")
        for a, b in pairs
    ]
    return units.lazy().group_by(by).agg(aggregates).sort(by).collect()


def product(row: dict, a: str, b: str) -> float:
    """Sum of a*b from a reduced row, whichever order the pair was stored in."""
    return row[f"p|{a}|{b}"] if f"p|{a}|{b}" in row else row[f"p|{b}|{a}"]


def arm_totals(units: Any, variant: str, metric: str) -> dict[str, tuple[float, int]]:
    """Sum of `metric` and number of units per arm, from unit rows on any engine.

    Parameters
    ----------
    units : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        One row per unit.
    variant, metric : str
        Arm column and metric column.

    Returns
    -------
    dict
        Arm name -> (sum of the metric, units).

    Examples
    --------
    >>> units = pl.DataFrame({"variant": ["a", "b", "b"], "converted": [1, 0, 1]})
    >>> arm_totals(units, "variant", "converted")
    {'a': (1.0, 1), 'b': (1.0, 2)}
    """
    reduce = engine.reduce_moments if is_engine_frame(units) else reduce_moments
    sums = reduce(units, by=[variant], columns=[metric], pairs=[])
    return {str(r[variant]): (r[f"s|{metric}"], r["n"]) for r in sums.iter_rows(named=True)}
