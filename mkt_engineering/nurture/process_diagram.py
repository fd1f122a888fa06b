"""The digital buying process as a diagram: an inline SVG that needs no network.

Personas find content; content brings them into nurturing; nurturing develops them until
they are marketing qualified: an **MQL** for a new prospect, an **MQN** ("marketing
qualified need") for an existing customer. Then sales takes over. The **fast lane** goes to
sales at any stage (the lead asks for a call or a price); **recycling** sends a lead that
is not ready back to nurturing; after an **order**, **re-nurturing** starts again for the
next purchase (repurchase, cross- and up-selling) and leads to the next MQN. People without
an e-mail address or without consent never enter nurturing: the funnel **excludes** them.

The picture is plain SVG built here, every text escaped, so it shows in Jupyter, in an
offline report page and in a PDF alike.

Examples
--------
>>> diagram = buying_process_diagram()
>>> diagram.svg.startswith("<svg")
True
>>> diagram
ProcessDiagram (SVG): The digital buying process
>>> "MQN" in diagram.svg and "re-nurturing" in diagram.svg
True
>>> "Fast Lane" in buying_process_diagram(language="de").svg
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from mkt_engineering.charts.theme import ACCENT, FONT, MUTED
from mkt_engineering.errors import ParameterError

LABELS = {
    "en": {
        "title": "The digital buying process",
        "personas": ("Personas", "who we address"),
        "content": ("Content", "brings them in"),
        "nurturing": ("Nurturing", "e-mails, content"),
        "mql": ("MQL", "new prospect ready"),
        "mqn": ("MQN", "customer's new need"),
        "sales": ("Sales", "call, offer"),
        "order": ("Order", "won"),
        "excluded": ("Excluded", "no e-mail, no consent"),
        "fast_lane": "fast lane: asks for a call or a price",
        "recycling": "recycling: not ready yet",
        "renurturing": "re-nurturing after an order: repurchase, cross- and up-selling",
        "leads": "{count} leads",
    },
    "de": {
        "title": "Der digitale Kaufprozess",
        "personas": ("Personas", "wen wir ansprechen"),
        "content": ("Content", "holt sie herein"),
        "nurturing": ("Nurturing", "E-Mails, Inhalte"),
        "mql": ("MQL", "neuer Interessent reif"),
        "mqn": ("MQN", "neuer Bedarf (Kunde)"),
        "sales": ("Vertrieb", "Anruf, Angebot"),
        "order": ("Auftrag", "gewonnen"),
        "excluded": ("Ausgeschlossen", "ohne E-Mail, ohne Einwilligung"),
        "fast_lane": "Fast Lane: fragt nach Anruf oder Preis",
        "recycling": "Recycling: noch nicht reif",
        "renurturing": "Re-Nurturing nach dem Auftrag: Wiederkauf, Cross- und Up-Selling",
        "leads": "{count} Leads",
    },
}
# box positions (x, y) of the stages, left to right in the order of the process
BOXES = {
    "personas": (20, 110),
    "content": (165, 110),
    "nurturing": (310, 110),
    "mql": (470, 70),
    "mqn": (470, 150),
    "sales": (630, 110),
    "order": (790, 110),
    "excluded": (145, 250),
}
# the excluded box is wider: its note is the longest ("ohne E-Mail, ohne Einwilligung")
WIDE_BOXES = {"excluded": 165}
WIDTH, HEIGHT, BOX_W, BOX_H = 930, 315, 125, 56


@dataclass(frozen=True)
class ProcessDiagram:
    """An SVG picture that shows itself in Jupyter; ``svg`` holds the markup."""

    svg: str

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        # the plain-text view (a terminal, a text-only output) names the picture, not its markup
        return "ProcessDiagram (SVG): " + self.svg.split("<title>", 1)[1].split("</title>")[0]


def buying_process_diagram(
    *, language: str = "en", counts: Mapping[str, int] | None = None
) -> ProcessDiagram:
    """The Schuster flow from personas to the order and back, as an offline SVG.

    Parameters
    ----------
    language : str
        ``"en"`` or ``"de"`` for the labels.
    counts : mapping of str to int, optional
        Leads per stage to print in its box; keys are the stages (personas, content,
        nurturing, mql, mqn, sales, order, excluded). Unknown keys are refused.

    Returns
    -------
    ProcessDiagram
        Shows as a picture in Jupyter; ``.svg`` is the markup.

    Examples
    --------
    >>> svg = buying_process_diagram(counts={"mqn": 289}).svg
    >>> "289 leads" in svg
    True
    """
    if language not in LABELS:
        raise ParameterError(
            f"buying_process_diagram: language must be 'en' or 'de', got {language!r}."
        )
    unknown = sorted(set(counts or {}) - set(BOXES))
    if unknown:
        raise ParameterError(
            f"buying_process_diagram: no stage called {', '.join(unknown)}. "
            f"Stages: {', '.join(BOXES)}."
        )
    words = LABELS[language]
    parts = [_box(stage, words, (counts or {}).get(stage)) for stage in BOXES]
    parts += _arrows(words)
    title = html.escape(words["title"])
    return ProcessDiagram(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}" '
        f'font-family="{FONT}">'
        f"<title>{title}</title>{_MARKER}{''.join(parts)}</svg>"
    )


_MARKER = (
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{MUTED}"/></marker>'
    "</defs>"
)


def _text(x: float, y: float, text: str, *, size: int = 13, weight: str = "normal") -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="middle">{html.escape(text)}</text>'
    )


def _box(stage: str, words: dict, count: int | None) -> str:
    x, y = BOXES[stage]
    width = WIDE_BOXES.get(stage, BOX_W)
    name, note = words[stage]
    excluded = stage == "excluded"
    stroke = MUTED if excluded else ACCENT
    dash = ' stroke-dasharray="5 4"' if excluded else ""
    centre = x + width / 2
    lines = [
        f'<rect x="{x}" y="{y}" width="{width}" height="{BOX_H}" rx="8" fill="#FFFFFF" '
        f'stroke="{stroke}" stroke-width="2"{dash}/>',
        _text(centre, y + 20, name, size=14, weight="bold"),
        _text(centre, y + 37, note, size=11),
    ]
    if count is not None:
        lines.append(
            _text(centre, y + 51, words["leads"].format(count=_count(count, words)), size=10)
        )
    return "".join(lines)


def _count(count: int, words: dict) -> str:
    # German writes 1.800 where English writes 1,800
    text = f"{int(count):,}"
    return text.replace(",", ".") if words is LABELS["de"] else text


def _line(path: str, colour: str = MUTED, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash} '
        'marker-end="url(#arrow)"/>'
    )


def _arrows(words: dict) -> list[str]:
    mid = 110 + BOX_H / 2
    straight = [
        _line(f"M{145},{mid} L{165},{mid}"),
        _line(f"M{290},{mid} L{310},{mid}"),
        _line(f"M{435},{mid} L{470},{98}"),
        _line(f"M{435},{mid} L{470},{178}"),
        _line(f"M{595},{98} L{630},{mid}"),
        _line(f"M{595},{178} L{630},{mid}"),
        _line(f"M{755},{mid} L{790},{mid}"),
        _line(f"M{227},{166} L{227},{250}", dashed=True),
    ]
    loops = [
        # fast lane: from nurturing over MQL/MQN straight to sales
        _line("M372,110 C372,30 692,30 692,110", colour=ACCENT),
        _text(532, 38, words["fast_lane"], size=12),
        # recycling: sales back to nurturing, under the MQN box
        _line("M660,166 C660,235 400,235 400,166"),
        _text(530, 234, words["recycling"], size=12),
        # re-nurturing: the order back to nurturing, the widest loop
        _line("M852,166 C852,310 340,310 340,166", colour=ACCENT, dashed=True),
        _text(600, 294, words["renurturing"], size=12),
    ]
    return straight + loops
