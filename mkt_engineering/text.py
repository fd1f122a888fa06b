"""Shared text helpers of the ``explain`` modules: numbers (from `formatting`) and literals.

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

# The number formatter lives in `mkt_engineering.formatting`; its helpers stay importable
# from here, where every explain module has always found them.
from mkt_engineering.formatting import (  # noqa: F401
    Currency,
    Language,
    currency_for,
    money,
    number,
    percent,
    points,
)

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
