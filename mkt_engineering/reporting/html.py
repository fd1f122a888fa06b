"""report.html from an executed notebook: no code, a header a manager can read, fully offline.

The page has the title, the run's status and headline, the parameters, the inputs, the
data-quality section, then the analysis (markdown and outputs, code hidden). A failed run
shows the failing cell with its code and the error, highlighted. Charts are inline SVG, the
CSS is inlined, and no script, style sheet, font or image is fetched from the network.
"""

from __future__ import annotations

import copy
import html
import re
import threading
import uuid
from pathlib import Path
from typing import Any

import nbformat

from mkt_engineering.reporting.notebook import ROLE_KEY, quality_html
from mkt_engineering.reporting.redact import redact_value
from mkt_engineering.reporting.safe_html import markdown_html, with_csp

TEMPLATES = Path(__file__).resolve().parent / "templates"
# A script, style sheet, image or frame that points at the network (what must never appear).
EXTERNAL = re.compile(
    r"<(script|link|img|iframe|source)\b[^>]*?\b(src|href)\s*=\s*[\"']?\s*(https?:)?//",
    re.IGNORECASE,
)
CSS = """
.mkt-report main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 48px; }
.mkt-report { font-family: Helvetica, Arial, sans-serif; color: #1d1d1d; }
.mkt-header h1 { font-size: 28px; margin: 0 0 4px; }
.mkt-description { color: #444; font-size: 15px; margin: 0 0 12px; }
.mkt-meta { color: #666; font-size: 13px; }
.mkt-headline-box { border-left: 5px solid #0072B2; background: #F2F8FC; padding: 10px 16px; font-size: 18px; margin: 14px 0; }
.mkt-status-failed { border-left: 5px solid #D55E00; background: #FDF0E8; padding: 10px 16px; margin: 14px 0; }
.mkt-report table.mkt-table { border-collapse: collapse; font-size: 13px; margin: 6px 0 14px; }
.mkt-report table.mkt-table th, .mkt-report table.mkt-table td { border-bottom: 1px solid #DDD; padding: 4px 10px; text-align: left; vertical-align: top; }
.mkt-report section h2 { font-size: 19px; border-bottom: 2px solid #EEE; padding-bottom: 4px; margin-top: 24px; }
.mkt-quality p { margin: 4px 0; }
.mkt-analysis { margin-top: 18px; }
.celltag_mkt-error { border: 2px solid #D55E00; border-radius: 4px; background: #FFF7F2; padding: 4px; }
.celltag_mkt-error::before { content: "This step failed"; display: block; font-weight: bold; color: #B34700; padding: 4px 8px; }
.mkt-footer { margin-top: 36px; color: #777; font-size: 12px; border-top: 1px solid #EEE; padding-top: 8px; }
.jp-OutputArea-output svg { max-width: 100%; height: auto; }
"""


def _value_text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    import json

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


def header_html(
    manifest: dict[str, Any], quality: list[dict[str, Any]], defaults: dict[str, Any]
) -> str:
    """Title, status, headline, parameters, inputs and data quality."""
    parts = [
        f'<header class="mkt-header"><h1>{html.escape(manifest.get("title", manifest["analysis"]))}</h1>'
    ]
    if manifest.get("description"):
        parts.append(f'<p class="mkt-description">{html.escape(manifest["description"])}</p>')
    parts.append(
        f'<p class="mkt-meta">Run {html.escape(manifest.get("run_id", ""))} · started {html.escape(str(manifest.get("started", ""))[:19]).replace("T", " ")}'
        f" · {manifest.get('duration_seconds', 0):.1f} s · status <b>{html.escape(manifest.get('status', ''))}</b></p></header>"
    )
    if manifest.get("status") != "ok":
        error = html.escape(
            redact_value(str(manifest.get("error") or "the notebook stopped with an error"))
        )
        # a --strict run failed for sections left out, not for a failing step
        where = (
            "The sections left out are listed below."
            if str(manifest.get("error") or "").startswith("strict:")
            else "The failing step is marked below."
        )
        parts.append(
            f'<div class="mkt-status-failed"><b>This report is incomplete.</b> {error}. {where}</div>'
        )
    if manifest.get("headline"):
        parts.append(f'<div class="mkt-headline-box">{html.escape(manifest["headline"])}</div>')
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
                "set for this run" if changed else "default",
            ]
        )
    parts.append(
        "<section><h2>Parameters</h2>"
        + (_table(rows, ["parameter", "value", ""]) if rows else "<p>None.</p>")
        + "</section>"
    )
    inputs = [
        [
            html.escape(Path(item["path"]).name),
            f"{item['bytes']:,} bytes",
            f"<code>{html.escape(str(item['sha256'])[:16])}…</code>",
        ]
        if "source" not in item
        else _source_cells(item)
        for item in manifest.get("inputs", [])
    ]
    if inputs:
        parts.append(
            "<section><h2>Input files</h2>"
            + _table(inputs, ["file", "size", "SHA-256"])
            + "</section>"
        )
    parts.append(_skipped_html(manifest.get("sections") or []))
    blocks = (
        "".join(quality_html(record) for record in quality)
        or "<p>The notebook reported no data-quality summary.</p>"
    )
    parts.append(f"<section><h2>Data quality</h2>{blocks}</section>")
    parts.append("<section><h2>Analysis</h2></section>")
    return "\n".join(parts)


def _skipped_html(sections: list[dict[str, Any]]) -> str:
    """The sections the report left out and why ("" when every section was shown)."""
    skipped = [entry for entry in sections if entry.get("status") == "skipped"]
    if not skipped:
        return ""
    items = "".join(
        f"<li><b>{html.escape(str(entry.get('name', '')).replace('_', ' '))}</b>: "
        f"{html.escape(redact_value(str(entry.get('reason') or 'no reason given')))}</li>"
        for entry in skipped
    )
    return f"<section><h2>Sections not shown</h2><ul>{items}</ul></section>"


def footer_html(manifest: dict[str, Any]) -> str:
    tables = manifest.get("tables", [])
    links = ", ".join(
        f'<a href="tables/{html.escape(t)}.csv">{html.escape(t)}.csv</a>' for t in tables
    )
    versions = ", ".join(
        f"{html.escape(k)} {html.escape(str(v))}" for k, v in manifest.get("packages", {}).items()
    )
    table_line = f"<p>Tables: {links} (and .parquet beside each).</p>" if tables else ""
    return f'<footer class="mkt-footer">{table_line}<p>Made with the Marketing Engineering Notebook Kit · {versions}</p></footer>'


def prepare_notebook(notebook: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """A copy ready for the page: code hidden (except a failing cell), header outputs moved up."""
    page = copy.deepcopy(notebook)
    page.metadata["title"] = title
    kept = []
    title_seen = False
    for cell in page.cells:
        tags = cell.metadata.get("tags", [])
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

            exporter = HTMLExporter(
                template_name="mkt_report",
                extra_template_basedirs=[str(TEMPLATES)],
                filters={"mkt_safe_markdown": markdown_html},
            )
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
            exporter.theme = "light"
            # One small page through every step, so the first real page pays no lazy imports.
            exporter.from_notebook_node(
                _warm_up_notebook(), resources={"mkt_css": "", "mkt_header": "", "mkt_footer": ""}
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


def _set_charts_aside(page: nbformat.NotebookNode) -> dict[str, str]:
    """Swap each SVG chart for a placeholder; returns placeholder -> SVG.

    nbconvert parses and re-serialises the whole page once (BeautifulSoup); the charts are
    most of its bytes and need none of it, so they go back in afterwards, untouched.
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
    defaults: dict[str, Any],
) -> str:
    """The complete report page as one HTML string."""
    exporter = report_exporter()
    resources = {
        "mkt_css": CSS,
        "mkt_header": header_html(manifest, quality, defaults),
        "mkt_footer": footer_html(manifest),
    }
    page_notebook = prepare_notebook(notebook, manifest.get("title", manifest["analysis"]))
    charts = _set_charts_aside(page_notebook)
    body, _ = exporter.from_notebook_node(page_notebook, resources=resources)
    for placeholder, svg in charts.items():
        body = body.replace(placeholder, svg, 1)
    return with_csp(strip_external(body))
