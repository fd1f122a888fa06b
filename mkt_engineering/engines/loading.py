"""Loading a table that lives in an engine (DuckDB, Spark, a source URI) onto a contract.

Two modes, chosen by :func:`mkt_engineering.io.load_table`:

- **collect** (the default): the engine runs the query, the rows come back as one polars
  DataFrame through Arrow (no Python rows), and the file loader runs on it unchanged, so
  every check, the personal-data policy, consent and the date rules are those of files.
- **engine** (``keep_in_engine=True``, a memory cap, or more rows than
  :data:`COLLECT_ROWS`): the contract checks run in the engine as aggregate queries
  (:mod:`mkt_engineering.engines.checks`) and the cleaned table stays there, lazily.

Examples
--------
>>> import duckdb
>>> relation = duckdb.sql("select 'c1' as customer_id, timestamp '2026-03-01 10:00' as order_date, 9.5 as revenue")
>>> native, described = engine_source(relation)
>>> described.uri, described.kind
('<duckdb relation>', 'duckdb')
>>> collect(native).columns
['customer_id', 'order_date', 'revenue']
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import polars as pl

from mkt_engineering.engines import frames

#: Above this many rows a source stays in its engine unless the caller asks to collect it.
#: Ten million rows of a five-column table are about 1 GB in polars: beyond that, bringing
#: the table into Python first is the wrong default on a laptop.
COLLECT_ROWS = int(os.environ.get("MKT_COLLECT_ROWS", 10_000_000))


@dataclass(frozen=True)
class EngineSource:
    """What the loader knows about a table held by an engine (mirrors ``sources.Source``)."""

    kind: str  # duckdb, spark, postgresql, files
    uri: str  # display form without secrets; "<duckdb relation>" for a native frame
    table: str | None = None
    query: str | None = None


def _sources_module():
    """``mkt_engineering.sources`` when it is there (URIs are unknown to the loader without it)."""
    try:
        from mkt_engineering import sources
    except ImportError:
        return None
    return sources


def engine_source(source: Any) -> tuple[Any, EngineSource] | None:
    """The native lazy frame and its description, or None for files and polars frames.

    A source URI (``duckdb:///shop.duckdb::orders``) is opened by
    :func:`mkt_engineering.sources.open_source`; nothing is read yet.
    """
    if isinstance(source, str):
        sources = _sources_module()
        if sources is None or not sources.is_source_uri(source):
            return None
        native, described = sources.open_source(source)
        return native, EngineSource(described.kind, described.uri, described.table, described.query)
    if not frames.is_engine_frame(source):
        return None
    kind = frames.engine_name(source)
    return source, EngineSource(kind, f"<{kind} {'dataframe' if kind == 'spark' else 'relation'}>")


def memory_limit() -> str | None:
    """The engine memory cap the user set (``mkt run --memory``), or None."""
    sources = _sources_module()
    return sources.memory_limit() if sources is not None else None


def count_rows(native: Any) -> int:
    """Rows of the table, counted in the engine."""
    import narwhals as nw

    return int(frames.to_polars(frames.lazy(native).select(nw.len())).item())


def stays_in_engine(native: Any, keep_in_engine: bool | None) -> tuple[bool, int | None]:
    """Whether to check the table in its engine, and its row count when it was counted.

    ``keep_in_engine`` True or False decides; None (the default) keeps the table in the
    engine under a memory cap (the user asked that the data not come into Python memory)
    or when it has more than :data:`COLLECT_ROWS` rows.
    """
    if keep_in_engine is not None:
        return bool(keep_in_engine), None
    if memory_limit():
        return True, None
    rows = count_rows(native)
    return rows > COLLECT_ROWS, rows


def collect(native: Any) -> pl.DataFrame:
    """Every column of the table as a polars DataFrame, built from Arrow in the engine.

    The loader then treats it like a frame read from a file: the same column mapping,
    type coercion, checks, personal-data policy, consent and date rules.
    """
    return frames.to_polars(frames.lazy(native))
