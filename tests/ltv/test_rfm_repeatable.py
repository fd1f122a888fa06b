"""RFM tables and the fits on them repeat to the bit from run to run.

polars' streaming engine adds a group's floats in an order that changes between runs, so
mean spend differed in the last bit; the Gamma-Gamma fit, flat along a ridge, turned that
into 5e-8 in its parameters and 3e-9 in every CLV of the report.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from mkt_engineering import ltv
from mkt_engineering.io import load_table
from mkt_engineering.ltv.forecast import first_orders

ORDERS = Path(__file__).resolve().parents[2] / "datasets" / "orders" / "orders.csv"
REPEATS = 6


@pytest.fixture(scope="module")
def days():
    return ltv.purchase_days(load_table(ORDERS, table="orders").frame)


def test_rfm_tables_repeat_to_the_bit(days):
    end = ltv.order_facts(days).last_day
    tables = [ltv.rfm_summary(days, end, "W") for _ in range(REPEATS)]
    assert all(table.equals(tables[0]) for table in tables[1:])
    pairs = [
        ltv.rfm_summaries(days, end, "W", calibration_end="2024-06-30") for _ in range(REPEATS)
    ]
    assert all(a.equals(pairs[0][0]) and b.equals(pairs[0][1]) for a, b in pairs[1:])


def test_the_spend_fit_repeats_to_the_bit(days):
    end = ltv.order_facts(days).last_day
    fits = [ltv.GammaGamma().fit(ltv.rfm_summary(days, end, "W")).params_ for _ in range(REPEATS)]
    assert all(fit == fits[0] for fit in fits[1:])


def test_rfm_and_spend_fit_repeat_across_processes():
    """Each process joins and scans in its own order; the tables must still be the same."""
    import subprocess
    import sys

    code = (
        "import hashlib\n"
        "from mkt_engineering import ltv\n"
        "from mkt_engineering.io import load_table\n"
        f"orders = load_table({str(ORDERS)!r}, table='orders').frame\n"
        "end = ltv.order_facts(orders).last_day\n"
        "rfm = ltv.rfm_summary(orders, end, 'W')\n"
        "same = rfm.equals(ltv.rfm_summary(ltv.purchase_days(orders), end, 'W'))\n"
        "spend = hashlib.sha256(rfm['monetary_value'].to_numpy().tobytes()).hexdigest()\n"
        "print(same, spend, ltv.GammaGamma().fit(rfm).params_)\n"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(3)
    }
    assert len(runs) == 1, runs
    assert runs.pop().startswith("True")


def test_channel_value_from_purchase_days_with_the_reports_fits_equals_from_orders(days):
    """The report passes its purchase days and its fitted models; the table is the same."""
    orders = load_table(ORDERS, table="orders").frame
    spend = load_table(ORDERS.with_name("spend.csv"), table="spend").frame
    end = ltv.order_facts(days).last_day
    alone = ltv.channel_value(orders, end, spend=spend)
    rfm = ltv.rfm_summary(days, end, "W")
    pooled = (ltv.BetaGeo().fit(rfm), ltv.GammaGamma().fit(rfm))
    reused = ltv.channel_value(days, end, spend=spend, pooled=pooled, min_customers=10**6)
    refit = ltv.channel_value(orders, end, spend=spend, min_customers=10**6)
    assert reused.equals(refit)  # every channel on the pooled models: the same bits
    assert alone.equals(ltv.channel_value(days, end, spend=spend, pooled=pooled))


def test_channel_value_reads_the_reports_rfm_table_and_warm_starts_to_the_same_fits(days):
    """Given the report's RFM table, nothing is reduced again; warm-started channel fits
    reach the optimum of a fit from the default start."""
    spend = load_table(ORDERS.with_name("spend.csv"), table="spend").frame
    end = ltv.order_facts(days).last_day
    rfm = ltv.rfm_summary(days, end, "W")
    pooled = (ltv.BetaGeo().fit(rfm), ltv.GammaGamma().fit(rfm))
    given = ltv.channel_value(days, end, spend=spend, pooled=pooled, rfm=rfm)
    assert given.equals(ltv.channel_value(days, end, spend=spend, pooled=pooled))
    channels = rfm.join(
        first_orders(days).select("customer_id", "acquisition_channel"), on="customer_id"
    )
    for row in given.filter(pl.col("fitted_on") == "channel").iter_rows(named=True):
        part = channels.filter(pl.col("acquisition_channel") == row["acquisition_channel"])
        cold = (ltv.BetaGeo().fit(part), ltv.GammaGamma().fit(part))
        value = ltv.new_customer_value(*cold)["cumulative_value"][-1]
        assert row["clv"] == pytest.approx(value, rel=1e-7)
