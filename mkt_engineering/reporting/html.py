"""report.html from an executed notebook: no code, the answer first, fully offline.

The page reads top to bottom: a link back to the reports index, the title, the run's status,
the summary block (headline, number cards, recommended action, bullets; see
`reporting.summary`), a table of contents, the analysis (markdown and outputs, code hidden),
the sections left out, and "Run details" (parameters, inputs with their hashes, data quality)
collapsed at the end. A failed run shows the failing cell with its code and the error,
highlighted. Charts are inline SVG, the CSS is inlined (only the rules the page uses, see
`reporting.page_css`), and no script, style sheet, font or image is fetched from the network.
"""

from __future__ import annotations

import copy
import html
import json
import re
import threading
import uuid
from pathlib import Path
from typing import Any

import nbformat

from mkt_engineering.reporting.notebook import ROLE_KEY, quality_html
from mkt_engineering.reporting.page_css import REPORT_CSS
from mkt_engineering.reporting.page_layout import (
    find_summary,
    label,
    page_language,
    toc_html,
)
from mkt_engineering.reporting.redact import redact_value
from mkt_engineering.reporting.safe_html import markdown_html, with_csp
from mkt_engineering.reporting.summary import Summary, summary_html

TEMPLATES = Path(__file__).resolve().parent / "templates"
# A script, style sheet, image or frame that points at the network (what must never appear).
EXTERNAL = re.compile(
    r"<(script|link|img|iframe|source)\b[^>]*?\b(src|href)\s*=\s*[\"']?\s*(https?:)?//",
    re.IGNORECASE,
)
CSS = REPORT_CSS
# A report sits in <out>/<analysis>/<run-id>/; the index in <out>/.
INDEX_LINK = "../../index.html"


def _value_text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _file_name(value: str) -> str:
    """An input file's name, or a source's short secret-free name (no local folders)."""
    from mkt_engineering.sources import display_name, is_source_uri

    if is_source_uri(value):
        try:
            return display_name(value)
        except ValueError:  # not a source the kit reads; shown like a file
            pass
    return Path(value).name


def _source_cells(item: dict[str, Any]) -> list[str]:
    """A source input (a table where it lives): its name, rows read, and no hash."""
    rows = item.get("rows_read")
    return [
        html.escape(_file_name(item["source"])),
        f"{rows:,} rows" if isinstance(rows, int) else "",
        "none (a table, not a file)",
    ]


def _table(rows: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="mkt-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _meta_line(manifest: dict[str, Any], language: str) -> str:
    started = html.escape(str(manifest.get("started", ""))[:19]).replace("T", " ")
    return (
        f'<p class="mkt-meta">{label("run", language)} {html.escape(manifest.get("run_id", ""))}'
        f" · {label('started', language)} {started}"
        f" · {manifest.get('duration_seconds', 0):.1f} s"
        f" · {label('status', language)} <b>{html.escape(manifest.get('status', ''))}</b></p>"
    )


def _failed_html(manifest: dict[str, Any], language: str) -> str:
    """The box that says a run is incomplete and where to look ("" for a complete run)."""
    if manifest.get("status") == "ok":
        return ""
    error = html.escape(
        redact_value(str(manifest.get("error") or "the notebook stopped with an error"))
    )
    # a --strict run failed for sections left out, not for a failing step
    strict = str(manifest.get("error") or "").startswith("strict:")
    where = label("left_out_below" if strict else "failing_below", language)
    return (
        f'<div class="mkt-status-failed"><b>{label("incomplete", language)}</b> {error}. '
        f"{where}</div>"
    )


def header_html(manifest: dict[str, Any], summary: Summary | None = None, toc: str = "") -> str:
    """The top of the page: index link, title, status, the answer first, contents.

    Parameters
    ----------
    manifest : dict
        The run's manifest (title, description, status, headline, parameters).
    summary : Summary, optional
        What the notebook showed with `show_summary`; without it, the headline alone.
    toc : str
        The table of contents (see `page_layout.toc_html`), placed after the summary.

    Returns
    -------
    str
        HTML; every data-derived string escaped. The sections left out follow the contents.
    """
    language = page_language(manifest)
    title = html.escape(manifest.get("title") or manifest["analysis"])
    parts = [
        f'<nav class="mkt-topnav"><a href="{INDEX_LINK}">{label("index", language)}</a></nav>',
        f'<header class="mkt-header"><h1>{title}</h1>',
    ]
    if manifest.get("description"):
        parts.append(f'<p class="mkt-description">{html.escape(manifest["description"])}</p>')
    parts += [_meta_line(manifest, language), "</header>", _failed_html(manifest, language)]
    if summary is not None:
        parts.append(summary_html(summary, language))
    elif manifest.get("headline"):
        parts.append(f'<div class="mkt-headline-box">{html.escape(manifest["headline"])}</div>')
    parts += [toc, _skipped_html(manifest.get("sections") or [], language)]
    return "\n".join(part for part in parts if part)


def _parameter_rows(manifest: dict[str, Any], language: str) -> list[list[str]]:
    rows = []
    for name, value in manifest.get("parameters", {}).items():
        changed = name in manifest.get("parameters_given", {})
        shown = html.escape(redact_value(_value_text(value)))
        if name.endswith("_file") and isinstance(value, str):
            shown = html.escape(_file_name(value))
        rows.append(
            [
                f"<code>{html.escape(name)}</code>",
                shown,
                label("set" if changed else "default", language),
            ]
        )
    return rows


def run_details_html(manifest: dict[str, Any], quality: list[dict[str, Any]]) -> str:
    """ "Run details" at the end of the page: parameters, inputs, data quality, collapsed.

    Parameters
    ----------
    manifest : dict
        The run's manifest.
    quality : list of dict
        The data-quality records the notebook showed.

    Returns
    -------
    str
        A ``<details id="run-details">`` element (opens without script).
    """
    language = page_language(manifest)
    rows = _parameter_rows(manifest, language)
    header = [label("parameter", language), label("value", language), ""]
    parts = [
        f"<h2>{label('parameters', language)}</h2>"
        + (_table(rows, header) if rows else f"<p>{label('none', language)}</p>")
    ]
    inputs = [
        [
            html.escape(Path(item["path"]).name),
            f"{item['bytes']:,} {label('bytes', language)}",
            f"<code>{html.escape(str(item['sha256'])[:16])}…</code>",
        ]
        if "source" not in item
        else _source_cells(item)
        for item in manifest.get("inputs", [])
    ]
    if inputs:
        header = [label("file", language), label("size", language), "SHA-256"]
        parts.append(f"<h2>{label('input_files', language)}</h2>" + _table(inputs, header))
    blocks = "".join(quality_html(record, language) for record in quality) or (
        f"<p>{label('no_quality', language)}</p>"
    )
    parts.append(f"<h2>{label('data_quality', language)}</h2>{blocks}")
    return (
        f'<details class="mkt-run-details" id="run-details">'
        f"<summary>{label('run_details', language)}</summary>{''.join(parts)}</details>"
    )


def _skipped_html(sections: list[dict[str, Any]], language: str = "en") -> str:
    """The sections the report left out and why ("" when every section was shown)."""
    skipped = [entry for entry in sections if entry.get("status") == "skipped"]
    if not skipped:
        return ""
    items = "".join(
        f"<li><b>{html.escape(str(entry.get('name', '')).replace('_', ' '))}</b>: "
        f"{html.escape(redact_value(str(entry.get('reason') or 'no reason given')))}</li>"
        for entry in skipped
    )
    return (
        f'<section class="mkt-skipped"><h2>{label("not_shown", language)}</h2>'
        f"<ul>{items}</ul></section>"
    )


def footer_html(manifest: dict[str, Any]) -> str:
    """The table downloads and the package versions.

    Parameters
    ----------
    manifest : dict
        The run's manifest (``tables``, ``packages``).

    Returns
    -------
    str
        A ``<footer>`` element.
    """
    language = page_language(manifest)
    tables = manifest.get("tables", [])
    links = ", ".join(
        f'<a href="tables/{html.escape(t)}.csv">{html.escape(t)}.csv</a>' for t in tables
    )
    versions = ", ".join(
        f"{html.escape(k)} {html.escape(str(v))}" for k, v in manifest.get("packages", {}).items()
    )
    table_line = (
        f"<p>{label('tables', language)}: {links} {label('beside', language)}.</p>"
        if tables
        else ""
    )
    return (
        f'<footer class="mkt-footer">{table_line}'
        f"<p>{label('made_with', language)} · {versions}</p></footer>"
    )


def prepare_notebook(
    notebook: nbformat.NotebookNode, title: str, language: str = "en"
) -> nbformat.NotebookNode:
    """A copy ready for the page: code hidden (except a failing cell), header outputs moved up.

    A markdown cell tagged ``lang-en`` or ``lang-de`` is prose in that language: the page of a
    run in the other `language` leaves it out, so a German report reads German text only.
    """
    page = copy.deepcopy(notebook)
    page.metadata["title"] = title
    kept = []
    title_seen = False
    for cell in page.cells:
        tags = cell.metadata.get("tags", [])
        if any(tag.startswith("lang-") and tag != f"lang-{language}" for tag in tags):
            continue  # prose written for a page in the other language
        if cell.cell_type == "code" and ({"parameters", "injected-parameters"} & set(tags)):
            continue
        if (
            cell.cell_type == "markdown"
            and not title_seen
            and cell.source.lstrip().startswith("# ")
        ):
            title_seen = True
            continue  # the title cell: the header shows title and description
        if cell.cell_type == "code":
            failed = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            if failed:
                cell.metadata["tags"] = [*tags, "mkt-error"]
            else:
                cell.metadata.setdefault("transient", {})["remove_source"] = True
            cell.outputs = [
                redact_value(out)
                for out in cell.outputs
                if not out.get("metadata", {}).get(ROLE_KEY)
            ]
            cell.outputs = [nbformat.from_dict(out) for out in cell.outputs]
            if not cell.outputs and not failed:
                continue
        elif cell.cell_type == "markdown":
            cell.source = redact_value(cell.source)
        kept.append(cell)
    page.cells = kept
    return page


def strip_external(page: str) -> str:
    """Drop any tag that would fetch from the network (belt and braces after the template)."""
    return re.sub(
        r"<(script|link|img|iframe|source)\b[^>]*?\b(src|href)\s*=\s*[\"']?\s*(https?:)?//[^>]*>(\s*</\1>)?",
        "",
        page,
        flags=re.IGNORECASE,
    )


_exporter: Any = None
_exporter_lock = threading.Lock()


def report_exporter() -> Any:
    """The page exporter, built once per process with its templates compiled.

    Importing nbconvert and compiling the templates takes about a second; a run builds it
    in a thread while its notebook executes, and a batch worker reuses it for every report.
    """
    global _exporter
    with _exporter_lock:
        if _exporter is None:
            from nbconvert import HTMLExporter
            from traitlets.config import Config

            exporter = HTMLExporter(
                template_name="mkt_report",
                extra_template_basedirs=[str(TEMPLATES)],
                filters={"mkt_safe_markdown": markdown_html},
                # no code highlighting styles: code shows only in a failing cell
                config=Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}),
            )
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
            exporter.theme = "light"
            # One small page through every step, so the first real page pays no lazy imports.
            exporter.from_notebook_node(
                _warm_up_notebook(),
                resources={"mkt_css": "", "mkt_header": "", "mkt_details": "", "mkt_footer": ""},
            )
            _exporter = exporter
        return _exporter


def _warm_up_notebook() -> nbformat.NotebookNode:
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    output = new_output(
        "display_data",
        data={"text/html": "<b>x</b>", "image/svg+xml": "<svg></svg>", "text/plain": "x"},
    )
    cell = new_code_cell("x = 1", outputs=[output])
    cell.metadata["transient"] = {"remove_source": True}
    notebook = new_notebook(cells=[new_markdown_cell("## Warm-up\n\nText with `code`."), cell])
    notebook.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return notebook


def set_charts_aside(page: nbformat.NotebookNode) -> dict[str, str]:
    """Swap each SVG chart for a placeholder; returns placeholder -> SVG.

    nbconvert parses and re-serialises the whole page once (BeautifulSoup); the charts are
    most of its bytes and need none of it, so they go back in afterwards, untouched.

    Parameters
    ----------
    page : nbformat.NotebookNode
        The notebook about to be exported (changed in place).

    Returns
    -------
    dict
        Placeholder -> the SVG it stands for.
    """
    charts: dict[str, str] = {}
    prefix = f"mkt-chart-{uuid.uuid4().hex}-"
    for cell in page.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            svg = output.get("data", {}).get("image/svg+xml")
            if isinstance(svg, str) and svg:
                placeholder = f"{prefix}{len(charts)}"
                charts[placeholder] = svg
                output["data"]["image/svg+xml"] = placeholder
    return charts


def render_report(
    notebook: nbformat.NotebookNode,
    manifest: dict[str, Any],
    quality: list[dict[str, Any]],
    defaults: dict[str, Any] | None = None,
) -> str:
    """The complete report page as one HTML string.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The executed notebook (e-mail addresses already redacted).
    manifest : dict
        The run's manifest.
    quality : list of dict
        The data-quality records, shown under "Run details".
    defaults : dict, optional
        Unused; kept for callers of the earlier signature.

    Returns
    -------
    str
        The page, with the kit's Content-Security-Policy first in its head.
    """
    exporter = report_exporter()
    # The contents are known only once the analysis is rendered: a placeholder holds the spot.
    toc_spot = f"mkt-toc-{uuid.uuid4().hex}"
    resources = {
        "mkt_css": CSS,
        "mkt_header": header_html(manifest, find_summary(notebook), toc_spot),
        "mkt_details": run_details_html(manifest, quality),
        "mkt_footer": footer_html(manifest),
    }
    page_notebook = prepare_notebook(
        notebook, manifest.get("title", manifest["analysis"]), page_language(manifest)
    )
    charts = set_charts_aside(page_notebook)
    body, _ = exporter.from_notebook_node(page_notebook, resources=resources)
    language = page_language(manifest)
    body = body.replace(toc_spot, toc_html(body, language), 1)
    # the page's language (screen readers, hyphenation, the CSS's German words)
    body = body.replace('<html lang="en">', f'<html lang="{language}">', 1)
    for placeholder, svg in charts.items():
        body = body.replace(placeholder, svg, 1)  # lean already: the renderer wrote it
    return with_csp(strip_external(body))
