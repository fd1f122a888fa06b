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
>>> print(markdown_literal("*Paid* [search](https://x.example)"))
\\*Paid\\* \\[search\\](https://x.example)
"""

from __future__ import annotations

import re
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


def money(value: float, decimals: int = 2, currency: str = "€", language: Language = "en") -> str:
    """An amount of money: '€1,234.50' in English, '1.234,50 €' in German."""
    text = number(value, decimals, language)
    return f"{text} {currency}" if language == "de" else f"{currency}{text}"


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
