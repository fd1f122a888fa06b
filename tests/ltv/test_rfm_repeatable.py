"""RFM tables and the fits on them repeat to the bit from run to run.

polars' streaming engine adds a group's floats in an order that changes between runs, so
mean spend differed in the last bit; the Gamma-Gamma fit, flat along a ridge, turned that
into 5e-8 in its parameters and 3e-9 in every CLV of the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mkt_engineering import ltv
from mkt_engineering.io import load_table

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
