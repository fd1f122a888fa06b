"""German reports read German: the five demo reports run with language=de hold no English
sentence and no English number format in the text a reader sees.

The visible text of each report.html is read with html.parser, leaving out what is not prose:
scripts and styles, code (column and parameter names are identifiers), charts (SVG; their
titles and axes come from the chart modules, which take no language yet) and the collapsed
"Run details" (parameters, hashes, package versions). A line fails when it holds an English
function word as a whole word, or a number in English format ("1,234.56", "5.0%", "€17").
The failure message prints every offending line.

The five runs share one module fixture (two at a time, as ``mkt demo`` runs them).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from mkt_engineering.reporting.html import prepare_notebook
from mkt_engineering.reporting.sections import TITLES

REPORTS = ["attribution", "ab_test", "cohort_ltv", "nurture_timing", "data_overview"]
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks" / "reports"

# English function words that no German sentence of the kit uses (whole words only).
ENGLISH_WORDS = re.compile(r"\b(the|and|of|customers|is|with|which)\b")
# English numbers: thousands separators with decimals, a decimal percent, a currency sign
# in front of the amount.
ENGLISH_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\.\d+\b|\b\d+\.\d+ ?%|[€$£]\s?\d")

# Elements whose text is not prose for this check (see the module docstring).
NOT_PROSE = {"script", "style", "code", "pre", "svg", "details", "head", "title"}
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "tr", "div", "caption", "summary"}
VOID = {"br", "meta", "link", "img", "input", "hr", "col", "source", "wbr"}


class _VisibleText(HTMLParser):
    """The page's prose, one line per block element."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in VOID:
            return
        self.open.append(tag)
        if tag in BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass
        self.flush()

    def handle_data(self, data: str) -> None:
        if not NOT_PROSE & set(self.open):
            self.current.append(data)

    def flush(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []


def visible_lines(page: str) -> list[str]:
    """The prose lines of a report page (see the module docstring for what is left out)."""
    parser = _VisibleText()
    parser.feed(page)
    parser.flush()
    return parser.lines


def english_lines(lines: list[str]) -> list[str]:
    """The lines with an English function word or an English number format."""
    return [line for line in lines if ENGLISH_WORDS.search(line) or ENGLISH_NUMBER.search(line)]


@pytest.fixture(scope="module")
def german_pages(tmp_path_factory) -> dict[str, str]:
    """The five demo reports run in German: ``{report: report.html text}``."""
    from mkt_engineering.reporting.batch import RunSpec, run_batch
    from mkt_engineering.reporting.demo_inputs import demo_data, demo_parameters

    specs = [
        RunSpec(name, f"de-{name}", {**demo_parameters(name), "language": "de"}, demo_data(name))
        for name in REPORTS
    ]
    results = run_batch(specs, tmp_path_factory.mktemp("german") / "reports", jobs=2)
    pages = {}
    for result in results:
        assert result.status == "ok", f"{result.analysis} (de) failed: {result.error}"
        pages[result.analysis] = (result.folder / "report.html").read_text(encoding="utf-8")
    return pages


@pytest.mark.parametrize("report", REPORTS)
def test_german_page_has_no_english_sentence(german_pages, report):
    lines = visible_lines(german_pages[report])
    assert len(lines) > 20, f"{report}: the page shows hardly any text"
    left = english_lines(lines)
    assert not left, f"{report}: {len(left)} English line(s) on the German page:\n" + "\n".join(
        f"  {line[:160]}" for line in left
    )


def test_the_check_finds_english():
    """The word and number patterns catch what the German pages once showed."""
    page = (
        "<html><head><title>The report</title></head><body>"
        "<p>Ein Satz auf Deutsch mit 1.234,56 € und 31,2 %.</p>"
        "<p>15,283 orders of 7,381 customers.</p><p>Umsatz 236,344.50</p><p>Anteil 5.0%</p>"
        "<p>Wert €17.30</p><p>Spalte <code>is_customer</code></p>"
        "<details><summary>Details zum Lauf</summary><p>the parameters</p></details>"
        "<svg><text>Share of the conversions</text></svg></body></html>"
    )
    left = english_lines(visible_lines(page))
    assert left == [
        "15,283 orders of 7,381 customers.",
        "Umsatz 236,344.50",
        "Anteil 5.0%",
        "Wert €17.30",
    ]


def test_every_report_section_has_a_german_title():
    """'Nicht gezeigt: <title>, weil …' names each section of the five reports in German."""
    named = set()
    for name in REPORTS:
        source = (NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8")
        named |= set(re.findall(r'section\(\\"([a-z_]+)\\"', source))
    assert len(named) > 30
    missing = sorted(name for name in named if "de" not in TITLES.get(name, {}))
    assert not missing, f"sections without a German title in sections.TITLES: {missing}"


def test_page_leaves_out_prose_of_the_other_language():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## The data", metadata={"tags": ["lang-en"]}),
            nbformat.v4.new_markdown_cell("## Die Daten", metadata={"tags": ["lang-de"]}),
            nbformat.v4.new_markdown_cell("## Both"),
        ]
    )
    german = [cell.source for cell in prepare_notebook(notebook, "T", "de").cells]
    english = [cell.source for cell in prepare_notebook(notebook, "T").cells]
    assert german == ["## Die Daten", "## Both"]
    assert english == ["## The data", "## Both"]


def test_overview_describes_a_table_in_german():
    import datetime as dt

    import polars as pl

    from mkt_engineering.reporting import overview

    table = overview.TableFile("orders", Path("orders.csv"), "orders")
    frame = pl.DataFrame(
        {"order_date": [dt.date(2024, 1, 1), dt.date(2025, 12, 31)], "revenue": [1.0, 2.0]}
    )
    german = overview.describe(table, frame, "de")
    assert german == (
        "**orders** (orders.csv): 2 Zeilen und 2 Spalten, datiert vom 01.01.2024 bis "
        "31.12.2025 (Spalte order_date); geprüft gegen den Vertrag **orders**."
    )
    assert not english_lines([german, overview.tables_line([table], "de")])
    assert overview.describe(table, frame).startswith("**orders** (orders.csv): 2 rows and 2")
