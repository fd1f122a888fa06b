"""The parts of a report page around the analysis: labels, contents, summary, run details.

A report reads answer first: the title, the summary block (`reporting.summary`), a table of
contents, the analysis, then "Run details" (parameters, input files with their hashes, data
quality), collapsed in a ``<details>`` element that needs no script. The page's own words
exist in English and German; the run's ``language`` parameter picks them.

Examples
--------
>>> page_language({"parameters": {"language": "de"}})
'de'
>>> label("run_details", "de")
'Details zum Lauf'
>>> toc = toc_html('<h2 id="The-data">The data<a class="anchor-link" href="#The-data">¶</a></h2>')
>>> toc[toc.index("<ol>") : toc.index("</li>") + 5]
'<ol><li><a href="#The-data">The data</a></li>'
"""

from __future__ import annotations

import html
import re
from typing import Any

import nbformat

from mkt_engineering.reporting.notebook import ROLE_KEY
from mkt_engineering.reporting.summary import SUMMARY_KEY, Summary, summary_from_dict

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "index": "← All reports",
        "contents": "Contents",
        "run_details": "Run details",
        "parameters": "Parameters",
        "input_files": "Input files",
        "data_quality": "Data quality",
        "not_shown": "Sections not shown",
        "run": "Run",
        "started": "started",
        "status": "status",
        "incomplete": "This report is incomplete.",
        "left_out_below": "The sections left out are listed below.",
        "failing_below": "The failing step is marked below.",
        "no_quality": "The notebook reported no data-quality summary.",
        "none": "None.",
        "set": "set for this run",
        "default": "default",
        "parameter": "parameter",
        "value": "value",
        "file": "file",
        "size": "size",
        "bytes": "bytes",
        "tables": "Tables",
        "beside": "(and .parquet beside each)",
        "made_with": "Made with the Marketing Engineering Notebook Kit",
    },
    "de": {
        "index": "← Alle Berichte",
        "contents": "Inhalt",
        "run_details": "Details zum Lauf",
        "parameters": "Parameter",
        "input_files": "Eingabedateien",
        "data_quality": "Datenqualität",
        "not_shown": "Nicht gezeigte Abschnitte",
        "run": "Lauf",
        "started": "gestartet",
        "status": "Status",
        "incomplete": "Dieser Bericht ist unvollständig.",
        "left_out_below": "Die ausgelassenen Abschnitte stehen unten.",
        "failing_below": "Der fehlgeschlagene Schritt ist unten markiert.",
        "no_quality": "Das Notebook hat keine Zusammenfassung der Datenqualität gemeldet.",
        "none": "Keine.",
        "set": "für diesen Lauf gesetzt",
        "default": "Standard",
        "parameter": "Parameter",
        "value": "Wert",
        "file": "Datei",
        "size": "Größe",
        "bytes": "Bytes",
        "tables": "Tabellen",
        "beside": "(und daneben je eine .parquet-Datei)",
        "made_with": "Erstellt mit dem Marketing Engineering Notebook Kit",
    },
}

# A heading of a markdown cell as nbconvert writes it: its id, its text, then the anchor.
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# Long decimals in SVG geometry ("22.857142857142854"): two places are 1/100 of a pixel.
_GEOMETRY = re.compile(r'\s(d|transform|points)="([^"]*)"')
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{3,}")
# A mark whose hover text (<title>, its accessible name in SVG) repeats its aria-label (the
# <svg> element itself keeps both: tools look for the chart's name in its aria-label).
_MARK_WITH_TITLE = re.compile(
    r'<(?P<tag>(?!svg\b)[a-z]+)(?P<attrs>(?:\s+[\w:-]+="[^"]*")*)>(?P<title><title>(?P<text>[^<]*)</title>)'
)
_ARIA_LABEL = re.compile(r'\saria-label="([^"]*)"')
# Path data of only absolute moves and lines, as vega writes lines, areas and steps.
_MOVES_AND_LINES = re.compile(r"(?:[ML]-?[\d.]+,-?[\d.]+)+Z?")
_POINT = re.compile(r"([ML])(-?[\d.]+),(-?[\d.]+)")
# An element's opening tag, its attribute values whole quoted strings. Text between tags is
# escaped (it holds no "<"), so the rewrites below touch attributes, never a hover text.
_OPENING_TAG = re.compile(r'<[a-zA-Z][\w:-]*(?:\s+[\w:-]+="[^"]*")*\s*/?>')
# Attributes that say what SVG assumes anyway (full opacity, no shift); CSS would override
# them in either case.
_DEFAULT_VALUE = re.compile(r'\s(?:opacity="1"|transform="translate\(0,0\)")(?=[\s/>])')
# A colour attribute as vega writes it, "rgb(10, 74, 144)": "#0a4a90" is the same colour in
# half the bytes (a heatmap has one per cell). Only attribute values: text stays text.
_RGB_COLOUR = re.compile(
    r'\s(?P<name>fill|stroke|stop-color)="rgb\((?P<r>\d{1,3}),\s*(?P<g>\d{1,3}),\s*(?P<b>\d{1,3})\)"'
)


def page_language(manifest: dict[str, Any]) -> str:
    """The page's language: the run's ``language`` parameter, "en" unless it is "de".

    Parameters
    ----------
    manifest : dict
        The run's manifest (its ``parameters`` are read).

    Returns
    -------
    str
        "de" or "en".

    Examples
    --------
    >>> page_language({"parameters": {}})
    'en'
    """
    return "de" if (manifest.get("parameters") or {}).get("language") == "de" else "en"


def label(key: str, language: str) -> str:
    """One of the page's own words in `language` (English when there is no German).

    Parameters
    ----------
    key : str
        A key of `LABELS`.
    language : {"en", "de"}

    Returns
    -------
    str
        The label (plain text without markup, safe to write into HTML).

    Examples
    --------
    >>> label("contents", "en")
    'Contents'
    """
    return LABELS.get(language, LABELS["en"]).get(key, LABELS["en"][key])


def toc_html(body: str, language: str = "en") -> str:
    """A table of contents of the analysis's section headings ("" when it has none).

    Parameters
    ----------
    body : str
        The analysis HTML as nbconvert wrote it (headings with ids and anchor links).
    language : {"en", "de"}

    Returns
    -------
    str
        A ``<nav class="mkt-toc">`` with one link per section and one to the run details.
    """
    items = [
        f'<li><a href="#{anchor}">{_TAG.sub("", text).strip()}</a></li>'
        for anchor, text in _HEADING.findall(body)
    ]
    if not items:
        return ""
    items.append(f'<li><a href="#run-details">{label("run_details", language)}</a></li>')
    title = label("contents", language)
    return (
        f'<nav class="mkt-toc" aria-label="{title}"><h2>{title}</h2><ol>{"".join(items)}</ol></nav>'
    )


def find_summary(notebook: nbformat.NotebookNode) -> Summary | None:
    """The summary the notebook showed with `show_summary` (the last one), or None.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The executed notebook.

    Returns
    -------
    Summary or None
        Rebuilt from the output's metadata; the page escapes every string when it renders.

    Examples
    --------
    >>> from nbformat.v4 import new_notebook
    >>> find_summary(new_notebook()) is None
    True
    """
    found = None
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            metadata = output.get("metadata") or {}
            if metadata.get(ROLE_KEY) == "summary" and isinstance(metadata.get(SUMMARY_KEY), dict):
                found = summary_from_dict(metadata[SUMMARY_KEY])
    return found


def _two_places(number: re.Match[str]) -> str:
    """A long decimal to 1/100 px, without trailing zeros ("266.70" is "266.7")."""
    text = f"{float(number.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _straight_lines(path: str) -> str:
    """`path` with each line that keeps x or y written as a vertical or horizontal one.

    A step curve (survival, incidence) is all "L" pairs of which one coordinate repeats:
    "L2.28,280L2.28,278.77" is "L2.28,280V278.77", the same line. Other paths stay as
    they are.
    """
    if not _MOVES_AND_LINES.fullmatch(path):
        return path
    parts, x, y = [], None, None
    for command, new_x, new_y in _POINT.findall(path):
        if command == "L" and new_x == x:
            parts.append(f"V{new_y}")
        elif command == "L" and new_y == y:
            parts.append(f"H{new_x}")
        else:
            parts.append(f"{command}{new_x},{new_y}")
        x, y = new_x, new_y
    return "".join(parts) + ("Z" if path.endswith("Z") else "")


def compact_svg(svg: str) -> str:
    """`svg` without bytes a reader cannot see or hear: long decimals, repeated labels.

    Geometry (path data, transforms, points) is rounded to 1/100 px (vl-convert writes 15
    digits), and a line along one axis is written as such ("V", "H"). A mark whose
    ``<title>`` (its hover text, and its accessible name in SVG) says exactly what its
    ``aria-label`` says keeps the title only; the aria-label is the larger half of the chart
    bytes of a heatmap. Colours written ``rgb(r, g, b)`` become the same colour as
    ``#rrggbb``, and ``opacity="1"`` and ``transform="translate(0,0)"`` (what SVG assumes
    anyway) go. Only opening tags change: text, labels and hover texts stay as they are.

    Parameters
    ----------
    svg : str
        An SVG document.

    Returns
    -------
    str
        The same drawing, the same names and hover texts, fewer bytes.

    Examples
    --------
    >>> compact_svg('<path d="M0.5,240h22.857142857142854v20" aria-label="x 1.23456"/>')
    '<path d="M0.5,240h22.86v20" aria-label="x 1.23456"/>'
    >>> compact_svg('<path role="graphics-symbol" aria-label="a &amp; b"><title>a &amp; b</title>')
    '<path role="graphics-symbol"><title>a &amp; b</title>'
    >>> compact_svg('<path d="M0,280L2.2800001,280L2.28,278.7700001L4.3,278.77"/>')
    '<path d="M0,280H2.28V278.77H4.3"/>'
    >>> compact_svg('<g transform="translate(0,0)"><path fill="rgb(10, 74, 144)" opacity="1">'
    ...             '<title>a fill="rgb(1, 2, 3)" d="1.2345"</title></path></g>')
    '<g><path fill="#0a4a90"><title>a fill="rgb(1, 2, 3)" d="1.2345"</title></path></g>'
    """

    def rounded(match: re.Match[str]) -> str:
        value = _LONG_DECIMAL.sub(_two_places, match.group(2))
        return f' {match.group(1)}="{_straight_lines(value) if match.group(1) == "d" else value}"'

    def once(match: re.Match[str]) -> str:
        label = _ARIA_LABEL.search(match.group("attrs"))
        if label is None or html.unescape(label.group(1)) != html.unescape(match.group("text")):
            return match.group(0)
        attrs = _ARIA_LABEL.sub("", match.group("attrs"), count=1)
        return f"<{match.group('tag')}{attrs}>{match.group('title')}"

    def hexadecimal(match: re.Match[str]) -> str:
        red, green, blue = (min(int(match.group(part)), 255) for part in "rgb")
        return f' {match.group("name")}="#{red:02x}{green:02x}{blue:02x}"'

    def compact_tag(match: re.Match[str]) -> str:
        tag = _RGB_COLOUR.sub(hexadecimal, _GEOMETRY.sub(rounded, match.group(0)))
        return _DEFAULT_VALUE.sub("", tag)

    return _MARK_WITH_TITLE.sub(once, _OPENING_TAG.sub(compact_tag, svg))


__all__ = ["LABELS", "compact_svg", "find_summary", "label", "page_language", "toc_html"]
