"""The answer a report gives first: a headline, number cards, an action and bullets.

Each analysis builds a `Summary` from its results (in its own package, in English and
German); the report notebook shows it with `show_summary`, and the page puts it right under
the title (`summary_html` renders it). Every string in a summary is already formatted for
people (numbers, currency, percent or points) and is treated as untrusted text when it is
rendered: it is escaped.

Examples
--------
>>> card = Card("Conversion rate", "4.2%", comparison="+0.3 points vs control",
...             interval="90% interval: +0.1 to +0.5 points")
>>> summary = Summary("Ship the new checkout", (card,), "Roll it out to all users.", ("B",))
>>> summary.cards[0].value
'4.2%'
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

from mkt_engineering.answers import Card, Summary

# Most cards and bullets the first screen holds (1400 x 900) under the title.
MAX_CARDS = 4
MAX_BULLETS = 5
# Output metadata key that carries the summary's fields to the page renderer.
SUMMARY_KEY = "mkt_summary"
LABELS = {
    "en": {"summary": "Summary", "action": "Recommended action"},
    "de": {"summary": "Zusammenfassung", "action": "Empfehlung"},
}


def summary_dict(summary: Summary) -> dict[str, Any]:
    """`summary` as plain JSON-safe data (what the notebook output carries for the page).

    Examples
    --------
    >>> summary_dict(Summary("H", (Card("A", "1"),), "Act", ("b",)))["cards"]
    [{'label': 'A', 'value': '1', 'comparison': None, 'interval': None}]
    """
    return {
        "headline": str(summary.headline),
        "cards": [dataclasses.asdict(card) for card in summary.cards],
        "action": str(summary.action),
        "bullets": [str(bullet) for bullet in summary.bullets],
    }


def summary_from_dict(data: dict[str, Any]) -> Summary:
    """The `Summary` back from `summary_dict` data (e.g. read from an executed notebook).

    Examples
    --------
    >>> summary = Summary("H", (Card("A", "1", "vs 0"),), "Act", ("b",))
    >>> summary_from_dict(summary_dict(summary)) == summary
    True
    """
    cards = tuple(
        Card(**{key: card.get(key) for key in ("label", "value", "comparison", "interval")})
        for card in data.get("cards") or []
    )
    return Summary(
        str(data.get("headline") or ""),
        cards,
        str(data.get("action") or ""),
        tuple(str(bullet) for bullet in data.get("bullets") or []),
    )


def _card_html(card: Card) -> str:
    parts = [
        f'<div class="mkt-card-label">{html.escape(str(card.label))}</div>',
        f'<div class="mkt-card-value">{html.escape(str(card.value))}</div>',
    ]
    if card.comparison:
        parts.append(f'<div class="mkt-card-comparison">{html.escape(str(card.comparison))}</div>')
    if card.interval:
        parts.append(f'<div class="mkt-card-interval">{html.escape(str(card.interval))}</div>')
    return f'<div class="mkt-card">{"".join(parts)}</div>'


def summary_html(summary: Summary, language: str = "en") -> str:
    """The answer-first block as HTML; every string of `summary` is escaped.

    Parameters
    ----------
    summary : Summary
        Headline, cards, action and bullets, formatted for people.
    language : {"en", "de"}
        Language of the block's own labels ("Recommended action" / "Empfehlung").

    Returns
    -------
    str
        A ``<section class="mkt-summary">`` the page places right under the title.

    Examples
    --------
    >>> block = summary_html(Summary("<b>Ship</b>", (), "Roll out", ("x",)), language="de")
    >>> "&lt;b&gt;Ship&lt;/b&gt;" in block and "Empfehlung" in block
    True
    """
    labels = LABELS["de" if language == "de" else "en"]
    parts = [f'<p class="mkt-summary-headline">{html.escape(str(summary.headline))}</p>']
    if summary.cards:
        cards = "".join(_card_html(card) for card in summary.cards)
        parts.append(f'<div class="mkt-cards">{cards}</div>')
    if summary.action:
        parts.append(
            f'<p class="mkt-action"><span class="mkt-action-label">{labels["action"]}:</span> '
            f"{html.escape(str(summary.action))}</p>"
        )
    if summary.bullets:
        items = "".join(f"<li>{html.escape(str(bullet))}</li>" for bullet in summary.bullets)
        parts.append(f'<ul class="mkt-bullets">{items}</ul>')
    return (
        f'<section class="mkt-summary" id="summary" aria-label="{labels["summary"]}">'
        f"{''.join(parts)}</section>"
    )


def _summary_text(summary: Summary) -> str:
    """The plain-text form of the block (consoles, nbval)."""
    lines = [summary.headline]
    for card in summary.cards:
        extra = " · ".join(part for part in (card.comparison, card.interval) if part)
        lines.append(f"{card.label}: {card.value}" + (f" ({extra})" if extra else ""))
    lines.append(summary.action)
    lines.extend(f"- {bullet}" for bullet in summary.bullets)
    return "\n".join(line for line in lines if line)


def _check(summary: Summary) -> None:
    if not isinstance(summary, Summary):
        raise TypeError(f"show_summary takes a Summary, got {type(summary).__name__}")
    if len(summary.cards) > MAX_CARDS or len(summary.bullets) > MAX_BULLETS:
        raise ValueError(
            f"a summary holds at most {MAX_CARDS} cards and {MAX_BULLETS} bullets (the first "
            f"screen of the report), got {len(summary.cards)} and {len(summary.bullets)}"
        )


def show_summary(summary: Summary) -> None:
    """Show the answer-first block; the report page places it right under the title.

    The headline is recorded like `set_headline` records it (the reports index shows it).
    The text is escaped, so names from the data show as text. Returns None, so a cell
    ending with the call echoes nothing into the report.

    Parameters
    ----------
    summary : Summary
        At most 4 cards and 5 bullets (2-4 and 3-5 read best).

    Examples
    --------
    >>> show_summary(Summary("Search earns most", (Card("Search", "31%"),), "Keep it", ()))
    """
    from mkt_engineering.reporting.notebook import display_html, language, record_headline
    from mkt_engineering.reporting.redact import redact_value

    _check(summary)
    data = redact_value(summary_dict(summary))  # no e-mail address leaves the kernel
    summary = summary_from_dict(data)
    record_headline(summary.headline)
    display_html(
        summary_html(summary, language()),
        role="summary",
        plain=_summary_text(summary),
        extra={SUMMARY_KEY: data},
    )
