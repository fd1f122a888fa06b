"""Fixtures of the report-pipeline tests: a tiny report notebook and small input files.

Kernel starts cost seconds each, so the executed runs are module-scoped and shared.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def mkt(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the `mkt` command in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "mkt_engineering.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def write_tiny_notebook(folder: Path, numbers_file: Path) -> Path:
    """A report with the conventions of the real ones, small enough to run in a few seconds."""
    params = (
        f'numbers_file: str = "{numbers_file}"  # a CSV with a column n\n'
        "factor: int = 2  # multiply n by this\n"
        "fail: bool = False  # raise an error on purpose\n"
        "sleep_seconds: float = 0.0  # wait this long after loading (to kill a run midway)\n"
        "labels: list[str] = []  # any labels\n"
        "note: str | None = None  # optional text\n"
        "columns: dict = {}  # user column -> contract column"
    )
    cells = [
        new_markdown_cell("# Tiny check\n\nA tiny report for the pipeline tests.\n\nMore text."),
        new_code_cell(params, metadata={"tags": ["parameters"]}),
        new_code_cell(
            "from mkt_engineering.reporting import save_table, set_headline, setup_notebook, "
            "show_quality\nsetup_notebook()"
        ),
        new_code_cell(
            "import os, time\nfrom pathlib import Path\nimport polars as pl\n"
            "frame = pl.read_csv(numbers_file)\n"
            'show_quality({"source": numbers_file, "table": "numbers", "rows": frame.height, '
            '"issues": []})\n'
            'if os.environ.get("MKT_RUN_DIR"):\n'
            '    (Path(os.environ["MKT_RUN_DIR"]) / "started").write_text("yes")\n'
            "time.sleep(sleep_seconds)"
        ),
        # An address built at run time, like one coming from the data.
        new_code_cell(
            'print("careless output: write to " + "@".join(["anna.schmidt", "example.org"]))'
        ),
        new_code_cell('if fail:\n    raise ValueError("deliberate failure for the test")'),
        new_code_cell(
            'scaled = save_table(frame.with_columns(pl.col("n") * factor), "scaled")\n'
            "set_headline(f\"total {scaled['n'].sum()}\")"
        ),
        new_code_cell(
            "import altair as alt\n"
            'alt.Chart(scaled, title="Scaled numbers").mark_bar().encode(x="n:Q", y="count():Q")'
        ),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    path = folder / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[str, Path]:
    """A folder with the tiny notebook, its input and an output folder."""
    folder = tmp_path_factory.mktemp("tiny")
    numbers = folder / "numbers.csv"
    numbers.write_text(
        'n,channel\n1,search\n2,"=HYPERLINK(""http://x"",""y"")"\n3,email\n', encoding="utf-8"
    )
    notebook = write_tiny_notebook(folder, numbers)
    return {"folder": folder, "notebook": notebook, "numbers": numbers, "out": folder / "reports"}


@pytest.fixture(scope="session")
def mkt_cli():
    """The `mkt` runner (a fixture, since test folders here are not packages)."""
    return mkt


DEMO_REPORTS = ["attribution", "ab_test", "cohort_ltv", "nurture_timing", "data_overview"]


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory) -> dict:
    """The five reports run as `mkt demo` runs them (demo files, demo parameters), once per
    session, two at a time: ``{report: RunResult}``.

    Shared by the sections tests, the golden-table guard and the profile tests, since each
    run costs seconds of kernel time.
    """
    from mkt_engineering.reporting.batch import RunSpec, run_batch
    from mkt_engineering.reporting.demo_inputs import demo_data, demo_parameters

    specs = [
        RunSpec(name, f"demo-{name}", demo_parameters(name), demo_data(name))
        for name in DEMO_REPORTS
    ]
    results = run_batch(specs, tmp_path_factory.mktemp("demo") / "reports", jobs=2)
    return {result.analysis: result for result in results}
