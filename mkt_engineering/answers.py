"""The answer an analysis gives first: a headline, number cards, an action and bullets.

`Card` and `Summary` are plain values. Each analysis package builds a `Summary` from its
results (``<analysis>.summarize``); the report layer (`mkt_engineering.reporting.summary`)
shows it. They live here, below both, so an analysis never imports the report layer.

Examples
--------
>>> card = Card("Conversion rate", "4.2%", comparison="+0.3 points vs control")
>>> Summary("Ship the new checkout", (card,), "Roll it out.", ("B",)).cards[0].value
'4.2%'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """One number card: a label, the value, and optionally a comparison and an interval.

    Parameters
    ----------
    label : str
        What the number is ("12-month CLV").
    value : str
        The formatted number ("€17.30").
    comparison : str, optional
        Against what ("+€2.10 vs last year").
    interval : str, optional
        How sure ("90% interval: €15.90 to €18.80").
    """

    label: str
    value: str
    comparison: str | None = None
    interval: str | None = None


@dataclass(frozen=True)
class Summary:
    """What a manager reads in ten seconds, true for all the data.

    Parameters
    ----------
    headline : str
        One sentence that is true for all the data.
    cards : tuple of Card
        Two to four number cards.
    action : str
        The recommended action.
    bullets : tuple of str
        Three to five summary bullets.
    """

    headline: str
    cards: tuple[Card, ...]
    action: str
    bullets: tuple[str, ...]
