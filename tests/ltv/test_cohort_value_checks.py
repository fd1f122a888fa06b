"""Lesson 02 checks: right answers pass; wrong names, types and common mistakes get their hint."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from mkt_engineering import ltv, teaching

END = date(2025, 12, 31)


@pytest.fixture(scope="module")
def orders(project_root):
    return pl.read_csv(project_root / "datasets/orders/orders.csv", try_parse_dates=True)


@pytest.fixture(scope="module")
def fitted(orders):
    rfm = ltv.rfm_summary(orders, END)
    return ltv.BetaGeo().fit(rfm), ltv.GammaGamma().fit(rfm)


def test_checks_are_exported():
    for name in (
        "check_cohort_retention",
        "check_average_order_value",
        "check_rfm_table",
        "check_holdout_error",
        "check_new_customer_clv",
    ):
        assert callable(getattr(teaching, name))


def test_cohort_retention(orders):
    matrix = ltv.cohort_matrix(orders, metric="retention")
    right = matrix.filter((pl.col("cohort") == date(2024, 1, 1)) & (pl.col("period") == 1))[
        "value"
    ].item()
    assert teaching.check_cohort_retention(right, orders).passed
    assert "period 0" in teaching.check_cohort_retention(1.0, orders).hint
    assert "percentage" in teaching.check_cohort_retention(100 * right, orders).hint
    wrong_type = teaching.check_cohort_retention(matrix, orders)
    assert not wrong_type.passed and wrong_type.hint
    assert f"{right:.4f}" not in str(teaching.check_cohort_retention(0.5, orders))  # never reveals


def test_average_order_value(orders):
    assert teaching.check_average_order_value(orders["revenue"].mean(), orders).passed
    per_customer = orders["revenue"].sum() / orders["customer_id"].n_unique()
    assert "per customer" in teaching.check_average_order_value(per_customer, orders).hint
    assert "median" in teaching.check_average_order_value(orders["revenue"].median(), orders).hint
    assert not teaching.check_average_order_value(None, orders).passed


def test_rfm_table(orders):
    rfm = ltv.rfm_summary(orders, END)
    assert teaching.check_rfm_table(rfm, orders, END).passed
    counted_first = rfm.with_columns(pl.col("frequency") + 1)
    assert "first purchase" in teaching.check_rfm_table(counted_first, orders, END).hint
    in_days = ltv.rfm_summary(orders, END, time_unit="D")
    assert "time_unit" in teaching.check_rfm_table(in_days, orders, END).hint
    renamed = rfm.rename({"frequency": "Frequency"})
    feedback = teaching.check_rfm_table(renamed, orders, END)
    assert not feedback.passed and "frequency" in feedback.message
    assert "collect" in teaching.check_rfm_table(rfm.lazy(), orders, END).hint


def test_holdout_error(orders):
    calibration = ltv.rfm_summary(orders, END, calibration_end=date(2025, 6, 30))
    model = ltv.BetaGeo().fit(calibration)
    error = ltv.holdout_metrics(model, calibration)["aggregate_error"]
    assert teaching.check_holdout_error(error, model, calibration).passed
    assert "sign" in teaching.check_holdout_error(-error, model, calibration).hint
    mae = ltv.holdout_metrics(model, calibration)["mae"]
    assert "absolute" in teaching.check_holdout_error(mae, model, calibration).hint


def test_new_customer_clv(fitted):
    purchases, spend = fitted

    def value(**options):
        base = {"horizon_months": 12, "discount_rate": 0.1, "margin": 0.3, **options}
        return ltv.new_customer_value(purchases, spend, **base)["cumulative_value"][-1]

    def check(answer):
        return teaching.check_new_customer_clv(
            answer, purchases, spend, margin=0.3, discount_rate=0.1
        )

    assert check(value()).passed
    assert "margin" in check(value(margin=1.0)).hint
    assert "discount" in check(value(discount_rate=0.0)).hint
    assert "first order" in check(value(include_first_purchase=False)).hint
