"""The answer a report gives first: a headline, number cards, an action and bullets.

Each analysis builds a `Summary` from its results (in its own package, in English and
German); the report notebook shows it with `show_summary`, and the page puts it right under
the title. Every string in a summary is already formatted for people (numbers, currency,
percent or points) and is treated as untrusted text when it is rendered.

Examples
--------
>>> card = Card("Conversion rate", "4.2%", comparison="+0.3 points vs control",
...             interval="90% interval: +0.1 to +0.5 points")
>>> Summary("Ship the new checkout", (card,), "Roll it out to all users.", ("Bullet",)).cards[0].value
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
