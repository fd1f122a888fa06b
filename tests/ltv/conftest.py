"""Fixtures of the lifetime-value tests: the CDNOW sample as an orders table."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest


def read_cdnow(path) -> pl.DataFrame:
    """CDNOW_sample.txt (whitespace-separated, no header) as an ``orders`` table."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    frame = pl.DataFrame(
        rows, schema=["master_id", "customer_id", "day", "cds", "revenue"], orient="row"
    )
    return frame.select(
        pl.col("customer_id").cast(pl.Int64),
        pl.col("day").str.strptime(pl.Date, "%Y%m%d").alias("order_date"),
        pl.col("revenue").cast(pl.Float64),
    )


@pytest.fixture(scope="session")
def cdnow_orders(reference_dir) -> pl.DataFrame:
    return read_cdnow(reference_dir / "cdnow" / "CDNOW_sample.txt")


@pytest.fixture(scope="session")
def cdnow_published(reference_dir) -> pl.DataFrame:
    """Published calibration summary (calibration ends 1997-09-30, weeks)."""
    return pl.read_csv(reference_dir / "cdnow" / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="session")
def cdnow_rfm(cdnow_orders) -> pl.DataFrame:
    from mkt_engineering.ltv.rfm import rfm_summary

    return rfm_summary(
        cdnow_orders, observation_end=date(1998, 6, 30), calibration_end=date(1997, 9, 30)
    )
