"""Real files straight into the cohort_ltv report: layout options and a column mapping only.

- The CDNOW sample as shipped (no header, leading spaces, runs of spaces, YYYYMMDD dates,
  Windows line ends) runs with ``--layout`` and reproduces the published BG/NBD fit for the
  calibration period ending 1997-09-30 in the report itself: Fader, Hardie & Lee (2005),
  "Counting your customers the easy way", r 0.2426, alpha 4.4136, a 0.7929, b 2.4259,
  log-likelihood -9582.43 (shared/reference/README.md, "Customer lifetime value").
- A German shop export (cp1252, ';', '1.234,50 €', a title line above the header; written by
  tests/data/real_world/german_shop/make_fixture.py) runs with a column mapping only, and
  its amounts are shown in euros because the revenue column is written with €.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import polars as pl
import pytest

PROJECT = Path(__file__).resolve().parents[2]
MKT = [sys.executable, "-m", "mkt_engineering.cli"]
PUBLISHED = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
PUBLISHED_LOG_LIKELIHOOD = -9582.43
CDNOW_LAYOUT = {
    "header": False,
    "names": ["master_id", "customer_id", "order_date", "cds", "revenue"],
    "separator": "whitespace",
    "date_format": "%Y%m%d",
}
GERMAN_SHOP = PROJECT / "tests" / "data" / "real_world" / "german_shop" / "bestellungen_export.csv"


def _start(out: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    """Start `mkt run cohort_ltv ...` as a user types it (both reports run side by side)."""
    process = subprocess.Popen(
        [*MKT, "run", "cohort_ltv", *args, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
    )
    return process, out


def _finish(started: tuple[subprocess.Popen, Path]) -> Path:
    """Wait for a started run; return its report folder."""
    process, out = started
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    (folder,) = (out / "cohort_ltv").iterdir()
    return folder


def _report_text(folder: Path) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", (folder / "report.html").read_text()))


def _no_demo_inputs(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    assert not [i for i in manifest["inputs"] if "datasets" in Path(str(i.get("path", ""))).parts]


@pytest.fixture(scope="module")
def reports(reference_dir, tmp_path_factory) -> dict[str, Path]:
    """The CDNOW and the German shop report, run at the same time."""
    mapping = {
        "Kundennummer": "customer_id",
        "Bestelldatum": "order_date",
        "Betrag": "revenue",
        "Bestellnummer": "order_id",
    }
    cdnow = _start(
        tmp_path_factory.mktemp("cdnow"),
        "--data",
        f"orders={reference_dir / 'cdnow' / 'CDNOW_sample.txt'}",
        "--layout",
        f"orders={json.dumps(CDNOW_LAYOUT)}",
        "-p",
        "calibration_end",
        "1997-09-30",
    )
    german = _start(
        tmp_path_factory.mktemp("german"),
        "--data",
        f"orders={GERMAN_SHOP}",
        "-p",
        "columns",
        json.dumps(mapping),
    )
    return {"cdnow": _finish(cdnow), "german": _finish(german)}


@pytest.fixture(scope="module")
def cdnow_report(reports) -> Path:
    return reports["cdnow"]


@pytest.fixture(scope="module")
def german_report(reports) -> Path:
    return reports["german"]


def test_cdnow_calibration_fit_matches_the_published_values(cdnow_report):
    table = pl.read_csv(cdnow_report / "tables" / "model_fit_calibration_vs_all.csv")
    fitted = dict(zip(table["quantity"], table["calibration_fit"], strict=True))
    for name, value in PUBLISHED.items():
        assert fitted[name] == pytest.approx(value, rel=1e-3), name
    assert fitted["log_likelihood"] == pytest.approx(PUBLISHED_LOG_LIKELIHOOD, abs=0.01)
    assert fitted["customers"] == 2357  # the sample's customers, all first buying in Q1 1997


def test_cdnow_report_states_the_published_values(cdnow_report):
    text = _report_text(cdnow_report)
    assert (
        "the BG/NBD model has r = 0.2426, alpha = 4.4136, a = 0.7929, b = 2.4259, "
        "log-likelihood -9,582.43" in text
    )
    _no_demo_inputs(cdnow_report)


def test_german_shop_export_runs_with_a_column_mapping_only(german_report):
    manifest = json.loads((german_report / "manifest.json").read_text())
    (quality,) = [q for q in manifest["quality"] if q["table"] == "orders"]
    assert quality["decimal_comma"] is True and quality["encoding"] == "cp1252"
    assert quality["rows"] == 1911  # the data lines of the file: 1,913 lines less title and header
    text = _report_text(german_report)
    assert "Amounts are in EUR (€): the revenue column is written with €." in text
    assert "decimal comma: yes" in text
    _no_demo_inputs(german_report)


def test_an_unknown_layout_option_stops_the_run_before_the_kernel(tmp_path):
    result = subprocess.run(
        [
            *MKT,
            "run",
            "cohort_ltv",
            "--data",
            f"orders={GERMAN_SHOP}",
            "--layout",
            'orders={"seperator": ";"}',
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )
    assert result.returncode == 2
    assert "did you mean 'separator'" in result.stderr and "Traceback" not in result.stderr
