"""File and value formats: how a CSV, Parquet or Excel export becomes a raw polars frame.

The loader in :mod:`mkt_engineering.io` calls :func:`read_source` to get the raw frame and
the facts it noticed (encoding, separator, decimal comma, where the data starts), then
coerces the columns with the helpers at the bottom of this module.

German exports are the reason for most of this: ``;`` separators, decimal commas,
``DD.MM.YYYY`` dates and cp1252 files written by older Excel versions.

Examples
--------
>>> sniff_text("Kunde;Umsatz\\n17;89,90\\n").separator
';'
>>> sniff_text("Kunde;Umsatz\\n17;89,90\\n").decimal_comma
True
>>> parse_float(pl.Series(["1.234,50", "89,90", "-3"]), decimal_comma=True).to_list()
[1234.5, 89.9, -3.0]
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polars as pl

from mkt_engineering.errors import DataValidationError
from mkt_engineering.layout import WHITESPACE, Layout
from mkt_engineering.values import (  # re-exported: the loader and tests import them from here
    DATE_FAMILIES,
    FALSE_WORDS,
    GERMAN_FORMATS,
    ISO_FORMATS,
    TRUE_WORDS,
    ParsedNumbers,
    date_family,
    family_of,
    looks_decimal_comma,
    parse_bool,
    parse_datetime,
    parse_float,
    parse_numbers,
    parse_path,
    parse_with_format,
    single_date_format,
)

__all__ = [
    "DATE_FAMILIES",
    "FALSE_WORDS",
    "GERMAN_FORMATS",
    "ISO_FORMATS",
    "TRUE_WORDS",
    "CsvDialect",
    "ParsedDates",
    "ParsedNumbers",
    "RawTable",
    "date_family",
    "family_of",
    "looks_decimal_comma",
    "parse_bool",
    "parse_datetime",
    "parse_float",
    "parse_numbers",
    "parse_path",
    "parse_with_format",
    "read_source",
    "single_date_format",
    "sniff_text",
    "validation_error",
]

SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {
    ",": "comma (,)",
    ";": "semicolon (;)",
    "\t": "tab",
    "|": "pipe (|)",
    "whitespace": "runs of spaces",
}
SAMPLE_BYTES = 256 * 1024
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
# Files that are surely no table the kit reads (a CSV may have any other ending: .txt, .dat).
OTHER_SUFFIXES = (
    ".json",
    ".jsonl",
    ".ndjson",
    ".xml",
    ".html",
    ".htm",
    ".pdf",
    ".doc",
    ".docx",
    ".pptx",
    ".zip",
    ".gz",
    ".7z",
    ".png",
    ".jpg",
    ".jpeg",
)
ENCODINGS = {  # what encoding= accepts, by its name without dashes and underscores
    "utf8": "utf8",
    "utf8sig": "utf8",
    "cp1252": "cp1252",
    "windows1252": "cp1252",
    "latin1": "cp1252",
    "iso88591": "cp1252",
    "utf16": "utf-16",
    "utf16le": "utf-16-le",
    "utf16be": "utf-16-be",
}

# A decimal-comma number: 89,90 or 1.234,50 (German thousands dots allowed).
_DECIMAL_COMMA = re.compile(r"^\s*-?(\d{1,3}(\.\d{3})+|\d+),\d+\s*$")


def validation_error(
    message: str,
    *,
    fix: str,
    source: str | None = None,
    column: str | None = None,
    rows: list[int] | None = None,
) -> DataValidationError:
    """A DataValidationError whose message ends with the fix, so every reader sees it."""
    return DataValidationError(
        f"{message}\nFix: {fix}", source=source, column=column, rows=rows, fix=fix
    )


@dataclass
class CsvDialect:
    """What sniffing found out about a text file."""

    encoding: str
    separator: str
    header: list[str]
    decimal_comma: bool
    bom: bool = False
    skip_lines: int = 0  # an Excel "sep=;" line, or title lines, before the header
    sample: str = field(default="", repr=False)  # the sniffed text, for guessing date formats
    has_header: bool = True  # False: every line is data, `header` holds the given names
    title: str = ""  # the title line(s) skipped above the header, for the quality summary
    fields: int = 0  # fields in the first line after the skipped lines


class ParsedDates(NamedTuple):
    """A date column parsed while the file was read, in the one format of its first lines."""

    values: pl.Series  # null where the text is empty *or* written in another format
    family: str  # the format family, a key of DATE_FAMILIES


@dataclass
class RawTable:
    """A source read into a frame before any coercion, with the facts about its format."""

    frame: pl.DataFrame
    source: str
    kind: str  # csv, parquet, excel, frame
    encoding: str | None = None
    separator: str | None = None
    decimal_comma: bool = False
    first_line: int = 0  # position number of the first data row in messages
    position_word: str = "row"  # "line" for text files, "row" otherwise
    # By source column name: date columns parsed while reading a CSV (the loader uses them
    # when no row failed), and text columns that Parquet statistics show hold no "".
    parsed_dates: dict[str, ParsedDates] = field(default_factory=dict)
    text_without_empty: frozenset[str] = frozenset()
    title: str = ""  # title line(s) skipped above the header
    layout: Layout = field(default_factory=Layout)  # what the caller said about the file

    def positions(self, mask: pl.Series) -> list[int]:
        """Position numbers (line in the file, or row) of the rows where `mask` is true."""
        return (mask.arg_true() + self.first_line).head(5).to_list()


def _strip_quoted(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def sniff_text(
    sample: str, encoding: str = "utf8", bom: bool = False, layout: Layout | None = None
) -> CsvDialect:
    """Guess separator, header, lines above the header and decimal comma from a file's start.

    A title line above the header ("Bestellungen Export 01.03.2026", or such a line followed
    by empty cells, as spreadsheets write it) is skipped; `layout` overrides what is
    guessed (separator, lines to skip, no header).

    Examples
    --------
    >>> dialect = sniff_text("Bestellungen Export 01.03.2026\\nKunde;Umsatz\\n17;89,90\\n")
    >>> dialect.skip_lines, dialect.header, dialect.title
    (1, ['Kunde', 'Umsatz'], 'Bestellungen Export 01.03.2026')
    """
    layout = layout or Layout()
    numbered = [(i, line) for i, line in enumerate(sample.splitlines()) if line.strip()][:55]
    lines = [line for _, line in numbered]
    skip, title, separator = 0, "", layout.separator
    if layout.skip_lines is not None:
        skip = layout.skip_lines
        lines = [line for i, line in numbered if i >= skip]
    elif lines and re.fullmatch(r"sep=.", lines[0].strip(), flags=re.IGNORECASE):
        separator, skip, lines = separator or lines[0].strip()[4], 1, lines[1:]
    elif separator != WHITESPACE:
        titles = _title_lines(lines, separator)
        if titles:
            skip, title = numbered[titles][0], " / ".join(s.strip() for s in lines[:titles])
            lines = lines[titles:]
    lines = lines[:50]
    separator = separator or _guess_separator(lines)
    if separator == WHITESPACE:
        first = lines[0].split() if lines else []
    else:
        first = next(csv.reader([lines[0]], delimiter=separator)) if lines else []
    header = [h.strip() for h in first]
    if not layout.header:
        header = list(layout.names) or [f"column_{i + 1}" for i in range(len(first))]
        lines = [""] + lines  # the first line is data: sniff decimals in it too
    decimal_comma = bool(layout.decimal_comma) and separator != ","  # polars: not with ","
    if layout.decimal_comma is None and separator not in (",", WHITESPACE):
        fields = (f for row in csv.reader(lines[1:], delimiter=separator) for f in row)
        decimal_comma = any(_DECIMAL_COMMA.match(f) for f in fields)
    dialect = CsvDialect(encoding, separator, header, decimal_comma, bom, skip, sample)
    dialect.has_header, dialect.title, dialect.fields = layout.header, title, len(first)
    return dialect


def _title_lines(lines: list[str], separator: str | None) -> int:
    """How many of the first lines are a title above the table (0 when none).

    A title line holds at most one non-empty cell, and the lines below it form a table:
    the separator appears in the next line and as often in (nearly) every line after it.
    A header with more fields than the data (a ragged file) is no title: it has cells.
    """
    if _consistent(lines, separator or _guess_separator(lines)):
        return 0  # the first line already fits the table
    for count in range(1, min(5, len(lines) - 1) + 1):
        rest = lines[count:]
        guess = separator or _guess_separator(rest)
        counts = [_strip_quoted(line).count(guess) for line in rest[:20]]
        if counts[0] == 0 or sum(c == counts[0] for c in counts) < 0.9 * len(counts):
            continue
        above = csv.reader(lines[:count], delimiter=guess)
        if all(sum(1 for cell in row if cell.strip()) <= 1 for row in above):
            return count
        return 0
    return 0


def _consistent(lines: list[str], separator: str) -> bool:
    """The separator is in the first line and as often in nine of ten of the next lines."""
    counts = [_strip_quoted(line).count(separator) for line in lines[:20]]
    data = counts[1:] or counts
    return bool(counts) and counts[0] > 0 and sum(c == counts[0] for c in data) >= 0.9 * len(data)


def _guess_separator(lines: list[str]) -> str:
    # The separator must appear in the header and, ideally, equally often in each data line.
    best, best_score = ",", (-1.0, 0)
    for candidate in SEPARATORS:
        counts = [_strip_quoted(line).count(candidate) for line in lines]
        if not counts or counts[0] == 0:
            continue
        data = counts[1:] or counts
        score = (sum(c == counts[0] for c in data) / len(data), counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


# First bytes of files that are often renamed to .csv by mistake, and what to say about them.
_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one: give it the .xlsx ending)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook (save it as .xlsx or CSV)"),
    (b"PAR1", "a Parquet file (give it the .parquet ending)"),
    (b"\x1f\x8b", "a gzip archive (unpack it first)"),
    (b"SQLite format", "an SQLite database"),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf8"),
    (b"\xff\xfe", "utf-16-le"),  # before any check for NUL bytes: UTF-16 is full of them
    (b"\xfe\xff", "utf-16-be"),
)


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


def detect_encoding(head: bytes) -> tuple[str, int]:
    """The encoding a byte-order mark (or UTF-16's zero bytes) announces, and the BOM length.

    UTF-16 without a BOM is recognised by its zero bytes: ASCII text in UTF-16-LE has a
    zero in every odd position, in UTF-16-BE in every even one. Anything else is "utf8"
    here; cp1252 is decided when the text does not decode.

    Examples
    --------
    >>> detect_encoding("a,b".encode("utf-16"))
    ('utf-16-le', 2)
    >>> detect_encoding("a,b\\n1,2".encode("utf-16-be"))
    ('utf-16-be', 0)
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    window = head[:4096]
    if len(window) >= 4 and b"\x00" in window:
        even, odd = window[0::2], window[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le", 0
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be", 0
    return "utf8", 0


def _not_text(path: Path, head: bytes, text: str) -> DataValidationError | None:
    """A short error for a binary file (image, archive, random bytes) read as a CSV."""
    kind = next((what for magic, what in _SIGNATURES if head.startswith(magic)), None)
    if kind is None and text:
        # NUL bytes, control characters and undecodable bytes do not occur in exports; a
        # few stray ones (an old DOS end-of-file mark) do not make a file binary
        odd = len(_CONTROL.findall(text))
        if (odd >= 8 and odd > 0.01 * len(text)) or "\x00" in text:
            kind = "binary data, not text"
    if kind is None:
        return None
    return validation_error(
        f"{path}: this is not a CSV text file; it looks like {kind}.",
        source=str(path),
        fix="Export the table as CSV (UTF-8), Excel (.xlsx) or Parquet and pass that file.",
    )


def sniff_file(path: Path, layout: Layout | None = None) -> CsvDialect:
    """Read the start of a text file and sniff encoding, separator and header."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    encoding, bom_length = detect_encoding(head)
    body = head[bom_length:]
    if encoding.startswith("utf-16"):
        cut = len(body) - len(body) % 2  # a sample may end inside a character
        text = body[:cut].decode(encoding, errors="replace")
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            if len(head) == SAMPLE_BYTES and error.start >= len(body) - 3:  # cut in a character
                text = body[: error.start].decode("utf-8")
            else:
                text, encoding = body.decode("cp1252", errors="replace"), "cp1252"
    problem = _not_text(path, head, text)
    if problem is not None:
        raise problem
    if len(head) == SAMPLE_BYTES:  # the last line is probably cut
        text = text[: text.rfind("\n") + 1] or text
    return sniff_text(text, encoding, bom_length > 0, layout)


def _transcode(path: Path, encoding: str = "cp1252") -> bytes:
    raw = Path(path).read_bytes()
    if encoding.startswith("utf-16"):
        _, length = detect_encoding(raw)
        return raw[length:].decode(encoding).encode("utf-8")
    try:
        return raw.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: latin-1 maps every byte
        return raw.decode("latin-1").encode("utf-8")


def read_csv(
    path: Path,
    dialect: CsvDialect,
    text_columns: list[str],
    date_formats: dict[str, str] | None = None,
) -> tuple[pl.DataFrame, dict[str, ParsedDates]]:
    """Read a CSV with the sniffed dialect; `text_columns` are read as strings, untouched.

    Each column of `date_formats` (name -> strptime format) is also parsed in that format
    in the same pass, so polars parses while it reads, on every core. The text stays in the
    frame: rows in another format come back null and the loader parses (or quotes) them.
    """
    parsed_name = {
        name: f"{name} (parsed while reading)"
        for name in date_formats or {}
        if name in text_columns
    }
    parsed_name = {
        name: hidden for name, hidden in parsed_name.items() if hidden not in dialect.header
    }
    options = dict(
        separator=dialect.separator,
        skip_lines=dialect.skip_lines,
        has_header=dialect.has_header,
        new_columns=None if dialect.has_header else dialect.header,
        schema_overrides={name: pl.String for name in text_columns},
        decimal_comma=dialect.decimal_comma,
        infer_schema_length=10_000,
        truncate_ragged_lines=False,
    )

    def read(source: Path | io.BytesIO) -> pl.DataFrame:
        parse = [
            pl.col(name)
            .str.to_datetime(date_formats[name], strict=False, time_unit="us", cache=False)
            .alias(hidden)
            for name, hidden in parsed_name.items()
        ]
        return pl.scan_csv(source, **options).with_columns(parse).collect()

    if dialect.encoding == "utf8":
        try:
            frame = read(path)
        except pl.exceptions.ComputeError as error:
            if "utf-8" not in str(error).lower():
                raise
            dialect.encoding = "cp1252"  # the sample was clean UTF-8, a later line is not
    if dialect.encoding != "utf8":
        frame = read(io.BytesIO(_transcode(path, dialect.encoding)))
    parsed = {
        name: ParsedDates(frame.get_column(hidden).alias(name), date_family(date_formats[name]))
        for name, hidden in parsed_name.items()
    }
    return frame.drop(list(parsed_name.values())), parsed


def sample_date_formats(dialect: CsvDialect, columns: list[str]) -> dict[str, str]:
    """Column -> the one date format in which every value of the sniffed lines parses.

    Columns whose first lines mix formats, hold no dates or are missing get no entry (the
    loader then parses their text after reading, with all its checks).
    """
    if not columns or not dialect.sample:
        return {}
    try:
        sample = pl.read_csv(
            io.BytesIO(dialect.sample.encode("utf-8")),
            separator=dialect.separator,
            skip_lines=dialect.skip_lines,
            has_header=dialect.has_header,
            new_columns=None if dialect.has_header else dialect.header,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:
        return {}  # the full read reports what is wrong with the file
    found = {
        name: single_date_format(sample.get_column(name))
        for name in columns
        if name in sample.columns
    }
    return {name: fmt for name, fmt in found.items() if fmt is not None}


def read_excel(path: Path, sheet: str | int | None) -> pl.DataFrame:
    """Read one sheet (default: the first) with calamine; empty rows are kept so rows match."""
    where = {"sheet_name": sheet} if isinstance(sheet, str) else {"sheet_id": (sheet or 0) + 1}
    try:
        return pl.read_excel(
            path, engine="calamine", drop_empty_rows=False, infer_schema_length=None, **where
        )
    except Exception as error:
        names = _sheet_names(path) if sheet is not None else None
        if isinstance(error, PermissionError):
            raise
        if names is None or "sheet" not in str(error).lower():
            raise _damaged(path, "Excel workbook", error) from None
        raise validation_error(
            f"{path}: there is no sheet {sheet!r}; the workbook has "
            f"{', '.join(repr(n) for n in names)}.",
            source=str(path),
            fix="Pass one of these sheet names with sheet=... (CLI: --sheet NAME), or a sheet "
            "number counted from 0.",
        ) from None


def _damaged(path: Path, kind: str, error: Exception) -> DataValidationError:
    """A binary file its reader refuses: damaged, cut off, or another file renamed."""
    said = str(error).strip().splitlines()[0][:60] if str(error).strip() else type(error).__name__
    return validation_error(
        f"{path}: could not be read: not a valid {kind}; damaged, cut off or another file "
        f"renamed ({said}).",
        source=str(path),
        fix="Check that it opens in a spreadsheet program or the tool that wrote it, then "
        "export or copy it again.",
    )


def _sheet_names(path: Path) -> list[str] | None:
    try:
        import fastexcel

        return list(fastexcel.read_excel(path).sheet_names)
    except Exception:  # noqa: BLE001 - only used to explain another error
        return None


def read_source(
    source: str | Path | pl.DataFrame | pl.LazyFrame,
    *,
    text_columns: Callable[[list[str]], list[str]] | None = None,
    date_columns: Callable[[list[str]], list[str]] | None = None,
    separator: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    layout: Layout | None = None,
) -> RawTable:
    """Read any supported source into a raw frame.

    Parameters
    ----------
    source : path or DataFrame or LazyFrame
        A CSV/TSV/TXT, Parquet or Excel file, or a frame already in memory.
    text_columns : callable, optional
        Given the header names, returns those to read as plain strings (CSV), so the
        loader sees the raw text of contract columns and can quote it in messages. For
        Parquet, the text columns among them are checked for empty cells.
    date_columns : callable, optional
        Given the header names, returns those holding dates (CSV only); they are also
        parsed while reading when the sniffed lines show one format (see :func:`read_csv`).
    separator, encoding : str, optional
        Override what sniffing would find (``encoding`` is ``"utf8"``, ``"cp1252"`` or
        ``"utf-16"``; UTF-16 with a byte-order mark, or plain text in UTF-16, is detected).
    sheet : str or int, optional
        Excel sheet name or 0-based number.
    layout : Layout, optional
        What the file's text cannot tell (no header, whitespace separator, lines to skip);
        `separator` and `encoding` given separately win over the layout's.
    """
    from mkt_engineering.paths import resolve_input

    layout = (layout or Layout()).with_overrides(separator=separator, encoding=encoding)
    if isinstance(source, pl.LazyFrame):
        source = source.collect()
    if isinstance(source, pl.DataFrame):
        _text_options_only("<data frame>", layout)
        frame = RawTable(source, "<data frame>", "frame", first_line=0, position_word="row index")
        frame.layout = layout
        return frame
    path = resolve_input(source)
    label = str(path)
    try:
        raw = _read_file(path, label, text_columns, date_columns, layout, sheet)
        raw.layout = layout
        return raw
    except (PermissionError, IsADirectoryError):
        what = "is a folder, not a file" if path.is_dir() else "cannot be opened (no permission)"
        raise validation_error(
            f"{label}: {what}.",
            source=label,
            fix=(
                "Pass one exported file inside the folder, e.g. its .csv file."
                if path.is_dir()
                else "Give your user read permission (e.g. chmod u+r on the file), or copy the "
                "file to a folder of your own; a file open in Excel on Windows is locked too."
            ),
        ) from None


def _text_options_only(label: str, layout: Layout) -> None:
    """Header, names, separator and skipped lines describe text files; refuse them elsewhere."""
    given = [
        name
        for name, value in (
            ("header", not layout.header),
            ("names", layout.names),
            ("separator", layout.separator),
            ("skip_lines", layout.skip_lines is not None),
        )
        if value
    ]
    if given:
        raise validation_error(
            f"{label}: the layout options {', '.join(given)} describe text (CSV) files; this "
            "input is a table already (Excel, Parquet or a data frame).",
            source=label,
            fix="Leave these options out for this input (date_format, thousands and decimal "
            "still apply), or export the table as CSV.",
        )


def _read_file(
    path: Path,
    label: str,
    text_columns: Callable[[list[str]], list[str]] | None,
    date_columns: Callable[[list[str]], list[str]] | None,
    layout: Layout,
    sheet: str | int | None,
) -> RawTable:
    if path.is_dir():
        raise IsADirectoryError(label)
    if not path.exists():
        raise validation_error(
            f"{label}: file not found.",
            source=label,
            fix="Check the path; relative paths are tried from the working folder "
            "and the project folder.",
        )
    if path.stat().st_size == 0:
        raise validation_error(
            f"{label}: the file is empty (0 bytes), so there is no header and no data.",
            source=label,
            fix="Export the data again; make sure the export finished and included a header row.",
        )
    suffix = path.suffix.lower()
    if suffix in OTHER_SUFFIXES:
        raise validation_error(
            f"{path}: {suffix} files are not supported; the kit reads tables from CSV, Parquet "
            "or Excel (.xlsx) files.",
            source=label,
            fix="Export the table as CSV (UTF-8) or Excel (.xlsx) and pass that file.",
        )
    if suffix in PARQUET_SUFFIXES + EXCEL_SUFFIXES:
        _text_options_only(label, layout)
    if suffix in PARQUET_SUFFIXES:
        try:
            frame = pl.read_parquet(path)
        except PermissionError:
            raise
        except (pl.exceptions.PolarsError, OSError) as error:
            raise _damaged(path, "Parquet file", error) from None
        text = [
            c
            for c in (text_columns(frame.columns) if text_columns else [])
            if frame.schema[c] == pl.String
        ]
        return RawTable(
            frame,
            label,
            "parquet",
            first_line=1,
            position_word="row",
            text_without_empty=parquet_text_without_empty(path, text),
        )
    if suffix in EXCEL_SUFFIXES:
        return RawTable(read_excel(path, sheet), label, "excel", first_line=2, position_word="row")
    dialect = sniff_file(path, layout)
    encoding = layout.encoding
    if encoding is not None:
        named = ENCODINGS.get(encoding.lower().replace("-", "").replace("_", ""))
        if named is None:
            raise validation_error(
                f"{label}: encoding {encoding!r} is not one the kit reads.",
                source=label,
                fix="Pass encoding='utf-8', 'cp1252' or 'utf-16' (CLI: --encoding utf-8), or leave "
                "it out: the loader detects these itself.",
            )
        if named == "utf-16":  # the byte-order mark, or else little-endian, tells which
            named = dialect.encoding if dialect.encoding.startswith("utf-16") else "utf-16-le"
        dialect.encoding = named
    if layout.separator == WHITESPACE:
        return _read_whitespace(path, label, dialect, layout, text_columns)
    _check_names(path, dialect, layout)
    text = list(text_columns(dialect.header)) if text_columns else []
    dated = [c for c in (date_columns(dialect.header) if date_columns else []) if c in text]
    dates = (
        dict.fromkeys(dated, layout.date_format)
        if layout.date_format
        else sample_date_formats(dialect, dated)
    )
    try:
        frame, parsed = read_csv(path, dialect, text, dates)
    except pl.exceptions.ComputeError:
        problem = csv_problem(path, dialect)
        if problem is None:
            raise
        raise problem from None
    return RawTable(
        frame,
        label,
        "csv",
        dialect.encoding,
        dialect.separator,
        dialect.decimal_comma,
        first_line=1 + dialect.has_header + dialect.skip_lines,
        position_word="line",
        parsed_dates=parsed,
        title=dialect.title,
    )


def _check_names(path: Path, dialect: CsvDialect, layout: Layout) -> None:
    """A file without header must have as many fields per line as the layout has names."""
    if layout.header or not layout.names or dialect.fields == len(layout.names):
        return
    raise validation_error(
        f"{path}: the layout names {len(layout.names)} columns ({', '.join(layout.names)}), "
        f"but the first line has {dialect.fields} fields "
        f"(separator {SEPARATOR_NAMES.get(dialect.separator, repr(dialect.separator))}).",
        source=str(path),
        rows=[dialect.skip_lines + 1],
        fix="Give one name per column, in file order (names for columns you do not need "
        "too), or check the separator.",
    )


def _read_whitespace(
    path: Path,
    label: str,
    dialect: CsvDialect,
    layout: Layout,
    text_columns: Callable[[list[str]], list[str]] | None,
) -> RawTable:
    """Read a file whose columns are separated by runs of spaces or tabs (no quoting).

    polars reads the lines, and splits them on runs of blanks in one vectorised pass;
    leading and trailing blanks (and a Windows line end) are ignored. Blank lines stay
    as empty rows, so row numbers keep matching line numbers; the loader counts them.
    """
    source = path if dialect.encoding == "utf8" else io.BytesIO(_transcode(path, dialect.encoding))
    read = pl.read_csv(
        source,
        has_header=False,
        separator="\x1f",  # a character no export holds: every line is one cell
        quote_char=None,
        new_columns=["line"],
        schema_overrides={"line": pl.String},
        skip_lines=dialect.skip_lines,
    )
    text = read.get_column("line").str.strip_chars()
    cells = text.str.replace_all(r"[ \t]+", "\x1f").str.split("\x1f")
    first = int(cells.is_not_null().arg_true().first() or 0)  # blank lines before the table
    if layout.header:
        header, cells, text = cells[first].to_list(), cells[first + 1 :], text[first + 1 :]
        first_line = dialect.skip_lines + first + 2
    else:
        width = 0 if cells.null_count() == cells.len() else len(cells[first])
        header = list(layout.names) or [f"column_{i + 1}" for i in range(width)]
        first_line = dialect.skip_lines + 1
    _check_fields(label, cells, text, header, first_line, layout)
    strings = set(text_columns(header)) if text_columns else set()
    frame = pl.DataFrame({"cells": cells}).select(
        pl.col("cells").list.get(i, null_on_oob=True).alias(name) for i, name in enumerate(header)
    )
    frame = frame.with_columns(_as_numbers(frame, [c for c in header if c not in strings]))
    return RawTable(
        frame,
        label,
        "csv",
        dialect.encoding,
        WHITESPACE,
        bool(layout.decimal_comma),
        first_line=first_line,
        position_word="line",
    )


def _check_fields(
    label: str,
    cells: pl.Series,
    text: pl.Series,
    header: list[str],
    first_line: int,
    layout: Layout,
) -> None:
    """Refuse lines with another number of fields than the header (or the layout's names)."""
    counts = cells.list.len()
    bad = counts.is_not_null() & (counts != len(header))
    if not bad.any():
        return
    rows = (bad.arg_true() + first_line).head(5).to_list()
    shown = "\n".join(
        f"  line {row}: {line[:80]!r} ({count} fields)"
        for row, line, count in zip(
            rows,
            text.filter(bad).head(5).to_list(),
            counts.filter(bad).head(5).to_list(),
            strict=True,
        )
    )
    what = "the layout names" if layout.names else "the header has"
    raise validation_error(
        f"{label}: {int(bad.sum()):,} line(s) split into another number of fields than "
        f"{what} ({len(header)}: {', '.join(header)}), separating on runs of spaces.\n{shown}",
        source=label,
        rows=rows,
        fix="Give one name per column in file order (names=[...], CLI: --names a,b,c); a text "
        "cell holding spaces cannot be read with a whitespace separator: export the file "
        "with ';' or tabs instead.",
    )


def _as_numbers(frame: pl.DataFrame, columns: list[str]) -> list[pl.Series]:
    """Columns that hold only whole numbers (or only numbers) as Int64 (Float64); others as text."""
    converted = []
    for name in columns:
        values = frame.get_column(name)
        for dtype in (pl.Int64, pl.Float64):
            numbers = values.cast(dtype, strict=False)
            if numbers.null_count() == values.null_count():
                converted.append(numbers)
                break
    return converted


def csv_problem(path: Path, dialect: CsvDialect) -> DataValidationError | None:
    """After a failed read: the first line with a wrong number of fields or an open quote.

    Only runs when polars has already refused the file, so a plain Python pass over the
    text is affordable; polars' own message names no line.
    """
    codec = {"utf8": "utf-8-sig"}.get(dialect.encoding, dialect.encoding)
    raw = path.read_bytes()
    text = raw[detect_encoding(raw)[1] :].decode(codec.removesuffix("-sig"), errors="replace")
    lines = text.splitlines(keepends=True)[dialect.skip_lines :]
    reader = csv.reader(lines, delimiter=dialect.separator)
    records, first = [], 1 + dialect.skip_lines
    try:
        for row in reader:
            last = reader.line_num + dialect.skip_lines
            if any(cell.strip() for cell in row):
                records.append((first, last, row))
            first = last + 1
    except csv.Error:
        return _open_quote(path, first, lines, first - dialect.skip_lines)
    if not records:
        return None
    expected, end_of_file = len(records[0][2]), len(lines) + dialect.skip_lines
    for first, last, row in records[1:]:
        if last > first and last == end_of_file and any("\n" in cell for cell in row):
            return _open_quote(
                path, first, lines, first - dialect.skip_lines
            )  # the quoted cell swallowed the rest
        if len(row) != expected:
            hint = (
                " A decimal comma in a comma-separated file splits numbers in two: quote "
                "such numbers or export with ';'."
                if dialect.separator == "," and len(row) > expected
                else ""
            )
            return validation_error(
                f"{path}: line {first} has {len(row)} fields, the header has {expected} "
                f"(separator {SEPARATOR_NAMES.get(dialect.separator)}).{hint}\n"
                + _quote_line(lines, first - dialect.skip_lines, first),
                source=str(path),
                rows=[first],
                fix="Make every line have as many separators as the header (or quote cells "
                "that contain the separator), then export again.",
            )
    return None


def _quote_line(lines: list[str], index: int, line: int) -> str:
    """``  line 7: 'c001,2026-...'``: the start of a line of the file, as messages quote it."""
    text = lines[index - 1].rstrip("\r\n") if 0 < index <= len(lines) else ""
    return f"  line {line}: {text[:80] + '…' if len(text) > 80 else text!r}"


def _open_quote(path: Path, line: int, lines: list[str], index: int) -> DataValidationError:
    return validation_error(
        f"{path}: the quote opened on line {line} is never closed, so the lines after it run "
        "together into one cell.\n" + _quote_line(lines, index, line),
        source=str(path),
        rows=[line],
        fix=f'Close the quote on line {line} (a cell that starts with " must end with "), or '
        "remove the stray quote character, then export again.",
    )


def parquet_text_without_empty(path: Path, columns: list[str]) -> frozenset[str]:
    """The text `columns` of a Parquet file in which no cell is "" (empty text).

    A filter for empty cells, which polars answers from the row groups' statistics: an
    empty string sorts first, so a row group whose minimum is not empty is skipped unread.
    For files with statistics (polars, pyarrow, pandas, DuckDB and Spark write them) that
    takes a millisecond instead of a pass over every cell; without them polars reads the
    columns. When some cell is empty, no column is vouched for (the loader checks each).
    """
    if not columns:
        return frozenset()
    try:
        empty = (
            pl.scan_parquet(path)
            .filter(pl.any_horizontal([pl.col(c) == "" for c in columns]))
            .limit(1)
            .select(pl.len())
            .collect()
            .item()
        )
    except pl.exceptions.PolarsError:
        return frozenset()  # an optimisation only: the loader then checks every cell
    return frozenset(columns) if empty == 0 else frozenset()
