"""Presets: each tool's export (a fixture written in its documented shape) reads onto its contract.

The expected numbers come from reading the fixture with the csv module, independently of
the kit's loader.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkt_engineering.errors import DataValidationError, ParameterError
from mkt_engineering.presets import (
    PRESETS,
    apply_to_run,
    closest_presets,
    get_preset,
    load_with_preset,
)

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real_world"
DIR = REAL / "presets"
FIXTURES = {
    "hubspot_contacts": REAL / "hubspot_contacts_lifecycle.csv",
    "shopify_orders": DIR / "shopify_orders_export.csv",
    "woocommerce_orders": DIR / "woocommerce_orders_export.csv",
    "google_ads": DIR / "google_ads_campaign_report.csv",
    "meta_ads": DIR / "meta_ads_campaign_report.csv",
    "ga4_events": DIR / "ga4_events_flat.csv",
    "ab_totals": DIR / "ab_tool_totals.csv",
    "salesforce_lead_history": DIR / "salesforce_lead_history.csv",
}
SALT = "test-salt"


def _rows(path: Path, skip: int = 0) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO("\n".join(text.splitlines()[skip:]))))


def test_every_preset_has_a_fixture_that_loads():
    assert set(FIXTURES) == set(PRESETS)
    for name, path in FIXTURES.items():
        results = load_with_preset(name, path, salt=SALT)
        assert all(r.quality.rows > 0 for r in results.values()), name


def test_google_ads_spend_sums_like_the_file():
    rows = _rows(FIXTURES["google_ads"], skip=2)  # report name and date range above the header
    expected = sum(float(r["Cost"].replace(",", "")) for r in rows)
    spend = load_with_preset("google_ads", FIXTURES["google_ads"])["spend"].frame
    assert spend.height == len(rows)
    assert spend["spend"].sum() == pytest.approx(expected)
    assert set(spend["channel"]) == {r["Campaign"] for r in rows}


def test_shopify_line_items_become_one_pseudonymous_order_each():
    rows = _rows(FIXTURES["shopify_orders"])
    totals = {r["Name"]: float(r["Total"]) for r in rows if r["Total"]}
    orders = load_with_preset("shopify_orders", FIXTURES["shopify_orders"], salt=SALT)["orders"]
    frame = orders.frame
    assert frame.height == len(totals) < len(rows)  # line items of one order collapse
    assert frame["revenue"].sum() == pytest.approx(sum(totals.values()))
    assert not frame["customer_id"].str.contains("@").any()
    # the same address in another case is the same customer
    assert frame["customer_id"].n_unique() == len({r["Email"].lower() for r in rows if r["Email"]})


def test_ga4_sessions_are_touchpoints_and_purchases_conversions():
    rows = _rows(FIXTURES["ga4_events"])
    tables = load_with_preset("ga4_events", FIXTURES["ga4_events"])
    touches, sales = tables["touchpoints"].frame, tables["conversions"].frame
    assert touches.height == sum(r["event_name"] == "session_start" for r in rows)
    assert sales.height == sum(r["event_name"] == "purchase" for r in rows)
    assert sales["value"].sum() == pytest.approx(
        sum(float(r["ecommerce.purchase_revenue"]) for r in rows if r["event_name"] == "purchase")
    )
    assert "direct" in set(touches["channel"]) and "(none)" not in set(touches["channel"])
    first = min(int(r["event_timestamp"]) for r in rows if r["event_name"] == "session_start")
    import datetime as dt

    when = dt.datetime.fromtimestamp(first / 1e6, dt.UTC).replace(tzinfo=None, microsecond=0)
    assert touches["timestamp"].min() == when


def test_a_file_of_another_tool_names_the_preset_that_fits():
    with pytest.raises(DataValidationError) as caught:
        load_with_preset("google_ads", FIXTURES["meta_ads"])
    message = str(caught.value)
    assert "meta_ads_campaign_report.csv" in message
    assert "'Campaign' (closest: 'Campaign name')" in message
    assert "closest: meta_ads" in message


def test_unknown_preset_names_the_closest():
    with pytest.raises(ParameterError, match="did you mean 'woocommerce_orders'"):
        get_preset("woocomerce")


def test_closest_presets_ranks_by_expected_columns():
    assert closest_presets(["Variation", "Visitors", "Conversions", "Revenue"])[0] == (
        "ab_totals",
        1.0,
    )


def test_run_renames_only_the_preset_input_through_its_layout():
    data = [f"orders={FIXTURES['woocommerce_orders']}", f"spend={FIXTURES['google_ads']}"]
    parameters = apply_to_run("google_ads", {"columns": {"Kunde": "customer_id"}}, data)
    layout = parameters["layouts"]["spend"]
    assert layout["header"] is False and layout["skip_lines"] == 3  # two title lines, header
    assert layout["names"][:4] == ["channel", "period_start", "Currency code", "spend"]
    assert parameters["columns"] == {"Kunde": "customer_id"}  # other inputs untouched
    with pytest.raises(ParameterError, match="mkt convert --preset ga4_events"):
        apply_to_run("ga4_events", {}, [str(FIXTURES["ga4_events"])])
    with pytest.raises(ParameterError, match="--data spend=FILE"):
        apply_to_run("meta_ads", {}, data[:1])


def test_validate_and_convert_commands(tmp_path, monkeypatch):
    from mkt_engineering.cli import app

    monkeypatch.setenv("MKT_PSEUDONYM_SALT", SALT)
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "--preset", "meta_ads", str(FIXTURES["meta_ads"])])
    assert ok.exit_code == 0, ok.output
    assert "valid spend table (13 rows)" in " ".join(ok.output.split())
    bad = runner.invoke(app, ["validate", "--preset", "meta_ads", str(FIXTURES["google_ads"])])
    assert bad.exit_code == 1
    done = runner.invoke(
        app, ["convert", "--preset", "ga4_events", str(FIXTURES["ga4_events"]), str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert (tmp_path / "touchpoints.csv").is_file() and (tmp_path / "conversions.csv").is_file()
    assert "next: mkt run attribution --data touchpoints=" in done.output


def test_the_run_layout_reads_the_input_as_the_report_does():
    """cohort_ltv reads spend with its layout only (no columns): the preset's layout suffices."""
    from mkt_engineering.io import load_table

    data = [f"orders={FIXTURES['woocommerce_orders']}", f"spend={FIXTURES['google_ads']}"]
    parameters = apply_to_run("woocommerce_orders", {}, data)
    parameters = apply_to_run("google_ads", parameters, data)
    layouts = parameters["layouts"]
    spend = load_table(FIXTURES["google_ads"], "spend", layout=layouts["spend"]).frame
    expected = load_with_preset("google_ads", FIXTURES["google_ads"])["spend"].frame
    assert spend.equals(expected)
    orders = load_table(FIXTURES["woocommerce_orders"], "orders", layout=layouts["orders"])
    rows = _rows(FIXTURES["woocommerce_orders"])
    assert orders.frame.height == len(rows)
    assert orders.frame["revenue"].sum() == pytest.approx(
        sum(float(r["order_total"]) for r in rows)
    )


def test_run_with_a_wrong_preset_stops_before_the_kernel(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkt_engineering.cli", "run", "ab_test"]
        + ["--data", f"totals={FIXTURES['meta_ads']}", "--preset", "ab_totals"]
        + ["--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert "closest: meta_ads" in done.stderr


def test_ga4_export_as_parquet_gives_the_same_tables(tmp_path):
    import polars as pl

    text = pl.read_csv(FIXTURES["ga4_events"], infer_schema_length=0)
    typed = text.with_columns(  # as BigQuery writes them: integer microseconds, float revenue
        pl.col("event_timestamp").cast(pl.Int64),
        pl.col("ecommerce.purchase_revenue").cast(pl.Float64),
    )
    typed.write_parquet(tmp_path / "events.parquet")
    from_csv = load_with_preset("ga4_events", FIXTURES["ga4_events"])
    from_parquet = load_with_preset("ga4_events", tmp_path / "events.parquet")
    for table in ("touchpoints", "conversions"):
        assert from_parquet[table].frame.equals(from_csv[table].frame), table


SF_EVENTS = {  # the default Lead Status picklist (plus Marketing Qualified) -> lead event
    "Working - Contacted": "sales_contact",
    "Marketing Qualified": "mql",
    "Closed - Converted": "opportunity",
    "Closed - Not Converted": "disqualified",
}


def _salesforce_expected(rows: list[dict[str, str]], events: dict[str, str]) -> list[tuple]:
    """(lead, ISO time, event) per row, from the csv module and datetime.strptime."""
    import datetime as dt

    out = []
    for row in rows:
        if row["Field / Event"] == "Created.":
            event = "created"
        elif row["Field / Event"] == "Lead Status" and row["New Value"] in events:
            event = events[row["New Value"]]
        else:
            continue
        when = dt.datetime.strptime(row["Edit Date"], "%m/%d/%Y %I:%M %p")
        out.append((row["Lead ID"], when, event))
    return sorted(out)


def test_salesforce_history_becomes_lead_events_like_the_file():
    rows = _rows(FIXTURES["salesforce_lead_history"])
    loaded = load_with_preset("salesforce_lead_history", FIXTURES["salesforce_lead_history"])
    frame = loaded["lead_events"].frame
    got = sorted(frame.select("lead_id", "timestamp", "event").rows())
    assert got == _salesforce_expected(rows, SF_EVENTS)
    # 12-hour clock: 12:xx AM is just after midnight, PM after noon
    assert any(t.hour >= 13 for _, t, _ in got) and all(0 <= t.hour < 24 for _, t, _ in got)


def test_salesforce_convert_counts_what_it_drops_and_takes_a_statuses_mapping(tmp_path):
    from mkt_engineering.cli import app

    rows = _rows(FIXTURES["salesforce_lead_history"])
    other = sum(r["Field / Event"] not in ("Created.", "Lead Status") for r in rows)
    unmapped = sum(
        r["Field / Event"] == "Lead Status" and r["New Value"] not in SF_EVENTS for r in rows
    )
    assert other and unmapped  # the fixture has both kinds
    path = str(FIXTURES["salesforce_lead_history"])
    done = CliRunner().invoke(
        app, ["convert", "--preset", "salesforce_lead_history", path, str(tmp_path / "a")]
    )
    assert done.exit_code == 0, done.output
    text = " ".join(done.output.split())
    assert f"{other} change(s) of other fields dropped" in text
    assert f"{unmapped} Lead Status change(s) to a status without event dropped" in text
    assert f"next: mkt run nurture_timing --data lead_events={tmp_path / 'a'}" in text
    written = list(csv.DictReader((tmp_path / "a" / "lead_events.csv").open()))
    assert len(written) == len(_salesforce_expected(rows, SF_EVENTS))
    # the user's mapping: the recycled status becomes an event, MQL is dropped
    mine = {"Open - Not Contacted": "recycled", "Marketing Qualified": ""}
    import json

    done = CliRunner().invoke(
        app,
        [
            "convert",
            "--preset",
            "salesforce_lead_history",
            path,
            str(tmp_path / "b"),
            "--statuses",
            json.dumps(mine),
        ],
    )
    assert done.exit_code == 0, done.output
    expected = _salesforce_expected(
        rows,
        {
            **{k: v for k, v in SF_EVENTS.items() if k != "Marketing Qualified"},
            "Open - Not Contacted": "recycled",
        },
    )
    written = list(csv.DictReader((tmp_path / "b" / "lead_events.csv").open()))
    assert sorted(r["event"] for r in written) == sorted(e for _, _, e in expected)
    bad = CliRunner().invoke(
        app,
        [
            "convert",
            "--preset",
            "salesforce_lead_history",
            path,
            str(tmp_path / "c"),
            "--statuses",
            '{"Working - Contacted": "called"}',
        ],
    )
    assert bad.exit_code == 2 and "'called' is no lead event" in bad.output


def test_salesforce_dates_in_another_locale_are_refused_with_their_lines(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "Lead ID,Field / Event,Old Value,New Value,Edit Date,Edited By\n"
        "00Q1,Created.,,,3/5/2024 2:22 PM,A\n"
        "00Q1,Lead Status,Open - Not Contacted,Working - Contacted,05.03.2024 15:10,A\n"
    )
    with pytest.raises(DataValidationError, match=r"Edit Date.*line 3: '05.03.2024 15:10'"):
        load_with_preset("salesforce_lead_history", path)
