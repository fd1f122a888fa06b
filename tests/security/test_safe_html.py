"""The text sink of the reports and the page writers: escaping is the default, CSP everywhere.

No browser here (see test_xss_reports.py for Chromium): these check the HTML strings.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import altair as alt
import nbformat
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mkt_engineering.reporting.html import render_report
from mkt_engineering.reporting.index import index_html
from mkt_engineering.reporting.notebook import svg_renderer
from mkt_engineering.reporting.safe_html import (
    BLOCKED_URL,
    CSP,
    CSP_META,
    markdown_html,
    safe_url,
    with_csp,
)
from mkt_engineering.teaching.trainer_guide import markdown_to_html
from mkt_engineering.text import markdown_literal

MARK = "document.documentElement.dataset.pwned=1"
RAW_HTML = [
    f"<script>{MARK}</script>",
    f"<SCRIPT >{MARK}</SCRIPT>",
    f"<img src=x onerror={MARK}>",
    f'<img src="x" onerror="{MARK}">',
    f"<svg onload={MARK}>",
    f"<svg><script>{MARK}</script></svg>",
    f"<iframe srcdoc='<script>{MARK}</script>'></iframe>",
    f'"><script>{MARK}</script>',
    f"</style><script>{MARK}</script>",
    f"<div onclick={MARK}>x</div>",
    f"<a href='javascript:{MARK}'>x</a>",
    f"<!-- --><script>{MARK}</script>",
]
SCRIPT_LINKS = [
    f"[x](javascript:{MARK})",
    f"[x](JaVaScRiPt:{MARK})",
    f"[x]( javascript:{MARK})",
    f"[x](<java script:{MARK}>)",
    f"[x](&#106;avascript:{MARK})",
    f"[x](&#x6A;avascript:{MARK})",
    f"[x](javascript&colon;{MARK})",
    f"[x](&amp;#106;avascript:{MARK})",
    f"[x](java%73cript:{MARK})",
    f"[x](vbscript:{MARK})",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"<javascript:{MARK}>",
    f"![x](javascript:{MARK})",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    f"[x][ref]\n\n[ref]: javascript:{MARK}",
    f'[x](javascript:{MARK} "title")',
]


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def assert_inert(fragment: str) -> None:
    """No script element, no event handler, no link or image other than the allowed ones."""
    for tag, attrs in parse(fragment).tags:
        assert tag not in {"script", "iframe", "object", "embed", "svg", "style"}, fragment
        assert not [name for name in attrs if name.startswith("on")], fragment
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                assert safe_url(attrs[name]) == attrs[name] or attrs[name] == BLOCKED_URL


@pytest.mark.parametrize("payload", RAW_HTML)
def test_raw_html_is_escaped_and_shown_as_text(payload):
    rendered = markdown_html(f"Channel {payload} earns most")
    assert_inert(rendered)
    assert "<script" not in rendered.lower()
    assert payload in "".join(parse(rendered).text)


@pytest.mark.parametrize("payload", RAW_HTML)
def test_raw_html_blocks_are_escaped(payload):
    rendered = markdown_html(f"Intro\n\n{payload}\n\nmore")
    assert_inert(rendered)
    assert "<script" not in rendered.lower()


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_script_links_are_blocked(link):
    rendered = markdown_html(link)
    assert_inert(rendered)
    urls = [attrs.get("href") or attrs.get("src") for _, attrs in parse(rendered).tags]
    assert all(url in (None, BLOCKED_URL) for url in urls), rendered
    assert "javascript" not in " ".join(str(u) for u in urls).lower()


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1#c", "http://x.example", "mailto:a@example.org"]
)
def test_ordinary_links_are_kept(url):
    assert f'href="{html.escape(url)}"' in markdown_html(f"[x]({url})")


@pytest.mark.parametrize(
    "url", ["tables/channels.csv", "../index.html", "#top", "run-1/report.html"]
)
def test_relative_links_between_the_kits_pages_are_kept(url):
    assert f'href="{url}"' in markdown_html(f"[x]({url})")


def test_ordinary_markdown_still_renders():
    text = (
        "## Summary\n\n**Search** earns *most*, `a < b` in code.\n\n"
        "- first\n- second\n\n1. one\n2. two\n\n"
        "| channel | share |\n|---|---|\n| search | 31% |\n\n"
        "```\nx = 1 < 2\n```\n"
    )
    rendered = markdown_html(text)
    for fragment in (
        "<h2>Summary</h2>",
        "<strong>Search</strong>",
        "<em>most</em>",
        "<code>a &lt; b</code>",
        "<li>first</li>",
        "<ol>",
        "<th>channel</th>",
        "<td>31%</td>",
        "<pre><code>x = 1 &lt; 2",
    ):
        assert fragment in rendered


@pytest.mark.parametrize(
    "name",
    [
        "paid_search",
        "*bold* _em_ __strong__",
        "[click](https://evil.example)",
        "# heading",
        "- item",
        "1. item",
        "> quote",
        "a | b",
        "`code`",
        "&lt;b&gt;",
        "back\\slash",
        "two\nlines",
        *RAW_HTML,
    ],
)
def test_markdown_literal_renders_as_exactly_the_text(name):
    rendered = markdown_html(f"Top channel: {markdown_literal(name)} (31%)")
    tags = [tag for tag, _ in parse(rendered).tags]
    assert tags == ["p"], rendered  # no emphasis, link, heading, list or code
    assert (
        "".join(parse(rendered).text).strip() == f"Top channel: {' '.join(name.splitlines())} (31%)"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40))
def test_markdown_literal_is_literal_for_any_text(name):
    rendered = markdown_html(f"Name: {markdown_literal(name)}.")
    assert [tag for tag, _ in parse(rendered).tags] == ["p"], rendered
    shown = "".join(parse(rendered).text).strip()
    # Markdown folds runs of spaces and trims the line; the characters are all there.
    assert shown.split() == f"Name: {name}.".split()


def test_say_displays_escaped_html(monkeypatch):
    from mkt_engineering.reporting import notebook

    shown = []
    monkeypatch.setattr(
        notebook, "_display", lambda text, role=None, plain=None: shown.append(text)
    )
    notebook.say(f"**Top**: <script>{MARK}</script>")
    assert shown == [f"<p><strong>Top</strong>: &lt;script&gt;{MARK}&lt;/script&gt;</p>\n"]


# --- Pages ---------------------------------------------------------------------------------


def _head_starts_with_csp(page: str) -> bool:
    return re.search(r"<head(\s[^>]*)?>\s*" + re.escape(CSP_META), page) is not None


def test_with_csp_puts_the_policy_first_once_and_refuses_a_page_without_head():
    page = with_csp("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>")
    assert _head_starts_with_csp(page)
    assert with_csp(page) == page
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    with pytest.raises(ValueError, match="no <head>"):
        with_csp("<p>fragment</p>")


def test_index_lessons_and_trainer_guide_carry_the_policy(tmp_path):
    from mkt_engineering.teaching.workshop import render_lessons_page

    assert _head_starts_with_csp(index_html(tmp_path))
    assert _head_starts_with_csp(render_lessons_page())
    guide = markdown_to_html(f"# Guide\n\n<script>{MARK}</script>", title="<b>T</b>")
    assert _head_starts_with_csp(guide)
    assert "<script" not in guide.lower() and "<b>T</b>" not in guide


def _hostile_notebook() -> nbformat.NotebookNode:
    """Outputs of every kind a report cell can leave, each carrying a payload."""
    chart = (
        alt.Chart(
            pl.DataFrame({"channel": [f"<script>{MARK}</script>", "search"], "n": [1, 2]}),
            title=f"<script>{MARK}</script>",
        )
        .mark_bar()
        .encode(x="channel:N", y="n:Q")
    )
    error = new_output(
        "error",
        ename="DataValidationError",
        evalue=f"column <img src=x onerror={MARK}> not found",
        traceback=[
            "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
            f"\x1b[0;31mDataValidationError\x1b[0m: column <img src=x onerror={MARK}> not found",
        ],
    )
    outputs = [
        new_output("stream", name="stdout", text=f"<script>{MARK}</script>\n"),
        new_output(
            "display_data", data={"text/markdown": f"<svg onload={MARK}> [x](javascript:{MARK})"}
        ),
        new_output("display_data", data={"application/javascript": MARK, "text/plain": "js"}),
        new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2},
                "text/plain": "widget",
            },
        ),
        new_output("display_data", data=svg_renderer(chart.to_dict())),
    ]
    cells = [
        new_markdown_cell("# Hostile\n\nA page with every output kind."),
        new_code_cell("show()", outputs=outputs),
        new_code_cell("fail()", outputs=[error]),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    notebook.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}
    }
    return notebook


def hostile_page() -> str:
    """A report page whose manifest and outputs all carry payloads (rendered without a kernel)."""
    payload = f'"><script>{MARK}</script>'
    manifest = {
        "analysis": "hostile",
        "title": f"Report {payload}",
        "description": f"<img src=x onerror={MARK}>",
        "run_id": payload,
        "status": "failed",
        "error": f"</style><script>{MARK}</script>",
        "headline": f"Top channel: <svg onload={MARK}>",
        "parameters": {"channel": payload, "touchpoints_file": f"/data/{payload}.csv"},
        "parameters_given": {"channel": payload},
        "inputs": [
            {"path": f"/data/<img src=x onerror={MARK}>.csv", "bytes": 10, "sha256": payload}
        ],
        "tables": [f"<script>{MARK}</script>"],
        "packages": {payload: payload},
    }
    quality = [
        {
            "source": f"/data/<img src=x onerror={MARK}>.csv",
            "table": payload,
            "rows": 3,
            "issues": [{"check": f"<script>{MARK}</script>", "count": 1, "note": payload}],
            payload: payload,
        }
    ]
    return render_report(_hostile_notebook(), manifest, quality, {})


def test_report_page_escapes_every_output_kind_and_the_header():
    page = hostile_page()
    assert _head_starts_with_csp(page)
    assert "<script" not in page.lower()
    body = page.split("<body", 1)[1]
    parsed = parse(body)
    assert not [(t, a) for t, a in parsed.tags for name in a if name.startswith("on")]
    assert not [t for t, _ in parsed.tags if t in {"iframe", "object", "embed"}]
    text = "".join(parsed.text)
    # The error, the stream, the displayed Markdown and the chart show their payload as text.
    assert f"column <img src=x onerror={MARK}> not found" in text
    assert f"<svg onload={MARK}>" in text
    assert f"<script>{MARK}</script>" in text
    assert "javascript:" not in " ".join(str(a.get("href")) for _, a in parsed.tags)


@pytest.mark.browser
def test_report_page_with_every_output_kind_runs_nothing_in_chromium(browser, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(hostile_page(), encoding="utf-8")
    text = browser.check(page, tmp_path / "profile", [f"<script>{MARK}</script>"])
    assert f"column <img src=x onerror={MARK}> not found" in text
