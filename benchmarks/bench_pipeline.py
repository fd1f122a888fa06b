"""Overhead of the report pipeline: `mkt run data_overview` vs the same code as a plain script.

Rows (seconds, median of the repetitions):

- ``plain script``: the notebook exported with nbconvert to a .py file, run by IPython in a
  subprocess (same imports, same data, charts rendered to SVG as in the kernel because
  IPython's display calls the renderer; no kernel, no papermill, no HTML);
- ``kernel start``: starting the python3 kernel and running one trivial cell, then shutting
  it down (what any notebook execution pays);
- ``mkt run``: the whole pipeline in a subprocess (CLI start, parameter checks, hashing,
  papermill, SVG charts, report.html, manifest, index);
- ``overhead beyond kernel start`` = mkt run - plain script - kernel start (target < 3 s).
  It can be below zero: `mkt run` starts its kernel right after the parameter checks and
  loads papermill and nbconvert while the kernel boots and pre-imports the kit, so part of
  the kernel start is hidden behind work the plain script does not have;
- ``mkt demo``: every report notebook on the demo data, once (wall time).

Run: ``.venv-bench/bin/python -m benchmarks.run --only pipeline`` (``--scale`` sets the
number of repetitions: 3 at scale 1, at least 1).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mkt_engineering.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from mkt_engineering.reporting.demo_inputs import demo_data

DEMO = "data_overview"
NOTEBOOK = NOTEBOOKS_DIR / "reports" / f"{DEMO}.ipynb"


def _timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed: {result.stderr[-1500:]}")
    return time.perf_counter() - started


def _plain_script(folder: Path) -> Path:
    import nbformat
    from nbconvert import PythonExporter

    from mkt_engineering.reporting.demo_inputs import demo_files

    # The report reads only the files it is given: the demo tables, as `mkt run` gets them.
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    given = "".join(f"\n{name}_file = {str(path)!r}" for name, path in demo_files(DEMO).items())
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source += given
    source, _ = PythonExporter().from_notebook_node(notebook)
    script = folder / "data_overview.py"
    script.write_text(source, encoding="utf-8")
    return script


def _kernel_start() -> float:
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive("1 + 1", timeout=60)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return time.perf_counter() - started


def run(scale: float = 1.0) -> list[dict]:
    repetitions = max(1, round(3 * scale))
    mkt = [sys.executable, "-m", "mkt_engineering.cli"]
    data = [item for entry in demo_data(DEMO) for item in ("--data", entry)]
    with tempfile.TemporaryDirectory(prefix="mkt-bench-pipeline-") as temp:
        folder = Path(temp)
        script = _plain_script(folder)
        plain, kernel, pipeline = [], [], []
        for _ in range(repetitions):
            plain.append(
                _timed(
                    [sys.executable, "-m", "IPython", "--no-banner", "--quick", str(script)],
                    cwd=NOTEBOOK.parent,
                )
            )
            kernel.append(_kernel_start())
            pipeline.append(
                _timed([*mkt, "run", DEMO, *data, "--out", str(folder / "runs")], cwd=PROJECT_ROOT)
            )
        demo = _timed(
            [*mkt, "demo", "--no-generate", "--out", str(folder / "demo")], cwd=PROJECT_ROOT
        )
        reports = len(list((folder / "demo").glob("*/*/report.html")))
    plain_s, kernel_s, pipeline_s = (statistics.median(v) for v in (plain, kernel, pipeline))
    overhead = pipeline_s - plain_s - kernel_s
    return [
        {
            "name": "plain script (data_overview as .py)",
            "seconds": plain_s,
            "notes": f"median of {repetitions}",
        },
        {
            "name": "kernel start (python3, one cell)",
            "seconds": kernel_s,
            "notes": f"median of {repetitions}",
        },
        {
            "name": "mkt run data_overview",
            "seconds": pipeline_s,
            "notes": f"median of {repetitions}",
        },
        {
            "name": "overhead beyond kernel start",
            "seconds": overhead,
            "notes": "target < 3 s per report: " + ("met" if overhead < 3 else "NOT met"),
        },
        {
            "name": "mkt demo (every report)",
            "seconds": demo,
            "notes": f"{reports} reports, --jobs 2",
        },
    ]
