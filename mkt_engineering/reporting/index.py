"""``reports/index.html``: one offline page listing every report, newest first."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from mkt_engineering.reporting.manifest import all_manifests
from mkt_engineering.reporting.page_css import LIST_PAGE_CSS
from mkt_engineering.reporting.redact import redact_value
from mkt_engineering.reporting.safe_html import with_csp

CSS = LIST_PAGE_CSS
# The columns of the index; on a phone each row becomes a block with these as labels.
COLUMNS = ("started", "report", "parameters", "status", "headline")


def _parameters_text(manifest: dict[str, Any]) -> str:
    given = manifest.get("parameters_given") or {}
    if not given:
        return "defaults"
    parts = []
    for name, value in given.items():
        if name.endswith("_file") and isinstance(value, str):
            value = Path(value).name
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{name} = {text}")
    return "; ".join(parts)


def _skipped_note(manifest: dict[str, Any]) -> str:
    """'2 sections not shown' under a run's status, so partial reports stand out.

    Examples
    --------
    >>> _skipped_note({"sections": [{"status": "skipped"}, {"status": "shown"}]})
    '<br><small>1 section not shown</small>'
    >>> _skipped_note({})
    ''
    """
    count = sum(entry.get("status") == "skipped" for entry in manifest.get("sections") or [])
    if not count:
        return ""
    return f"<br><small>{count} section{'' if count == 1 else 's'} not shown</small>"


def _row(out_dir: Path, folder: Path, manifest: dict[str, Any]) -> str:
    """One run as a table row; each cell carries its column name for the phone layout."""
    manifest = redact_value(manifest)
    link = folder.relative_to(out_dir).as_posix() + "/report.html"
    status = manifest.get("status", "?")
    when = str(manifest.get("started", ""))[:19].replace("T", " ")
    headline = manifest.get("headline") or (manifest.get("error") or "" if status != "ok" else "")
    name = html.escape(manifest.get("title") or manifest.get("analysis", ""))
    target = (
        f'<a href="{html.escape(link)}">{name}</a>'
        if (folder / "report.html").exists()
        else html.escape(manifest.get("analysis", ""))
    )
    cells = [
        ("", html.escape(when)),
        ("", f"{target}<br><small>{html.escape(folder.name)}</small>"),
        ("params", html.escape(_parameters_text(manifest))),
        (html.escape(status), f"{html.escape(status)}{_skipped_note(manifest)}"),
        ("", html.escape(str(headline))),
    ]
    return "<tr>" + "".join(_cell(*parts) for parts in zip(COLUMNS, cells, strict=True)) + "</tr>"


def _cell(column: str, content: tuple[str, str]) -> str:
    css_class, text = content
    attribute = f' class="{css_class}"' if css_class else ""
    return f'<td{attribute} data-label="{column}">{text}</td>'


def index_html(out_dir: Path) -> str:
    """The landing page's HTML for every run folder under `out_dir`.

    Parameters
    ----------
    out_dir : Path
        The reports folder (``<out_dir>/<analysis>/<run-id>/manifest.json``).

    Returns
    -------
    str
        The page: readable on a phone (viewport meta; each run a block), strict CSP.
    """
    rows = [_row(out_dir, folder, manifest) for folder, manifest in all_manifests(out_dir)]
    body = "".join(rows) or (
        '<tr><td colspan="5">No reports yet: run <code>mkt demo</code> or '
        "<code>mkt run ANALYSIS</code>.</td></tr>"
    )
    head = "".join(f"<th>{column}</th>" for column in COLUMNS)
    # The generator tag marks the page as the kit's own (reporting.folders checks it before
    # overwriting an index.html); written here, so the CSP meta stays the head's first element.
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="mkt-engineering"><title>Reports</title>'
        f"<style>{CSS}</style></head><body><main><h1>Reports</h1>"
        f'<p class="lead">{len(rows)} report run(s), newest first. '
        "Each link opens an offline report.</p>"
        f"{_lessons_link(out_dir)}"
        f'<div class="table-box"><table class="stack"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></main></body></html>\n"
    )
    return with_csp(page)


def _lessons_link(out_dir: Path) -> str:
    # The learning path page sits beside the index when `mkt demo` wrote it.
    if not (Path(out_dir) / "lessons.html").exists():
        return ""
    return (
        '<p>New to the analyses? The <a href="lessons.html">lessons</a> teach each one '
        "step by step.</p>"
    )


def write_index(out_dir: Path) -> Path:
    """Rewrite ``<out_dir>/index.html`` atomically; returns its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    temp = out_dir / f".index.html.{os.getpid()}"
    temp.write_text(index_html(out_dir), encoding="utf-8")
    os.replace(temp, path)
    return path
