"""Every report's manifest carries a profile: seconds and peak memory per section and cell."""

from __future__ import annotations

import pytest

from mkt_engineering.reporting import profiling

REPORTS = ["attribution", "ab_test", "cohort_ltv", "nurture_timing", "data_overview"]


@pytest.mark.parametrize("report", REPORTS)
def test_a_demo_manifest_profiles_each_section_and_the_cells_around_them(demo_runs, report):
    result = demo_runs[report]
    assert result.status == "ok", result.error
    manifest = result.manifest
    profile = manifest["profile"]
    steps = profile["steps"]
    sections = [step["name"] for step in steps if step["kind"] == "section"]
    # the same sections, in the order the report ran them (the manifest's own record)
    assert sections == [entry["name"] for entry in manifest["sections"]]
    cells = [step for step in steps if step["kind"] == "cell"]
    assert cells and all(step["name"] and "\n" not in step["name"] for step in cells)
    # the steps fill the notebook's run from setup_notebook to its last cell, but for the
    # moments between cells; the run's duration adds the kernel's start and the page
    total = sum(step["seconds"] for step in steps)
    assert total == pytest.approx(profile["seconds"], abs=0.01 * len(steps))
    span = profile["span_seconds"]
    assert 0.8 * span - 0.3 < total <= span + 0.01 * len(steps)
    assert span < manifest["duration_seconds"]
    assert all(step["seconds"] >= 0 for step in steps)
    # a Python kernel with polars loaded holds well over 50 MB at every step
    assert all(step["peak_mb"] > 50 for step in steps)
    assert profile["peak_mb"] == max(step["peak_mb"] for step in steps)
    # every chart drawn, with its data rows (notebook.chart_sizes)
    charts = manifest["chart_sizes"]
    assert charts and all(isinstance(c["rows"], int) and c["chart"] for c in charts)


def test_the_loading_cell_is_named_by_its_code(demo_runs):
    steps = demo_runs["cohort_ltv"].manifest["profile"]["steps"]
    names = [step["name"] for step in steps if step["kind"] == "cell"]
    assert any("load" in name for name in names), names


def test_peak_memory_is_per_step_not_since_the_kernel_started():
    import numpy as np

    profiling.reset_peak()
    before = profiling.peak_mb()
    block = np.ones(200 * 1024 * 1024 // 8)  # 200 MB, touched
    high = profiling.peak_mb()
    del block
    assert high - before > 150
    if profiling.reset_peak():  # Linux: the mark falls back to what is resident now
        assert profiling.peak_mb() < high - 150


def test_a_cell_with_a_section_lists_the_section_and_its_own_rest():
    import time

    steps: list[dict] = []
    saved = []
    profiler = profiling.Profiler(steps, lambda: saved.append(len(steps)))

    class Info:
        raw_cell = "# comment\nresult = fit(data)\n"

    profiler.pre_run_cell(Info())
    time.sleep(0.15)
    profiler.section_started()
    time.sleep(0.05)
    profiler.section_finished("clv")
    profiler.post_run_cell()
    profiler.pre_run_cell(Info())
    profiler.post_run_cell()
    kinds = [(s["kind"], s["name"]) for s in steps]
    assert kinds == [
        ("section", "clv"),
        ("cell", "result = fit(data) (outside sections)"),
        ("cell", "result = fit(data)"),
    ]
    assert steps[0]["seconds"] == pytest.approx(0.05, abs=0.04)
    assert steps[1]["seconds"] == pytest.approx(0.15, abs=0.04)
    assert saved == [2, 3]
    span = profiling.manifest_profile(steps)["span_seconds"]
    assert span == pytest.approx(0.2, abs=0.05)
