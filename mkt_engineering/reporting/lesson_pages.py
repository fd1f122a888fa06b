"""Lessons as pages to read in a browser: the lessons page links these, not raw ``.ipynb``.

Each lesson notebook becomes ``<folder>/<stem>.html``: its text, code and saved outputs
(charts as inline SVG), the kit's style sheet, a link back to the lessons page, no script
and the kit's Content-Security-Policy. A phone reads it too (viewport meta; code, tables
and charts scroll inside their own box).

Examples
--------
>>> LESSON_CSS.count("@media print") >= 1
True
"""

from __future__ import annotations

import copy
import html
import threading
from pathlib import Path
from typing import Any

import nbformat

from mkt_engineering.reporting.page_css import REPORT_CSS
from mkt_engineering.reporting.safe_html import with_csp

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Code cells on a lesson page: a light box, scrolling sideways on a phone.
LESSON_CSS = (
    REPORT_CSS
    + """
.mkt-lesson .jp-InputArea-editor { background: #f7f7f7; border: 1px solid #e3e3e3;
  border-radius: 4px; margin: 8px 0 4px; overflow-x: auto; }
.mkt-lesson .jp-InputArea-editor pre { margin: 0; padding: 8px; white-space: pre;
  overflow-wrap: normal; background: none; }
.mkt-lesson .jp-RenderedText pre { white-space: pre-wrap; }
"""
)

_exporter: Any = None
_lock = threading.Lock()


def _lesson_exporter() -> Any:
    """The lesson page exporter, built once per process (compiling its template takes time)."""
    global _exporter
    with _lock:
        if _exporter is None:
            from nbconvert import HTMLExporter

            from mkt_engineering.reporting.safe_html import markdown_html

            exporter = HTMLExporter(
                template_name="mkt_lesson",
                extra_template_basedirs=[str(TEMPLATES)],
                filters={"mkt_safe_markdown": markdown_html},
            )
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
            _exporter = exporter
        return _exporter


def lesson_html(lesson: nbformat.NotebookNode, title: str, back_link: str) -> str:
    """One lesson as a self-contained page.

    Parameters
    ----------
    lesson : nbformat.NotebookNode
        The lesson notebook (its saved outputs are shown as they are).
    title : str
        The page title.
    back_link : str
        Relative address of the lessons page (e.g. ``"../lessons.html"``).

    Returns
    -------
    str
        The page, with the Content-Security-Policy first in its head.

    Examples
    --------
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> page = lesson_html(new_notebook(cells=[new_markdown_cell("# Hi")]), "Hi", "x.html")
    >>> 'name="viewport"' in page and "Content-Security-Policy" in page
    True
    """
    from mkt_engineering.reporting.html import set_charts_aside, strip_external

    lesson = copy.deepcopy(lesson)
    lesson.metadata["title"] = title
    charts = set_charts_aside(lesson)  # the charts skip nbconvert's HTML pass (seconds)
    resources = {
        "mkt_css": LESSON_CSS,
        "mkt_back_link": html.escape(back_link, quote=True),
        "mkt_back_text": "← Lessons",
    }
    body, _ = _lesson_exporter().from_notebook_node(lesson, resources=resources)
    for placeholder, svg in charts.items():
        body = body.replace(placeholder, svg, 1)  # lean already: the renderer wrote it
    return with_csp(strip_external(body))


def write_lesson_pages(lessons: dict[str, Path], folder: Path, back_link: str) -> dict[str, Path]:
    """Write ``<folder>/<stem>.html`` for each lesson notebook.

    Parameters
    ----------
    lessons : dict
        Stem -> the lesson's ``.ipynb``.
    folder : Path
        Where the pages go (created when missing).
    back_link : str
        Address of the lessons page relative to `folder`.

    Returns
    -------
    dict
        Stem -> the page written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for stem, path in lessons.items():
        lesson = nbformat.read(path, as_version=4)
        title = _lesson_title(lesson) or stem
        target = folder / f"{stem}.html"
        target.write_text(lesson_html(lesson, title, back_link), encoding="utf-8")
        written[stem] = target
    return written


def _lesson_title(lesson: nbformat.NotebookNode) -> str:
    """The first level-1 heading of the lesson ("" when it has none)."""
    for cell in lesson.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


__all__ = ["LESSON_CSS", "lesson_html", "write_lesson_pages"]
