"""`mkt batch`: parallel runs, a failing run that stops nothing, --resume; and atomic output."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from mkt_engineering.reporting.runner import clean_stale_temp


def _config(path: Path, runs: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"runs": runs}), encoding="utf-8")
    return path


def _folders(out: Path) -> list[Path]:
    return (
        sorted(p for p in (out / "tiny").iterdir() if not p.name.startswith("."))
        if (out / "tiny").exists()
        else []
    )


@pytest.fixture(scope="module")
def batch_run(tiny, mkt_cli) -> dict:
    numbers = tiny["folder"] / "batch_numbers.csv"
    shutil.copy(tiny["numbers"], numbers)
    ok_runs = [
        {
            "analysis": str(tiny["notebook"]),
            "name": "scaled",
            "data": {"numbers": str(numbers)},
            "grid": {"factor": [2, 3]},
        }
    ]
    broken = {"analysis": str(tiny["notebook"]), "name": "broken", "parameters": {"fail": True}}
    out = tiny["folder"] / "batch_reports"
    config = _config(tiny["folder"] / "batch.yaml", [*ok_runs, broken])
    result = mkt_cli("batch", str(config), "--jobs", "2", "--out", str(out))
    return {"result": result, "out": out, "numbers": numbers, "ok_runs": ok_runs, "tiny": tiny}


def _manifests(out: Path) -> list[dict]:
    return [json.loads((folder / "manifest.json").read_text()) for folder in _folders(out)]


def test_a_failing_run_does_not_stop_the_others(batch_run):
    result = batch_run["result"]
    assert result.returncode == 1, result.stdout + result.stderr
    manifests = _manifests(batch_run["out"])
    assert sorted(m["status"] for m in manifests) == ["failed", "ok", "ok"]
    assert sorted(m["parameters"]["factor"] for m in manifests if m["status"] == "ok") == [2, 3]
    assert sorted(m["headline"] for m in manifests if m["status"] == "ok") == [
        "total 12",
        "total 18",
    ]
    for label in ("scaled[factor=2]", "scaled[factor=3]", "broken"):
        assert label in result.stdout
    assert "Runs" in result.stdout and "failed" in result.stdout  # the summary table


def test_the_failed_run_keeps_its_notebook_with_the_error(batch_run):
    [failed] = [
        folder
        for folder in _folders(batch_run["out"])
        if json.loads((folder / "manifest.json").read_text())["status"] == "failed"
    ]
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["error"] == "ValueError: deliberate failure for the test"
    executed = json.loads((failed / "executed.ipynb").read_text())
    errors = [
        out
        for cell in executed["cells"]
        for out in cell.get("outputs", [])
        if out["output_type"] == "error"
    ]
    assert errors and errors[0]["evalue"] == "deliberate failure for the test"
    page = (failed / "report.html").read_text()
    assert "celltag_mkt-error" in page and "This report is incomplete" in page
    assert ">raise<" in page and "fail:" in page  # the failing step shows its (highlighted) code


def test_the_scaled_tables_are_written(batch_run):
    ok = [
        f
        for f in _folders(batch_run["out"])
        if json.loads((f / "manifest.json").read_text())["status"] == "ok"
    ]
    for folder in ok:
        text = (folder / "tables" / "scaled.csv").read_text()
        assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_an_email_printed_by_a_notebook_reaches_no_file(batch_run):
    for folder in _folders(batch_run["out"]):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix != ".parquet":
                text = path.read_text(encoding="utf-8")
                assert "anna.schmidt@example.org" not in text, path
    executed = (_folders(batch_run["out"])[0] / "executed.ipynb").read_text()
    assert "careless output: write to [e-mail removed]" in executed


def test_resume_skips_unchanged_runs_and_reruns_changed_inputs(batch_run, mkt_cli):
    tiny, out = batch_run["tiny"], batch_run["out"]
    config = _config(tiny["folder"] / "resume.yaml", batch_run["ok_runs"])
    before = _folders(out)
    again = mkt_cli("batch", str(config), "--resume", "--out", str(out))
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("skipped") >= 2 and _folders(out) == before
    # One kernel start is enough to show that a changed input is run again.
    config = _config(
        tiny["folder"] / "resume.yaml", [{**batch_run["ok_runs"][0], "grid": {"factor": [2]}}]
    )
    with open(batch_run["numbers"], "a", encoding="utf-8") as handle:
        handle.write("10,display\n")
    changed = mkt_cli("batch", str(config), "--resume", "--out", str(out))
    assert changed.returncode == 0, changed.stdout + changed.stderr
    new = [json.loads((f / "manifest.json").read_text()) for f in _folders(out) if f not in before]
    assert [m["headline"] for m in new] == ["total 32"]


def test_invalid_batch_file_is_one_line_exit_2(tmp_path, mkt_cli):
    bad = _config(tmp_path / "bad.yaml", [{"notebook": "x"}])
    result = mkt_cli("batch", str(bad))
    assert result.returncode == 2 and "each entry needs 'analysis: NAME'" in result.stderr


def test_killing_a_run_midway_leaves_no_report(tiny, tmp_path, monkeypatch):
    out = tiny["folder"] / "killed"
    private_tmp = tmp_path / "tmp"  # the kernel's socket folder lands here
    private_tmp.mkdir()
    command = [
        sys.executable,
        "-m",
        "mkt_engineering.cli",
        "run",
        str(tiny["notebook"]),
        "-p",
        "sleep_seconds",
        "120",
        "--out",
        str(out),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(private_tmp)},
    )
    try:
        deadline = time.time() + 180
        while time.time() < deadline and not list(out.glob("tiny/.tmp-*/started")):
            time.sleep(0.5)
        assert list(out.glob("tiny/.tmp-*/started")), "the run never reached its sleeping cell"
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the runner and its kernel, like a crash
        process.wait(timeout=30)
    assert not list(out.rglob("report.html"))
    assert not [p for p in (out / "tiny").iterdir() if not p.name.startswith(".")]
    clean_stale_temp(out / "tiny")  # the next run tidies up what the crash left
    assert not list((out / "tiny").iterdir())
    # The kernel's socket folder and connection file were left behind by the kill; the
    # next kernel start removes them.
    import tempfile

    from mkt_engineering.reporting.folders import clean_stale_kernel_folders

    left = list(private_tmp.glob("mkt-kernel-*"))
    assert left and (left[0] / "connection.json").exists()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    clean_stale_kernel_folders()
    assert not list(private_tmp.glob("mkt-kernel-*"))


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_stale_clean_up_removes_only_folders_the_kit_marked(tmp_path):
    from mkt_engineering.reporting.folders import OWNER_FILE

    pid = _dead_pid()
    users = tmp_path / f".tmp-20240101-000000-abcdef-{pid}-123456"  # named like a run's
    users.mkdir()
    (users / "notes.txt").write_text("mine")
    kits = tmp_path / f".tmp-20240101-000001-abcdef-{pid}-654321"
    kits.mkdir()
    (kits / OWNER_FILE).write_text(json.dumps({"pid": pid, "started": "1"}))
    clean_stale_temp(tmp_path)
    assert (users / "notes.txt").read_text() == "mine"
    assert not kits.exists()


def _descendants(root: int) -> set[int]:
    """Every process below `root` (read from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status is left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_batch_leaves_no_worker_or_kernel_running(tiny, tmp_path):
    runs = [
        {
            "analysis": str(tiny["notebook"]),
            "name": f"slow{n}",
            "parameters": {"sleep_seconds": 120, "factor": n},
        }
        for n in (2, 3)
    ]
    config = _config(tmp_path / "slow.yaml", runs)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "mkt_engineering.cli", "batch", str(config), "-j", "2"]
    process = subprocess.Popen(
        [*command, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    children: set[int] = set()
    try:
        deadline = time.time() + 240
        while time.time() < deadline and len(list(out.glob("tiny/.tmp-*/started"))) < 2:
            time.sleep(0.5)
        assert len(list(out.glob("tiny/.tmp-*/started"))) == 2, "the runs never started"
        children = _descendants(process.pid)
        assert len(children) >= 4  # two workers, each with its kernel
        os.kill(process.pid, signal.SIGKILL)  # the batch process only, as a crash would
        process.wait(timeout=30)
        deadline = time.time() + 20
        while time.time() < deadline and any(_running(pid) for pid in children):
            time.sleep(0.5)
        assert not [pid for pid in children if _running(pid)], "processes outlived the batch"
    finally:
        for pid in [process.pid, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_jobs_zero_is_refused_not_taken_as_the_default(tiny, mkt_cli):
    config = _config(tiny["folder"] / "batch_zero.yaml", [{"analysis": str(tiny["notebook"])}])
    result = mkt_cli("batch", str(config), "--jobs", "0", "--out", str(tiny["folder"] / "zero"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "jobs: expects a whole number from 1 to 256, got 0" in result.stdout + result.stderr
    assert not (tiny["folder"] / "zero" / "tiny").exists()  # nothing ran
