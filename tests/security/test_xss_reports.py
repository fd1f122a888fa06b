"""Stored XSS: hostile names from the data through every page the kit writes, in Chromium.

Each payload tries to set a DOM marker (``data-pwned`` on ``<html>``). Small hostile copies
of the demo data put the payloads where users' data reaches a page: channel names
(attribution), acquisition channels (cohort_ltv), variant and segment names (ab_test),
personas (nurture_timing), CSV column headers and a file name (data_overview), and the
reports index, the lessons page and the trainer guide. Every report runs once; then
headless Chromium opens each page with the network off, and the test asserts that the
marker is absent, that the payloads are shown as text, that no link or image points at a
script URL, and that the page carries the kit's Content-Security-Policy.

A last test writes a raw ``<script>`` into a finished page (as if escaping had been
bypassed) and shows that the policy alone keeps it from running, with the same page
without the policy as the control that proves the check can see a script run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import polars as pl
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATASETS = PROJECT_ROOT / "datasets"
# The marker every payload tries to set (tests/security/conftest.py looks for it).
MARK = "document.documentElement.dataset.pwned=1"
PAYLOADS = {
    "script": f"<script>{MARK}</script>",
    "img": f"<img src=x onerror={MARK}>",
    "svg": f"<svg onload={MARK}>",
    "js_link": f"[click](javascript:{MARK})",
    "attribute_break": f'"><script>{MARK}</script>',
    "style_break": f"</style><script>{MARK}</script>",
    # Not script, but a live link from the data would still send readers elsewhere.
    "web_link": "[Open the offer](https://evil.example/offer)",
}
# Column names are shortened to 40 characters in the loader's messages: short payloads there.
SHORT = {
    "script": "<script>document.title=1</script>",
    "img": "<img src=x onerror=document.title=1>",
    "svg": "<svg onload=document.title=1>",
    "attribute_break": '"><svg onload=document.title=1>',
    "style_break": "</style><svg onload=document.title=1>",
}


# --- Hostile copies of the demo data -------------------------------------------------------


def _rename(frame: pl.DataFrame, column: str, names: dict[str, str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace(names))


def attribution_inputs(folder: Path) -> list[str]:
    names = {
        "search": PAYLOADS["img"],
        "display": PAYLOADS["script"],
        "social": PAYLOADS["svg"],
        "email": PAYLOADS["js_link"],
        "affiliate": PAYLOADS["attribute_break"],
        "video": PAYLOADS["style_break"],
        "direct": PAYLOADS["web_link"],
    }
    source = DATASETS / "journeys"
    touchpoints, spend = folder / "touchpoints.csv", folder / "spend.csv"
    _rename(pl.read_csv(source / "touchpoints.csv"), "channel", names).write_csv(touchpoints)
    _rename(pl.read_csv(source / "spend.csv"), "channel", names).write_csv(spend)
    return [
        "--data",
        f"touchpoints={touchpoints}",
        "--data",
        f"conversions={source / 'conversions.csv'}",
        "--data",
        f"spend={spend}",
    ]


def cohort_inputs(folder: Path) -> list[str]:
    names = {
        "search": PAYLOADS["img"],
        "social": PAYLOADS["script"] + PAYLOADS["svg"],
        "display": PAYLOADS["js_link"] + PAYLOADS["attribute_break"],
        "affiliate": PAYLOADS["style_break"],
    }
    source = DATASETS / "orders"
    orders, spend = folder / "orders.csv", folder / "spend.csv"
    _rename(pl.read_csv(source / "orders.csv"), "acquisition_channel", names).write_csv(orders)
    _rename(pl.read_csv(source / "spend.csv"), "channel", names).write_csv(spend)
    params = folder / "cohort_params.yaml"
    # JSON is YAML: the acquisition plan names the hostile channels too.
    params.write_text(json.dumps({"acquisition_plan": {name: 50 for name in names.values()}}))
    return ["--data", f"orders={orders}", "--data", f"spend={spend}", "-f", str(params)]


def ab_inputs(folder: Path) -> list[str]:
    experiment = pl.read_csv(DATASETS / "experiment" / "experiment.csv")
    experiment = _rename(experiment, "variant", {"treatment": PAYLOADS["script"] + PAYLOADS["img"]})
    experiment = _rename(
        experiment,
        "device",
        {
            "desktop": PAYLOADS["svg"] + PAYLOADS["js_link"],
            "mobile": PAYLOADS["attribute_break"],
            "tablet": PAYLOADS["style_break"],
        },
    )
    path = folder / "experiment.csv"
    experiment.write_csv(path)
    return ["--data", f"experiment={path}"]


def nurture_inputs(folder: Path) -> list[str]:
    names = {
        "cfo": PAYLOADS["script"],
        "developer": PAYLOADS["img"] + PAYLOADS["svg"],
        "it_manager": PAYLOADS["js_link"] + PAYLOADS["attribute_break"],
        "procurement": PAYLOADS["style_break"],
    }
    source = DATASETS / "leads"
    events, leads = folder / "lead_events.csv", folder / "leads.csv"
    _rename(pl.read_csv(source / "lead_events.csv"), "persona", names).write_csv(events)
    _rename(pl.read_csv(source / "leads.csv"), "persona", names).write_csv(leads)
    params = folder / "nurture_params.yaml"
    params.write_text(
        json.dumps(
            {"leads_file": str(leads), "target_personas": [names["cfo"], names["developer"]]}
        )
    )
    return ["--data", f"lead_events={events}", "-f", str(params)]


def overview_inputs(folder: Path) -> list[str]:
    # A readable table whose extra column header and file name are payloads ...
    touchpoints = pl.read_csv(DATASETS / "journeys" / "touchpoints.csv").head(300)
    touchpoints = touchpoints.with_columns(pl.col("channel").alias(PAYLOADS["script"]))
    readable = folder / f"{PAYLOADS['img']}.csv"
    touchpoints.write_csv(readable)
    # ... and one the loader rejects: its message lists the hostile headers.
    unreadable = folder / "conversions.csv"
    pl.DataFrame({name: ["1", "2"] for name in SHORT.values()}).write_csv(unreadable)
    return ["--data", f"touchpoints={readable}", "--data", f"conversions={unreadable}"]


REPORTS = {
    "attribution": (attribution_inputs, ["img", "script", "svg", "attribute_break", "web_link"]),
    "cohort_ltv": (cohort_inputs, ["img", "script", "style_break"]),
    "ab_test": (ab_inputs, ["script", "img"]),
    "nurture_timing": (nurture_inputs, ["script", "style_break"]),
    "data_overview": (overview_inputs, ["script", "img"]),
}


def _run(analysis: str, args: list[str], out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkt_engineering.cli", "run", analysis, *args, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_ROOT,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory, browser) -> dict:
    """Every report run once on its hostile inputs into one reports folder (two at a time)."""
    root = tmp_path_factory.mktemp("xss")
    out = root / "reports"
    jobs = {}
    for analysis, (make_inputs, _) in REPORTS.items():
        folder = root / analysis
        folder.mkdir()
        jobs[analysis] = make_inputs(folder)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(
            zip(jobs, pool.map(lambda item: _run(item[0], item[1], out), jobs.items()), strict=True)
        )
    pages = {}
    for analysis, result in results.items():
        runs = [p for p in (out / analysis).glob("*/report.html")]
        assert len(runs) == 1, (
            f"{analysis} wrote no report: {result.stdout[-1500:]} {result.stderr[-3000:]}"
        )
        pages[analysis] = runs[0]
    return {"out": out, "pages": pages, "results": results, "root": root}


@pytest.mark.parametrize("analysis", list(REPORTS))
def test_report_page_runs_no_payload(hostile_runs, browser, analysis, tmp_path):
    page = hostile_runs["pages"][analysis]
    shown = [PAYLOADS[kind] for kind in REPORTS[analysis][1]]
    result = hostile_runs["results"][analysis]
    assert result.returncode == 0, result.stderr[-3000:]  # the whole report, every section
    text = browser.check(page, tmp_path / "profile", shown)
    if analysis == "data_overview":
        # The rejected file's message lists its hostile headers, as text.
        assert "This file could not be read." in text
        assert f"Columns found: '{SHORT['script']}', '{SHORT['img']}', '{SHORT['svg']}'" in text
    source = page.read_text(encoding="utf-8")
    assert "<script" not in source.lower(), "the report page holds a <script> element"


def test_reports_index_runs_no_payload(hostile_runs, browser, tmp_path):
    index = hostile_runs["out"] / "index.html"
    # Headlines and parameters of the runs above: the attribution headline names the top
    # channel, the cohort run's acquisition plan is a parameter with hostile names.
    text = browser.check(index, tmp_path / "profile", [PAYLOADS["img"], PAYLOADS["style_break"]])
    assert "report.html" not in text  # links are links, not text
    assert "<script" not in index.read_text(encoding="utf-8").lower()


# --- Lessons page and trainer guide --------------------------------------------------------


def _hostile_lesson(folder: Path) -> None:
    opening = (
        f"# Welcome {PAYLOADS['script']}\n\n"
        "**Time needed:** 45 minutes\n\n"
        "Learning goals:\n\n"
        f"- read a table {PAYLOADS['img']}\n"
        f"- follow a link {PAYLOADS['js_link']}\n"
        f"- draw {PAYLOADS['svg']} | and split a row\n"
    )
    task = f"## Exercise 1\n\nFind the {PAYLOADS['attribute_break']} and {PAYLOADS['style_break']}."
    notebook = new_notebook(
        cells=[
            new_markdown_cell(opening),
            new_markdown_cell(task),
            new_code_cell("answer = 1", metadata={"tags": ["solution"]}),
        ]
    )
    nbformat.write(notebook, folder / "00_welcome.ipynb")


def test_lessons_page_and_trainer_guide_run_no_payload(browser, tmp_path):
    from mkt_engineering.teaching.workshop import build_workshop, render_lessons_page

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    _hostile_lesson(lessons)
    lessons_page = tmp_path / "site" / "lessons.html"
    render_lessons_page(lessons_page, lessons_dir=lessons)
    built = build_workshop(
        tmp_path / "workshop",
        lessons=["00_welcome"],
        lessons_dir=lessons,
        datasets_dir=tmp_path / "no-datasets",
    )
    guide = built.trainer_dir / "trainer_guide.html"
    text = browser.check(lessons_page, tmp_path / "p1", [PAYLOADS["script"], PAYLOADS["img"]])
    assert "| and split a row" in text  # a '|' in a goal stays inside its table cell
    browser.check(
        guide,
        tmp_path / "p2",
        [PAYLOADS["img"], PAYLOADS["attribute_break"], PAYLOADS["style_break"]],
    )


# --- The policy alone ----------------------------------------------------------------------


def test_csp_alone_blocks_a_script_that_bypassed_escaping(hostile_runs, browser, tmp_path):
    """A raw script written into a finished page does not run; without the CSP it does."""
    source = hostile_runs["pages"]["attribution"].read_text(encoding="utf-8")
    injected = source.replace(
        "<main>",
        f"<main><script>{MARK}</script><img src=x onerror={MARK}><svg onload={MARK}></svg>",
        1,
    )
    assert injected != source
    with_policy = tmp_path / "with_policy.html"
    with_policy.write_text(injected, encoding="utf-8")
    without_policy = tmp_path / "without_policy.html"
    without_policy.write_text(
        re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", injected),
        encoding="utf-8",
    )
    assert "data-pwned" not in browser.dump(with_policy, tmp_path / "p1")
    # The control: the same page without the policy runs the script, so the check can see it.
    assert 'data-pwned="1"' in browser.dump(without_policy, tmp_path / "p2")
