"""The five demo reports in Chromium, English and German, with the network off.

Each page is opened once (playwright driving the system Chromium; every request that is not
``file:`` is aborted and recorded) at 1400 x 900, at 390 px and under print media at the A4
width, and printed to PDF; the tests below read the facts gathered then:

- the headline, the number cards and the recommended action lie inside the first screen;
- no output is a stray repr (``'…'``, what a cell ending with a str shows);
- the page does not scroll sideways at 390 px;
- printed, no table is clipped, and the PDF's page count is written to ``print.json`` in the
  run folder;
- every chart SVG has a visible title and an accessible name;
- no two tick labels of one axis overlap (their bounding boxes in the DOM).

The English runs are the shared ``demo_runs`` (conftest.py); the German ones run here, once.
Without Chromium or playwright every test is skipped and says why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkt_engineering.reporting.gallery import chromium_path, pdf_page_count, print_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPORTS = ["data_overview", "attribution", "cohort_ltv", "ab_test", "nurture_timing"]
PAGES = [(name, language) for language in ("en", "de") for name in REPORTS]
FIRST_SCREEN = (1400, 900)
PHONE = 390
# A4 is 210 mm wide; the page CSS prints with 12 mm side margins: 186 mm = 703 CSS px.
PRINT_WIDTH = 703

FIRST_SCREEN_JS = """() => {
  const boxes = (selector) => [...document.querySelectorAll(selector)].map((element) => ({
    text: element.innerText.slice(0, 80), bottom: element.getBoundingClientRect().bottom }));
  return { headline: boxes('.mkt-summary-headline'), cards: boxes('.mkt-card'),
           action: boxes('.mkt-action') };
}"""
STRAY_REPR_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
  .map((output) => output.innerText.trim())
  .filter((text) => /^'.*'$/s.test(text) || /^".*"$/s.test(text))"""
PRINT_TABLES_JS = """() => [...document.querySelectorAll('table')]
  .filter((table) => table.offsetParent !== null)
  .map((table) => ({ text: table.innerText.slice(0, 60).replace(/\\s+/g, ' '),
                     scroll: table.scrollWidth, client: table.clientWidth,
                     right: table.getBoundingClientRect().right }))"""
CHART_NAMES_JS = """() => [...document.querySelectorAll('.mkt-chart svg')].map((svg, index) => {
  const title = [...svg.querySelectorAll('.role-title text')].map((t) => t.textContent)
    .join(' ').trim();
  const own = svg.querySelector(':scope > title');
  const name = (svg.getAttribute('aria-label') || (own && own.textContent) || '').trim();
  return { index, title, name };
})"""
# Labels are compared as the rectangles they are on screen, rotation included: each label's
# own box (getBBox) mapped through its transform (getCTM), then a separating-axis test. The
# screen-aligned boxes of labels turned 40 degrees overlap although their text does not.
TICK_OVERLAP_JS = """() => {
  const corners = (text) => {
    const b = text.getBBox(), m = text.getCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
            [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const apart = (p, q) => [p, q].some((poly) => poly.some((point, i) => {
    const next = poly[(i + 1) % poly.length];
    const axis = [point[1] - next[1], next[0] - point[0]];
    const span = (shape) => shape.map(([x, y]) => x * axis[0] + y * axis[1]);
    const length = Math.hypot(axis[0], axis[1]) || 1;
    const a = span(p), b = span(q);
    const overlap = Math.min(Math.max(...a), Math.max(...b)) - Math.max(Math.min(...a),
                                                                        Math.min(...b));
    return overlap / length <= 0.5;  // half a pixel of touching is not an overlap
  }));
  const found = [];
  document.querySelectorAll('.mkt-chart svg').forEach((svg, index) => {
    const chart = svg.getAttribute('aria-label') || `chart ${index + 1}`;
    svg.querySelectorAll('g.role-axis').forEach((axis) => {
      const labels = [...axis.querySelectorAll('.role-axis-label text')]
        .filter((t) => t.textContent.trim() && t.getAttribute('opacity') !== '0'
                       && getComputedStyle(t).opacity !== '0')
        .map((t) => ({ text: t.textContent, shape: corners(t) }));
      for (let a = 0; a < labels.length; a++) {
        for (let b = a + 1; b < labels.length; b++) {
          if (!apart(labels[a].shape, labels[b].shape)) {
            found.push(`${chart}: "${labels[a].text}" / "${labels[b].text}"`);
          }
        }
      }
    });
  });
  return found;
}"""


@pytest.fixture(scope="module")
def report_pages(demo_runs, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """report.html of each demo report in English (shared runs) and German (run here)."""
    from mkt_engineering.reporting.batch import RunSpec, run_batch
    from mkt_engineering.reporting.demo_inputs import demo_data, demo_parameters

    specs = [
        RunSpec(name, f"{name}-de", {**demo_parameters(name), "language": "de"}, demo_data(name))
        for name in REPORTS
    ]
    german = run_batch(specs, tmp_path_factory.mktemp("german") / "reports", jobs=2)
    pages = {(name, "en"): demo_runs[name].folder / "report.html" for name in REPORTS}
    pages.update({(result.analysis, "de"): result.folder / "report.html" for result in german})
    failed = [f"{key}: {path}" for key, path in pages.items() if not path.exists()]
    assert not failed, f"reports without a page: {failed}"
    return pages


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module (playwright, the system browser, no download)."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); no browser checks ran")
    pytest.importorskip("playwright.sync_api", reason="playwright (a test dependency) is missing")
    from mkt_engineering.reporting.gallery import offline_browser

    with offline_browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def page_facts(report_pages, chromium) -> dict[tuple[str, str], dict]:
    """Everything the tests check, gathered with one visit per page and layout."""
    facts = {}
    for key, report in report_pages.items():
        facts[key] = _facts(chromium, report)
        pages = facts[key]["pdf_pages"]
        (report.parent / "print.json").write_text(
            json.dumps({"format": "A4", "pdf_pages": pages}), encoding="utf-8"
        )
        print(f"{key[0]} ({key[1]}): {pages} A4 pages, {report.stat().st_size:,} bytes")
    return facts


def _facts(browser, report: Path) -> dict:
    requests: list[str] = []
    page = browser.new_page(viewport={"width": FIRST_SCREEN[0], "height": FIRST_SCREEN[1]})
    page.on("request", lambda r: None if r.url.startswith("file:") else requests.append(r.url))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(report.as_uri())
    facts = {
        "first_screen": page.evaluate(FIRST_SCREEN_JS),
        "stray": page.evaluate(STRAY_REPR_JS),
        "charts": page.evaluate(CHART_NAMES_JS),
        "overlaps": page.evaluate(TICK_OVERLAP_JS),
    }
    page.set_viewport_size({"width": PHONE, "height": 844})
    facts["phone_width"] = page.evaluate("document.scrollingElement.scrollWidth")
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    facts["print_tables"] = page.evaluate(PRINT_TABLES_JS)
    facts["print_width"] = page.evaluate("document.scrollingElement.scrollWidth")
    facts["pdf_pages"] = pdf_page_count(print_pdf(page))
    facts["requests"] = requests
    page.close()
    return facts


@pytest.fixture(scope="module")
def tiny_page(tiny) -> Path:
    """The tiny report of conftest.py (a cell ends with ``set_headline(...)``) with a summary."""
    import nbformat
    from nbformat.v4 import new_code_cell

    from mkt_engineering.reporting.runner import execute_run, prepare_run

    notebook = nbformat.read(tiny["notebook"], as_version=4)
    notebook.cells.append(
        new_code_cell(
            "from mkt_engineering.reporting import Card, Summary, show_summary\n"
            "total = int(scaled['n'].sum())\n"
            "show_summary(Summary(f'Total {total}', (Card('Rows', '3', 'vs 2 last week'), "
            "Card('Total', str(total), interval='90% interval: 10 to 14')), 'Keep going.', "
            "('One.', 'Two.', 'Three.')))"
        )
    )
    path = tiny["folder"] / "tiny_summary.ipynb"
    nbformat.write(notebook, path)
    run = prepare_run(
        str(path), {"numbers_file": str(tiny["numbers"])}, [], tiny["folder"] / "browser"
    )
    result = execute_run(run)
    assert result.status == "ok", result.error
    return result.folder / "report.html"


def test_a_report_with_a_summary_answers_on_the_first_screen_without_a_repr(tiny_page, chromium):
    # Independent of the demo notebooks: the page places what show_summary showed, and the
    # cell that ends with set_headline(...) echoes nothing (it showed "'total 12'").
    facts = _facts(chromium, tiny_page)
    boxes = facts["first_screen"]
    assert [len(boxes[part]) for part in ("headline", "cards", "action")] == [1, 2, 1]
    assert max(box["bottom"] for part in boxes.values() for box in part) <= FIRST_SCREEN[1]
    assert boxes["headline"][0]["text"] == "Total 12"
    assert not facts["stray"], facts["stray"]
    assert facts["phone_width"] <= PHONE + 1 and not facts["requests"]


@pytest.mark.parametrize(("report", "language"), PAGES)
def test_the_answer_is_on_the_first_screen(page_facts, report, language):
    facts = page_facts[report, language]["first_screen"]
    assert len(facts["headline"]) == 1, "no summary headline (show_summary) on the page"
    assert 2 <= len(facts["cards"]) <= 4, f"{len(facts['cards'])} number cards, want 2-4"
    assert len(facts["action"]) == 1, "no recommended action on the page"
    below = [box for boxes in facts.values() for box in boxes if box["bottom"] > FIRST_SCREEN[1]]
    assert not below, f"below the first screen of {FIRST_SCREEN}: {below}"


@pytest.mark.parametrize(("report", "language"), PAGES)
def test_no_output_is_a_stray_repr_and_nothing_is_fetched(page_facts, report, language):
    facts = page_facts[report, language]
    assert not facts["stray"], f"stray repr output: {facts['stray']}"
    assert not facts["requests"], f"the page asked the network for {facts['requests'][:5]}"


@pytest.mark.parametrize(("report", "language"), PAGES)
def test_the_page_does_not_scroll_sideways_on_a_phone(page_facts, report, language):
    assert page_facts[report, language]["phone_width"] <= PHONE + 1


@pytest.mark.parametrize(("report", "language"), PAGES)
def test_the_print_clips_no_table_and_its_pages_are_counted(page_facts, report, language):
    facts = page_facts[report, language]
    clipped = [
        table
        for table in facts["print_tables"]
        if table["scroll"] > table["client"] + 1 or table["right"] > PRINT_WIDTH + 1
    ]
    assert not clipped, f"tables wider than the A4 page: {clipped}"
    assert facts["print_width"] <= PRINT_WIDTH + 1
    assert facts["pdf_pages"] >= 1


@pytest.mark.parametrize(("report", "language"), PAGES)
def test_every_chart_has_a_title_and_an_accessible_name(page_facts, report, language):
    charts = page_facts[report, language]["charts"]
    assert charts, "the report shows no chart"
    unnamed = [chart for chart in charts if not chart["title"] or not chart["name"]]
    assert not unnamed, f"charts without a title or an accessible name: {unnamed}"


@pytest.mark.parametrize(("report", "language"), PAGES)
def test_no_two_tick_labels_of_one_axis_overlap(page_facts, report, language):
    overlaps = page_facts[report, language]["overlaps"]
    assert not overlaps, f"overlapping tick labels: {overlaps[:10]}"
