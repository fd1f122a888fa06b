"""Shared test fixtures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _reference_dir() -> Path | None:
    # ../shared/reference on the development machines; the wheel copies in a user's clone.
    for candidate in (
        PROJECT_ROOT.parent / "shared" / "reference",
        PROJECT_ROOT / ".cache" / "reference",
    ):
        if (candidate / "cdnow" / "CDNOW_sample.txt").exists():
            return candidate
    return None


REFERENCE_DIR = _reference_dir()


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Folder with the published reference data (cdnow/, survival/)."""
    if REFERENCE_DIR is None:
        pytest.fail("reference data missing: run `make reference-data` (make test does it)")
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture
def run_report(tmp_path):
    """Run ``mkt run ANALYSIS ARGS... --out tmp`` and return the finished run folder.

    The run must exit 0 with status ok; the folder holds manifest.json, report.html,
    executed.ipynb and tables/. One helper for the tests that take an export through a
    whole report.
    """
    import json
    import os
    import subprocess
    import sys

    def run(analysis: str, *args: str) -> Path:
        out = tmp_path / "reports"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkt_engineering.cli",
                "run",
                analysis,
                *args,
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            timeout=300,
            env={**os.environ, "COLUMNS": "200"},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        [folder] = (out / analysis).iterdir()
        assert json.loads((folder / "manifest.json").read_text())["status"] == "ok"
        return folder

    return run


# Shared by tests/engines and tests/sources: one local Spark session per run.
@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session (2 cores, no UI) for the whole run."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark tests need a Java runtime (apt-get install -y default-jre-headless)")
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("mkt-engineering-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
