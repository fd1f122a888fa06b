"""Every chart function of the package, built on the demo data the way the reports call it.

`demo_charts` maps a readable name to its chart; `tests/charts/test_chart_quality.py` checks
each spec and SVG. A chart function missing here is caught by that module's inventory test
(it greps the package for chart functions).
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import polars as pl
import pytest

from mkt_engineering import attribution as at
from mkt_engineering import experiments, ltv, nurture
from mkt_engineering.attribution import charts as at_charts
from mkt_engineering.charts import overview as overview_charts
from mkt_engineering.experiments import charts as ex_charts
from mkt_engineering.ltv import charts as ltv_charts
from mkt_engineering.nurture import charts as nu_charts
from mkt_engineering.paths import DATASETS_DIR


def _read(name: str) -> pl.DataFrame:
    return pl.read_csv(DATASETS_DIR / name, try_parse_dates=True)


def _attribution() -> dict[str, alt.TopLevelMixin]:
    touchpoints = _read("journeys/touchpoints.csv")
    conversions = _read("journeys/conversions.csv")
    paths = at.paths_from_touchpoints(touchpoints, conversions, 30)
    models = ["first_touch", "last_non_direct", "last_touch", "linear", "markov"]
    models += ["position_based", "shapley"]
    comparison = at.compare(paths, models)
    spend = _read("journeys/spend.csv")
    truth = comparison.filter(pl.col("model") == "linear").with_columns(
        true_share=pl.col("share") * 0.9
    )
    return {
        "attribution.top_paths_chart": at_charts.top_paths_chart(paths),
        "attribution.path_flow_chart": at_charts.path_flow_chart(paths),
        "attribution.model_comparison_chart": at_charts.model_comparison_chart(comparison),
        "attribution.transition_heatmap": at_charts.transition_heatmap(
            at.MarkovModel().fit(paths).transition_matrix_
        ),
        "attribution.credit_interval_chart": at_charts.credit_interval_chart(
            at.bootstrap(paths, "linear", n=20)
        ),
        "attribution.lookback_chart": at_charts.lookback_chart(
            at.lookback_sensitivity(touchpoints, conversions, (7, 30), model="linear")
        ),
        "attribution.truth_chart": at_charts.truth_chart(truth),
        "attribution.budget_chart": at_charts.budget_chart(at.budget_table(comparison, spend)),
    }


def _ltv() -> dict[str, alt.TopLevelMixin]:
    orders = _read("orders/orders.csv")
    last = orders["order_date"].max()
    cut = last - dt.timedelta(days=180)
    calibration = ltv.rfm_summary(orders, last, "D", calibration_end=cut)
    model = ltv.PURCHASE_MODELS["bgnbd"]().fit(calibration)
    rfm = ltv.rfm_summary(orders, last, "D")
    spend_model = ltv.GammaGamma().fit(rfm.filter(pl.col("frequency") > 0))
    clv = pl.DataFrame({"clv": np.random.default_rng(3).lognormal(2, 1.0, 5_000)})
    channels = pl.DataFrame(
        {
            "acquisition_channel": ["search", "social", "display", "email"],
            "ltv_cac": [2.4, 1.3, 0.6, 3.1],
            "clv": [30.0, 18.0, 8.0, 40.0],
            "cac": [12.5, 13.8, 13.3, 12.9],
            "payback_month": [5, 9, None, 3],
        }
    )
    survivors = [1000, 800, 660, 560, 490]
    return {
        "ltv.cohort_heatmap": ltv_charts.cohort_heatmap(
            ltv.cohort_matrix(orders, period="month", metric="retention"), "retention"
        ),
        "ltv.cohort_curves": ltv_charts.cohort_curves(
            ltv.cohort_matrix(orders, period="month", metric="cumulative_revenue_per_customer"),
            "cumulative_revenue_per_customer",
            currency="EUR",
        ),
        "ltv.tracking_chart": ltv_charts.tracking_chart(
            ltv.tracking(model, orders, cut, last, "D")
        ),
        "ltv.holdout_chart": ltv_charts.holdout_chart(ltv.holdout_by_frequency(model, calibration)),
        "ltv.frequency_recency_heatmap": ltv_charts.frequency_recency_heatmap(
            model, calibration, "p_alive"
        ),
        "ltv.clv_distribution": ltv_charts.clv_distribution(clv, currency="EUR"),
        "ltv.ltv_cac_chart": ltv_charts.ltv_cac_chart(channels, currency="EUR"),
        "ltv.forecast_chart": ltv_charts.forecast_chart(
            ltv.cohort_revenue_forecast(
                model, spend_model, orders, last, horizon_months=12, time_unit="D"
            ),
            currency="EUR",
        ),
        "ltv.retention_projection_chart": ltv_charts.retention_projection_chart(
            ltv.ShiftedBetaGeo().fit(survivors), survivors
        ),
    }


def _nurture() -> dict[str, alt.TopLevelMixin]:
    events = _read("leads/lead_events.csv")
    leads = _read("leads/leads.csv")
    timeline = nurture.attach_lead_attributes(nurture.stage_timeline(events), leads)
    overall = nurture.kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    by_persona = nurture.kaplan_meier(
        timeline["days_in_nurturing"], timeline["qualified"], timeline["persona"]
    )
    targeted = nurture.apply_targeting(timeline, mql_score=60)
    return {
        "nurture.flow_chart": nu_charts.flow_chart(nurture.stage_flows(timeline)),
        "nurture.duration_chart": nu_charts.duration_chart(nurture.stage_durations(timeline)),
        "nurture.survival_chart": nu_charts.survival_chart(overall, max_days=180),
        "nurture.survival_chart_by_group": nu_charts.survival_chart(by_persona, max_days=180),
        "nurture.incidence_chart": nu_charts.incidence_chart(
            nurture.nurture_exits(timeline), max_days=180
        ),
        "nurture.maturity_chart": nu_charts.maturity_chart(
            nurture.win_rate_by_maturity(timeline, by="score_at_contact")
        ),
        "nurture.green_banana_chart": nu_charts.green_banana_chart(
            nurture.green_banana_effect(timeline)
        ),
        "nurture.speed_to_lead_chart": nu_charts.speed_to_lead_chart(
            nurture.speed_to_lead(timeline)
        ),
        "nurture.unsubscribe_chart": nu_charts.unsubscribe_chart(
            nurture.unsubscribe_by_frequency(events)
        ),
        "nurture.send_time_heatmap_chart": nu_charts.send_time_heatmap_chart(
            nurture.send_time_heatmap(events)
        ),
        "nurture.exclusion_chart": nu_charts.exclusion_chart(nurture.exclusion_breakdown(targeted)),
        "nurture.reach_precision_chart": nu_charts.reach_precision_chart(
            nurture.reach_precision_curve(timeline), chosen=60.0
        ),
    }


def _experiments() -> dict[str, alt.TopLevelMixin]:
    units = _read("experiment/experiment.csv")
    plan = experiments.AnalysisPlan(
        "converted",
        secondary_metrics=["revenue", "orders/sessions"],
        guardrails=["sessions"],
        covariates=["pre_sessions"],
        segments=["device", "country"],
        day_column="day",
        mde=0.01,
        planned_units_per_arm=9000,
    )
    result = experiments.analyze(units, plan)
    arm = experiments.reduction.arm_totals(units, "variant", "converted")
    return {
        "experiments.trust_chart": ex_charts.trust_chart(result.srm, result.balance),
        "experiments.effects_chart": ex_charts.effects_chart(result.effects),
        # as the report draws them: the primary metric (converted) is a rate
        "experiments.cumulative_chart": ex_charts.cumulative_chart(
            result.over_time, day="day", kind="proportion"
        ),
        "experiments.posterior_chart": ex_charts.posterior_chart(
            experiments.posterior_curves(arm["control"], arm["treatment"])
        ),
        "experiments.segment_forest": ex_charts.segment_forest(result.segments, kind="proportion"),
        "experiments.power_chart": ex_charts.power_chart(0.10, 10_000),
        "experiments.power_chart_money": ex_charts.power_chart(
            20.0, 10_000, sd=30.0, metric="revenue", currency="EUR"
        ),
        "experiments.power_chart_relative": ex_charts.power_chart(20.0, 10_000, sd=30.0),
    }


def _overview() -> dict[str, alt.TopLevelMixin]:
    monthly = _read("orders/spend.csv")
    weekly = _read("journeys/spend.csv")
    orders = _read("orders/orders.csv")
    return {
        "overview.rows_over_time_monthly": overview_charts.rows_over_time(
            monthly, "period_start", "spend"
        ),
        "overview.rows_over_time_weekly": overview_charts.rows_over_time(
            weekly, "period_start", "spend"
        ),
        "overview.category_counts": overview_charts.category_counts(
            orders, "acquisition_channel", "orders: rows per acquisition_channel"
        ),
        "overview.histogram": overview_charts.histogram(
            orders, "revenue", "orders: distribution of revenue"
        ),
    }


@pytest.fixture(scope="session")
def demo_charts() -> dict[str, alt.TopLevelMixin]:
    """Name -> chart for every chart function, on the demo data (built once, ~10 s)."""
    with alt.data_transformers.disable_max_rows():
        return {**_attribution(), **_ltv(), **_nurture(), **_experiments(), **_overview()}
