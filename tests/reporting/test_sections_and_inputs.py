"""Demo data never enter a user's run; a section that cannot be computed says why.

Fast checks without a kernel: the mechanism of reporting/sections.py, the refusal of a run
without its required input, the parameters cells of the five reports and the batch example.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from mkt_engineering.errors import DataValidationError
from mkt_engineering.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from mkt_engineering.reporting import notebook, runner, sections
from mkt_engineering.reporting.analyses import find_analysis
from mkt_engineering.reporting.batch import BatchConfigError, expand_runs, load_config
from mkt_engineering.reporting.demo_inputs import DEMO_FILES, demo_files, demo_parameters
from mkt_engineering.reporting.inferred import control_arm
from mkt_engineering.reporting.params import ParameterError

REPORTS = ["ab_test", "attribution", "cohort_ltv", "data_overview", "nurture_timing"]


@pytest.fixture
def fresh_state(monkeypatch, tmp_path):
    """An empty notebook state that writes into tmp_path, as under `mkt run`."""
    monkeypatch.setitem(notebook._state, "sections", [])
    monkeypatch.setitem(notebook._state, "language", "en")
    monkeypatch.setenv(notebook.RUN_DIR_ENV, str(tmp_path))
    shown: list[str] = []
    monkeypatch.setattr(sections, "say", shown.append)
    return shown


def _recorded(folder: Path) -> list[dict]:
    return json.loads((folder / notebook.STATE_FILE).read_text(encoding="utf-8"))["sections"]


def test_a_missing_need_skips_the_section_says_why_and_records_it(fresh_state, tmp_path):
    ran = []
    with sections.section("money") as shown:
        shown.need(None, "spend")
        ran.append("after the need")
    with sections.section("credit") as shown:
        shown.need(True, "spend")
        ran.append("credit")
    assert ran == ["credit"]
    assert fresh_state == [
        "Not shown: the money section, because no spend file was given. "
        "Add a spend file (`--data spend=FILE`) to see it."
    ]
    assert _recorded(tmp_path) == [
        {
            "name": "money",
            "status": "skipped",
            "reason": "no spend file was given; add a spend file (--data spend=FILE) to see it",
        },
        {"name": "credit", "status": "shown", "reason": ""},
    ]
    assert not sections.section_ok("money") and sections.section_ok("credit")


def test_an_analysis_refusing_the_data_skips_only_its_section(fresh_state, tmp_path):
    with sections.section("segments"):
        raise DataValidationError(
            "Only one group in column device: [evil](javascript:x).", fix="Add a second group."
        )
    (line,) = fresh_state
    assert line.startswith("Not shown: segments, because the data do not allow it: Only one")
    assert line.endswith("Add a second group.")
    assert "[evil](javascript:x)" not in line  # the data-derived text stays literal Markdown
    assert _recorded(tmp_path)[0]["status"] == "skipped"


def test_an_unexpected_error_still_fails_the_report(fresh_state):
    with pytest.raises(ZeroDivisionError):
        with sections.section("bug"):
            1 / 0  # noqa: B018 - a bug inside a section must not be hidden
    assert not fresh_state and not sections.section_ok("bug")


def test_the_not_shown_line_is_german_in_a_german_report(fresh_state, monkeypatch):
    monkeypatch.setitem(notebook._state, "language", "de")
    with sections.section("segments") as shown:
        shown.need([], "segments")
    assert fresh_state == [
        "Nicht gezeigt: die Segmente, weil keine Segmentspalten genannt wurden. "
        "Ergänzen Sie Segmentspalten (`-p segments '[\"device\"]'`), um ihn zu sehen."
    ]


def test_every_need_has_both_languages():
    for name, (because, add) in sections.NEEDS.items():
        assert set(because) == set(add) == {"en", "de"}, name


def test_strict_names_each_skipped_section_with_its_reason():
    skipped = [
        {"name": "money", "status": "skipped", "reason": "no spend file was given"},
        {"name": "credit", "status": "shown", "reason": ""},
        {"name": "segments", "status": "skipped", "reason": "no segment columns were named"},
    ]
    assert runner.strict_problem(skipped) == (
        "strict: 2 sections not shown: money (no spend file was given); "
        "segments (no segment columns were named)"
    )


# --- inputs default to nothing -------------------------------------------------------------


@pytest.mark.parametrize("report", REPORTS)
def test_no_report_parameter_defaults_to_demo_data(report):
    analysis = find_analysis(report)
    for spec in analysis.parameters:
        if spec.is_file:
            assert spec.default in ("", None), (spec.name, spec.default)
        assert "datasets" not in json.dumps(spec.default), (spec.name, spec.default)
    assert analysis.required_inputs, "the notebook declares which inputs it needs"


def test_ab_test_and_cohort_ltv_settings_of_the_demo_are_not_defaults():
    ab = find_analysis("ab_test").defaults()
    assert ab["control"] == "" and ab["day_column"] == "" and ab["planned_units_per_arm"] == 0
    for name in ("secondary_metrics", "guardrails", "covariates", "segments"):
        assert ab[name] == [], name
    assert find_analysis("cohort_ltv").defaults()["acquisition_plan"] == {}


@pytest.fixture
def no_kernel(monkeypatch):
    monkeypatch.setattr(runner, "start_kernel", lambda *a: pytest.fail("a kernel started"))


@pytest.mark.parametrize(
    ("report", "data", "words"),
    [
        (
            "attribution",
            [],
            "attribution needs touchpoints and conversions: give them with "
            "--data touchpoints=FILE --data conversions=FILE (or instead: --data paths=FILE)",
        ),
        (
            "attribution",
            ["touchpoints"],
            "attribution needs conversions too: give it with --data conversions=FILE",
        ),
        ("cohort_ltv", ["spend"], "cohort_ltv needs orders: give it with --data orders=FILE"),
        ("nurture_timing", [], "--data lead_events=FILE"),
        (
            "ab_test",
            [],
            "ab_test needs at least one input: "
            "give one with --data experiment=FILE or --data totals=FILE",
        ),
        ("data_overview", [], "data_overview needs at least one input: give one with --data"),
    ],
)
def test_a_required_input_left_out_is_one_line_before_the_kernel(
    report, data, words, tmp_path, no_kernel
):
    files = {**demo_files("attribution"), **demo_files("cohort_ltv")}
    args = [item for name in data for item in ("--data", f"{name}={files[name]}")]
    started = time.perf_counter()
    result = CliRunner().invoke(
        __import__("mkt_engineering.cli", fromlist=["app"]).app,
        ["run", report, *args, "--out", str(tmp_path / "out")],
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in " ".join(lines), result.stderr
    assert not (tmp_path / "out").exists()
    assert time.perf_counter() - started < 15


def test_an_input_given_as_empty_is_left_out_and_then_missing(no_kernel):
    with pytest.raises(ParameterError, match="needs orders"):
        runner.prepare_run("cohort_ltv", {"orders_file": ""})


# --- the demo passes its inputs explicitly ---------------------------------------------------


def test_the_batch_example_passes_exactly_the_demo_inputs_and_plan():
    config = load_config(PROJECT_ROOT / "reports" / "examples" / "batch.yaml")
    specs = expand_runs(config)
    assert {spec.analysis for spec in specs} == set(DEMO_FILES) == set(REPORTS)
    for spec in specs:
        given = dict(item.split("=", 1) for item in spec.data)
        expected = {
            name: str(path.relative_to(PROJECT_ROOT))
            for name, path in demo_files(spec.analysis).items()
        }
        assert given == expected, spec.label
        for name, value in demo_parameters(spec.analysis).items():
            assert spec.parameters[name] == value, (spec.label, name)


def test_every_demo_file_exists_and_matches_an_input_of_its_report():
    for report in REPORTS:
        inputs = {spec.input_name for spec in find_analysis(report).parameters if spec.is_file}
        for name, path in demo_files(report).items():
            assert name in inputs and path.is_file(), (report, name)


def test_strict_in_a_batch_file_and_on_the_command_line(tmp_path):
    config = {"strict": True, "runs": [{"analysis": "a"}, {"analysis": "b", "strict": False}]}
    assert [spec.strict for spec in expand_runs(config)] == [True, True]
    runs = {"runs": [{"analysis": "a"}, {"analysis": "b", "strict": True}]}
    assert [spec.strict for spec in expand_runs(runs)] == [False, True]
    assert [spec.strict for spec in expand_runs(runs, strict=True)] == [True, True]
    path = tmp_path / "batch.yaml"
    path.write_text("strict: maybe\nruns:\n  - analysis: a\n", encoding="utf-8")
    with pytest.raises(BatchConfigError, match="'strict:' is true or false"):
        load_config(path)


# --- defaults that depend on the data are inferred and stated ---------------------------------


def test_the_control_arm_is_inferred_from_the_data_and_said(fresh_state):
    named = pl.DataFrame({"Gruppe": ["B", "A", "B", None]})
    assert control_arm(named, "Gruppe") == (
        "A",
        "Control: 'A' (the variant named like a control arm; set `-p control NAME` to change).",
    )
    first = pl.DataFrame({"Gruppe": ["neu", "alt", "neu"]})
    assert control_arm(first, "Gruppe")[0] == "neu"
    assert "the first variant in the data" in control_arm(first, "Gruppe")[1]
    assert control_arm(first, "Gruppe", "alt") == ("alt", "")


def test_notebooks_are_excluded_from_nbval_only_for_the_reports():
    conftest = (NOTEBOOKS_DIR / "conftest.py").read_text(encoding="utf-8")
    assert 'collect_ignore_glob = ["reports/*.ipynb"]' in conftest


# --- --strict turns a skipped section into a failed run ---------------------------------------


def _fake_notebook(monkeypatch, recorded: list[dict]) -> None:
    """The run without a kernel: the 'notebook' only writes the state a report would."""

    def execute(run, temp, progress_bar, kernel):
        state = {"headline": "a headline", "sections": recorded}
        (temp / notebook.STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
        return ""

    monkeypatch.setattr(runner, "start_kernel", lambda run, temp: None)
    monkeypatch.setattr(runner, "_execute", execute)


@pytest.mark.parametrize("strict", [False, True])
def test_a_strict_run_with_a_skipped_section_fails_and_names_it(tmp_path, monkeypatch, strict):
    recorded = [
        {"name": "credit", "status": "shown", "reason": ""},
        {"name": "money", "status": "skipped", "reason": "no spend file was given"},
    ]
    _fake_notebook(monkeypatch, recorded)
    data = [f"spend={demo_files('attribution')['spend']}"]
    prepared = runner.prepare_run("data_overview", {}, data, tmp_path / "out", strict=strict)
    result = runner.execute_run(prepared)
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sections"] == recorded and manifest["strict"] is strict
    if strict:
        assert (result.status, manifest["status"]) == ("failed", "failed")
        assert result.error == "strict: 1 section not shown: money (no spend file was given)"
    else:
        assert result.status == "ok" and not result.error


def test_strict_on_the_command_line_reaches_the_run_and_fails_it(tmp_path, monkeypatch):
    from mkt_engineering.cli import app

    _fake_notebook(monkeypatch, [{"name": "money", "status": "skipped", "reason": "no spend"}])
    spend = f"spend={demo_files('attribution')['spend']}"
    out = tmp_path / "out"
    plain = CliRunner().invoke(app, ["run", "data_overview", "--data", spend, "--out", str(out)])
    assert plain.exit_code == 0, plain.output
    strict = CliRunner().invoke(
        app, ["run", "data_overview", "--data", spend, "--out", str(out), "--strict"]
    )
    assert strict.exit_code == 1 and "strict: 1 section not shown: money" in strict.output
    batch = tmp_path / "batch.yaml"
    batch.write_text(f"runs:\n  - analysis: data_overview\n    data: [{spend}]\n", encoding="utf-8")
    for extra, code in (([], 0), (["--strict"], 1)):
        result = CliRunner().invoke(
            app, ["batch", str(batch), "--jobs", "1", "--out", str(out), *extra]
        )
        assert result.exit_code == code, result.output


def test_a_section_that_builds_on_a_skipped_one_names_it(fresh_state, monkeypatch):
    with sections.section("model", "the purchase model") as shown:
        shown.need(False, because="too few repeat buyers")
    with sections.section("clv") as shown:
        shown.after("model")
    monkeypatch.setitem(notebook._state, "language", "de")
    with sections.section("forecast", "die Prognose") as shown:
        shown.after("model")
    assert fresh_state[1:] == [
        "Not shown: the customer lifetime value, because it builds on the purchase model, which "
        "is not shown above.",
        "Nicht gezeigt: die Prognose, weil er auf the purchase model aufbaut, das oben nicht "
        "gezeigt wird.",
    ]


def test_the_page_lists_the_sections_left_out_and_a_strict_failure_says_so():
    from mkt_engineering.reporting.html import header_html

    manifest = {
        "analysis": "attribution",
        "status": "failed",
        "error": "strict: 1 section not shown: money (no spend file was given)",
        "sections": [
            {"name": "credit", "status": "shown", "reason": ""},
            {"name": "money", "status": "skipped", "reason": "no <b>spend</b> file was given"},
        ],
    }
    page = header_html(manifest)
    assert "<h2>Sections not shown</h2>" in page
    assert "<li><b>money</b>: no &lt;b&gt;spend&lt;/b&gt; file was given</li>" in page
    assert "credit" not in page and "The sections left out are listed below." in page
    manifest.update(status="ok", error=None, sections=manifest["sections"][:1])
    assert "Sections not shown" not in header_html(manifest)


def test_the_recorded_reason_is_in_the_report_language(fresh_state, tmp_path, monkeypatch):
    monkeypatch.setitem(notebook._state, "language", "de")
    with sections.section("channels") as shown:
        shown.need(False, "spend_or_cac")
    assert _recorded(tmp_path)[0]["reason"] == (
        "weder eine Ausgabendatei noch Kosten je Neukunde angegeben wurden; ergänzen Sie eine "
        "Ausgabendatei (--data spend=DATEI) oder -p cac '{\"search\": 18}'"
    )


@pytest.mark.parametrize("report", REPORTS)
def test_opened_in_jupyter_without_inputs_the_report_says_what_to_set(report):
    from mkt_engineering.reporting.analyses import require_inputs

    analysis = find_analysis(report)
    source = "".join(cell["source"] for cell in analysis.cells if cell.get("cell_type") == "code")
    for group in analysis.required_inputs:  # the notebook passes each input it may need
        for name in group:
            assert f"{name}={name}_file" in source, name
    empty = {name: "" for group in analysis.required_inputs for name in group}
    with pytest.raises(ParameterError, match=f"{report} needs .*set its \\*_file parameter"):
        require_inputs(report, **empty)
    require_inputs(report, **{name: "x.csv" for name in analysis.required_inputs[0]})
