"""The loader's contract checks as aggregate queries in the engine that holds the table.

:func:`typed_frame` converts the contract columns in the engine (one SQL select per
engine: a failed conversion becomes NULL instead of an error), :func:`counts` counts every
problem in one aggregate pass, and :func:`examples` fetches the first few offending rows
(a LIMIT query) for the message. Nothing collects the table. The messages and their
order are the file loader's (:mod:`mkt_engineering.io`).

Examples
--------
>>> import duckdb
>>> from mkt_engineering.schemas import get_contract
>>> relation = duckdb.sql("select * from (values ('c1', '2026-03-01', '9.5'), ('c2', 'x', '1')) t(k, d, r)")
>>> typed, facts = typed_frame(relation, get_contract("orders"), {"k": "customer_id", "d": "order_date", "r": "revenue"})
>>> frames.to_polars(frames.lazy(typed).select("order_date", "revenue")).rows()
[(datetime.datetime(2026, 3, 1, 0, 0), 9.5), (None, 1.0)]
>>> facts.date_formats
{'order_date': 'YYYY-MM-DD [HH:MM[:SS]]'}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import polars as pl

from mkt_engineering import privacy
from mkt_engineering.engines import frames
from mkt_engineering.formats import validation_error
from mkt_engineering.schemas import Column, Contract
from mkt_engineering.values import (
    DATE_FAMILIES,
    FALSE_WORDS,
    TRUE_WORDS,
    family_of,
    parse_numbers,
)

RAW = "__raw__"  # prefix of the source's own values, kept beside the converted ones
OTHER = "__other__"  # prefix of a text date column parsed in its other format family
ISO, GERMAN = list(DATE_FAMILIES)[:2]
_SPARK_FORMATS = {"%d.%m.%Y %H:%M:%S": "dd.MM.yyyy HH:mm:ss", "%d.%m.%Y %H:%M": "dd.MM.yyyy HH:mm"}
_SPARK_FORMATS["%d.%m.%Y"] = "dd.MM.yyyy"


def _quote(name: str, engine: str) -> str:
    if engine == "spark":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(_literal(w) for w in words)


def _text(source: str, dtype: Any, engine: str) -> str:
    """The column as text; an empty string is an empty cell, as in a CSV file."""
    if dtype == nw.String:
        return f"CASE WHEN length({source}) > 0 THEN {source} END"
    return f"CAST({source} AS {'STRING' if engine == 'spark' else 'VARCHAR'})"


def _date_sql(source: str, dtype: Any, engine: str, family: str | None) -> str:
    """A timestamp without time zone from a date/time column or text in the ISO or German family."""
    timestamp = "TIMESTAMP_NTZ" if engine == "spark" else "TIMESTAMP"
    if dtype.is_temporal():
        return f"CAST({source} AS {timestamp})"
    text = f"trim({_text(source, dtype, engine)})"
    if family == ISO:
        return f"{'try_cast' if engine == 'spark' else 'TRY_CAST'}({text} AS {timestamp})"
    formats = DATE_FAMILIES[GERMAN]
    if engine == "spark":
        tries = [f"try_to_timestamp({text}, {_literal(_SPARK_FORMATS[f])})" for f in formats]
        return f"CAST(coalesce({', '.join(tries)}) AS {timestamp})"
    tries = [f"try_strptime({text}, {_literal(f)})" for f in formats]
    return f"CAST(coalesce({', '.join(tries)}) AS {timestamp})"


def _regex(pattern: str, engine: str) -> str:
    """A regular expression as an SQL literal (Spark reads backslash escapes in literals)."""
    return _literal(pattern.replace("\\", "\\\\") if engine == "spark" else pattern)


def _try_cast(text: str, engine: str, to: str = "DOUBLE") -> str:
    return f"{'try_cast' if engine == 'spark' else 'TRY_CAST'}({text} AS {to})"


_SIGNS = " \u00a0\u202f€$£¥%"
_CODES = r"^\s*(?:EUR|USD|GBP|CHF|JPY)\s*|\s*(?:EUR|USD|GBP|CHF|JPY)\s*$"


def _number_sql(text: str, engine: str, decimal_comma: bool) -> str:
    """Numbers written with currency signs, thousands separators or decimal commas.

    The SQL twin of :func:`mkt_engineering.values.parse_numbers` once the decimal mark is
    known: signs and codes stripped, thousands separators dropped, a decimal comma read.
    """
    ends = f"^[{_SIGNS}]+|[{_SIGNS}]+$"
    if engine == "spark":
        cleaned = f"regexp_replace(regexp_replace({text}, {_regex(ends, engine)}, ''), {_regex(_CODES, engine)}, '')"
        matches = "{} RLIKE {}"
    else:
        cleaned = f"regexp_replace(regexp_replace({text}, {_regex(ends, engine)}, '', 'g'), {_regex(_CODES, engine)}, '')"
        matches = "regexp_full_match({}, {})"
    cleaned = f"replace({cleaned}, '\u00a0', '')"
    thousands, grouped = (
        (".", r"^-?\d{1,3}(\.\d{3})+(,\d*)?$")
        if decimal_comma
        else (",", r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")
    )
    ungrouped = (
        f"CASE WHEN {matches.format(cleaned, _regex(grouped, engine))} "
        f"THEN replace({cleaned}, '{thousands}', '') ELSE {cleaned} END"
    )
    return _try_cast(f"replace({ungrouped}, ',', '.')" if decimal_comma else ungrouped, engine)


def _convert_sql(
    column: Column, source: str, dtype: Any, engine: str, family: str | None, comma: bool | None
) -> str:
    """SQL converting one source column to the contract type; NULL where a value does not fit."""
    kind = column.dtype
    if kind == "string":
        text = _text(source, dtype, engine)
        if column.allowed is None:
            return text
        # runs of spaces and dashes become "_" ("Email Open" is email_open), as in files
        if engine == "spark":  # Spark SQL literals take backslash escapes
            return f"regexp_replace(lower(trim({text})), '[\\\\s-]+', '_')"
        return f"regexp_replace(lower(trim({text})), '[\\s-]+', '_', 'g')"
    if kind in ("datetime", "date"):
        timestamp = _date_sql(source, dtype, engine, family)
        return f"CAST({timestamp} AS DATE)" if kind == "date" else timestamp
    if kind in ("float", "int"):
        if dtype.is_numeric() or dtype == nw.Boolean:
            return f"CAST({source} AS DOUBLE)"
        if comma is not None:  # some values are not plain numbers: read them as files are
            return _number_sql(_text(source, dtype, engine), engine, comma)
        return _try_cast(f"trim({_text(source, dtype, engine)})", engine)
    if kind == "bool":
        if dtype == nw.Boolean:
            return source
        text = f"lower(trim({_text(source, dtype, engine)}))"
        return (
            f"CASE WHEN {text} IN ({_words(TRUE_WORDS)}) THEN TRUE "
            f"WHEN {text} IN ({_words(FALSE_WORDS)}) THEN FALSE END"
        )
    raise ValueError(f"{kind} columns are not converted in an engine")


def date_family(native: Any, user: str, source: str) -> str:
    """The date format family of a text column, judged by its first value (as files are).

    Families other than YYYY-MM-DD and DD.MM.YYYY (compact YYYYMMDD, ISO weeks) are not
    parsed in an engine: the message says how to load the table instead.
    """
    first = frames.to_polars(
        frames.lazy(native).select(user).filter(~nw.col(user).is_null()).head(1)
    )
    family = family_of(str(first.item()).strip()) if first.height else ISO
    if family not in (ISO, GERMAN):
        raise validation_error(
            f"{source}: column {user!r} holds dates written as {family}, which are read only "
            "after loading the rows, not inside the engine.",
            source=source,
            column=user,
            fix="Convert the column to a DATE or TIMESTAMP in the query (or the table), or "
            "load with keep_in_engine=False.",
        )
    return family


@dataclass
class Facts:
    """What converting the columns found out, for the quality summary and the checks."""

    date_formats: dict[str, str] = field(default_factory=dict)
    decimal_comma: bool = False
    currency_signs: dict[str, str] = field(default_factory=dict)
    other_family: dict[str, str] = field(default_factory=dict)  # date column -> its twin


def _unusual_numbers(native: Any, user: str, engine: str) -> pl.Series:
    """Up to 10,000 values of a text column that are not plain numbers (a LIMIT query)."""
    source = _quote(user, engine)
    plain = _try_cast(f"trim({source})", engine)
    condition = f"{source} IS NOT NULL AND length({source}) > 0 AND {plain} IS NULL"
    if engine == "spark":
        rows = native.where(condition).select(user).limit(10_000)
    else:
        rows = native.filter(condition).select(source).limit(10_000)
    return frames.to_polars(frames.lazy(rows)).to_series()


def typed_frame(
    native: Any,
    contract: Contract,
    rename: dict[str, str],
    keep: tuple[str, ...] = (),
    label: str = "<engine>",
) -> tuple[Any, dict[str, str]]:
    """The native frame with each contract column converted, its raw values beside it.

    Returns the new (lazy) native frame and the :class:`Facts` found on the way. A text
    date column also gets its parse in the other format family (``OTHER`` + name), so
    the checks can name rows in mixed formats. The columns in `keep` (extras, consent) are
    passed through as they are.
    """
    engine = frames.engine_name(native)
    schema = frames.lazy(native).collect_schema()
    user_name = {rename.get(c, c): c for c in schema.names()}
    selected, facts = [], Facts()
    for column in contract.columns:
        user = user_name.get(column.name)
        if user is None:
            continue
        dtype, source = schema[user], _quote(user, engine)
        family, comma = None, None
        if column.dtype in ("date", "datetime") and not dtype.is_temporal():
            family = facts.date_formats[column.name] = date_family(native, user, label)
            other = GERMAN if family == ISO else ISO
            facts.other_family[column.name] = other
            twin = _date_sql(source, dtype, engine, other)
            selected.append(f"{twin} AS {_quote(OTHER + column.name, engine)}")
        if column.dtype in ("float", "int") and dtype == nw.String:
            unusual = _unusual_numbers(native, user, engine)
            if unusual.len():
                parsed = parse_numbers(unusual)
                comma = parsed.decimal_comma
                facts.decimal_comma = facts.decimal_comma or comma
                if parsed.currency:
                    facts.currency_signs[column.name] = parsed.currency
        converted = _convert_sql(column, source, dtype, engine, family, comma)
        selected.append(f"{converted} AS {_quote(column.name, engine)}")
        selected.append(f"{source} AS {_quote(RAW + column.name, engine)}")
    selected += [_quote(name, engine) for name in keep]
    if engine == "spark":
        return native.selectExpr(*selected), facts
    return native.select(", ".join(selected)), facts


def flag(mask: nw.Expr) -> nw.Expr:
    """A row mask as 0/1, NULL counted as 0, ready to be summed."""
    return mask.fill_null(False).cast(nw.Int64)


def counts(typed: Any, masks: dict[str, nw.Expr]) -> dict[str, int]:
    """Every mask's number of rows in one aggregate query (one pass over the table)."""
    exprs = [nw.len().alias("__rows")] + [flag(m).sum().alias(n) for n, m in masks.items()]
    row = frames.to_polars(frames.lazy(typed).select(exprs)).row(0, named=True)
    return {name: int(value or 0) for name, value in row.items()}


def examples(
    typed: Any, mask: nw.Expr, value: nw.Expr, column: str, keys: list[str], limit: int = 5
) -> tuple[list[str], list[str | None]]:
    """The first `limit` rows where `mask` holds: who they are (their key) and the value.

    Rows in an engine have no line numbers, so a row is named by its key columns
    ("row with customer_id 'c2'"), leaving out the `column` at fault.
    """
    keys = [k for k in keys if k != column]
    shown = frames.lazy(typed).filter(mask.fill_null(False))
    rows = frames.to_polars(shown.select(*keys, value.alias("__value")).head(limit))
    where = [
        "row with " + ", ".join(f"{k} {v!r}" for k, v in zip(keys, r[:-1], strict=True))
        if keys
        else "row"
        for r in rows.iter_rows()
    ]
    return where, rows.get_column("__value").to_list()


def consent_granted(name: str, dtype: Any) -> nw.Expr:
    """The engine's form of :func:`mkt_engineering.privacy.consent_mask`."""
    if dtype == nw.Boolean:
        return nw.col(name).fill_null(False)
    text = nw.col(name).cast(nw.String).str.strip_chars().str.to_lowercase()
    return text.is_in(list(privacy.CONSENT_TRUE)).fill_null(False)


def outside_dates(name: str, latest: dt.datetime, earliest: dt.datetime) -> nw.Expr:
    """Dates before `earliest` or after `latest` (NULL is not outside)."""
    values = nw.col(name).cast(nw.Datetime("us"))
    return ((values < earliest) | (values > latest)).fill_null(False)


def sample(native: Any, rows: int = privacy.SAMPLE_ROWS) -> pl.DataFrame:
    """The first rows of the table, to judge personal data by their values (a LIMIT query)."""
    return frames.to_polars(frames.lazy(native).head(rows))
