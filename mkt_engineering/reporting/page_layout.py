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


__all__ = ["LABELS", "find_summary", "label", "page_language", "toc_html"]
