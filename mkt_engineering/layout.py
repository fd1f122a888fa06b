"""How a text file is laid out: header, separator, lines above the header, date and number formats.

Most exports need none of this: the loader detects the separator, the encoding, a decimal
comma, a title line above the header and the usual date formats itself. A :class:`Layout`
says what cannot be detected, for files such as the CDNOW sample (no header, columns
separated by runs of spaces, dates written ``19970101``)::

    Layout(header=False, names=("master_id", "customer_id", "order_date", "cds", "revenue"),
           separator="whitespace", date_format="%Y%m%d")

Every loader takes it as ``layout=`` (a Layout or a plain mapping with the same keys);
reports take one per input as ``-p layouts '{"orders": {...}}'`` or
``mkt run ... --layout orders='{...}'``, and ``mkt validate`` as options.

Examples
--------
>>> layout = Layout.from_value({"header": False, "names": ["a", "b"], "separator": "whitespace"})
>>> layout.header, layout.names, layout.separator
(False, ('a', 'b'), 'whitespace')
>>> layout.to_dict()
{'header': False, 'names': ['a', 'b'], 'separator': 'whitespace'}
>>> Layout.from_value({"seperator": ";"})  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
mkt_engineering.errors.ParameterError: layout: unknown option 'seperator' (did you mean
'separator'?). Options: header, names, separator, skip_lines, date_format, thousands, decimal,
encoding
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any

from mkt_engineering.errors import ParameterError

WHITESPACE = "whitespace"
# Words a user may write for a separator; "whitespace" means runs of spaces and tabs.
SEPARATOR_WORDS = {
    "tab": "\t",
    "\\t": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "space": WHITESPACE,
    "spaces": WHITESPACE,
    WHITESPACE: WHITESPACE,
}
THOUSANDS = (".", ",", " ", "'", "\u00a0", "\u202f")


@dataclass(frozen=True)
class Layout:
    """What a loader cannot detect about a file; every field left out is detected.

    Attributes
    ----------
    header : bool
        Whether the first line (after skipped lines) names the columns. ``False`` reads
        every line as data; `names` then names the columns (default: column_1, column_2...).
    names : tuple of str
        Column names for a file without header, in file order.
    separator : str, optional
        One character (``";"``, ``"\\t"``), a word (tab, comma, semicolon, pipe) or
        ``"whitespace"`` for columns separated by runs of spaces or tabs (leading spaces
        ignored).
    skip_lines : int, optional
        Lines to skip before the header (or the first data line). Default: a title line
        above the header ("Bestellungen Export 01.03.2026") is detected and skipped.
    date_format : str, optional
        strptime format of every date column, e.g. ``"%Y%m%d"`` or ``"%m/%d/%Y %I:%M %p"``.
        Default: detected (YYYY-MM-DD, DD.MM.YYYY, YYYYMMDD and ISO weeks like 2024-W05).
    thousands : str, optional
        Thousands separator of numbers (``"."`` in ``1.234,50``; ``","``, ``" "``, ``"'"``).
    decimal : str, optional
        Decimal mark, ``","`` or ``"."``. Default: detected.
    encoding : str, optional
        utf-8, cp1252 or utf-16. Default: detected.
    """

    header: bool = True
    names: tuple[str, ...] = ()
    separator: str | None = None
    skip_lines: int | None = None
    date_format: str | None = None
    thousands: str | None = None
    decimal: str | None = None
    encoding: str | None = None

    def __post_init__(self) -> None:
        _check(self)

    @property
    def decimal_comma(self) -> bool | None:
        """True/False when the decimal mark is given, None when it is to be detected."""
        if self.decimal is not None:
            return self.decimal == ","
        return {".": True, ",": False}.get(self.thousands or "")  # 1.234,50 or 1,234.50

    @classmethod
    def from_value(cls, value: Layout | dict[str, Any] | None, where: str = "layout") -> Layout:
        """A Layout from a Layout, a plain mapping (a report parameter) or None (all detected).

        Raises
        ------
        ParameterError
            An unknown option (with the closest name) or a value of the wrong kind.
        """
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise ParameterError(
                f'{where}: expected a mapping such as {{"separator": ";"}}, got {value!r:.60}'
            )
        options = [f.name for f in dataclasses.fields(cls)]
        for key in value:
            if key not in options:
                close = difflib.get_close_matches(str(key), options, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ParameterError(
                    f"{where}: unknown option {key!r}{hint}. Options: {', '.join(options)}"
                )
        values = dict(value)
        if isinstance(values.get("names"), list):
            values["names"] = tuple(values["names"])
        try:
            return cls(**values)
        except ParameterError as error:
            raise ParameterError(f"{where}: {error}") from None

    def to_dict(self) -> dict[str, Any]:
        """The options that differ from detection, as plain data (for manifests and parameters)."""
        plain = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if value != item.default:
                plain[item.name] = list(value) if isinstance(value, tuple) else value
        return plain

    def with_overrides(self, **overrides: Any) -> Layout:
        """A copy with the given options set (None values are ignored)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self, **given) if given else self


def _check(layout: Layout) -> None:
    """Refuse options of the wrong kind, with one line naming the option and an example."""
    if type(layout.header) is not bool:
        raise ParameterError(f"header must be true or false, got {layout.header!r:.40}")
    names = layout.names
    if not all(isinstance(name, str) and name.strip() for name in names):
        raise ParameterError('names must be a list of column names, e.g. ["customer_id", "date"]')
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ParameterError(f"names repeats {', '.join(repeated)}; give each column once")
    if names and layout.header:
        raise ParameterError(
            'names are for a file without header: add "header": false (CLI: --no-header), '
            "or rename columns with columns={...}"
        )
    if layout.separator is not None:
        separator = SEPARATOR_WORDS.get(layout.separator.lower(), layout.separator)
        if separator != WHITESPACE and len(separator) != 1:
            raise ParameterError(
                f"separator must be one character (';', ',', '\\t', '|') or 'whitespace', "
                f"got {layout.separator!r:.40}"
            )
        object.__setattr__(layout, "separator", separator)
    if layout.skip_lines is not None and (
        type(layout.skip_lines) is not int or not 0 <= layout.skip_lines <= 1000
    ):
        raise ParameterError(
            f"skip_lines must be a whole number from 0 to 1000, got {layout.skip_lines!r:.40}"
        )
    if layout.date_format is not None and (
        not isinstance(layout.date_format, str) or "%" not in layout.date_format
    ):
        raise ParameterError(
            f"date_format must be a strptime format such as '%Y%m%d' or '%d.%m.%Y', "
            f"got {layout.date_format!r:.40}"
        )
    if layout.decimal is not None and layout.decimal not in (",", "."):
        raise ParameterError(f"decimal must be ',' or '.', got {layout.decimal!r:.40}")
    if layout.thousands is not None:
        if layout.thousands not in THOUSANDS:
            raise ParameterError(
                f"thousands must be one of '.', ',', ' ', \"'\", got {layout.thousands!r:.40}"
            )
        if layout.thousands == layout.decimal:
            raise ParameterError("thousands and decimal must differ")
    if layout.encoding is not None and not isinstance(layout.encoding, str):
        raise ParameterError(f"encoding must be text such as 'cp1252', got {layout.encoding!r:.40}")


def check_layouts(value: Any, inputs: list[str]) -> dict[str, dict[str, Any]]:
    """Check a report's ``layouts`` parameter (input name -> layout options); return it plain.

    Raises
    ------
    ParameterError
        An input the report does not have (with the closest name), or a bad option.

    Examples
    --------
    >>> check_layouts({"orders": {"separator": "tab"}}, ["orders", "spend"])
    {'orders': {'separator': '\\t'}}
    >>> check_layouts({"order": {}}, ["orders", "spend"])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.ParameterError: layouts: the report has no input 'order'
    (did you mean 'orders'?); its inputs: orders, spend
    """
    if not isinstance(value, dict):
        raise ParameterError('layouts: expected a mapping such as {"orders": {"separator": ";"}}')
    checked = {}
    for name, options in value.items():
        if name not in inputs:
            close = difflib.get_close_matches(str(name), inputs, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ParameterError(
                f"layouts: the report has no input {name!r}{hint}; its inputs: {', '.join(inputs)}"
            )
        checked[name] = Layout.from_value(options, where=f"layout of {name}").to_dict()
    return checked


def parse_layout_option(item: str) -> tuple[str, dict[str, Any]]:
    """``--layout NAME=JSON`` as (input name, options).

    Examples
    --------
    >>> parse_layout_option('orders={"header": false, "names": ["a", "b"]}')
    ('orders', {'header': False, 'names': ['a', 'b']})
    """
    import json

    name, sep, text = item.partition("=")
    if not sep or not name.strip():
        raise ParameterError(
            f"--layout {item[:60]!r}: write NAME=OPTIONS, e.g. --layout "
            'orders=\'{"header": false, "separator": "whitespace"}\''
        )
    try:
        options = json.loads(text)
    except ValueError:
        raise ParameterError(
            f"--layout {name}: the options are not JSON ({text[:60]!r}); write e.g. "
            '\'{"separator": ";", "skip_lines": 1}\' (double quotes, false/true in lower case)'
        ) from None
    return name.strip(), options
