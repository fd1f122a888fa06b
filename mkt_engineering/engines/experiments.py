"""A/B-test reductions on any engine: sums per arm, segment and day, and bootstrap buckets.

`experiments.analyze` and `experiments.poisson_bootstrap` need only sums over unit rows.
Here those sums are narwhals expressions, so a DuckDB relation or a Spark DataFrame is
reduced where it lives and only a few rows per arm come back. The results equal the polars
path (`experiments.reduction`): the same counts, sums within rounding.

Bootstrap buckets come from the md5 digest of the unit id as text, which polars (through
DuckDB on the same Arrow memory), DuckDB and Spark compute alike, so a unit lands in the
same bucket on every engine and in every polars version.

Examples
--------
>>> import duckdb, polars as pl
>>> units = pl.DataFrame({"variant": ["a", "a", "b"], "y": [1.0, 2.0, 4.0]})
>>> relation = duckdb.connect().from_arrow(units.to_arrow())
>>> reduce_moments(relation, by=["variant"], columns=["y"], pairs=[("y", "y")]).rows()
[('a', 2, 3.0, 5.0), ('b', 1, 4.0, 16.0)]
>>> unit_bucket(pl.Series(["u1", "u2", "17"]), 200).to_list()
[96, 134, 96]
>>> import hashlib  # the same buckets from Python's md5, one id at a time
>>> [int(hashlib.md5(i.encode()).hexdigest()[:15], 16) % 200 for i in ("u1", "u2", "17")]
[96, 134, 96]
"""

from __future__ import annotations

from typing import Any

import duckdb
import narwhals as nw
import polars as pl

from mkt_engineering.engines.frames import engine_name, lazy, to_polars

MISSING = "__missing"
# 15 hex digits of the digest: 60 bits, a positive 64-bit integer on every engine
HEX_DIGITS = 15


def prepare(units: Any, covariates: list[str]) -> nw.LazyFrame:
    """Covariates as floats, 0 where missing, with their 'no pre-period data' flag."""
    if not covariates:  # narwhals refuses an empty with_columns
        return lazy(units)
    return lazy(units).with_columns(
        *[nw.col(c).is_null().cast(nw.Float64).alias(c + MISSING) for c in covariates],
        *[nw.col(c).cast(nw.Float64).fill_null(0.0) for c in covariates],
    )


def reduce_moments(
    units: Any, *, by: list[str], columns: list[str], pairs: list[tuple[str, str]]
) -> pl.DataFrame:
    """Per group: ``n``, ``s|<column>`` sums and ``p|<a>|<b>`` sums of products.

    The engine twin of `experiments.reduction.reduce_moments`, sorted by `by`.
    """
    aggregates = [nw.len().alias("n")]
    aggregates += [nw.col(c).cast(nw.Float64).sum().alias(f"s|{c}") for c in columns]
    aggregates += [
        (nw.col(a).cast(nw.Float64) * nw.col(b).cast(nw.Float64)).sum().alias(f"p|{a}|{b}")
        for a, b in pairs
    ]
    reduced = to_polars(lazy(units).group_by(*by).agg(*aggregates))
    # engines count in 64 bits (DuckDB even in a decimal); polars' len is UInt32
    return reduced.with_columns(pl.col("n").cast(pl.UInt32)).sort(by)


def binary_metrics(units: Any, metrics: list[str]) -> dict[str, bool]:
    """Which metrics hold only 0 and 1 (empty cells aside): one aggregate query."""
    metrics = list(dict.fromkeys(metrics))
    found = to_polars(
        lazy(units).select([((nw.col(m) == 0) | (nw.col(m) == 1)).all().alias(m) for m in metrics])
    )
    return {m: bool(found[m][0]) for m in metrics}


def distinct_count(units: Any, column: str) -> int:
    """Distinct values of `column`, an empty cell counting as one value (as polars does)."""
    return int(to_polars(lazy(units).select(nw.col(column).n_unique())).item())


def null_count(units: Any, column: str) -> int:
    """Rows without a value in `column`."""
    # counted as integers: Spark cannot sum booleans
    return int(to_polars(lazy(units).select(nw.col(column).is_null().cast(nw.Int64).sum())).item())


def example_value(units: Any, column: str) -> Any:
    """One non-empty value of `column` for an error message (None when there is none)."""
    found = to_polars(lazy(units).filter(~nw.col(column).is_null()).select(column).head(1))
    return found.item() if found.height else None


def unit_bucket(ids: pl.Series, buckets: int) -> pl.Series:
    """Bucket of each id (text): the first 60 bits of its md5 digest, modulo `buckets`.

    Polars has no md5; DuckDB reads the Arrow column in place and keeps the row order.
    """
    connection = duckdb.connect()
    try:
        relation = connection.from_arrow(pl.DataFrame({"unit": ids}).to_arrow())
        hashed = relation.project(f"{_duckdb_bucket('unit', buckets)} as _bucket").arrow()
        return pl.from_arrow(hashed)["_bucket"].cast(pl.Int64)
    finally:
        connection.close()


def _duckdb_bucket(column: str, buckets: int) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    digest = f"substr(md5(cast({quoted} as varchar)), 1, {HEX_DIGITS})"
    return f"cast('0x' || {digest} as bigint) % {int(buckets)}"


def with_bucket(units: Any, unit: str, buckets: int) -> nw.LazyFrame:
    """`units` with a ``_bucket`` column, computed natively by the engine that holds them."""
    frame = lazy(units)
    native, engine = frame.to_native(), engine_name(frame)
    if engine == "duckdb":
        return nw.from_native(native.project(f"*, {_duckdb_bucket(unit, buckets)} as _bucket"))
    if engine == "spark":
        from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

        digest = F.substring(F.md5(F.col(unit).cast("string")), 1, HEX_DIGITS)
        bucket = F.conv(digest, 16, 10).cast("bigint") % F.lit(int(buckets))
        return nw.from_native(native.withColumn("_bucket", bucket))
    if engine == "polars":
        collected = native.collect() if isinstance(native, pl.LazyFrame) else native
        ids = collected.get_column(unit).cast(pl.String)
        return lazy(collected.with_columns(unit_bucket(ids, buckets).alias("_bucket")))
    raise NotImplementedError(f"bootstrap buckets are not implemented for {engine} frames")


def bucket_sums(
    units: Any,
    *,
    variant: str,
    metric: str,
    denominator: str | None = None,
    unit: str = "unit_id",
    buckets: int = 200,
) -> pl.DataFrame:
    """(variant, bucket, numerator sum, denominator sum) rows, reduced in the engine."""
    denominator_expr = nw.col(denominator).sum() if denominator else nw.len()
    reduced = (
        with_bucket(units, unit, buckets)
        .group_by(variant, "_bucket")
        .agg(
            nw.col(metric).sum().cast(nw.Float64).alias("numerator"),
            denominator_expr.cast(nw.Float64).alias("denominator"),
        )
    )
    return (
        to_polars(reduced).with_columns(pl.col("_bucket").cast(pl.Int64)).sort(variant, "_bucket")
    )
