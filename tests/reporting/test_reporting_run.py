"""One real `mkt run data_overview` on a touchpoints export with an e-mail column.

The run is shared by every test here (one kernel start). It checks the run folder, the
manifest, that no e-mail address reaches any file, and that report.html works offline,
in a real browser too when Chromium is installed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from mkt_engineering.reporting.redact import EMAIL

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


@pytest.fixture(scope="module")
def overview_run(tmp_path_factory, mkt_cli) -> dict:
    folder = tmp_path_factory.mktemp("overview")
    rows = 200
    export = pl.DataFrame(
        {
            "customer_id": [f"c{i % 40}" for i in range(rows)],
            "timestamp": [dt.datetime(2024, 1, 1) + dt.timedelta(hours=7 * i) for i in range(rows)],
            "channel": [
                ["search", "social", '=HYPERLINK("http://x","y")'][i % 3] for i in range(rows)
            ],
            "email": [f"person{i % 40}@example.com" for i in range(rows)],
        }
    )
    path = folder / "touchpoints_with_email.csv"
    export.write_csv(path)
    out = folder / "reports"
    result = mkt_cli("run", "data_overview", "--data", f"touchpoints={path}", "--out", str(out))
    runs = (
        [p for p in (out / "data_overview").iterdir() if not p.name.startswith(".")]
        if (out / "data_overview").exists()
        else []
    )
    return {"result": result, "out": out, "input": path, "runs": runs}


def test_run_succeeds_and_writes_a_complete_folder(overview_run):
    result = overview_run["result"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(overview_run["runs"]) == 1
    run = overview_run["runs"][0]
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{6}", run.name)
    assert {p.name for p in run.iterdir()} >= {
        "report.html",
        "executed.ipynb",
        "manifest.json",
        "tables",
    }
    assert sorted(p.name for p in (run / "tables").iterdir()) == ["tables.csv", "tables.parquet"]
    assert not list((overview_run["out"] / "data_overview").glob(".tmp-*"))
    assert str(run / "report.html") in result.stdout.replace("\n", "")


def test_manifest_records_inputs_packages_and_times(overview_run):
    run = overview_run["runs"][0]
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["analysis"] == "data_overview" and manifest["status"] == "ok"
    assert manifest["parameters"]["touchpoints_file"] == str(overview_run["input"].resolve())
    assert manifest["parameters"]["language"] == "en"  # defaults are recorded too
    [item] = manifest["inputs"]
    assert item["sha256"] == hashlib.sha256(overview_run["input"].read_bytes()).hexdigest()
    assert item["bytes"] == overview_run["input"].stat().st_size
    assert {"python", "polars", "papermill", "nbconvert", "altair"} <= set(manifest["packages"])
    assert manifest["started"] <= manifest["finished"]
    assert manifest["headline"].startswith("1 table, 200 rows")


def test_no_email_address_in_any_file_of_the_report(overview_run):
    leaks = []
    for path in overview_run["out"].rglob("*"):
        if path.is_dir():
            continue
        if path.suffix == ".parquet":
            text = pl.read_parquet(path).write_csv()
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{path.name}: {match}" for match in EMAIL.findall(text)]
    assert not leaks


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str]] = []
        self.svg = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svg += 1
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.references.append((tag, value))


def test_report_html_is_offline_and_has_every_chart_inline(overview_run):
    page = (overview_run["runs"][0] / "report.html").read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(page)
    remote = [
        (tag, ref)
        for tag, ref in tags.references
        if tag in ("script", "link", "img", "iframe", "source")
        and re.match(r"\s*(https?:)?//", ref)
    ]
    assert not remote
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "<script src" not in page
    executed = json.loads((overview_run["runs"][0] / "executed.ipynb").read_text())
    charts = sum(
        "image/svg+xml" in out.get("data", {})
        for cell in executed["cells"]
        for out in cell.get("outputs", [])
    )
    assert charts >= 1 and tags.svg >= charts


def test_report_hides_code_and_shows_parameters_and_quality(overview_run):
    page = (overview_run["runs"][0] / "report.html").read_text(encoding="utf-8")
    assert "<title>Data overview</title>" in page
    for section in ("Parameters", "Input files", "Data quality"):
        assert f"<h2>{section}</h2>" in page
    assert '<details class="mkt-run-details" id="run-details">' in page  # at the end
    assert "overview.load(" not in page and "setup_notebook(" not in page


def test_index_lists_the_run(overview_run):
    index = (overview_run["out"] / "index.html").read_text(encoding="utf-8")
    assert "data_overview/" + overview_run["runs"][0].name + "/report.html" in index
    assert "1 table, 200 rows" in index
    assert "http:" not in index and "https:" not in index  # no remote link (http-equiv is fine)


@pytest.mark.browser
def test_report_renders_in_headless_chromium_without_network(overview_run, tmp_path):
    if CHROMIUM is None:
        pytest.skip(
            "Chromium is not installed (apt-get install chromium); the offline browser check "
            "did not run"
        )
    report = overview_run["runs"][0] / "report.html"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    # No network at all where a fresh network namespace can be made; the flags block it otherwise.
    prefix = (
        ["unshare", "-n"]
        if shutil.which("unshare")
        and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
        else []
    )
    dom = subprocess.run(
        [*prefix, CHROMIUM, *flags, "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    executed = json.loads((report.parent / "executed.ipynb").read_text())
    charts = sum(
        "image/svg+xml" in out.get("data", {})
        for cell in executed["cells"]
        for out in cell.get("outputs", [])
    )
    assert dom.stdout.count('class="marks"') >= charts >= 1
    assert "Traceback" not in dom.stdout and "Javascript Error" not in dom.stdout
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            *prefix,
            CHROMIUM,
            *flags,
            "--window-size=1100,2400",
            f"--screenshot={shot}",
            report.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 20_000


def test_a_kernel_that_fails_to_start_leaves_no_socket_folder(tmp_path, monkeypatch):
    import tempfile
    from types import SimpleNamespace

    import pytest
    from jupyter_client.manager import KernelManager

    from mkt_engineering.reporting import runner

    def refuse(self, **kwargs):
        raise RuntimeError("no kernel today")

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(KernelManager, "start_kernel", refuse)
    with pytest.raises(RuntimeError, match="no kernel today"):
        runner.start_kernel(SimpleNamespace(notebook=tmp_path / "x.ipynb"), tmp_path / "run")
    assert not list(tmp_path.glob("mkt-kernel-*"))


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_stale_kernel_folders_of_killed_runs_are_removed_at_the_next_start(tmp_path, monkeypatch):
    import tempfile
    from types import SimpleNamespace

    from jupyter_client.manager import KernelManager

    from mkt_engineering.reporting import runner
    from mkt_engineering.reporting.folders import OWNER_FILE

    stale = tmp_path / "mkt-kernel-stale"
    stale.mkdir()
    (stale / OWNER_FILE).write_text(json.dumps({"pid": _dead_pid(), "started": "1"}))
    (stale / "connection.json").write_text("{}")
    unmarked = tmp_path / "mkt-kernel-someone-elses"
    unmarked.mkdir()
    alive = tmp_path / "mkt-kernel-alive"
    alive.mkdir()
    runner.mark_owner(alive)  # this very process: still running
    seen = {}

    def record(self, **kwargs):
        seen["connection_file"], seen["ip"] = self.connection_file, self.ip
        raise RuntimeError("stop here")

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(KernelManager, "start_kernel", record)
    with pytest.raises(RuntimeError, match="stop here"):
        runner.start_kernel(SimpleNamespace(notebook=tmp_path / "x.ipynb"), tmp_path / "run")
    assert not stale.exists() and unmarked.exists() and alive.exists()
    # The connection file lives in the private folder, so the clean-up takes it too.
    assert Path(seen["connection_file"]).parent == Path(seen["ip"]).parent
    assert Path(seen["connection_file"]).parent.name.startswith("mkt-kernel-")


def test_a_notebook_outside_notebooks_writes_only_inside_out(tmp_path, monkeypatch):
    from mkt_engineering.reporting import runner

    source = tmp_path / "elsewhere"
    source.mkdir()
    # "...ipynb" has the stem "..": once a run folder named after it landed beside --out.
    notebook = source / "...ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {"tags": ["parameters"]},
                        "source": "n: int = 1  # a number; range: 0..9",
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
    out = tmp_path / "area" / "out"

    def no_kernel(*args):
        raise RuntimeError("no kernel in this test")

    monkeypatch.setattr(runner, "start_kernel", no_kernel)
    before = set((tmp_path / "area").glob("*")) if (tmp_path / "area").exists() else set()
    result = runner.execute_run(runner.prepare_run(str(notebook), {}, [], out))
    assert result.status == "failed" and result.folder.resolve().is_relative_to(out.resolve())
    assert set((tmp_path / "area").glob("*")) - before == {out}


def test_a_kernel_killed_midway_fails_the_run_within_seconds(tmp_path):
    """A kernel killed for memory (here: by itself) ends the run at once, as a failure.

    With a blocking kernel client the cell's wait for output blocked the event loop that
    watches the kernel, so the run hung for minutes, or for ever.
    """
    import threading

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from mkt_engineering.reporting import runner

    notebook = new_notebook(
        cells=[
            new_code_cell("x = 1  # parameters", metadata={"tags": ["parameters"]}),
            new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
            new_code_cell("y = 2"),
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = tmp_path / "killed.ipynb"
    nbformat.write(notebook, path)
    results = []
    run = runner.prepare_run(str(path), {}, [], tmp_path / "out")
    worker = threading.Thread(target=lambda: results.append(runner.execute_run(run)), daemon=True)
    worker.start()
    worker.join(timeout=90)
    assert results, "the run was still waiting for a dead kernel after 90 s"
    assert results[0].status == "failed"
    assert "ran out of memory" in results[0].error and "--memory" in results[0].error
