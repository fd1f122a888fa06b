"""Plain-language number formatting shared by every ``explain`` module.

Examples
--------
>>> percent(0.3127)
'31.3%'
>>> percent(0.3127, language="de")
'31,3 %'
>>> number(1234567.891, decimals=1)
'1,234,567.9'
>>> money(1234.5, language="de")
'1.234,50 €'
>>> money(1234.5, currency=currency_for("USD"))
'$1,234.50'
>>> print(markdown_literal("*Paid* [search](https://x.example)"))
\\*Paid\\* \\[search\\](https://x.example)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "de"]


def number(value: float, decimals: int = 0, language: Language = "en") -> str:
    """A number with thousands separators in the reader's convention."""
    text = f"{value:,.{decimals}f}"
    if language == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(share: float, decimals: int = 1, language: Language = "en") -> str:
    """A share (0.25) as a percentage ('25.0%'; German puts a space before %)."""
    text = number(100 * share, decimals, language)
    return f"{text} %" if language == "de" else f"{text}%"


def points(difference: float, decimals: int = 1, language: Language = "en") -> str:
    """A difference of two shares in percentage points ('1.8 points')."""
    word = "Prozentpunkte" if language == "de" else "points"
    return f"{number(100 * difference, decimals, language)} {word}"


@dataclass(frozen=True)
class Currency:
    """The currency amounts are shown in: its symbol and code, and where it came from.

    An empty symbol shows the code ("CHF 1,234.50"); empty both show plain numbers.
    `source` is "parameter", "data" (a sign in the revenue cells) or "none".
    """

    symbol: str = ""
    code: str = ""
    source: str = "none"

    @property
    def sign(self) -> str:
        """What is written next to an amount: the symbol, else the code, else nothing."""
        return self.symbol or self.code

    def unit(self) -> str:
        """' (EUR)' for axis titles and table headers; '' without a currency."""
        return f" ({self.code or self.symbol})" if self.sign else ""

    def describe(self, language: Language = "en") -> str:
        """One sentence saying the currency and how it was chosen."""
        name = f"{self.code} ({self.symbol})" if self.code and self.symbol else self.sign
        if language == "de":
            return {
                "parameter": f"Beträge in {name}, wie im Parameter currency angegeben.",
                "data": f"Beträge in {name}: das Zeichen {self.sign} steht in der Umsatzspalte.",
            }.get(self.source, "Beträge ohne Währung: die Daten nennen keine (Parameter currency).")
        return {
            "parameter": f"Amounts are in {name}, as given by the currency parameter.",
            "data": f"Amounts are in {name}: the revenue column is written with {self.sign}.",
        }.get(
            self.source,
            "Amounts carry no currency sign: the data name none (set the currency parameter "
            "to show one).",
        )


# Symbols and codes the kit knows; any other three-letter code is shown as it is.
_CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}


def currency_for(value: str = "", found: str | None = None) -> Currency:
    """The report currency from a parameter (symbol or code) or, when it is "", the data.

    Parameters
    ----------
    value : str
        "€", "EUR", "$", "USD", any three-letter code, or "" to use `found`.
    found : str, optional
        The sign or code the loader found in the revenue cells (``quality.currency_signs``).

    Returns
    -------
    Currency

    Raises
    ------
    ParameterError
        `value` is neither a known symbol nor a three-letter code.

    Examples
    --------
    >>> currency_for("EUR")
    Currency(symbol='€', code='EUR', source='parameter')
    >>> currency_for("", found="$").describe()
    'Amounts are in USD ($): the revenue column is written with $.'
    >>> money(12.5, currency=currency_for(""))
    '12.50'
    """
    from mkt_engineering.errors import ParameterError

    text, source = (value.strip(), "parameter") if value.strip() else (found or "", "data")
    if not text:
        return Currency()
    by_code = {code: symbol for symbol, code in _CURRENCIES.items()}
    if text in _CURRENCIES:
        code = _CURRENCIES[text]
        return Currency("" if code == text else text, code, source)
    if re.fullmatch(r"[A-Za-z]{3}", text):
        code = text.upper()
        symbol = by_code.get(code, "")
        return Currency("" if symbol == code else symbol, code, source)
    raise ParameterError(
        f"parameter 'currency': {text[:20]!r} is no currency; give a symbol (€, $, £) or a "
        'three-letter code (EUR, USD, CHF), or "" to take it from the data'
    )


def money(
    value: float, decimals: int = 2, currency: str | Currency = "€", language: Language = "en"
) -> str:
    """An amount of money: '€1,234.50' in English, '1.234,50 €' in German.

    A code instead of a symbol is set apart by a space ('CHF 1,234.50'); an empty currency
    gives the plain number.
    """
    text = number(value, decimals, language)
    sign = currency.sign if isinstance(currency, Currency) else currency
    if not sign:
        return text
    if language == "de":
        return f"{text} {sign}"
    return f"{sign} {text}" if sign.isalpha() else f"{sign}{text}"


# Characters that start Markdown syntax anywhere in a line (emphasis, code, links, raw HTML,
# entities, table cells, strikethrough, escapes).
_MARKDOWN_ANYWHERE = re.compile(r"[\\`*\[\]<>&|~]")
# An underscore is emphasis only at a word edge ("paid_search" stays as it is).
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# Block syntax at the start of a line: headings, quotes, list items, rules.
_BLOCK_START = re.compile(r"^(\s*|\s*\d+)([#>+\-=.)])")


def markdown_literal(value: object) -> str:
    """A data-derived name as literal text inside Markdown (no emphasis, links, HTML or lists).

    Channel, variant, persona and column names come from the user's files; interpolated into
    an explanation they must read as themselves. Markdown syntax characters get a backslash,
    which Markdown drops again when it renders, and line breaks become spaces, so a name can
    never start a heading, list or table row. Ordinary names are returned unchanged.

    Parameters
    ----------
    value : object
        The name (converted with ``str``).

    Returns
    -------
    str
        Markdown that renders exactly as ``str(value)`` on one line.

    Examples
    --------
    >>> markdown_literal("paid_search")
    'paid_search'
    >>> print(markdown_literal("<script>alert(1)</script>"))
    \\<script\\>alert(1)\\</script\\>
    >>> print(markdown_literal("# Top\\n- item"))
    \\# Top - item
    """
    text = " ".join(str(value).splitlines())
    text = _MARKDOWN_ANYWHERE.sub(lambda match: "\\" + match.group(0), text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    return _BLOCK_START.sub(lambda match: match.group(1) + "\\" + match.group(2), text)
