"""Every report, run twice: on the demo inputs (every section shown) and on user-shaped
inputs with the optional ones left out (each missing section says "Not shown" and why);
attribution once more, with spend for channels its journeys never name.

These runs replace nbval for the report notebooks (notebooks/conftest.py): run as they
are, without inputs, the reports would only say what is missing. The user-shaped runs
use copies in a temporary folder, with the demo folder pointed somewhere that does not
exist (MKT_DATASETS_DIR), and no manifest may name a file under datasets/.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from mkt_engineering.reporting.batch import RunSpec, run_batch
from mkt_engineering.reporting.demo_inputs import demo_files

REPORTS = ["attribution", "ab_test", "cohort_ltv", "nurture_timing", "data_overview"]
SALES_EVENTS = ["sales_contact", "opportunity", "won", "lost", "fast_lane"]

# What each user-shaped run leaves out, and the sections that must therefore be skipped.
SKIPPED = {
    "attribution": {"money"},
    "ab_test": {"cuped", "over_time", "segments"},
    "cohort_ltv": {"channels", "planned_acquisition"},
    "nurture_timing": {
        "by_group",
        "cox",
        "win_rate_by_score",
        "win_rate_by_days_since_mql",
        "green_banana",
        "handoff_rule",
        "speed_to_lead",
    },
    "data_overview": set(),
}


def _user_inputs(folder: Path) -> dict[str, list[str]]:
    """User-shaped copies of the demo data: fewer columns, no optional files, other names."""
    files = {name: demo_files(name) for name in REPORTS}
    journeys = files["attribution"]
    pl.read_csv(journeys["touchpoints"]).write_csv(folder / "touches.csv")
    pl.read_csv(journeys["conversions"]).write_csv(folder / "sales.csv")
    # unit rows only: no covariates, segments or day; the arms are called A and B
    experiment = pl.read_csv(files["ab_test"]["experiment"])
    experiment.select(
        "unit_id",
        pl.col("variant").replace({"control": "B", "treatment": "A"}),
        "converted",
        "revenue",
    ).write_csv(folder / "test.csv")
    orders = pl.read_csv(files["cohort_ltv"]["orders"])
    orders.drop("acquisition_channel").write_csv(folder / "orders.csv")
    # a marketing-automation export: no sales calls (so none before MQL), no persona or source
    events = pl.read_csv(files["nurture_timing"]["lead_events"])
    events.filter(~pl.col("event").is_in(SALES_EVENTS)).drop("persona", "source").write_csv(
        folder / "events.csv"
    )
    # spend of channels the journeys never name (the demo spend once met a user's channels)
    spend = pl.read_csv(journeys["spend"]).with_columns(channel=pl.lit("tv"))
    spend.write_csv(folder / "tv_spend.csv")
    return {
        "attribution": [
            f"touchpoints={folder / 'touches.csv'}",
            f"conversions={folder / 'sales.csv'}",
        ],
        "ab_test": [f"experiment={folder / 'test.csv'}"],
        "cohort_ltv": [f"orders={folder / 'orders.csv'}"],
        "nurture_timing": [f"lead_events={folder / 'events.csv'}"],
        "data_overview": [f"touchpoints={folder / 'touches.csv'}"],
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo_runs) -> dict[str, dict]:
    """Each report on the demo inputs (the session's ``demo_runs``, shared with the golden
    tables guard) and on user-shaped ones, two at a time."""
    root = tmp_path_factory.mktemp("sections")
    user = root / "user"
    user.mkdir()
    user_data = _user_inputs(user)
    quick = {"attribution": {"bootstrap_size": 20}}  # the user runs need no precise intervals
    specs = [
        RunSpec(name, f"user-{name}", quick.get(name, {}), user_data[name]) for name in REPORTS
    ]
    tv = [*user_data["attribution"], f"spend={user / 'tv_spend.csv'}"]
    specs.append(RunSpec("attribution", "user-other-spend", quick["attribution"], tv))
    with pytest.MonkeyPatch.context() as patch:
        # the demo folder "moved away": workers and kernels inherit this
        patch.setenv("MKT_DATASETS_DIR", str(root / "no-datasets-here"))
        results = [*run_batch(specs, root / "reports", jobs=2), *demo_runs.values()]
    return {result.label: {"result": result, "user": user} for result in results}


def _sections(manifest: dict) -> dict[str, dict]:
    return {entry["name"]: entry for entry in manifest["sections"]}


@pytest.mark.parametrize("report", REPORTS)
def test_on_the_demo_inputs_every_section_is_shown(runs, report):
    result = runs[f"demo-{report}"]["result"]
    assert result.status == "ok", result.error
    sections = _sections(result.manifest)
    assert [s for s in sections.values() if s["status"] != "shown"] == []
    assert len(sections) >= (0 if report == "data_overview" else 8)
    executed = json.loads((result.folder / "executed.ipynb").read_text(encoding="utf-8"))
    errors = [
        o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert not errors


@pytest.mark.parametrize("report", REPORTS)
def test_on_user_shaped_inputs_the_report_completes_and_says_what_is_missing(runs, report):
    result = runs[f"user-{report}"]["result"]
    assert result.status == "ok", result.error
    sections = _sections(result.manifest)
    skipped = {name for name, entry in sections.items() if entry["status"] == "skipped"}
    assert skipped == SKIPPED[report]
    assert all(sections[name]["reason"] for name in skipped)
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    assert page.count("Not shown: ") == len(skipped)
    # only the user's files were read: no demo file, in the manifest or on the page
    user = str(runs[f"user-{report}"]["user"])
    assert result.manifest["inputs"] and all(
        i["path"].startswith(user) for i in result.manifest["inputs"]
    )
    assert "datasets/" not in json.dumps(result.manifest) and "datasets/" not in page
    assert result.headline


def test_the_user_reports_state_what_they_inferred_and_leave_the_demo_plan_out(runs):
    ab = (runs["user-ab_test"]["result"].folder / "report.html").read_text(encoding="utf-8")
    assert "Control: &#x27;A&#x27; (the variant named like a control arm" in ab or (
        "Control: 'A' (the variant named like a control arm" in ab
    )
    ltv = runs["user-cohort_ltv"]["result"]
    page = (ltv.folder / "report.html").read_text(encoding="utf-8")
    assert "Calibration end:" in page and "six months before the data end" in page
    # no made-up acquisition: the forecast holds the existing customers only (the demo's
    # plan added "planned" cohorts here, and their revenue to the headline numbers)
    forecast = pl.read_csv(ltv.folder / "tables" / "cohort_revenue_forecast.csv")
    assert forecast["kind"].unique().to_list() == ["existing"]
    demo = pl.read_csv(
        runs["demo-cohort_ltv"]["result"].folder / "tables" / "cohort_revenue_forecast.csv"
    )
    assert set(demo["kind"]) == {"existing", "planned"}  # the demo passes its plan explicitly
    assert "the planned acquisition, because no acquisition plan was given" in page


def test_the_nurture_headline_names_no_handoff_threshold_without_sales_calls(runs):
    headline = runs["user-nurture_timing"]["result"].headline
    assert "MQL" in headline and "threshold" not in headline and "score" not in headline


def test_spend_for_none_of_the_journeys_channels_leaves_the_money_section_out(runs):
    result = runs["user-other-spend"]["result"]
    assert result.status == "ok", result.error
    money = _sections(result.manifest)["money"]
    assert money["status"] == "skipped"
    assert money["reason"].startswith("the spend file names none of the channels of the journeys")
    assert result.headline.startswith("Top channel under")  # the summary did not need the spend


def test_the_reports_index_marks_the_runs_with_sections_left_out(runs):
    from mkt_engineering.reporting.index import index_html

    out = runs["user-attribution"]["result"].folder.parents[1]
    page = index_html(out)
    partial = sum(
        any(s["status"] == "skipped" for s in run["result"].manifest["sections"])
        for run in runs.values()
    )
    assert page.count(" not shown</small>") == partial > 0


def test_the_demo_cohort_report_speaks_euros(runs):
    # the demo's orders carry no currency sign; the demo passes its currency explicitly
    assert "€" in runs["demo-cohort_ltv"]["result"].headline
