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

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import narwhals as nw
import polars as pl

from mkt_engineering import privacy
from mkt_engineering.engines import checks, frames
from mkt_engineering.formats import RawTable, validation_error
from mkt_engineering.quality import DataQuality
from mkt_engineering.schemas import EARLIEST_DATE, FUTURE_SLACK, MOST_ROWS, Contract

if TYPE_CHECKING:
    from mkt_engineering import io

RAW = checks.RAW

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
    import narwhals as nw

    return int(frames.to_polars(frames.lazy(native).select(nw.len())).item())


def stays_in_engine(
    native: Any, keep_in_engine: bool | None, contract: Contract | None = None
) -> tuple[bool, int | None]:
    """Whether to check the table in its engine, and its row count when it was counted.

    ``keep_in_engine`` True or False decides; None (the default) keeps the table in the
    engine under a memory cap (the user asked that the data not come into Python memory)
    or when it has more than :data:`COLLECT_ROWS` rows. The paths table (one row per
    distinct journey, lists of channels) is an aggregate already and is always collected.
    """
    if contract is not None and any(c.dtype == "list[str]" for c in contract.columns):
        return False, None
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


def load_in_engine(
    native: Any, described: EngineSource, contract: Contract, options: dict[str, Any]
) -> io.LoadResult:
    """Check the table in its engine; return the cleaned lazy native frame and the summary.

    The same mapping, checks, messages and counts as the file loader, run as aggregate
    queries: one pass counts every problem, a LIMIT query fetches the first offending rows
    of a refusal. Extra text columns are left in the engine (except an experiment's
    segments), since only a full scan could show they hold no personal data.
    """
    from mkt_engineering import io

    label = described.uri
    schema = frames.lazy(native).collect_schema()
    rename = io._map_columns(_header(label, schema.names()), contract, options["columns"])
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
    typed, facts = checks.typed_frame(
        native, contract, rename, tuple(extras) + ((consent,) if consent else ()), label
    )
    quality.date_formats, quality.currency_signs = facts.date_formats, facts.currency_signs
    quality.decimal_comma = facts.decimal_comma
    typed = _whole_numbers(typed, contract)
    plan = _Plan(contract, typed, mapped, extras, consent, options, label, facts.other_family)
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
        clean = _pseudonymize(clean, pseudonymize, options["salt"], label)
        quality.add(
            "pseudonymized columns", len(pseudonymize), ", ".join(pseudonymize), share=False
        )
        if without_consent is not None and without_consent.name in pseudonymize:
            ids = without_consent.to_frame()
            salt = options["salt"]
            without_consent = privacy.pseudonymize(ids, [ids.columns[0]], salt).to_series()
    return io.LoadResult(clean, quality, without_consent)


def _pseudonymize(native: Any, columns: list[str], salt: str | None, label: str) -> Any:
    """The id columns replaced by SHA-256 of salt + id, computed in the engine.

    The same pseudonyms as :func:`mkt_engineering.privacy.pseudonymize` (hex digest of the
    salt followed by the id as text), so tables loaded from files and from engines join.
    The salt travels to the engine inside the query text; it never reaches the manifest.
    """
    names = frames.columns(native)
    missing = [c for c in columns if c not in names]
    if missing:  # the file loader's message
        privacy.pseudonymize(pl.DataFrame(schema=dict.fromkeys(names, pl.String)), missing, salt)
    salt_text = checks._literal(privacy._salt(salt))
    engine = frames.engine_name(native)
    exprs = []
    for name in names:
        quoted = checks._quote(name, engine)
        if name not in columns:
            exprs.append(quoted)
        elif engine == "spark":
            exprs.append(f"sha2(concat({salt_text}, CAST({quoted} AS STRING)), 256) AS {quoted}")
        else:
            exprs.append(f"sha256({salt_text} || CAST({quoted} AS VARCHAR)) AS {quoted}")
    return native.selectExpr(*exprs) if engine == "spark" else native.select(", ".join(exprs))


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


def _whole_numbers(typed: Any, contract: Contract) -> nw.LazyFrame:
    """Whole-number columns as integers; NaN, inf, fractions and beyond 64 bits become NULL."""
    frame = frames.lazy(typed)
    names = frame.collect_schema().names()
    whole = []
    for column in contract.columns:
        if column.dtype == "int" and column.name in names:
            value = nw.col(column.name)
            fits = value.is_finite() & (value == value.round(0)) & (value.abs() < 2.0**63)
            whole.append(nw.when(fits).then(value).cast(nw.Int64).alias(column.name))
    return frame.with_columns(whole) if whole else frame


@dataclass
class _Plan:
    """The masks of one load, in the file loader's order, and what follows from their counts."""

    contract: Contract
    typed: nw.LazyFrame
    mapped: dict[str, str]  # source name -> name in the typed frame
    extras: list[str]
    consent: str | None
    options: dict[str, Any]
    label: str
    other_family: dict[str, str]  # text date column -> the family of its twin parse
    steps: dict[str, nw.Expr] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from mkt_engineering import io

        self.io = io
        self.schema = self.typed.collect_schema()
        self.present = [c for c in self.contract.columns if c.name in self.schema.names()]
        self.user = {m: u for u, m in self.mapped.items()}
        export = self.options["as_of"]
        export = (
            dt.datetime.now() if export is None else io._date_bound(export, end=True, what="as_of")
        )
        self.latest = export + FUTURE_SLACK
        self.window = f"{EARLIEST_DATE:%Y-%m-%d} to {self.latest:%Y-%m-%d %H:%M}"
        looked_at = [RAW + c.name for c in self.present] + self.extras
        looked_at += [self.consent] if self.consent else []
        self.blank = nw.all_horizontal(
            *[nw.col(c).is_null() for c in looked_at], ignore_nulls=False
        )
        self.granted = (
            checks.consent_granted(self.consent, self.schema[self.consent])
            if self.consent
            else nw.lit(True)
        )
        self.keep = ~self.blank & self.granted
        self.keys = [c for c in (*io.PERSON_IDS, *self.contract.key) if c in self.schema.names()]
        self.keys = list(dict.fromkeys(self.keys))

    def masks(self) -> dict[str, nw.Expr]:
        """Every row mask to count, named check|column."""
        keep, steps = self.keep, {"blank": self.blank}
        if self.consent:
            steps["no_consent"] = ~self.blank & ~self.granted
        for column in self.present:
            value, raw = nw.col(column.name), nw.col(RAW + column.name)
            present = ~raw.is_null()
            if self.schema[RAW + column.name] == nw.String:
                present = present & (raw.str.len_chars() > 0)
            if column.name in self.other_family:  # parses only in the other family
                twin = nw.col(checks.OTHER + column.name)
                steps[f"mixed|{column.name}"] = keep & value.is_null() & ~twin.is_null()
            if column.dtype == "float":
                steps[f"finite|{column.name}"] = keep & ~value.is_finite()
            steps[f"unreadable|{column.name}"] = keep & present & value.is_null()
            if not column.allows_null:
                steps[f"empty|{column.name}"] = keep & value.is_null()
            if column.minimum is not None:
                steps[f"below|{column.name}"] = keep & (value < column.minimum)
            if column.allowed is not None:
                allowed = ~value.is_null() & ~value.is_in(list(column.allowed))
                steps[f"allowed|{column.name}"] = keep & allowed
            if not column.required:
                steps[f"nulls|{column.name}"] = keep & value.is_null()
        for extra in self.extras:
            if self.schema[extra].is_float():
                steps[f"finite|{extra}"] = keep & ~nw.col(extra).is_finite()
            if self.schema[extra] == nw.String:
                steps[f"email|{extra}"] = nw.col(extra).str.contains("@")
        for column in self.present:
            if column.dtype in ("date", "datetime"):
                steps[f"before|{column.name}"] = keep
                out = keep & checks.outside_dates(column.name, self.latest, EARLIEST_DATE)
                steps[f"dates|{column.name}"] = out
                keep = keep & ~out
        date_range, date_column = self.options["date_range"], self.contract.date_column
        if date_range is not None and date_column in self.schema.names():
            start = self.io._date_bound(date_range[0], end=False)
            end = self.io._date_bound(date_range[1], end=True)
            self.range_note = f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}"
            inside = nw.col(date_column).cast(nw.Datetime("us")).is_between(start, end)
            steps["range"] = keep & ~inside.fill_null(False)
            keep = keep & inside.fill_null(False)
        self.final, self.steps = keep, steps
        return steps

    def _refusal(self, check: str, name: str, counted: dict[str, int], texts, value=None):
        """The error for `check` on column `name`, quoting its first offending rows."""
        mask = self.steps[f"{check}|{name}"]
        value = nw.col(RAW + name if RAW + name in self.schema.names() else name)
        where, values = checks.examples(self.typed, mask, value.cast(nw.String), name, self.keys)
        total = counted[f"{check}|{name}"]
        failure = self.io.Failure(
            self.label, self.user.get(name, name), name, texts[0], total, where, values
        )
        return failure.error(texts[1], texts[2])

    def refuse(self, counted: dict[str, int]) -> None:
        """Raise the file loader's first error, in its order of checks."""
        io = self.io
        for column in self.present:
            for check in ("mixed", "finite", "unreadable", "empty", "below", "allowed"):
                if not counted.get(f"{check}|{column.name}"):
                    continue
                if check == "mixed":
                    texts = self._mixed(column)
                elif check == "finite":
                    texts = io.NOT_FINITE
                elif check == "allowed":
                    texts = io.not_allowed(column, self._allowed_pairs(column.name))
                else:
                    texts = io.refusal(check, column)
                raise self._refusal(check, column.name, counted, texts)
        for extra in self.extras:
            if counted.get(f"finite|{extra}"):
                raise self._refusal("finite", extra, counted, io.NOT_FINITE)
        for column in self.present:
            out = counted.get(f"dates|{column.name}", 0)
            refused = self.contract.out_of_range_dates == "refuse"
            if out and (refused or out > MOST_ROWS * counted[f"before|{column.name}"]):
                why = (
                    f"the {self.contract.name} contract refuses such rows"
                    if refused
                    else "that is most of the rows, so the dates are probably misread"
                )
                texts = io.refusal("dates", column, why, self.window)
                mask = self.steps[f"dates|{column.name}"]
                shown = nw.col(column.name).cast(nw.Datetime("us")).cast(nw.String)
                where, values = checks.examples(self.typed, mask, shown, column.name, self.keys)
                failure = io.Failure(
                    self.label, self.user.get(column.name, column.name), column.name,
                    texts[0], out, where, values,
                )  # fmt: skip
                raise failure.error(texts[1], texts[2])

    def _mixed(self, column) -> tuple[str, str, str]:
        """The file loader's texts for dates in two formats, naming the first stray one."""
        mask = self.steps[f"mixed|{column.name}"]
        raw = nw.col(RAW + column.name).cast(nw.String)
        _, values = checks.examples(self.typed, mask, raw, column.name, [], limit=1)
        family = self.io.formats.family_of(str(values[0]).strip())
        return self.io.refusal("mixed", column, self.facts_family(column.name), family)

    def facts_family(self, name: str) -> str:
        """The format family a text date column starts with (its twin parses the other)."""
        return checks.GERMAN if self.other_family[name] == checks.ISO else checks.ISO

    def _allowed_pairs(self, name: str) -> pl.DataFrame:
        """Up to eight distinct values outside the allowed list, with their raw text."""
        bad = frames.lazy(self.typed).filter(self.steps[f"allowed|{name}"].fill_null(False))
        pairs = bad.select(
            nw.col(RAW + name).cast(nw.String).alias("raw"), nw.col(name).alias("value")
        ).unique(["value"], keep="any")
        return frames.to_polars(pairs.sort("value").head(8)).select("raw", "value")

    def record(self, counted: dict[str, int], quality: DataQuality) -> nw.LazyFrame:
        """Fill in the quality summary as the file loader does; return the cleaned frame."""
        quality.rows_read = rows = counted["__rows"]
        for column in self.present:
            if counted.get(f"nulls|{column.name}"):
                quality.add(
                    f"empty cells in {column.name}",
                    counted[f"nulls|{column.name}"],
                    "optional column; empty means unknown",
                )
        removed = 0
        if counted["blank"]:
            quality.add("empty rows removed", counted["blank"], "blank lines or rows in the source")
            removed += counted["blank"]
        if self.consent:
            quality.consent_removed = counted["no_consent"]
            quality.add("rows without consent removed", counted["no_consent"], self.consent)
            removed += counted["no_consent"]
        for column in self.present:
            out = counted.get(f"dates|{column.name}", 0)
            if out:
                quality.out_of_range_dates += out
                quality.add("rows with impossible dates removed", out, self._date_note(column.name))
                removed += out
        if counted.get("range"):
            quality.outside_date_range = counted["range"]
            quality.add("rows outside date range", counted["range"], self.range_note)
            removed += counted["range"]
        kept = self._kept_extras(counted, quality)
        clean = frames.lazy(self.typed).filter(self.final.fill_null(False))
        clean = clean.select(*[c.name for c in self.present], *kept)
        if self.options["count_duplicates"]:
            _engine_duplicates(clean, self.contract.key, rows - removed, quality)
        quality.rows = rows - removed
        return clean

    def _date_note(self, name: str) -> str:
        mask = self.steps[f"dates|{name}"]
        shown = nw.col(name).cast(nw.Datetime("us")).cast(nw.String).str.slice(0, 10)
        where, values = checks.examples(self.typed, mask, shown, name, self.keys)
        examples = ", ".join(f"{w}: {v}" for w, v in zip(where, values, strict=True))
        return f"{self.user.get(name, name)} outside {self.window}; {examples}"

    def _kept_extras(self, counted: dict[str, int], quality: DataQuality) -> list[str]:
        """Extra columns to keep: numbers, yes/no and dates; an experiment's text segments."""
        with_email = [e for e in self.extras if counted.get(f"email|{e}")]
        if with_email:
            quality.pii_removed = quality.pii_removed + with_email
            quality.add("pii columns removed", len(with_email), ", ".join(with_email), share=False)
        text = [e for e in self.extras if self.schema[e] == nw.String and e not in with_email]
        segments = self.contract.name == "experiment"
        left = [] if segments else text
        kept = [e for e in self.extras if e not in with_email and e not in left]
        if self.consent and self.consent not in self.contract.names:
            kept.append(self.consent)  # as in files, where it is an extra column too
        if left:
            quality.add(
                "extra text columns left in the engine", len(left), ", ".join(left), share=False
            )
        if kept:
            quality.add("extra columns kept", len(kept), ", ".join(kept), share=False)
        return kept

    def without_consent(self) -> pl.Series | None:
        """The distinct person ids of rows without consent (a small query; None without consent)."""
        person = next((c for c in self.io.PERSON_IDS if c in self.schema.names()), None)
        if self.consent is None or person is None:
            return None
        ids = frames.lazy(self.typed).filter(~self.granted).select(nw.col(person).cast(nw.String))
        ids = ids.filter(~nw.col(person).is_null()).unique()
        return frames.to_polars(ids).get_column(person)


def _engine_duplicates(
    clean: nw.LazyFrame, key: tuple[str, ...], rows: int, quality: DataQuality
) -> None:
    """Exact duplicate rows and repeated keys, counted with DISTINCT in the engine.

    The same counts as :func:`mkt_engineering.quality.count_duplicates`: rows that repeat
    exactly also repeat their key, so exact = rows - distinct rows, and the key repeats
    that are not exact duplicates are rows - distinct keys - exact.
    """
    if rows < 2:
        return
    names = clean.collect_schema().names()
    key = [c for c in key if c in names]

    def distinct(frame: nw.LazyFrame) -> int:
        return int(frames.to_polars(frame.unique().select(nw.len())).item())

    by_key = key and len(key) < len(names)
    repeated = rows - distinct(clean.select(key)) if by_key else None
    if repeated == 0:  # exact duplicates repeat their key too: none, so no full DISTINCT
        return
    exact = rows - distinct(clean)
    repeated = exact if repeated is None else repeated
    if exact:
        quality.add(
            "exact duplicate rows",
            exact,
            "identical rows kept; check whether the export repeats them",
        )
    if repeated - exact > 0:
        quality.add(
            "duplicate keys", repeated - exact, f"same {' + '.join(key)}, other values differ"
        )
