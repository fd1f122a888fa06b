"""Converting a table's columns to the contract types inside its engine, in SQL.

One SELECT per engine (DuckDB and Spark SQL differ in a few function names): a value
that does not fit its type becomes NULL instead of failing the query, and the source's
own value stays beside it (``RAW`` + name) for the messages. The rules are the file
loader's: dates in the YYYY-MM-DD or DD.MM.YYYY family, numbers with decimal commas,
thousands separators and currency signs, yes/no words, event names in lower case.

Examples
--------
>>> import duckdb
>>> from mkt_engineering.schemas import get_contract
>>> relation = duckdb.sql(
...     "select * from (values ('c1', '2026-03-01', '9.5'), ('c2', 'x', '1')) t(k, d, r)")
>>> mapping = {"k": "customer_id", "d": "order_date", "r": "revenue"}
>>> typed, facts = typed_frame(relation, get_contract("orders"), mapping)
>>> frames.to_polars(frames.lazy(typed).select("order_date", "revenue")).rows()
[(datetime.datetime(2026, 3, 1, 0, 0), 9.5), (None, 1.0)]
>>> facts.date_formats
{'order_date': 'YYYY-MM-DD [HH:MM[:SS]]'}
"""

from __future__ import annotations

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
        signless = f"regexp_replace({text}, {_regex(ends, engine)}, '')"
        cleaned = f"regexp_replace({signless}, {_regex(_CODES, engine)}, '')"
        matches = "{} RLIKE {}"
    else:
        signless = f"regexp_replace({text}, {_regex(ends, engine)}, '', 'g')"
        cleaned = f"regexp_replace({signless}, {_regex(_CODES, engine)}, '')"
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


def whole_numbers(typed: Any, contract: Contract) -> nw.LazyFrame:
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


def pseudonymize(native: Any, columns: list[str], salt: str | None, label: str) -> Any:
    """The id columns replaced by SHA-256 of salt + id, computed in the engine.

    The same pseudonyms as :func:`mkt_engineering.privacy.pseudonymize` (hex digest of the
    salt followed by the id as text), so tables loaded from files and from engines join.
    The salt travels to the engine inside the query text; it never reaches the manifest.
    """
    names = frames.columns(native)
    missing = [c for c in columns if c not in names]
    if missing:  # the file loader's message
        privacy.pseudonymize(pl.DataFrame(schema=dict.fromkeys(names, pl.String)), missing, salt)
    salt_text = _literal(privacy.resolve_salt(salt))
    engine = frames.engine_name(native)
    exprs = []
    for name in names:
        quoted = _quote(name, engine)
        if name not in columns:
            exprs.append(quoted)
        elif engine == "spark":
            exprs.append(f"sha2(concat({salt_text}, CAST({quoted} AS STRING)), 256) AS {quoted}")
        else:
            exprs.append(f"sha256({salt_text} || CAST({quoted} AS VARCHAR)) AS {quoted}")
    return native.selectExpr(*exprs) if engine == "spark" else native.select(", ".join(exprs))
