"""Parameters are checked against the parameters cell before any kernel starts."""

from __future__ import annotations

import time

import pytest

from mkt_engineering.reporting.analyses import Analysis, find_analysis, list_analyses
from mkt_engineering.reporting.demo_inputs import demo_data
from mkt_engineering.reporting.params import (
    ParameterError,
    assign_data,
    convert,
    parse_parameters,
    validate,
)
from mkt_engineering.reporting.runner import prepare_run

CELL = """
lookback_days: int = 30  # days of touches before a conversion that count
share: float = 0.5  # a share
regions: list[str] = ["DE"]  # regions to include
mapping: dict = {}  # user column -> contract column
verbose: bool = False  # say more
note: str | None = None  # optional note
touchpoints_file: str = "datasets/journeys/touchpoints.csv"  # touchpoints
spend_file: str = "datasets/journeys/spend.csv"  # spend per channel and week
"""


@pytest.fixture
def specs():
    return parse_parameters(CELL)


def test_parse_reads_names_types_defaults_and_help(specs):
    first = specs[0]
    assert (first.name, first.type_text, first.default, first.help) == (
        "lookback_days",
        "int",
        30,
        "days of touches before a conversion that count",
    )
    assert [s.name for s in specs if s.is_file] == ["touchpoints_file", "spend_file"]
    assert specs[5].optional and not specs[0].optional


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("lookback_days", "45", 45),
        ("share", "0.25", 0.25),
        ("share", "1", 1.0),
        ("regions", "[DE, AT]", ["DE", "AT"]),
        ("regions", '["DE"]', ["DE"]),
        ("mapping", '{"Kanal": "channel"}', {"Kanal": "channel"}),
        ("verbose", "yes", True),
        ("verbose", "false", False),
        ("note", "None", None),
        ("note", "hello", "hello"),
    ],
)
def test_convert_accepts_the_declared_type(specs, name, text, expected):
    spec = next(s for s in specs if s.name == name)
    assert convert(spec, text) == expected


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("lookback_days", "thirty", "whole number"),
        ("lookback_days", "3.5", "whole number"),
        ("share", "much", "number"),
        ("regions", "{}", "list of text"),
        ("regions", "[1, 2]", "list of text"),
        ("mapping", "[1]", "mapping"),
        ("verbose", "maybe", "true or false"),
    ],
)
def test_convert_rejects_wrong_types_naming_parameter_and_allowed_type(specs, name, text, words):
    spec = next(s for s in specs if s.name == name)
    with pytest.raises(ParameterError) as error:
        convert(spec, text)
    message = str(error.value)
    assert f"'{name}'" in message and words in message and "\n" not in message


def test_yaml_values_are_type_checked(specs):
    assert validate(specs, {"lookback_days": 7, "share": 2}, "a") == {
        "lookback_days": 7,
        "share": 2.0,
    }
    with pytest.raises(ParameterError, match="'lookback_days' expects a whole number"):
        validate(specs, {"lookback_days": "7 days"}, "a")
    with pytest.raises(ParameterError, match="'verbose'"):
        validate(specs, {"verbose": 1}, "a")


def test_unknown_parameter_suggests_the_closest_and_lists_all(specs):
    with pytest.raises(ParameterError) as error:
        validate(specs, {"lookbak_days": 3}, "attribution")
    message = str(error.value)
    assert "unknown parameter 'lookbak_days' for attribution" in message
    assert "Did you mean 'lookback_days'?" in message and "spend_file" in message


def test_data_options_map_onto_file_parameters(specs):
    assert assign_data(specs, ["export.csv"], "a") == {"touchpoints_file": "export.csv"}
    assert assign_data(specs, ["spend=b.csv", "touchpoints=t.csv"], "a") == {
        "spend_file": "b.csv",
        "touchpoints_file": "t.csv",
    }
    with pytest.raises(
        ParameterError, match="has no input 'orders'. Its inputs are: touchpoints, spend"
    ):
        assign_data(specs, ["orders=o.csv"], "a")


def test_prepare_run_rejects_a_missing_input_file(tiny):
    with pytest.raises(
        ParameterError, match="input file for 'numbers_file' not found: nowhere.csv"
    ):
        prepare_run(str(tiny["notebook"]), {}, ["nowhere.csv"], tiny["out"])


def test_prepare_run_hashes_inputs_and_resolves_paths(tiny):
    run = prepare_run(
        str(tiny["notebook"]), {"factor": "3"}, [f"numbers={tiny['numbers']}"], tiny["out"]
    )
    assert run.given == {"factor": 3, "numbers_file": str(tiny["numbers"].resolve())}
    assert run.parameters["fail"] is False and run.parameters["factor"] == 3
    assert (
        run.inputs[0]["bytes"] == tiny["numbers"].stat().st_size
        and len(run.inputs[0]["sha256"]) == 64
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-p", "factr", "3"], "unknown parameter 'factr'"),
        (["-p", "factor", "three"], "parameter 'factor' expects a whole number"),
        (["--data", "missing.csv"], "input file for 'numbers_file' not found"),
        (["-p", "factor"], "-p needs a name and a value"),
    ],
)
def test_cli_errors_are_one_line_exit_2_and_start_no_kernel(tiny, args, expected):
    from typer.testing import CliRunner

    from mkt_engineering.cli import app

    started = time.perf_counter()
    result = CliRunner().invoke(
        app, ["run", str(tiny["notebook"]), *args, "--out", str(tiny["folder"] / "never")]
    )
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
    assert not (tiny["folder"] / "never").exists()  # nothing started
    assert time.perf_counter() - started < 10  # no kernel start (those take seconds)


def test_unknown_analysis_lists_the_available_ones():
    with pytest.raises(
        ParameterError, match="unknown analysis 'data_overveiw'. Did you mean 'data_overview'"
    ):
        find_analysis("data_overveiw")


def test_every_report_notebook_declares_title_description_and_typed_parameters():
    analyses = list_analyses()
    assert "data_overview" in [a.name for a in analyses]
    for analysis in analyses:
        assert isinstance(analysis, Analysis)
        assert analysis.title and analysis.description, analysis.name
        assert analysis.parameters, f"{analysis.name}: no parameters cell"
        for spec in analysis.parameters:
            assert spec.help, f"{analysis.name}: parameter {spec.name} has no help comment"


def test_params_and_list_commands(tiny, mkt_cli):
    shown = mkt_cli("params", "data_overview")
    assert (
        shown.returncode == 0
        and "touchpoints_file" in shown.stdout
        and "str | None" in shown.stdout
    )
    listed = mkt_cli("list")
    assert listed.returncode == 0 and "data_overview" in listed.stdout


def test_params_file_is_checked_like_command_line_values(tiny, tmp_path):
    from typer.testing import CliRunner

    from mkt_engineering.cli import app

    params = tmp_path / "params.yaml"
    params.write_text("factor: 3\nlabels: [a, b]\nfail: maybe\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["run", str(tiny["notebook"]), "-f", str(params), "--out", str(tmp_path / "never")]
    )
    assert (
        result.exit_code == 2
        and "parameter 'fail' expects true or false (bool), got 'maybe'" in result.stderr
    )
    run = prepare_run(str(tiny["notebook"]), {"factor": 3, "labels": ["a", "b"]}, [], tmp_path)
    assert run.given == {"factor": 3, "labels": ["a", "b"]}


# --- declared ranges and choices, checked with the types before any kernel starts ----


@pytest.mark.parametrize(
    ("analysis", "name", "value", "words"),
    [
        ("attribution", "lookback_days", "-5", "between 1 and 365, got -5"),
        ("attribution", "bootstrap_size", "0", "between 10 and 10000, got 0"),
        ("ab_test", "alpha", "1.5", "between 0.0001 and 0.5, got 1.5"),
        ("ab_test", "power", "0", "between 0.5 and 0.9999, got 0.0"),
        ("attribution", "markov_order", "9", "between 1 and 4, got 9"),
        ("nurture_timing", "max_days", "-1", "between 1 and 3650, got -1"),
        ("attribution", "lookback_windows", "[7,x]", "a list of whole numbers"),
        ("attribution", "lookback_windows", "[7, 100000000000]", "items must be between 1 and 365"),
        (
            "attribution",
            "lookback_windows",
            str(list(range(1, 40))),
            "needs between 1 and 20 items",
        ),
        ("attribution", "models", "[markov, magic]", "must be one of first_touch"),
        ("attribution", "language", "fr", "must be one of en, de"),
        ("cohort_ltv", "model", "bgndb", "did you mean 'bgnbd'?"),
        ("cohort_ltv", "cac", '{"search": -3}', "values must be between 0 and"),
        ("cohort_ltv", "acquisition_plan", '{"search": "many"}', "mapping of text to numbers"),
        ("ab_test", "alpha", "nan", "not a finite number"),
        ("ab_test", "mde", "1e400", "not a finite number"),
        ("ab_test", "columns", '{"a": 1}', "mapping of text to text"),
    ],
)
def test_out_of_range_values_are_refused_before_a_kernel(analysis, name, value, words):
    started = time.perf_counter()
    with pytest.raises(ParameterError) as error:
        prepare_run(analysis, {name: value})
    message = str(error.value)
    assert f"parameter '{name}'" in message and words in message and "\n" not in message
    assert time.perf_counter() - started < 2


def test_range_refusal_through_mkt_run_is_exit_2_and_starts_no_kernel(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from mkt_engineering.cli import app
    from mkt_engineering.reporting import runner

    starts = []
    monkeypatch.setattr(runner, "start_kernel", lambda *args: starts.append(args))
    started = time.perf_counter()
    result = CliRunner().invoke(
        app, ["run", "attribution", "-p", "lookback_days", "-5", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "between 1 and 365" in result.stderr
    assert not starts and not (tmp_path / "o").exists()
    assert time.perf_counter() - started < 5


def test_every_number_parameter_of_the_reports_declares_a_range_its_default_meets():
    for analysis in list_analyses():
        for spec in analysis.parameters:
            base = spec.type_text.replace(" | None", "")
            if base in ("int", "float", "list[int]", "list[float]"):
                assert spec.value_range, f"{analysis.name}.{spec.name} declares no range"
            assert convert(spec, spec.default) == spec.default or spec.type_text == "float"
        assert "lookback_days" not in [s.name for s in analysis.parameters] or analysis.name == (
            "attribution"
        )
    languages = [
        spec.choices for a in list_analyses() for spec in a.parameters if spec.name == "language"
    ]
    assert languages and all(choices == ("en", "de") for choices in languages)


def test_range_and_choices_are_read_from_the_comment_and_shown_by_mkt_params(mkt_cli):
    spec = parse_parameters("days: int = 30  # how far back; range: 1..365")[0]
    assert (spec.help, spec.value_range, spec.allowed_text()) == (
        "how far back",
        (1, 365),
        "1..365",
    )
    shown = mkt_cli("params", "attribution")
    assert shown.returncode == 0 and "allowed" in shown.stdout and "1..365" in shown.stdout


def test_types_are_checked_recursively():
    cell = (
        "windows: list[int] = [7]  # w\nnames: dict[str, str] = {}  # n\n"
        "shares: dict[str, float] = {}  # s\nany_map: dict = {}  # a"
    )
    windows, names, shares, any_map = parse_parameters(cell)
    assert convert(windows, "[7, 30]") == [7, 30]
    assert convert(shares, '{"a": 1}') == {"a": 1.0}
    for spec, text in [(windows, "[7, 1.5]"), (windows, "[7, true]"), (names, '{"a": [1]}')]:
        with pytest.raises(ParameterError, match=f"parameter '{spec.name}' expects"):
            convert(spec, text)
    with pytest.raises(ParameterError, match="key 1 that is not text"):
        convert(any_map, "{1: a}")


def test_an_unquoted_date_in_a_params_file_is_text(tmp_path):
    from mkt_engineering.reporting.yaml_files import read_yaml

    path = tmp_path / "p.yaml"
    path.write_text("calibration_end: 2024-01-01\nhorizon_months: 2025-06-30\n", encoding="utf-8")
    values = read_yaml(path, "parameters file")
    assert values == {"calibration_end": "2024-01-01", "horizon_months": "2025-06-30"}
    with pytest.raises(ParameterError, match="'horizon_months' expects a whole number"):
        prepare_run("cohort_ltv", values)
    orders = demo_data("cohort_ltv")[:1]  # the report reads no demo file by default
    given = prepare_run("cohort_ltv", {"calibration_end": values["calibration_end"]}, orders).given
    assert given["calibration_end"] == "2024-01-01"


def test_the_same_input_given_twice_is_refused(specs):
    with pytest.raises(ParameterError, match="'touchpoints' is given twice"):
        assign_data(specs, ["touchpoints=a.csv", "touchpoints=b.csv"], "a")
    with pytest.raises(ParameterError, match="'touchpoints' is given twice"):
        assign_data(specs, ["a.csv", "touchpoints_file=b.csv"], "a")


def test_a_notebook_default_that_is_not_plain_data_does_not_block_its_runs(tmp_path):
    """Only given values are written by papermill; a tuple default stays as the notebook has it."""
    import json

    notebook = tmp_path / "t.ipynb"
    cell = "sizes: tuple = (1, 2)  # sizes\nn: int = 1  # a number; range: 0..5"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {"tags": ["parameters"]},
                        "source": cell,
                        "outputs": [],
                        "execution_count": None,
                    }
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    assert prepare_run(str(notebook), {"n": "3"}, [], tmp_path / "out").given == {"n": 3}
