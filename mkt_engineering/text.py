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
"""

from __future__ import annotations

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
