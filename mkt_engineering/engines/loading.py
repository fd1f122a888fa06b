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
>>> relation = duckdb.sql("select 'c1' as customer_id, timestamp '2026-03-01 10:00' as order_date,"
...                      " 9.5 as revenue")
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

import narwhals as nw
import polars as pl

from mkt_engineering import privacy
from mkt_engineering.engines import checks, convert, frames
from mkt_engineering.formats import RawTable, validation_error
from mkt_engineering.layout import Layout
from mkt_engineering.load_rules import LoadResult
from mkt_engineering.mapping import map_columns
from mkt_engineering.quality import DataQuality
from mkt_engineering.schemas import Contract

#: Above this many rows a source stays in its engine unless the caller asks to collect it.
#: Ten million rows of a five-column table are about 1 GB in polars: beyond that, bringing
#: the table into Python first is the wrong default on a laptop.
COLLECT_ROWS = int(os.environ.get("MKT_COLLECT_ROWS", 10_000_000))
#: Contracts collected even under a memory cap (see `stays_in_engine`): totals, and the lead
#: attributes (one row per lead, like the stage timeline that the report holds anyway).
COLLECTED_TABLES = frozenset({"spend", "experiment_totals", "leads"})


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
    if isinstance(source, str | os.PathLike):  # a folder or glob of Parquet files, a URI
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

    return int(frames.to_polars(frames.lazy(native).select(nw.len())).item())


def stays_in_engine(
    native: Any, keep_in_engine: bool | None, contract: Contract | None = None
) -> tuple[bool, int | None]:
    """Whether to check the table in its engine, and its row count when it was counted.

    ``keep_in_engine`` True or False decides; None (the default) keeps the table in the
    engine under a memory cap (the user asked that the data not come into Python memory)
    or when it has more than :data:`COLLECT_ROWS` rows. The paths table (one row per
    distinct journey, lists of channels) is an aggregate already and is always collected,
    and so are the tables of totals (spend per channel and period, totals per arm): a row
    per channel and month is small whatever the business, and the models read them whole.
    The lead attributes come back too: one row per lead, joined to the per-lead timeline.
    """
    if contract is not None and any(c.dtype == "list[str]" for c in contract.columns):
        return False, None
    if keep_in_engine is not None:
        return bool(keep_in_engine), None
    if contract is not None and contract.name in COLLECTED_TABLES:
        return False, None
    if memory_limit():
        return True, None
    rows = count_rows(native)
    return rows > COLLECT_ROWS, rows


def collect(native: Any, described: EngineSource | None = None) -> pl.DataFrame:
    """Every column of the table as a polars DataFrame, built from Arrow in the engine.

    The loader then treats it like a frame read from a file: the same column mapping,
    type coercion, checks, personal-data policy, consent and date rules. A folder of
    Parquet files of one schema without partition folders is read by polars directly
    (`sources.duckdb.plain_parquet_files`), with DuckDB's types: text, not categories.
    """
    files = _plain_parquet(described)
    if files is None:
        return frames.to_polars(frames.lazy(native))
    frame = pl.read_parquet(files)
    coded = [n for n, t in frame.schema.items() if isinstance(t, pl.Categorical | pl.Enum)]
    return frame.with_columns(pl.col(coded).cast(pl.String)) if coded else frame


def _plain_parquet(described: EngineSource | None) -> list[str] | None:
    if described is None or described.kind != "files" or described.query is not None:
        return None
    from mkt_engineering.sources import Source
    from mkt_engineering.sources.duckdb import plain_parquet_files

    return plain_parquet_files(Source("files", described.uri))


def load_in_engine(
    native: Any, described: EngineSource, contract: Contract, options: dict[str, Any]
) -> LoadResult:
    """Check the table in its engine; return the cleaned lazy native frame and the summary.

    The same mapping, checks, messages and counts as the file loader, run as aggregate
    queries: one pass counts every problem, a LIMIT query fetches the first offending rows
    of a refusal. Extra text columns are left in the engine (except an experiment's
    segments), since only a full scan could show they hold no personal data.
    """
    label = described.uri
    _file_options_only(label, options["layout"], options["sheet"])
    schema = frames.lazy(native).collect_schema()
    rename = map_columns(_header(label, schema.names()), contract, options["columns"])
    quality = DataQuality(
        label,
        contract.name,
        rows=0,
        engine=described.kind,
        source_table=described.table,
        query=described.query,
        in_engine=True,
        column_mapping=rename,
    )
    pseudonymize = [rename.get(c, c) for c in options["pseudonymize"]]
    mapped = {user: rename.get(user, user) for user in schema.names()}
    _personal_data(native, label, contract, rename, options["allow_pii"], quality, pseudonymize)
    consent = _consent_column(options["consent_column"], rename, list(mapped.values()))
    extras = [
        u
        for u, m in mapped.items()
        if m not in contract.names and u not in quality.pii_removed and u != consent
    ]
    typed, facts = convert.typed_frame(
        native, contract, rename, tuple(extras) + ((consent,) if consent else ()), label
    )
    quality.date_formats, quality.currency_signs = facts.date_formats, facts.currency_signs
    quality.decimal_comma = facts.decimal_comma
    typed = convert.whole_numbers(typed, contract)
    plan = checks.Checks(
        contract, typed, mapped, extras, consent, options, label, facts.other_family
    )
    counted = checks.counts(typed, plan.masks())
    if counted["__rows"] == 0:
        raise validation_error(
            f"{label}: there is a header ({', '.join(schema.names())}) but no data rows.",
            source=label,
            fix="Export again with the data; check the export's filters and date range.",
        )
    plan.refuse(counted)
    clean = plan.record(counted, quality).to_native()
    without_consent = plan.without_consent()
    if pseudonymize:
        clean = convert.pseudonymize(clean, pseudonymize, options["salt"], label)
        quality.add(
            "pseudonymized columns", len(pseudonymize), ", ".join(pseudonymize), share=False
        )
        if without_consent is not None and without_consent.name in pseudonymize:
            ids = without_consent.to_frame()
            salt = options["salt"]
            without_consent = privacy.pseudonymize(ids, [ids.columns[0]], salt).to_series()
    return LoadResult(clean, quality, without_consent)


def _file_options_only(label: str, layout: Layout, sheet: Any) -> None:
    """Refuse the options that describe a file's text: an engine's columns have types.

    Silently ignoring a ``date_format`` or a ``decimal`` mark would read other values than
    the user asked for; collected rows honour them, so the fix names that route.
    """
    given = [name for name, value in layout.to_dict().items() if value is not None]
    given += ["sheet"] if sheet is not None else []
    if given:
        raise validation_error(
            f"{label}: the options {', '.join(given)} describe a file's text; this table is "
            "checked inside its engine, where columns have types.",
            source=label,
            fix="Leave these options out and convert the columns in the query (CAST, "
            "strptime), or load with keep_in_engine=False to read the rows like a file.",
        )


def _header(label: str, names: list[str]) -> RawTable:
    """The table's column names in the shape the file loader's column mapping reads."""
    return RawTable(pl.DataFrame(schema=dict.fromkeys(names, pl.Null)), label, "engine")


def _personal_data(
    native: Any,
    label: str,
    contract: Contract,
    rename: dict[str, str],
    allow: bool,
    quality: DataQuality,
    exempt: list[str],
) -> None:
    """The file loader's personal-data rule, judged on the first rows (a LIMIT query).

    A contract column holding e-mail addresses, phone numbers or names is refused with the
    file loader's message; extra columns that hold them are not selected.
    """
    judged = DataQuality(label, contract.name, rows=0)
    privacy.apply_pii_policy(
        checks.sample(native).rename(rename),
        source=label,
        table=contract.name,
        contract_columns=contract.names,
        quality=judged,
        exempt=exempt,
        allow_pii=allow,
        typed_columns=tuple(c.name for c in contract.columns if c.dtype != "string"),
    )
    quality.pii_found = judged.pii_found
    # a column partly holding addresses would have its cells masked in memory: leave it out
    quality.pii_removed = judged.pii_removed + [
        c for c in judged.pii_masked if c in judged.pii_found
    ]
    quality.issues += [i for i in judged.issues if i["check"] != "cells with personal data masked"]


def _consent_column(given: str | None, rename: dict[str, str], names: list[str]) -> str | None:
    """The consent column (named, or found by its usual names), as the file loader finds it."""
    consent = rename.get(given, given) if given else privacy.find_consent_column(names)
    if consent is not None and consent not in names:
        privacy.filter_consent(pl.DataFrame(schema=dict.fromkeys(names, pl.String)), consent)
    return consent
