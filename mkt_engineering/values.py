"""Value formats: dates, numbers, yes/no words and channel paths written as text.

The loader (:mod:`mkt_engineering.io`) parses the text of contract columns with these; the
file reader (:mod:`mkt_engineering.formats`) uses the date formats to parse while reading.
:mod:`mkt_engineering.formats` re-exports every public name here.

Examples
--------
>>> parse_float(pl.Series(["1.234,50", "89,90", "-3"]), decimal_comma=True).to_list()
[1234.5, 89.9, -3.0]
>>> parse_datetime(pl.Series(["20240105", "20240106"]))[1]
'YYYYMMDD'
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NamedTuple

import polars as pl

from mkt_engineering.errors import DataValidationError

# "...Z" (UTC) stamps are read as they are, without a time zone, like all the others.
ISO_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%d %H:%M:%S%.fZ",
)
GERMAN_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
COMPACT_FAMILY = "YYYYMMDD"
WEEK_FAMILY = "YYYY-Www (ISO week, its Monday)"
DATE_FAMILIES = {
    "YYYY-MM-DD [HH:MM[:SS]]": ISO_FORMATS,
    "DD.MM.YYYY [HH:MM[:SS]]": GERMAN_FORMATS,
    COMPACT_FAMILY: ("%Y%m%d",),
    WEEK_FAMILY: ("%G-W%V-%u",),
}
# How the first value shows its family; the ISO family is the default.
_FAMILY_LOOKS = (
    (r"^\s*\d{1,2}\.\d{1,2}\.\d{4}", "DD.MM.YYYY [HH:MM[:SS]]"),
    (r"^\s*\d{8}\s*$", COMPACT_FAMILY),
    (r"^\s*\d{4}-?W\d{2}(-?\d)?\s*$", WEEK_FAMILY),
)
TRUE_WORDS = ("true", "t", "1", "1.0", "yes", "y", "ja", "j", "wahr", "x")
FALSE_WORDS = ("false", "f", "0", "0.0", "no", "n", "nein", "falsch")


def date_family(fmt: str) -> str:
    """The family (a key of DATE_FAMILIES) of the strptime format `fmt`; else `fmt` itself."""
    return next((family for family, members in DATE_FAMILIES.items() if fmt in members), fmt)


def single_date_format(text: pl.Series) -> str | None:
    """The first format of either family in which every value of `text` parses, or None.

    Examples
    --------
    >>> single_date_format(pl.Series(["2026-03-01 10:15:00", None, "2026-03-02 08:00:00"]))
    '%Y-%m-%d %H:%M:%S'
    >>> single_date_format(pl.Series(["01.03.2026", "02.03.2026 10:00"])) is None
    True
    """
    values = text.drop_nulls()
    if values.len() == 0 or values.dtype != pl.String:
        return None
    # Only the two families strptime reads exactly; YYYYMMDD (strptime also takes 7 digits)
    # and ISO weeks are parsed after reading, by parse_datetime.
    for fmt in ISO_FORMATS + GERMAN_FORMATS:
        if values.str.to_datetime(fmt, strict=False, time_unit="us", cache=False).null_count() == 0:
            return fmt
    return None


def _try_family(text: pl.Series, family: str) -> pl.Series:
    """Parse `text` in the formats of one family; null where none fits."""
    if family == COMPACT_FAMILY:  # exactly eight digits
        text = pl.select(pl.when(text.str.contains(r"^\d{8}$")).then(text)).to_series()
    elif family == WEEK_FAMILY:  # 2024-W05, 2024W05 and 2024-W05-3: the week's Monday
        text = text.str.replace(r"^(\d{4})-?W(\d{2})$", "${1}-W${2}-1").str.replace(
            r"^(\d{4})-?W(\d{2})-?(\d)$", "${1}-W${2}-${3}"
        )
    return _try_formats(text, DATE_FAMILIES[family])


def parse_with_format(text: pl.Series, fmt: str) -> pl.Series:
    """Dates in one given strptime format (a layout's ``date_format``); null where it does not fit.

    Examples
    --------
    >>> parse_with_format(pl.Series(["03/01/2026 02:30 PM", "x"]), "%m/%d/%Y %I:%M %p").to_list()
    [datetime.datetime(2026, 3, 1, 14, 30), None]
    """
    return text.str.strip_chars().str.to_datetime(fmt, strict=False, time_unit="us", cache=False)


def _try_formats(text: pl.Series, formats: tuple[str, ...]) -> pl.Series:
    parsed = None
    for fmt in formats:
        attempt = text.str.to_datetime(fmt, strict=False, time_unit="us", cache=False)
        parsed = attempt if parsed is None else parsed.fill_null(attempt)
        if parsed.null_count() == text.null_count():
            break
    return parsed


def _arrow_iso(text: pl.Series) -> pl.Series | None:
    """Arrow's ISO-8601 parser: about five times faster than strptime, but all-or-nothing."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pyarrow is optional; polars parsing below does the same, slower
        return None
    try:
        parsed = pc.cast(text.to_arrow().cast(pa.large_string()), pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None  # some value is not plain ISO: take the careful path that finds it
    return pl.Series(text.name, parsed).cast(pl.Datetime("us"))


def parse_datetime(text: pl.Series) -> tuple[pl.Series, str, pl.Series | None]:
    """Parse date strings in the format family of the first value.

    Returns the parsed series, the family name, and a mask of rows that parse only in the
    *other* family (mixed formats), or None when there are none. The first format usually
    parses every row, so a 10-million-row column costs one pass.

    Examples
    --------
    >>> parsed, family, mixed = parse_datetime(pl.Series(["01.02.2026 10:30", "03.02.2026"]))
    >>> parsed.to_list()[0], family, mixed is None
    (datetime.datetime(2026, 2, 1, 10, 30), 'DD.MM.YYYY [HH:MM[:SS]]', True)
    """
    fast = _arrow_iso(text)
    if fast is not None:
        return fast, list(DATE_FAMILIES)[0], None
    first = text.drop_nulls().head(1).to_list()
    family = next(
        (name for look, name in _FAMILY_LOOKS if first and re.match(look, first[0])),
        list(DATE_FAMILIES)[0],
    )
    parsed = _try_family(text, family)
    if parsed.null_count() > text.null_count():
        stripped = text.str.strip_chars()
        parsed = parsed.fill_null(_try_family(stripped, family))
        if parsed.null_count() > text.null_count():
            in_other = pl.Series(text.name, [False] * text.len())
            for other in (name for name in DATE_FAMILIES if name != family):
                in_other = in_other | _try_family(stripped, other).is_not_null()
            mixed = parsed.is_null() & in_other
            return parsed, family, (mixed if mixed.any() else None)
    return parsed, family, None


def family_of(value: str) -> str:
    """The date format family a date written as `value` belongs to, judged by its look.

    Examples
    --------
    >>> family_of("24.12.2026 10:00"), family_of("20261224")
    ('DD.MM.YYYY [HH:MM[:SS]]', 'YYYYMMDD')
    """
    return next(
        (name for look, name in _FAMILY_LOOKS if re.match(look, value)), list(DATE_FAMILIES)[0]
    )


class ParsedNumbers(NamedTuple):
    """Numbers parsed from text, and what the text showed about its format."""

    values: pl.Series
    decimal_comma: bool  # the values were read with a decimal comma
    currency: str | None  # a currency sign or code written in the cells (€, $, EUR ...)


_CURRENCY = r"([€$£¥]|\b(?:EUR|USD|GBP|CHF|JPY)\b)"


def parse_float(
    text: pl.Series, decimal_comma: bool | None = None, thousands: str | None = None
) -> pl.Series:
    """Parse numbers written as text: decimal comma or point, thousands separators, € signs.

    ``decimal_comma=None`` decides from the values that do not parse as plain numbers: a
    comma followed by other than three digits (``89,90``) means decimal comma.
    `thousands` names the thousands separator when it is not ``.`` or ``,`` (``1 234,50``,
    ``1'234.50``) or to have it removed everywhere.

    Examples
    --------
    >>> parse_float(pl.Series(["89,90", "1.234,5", "7"])).to_list()
    [89.9, 1234.5, 7.0]
    >>> parse_float(pl.Series(["1,234.50", "12"])).to_list()
    [1234.5, 12.0]
    >>> parse_float(pl.Series(["1'234.50", "12"]), thousands="'").to_list()
    [1234.5, 12.0]
    """
    return parse_numbers(text, decimal_comma, thousands).values


def parse_numbers(
    text: pl.Series, decimal_comma: bool | None = None, thousands: str | None = None
) -> ParsedNumbers:
    """:func:`parse_float`, also saying whether decimal commas were read and the currency sign.

    Plain numbers cost one cast; only text that is not plain numbers is looked at further.

    Examples
    --------
    >>> parsed = parse_numbers(pl.Series(["1.234,50 €", "89,90 €"]))
    >>> parsed.values.to_list(), parsed.decimal_comma, parsed.currency
    ([1234.5, 89.9], True, '€')
    """
    fast = None
    if not decimal_comma:
        fast = text.cast(pl.Float64, strict=False)
        if fast.null_count() == text.null_count():
            return ParsedNumbers(fast, False, None)
    unusual = text if fast is None else text.filter(fast.is_null())
    found = unusual.drop_nulls().head(10_000).str.extract(_CURRENCY).drop_nulls().head(1)
    currency = found.item() if found.len() else None
    cleaned = text.str.strip_chars(" \u00a0\u202f€$£¥%").str.replace_all("\u00a0", "")
    cleaned = cleaned.str.replace(
        r"^\s*(?:EUR|USD|GBP|CHF|JPY)\s*|\s*(?:EUR|USD|GBP|CHF|JPY)\s*$", ""
    )
    if thousands is not None:
        cleaned = cleaned.str.replace_all(thousands, "", literal=True)
        if decimal_comma is None:
            decimal_comma = thousands == "."
    if decimal_comma is None:
        decimal_comma = looks_decimal_comma(cleaned.filter(fast.is_null()))
    if decimal_comma:
        has_thousands = cleaned.str.contains(r"^-?\d{1,3}(\.\d{3})+(,\d*)?$")
        cleaned = pl.select(
            pl.when(has_thousands)
            .then(cleaned.str.replace_all(".", "", literal=True))
            .otherwise(cleaned)
        ).to_series()
        cleaned = cleaned.str.replace(",", ".", literal=True)
    else:
        has_thousands = cleaned.str.contains(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")
        cleaned = pl.select(
            pl.when(has_thousands)
            .then(cleaned.str.replace_all(",", "", literal=True))
            .otherwise(cleaned)
        ).to_series()
    return ParsedNumbers(cleaned.cast(pl.Float64, strict=False), bool(decimal_comma), currency)


def looks_decimal_comma(text: pl.Series) -> bool:
    """Whether a text column writes decimals with a comma (``89,90``; ``1,234`` is ambiguous)."""
    sample = text.drop_nulls().head(10_000)
    return bool(sample.str.contains(r"^\s*-?(\d{1,3}(\.\d{3})+|\d+),(\d{1,2}|\d{4,})\s*$").any())


def parse_bool(values: pl.Series) -> pl.Series:
    """true/false, 1/0, yes/no, ja/nein (any case) to booleans; anything else to null."""
    if values.dtype == pl.Boolean:
        return values
    mapping = {word: True for word in TRUE_WORDS} | {word: False for word in FALSE_WORDS}
    text = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    return text.replace_strict(mapping, default=None, return_dtype=pl.Boolean)


def parse_path(values: pl.Series) -> pl.Series:
    """Channel paths written as ``a > b > c`` to a list of channel names."""
    if isinstance(values.dtype, pl.List):
        return values.cast(pl.List(pl.String))
    parts = values.cast(pl.String).str.split(">")
    return parts.list.eval(pl.element().str.strip_chars()).list.eval(
        pl.element().filter(pl.element() != "")
    )


def as_date(value: date | datetime | str, name: str) -> date:
    """One day given as a date, a datetime (its day) or ISO text: the kit's one date reader.

    Functions that take a day as an argument (``observation_end``, ``calibration_end``)
    and report parameters read it here, so every one takes the same forms.

    Parameters
    ----------
    value : date, datetime or str
        A date; a datetime (its day is kept); or text in ISO 8601, ``YYYY-MM-DD`` with
        or without a time (``2025-12-31``, ``2025-12-31 18:00``, ``20251231``).
    name : str
        The argument's name, for the message.

    Returns
    -------
    date
        The day.

    Raises
    ------
    DataValidationError
        Naming the argument and the value when the text is not a date.

    Examples
    --------
    >>> as_date("2025-12-31 18:00", "observation_end")
    datetime.date(2025, 12, 31)
    >>> as_date("31.12.2025", "observation_end")
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.DataValidationError: observation_end = '31.12.2025' is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).strip()).date()
    except ValueError as error:
        raise DataValidationError(
            f"{name} = {value!r} is not a date.", column=name, fix="Give it as 'YYYY-MM-DD'."
        ) from error
