"""The benchmarks' memory cap is a real cap: a child that outgrows it is stopped and named."""

from __future__ import annotations

import pytest

from benchmarks.engine_data import run_child
from benchmarks.memory_cap import MemoryCap

CAP = 256 * 1024**2


def _cgroup_or_skip() -> None:
    cap = MemoryCap(CAP, "probe")
    kind = cap.kind
    cap.close()
    if kind == "prlimit --as":
        pytest.skip("no memory cgroup can be made here (needs root and a memory controller)")


def test_a_child_that_outgrows_the_cgroup_is_killed_and_the_row_says_so():
    _cgroup_or_skip()
    grow = "import numpy as np\nblock = np.ones(512 * 1024**2 // 8)\nreport(done=True)\n"
    measured = run_child(grow, memory_cap_bytes=CAP, timeout=120)
    assert "error" in measured
    assert "memory cap" in measured["error"] and "cgroup" in measured["error"]


def test_a_child_within_the_cgroup_reports_resident_peaks_not_address_space():
    _cgroup_or_skip()
    # 100 MB touched, under a 256 MB cap that `prlimit --as` would refuse outright (numpy,
    # polars and the interpreter reserve far more address space than that).
    fits = (
        "import numpy as np\nimport polars\n"
        "block = np.ones(100 * 1024**2 // 8)\nreport(done=True)\n"
    )
    measured = run_child(fits, memory_cap_bytes=CAP, timeout=120)
    assert measured.get("done") is True, measured
    assert measured["cap"] == "0.25 GiB (cgroup v1)" or measured["cap"].endswith("(cgroup v2)")
    assert 100 <= measured["peak_mb"] < 256
    assert measured["virtual_peak_mb"] > 256  # what prlimit --as would have capped


def test_without_a_cgroup_the_cap_falls_back_to_prlimit(monkeypatch, tmp_path):
    monkeypatch.setattr("benchmarks.memory_cap.CGROUP_ROOT", tmp_path / "none")
    cap = MemoryCap(CAP, "fallback")
    assert cap.kind == "prlimit --as"
    assert cap.command(["python"])[:2] == ["prlimit", f"--as={CAP}"]
    assert cap.environment({})["MALLOC_ARENA_MAX"] == "2"
    assert cap.peak_bytes() is None and not cap.oom_killed()
