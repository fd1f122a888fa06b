"""`mkt inspect FILE`: every real-world fixture is recognised, and its printed command runs."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkt_engineering.guess import guess

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real_world"
EXPECTED = {  # fixture -> (kind, name) of the best guess
    "channelattribution_Data.csv": ("contract", "paths"),
    "ab_totals_per_variant.csv": ("preset", "ab_totals"),
    "hubspot_contacts_lifecycle.csv": ("preset", "hubspot_contacts"),
    "german_shop/bestellungen_export.csv": ("contract", "orders"),
    "presets/ab_tool_totals.csv": ("preset", "ab_totals"),
    "presets/ga4_events_flat.csv": ("preset", "ga4_events"),
    "presets/google_ads_campaign_report.csv": ("preset", "google_ads"),
    "presets/meta_ads_campaign_report.csv": ("preset", "meta_ads"),
    "presets/shopify_orders_export.csv": ("preset", "shopify_orders"),
    "presets/woocommerce_orders_export.csv": ("preset", "woocommerce_orders"),
    "presets/salesforce_lead_history.csv": ("preset", "salesforce_lead_history"),
}


def _printed_command(path: Path) -> str:
    from mkt_engineering.cli import app

    shown = CliRunner().invoke(app, ["inspect", str(path)], env={"COLUMNS": "400"})
    assert shown.exit_code == 0, shown.output
    assert "confidence" in shown.output
    [line] = [x for x in shown.output.splitlines() if x.startswith("next: ")]
    return line.removeprefix("next: ")


def test_every_fixture_is_recognised():
    fixtures = {str(p.relative_to(REAL)) for p in REAL.rglob("*.csv")}
    assert fixtures == set(EXPECTED)  # a new fixture needs its expectation here
    for name, (kind, target) in EXPECTED.items():
        best = guess(REAL / name)[0]
        assert (best.kind, best.name) == (kind, target), name
        assert best.confidence == 1.0, name


def test_the_german_shop_mapping_uses_the_usual_german_names():
    best = guess(REAL / "german_shop" / "bestellungen_export.csv")[0]
    assert best.mapping == {
        "Kundennummer": "customer_id",
        "Bestelldatum": "order_date",
        "Betrag": "revenue",
    }


def test_the_cdnow_sample_is_read_without_header(reference_dir):
    best = guess(reference_dir / "cdnow" / "CDNOW_sample.txt")[0]
    assert best.name == "orders"
    assert best.layout["header"] is False and best.layout["separator"] == "whitespace"
    assert best.layout["date_format"] == "%Y%m%d"
    # the published file's columns: master id, customer id, date, CDs, dollars
    assert best.layout["names"][1:3] == ["customer_id", "order_date"]
    assert best.layout["names"][4] == "revenue"


def test_touchpoints_name_the_conversions_file_next_to_them():
    best = guess(ROOT / "datasets" / "journeys" / "touchpoints.csv")[0]
    assert best.name == "touchpoints"
    assert best.command.endswith(
        "--data conversions=" + str(ROOT / "datasets/journeys/conversions.csv")
    )


def test_a_file_nothing_fits_says_so(tmp_path):
    from mkt_engineering.cli import app

    path = tmp_path / "notes.csv"
    path.write_text("colour,shape\nred,round\nblue,square\n")
    shown = CliRunner().invoke(app, ["inspect", str(path)])
    assert shown.exit_code == 1
    assert "no contract or preset fits" in shown.output


@pytest.mark.parametrize(
    "names",
    [
        (
            "channelattribution_Data.csv",
            "hubspot_contacts_lifecycle.csv",
            "presets/ab_tool_totals.csv",
        )
    ],
)
def test_printed_commands_run_as_printed_without_demo_data(names, tmp_path):
    commands = [_printed_command(REAL / name) for name in names]
    assert all(c.startswith("mkt run ") for c in commands)
    env = {**os.environ, "MKT_DATASETS_DIR": str(tmp_path / "no-demo-data")}
    started = []
    for number, command in enumerate(commands):
        out = tmp_path / f"out{number}"
        argv = [sys.executable, "-m", "mkt_engineering.cli", *shlex.split(command)[1:]]
        started.append(
            (
                out,
                subprocess.Popen(
                    [*argv, "--out", str(out)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
        )
    for (out, process), command in zip(started, commands, strict=True):
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, command + "\n" + output
        [manifest] = out.glob("*/*/manifest.json")
        inputs = json.loads(manifest.read_text())["inputs"]
        assert inputs and all(Path(i["path"]).is_relative_to(REAL) for i in inputs), inputs
