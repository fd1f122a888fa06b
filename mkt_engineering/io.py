"""Reading user files onto the data contracts, with errors that say what to fix.

``read_table`` reads a CSV, Parquet or Excel file (or a polars frame), maps the user's
column names onto a contract (:mod:`mkt_engineering.schemas`), coerces the types, checks
the constraints and returns a clean polars frame. ``load_table`` returns the frame together
with a :class:`~mkt_engineering.quality.DataQuality` summary of everything the loader noticed
but did not reject (duplicates, empty optional cells, rows outside the date range, personal
data removed, rows without consent).

Anything that makes the data unusable raises :class:`~mkt_engineering.DataValidationError`
naming the file, the column (the user's name and the contract's), up to five offending rows
with their line numbers (the header is line 1) and raw values, what was expected and how to
fix it. Rows are never dropped silently: every removal is counted in the quality summary.

Examples
--------
>>> import polars as pl
>>> frame = pl.DataFrame({"Kunde": ["c1", "c2"], "Datum": ["01.03.2026", "02.03.2026"],
...                       "Umsatz": ["89,90", "12,00"]})
>>> mapping = {"Kunde": "customer_id", "Datum": "order_date", "Umsatz": "revenue"}
>>> orders = read_table(frame, "orders", columns=mapping)
>>> orders.schema["order_date"], orders["revenue"].to_list()
(Datetime(time_unit='us', time_zone=None), [89.9, 12.0])
>>> read_table(frame, "orders", columns={"Kunde": "customer_id", "Datum": "order_date"})
Traceback (most recent call last):
...
mkt_engineering.errors.DataValidationError: <data frame>: the orders table needs column revenue, ...
...
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from mkt_engineering import formats, privacy
from mkt_engineering.errors import DataValidationError
from mkt_engineering.formats import RawTable, validation_error
from mkt_engineering.layout import Layout
from mkt_engineering.load_rules import (
    NOT_FINITE,
    PERSON_IDS,
    Failure,
    LoadResult,
    date_bound,
    not_allowed,
    refusal,
)
from mkt_engineering.mapping import map_columns, normalize_name, short_text
from mkt_engineering.quality import DataQuality, german_day, german_window
from mkt_engineering.quality import count_duplicates as _count_duplicates
from mkt_engineering.schemas import (
    EARLIEST_DATE,
    FUTURE_SLACK,
    MOST_ROWS,
    Column,
    Contract,
    get_contract,
)

__all__ = [
    "DataQuality",
    "Layout",
    "LoadResult",
    "load_table",
    "read_header",
    "read_raw",
    "read_table",
]

# A file path, a polars frame, a source URI (duckdb://..., see mkt_engineering.sources) or a
# native engine frame (DuckDB relation, Spark DataFrame).
Source = str | Path | pl.DataFrame | pl.LazyFrame | Any


def _header_problem(
    source: str, header: list[str], contract: Contract
) -> DataValidationError | None:
    """A file read as one column although the contract needs several: wrong separator."""
    if len(header) != 1 or len(contract.required_names) < 2:
        return None
    found = [s for s in formats.SEPARATORS if s in header[0]] + [
        s for s in (":", " ") if s in header[0].strip()
    ]
    guess = found[0] if found else None
    if guess == " ":  # runs of spaces: the whitespace separator, which is never guessed
        guess = "whitespace"
    said = (
        f" The header looks separated by {formats.SEPARATOR_NAMES.get(guess, repr(guess))}."
        if guess
        else ""
    )
    return validation_error(
        f"{source}: the whole header was read as ONE column, {short_text(header[0])!r}, so the "
        f"separator is wrong.{said}\nExpected the {contract.name} columns "
        f"{', '.join(contract.required_names)} as separate columns.",
        source=source,
        column=short_text(header[0]),
        fix=(
            f"Read it with separator={guess!r} (CLI: --separator '{guess}')"
            if guess
            else "Pass the file's separator with separator=..."
        )
        + (
            ". The first line looks like data, not a header: also pass layout={'header': "
            "False, 'names': [...]} (CLI: --no-header --names a,b,c)"
            if re.match(r"\s*[\d.,-]+\s", header[0])
            else ""
        )
        + ", or export it again as a CSV with ',' or ';' between columns.",
    )


def _repeated_column(
    raw: RawTable, contract: Contract, contract_name
) -> DataValidationError | None:
    """A contract column named twice in the header (polars reads the second as x_duplicated_0)."""
    for name in raw.frame.columns:
        match = re.fullmatch(r"(.+)_duplicated_\d+", name)
        if match and match.group(1) in raw.frame.columns:
            original = match.group(1)
            if contract_name(original) in contract.names:
                return validation_error(
                    f"{raw.source}: column {original!r} appears more than once in the header, so "
                    f"it is unclear which one holds {contract_name(original)}.",
                    source=raw.source,
                    column=original,
                    fix="Remove or rename the repeated column in the source (or in the export's "
                    "column selection), then load the file again.",
                )
    return None


def _fail(
    raw: RawTable,
    user: str,
    column: Column,
    mask: pl.Series,
    values: pl.Series,
    problem: str,
    expected: str,
    fix: str,
) -> DataValidationError:
    """Build the error for rows where `mask` is true, quoting their raw `values`."""
    positions = raw.positions(mask)
    where = [f"{raw.position_word} {p}" for p in positions]
    values = values.filter(mask).head(5).cast(pl.String).to_list()
    return Failure(raw.source, user, column.name, problem, int(mask.sum()), where, values).error(
        expected, fix, positions
    )


def _to_text(values: pl.Series, raw: RawTable, user: str) -> pl.Series:
    if values.dtype == pl.String:
        # CSV reading already turns empty cells into nulls; frames, Excel and Parquet may
        # hold "" (unless the Parquet statistics rule it out, which saves a pass).
        if (
            raw.kind == "csv"
            or user in raw.text_without_empty
            or not (values.str.len_bytes() == 0).any()
        ):
            return values
        return (
            pl.select(pl.when(values.str.len_bytes() > 0).then(values))
            .to_series()
            .alias(values.name)
        )
    if values.dtype.is_float() and (values.drop_nulls() == values.drop_nulls().round(0)).all():
        return values.cast(pl.Int64).cast(pl.String)  # Excel stores ids 123 as 123.0
    return values.cast(pl.String)


def _parse_dates(
    text: pl.Series, parsed: formats.ParsedDates | None, date_format: str | None = None
) -> tuple[pl.Series, str, pl.Series | None]:
    """Dates from text: those parsed while reading if every row parsed, else parse the text.

    With the layout's `date_format`, only that format counts: rows in another one fail
    the column's check (naming them) instead of being read in a guessed format.
    """
    if parsed is not None and parsed.values.null_count() == text.null_count():
        return parsed.values.alias(text.name), parsed.family, None
    if date_format:
        return formats.parse_with_format(text, date_format), date_format, None
    return formats.parse_datetime(text)  # some row is in another format: the careful path


def _coerce(
    values: pl.Series, column: Column, raw: RawTable, quality: DataQuality, user: str
) -> tuple[pl.Series, pl.Series | None]:
    """Convert one column (`user` is its name in the source).

    Returns the result and, for dates, a mask of mixed-format rows.
    """
    kind, mixed = column.dtype, None
    if kind == "string":
        text = _to_text(values, raw, user)
        if column.allowed is not None:  # "MQL" or "Email Open" mean mql and email_open
            text = _label_names(text)
        return text, None
    if kind in ("datetime", "date"):
        if values.dtype.is_integer():  # 19970101 in an Excel, Parquet or frame column
            values = values.cast(pl.String)
        if values.dtype == pl.String:
            values, family, mixed = _parse_dates(
                _to_text(values, raw, user), raw.parsed_dates.get(user), raw.layout.date_format
            )
            quality.date_formats[column.name] = family
        elif isinstance(values.dtype, pl.Datetime) and values.dtype.time_zone is not None:
            values = values.dt.replace_time_zone(None)
        elif not values.dtype.is_temporal():
            values = pl.Series(values.name, [None] * values.len(), dtype=pl.Datetime("us"))
        values = values.cast(pl.Datetime("us"))
        return (values.dt.date() if kind == "date" else values), mixed
    if kind in ("float", "int"):
        if values.dtype == pl.String:
            # a ;-file with decimal commas in its first lines is German; otherwise the values decide
            given = raw.layout.decimal_comma
            parsed = formats.parse_numbers(
                values,
                given if given is not None else (True if raw.decimal_comma else None),
                raw.layout.thousands,
            )
            values = parsed.values
            quality.decimal_comma = quality.decimal_comma or parsed.decimal_comma
            if parsed.currency:
                quality.currency_signs[column.name] = parsed.currency
        values = values.cast(pl.Float64, strict=False)
        if kind == "int":  # inf, NaN and values beyond 64 bits are no whole numbers
            whole = values.is_finite() & (values == values.round(0)) & (values.abs() < 2.0**63)
            values = pl.select(pl.when(whole).then(values)).to_series().cast(pl.Int64)
        return values, None
    if kind == "bool":
        return formats.parse_bool(values), None
    if kind == "list[str]":
        parsed = formats.parse_path(values)
        return pl.select(pl.when(parsed.list.len() > 0).then(parsed)).to_series().alias(
            values.name
        ), None
    raise ValueError(f"unknown contract dtype {kind}")


def _label_names(text: pl.Series) -> pl.Series:
    """Labels trimmed, lower case, runs of blanks and dashes as one underscore.

    A label column holds a handful of distinct values in millions of rows, so the text
    functions run on the distinct values and the rows are mapped to the results: half the
    time of running them on every row at ten million events, the same values.

    Examples
    --------
    >>> _label_names(pl.Series(["Email Open", " MQL", None, "email-open"])).to_list()
    ['email_open', 'mql', None, 'email_open']
    """

    def normalize(values: pl.Series) -> pl.Series:
        return values.str.strip_chars().str.to_lowercase().str.replace_all(r"[\s-]+", "_")

    distinct = text.drop_nulls().unique()
    if 2 * distinct.len() > text.len():  # mostly distinct: no mapping to save work
        return normalize(text)
    return text.replace(distinct, normalize(distinct))


def _check_finite(
    raw: RawTable,
    user: str,
    column: Column,
    original: pl.Series,
    coerced: pl.Series,
    keep: pl.Series | None,
) -> None:
    """Refuse NaN and infinite numbers (``nan``, ``inf``, ``1e400``): they poison every sum."""
    if not coerced.dtype.is_float():
        return
    bad = ~coerced.is_finite().fill_null(True)  # one pass; empty cells are judged elsewhere
    if keep is not None:
        bad = bad & keep
    if bad.any():
        raise _fail(raw, user, column, bad, original, *NOT_FINITE)


def _check_column(
    raw: RawTable,
    user: str,
    column: Column,
    original: pl.Series,
    coerced: pl.Series,
    mixed: pl.Series | None,
    keep: pl.Series | None,
    column_family: tuple[str, ...] = (),
) -> None:
    """Raise on the first problem of one coerced column."""

    def within(mask: pl.Series) -> pl.Series:
        return mask if keep is None else mask & keep

    if mixed is not None and within(mixed).any():
        family = next(iter(column_family))
        other = formats.family_of(str(original.filter(within(mixed)).head(1).item()).strip())
        texts = refusal("mixed", column, why=family, window=other)
        raise _fail(raw, user, column, within(mixed), original, *texts)
    _check_finite(raw, user, column, original, coerced, keep)
    present = original.is_not_null()
    if original.dtype == pl.String and raw.kind != "csv" and user not in raw.text_without_empty:
        present = present & (original.str.len_bytes() > 0)  # "" is an empty cell, as in a CSV file
    failed = (
        None
        if coerced.null_count() == original.len() - present.sum()
        else within(present & coerced.is_null())
    )
    if failed is not None and failed.any():
        raise _fail(raw, user, column, failed, original, *refusal("unreadable", column))
    if not column.allows_null and coerced.null_count():
        empty = within(coerced.is_null())
        if empty.any():
            raise _fail(raw, user, column, empty, original, *refusal("empty", column))
    if column.minimum is not None:
        below = within(coerced < column.minimum).fill_null(False)
        if below.any():
            raise _fail(raw, user, column, below, original, *refusal("below", column))
    if column.allowed is not None:
        bad = within(coerced.is_not_null() & ~coerced.is_in(list(column.allowed)))
        if bad.any():
            pairs = (
                pl.DataFrame(
                    {"raw": original.filter(bad).cast(pl.String), "value": coerced.filter(bad)}
                )
                .unique("value")
                .sort("value")
                .head(8)
            )
            raise _fail(raw, user, column, bad, original, *not_allowed(column, pairs))


@dataclass
class _Removals:
    """Rows to remove (empty, no consent, outside the date range), counted per reason."""

    keep: pl.Series | None = None
    counts: list[tuple[str, int, str, str | None, bool]] = field(default_factory=list)
    no_consent: pl.Series | None = None

    def remove(
        self,
        check: str,
        drop: pl.Series,
        note: str,
        *,
        always_report: bool = False,
        note_de: str | None = None,
    ) -> int:
        count = int((drop if self.keep is None else drop & self.keep).sum())
        self.keep = ~drop if self.keep is None else self.keep & ~drop
        self.counts.append((check, count, note, note_de, always_report))
        return count

    def apply(self, frame: pl.DataFrame, quality: DataQuality) -> pl.DataFrame:
        for check, count, note, note_de, always in self.counts:
            if count or always:
                quality.add(check, count, note, note_de=note_de)
        return frame if self.keep is None else frame.filter(self.keep)


def _filter_rows(
    frame: pl.DataFrame,
    rename: dict[str, str],
    consent_column: str | None,
    removals: _Removals,
    quality: DataQuality,
) -> None:
    """Mark completely empty rows and rows without marketing consent for removal."""
    if frame.null_count().sum_horizontal().item():
        blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
        if blank.any():
            removals.remove("empty rows removed", blank, "blank lines or rows in the source")
    consent = (
        rename.get(consent_column, consent_column)
        if consent_column
        else privacy.find_consent_column(frame.columns)
    )
    if consent is not None:
        if consent not in frame.columns:
            privacy.filter_consent(frame, consent)  # raises the explained error
        granted = privacy.consent_mask(frame.get_column(consent))
        removals.no_consent = ~granted
        quality.consent_removed = removals.remove(
            "rows without consent removed", ~granted, consent, always_report=True
        )


def _coerce_columns(
    frame: pl.DataFrame,
    contract: Contract,
    raw: RawTable,
    quality: DataQuality,
    user_name: dict[str, str],
    keep: pl.Series | None,
) -> pl.DataFrame:
    """Convert and check every contract column present; count empty optional cells."""
    converted = []
    for column in contract.columns:
        if column.name not in frame.columns:
            continue
        original, user = frame.get_column(column.name), user_name.get(column.name, column.name)
        coerced, mixed = _coerce(original, column, raw, quality, user)
        family = (quality.date_formats[column.name],) if column.name in quality.date_formats else ()
        _check_column(raw, user, column, original, coerced, mixed, keep, family)
        if not column.required and coerced.null_count():
            nulls = coerced.null_count() if keep is None else int((coerced.is_null() & keep).sum())
            if nulls:
                quality.add(
                    f"empty cells in {column.name}", nulls, "optional column; empty means unknown"
                )
        converted.append(coerced.alias(column.name))
    for name in frame.columns:  # metrics of an experiment, other extra numbers
        if name not in contract.names:
            values = frame.get_column(name)
            _check_finite(raw, name, Column(name, "float"), values, _as_number(values), keep)
    return frame.with_columns(converted)


def _as_number(values: pl.Series) -> pl.Series:
    """An extra column as the numbers it holds; text that is not all numbers stays as it is.

    CSV reading keeps a column with a ``nan`` or ``-Infinity`` cell as text, which would
    turn a metric into a segment; a text column whose every value reads as a number is a
    number column with bad cells.
    """
    if values.dtype != pl.String:
        return values
    numbers = values.cast(pl.Float64, strict=False)
    return numbers if numbers.null_count() == values.null_count() else values


def _check_dates(
    frame: pl.DataFrame,
    contract: Contract,
    raw: RawTable,
    removals: _Removals,
    user_name: dict[str, str],
    as_of: dt.datetime,
) -> int:
    """Drop (and count) or refuse rows dated before 1990 or after the export time.

    Returns the number of rows marked for removal. One vectorised comparison per date
    column; rows already marked for removal are not counted twice.
    """
    latest = as_of + FUTURE_SLACK
    dropped = 0
    for column in contract.columns:
        if column.dtype not in ("date", "datetime") or column.name not in frame.columns:
            continue
        values = frame.get_column(column.name).cast(pl.Datetime("us"))
        out = ((values < EARLIEST_DATE) | (values > latest)).fill_null(False)
        if removals.keep is not None:
            out = out & removals.keep
        count = int(out.sum())
        if not count:
            continue
        rows = frame.height if removals.keep is None else int(removals.keep.sum())
        user = user_name.get(column.name, column.name)
        window = f"{EARLIEST_DATE:%Y-%m-%d} to {latest:%Y-%m-%d %H:%M}"
        if contract.out_of_range_dates == "refuse" or count > MOST_ROWS * rows:
            why = (
                f"the {contract.name} contract refuses such rows"
                if contract.out_of_range_dates == "refuse"
                else "that is most of the rows, so the dates are probably misread"
            )
            raise _fail(
                raw,
                user,
                column,
                out,
                values.dt.strftime("%Y-%m-%d %H:%M:%S"),
                *refusal("dates", column, why, window),
            )
        pairs = list(
            zip(
                raw.positions(out),
                values.filter(out).head(5).dt.strftime("%Y-%m-%d").to_list(),
                strict=True,
            )
        )
        examples = ", ".join(f"{raw.position_word} {p}: {v}" for p, v in pairs)
        # "line" of a text file, "row" of a sheet, "row index" of a frame
        word = "Zeilenindex" if raw.position_word == "row index" else "Zeile"
        examples_de = ", ".join(f"{word} {p}: {german_day(v)}" for p, v in pairs)
        window_de = german_window(EARLIEST_DATE, latest, start_time=False)
        dropped += removals.remove(
            "rows with impossible dates removed",
            out,
            f"{user} outside {window}; {examples}",
            always_report=False,
            note_de=f"{user} außerhalb {window_de}; {examples_de}",
        )
    return dropped


def load_table(
    source: Source,
    table: str,
    columns: dict[str, str] | None = None,
    *,
    pseudonymize: list[str] | str | None = None,
    salt: str | None = None,
    date_range: tuple[Any, Any] | None = None,
    allow_pii: bool = False,
    consent_column: str | None = None,
    separator: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    count_duplicates: bool = True,
    as_of: Any = None,
    layout: Layout | dict[str, Any] | None = None,
    keep_in_engine: bool | None = None,
) -> LoadResult:
    """Read `source` as contract `table`; return the frame and its quality summary.

    Parameters
    ----------
    source : path, DataFrame, LazyFrame, source URI or engine frame
        CSV (any of ``, ; tab |``, UTF-8 with or without BOM, or cp1252), Parquet or Excel;
        a source URI such as ``duckdb:///shop.duckdb::orders`` (see
        :mod:`mkt_engineering.sources`), or a DuckDB relation or Spark DataFrame.
    table : str
        Contract name: touchpoints, conversions, paths, spend, orders, experiment, lead_events.
    columns : dict, optional
        Your column name -> contract column name, e.g. ``{"Kunden-Nr": "customer_id"}``.
        Names that differ only in case, spaces or dashes ("Customer ID") are mapped anyway.
    pseudonymize : list of str, optional
        Columns (contract names) to replace by salted SHA-256 pseudonyms.
    salt : str, optional
        Secret salt for `pseudonymize`; default: environment variable ``MKT_PSEUDONYM_SALT``.
    date_range : (start, end), optional
        Keep rows whose date column lies in this range (both ends included; a date as end
        includes that whole day). Rows outside are counted in the quality summary.
    allow_pii : bool
        Keep columns with e-mail addresses, phone numbers or names (default: remove them,
        and refuse contract columns holding them).
    consent_column : str, optional
        Column with the marketing consent; default: a column called consent,
        marketing_consent, einwilligung or opt_in if there is one. Rows without consent
        are removed and counted.
    separator, encoding, sheet : optional
        Override the detected separator / encoding, or pick an Excel sheet.
    layout : Layout or dict, optional
        What cannot be detected about a text file: no header (``header=False`` with
        ``names``), ``separator="whitespace"`` (runs of spaces), ``skip_lines``, a
        ``date_format`` such as ``"%Y%m%d"``, the ``thousands`` separator and the
        ``decimal`` mark (see :class:`mkt_engineering.layout.Layout`). A title line above
        the header is skipped without it.
    count_duplicates : bool
        Count exact duplicate rows and repeated keys for the summary (one hash pass over
        the table). ``read_table`` skips it, since it returns no summary.
    as_of : date, datetime or str, optional
        When the data were exported; default: now. Dates after it (plus one day for time
        zones) or before 1990-01-01 cannot be real: the contract says whether such rows are
        dropped and counted or the file is refused (see ``schemas.Contract``).
    keep_in_engine : bool, optional
        For a source URI or engine frame: True runs the checks in the engine as aggregate
        queries and returns the cleaned table as a lazy native frame (nothing collected);
        False brings the rows into polars and loads them like a file. Default: stay in the
        engine under a memory cap (``mkt run --memory``) or above
        ``engines.loading.COLLECT_ROWS`` rows, else collect.

    Notes
    -----
    Numbers that are NaN or infinite (``nan``, ``inf``, ``1e400``) are refused in every
    numeric column, contract or extra, naming the rows.
    """
    contract = get_contract(table)
    pseudonymize = [pseudonymize] if isinstance(pseudonymize, str) else list(pseudonymize or [])
    if pseudonymize:
        privacy.resolve_salt(salt)  # fail before reading a large file
    from mkt_engineering.engines import loading

    engine = loading.engine_source(source)
    if engine is not None:
        native, described = engine
        if loading.stays_in_engine(native, keep_in_engine, contract)[0]:
            options = {
                "columns": columns,
                "pseudonymize": pseudonymize,
                "salt": salt,
                "date_range": date_range,
                "allow_pii": allow_pii,
                "consent_column": consent_column,
                "count_duplicates": count_duplicates,
                "as_of": as_of,
                "layout": Layout.from_value(layout).with_overrides(
                    separator=separator, encoding=encoding
                ),
                "sheet": sheet,
            }
            return loading.load_in_engine(native, described, contract, options)
        source = loading.collect(native, described)  # Arrow columns from the engine
    raw = _read(
        source,
        contract,
        columns,
        separator=separator,
        encoding=encoding,
        sheet=sheet,
        layout=Layout.from_value(layout),
        label=None if engine is None else described.uri,
    )
    quality = DataQuality(
        raw.source,
        contract.name,
        rows=0,
        rows_read=raw.frame.height,
        encoding=raw.encoding,
        separator=raw.separator,
        decimal_comma=raw.decimal_comma,
        layout=raw.layout.to_dict(),
    )
    if engine is not None:
        quality.engine, quality.source_table = described.kind, described.table
        quality.query = described.query
    if raw.title:
        quality.add(
            "title lines skipped", raw.first_line - 2, repr(short_text(raw.title)), share=False
        )
    rename = map_columns(raw, contract, columns)
    quality.column_mapping = rename
    frame = raw.frame.rename(rename)
    pseudonymize = [rename.get(c, c) for c in pseudonymize]
    frame = privacy.apply_pii_policy(
        frame,
        source=raw.source,
        table=contract.name,
        contract_columns=contract.names,
        quality=quality,
        exempt=pseudonymize,
        allow_pii=allow_pii,
        typed_columns=tuple(c.name for c in contract.columns if c.dtype != "string"),
    )

    removals = _Removals()
    _filter_rows(frame, rename, consent_column, removals, quality)
    user_name = {c: u for u, c in rename.items()}
    frame = _coerce_columns(frame, contract, raw, quality, user_name, removals.keep)
    export_time = dt.datetime.now() if as_of is None else date_bound(as_of, end=True, what="as_of")
    quality.out_of_range_dates = _check_dates(
        frame, contract, raw, removals, user_name, export_time
    )
    if date_range is not None and contract.date_column in frame.columns:
        start, end = date_bound(date_range[0], end=False), date_bound(date_range[1], end=True)
        inside = frame.select(
            pl.col(contract.date_column)
            .cast(pl.Datetime("us"))
            .is_between(start, end)
            .fill_null(False)
        ).to_series()
        quality.outside_date_range = removals.remove(
            "rows outside date range",
            ~inside,
            f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}",
            note_de=german_window(start, end),
        )
    without_consent = _ids_without_consent(frame, contract, removals)
    frame = removals.apply(frame, quality)

    frame = _unnamed_columns(frame, quality)
    extra = [c for c in frame.columns if c not in contract.names]
    if extra:
        quality.add("extra columns kept", len(extra), ", ".join(extra), share=False)
    frame = frame.select([c for c in contract.names if c in frame.columns] + extra)
    if count_duplicates:
        _count_duplicates(frame, contract.key, quality)
    if pseudonymize:
        frame = privacy.pseudonymize(frame, pseudonymize, salt)
        quality.add(
            "pseudonymized columns", len(pseudonymize), ", ".join(pseudonymize), share=False
        )
        if without_consent is not None and without_consent.name in pseudonymize:
            ids = without_consent.to_frame()
            without_consent = privacy.pseudonymize(ids, [ids.columns[0]], salt).to_series()
    quality.rows = frame.height
    return LoadResult(frame, quality, without_consent)


def _ids_without_consent(
    frame: pl.DataFrame, contract: Contract, removals: _Removals
) -> pl.Series | None:
    """The distinct person ids of rows removed for lack of consent (None: no consent column)."""
    person = next((c for c in PERSON_IDS if c in frame.columns), None)
    if removals.no_consent is None or person is None:
        return None
    ids = frame.get_column(person).filter(removals.no_consent.fill_null(True))
    return ids.drop_nulls().cast(pl.String).unique(maintain_order=True)


def _unnamed_columns(frame: pl.DataFrame, quality: DataQuality) -> pl.DataFrame:
    """Columns whose header cell is empty: removed when empty, else renamed unnamed_1, ...

    A separator at the end of every line (``a,b,c,``) makes an empty column without a name;
    polars calls repeated empty names ``_duplicated_0``, ``_duplicated_1``.
    """
    unnamed = [c for c in frame.columns if not c.strip() or re.fullmatch(r"_duplicated_\d+", c)]
    if not unnamed:
        return frame
    empty = [c for c in unnamed if frame.get_column(c).null_count() == frame.height]
    if empty:
        quality.add(
            "empty columns without a name removed",
            len(empty),
            "the header has an empty cell, usually a separator at the end of every line",
            share=False,
        )
    kept = [c for c in unnamed if c not in empty]
    names = {c: f"unnamed_{i}" for i, c in enumerate(kept, start=1)}
    if names:
        quality.add(
            "columns without a name kept",
            len(names),
            ", ".join(names.values()) + " (the header cell is empty)",
            share=False,
            note_de=", ".join(names.values()) + " (die Zelle der Kopfzeile ist leer)",
        )
    return frame.drop(empty).rename(names)


def _read(
    source: Source,
    contract: Contract,
    columns: dict[str, str] | None,
    label: str | None = None,
    **options: Any,
) -> RawTable:
    """Read the raw table and reject files without data or with the wrong separator.

    `label` names a frame collected from an engine (its URI without secrets) in messages.
    """

    def contract_name(header_name: str) -> str:
        mapped = dict(columns or {})
        return mapped.get(
            header_name,
            normalize_name(header_name)
            if normalize_name(header_name) in contract.names
            else header_name,
        )

    def text_columns(header: list[str]) -> list[str]:
        return [h for h in header if contract_name(h) in contract.names]

    def date_columns(header: list[str]) -> list[str]:
        dates = {c.name for c in contract.columns if c.dtype in ("datetime", "date")}
        return [h for h in header if contract_name(h) in dates]

    label = label or (
        "<data frame>" if isinstance(source, pl.DataFrame | pl.LazyFrame) else str(source)
    )
    try:
        raw = formats.read_source(
            source, text_columns=text_columns, date_columns=date_columns, **options
        )
        if raw.kind == "frame" and label != "<data frame>":  # rows of an engine's query
            raw.source, raw.first_line, raw.position_word = label, 1, "row"
    except DataValidationError:
        raise
    except Exception as error:
        reading_error = isinstance(error, pl.exceptions.PolarsError | OSError | ValueError)
        if not reading_error and not type(error).__module__.lstrip("_").startswith("fastexcel"):
            raise
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if isinstance(error, pl.exceptions.NoDataError):
            detail = "the file holds no data (only blank lines)"
        detail = short_text(detail, 120)
        raise validation_error(
            f"{label}: could not be read: {detail}.",
            source=label,
            fix="Check that the file is a CSV, Parquet or Excel (.xlsx) export and opens in a "
            "spreadsheet program; for CSV check that every line has the same number of "
            "separators and that quotes are closed.",
        ) from None
    problem = _header_problem(raw.source, raw.frame.columns, contract) or _repeated_column(
        raw, contract, contract_name
    )
    if problem is not None:
        raise problem
    if raw.frame.height == 0:
        raise validation_error(
            f"{raw.source}: there is a header ({', '.join(raw.frame.columns)}) but no data rows.",
            source=raw.source,
            fix="Export again with the data; check the export's filters and date range.",
        )
    return raw


def read_table(
    source: Source, table: str, columns: dict[str, str] | None = None, **options: Any
) -> pl.DataFrame:
    """Read `source` as contract `table` and return the checked frame (see :func:`load_table`).

    Examples
    --------
    >>> events = read_table("datasets/leads/lead_events.csv", "lead_events")
    >>> events.schema["timestamp"], events.columns[:3]
    (Datetime(time_unit='us', time_zone=None), ['lead_id', 'timestamp', 'event'])
    >>> import polars as pl
    >>> units = pl.DataFrame({"unit_id": ["u1"], "variant": ["B"], "converted": [1]})
    >>> read_table(units, "experiment").columns
    ['unit_id', 'variant', 'converted']
    """
    options.setdefault("count_duplicates", False)  # the summary is not returned
    return load_table(source, table, columns, **options).frame


# The reading options of load_table; the rest (mapping, checks) do not change what is read.
READING_OPTIONS = ("separator", "encoding", "sheet", "layout")


def read_raw(source: Source, *, text_columns: bool = False, **options: Any) -> pl.DataFrame:
    """A user's table as it is in the file, before mapping and checks, read as load_table would.

    For what a contract does not hold: the header of an export to guess its mapping from,
    or a column that only tells a fact (an e-mail address is filled in). Anything loaded
    for analysis goes through :func:`load_table`.

    Parameters
    ----------
    source : path, DataFrame or LazyFrame
        A CSV, Parquet or Excel file, or a frame.
    text_columns : bool
        Read every CSV column as text, as written (no number or date parsing).
    **options
        ``load_table``'s options; only the reading ones (separator, encoding, sheet,
        layout) apply, the others are ignored, so one set of options serves both calls.

    Returns
    -------
    DataFrame
        The table with the file's own column names.

    Examples
    --------
    >>> raw = read_raw("datasets/leads/leads.csv", text_columns=True, columns={"a": "b"})
    >>> raw.columns[:2], raw["is_customer"].dtype
    (['lead_id', 'persona'], String)
    """
    reading = {name: options[name] for name in READING_OPTIONS if options.get(name) is not None}
    if "layout" in reading:
        reading["layout"] = Layout.from_value(reading["layout"])
    columns = list if text_columns else None
    return formats.read_source(source, text_columns=columns, **reading).frame


def read_header(source: Source, **options: Any) -> list[str]:
    """The column names of a user's table, as :func:`load_table` would read them.

    Parameters
    ----------
    source : path, DataFrame or LazyFrame
        A CSV, Parquet or Excel file, or a frame (only its schema is read).
    **options
        ``load_table``'s options (see :func:`read_raw`).

    Returns
    -------
    list of str
        The header.

    Examples
    --------
    >>> read_header("datasets/leads/leads.csv")[:3]
    ['lead_id', 'persona', 'source']
    """
    from mkt_engineering.paths import resolve_input

    if isinstance(source, pl.DataFrame | pl.LazyFrame):
        return source.collect_schema().names()
    path = resolve_input(source)
    if path.suffix.lower() in formats.PARQUET_SUFFIXES:  # the schema, not the data
        return list(pl.read_parquet_schema(path))
    return read_raw(path, **options).columns
