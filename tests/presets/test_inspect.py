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


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mkt_engineering.cli", *argv]
    return subprocess.run(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _inspect_to_run(
    name: str, command: str, tmp: Path, env: dict[str, str]
) -> tuple[str, Path | None, Path]:
    """`command`, the one `mkt inspect` printed for fixture `name`, run as printed (a
    conversion first).

    Returns the command, the report's output folder (None for spend: no report reads it on
    its own, its printed command validates) and the folder the files may come from.
    """
    work = tmp / name.replace("/", "_")
    work.mkdir()
    allowed = REAL
    if command.startswith("mkt convert "):  # run as printed, in a folder of its own
        done = _run(shlex.split(command)[1:], work, env)
        assert done.returncode == 0, command + "\n" + done.stdout
        [line] = [x for x in done.stdout.splitlines() if x.startswith("next: ")]
        command, allowed = line.removeprefix("next: "), work
    argv = shlex.split(command)[1:]
    if argv[0] == "validate":  # spend: checked, then read by the reports that take it
        done = _run(argv, work, env)
        assert done.returncode == 0, command + "\n" + done.stdout
        return command, None, allowed
    done = _run([*argv, "--out", str(work / "out")], work, env)
    assert done.returncode == 0, command + "\n" + done.stdout
    return command, work / "out", allowed


@pytest.mark.slow
def test_every_fixture_runs_from_inspect_to_a_complete_report_without_demo_data(tmp_path):
    """inspect -> (convert ->) run for every fixture: status ok, every section shown or
    skipped with its reason, and the fixture (or its converted files) as the only input."""
    from concurrent.futures import ThreadPoolExecutor

    empty = tmp_path / "no-demo-data"
    empty.mkdir()
    # the Shopify e-mail becomes a pseudonym: the salt is the user's setup step, as documented
    env = {**os.environ, "MKT_DATASETS_DIR": str(empty), "MKT_PSEUDONYM_SALT": "test-salt"}
    # inspect runs in this thread: CliRunner swaps sys.stdout for the whole process, so two
    # threads inspecting at once read each other's (or no) output
    printed = {name: _printed_command(REAL / name) for name in sorted(EXPECTED)}
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(lambda n: _inspect_to_run(n, printed[n], tmp_path, env), sorted(EXPECTED))
        )
    reports = 0
    for command, out, allowed in results:
        if out is None:
            continue
        reports += 1
        [path] = out.glob("*/*/manifest.json")
        manifest = json.loads(path.read_text())
        assert manifest["status"] == "ok", command
        inputs = [Path(i["path"]).resolve() for i in manifest["inputs"]]
        assert inputs and all(i.is_relative_to(allowed.resolve()) for i in inputs), inputs
        assert not any(i.is_relative_to(ROOT / "datasets") for i in inputs), inputs
        sections = manifest["sections"]
        assert sections, command
        for section in sections:
            assert section["status"] in ("shown", "skipped"), (command, section)
            if section["status"] == "skipped":
                assert section["reason"].strip(), (command, section)
    assert reports == len(EXPECTED) - 2  # all but the two spend reports
