"""`mkt lab` builds the right command; `mkt demo` runs every report and writes the index."""

from __future__ import annotations

import sys

from mkt_engineering.commands import demo as demo_command
from mkt_engineering.commands.lab import lab_command
from mkt_engineering.paths import NOTEBOOKS_DIR, PROJECT_ROOT


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
