"""The report page reads answer first, lean, on a phone and on paper (without a browser).

A synthetic executed notebook stands in for a report: the summary output is made by the
real `show_summary` (its display captured), so the page is checked against what a report
notebook writes. Browser checks of the five demo reports are in test_browser_pages.py.
"""

from __future__ import annotations

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mkt_engineering.reporting import Card, Summary, notebook, set_headline, show_summary
from mkt_engineering.reporting.html import render_report
from mkt_engineering.reporting.index import index_html
from mkt_engineering.reporting.summary import SUMMARY_KEY
from mkt_engineering.reporting.svg_lean import lean_svg

HOSTILE = "<script>document.title='pwned'</script>"
SUMMARY = Summary(
    headline=f"Search earns 31% of conversions {HOSTILE}",
    cards=(
        Card("Conversions", "1,234", comparison="+12% vs last month"),
        Card("Top channel", "Search", interval="90% interval: 27% to 35%"),
    ),
    action="Move 10% of the display budget to search.",
    bullets=("Search leads on every model.", "Display assists but rarely closes.", "Third."),
)


@pytest.fixture
def captured(monkeypatch):
    """What the notebook functions display, as notebook outputs (no kernel needed)."""
    outputs = []

    def display(html_text, role=None, plain=None, extra=None):
        metadata = {**({notebook.ROLE_KEY: role} if role else {}), **(extra or {})}
        outputs.append(
            new_output(
                "display_data",
                data={"text/html": html_text, "text/plain": plain or html_text},
                metadata=metadata,
            )
        )

    monkeypatch.setattr(notebook, "_display", display)
    monkeypatch.setattr(notebook, "_state", {**notebook._state, "headline": None})
    return outputs


def _page(outputs, language="en", status="ok"):
    cells = [
        new_markdown_cell("# Attribution\n\nWhich channels earn the conversions?"),
        new_markdown_cell("## The data\n\nThe loader checks the file."),
        new_code_cell("x", outputs=[new_output("display_data", data={"text/html": "<p>2</p>"})]),
        new_code_cell("show_summary(summary)", outputs=outputs),
        new_markdown_cell("## Which channel?\n\nSearch."),
    ]
    manifest = {
        "analysis": "attribution",
        "title": "Attribution",
        "description": "Which channels earn the conversions?",
        "run_id": "20260101-000000-abc",
        "status": status,
        "error": None if status == "ok" else "boom",
        "headline": notebook._state.get("headline"),
        "parameters": {"language": language, "lookback_days": 30},
        "parameters_given": {"language": language},
        "inputs": [{"path": "/d/touchpoints.csv", "bytes": 10, "sha256": "ab" * 32}],
        "tables": ["channels"],
        "packages": {"polars": "1"},
    }
    quality = [{"table": "touchpoints", "rows": 3, "issues": []}]
    return render_report(new_notebook(cells=cells), manifest, quality, {})


def test_set_headline_returns_nothing_so_no_cell_echoes_a_quoted_repr(captured):
    # A cell ending with set_headline(...) showed "'12-month CLV …: €17.30'" in the report.
    assert set_headline("12-month CLV of an average new customer: €17.30") is None
    assert notebook._state["headline"] == "12-month CLV of an average new customer: €17.30"


def test_the_summary_comes_first_escaped_then_contents_analysis_and_run_details(captured):
    assert show_summary(SUMMARY) is None
    assert notebook._state["headline"] == SUMMARY.headline  # the index shows it
    assert captured[0].metadata[notebook.ROLE_KEY] == "summary"
    page = _page(captured)
    order = [
        '<a href="../../index.html">',
        "<h1>Attribution</h1>",
        'class="mkt-summary"',
        'class="mkt-toc"',
        '<section class="mkt-analysis">',
        '<details class="mkt-run-details" id="run-details">',
        '<footer class="mkt-footer">',
    ]
    positions = [page.find(marker) for marker in order]
    assert -1 not in positions and positions == sorted(positions), positions
    summary = page[positions[2] : positions[3]]
    assert "Search earns 31% of conversions &lt;script&gt;" in summary
    assert summary.count('class="mkt-card"') == 2 and "+12% vs last month" in summary
    assert "90% interval: 27% to 35%" in summary and "Move 10% of the display" in summary
    assert summary.count("<li>") == 3 and "Recommended action" in summary
    assert "<script" not in page  # escaped wherever it shows
    # the summary output is shown once, at the top, not again inside the analysis
    assert page.count("Display assists but rarely closes.") == 1
    toc = page[positions[3] : positions[4]]
    assert '<a href="#The-data">The data</a>' in toc and '<a href="#run-details">' in toc
    details = page[positions[5] : positions[6]]
    for heading in ("Parameters", "Input files", "Data quality"):
        assert f"<h2>{heading}</h2>" in details
    assert "abababababababab" in details and "lookback_days" in details
    assert "lookback_days" not in page[: positions[5]]  # no parameter table above the answer


def test_a_german_page_says_its_own_words_in_german(captured):
    notebook._state["language"] = "de"
    show_summary(SUMMARY)
    page = _page(captured, language="de")
    assert '<html lang="de">' in page
    for german in ("Alle Berichte", "Empfehlung", "Inhalt", "Details zum Lauf", "Parameter"):
        assert german in page, german
    for english in ("All reports", "Recommended action", "Run details", "Contents"):
        assert english not in page, english


def test_without_a_summary_the_headline_alone_is_shown_under_the_title(captured):
    set_headline("Top channel: search")
    page = _page([])
    assert '<div class="mkt-headline-box">Top channel: search</div>' in page
    assert page.index("mkt-headline-box") < page.index('<section class="mkt-analysis">')


def test_a_summary_holds_at_most_four_cards_and_five_bullets(captured):
    with pytest.raises(ValueError, match="at most 4 cards and 5 bullets"):
        show_summary(Summary("h", (Card("a", "1"),) * 5, "act", ()))
    with pytest.raises(TypeError, match="takes a Summary"):
        show_summary("a headline")  # type: ignore[arg-type]


def test_the_page_ships_only_its_own_css_a4_print_and_phone_rules(captured):
    page = _page([])
    styles = "".join(re.findall(r"<style[^>]*>(.*?)</style>", page, re.DOTALL))
    assert len(styles) < 12_000  # was 264 KB of JupyterLab CSS
    assert len(page.encode()) < 25_000
    assert "jp-Notebook" not in styles and "--jp-" not in styles
    assert "size: A4" in styles and "break-inside: avoid" in styles
    assert "@media (max-width: 640px)" in styles
    assert '<meta content="width=device-width, initial-scale=1.0" name="viewport"/>' in page


def test_the_reports_index_and_the_lessons_page_have_a_viewport(tmp_path):
    import shutil

    from mkt_engineering.teaching.workshop import LESSONS_DIR, render_lessons_page

    assert '<meta name="viewport" content="width=device-width' in index_html(tmp_path)
    lessons = tmp_path / "lessons-src"  # one lesson is enough (each page takes a second)
    lessons.mkdir()
    shutil.copy(LESSONS_DIR / "00_welcome.ipynb", lessons)
    page = render_lessons_page(tmp_path / "lessons.html", lessons_dir=lessons)
    assert '<meta name="viewport" content="width=device-width' in page
    links = re.findall(r'href="([^"]+)"', page)
    assert links and not [link for link in links if link.endswith(".ipynb")]
    for link in links:  # each lesson as a rendered page beside the lessons page
        lesson = (tmp_path / link).read_text(encoding="utf-8")
        assert 'name="viewport"' in lesson and "<script" not in lesson
        assert 'href="../lessons.html"' in lesson


def test_a_lesson_page_escapes_raw_html_in_its_markdown(tmp_path):
    import nbformat

    from mkt_engineering.reporting.lesson_pages import write_lesson_pages

    lesson = new_notebook(cells=[new_markdown_cell(f"# Lesson\n\n{HOSTILE}\n\n[x](javascript:1)")])
    nbformat.write(lesson, tmp_path / "00_x.ipynb")
    pages = write_lesson_pages({"00_x": tmp_path / "00_x.ipynb"}, tmp_path / "out", "../l.html")
    text = pages["00_x"].read_text(encoding="utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text
    assert 'href="javascript:' not in text and 'href="#blocked-link"' in text


def test_chart_geometry_is_rounded_but_labels_are_kept():
    """The renderer's lean SVG: coordinates to 1/10 px, hover texts and names as written."""
    svg = (
        '<svg><g transform="translate(43.123456,38)"><path d="M0.5,240h22.857142857142854'
        'v-20.0000001h-22.857142857142854Z" aria-label="recency: 4.333333"/></g></svg>'
    )
    assert lean_svg(svg) == (
        '<svg><g transform="translate(43.1,38)"><path d="M0.5,240h22.9v-20h-22.9Z" '
        'aria-label="recency: 4.333333"/></g></svg>'
    )


def test_the_summary_metadata_carries_every_field(captured):
    show_summary(SUMMARY)
    data = captured[0].metadata[SUMMARY_KEY]
    assert data["cards"][1] == {
        "label": "Top channel",
        "value": "Search",
        "comparison": None,
        "interval": "90% interval: 27% to 35%",
    }
    assert "Search earns 31%" in captured[0].data["text/plain"]
