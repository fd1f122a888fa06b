"""Consent belongs to the person: a lead without consent in the lead table is left out of
the whole nurture analysis, events included (before, only its attribute row was dropped)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from mkt_engineering import nurture
from mkt_engineering.nurture.timeline import load_lead_attributes

DEMO = Path(__file__).resolve().parents[2] / "datasets" / "leads"


def _leads_with_consent(folder: Path, refused: int) -> tuple[Path, list[str]]:
    leads = pl.read_csv(DEMO / "leads.csv")
    consent = ["no" if i < refused else "yes" for i in range(leads.height)]
    path = folder / "leads.csv"
    leads.with_columns(marketing_consent=pl.Series(consent)).write_csv(path)
    return path, leads["lead_id"].head(refused).to_list()


def test_events_of_leads_without_consent_are_removed(tmp_path):
    path, refused = _leads_with_consent(tmp_path, refused=25)
    events = pl.read_csv(DEMO / "lead_events.csv", try_parse_dates=True)
    leads = load_lead_attributes(path)
    assert sorted(leads.without_consent.to_list()) == sorted(refused)
    kept = nurture.drop_leads_without_consent(events, leads)
    assert not kept["lead_id"].is_in(refused).any()
    removed = events.filter(pl.col("lead_id").is_in(refused)).height
    assert kept.height == events.height - removed > 0
    assert leads.quality.count("events of leads without consent removed") == removed


def test_a_lead_table_without_consent_column_changes_nothing():
    events = pl.read_csv(DEMO / "lead_events.csv", try_parse_dates=True)
    leads = load_lead_attributes(DEMO / "leads.csv")
    assert leads.without_consent is None
    assert nurture.drop_leads_without_consent(events, leads).height == events.height


def test_the_nurture_report_leaves_them_out(tmp_path):
    path, refused = _leads_with_consent(tmp_path, refused=25)
    out = tmp_path / "out"
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("mkt")),
            "run",
            "nurture_timing",
            "--out",
            str(out),
            "--data",
            f"lead_events={DEMO / 'lead_events.csv'}",
            "--data",
            f"leads={path}",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (manifest_path,) = out.glob("nurture_timing/*/manifest.json")
    page = manifest_path.with_name("report.html").read_text(encoding="utf-8")
    assert "events of leads without consent removed" in page
    leads_total = pl.read_csv(DEMO / "leads.csv").height
    assert f"{leads_total - len(refused):,} leads with" in page
    assert json.loads(manifest_path.read_text())["status"] == "ok"


def test_a_complete_lead_table_notes_no_issue():
    # a count of 0 was recorded as a finding, and the report said "1 issue(s) noted"
    events = pl.read_csv(DEMO / "lead_events.csv", try_parse_dates=True)
    leads = load_lead_attributes(DEMO / "leads.csv")
    nurture.attach_lead_attributes(nurture.stage_timeline(events), leads)
    assert leads.quality.issues == []
