"""`mkt lab` builds the right command; `mkt demo` runs every report and writes the index."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mkt_engineering.commands import demo as demo_command
from mkt_engineering.commands.lab import lab_command
from mkt_engineering.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from mkt_engineering.reporting.demo_inputs import demo_files

# data_overview reads only the files it is given: one small demo table will do
OVERVIEW_DATA = ["--data", f"spend={demo_files('attribution')['spend']}"]


def test_lab_starts_jupyterlab_in_notebooks_with_the_kit_importable():
    command, env = lab_command(["--no-browser"])
    assert command == [
        sys.executable,
        "-m",
        "jupyterlab",
        "--notebook-dir",
        str(NOTEBOOKS_DIR),
        "--no-browser",
    ]
    assert str(PROJECT_ROOT) in env["PYTHONPATH"].split(":")


def test_ensure_demo_data_generates_only_missing_families(tmp_path, monkeypatch):
    import polars as pl

    from mkt_engineering.synthetic import base

    calls = []

    def fake_generator(family):
        def generate(**_):
            calls.append(family)
            return base.SyntheticData(family, {"t": pl.DataFrame({"a": [1]})}, {})

        return generate

    (tmp_path / "present").mkdir()
    (tmp_path / "present" / "t.csv").write_text("a\n1\n")
    monkeypatch.setattr(base, "available_families", lambda: ["present", "missing"])
    monkeypatch.setattr(base, "generator", fake_generator)
    assert demo_command.ensure_demo_data(tmp_path) == ["missing"]
    assert calls == ["missing"] and (tmp_path / "missing" / "t.csv").exists()


def test_demo_runs_every_notebook_and_prints_the_index(tiny, tmp_path, mkt_cli):
    result = mkt_cli(
        "demo",
        "--no-generate",
        "--out",
        str(tmp_path),
        env={"MKT_REPORT_NOTEBOOKS": str(tiny["folder"])},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    index = tmp_path / "index.html"
    assert result.stdout.strip().splitlines()[-1] == str(index)
    assert "tiny/" in index.read_text() and list(tmp_path.glob("tiny/*/report.html"))


# --- errors a user can cause: one line, a meaningful exit code, never a traceback -------


def _invoke(*args: str):
    from typer.testing import CliRunner

    from mkt_engineering.cli import app

    return CliRunner().invoke(app, list(args))


def _one_line_error(result, code: int, words: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_an_out_folder_that_cannot_be_written_is_refused_before_the_kernel(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for out in (a_file / "reports", Path("/proc/mkt-reports")):
        result = _invoke("run", "data_overview", *OVERVIEW_DATA, "--out", str(out))
        _one_line_error(result, 2, f"cannot write to --out {out}")
    result = _invoke("run", "data_overview", *OVERVIEW_DATA, "--out", str(a_file))
    _one_line_error(result, 2, f"{a_file} is a file, not a folder")


def test_a_full_disk_during_the_run_is_one_line_exit_1(tmp_path, monkeypatch):
    import errno

    from mkt_engineering.reporting import runner

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner, "execute_run", full)
    result = _invoke("run", "data_overview", *OVERVIEW_DATA, "--out", str(tmp_path / "out"))
    _one_line_error(result, 1, "No space left on device")


def test_a_foreign_index_html_in_out_is_not_overwritten(tmp_path, monkeypatch):
    from mkt_engineering.reporting import runner
    from mkt_engineering.reporting.folders import INDEX_GENERATOR, check_out_folder
    from mkt_engineering.reporting.index import write_index

    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<html>my own page</html>", encoding="utf-8")
    monkeypatch.setattr(runner, "start_kernel", lambda *a: pytest.fail("a kernel started"))
    batch_file = _batch_file(
        tmp_path, f"runs:\n  - analysis: data_overview\n    data: [{OVERVIEW_DATA[1]}]\n"
    )
    for command in (["run", "data_overview", *OVERVIEW_DATA], ["batch", str(batch_file)]):
        result = _invoke(*command, "--out", str(out))
        _one_line_error(result, 2, "holds an index.html the kit did not write")
        assert "--replace-index" in result.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "<html>my own page</html>"
    check_out_folder(out, replace_index=True)  # the flag allows it
    kits = tmp_path / "kits"
    assert INDEX_GENERATOR in write_index(kits).read_text(encoding="utf-8")
    check_out_folder(kits)  # the kit's own index is simply rewritten


def _batch_file(folder: Path, text: str = "runs:\n  - analysis: data_overview\n") -> Path:
    path = folder / "batch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("runs:\n  - analysis: data_overview\n    parameters: x=1\n", "'parameters:' maps names"),
        ("jobs: two\nruns:\n  - analysis: data_overview\n", "jobs: expects a whole number"),
        ("runs:\n  analysis: data_overview\n", "needs a list 'runs:'"),
        ("runs:\n  - analysis: data_overview\n    parameters: [a, b]\n", "'parameters:' maps"),
        ("runs:\n  - analysis: data_overview\n    data: {touchpoints: [a]}\n", "'data:' maps"),
        ("runs:\n  - analysis: data_overview\n    grid: {language: en}\n", "'grid:' maps"),
        ("runs:\n  - analysis: [data_overview]\n", "needs 'analysis: NAME'"),
        ("runs: []\nout: [a]\n", "'out:' is a folder path"),
        (
            "runs:\n  - {analysis: data_overview, grid: {a: [1,2,3,4,5,6,7,8,9,10,11], "
            "b: [1,2,3,4,5,6,7,8,9,10,11], c: [1,2,3,4,5,6,7,8,9,10,11]}}\n",
            "more than 1,000 runs",
        ),
    ],
)
def test_a_batch_file_of_the_wrong_shape_is_one_line_exit_2(tmp_path, text, words):
    result = _invoke("batch", str(_batch_file(tmp_path, text)), "--out", str(tmp_path / "o"))
    _one_line_error(result, 2, words)


def test_a_folder_given_as_batch_file_params_file_or_input_is_one_line_exit_2(tmp_path):
    _one_line_error(_invoke("batch", str(tmp_path)), 2, "is a folder")
    result = _invoke("run", "data_overview", "-f", str(tmp_path), "--out", str(tmp_path / "o"))
    _one_line_error(result, 2, "is a folder")
    # A folder of Parquet or CSV files is a source (mkt_engineering.sources); this one has none.
    result = _invoke("run", "data_overview", "--data", f"touchpoints={tmp_path}")
    _one_line_error(result, 2, f"{tmp_path}: is a folder or glob with no Parquet or CSV files")


def test_the_same_input_twice_on_the_command_line_is_refused(tmp_path):
    result = _invoke(
        "run", "data_overview", "--data", "touchpoints=a.csv", "--data", "touchpoints=b.csv"
    )
    _one_line_error(result, 2, "'touchpoints' is given twice")


def _unreadable(monkeypatch, path: Path) -> None:
    """Reading `path` raises PermissionError (root can read any file, so it is simulated)."""
    import builtins

    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if str(file) == str(path.resolve()):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)


def test_an_unreadable_input_file_is_one_line_exit_2(tmp_path, monkeypatch):
    secret = tmp_path / "touchpoints.csv"
    secret.write_text("customer_id,timestamp,channel\n1,2024-01-01,search\n")
    _unreadable(monkeypatch, secret)
    result = _invoke(
        "run", "data_overview", "--data", f"touchpoints={secret}", "--out", str(tmp_path / "o")
    )
    _one_line_error(result, 2, "cannot be read")


def test_in_a_batch_only_the_run_with_the_unreadable_file_fails(tmp_path, monkeypatch):
    from mkt_engineering.reporting import batch
    from mkt_engineering.reporting.runner import RunResult

    readable, secret = tmp_path / "ok.csv", tmp_path / "secret.csv"
    for path in (readable, secret):
        path.write_text("customer_id,timestamp,channel\n1,2024-01-01,search\n")
    _unreadable(monkeypatch, secret)
    # Executing is not what is tested here: every run that gets through its checks succeeds.
    monkeypatch.setattr(
        batch, "execute_run", lambda run, **kw: RunResult(run.label, run.analysis, "ok")
    )
    specs = [
        batch.RunSpec("data_overview", "fine", data=[f"touchpoints={readable}"]),
        batch.RunSpec("data_overview", "locked", data=[f"touchpoints={secret}"]),
        batch.RunSpec("data_overview", "also fine", data=[f"touchpoints={readable}"]),
    ]
    results = {r.label: r for r in batch.run_batch(specs, tmp_path / "out", jobs=1)}
    assert [results[k].status for k in ("fine", "locked", "also fine")] == ["ok", "failed", "ok"]
    assert "cannot be read" in results["locked"].error and "\n" not in results["locked"].error
