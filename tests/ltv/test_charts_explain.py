"""Charts build valid specs (with masked cells) and explanations say what the numbers mean."""

from __future__ import annotations

import polars as pl
import pytest

from mkt_engineering import ltv
from mkt_engineering.ltv import charts, explain


@pytest.fixture(scope="module")
def fitted(cdnow_orders, cdnow_rfm):
    model, spend = ltv.BetaGeo().fit(cdnow_rfm), ltv.GammaGamma().fit(cdnow_rfm)
    return cdnow_orders, cdnow_rfm, model, spend


def test_heatmap_masks_unobservable_cells(cdnow_orders):
    matrix = ltv.cohort_matrix(cdnow_orders, metric="retention")
    spec = charts.cohort_heatmap(matrix).to_dict()
    masked, observed = spec["layer"]
    n_null = matrix.filter((pl.col("period") > 0) & pl.col("value").is_null()).height
    assert n_null > 0
    datasets = spec["datasets"]
    # one grey rectangle behind the triangle; the unobservable cells are where no cell is drawn
    assert len(datasets[masked["data"]["name"]]) == 1
    assert masked["encoding"]["x2"] == {"value": "width"}
    assert masked["encoding"]["y2"] == {"value": "height"}
    cells = datasets[observed["data"]["name"]]
    assert all(row["value"] is not None for row in cells)
    cohorts = observed["encoding"]["y"]["scale"]["domain"]
    periods = observed["encoding"]["x"]["scale"]["domain"]
    assert len(cohorts) * len(periods) - len(cells) == n_null


def test_every_chart_builds(fitted):
    orders, rfm, model, spend = fitted
    tracked = ltv.tracking(model, orders, "1997-09-30", "1998-06-30")
    built = [
        charts.cohort_curves(
            ltv.cohort_matrix(orders, metric="cumulative_revenue_per_customer"),
            "cumulative_revenue_per_customer",
        ),
        charts.frequency_recency_heatmap(model, rfm),
        charts.frequency_recency_heatmap(model, rfm, quantity="expected_purchases", t=39),
        charts.tracking_chart(tracked),
        charts.holdout_chart(ltv.holdout_by_frequency(model, rfm)),
        charts.clv_distribution(ltv.customer_lifetime_value(model, spend, rfm, draws=0)),
        charts.forecast_chart(
            ltv.cohort_revenue_forecast(model, spend, orders, "1998-06-30", acquisition_plan=100)
        ),
        charts.retention_projection_chart(
            ltv.ShiftedBetaGeo().fit([1000, 631, 468, 382]), [1000, 631, 468, 382]
        ),
    ]
    for chart in built:
        assert "$schema" in chart.to_dict()


def test_holdout_explanation_warns_only_when_the_error_is_large():
    base = {"mae": 0.5, "actual_purchases": 1000.0}
    calm = explain.explain_holdout(
        {**base, "predicted_purchases": 1050.0, "aggregate_error": 0.05, "large_error": False}
    )
    loud = explain.explain_holdout(
        {**base, "predicted_purchases": 1400.0, "aggregate_error": 0.4, "large_error": True}
    )
    assert "⚠️" not in calm and "5.0% more" in calm
    assert "⚠️" in loud and "40.0% more" in loud


def test_explanations_carry_the_numbers(fitted):
    orders, rfm, model, spend = fitted
    assert "0.055 times per week" in explain.explain_model(model)  # r / alpha = 0.2426 / 4.4136
    assert "€" in explain.explain_spend(spend, ltv.spend_frequency_check(rfm))
    channels = pl.DataFrame(
        {
            "acquisition_channel": ["search", "display"],
            "ltv_cac": [2.0, 0.5],
            "payback_month": [4, None],
        }
    )
    text = explain.explain_channels(channels)
    assert text.startswith("search brings 2.0") and "does not pay back" in text
    assert explain.explain_retention(ltv.ShiftedBetaGeo().fit([1000, 631, 468])).startswith(
        "Of customers who start, 6"
    )
    value = explain.explain_new_customer(16.6, 16.1, 17.2, 12, language="de")
    assert "16,60 €" in value


def test_cohort_curves_label_whole_periods_only():
    """Four periods on a wide axis used to get ticks at 0.5, 1.5, ...: periods are whole."""
    import re

    import vl_convert

    matrix = pl.DataFrame(
        {
            "cohort": pl.date_range(pl.date(2024, 1, 1), pl.date(2024, 1, 1), eager=True).to_list()
            * 4,
            "period": [0, 1, 2, 3],
            "value": [10.0, 14.0, 16.5, 18.0],
            "cohort_size": [100] * 4,
        }
    )
    spec = (
        charts.cohort_curves(matrix, "cumulative_revenue_per_customer")
        .properties(width=600)
        .to_dict()
    )
    svg = vl_convert.vegalite_to_svg(spec)
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert {"0", "1", "2", "3"} <= set(labels)
    assert not any(re.fullmatch(r"\d\.5", label) for label in labels)
