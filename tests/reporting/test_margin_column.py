"""An export whose margin column is not a share of revenue does not stop the cohort_ltv report.

Real exports carry margin in percent (30 for 30%) as often as in money. Summed, such a
column gives a "margin share" of many times the revenue, which no valuation can use. The
report counts values in revenue instead, says so in the data paragraph with the fix, and
every section is shown.
"""

from __future__ import annotations

import json

import polars as pl

from mkt_engineering.reporting.demo_inputs import demo_files


def test_a_margin_column_in_percent_gives_values_in_revenue_and_says_so(tmp_path, mkt_cli):
    orders = pl.read_csv(demo_files("cohort_ltv")["orders"]).with_columns(
        pl.lit(30.0).alias("margin")  # "30" meaning 30%, not 30 euros
    )
    path = tmp_path / "orders_with_margin_percent.csv"
    orders.write_csv(path)
    done = mkt_cli("run", "cohort_ltv", "--out", str(tmp_path / "out"), "--data", f"orders={path}")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [manifest_path] = (tmp_path / "out" / "cohort_ltv").glob("*/manifest.json")
    manifest = json.loads(manifest_path.read_text())
    skipped = {
        entry["name"]: entry.get("reason")
        for entry in manifest["sections"]
        if entry["status"] == "skipped"
    }
    assert "clv" not in skipped and "new_customer" not in skipped, skipped
    page = manifest_path.with_name("report.html").read_text(encoding="utf-8")
    assert "The margin column adds up to" in page and "values below are in revenue" in page
