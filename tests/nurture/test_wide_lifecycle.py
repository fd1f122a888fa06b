"""Wide lifecycle exports (HubSpot contacts: a date column per stage) as the lead event log.

The reference is the export itself read with the standard library (csv, datetime.strptime):
an independent reading of the same text.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from mkt_engineering import nurture
from mkt_engineering.errors import ParameterError

ROOT = Path(__file__).resolve().parents[2]
HUBSPOT = ROOT / "tests" / "data" / "real_world" / "hubspot_contacts_lifecycle.csv"
STAGES = {
    "Create Date": "created",
    "Became a Marketing Qualified Lead Date": "mql",
    "Became a Sales Qualified Lead Date": "sales_contact",
    "Became an Opportunity Date": "opportunity",
    "Became a Customer Date": "won",
}


def _rows() -> list[dict[str, str]]:
    with HUBSPOT.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_hubspot_export_maps_and_unpivots_with_no_hand_mapping():
    loaded = nurture.load_lifecycle(HUBSPOT)
    expected = {
        (row["Record ID"], dt.datetime.strptime(row[column], "%Y-%m-%d %H:%M"), event)
        for row in _rows()
        for column, event in STAGES.items()
        if row[column].strip()  # an empty cell: the stage was not reached
    }
    got = set(loaded.frame.select("lead_id", "timestamp", "event").iter_rows())
    assert got == expected
    assert loaded.frame.height == len(expected)
    personas = {row["Record ID"]: row["Persona"] or None for row in _rows()}
    assert dict(loaded.frame.select("lead_id", "persona").unique().iter_rows()) == personas
    # the addresses are gone, what they tell (who can get e-mails) is kept
    text = loaded.frame.write_csv() + str(loaded.quality)
    assert "@example.com" not in text
    has_email = {row["Record ID"]: bool(row["Email"].strip()) for row in _rows()}
    assert dict(loaded.leads.iter_rows()) == has_email


def test_timeline_from_the_export_matches_the_stage_dates():
    loaded = nurture.load_lifecycle(HUBSPOT)
    timeline = nurture.stage_timeline(loaded.frame)
    qualified = {
        row["Record ID"] for row in _rows() if row["Became a Marketing Qualified Lead Date"].strip()
    }
    assert set(timeline.filter(pl.col("qualified_at").is_not_null())["lead_id"]) == qualified
    won = {row["Record ID"] for row in _rows() if row["Became a Customer Date"].strip()}
    assert set(timeline.filter(pl.col("won_at").is_not_null())["lead_id"]) == won


def test_other_crm_columns_map_by_stages(tmp_path):
    export = tmp_path / "kontakte.csv"
    export.write_bytes(
        "Kontakt-Nr;Angelegt am;MQL am;Kunde seit;Zielgruppe\n"
        "K-1;05.03.2024;12.03.2024;;Einkauf\n"
        "K-2;06.03.2024;;;IT\n"
        "K-3;07.03.2024;01.03.2024;20.03.2024;IT\n".encode("cp1252")
    )
    loaded = nurture.load_lifecycle(
        export,
        stages={"Angelegt am": "created", "MQL am": "mql", "Kunde seit": "won"},
        columns={"Kontakt-Nr": "lead_id", "Zielgruppe": "persona"},
    )
    day = dt.datetime
    assert loaded.frame.select("lead_id", "timestamp", "event").rows() == [
        ("K-1", day(2024, 3, 5), "created"),
        ("K-1", day(2024, 3, 12), "mql"),
        ("K-2", day(2024, 3, 6), "created"),
        # an MQL before the creation date: the lead counts as created then, and it is named
        ("K-3", day(2024, 3, 1), "created"),
        ("K-3", day(2024, 3, 1), "mql"),
        ("K-3", day(2024, 3, 20), "won"),
    ]
    assert "creation dates moved" in str(loaded.quality)
    assert loaded.leads is None  # no e-mail column: has_email comes from sends, as before


def test_a_stage_that_is_no_lead_event_is_refused():
    with pytest.raises(ParameterError, match="no stage of the lifecycle table"):
        nurture.load_lifecycle(HUBSPOT, stages={"Became a Lead Date": "lead"})


def test_report_runs_on_the_hubspot_export_alone(run_report):
    """`mkt run nurture_timing --data lifecycle=…`: complete; what the export lacks is named."""
    run = run_report(
        "nurture_timing",
        "--data",
        f"lifecycle={HUBSPOT}",
        "--data",
        "lead_events=",
        "--data",
        "leads=",
    )
    manifest = json.loads((run / "manifest.json").read_text())
    assert [item["path"] for item in manifest["inputs"]] == [str(HUBSPOT)]
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "because the data have no email_sent events" in html  # fatigue, send time
    # no lead scores: the exclusion by score is not shown instead of excluding every lead
    assert "because the data have no column score" in html
    skipped = {s["name"] for s in manifest.get("sections", []) if s["status"] == "skipped"}
    assert {"fatigue", "send_time", "exclusion", "reach_precision"} <= skipped
    cells = json.loads((run / "executed.ipynb").read_text(encoding="utf-8"))["cells"]
    assert not [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    # the analyses the export does allow were computed from it
    for table in ("funnel", "time_to_mql", "cure_model", "nurture_exits"):
        assert (run / "tables" / f"{table}.csv").exists(), table
    funnel = pl.read_csv(run / "tables" / "funnel.csv")
    assert funnel.filter(pl.col("stage") == "created")["leads"].item() == len(_rows())
