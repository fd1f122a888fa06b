"""The notebook side of the report pipeline: what a report notebook calls.

Run by ``mkt run``, the kernel gets the temporary run folder in the environment variable
``MKT_RUN_DIR``; the functions below then also write into it (tables, headline, data
quality). Opened interactively they only display, so a notebook runs the same either way.

Examples
--------
>>> set_headline("Search earns 31% of conversions")  # returns None: a cell ending with it
>>> _state["headline"]                                # echoes nothing into the report
'Search earns 31% of conversions'
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

# polars (and redact, which needs it) load on first use: `mkt run` imports this module for
# its constants before the kernel starts, and must not wait a second for polars.
if TYPE_CHECKING:
    import polars as pl

RUN_DIR_ENV = "MKT_RUN_DIR"
STATE_FILE = "notebook_state.json"
# Output metadata that marks what the report header shows already (kept out of the body).
ROLE_KEY = "mkt_role"

_state: dict[str, Any] = {
    "headline": None,
    "quality": [],
    "tables": [],
    "language": "en",
    "sections": [],
    # one {"chart", "rows", "seconds"} per chart drawn, in order (see `chart_sizes`)
    "chart_rows": [],
}

MAX_CHART_ROWS = 5000
"""Data rows one chart may carry (altair's own limit). Chart functions aggregate first (bins,
a grid, thinned curves), so a chart above it is a fault of the chart, not of the data size."""


class ChartTooLargeError(RuntimeError):
    """A chart spec carries more data rows than `MAX_CHART_ROWS`."""


def run_dir() -> Path | None:
    """The run folder when executed by ``mkt run``; None interactively."""
    value = os.environ.get(RUN_DIR_ENV)
    return Path(value) if value else None


def _write_state() -> None:
    folder = run_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE_FILE).write_text(json.dumps(_state, indent=2, default=str), encoding="utf-8")


def _display(
    html_text: str,
    role: str | None = None,
    plain: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Show already-escaped HTML; `plain` is the text/plain form (for nbval and consoles).

    `role` marks an output the page places itself (kept out of the report body); `extra`
    is JSON-safe metadata the page reads back (e.g. the summary's fields).
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:  # plain Python (a script export of the notebook, a doctest)
        return
    data = {"text/html": html_text, "text/plain": plain if plain is not None else html_text}
    metadata = {**({ROLE_KEY: role} if role else {}), **(extra or {})}
    display(data, raw=True, metadata=metadata or None)


def display_html(
    html_text: str,
    role: str | None = None,
    plain: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Show HTML that is already escaped, for the kit's own blocks (see `summary.show_summary`).

    Parameters
    ----------
    html_text : str
        Escaped HTML.
    role : str, optional
        Marks an output the page places itself ("summary", "headline", "quality"); the
        report body leaves it out.
    plain : str, optional
        The text/plain form (consoles, nbval); the HTML when not given.
    extra : dict, optional
        JSON-safe output metadata the page reads back.

    Examples
    --------
    >>> display_html("<p>x</p>")  # displays only inside a notebook
    """
    _display(html_text, role=role, plain=plain, extra=extra)


def say(text: str) -> None:
    """Show Markdown text in the report, safely: the one text sink of the report notebooks.

    Raw HTML in `text` is escaped and links other than http(s), mailto, anchors and relative
    paths are blocked (see `mkt_engineering.reporting.safe_html`), so a channel or column
    name from the data shows as text and never runs as script. Mark a data-derived name with
    `mkt_engineering.text.markdown_literal` to keep its ``*``, ``_`` or ``[…](…)`` literal too.

    Parameters
    ----------
    text : str
        Markdown: emphasis, lists, tables, code and links work as usual.

    Examples
    --------
    >>> say("**Search** earns most")  # displays only inside a notebook
    """
    from mkt_engineering.reporting.safe_html import markdown_html

    _display(markdown_html(str(text)), plain=str(text))


def spec_rows(spec: dict) -> int:
    """Data rows a Vega-Lite spec carries: inline ``data.values`` anywhere plus ``datasets``.

    Parameters
    ----------
    spec : dict
        A chart's spec, e.g. ``chart.to_dict()``.

    Returns
    -------
    int
        The rows of every dataset and every inline data block, added up.

    Examples
    --------
    >>> spec_rows({"datasets": {"a": [{"x": 1}, {"x": 2}]},
    ...            "layer": [{"data": {"values": [{"y": 0}]}, "mark": "rule"}]})
    3
    """
    rows = sum(len(v) for v in (spec.get("datasets") or {}).values() if isinstance(v, list))
    stack: list[Any] = [spec]
    while stack:  # walks the nesting of layers, concats and facets, never the data rows
        node = stack.pop()
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                rows += len(data["values"])
            stack.extend(v for k, v in node.items() if k not in ("data", "datasets"))
        elif isinstance(node, list):
            stack.extend(node)
    return rows


def _title_text(title: Any) -> str:
    text = title.get("text") if isinstance(title, dict) else title
    if isinstance(text, list):
        text = " ".join(str(part) for part in text)
    return str(text) if text else ""


def _chart_label(spec: dict) -> str:
    """The chart's title, else its first mark: how the size record names a chart.

    A title or mark may sit on the chart or on its first layer or concatenated part.
    """
    node: Any = spec
    mark = None
    while isinstance(node, dict):
        title = _title_text(node.get("title"))
        if title:
            return title
        if mark is None and node.get("mark") is not None:
            mark = node["mark"].get("type") if isinstance(node["mark"], dict) else node["mark"]
        parts = node.get("layer") or node.get("hconcat") or node.get("vconcat") or []
        node = parts[0] if parts else node.get("spec")
    return f"untitled {mark}" if mark else "untitled"


def svg_renderer(spec: dict, **metadata: Any) -> dict:
    """Altair renderer: the chart as inline SVG (vl-convert), so reports need no JavaScript.

    Each mark's hover text is what the chart's tooltip says, in the tooltip's formats and
    the report's language (`chart_svg.render_svg`); the SVG gets its accessible name and
    hover titles (`accessible_svg`) and is written compactly (`svg_lean.lean_svg`).
    Each chart's data rows and render seconds are recorded (see `chart_sizes`); a chart with
    more than `MAX_CHART_ROWS` rows is recorded and then refused with `ChartTooLargeError`,
    instead of being truncated or drawn slowly.
    """
    import time

    import altair as alt

    from mkt_engineering.reporting.chart_svg import render_svg
    from mkt_engineering.reporting.svg_lean import lean_svg

    label, rows = _chart_label(spec), spec_rows(spec)
    entry = {"chart": label, "rows": rows, "seconds": None}
    _state["chart_rows"].append(entry)
    _write_state()
    if rows > MAX_CHART_ROWS:
        raise ChartTooLargeError(
            f"The chart {label!r} carries {rows:,} data rows, more than the "
            f"{MAX_CHART_ROWS:,} a report chart may carry; its chart function must aggregate "
            "(bin, thin, merge categories) before charting."
        )
    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    started = time.perf_counter()
    if _state["language"] == "de":  # chart functions write English; a German report reads German
        from mkt_engineering.charts.german import translate_spec

        spec = translate_spec(spec)
    # each mark's hover text is what its tooltip says, formatted as the tooltip formats it;
    # then the drawing is written compactly (font once, shared guide attributes, 1/10 px)
    svg = lean_svg(accessible_svg(render_svg(spec, version), _accessible_name(spec)))
    entry["seconds"] = round(time.perf_counter() - started, 4)
    _write_state()
    plain = _title_text(spec.get("title")) or "untitled"  # as before: the top-level title
    return {"image/svg+xml": svg, "text/plain": f"<chart: {plain}>"}


def _accessible_name(spec: dict) -> str:
    """The chart's title and subtitle as one sentence: what a screen reader announces."""
    title = spec.get("title")
    subtitle = _title_text(title.get("subtitle")) if isinstance(title, dict) else ""
    name = _chart_label(spec)
    if not subtitle:
        return name
    return f"{name} {subtitle}" if name.endswith((".", "?", "!", ":")) else f"{name}. {subtitle}"


# One element vega drew for one datum: it carries the datum's description as aria-label
# (the renderer has it written from the chart's tooltip, see `chart_svg`). Attribute values
# are matched as whole quoted strings, so a ">" inside one cannot end the tag early.
_MARK_ITEM = re.compile(
    r"<(?P<tag>path|line|rect|circle|ellipse|polygon|text|image)"
    r'(?P<attrs>(?:\s+[\w:-]+="[^"]*")*)\s*(?P<close>/?)>'
)
_ARIA_LABEL = re.compile(r'\saria-label="([^"]*)"')
_ROLE_DESCRIPTION = re.compile(r'\saria-roledescription="[^"]*"')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


# One path drawn for a whole series: vega labels it with its first datum only ("x: 1; lo: 1"),
# which would read as the series' value, so such a path gets neither hover text nor label.
# A name the chart gave the series itself (its `description`, no "field: value" list) stays.
_SERIES_MARK = re.compile(r'\saria-roledescription="(line|area|trail) mark"')
_DATUM_LIST = re.compile(r"^[^;]*?: [^;]*(; |$)")


def _with_title(match: re.Match[str]) -> str:
    attrs = match.group("attrs")
    label = _ARIA_LABEL.search(attrs)
    if label is None or 'role="graphics-symbol"' not in attrs:
        return match.group(0)  # axes, legends, backgrounds: no hover text
    if _SERIES_MARK.search(attrs) and _DATUM_LIST.search(label.group(1)):
        kept = _ROLE_DESCRIPTION.sub("", attrs[: label.start()] + attrs[label.end() :])
        return f"<{match.group('tag')}{kept}{' /' if match.group('close') else ''}>"
    # the attribute is XML-escaped; the element text is escaped again from its plain form
    tip = f"<title>{html.escape(html.unescape(label.group(1)), quote=False)}</title>"
    # the <title> child names the element for screen readers too (SVG-AAM), so the
    # attribute goes: the text once per mark, not twice (a heatmap has hundreds of marks).
    # The role description ("rect mark") goes as well: role="graphics-symbol" says what
    # the element is, and the mark's container group keeps its own role description.
    kept = _ROLE_DESCRIPTION.sub("", attrs[: label.start()] + attrs[label.end() :])
    opening = f"<{match.group('tag')}{kept}>"
    return f"{opening}{tip}</{match.group('tag')}>" if match.group("close") else opening + tip


def accessible_svg(svg: str, name: str) -> str:
    """A vega SVG with an accessible name and a hover text on every drawn datum.

    vl-convert's SVG names its axes for screen readers but not the chart, and browsers show
    no tooltip for it (vega's tooltips need script, which the reports' strict
    Content-Security-Policy forbids). Here the ``<svg>`` gets ``role``, ``aria-label`` and
    a first-child ``<title>`` (its accessible name), and each mark element a ``<title>``
    in place of its ``aria-label`` (and no ``aria-roledescription``, which its role and
    its group's description say): the browser's own hover text, offline and without
    script, and still the element's accessible name. The label is the mark's tooltip as
    `chart_svg.render_svg` wrote it ("channel: search; share: 19.2%"), or a description
    the chart gave the mark. All text is escaped, so a channel name from the data stays
    text.

    Parameters
    ----------
    svg : str
        The SVG of `vl_convert.vegalite_to_svg`.
    name : str
        The chart's accessible name, e.g. its title.

    Returns
    -------
    str
        The same drawing with the added attributes and ``<title>`` elements.

    Examples
    --------
    >>> svg = ('<svg class="marks"><g><path aria-label="channel: a&lt;b; share: 19.2%" '
    ...        'role="graphics-symbol" aria-roledescription="rect mark" d="M0,0h1"/></g></svg>')
    >>> print(accessible_svg(svg, "Top <paths>"))  # doctest: +NORMALIZE_WHITESPACE
    <svg class="marks" role="graphics-document document" aria-roledescription="chart"
    aria-label="Top &lt;paths&gt;"><title>Top &lt;paths&gt;</title><g><path
    role="graphics-symbol" d="M0,0h1"><title>channel: a&lt;b; share: 19.2%</title></path></g></svg>

    A line drawn for a whole series keeps no datum's label (it would read as the series'
    value); a name the chart gave the series stays:

    >>> line = ('<svg><path aria-label="day: 1; change: +1.5 points" role="graphics-symbol" '
    ...         'aria-roledescription="line mark" d="M0,0L5,5"/></svg>')
    >>> print(accessible_svg(line, "Effect over time"))  # doctest: +NORMALIZE_WHITESPACE
    <svg role="graphics-document document" aria-roledescription="chart"
    aria-label="Effect over time"><title>Effect over time</title><path
    role="graphics-symbol" d="M0,0L5,5" /></svg>
    """
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        return svg
    label = html.escape(name, quote=True)
    root = (
        f'{opening.group(0)[:-1]} role="graphics-document document" '
        f'aria-roledescription="chart" aria-label="{label}"><title>{html.escape(name)}</title>'
    )
    body = _MARK_ITEM.sub(_with_title, svg[opening.end() :])
    return svg[: opening.start()] + root + body


def chart_sizes() -> list[dict[str, Any]]:
    """Every chart drawn so far with its data rows and SVG render seconds, in order.

    The notebook state that ``mkt run`` reads back keeps the same list under ``chart_rows``.

    Returns
    -------
    list of dict
        ``{"chart": title or mark, "rows": int, "seconds": float or None}`` per chart
        (``seconds`` is None for a chart refused for its size).

    Examples
    --------
    >>> isinstance(chart_sizes(), list)
    True
    """
    return [dict(entry) for entry in _state["chart_rows"]]


def setup_notebook(language: str = "en") -> None:
    """Theme, offline chart rendering and table display; call once near the top.

    Parameters
    ----------
    language : {"en", "de"}
        Number formats of charts and tables (German: 1.234,5).
    """
    if language not in ("en", "de"):
        raise ValueError(f"language must be 'en' or 'de', got {language!r}")
    import altair as alt
    import polars as pl

    from mkt_engineering.charts.theme import use_theme

    use_theme(language)  # type: ignore[arg-type]
    alt.renderers.register("mkt_svg", svg_renderer)
    alt.renderers.enable("mkt_svg")
    # The renderer checks the rows itself and names the chart in the record and the error;
    # altair's own check raised first, so a chart over the limit left no trace in the run.
    alt.data_transformers.disable_max_rows()
    pl.Config.set_tbl_rows(20)
    pl.Config.set_fmt_str_lengths(60)
    pl.Config.set_tbl_hide_dataframe_shape(True)
    pl.Config.set_tbl_hide_column_data_types(True)
    pl.Config.set_thousands_separator("." if language == "de" else ",")
    pl.Config.set_decimal_separator("," if language == "de" else ".")
    _show_tables_readably(language)
    _state["language"] = language
    # seconds and peak memory per cell and section, for the manifest's profile
    from mkt_engineering.reporting import profiling

    profiling.start(_state.setdefault("profile", []), _write_state)
    _write_state()


def _show_tables_readably(language: str) -> None:
    """Every DataFrame a cell shows goes through `tables.frame_html` (one formatter for all).

    polars' own HTML quotes text and prints floats in full; only the HTML changes, the
    plain-text view and the saved files stay as they are.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:  # plain Python: nothing is displayed as HTML
        return
    import polars as pl

    from mkt_engineering.reporting.tables import frame_html

    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(pl.DataFrame, lambda frame: frame_html(frame, language=language))  # type: ignore[arg-type]


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def quality_record(quality: Any, language: str = "en") -> dict[str, Any]:
    """A loader's DataQuality as a JSON-safe dict (whatever its exact class).

    Parameters
    ----------
    quality : DataQuality, dict or dataclass
        What a loader returned.
    language : {"en", "de"}
        Language of the issues' messages, when the object can write them in it.

    Returns
    -------
    dict
        The record, with secrets redacted.
    """
    from mkt_engineering.quality import DataQuality

    if isinstance(quality, dict):
        record = dict(quality)
    elif isinstance(quality, DataQuality):
        record = quality.to_dict(language=language)
    elif hasattr(quality, "to_dict"):
        record = quality.to_dict()
    elif dataclasses.is_dataclass(quality) and not isinstance(quality, type):
        record = dataclasses.asdict(quality)
    else:
        record = {"summary": str(quality)}
    from mkt_engineering.reporting.redact import redact_value

    return redact_value(_json_safe(record))


# The quality block's own words; the issues' sentences come from DataQuality.to_dict.
_QUALITY_WORDS = {
    "en": {
        "from": "from",
        "rows": "{n} rows",
        "none_removed": "no rows removed",
        "removed": "{n} row(s) removed, each counted below",
        "no_issues": "no issues found",
        "issues": "{n} issue(s) noted, {kept}",
    },
    "de": {
        "from": "aus",
        "rows": "{n} Zeilen",
        "none_removed": "keine Zeilen entfernt",
        "removed": "{n} Zeile(n) entfernt, jede unten gezählt",
        "no_issues": "keine Auffälligkeiten",
        "issues": "{n} Auffälligkeit(en), {kept}",
    },
}
# German names of the loader's facts (the record's keys); English shows the key itself.
_FACTS_DE = {
    "rows_read": "gelesene Zeilen",
    "rows_removed": "entfernte Zeilen",
    "encoding": "Zeichenkodierung",
    "separator": "Trennzeichen",
    "decimal_comma": "Dezimalkomma",
    "out_of_range_dates": "Zeilen mit unmöglichem Datum",
    "engine": "Engine",
    "source_table": "Quelltabelle",
    "query": "Abfrage",
    "in_engine": "in der Engine geprüft",
}


def quality_html(record: dict[str, Any], language: str = "en") -> str:
    """A short HTML block for one DataQuality record.

    Parameters
    ----------
    record : dict
        A record of `quality_record` (its issues' messages already in `language`).
    language : {"en", "de"}
        Language and number format of the block's own words and facts.

    Returns
    -------
    str
        The block, every data-derived text escaped.

    Examples
    --------
    >>> quality_html({"table": "orders", "rows": 1200, "issues": []}, language="de")
    '<div class="mkt-quality"><p><b>orders</b> · 1.200 Zeilen: keine Auffälligkeiten.</p></div>'
    """
    from mkt_engineering.reporting.tables import value_text

    words = _QUALITY_WORDS["de" if language == "de" else "en"]
    german = language == "de"
    source = str(record.get("source", ""))
    name = Path(source).name if source else ""
    facts = [f"<b>{html.escape(str(record.get('table', 'table')))}</b>"]
    if name:
        facts.append(f"{words['from']} <code>{html.escape(name)}</code>")
    if "rows" in record:
        facts.append(words["rows"].format(n=value_text(int(record["rows"]), language)))
    issues = record.get("issues") or []
    lines = "".join(f"<li>{html.escape(_issue_text(issue))}</li>" for issue in issues)
    scalar = {
        k: v
        for k, v in record.items()
        if k not in {"source", "table", "rows", "issues"}
        and not isinstance(v, list | dict)
        # a fact that does not apply (no encoding for a database table, no query for a
        # file) is left out instead of listed as a dash
        and v is not None
    }
    extra = "".join(
        f"<li>{html.escape(_fact_name(str(k), german))}: "
        f"{html.escape(value_text(v, language))}</li>"
        for k, v in scalar.items()
    )
    # The loader removes rows only for a stated reason (consent, date range, blank lines) and
    # counts them; say so instead of promising that nothing was dropped.
    removed = int(record.get("rows_removed") or 0)
    removed_text = value_text(removed, language)
    kept = words["none_removed"] if removed == 0 else words["removed"].format(n=removed_text)
    verdict = (
        words["issues"].format(n=value_text(len(issues), language), kept=kept)
        if issues
        else words["no_issues"]
    )
    body = f"<ul>{lines}{extra}</ul>" if lines or extra else ""
    return f'<div class="mkt-quality"><p>{" · ".join(facts)}: {verdict}.</p>{body}</div>'


def _fact_name(key: str, german: bool) -> str:
    """A record key as a reader's words ('rows_read' -> 'rows read' / 'gelesene Zeilen')."""
    return _FACTS_DE.get(key, key.replace("_", " ")) if german else key.replace("_", " ")


def _issue_text(issue: Any) -> str:
    if isinstance(issue, dict):
        message = issue.get("message") or issue.get("description")
        if message:
            return str(message)
        if "check" in issue:
            count = f": {issue['count']:,}" if isinstance(issue.get("count"), int) else ""
            note = f" ({issue['note']})" if issue.get("note") else ""
            return f"{issue['check']}{count}{note}"
        return ", ".join(f"{k}: {v}" for k, v in issue.items())
    return str(issue)


def show_quality(quality: Any) -> None:
    """Show a loader's data-quality summary and record it for the report's quality section.

    Parameters
    ----------
    quality : DataQuality or dict
        What a loader returned (any object with ``to_dict``, a dataclass or a dict). A
        DataQuality writes its sentences in the report's language (`language()`).
    """
    # The messages are written now, in the report's language: the page only shows them.
    record = quality_record(quality, language())
    _state["quality"].append(record)
    _write_state()
    _display(quality_html(record, language()), role="quality")


def save_table(frame: pl.DataFrame | pl.LazyFrame, name: str) -> pl.DataFrame:
    """Keep a key result table: ``tables/<name>.csv`` and ``.parquet`` of the run.

    E-mail addresses are replaced and spreadsheet formulas escaped in the CSV.

    Parameters
    ----------
    frame : pl.DataFrame or pl.LazyFrame
        The table (a LazyFrame is collected).
    name : str
        The file name without extension.

    Returns
    -------
    pl.DataFrame
        The table as saved, so ``save_table(summary, "channels")`` can end a cell and show it.
    """
    import polars as pl

    from mkt_engineering.reporting.redact import redact_frame
    from mkt_engineering.reporting.tables import safe_table_name, write_table

    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    safe, touched = redact_frame(frame)
    if touched:
        _display(
            f"<p><i>E-mail addresses in {html.escape(', '.join(touched))} were removed "
            "from the saved table.</i></p>"
        )
    folder = run_dir()
    if folder is not None:
        write_table(safe, folder / "tables", name)
        _state["tables"].append(safe_table_name(name))
        _write_state()
    return safe


def language() -> str:
    """The report's language, as `setup_notebook` set it ("en" until then)."""
    return _state["language"]


def record_section(name: str, status: str, reason: str = "") -> None:
    """Note whether a report section was shown or skipped (and why) for the manifest.

    A section recorded again (a cell run twice) keeps only its latest status.

    Parameters
    ----------
    name : str
        The section's short name, e.g. ``"money"``.
    status : {"shown", "skipped"}
    reason : str
        Why it was skipped and what to add, as plain text ("" when shown).
    """
    if status not in ("shown", "skipped"):
        raise ValueError(f"status must be 'shown' or 'skipped', got {status!r}")
    kept = [entry for entry in _state["sections"] if entry["name"] != name]
    _state["sections"] = [*kept, {"name": name, "status": status, "reason": reason}]
    _write_state()


def section_status(name: str) -> str | None:
    """'shown', 'skipped', or None when the section has not run (yet)."""
    return next((e["status"] for e in _state["sections"] if e["name"] == name), None)


def record_headline(text: str) -> str:
    """Keep `text` (e-mail addresses removed) as the run's headline; returns what was kept."""
    from mkt_engineering.reporting.redact import redact_value

    text = str(redact_value(str(text))).strip()
    _state["headline"] = text
    _write_state()
    return text


def set_headline(text: str) -> None:
    """The one-line result the reports index shows for this run (call once).

    Returns None on purpose: a value returned by the last line of a cell is echoed by
    Jupyter as a quoted repr (``'12-month CLV …'``) into the report.

    Parameters
    ----------
    text : str
        The headline, true for all the data.

    Examples
    --------
    >>> set_headline("Search earns 31% of conversions") is None
    True
    """
    text = record_headline(text)
    _display(f'<p class="mkt-headline"><b>{html.escape(text)}</b></p>', role="headline")
