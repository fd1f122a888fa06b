"""No chart carries more than 5,000 data rows, however large the input.

Every public chart function of the four analyses and the data overview is called the way the
report notebooks call it, on inputs of 18,000-200,000 customers, leads, units or journeys,
and the rows of its spec (``chart.to_dict()``, counted by the report renderer's own
`spec_rows`) are checked, not the timing. Charts whose input does not grow with the data
(tables per bin, per arm, per merged channel) are called on the same large data, so a
change that stops aggregating is caught too.
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
from mkt_engineering.reporting import overview
from mkt_engineering.reporting.notebook import MAX_CHART_ROWS, spec_rows
from mkt_engineering.synthetic.leads import generate as generate_leads

CHANNELS = ["search", "social", "display", "email", "affiliate", "video", "direct", "tv"]


def rows(chart: alt.TopLevelMixin) -> int:
    """Data rows of the chart's spec; altair's own 5,000-row check is off so the count shows."""
    with alt.data_transformers.disable_max_rows():
        return spec_rows(chart.to_dict())


def assert_small(chart: alt.TopLevelMixin) -> None:
    counted = rows(chart)
    assert counted <= MAX_CHART_ROWS, f"{counted:,} data rows"


# ---------------------------------------------------------------- lifetime value


@pytest.fixture(scope="module")
def orders() -> pl.DataFrame:
    """50,000 customers over 2,600 days (seven years): about 150,000 orders."""
    rng = np.random.default_rng(7)
    customers, span = 50_000, 2_600
    first = rng.integers(0, span, customers)
    repeats = rng.poisson(2.0, customers)
    owner = np.repeat(np.arange(customers), repeats)
    later = first[owner] + (rng.random(owner.size) * (span - first[owner])).astype(np.int64)
    ids = np.concatenate([np.arange(customers), owner])
    days = np.concatenate([first, later])
    return pl.DataFrame(
        {
            "customer_id": ids,
            "order_date": np.datetime64("2018-01-01") + days.astype("timedelta64[D]"),
            "revenue": rng.lognormal(3.5, 0.8, ids.size),
            "acquisition_channel": np.asarray(CHANNELS)[ids % len(CHANNELS)],
        }
    )


@pytest.fixture(scope="module")
def fitted(orders):
    last = orders["order_date"].max()
    cut = last - dt.timedelta(days=180)
    calibration = ltv.rfm_summary(orders, last, "D", calibration_end=cut)
    model = ltv.PURCHASE_MODELS["bgnbd"]().fit(calibration)
    return model, calibration, cut, last


def test_weekly_cohort_charts_stay_small(orders):
    retention = ltv.cohort_matrix(orders, period="week", metric="retention")
    assert retention.height > 50_000  # 371 weekly cohorts: the old chart carried every cell
    heatmap = ltv_charts.cohort_heatmap(retention, "retention")
    assert_small(heatmap)
    subtitle = heatmap.to_dict()["title"]["subtitle"]
    assert "cohort shown" in subtitle[1]
    cumulative = ltv.cohort_matrix(orders, period="week", metric="cumulative_revenue_per_customer")
    assert_small(ltv_charts.cohort_curves(cumulative, "cumulative_revenue_per_customer"))


def test_daily_tracking_chart_stays_small(orders, fitted):
    model, _, cut, last = fitted
    tracked = ltv.tracking(model, orders, cut, last, "D")
    assert tracked.height > MAX_CHART_ROWS // 2  # two lines of one point per day
    chart = ltv_charts.tracking_chart(tracked)
    assert_small(chart)
    data = chart.to_dict()["datasets"]
    # the points of the actual line (not its hover text, a dataset of one row per line)
    actual = [
        r for values in data.values() for r in values if r.get("series") == "actual" and "date" in r
    ]
    # the lines still end on the last day and the calibration end is still a point
    shown = {r["date"][:10] for r in actual}
    calibration = tracked.filter(pl.col("phase") == "calibration")
    assert {str(tracked["date"].max()), str(calibration["date"].max())} <= shown
    assert len(shown) < tracked.height


def test_value_charts_stay_small(orders, fitted):
    model, calibration, _, _ = fitted
    clv = pl.DataFrame({"clv": np.random.default_rng(3).lognormal(4, 1.2, 200_000)})
    assert_small(ltv_charts.clv_distribution(clv))
    assert_small(ltv_charts.frequency_recency_heatmap(model, calibration, "p_alive"))
    assert_small(ltv_charts.frequency_recency_heatmap(model, calibration, "expected"))
    assert_small(ltv_charts.holdout_chart(ltv.holdout_by_frequency(model, calibration)))
    channels = pl.DataFrame(
        {
            "acquisition_channel": CHANNELS,
            "ltv_cac": np.linspace(0.5, 3, len(CHANNELS)),
            "clv": 30.0,
            "cac": 12.0,
            "payback_month": 6,
        }
    )
    assert_small(ltv_charts.ltv_cac_chart(channels))
    # the spend model's fit is not what is tested here: a sample keeps the test short
    spend_model = ltv.GammaGamma().fit(calibration.sample(5_000, seed=1))
    last = orders["order_date"].max()
    forecast = ltv.cohort_revenue_forecast(
        model, spend_model, orders, last, horizon_months=12, time_unit="D"
    )
    assert_small(ltv_charts.forecast_chart(forecast))
    assert_small(
        ltv_charts.retention_projection_chart(
            ltv.ShiftedBetaGeo().fit([1000, 800, 660, 560, 490]), [1000, 800, 660, 560, 490]
        )
    )


# ---------------------------------------------------------------- nurture timing


@pytest.fixture(scope="module")
def leads():
    data = generate_leads(seed=5, scale=10)  # 18,000 leads, 175,000 events
    events = data.tables["lead_events"]
    timeline = nurture.attach_lead_attributes(nurture.stage_timeline(events), data.tables["leads"])
    return events, timeline


def test_survival_charts_stay_small(leads):
    _, timeline = leads
    overall = nurture.kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    assert overall.height > MAX_CHART_ROWS
    assert_small(nu_charts.survival_chart(overall, max_days=180))
    # a source column with 30 values: 30 curves of a few hundred points each were too many
    sources = pl.format("source {}", pl.col("lead_id").hash(1) % 30).alias("source")
    groups = timeline.select(sources)["source"]
    by_group = nurture.kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"], groups)
    chart = nu_charts.survival_chart(by_group)  # the whole time axis (max_days is up to 3,650)
    assert_small(chart)
    assert chart.to_dict()["title"]["subtitle"] == "The 12 largest of 30 groups."
    exits = nurture.nurture_exits(timeline)
    assert_small(nu_charts.incidence_chart(exits, max_days=180))


def test_other_nurture_charts_stay_small(leads):
    events, timeline = leads
    assert_small(nu_charts.flow_chart(nurture.stage_flows(timeline)))
    assert_small(nu_charts.duration_chart(nurture.stage_durations(timeline)))
    maturity = nurture.win_rate_by_maturity(timeline, by="score_at_contact")
    assert_small(nu_charts.maturity_chart(maturity))
    assert_small(nu_charts.green_banana_chart(nurture.green_banana_effect(timeline)))
    assert_small(nu_charts.speed_to_lead_chart(nurture.speed_to_lead(timeline)))
    assert_small(nu_charts.unsubscribe_chart(nurture.unsubscribe_by_frequency(events)))
    assert_small(nu_charts.send_time_heatmap_chart(nurture.send_time_heatmap(events)))
    assert_small(nu_charts.survival_chart(nurture.recycled_ready_again(events)))
    targeted = nurture.apply_targeting(timeline, mql_score=60)
    assert_small(nu_charts.exclusion_chart(nurture.exclusion_breakdown(targeted)))
    curve = nurture.reach_precision_curve(timeline)
    assert_small(nu_charts.reach_precision_chart(curve, chosen=60.0))


# ---------------------------------------------------------------- A/B tests


def test_experiment_charts_stay_small():
    rng = np.random.default_rng(11)
    n = 200_000
    variant = np.where(rng.random(n) < 0.5, "control", "treatment")
    units = pl.DataFrame(
        {
            "unit_id": np.arange(n),
            "variant": variant,
            "day": rng.integers(1, 61, n),
            "country": np.asarray([f"c{i}" for i in range(40)])[rng.integers(0, 40, n)],
            "converted": (rng.random(n) < np.where(variant == "control", 0.10, 0.11)).astype(int),
            "pre_revenue": rng.gamma(2.0, 10.0, n),
        }
    )
    plan = experiments.AnalysisPlan(
        "converted", covariates=["pre_revenue"], segments=["country"], day_column="day"
    )
    result = experiments.analyze(units, plan)
    assert_small(ex_charts.trust_chart(result.srm, result.balance))
    assert_small(ex_charts.effects_chart(result.effects))
    assert_small(ex_charts.cumulative_chart(result.over_time, day="day"))
    arm = experiments.reduction.arm_totals(units, "variant", "converted")
    curves = experiments.posterior_curves(arm["control"], arm["treatment"])
    assert_small(ex_charts.posterior_chart(curves))
    assert_small(ex_charts.segment_forest(result.segments))
    assert_small(ex_charts.power_chart(0.10, n / 2))


# ---------------------------------------------------------------- attribution


def test_attribution_charts_stay_small():
    rng = np.random.default_rng(13)
    journeys = 50_000
    lengths = rng.integers(1, 9, journeys)
    owner = np.repeat(np.arange(journeys), lengths)
    seconds = rng.integers(0, 90 * 86_400, owner.size).astype("timedelta64[s]")
    touchpoints = pl.DataFrame(
        {
            "customer_id": owner,
            "timestamp": (np.datetime64("2024-01-01T00:00:00") + seconds).astype("datetime64[us]"),
            "channel": np.asarray(CHANNELS)[rng.integers(0, len(CHANNELS), owner.size)],
        }
    )
    buyers = np.flatnonzero(rng.random(journeys) < 0.3)
    conversions = pl.DataFrame(
        {
            "customer_id": buyers,
            "timestamp": [dt.datetime(2024, 4, 15)] * buyers.size,
            "value": rng.gamma(2.0, 40.0, buyers.size),
        }
    )
    paths = at.paths_from_touchpoints(touchpoints, conversions, 120)
    assert paths.height > MAX_CHART_ROWS
    models = ["last_touch", "linear", "markov"]
    comparison = at.compare(paths, models)
    assert_small(at_charts.top_paths_chart(paths))
    assert_small(at_charts.path_flow_chart(paths))
    assert_small(at_charts.model_comparison_chart(comparison))
    assert_small(at_charts.transition_heatmap(at.MarkovModel().fit(paths).transition_matrix_))
    intervals = at.bootstrap(paths, "linear", n=10)
    assert_small(at_charts.credit_interval_chart(intervals))
    sensitivity = at.lookback_sensitivity(touchpoints, conversions, (30, 60), model="linear")
    assert_small(at_charts.lookback_chart(sensitivity))
    spend = pl.DataFrame(
        {"channel": CHANNELS, "period_start": [dt.date(2024, 1, 1)] * 8, "spend": 1000.0}
    )
    assert_small(at_charts.budget_chart(at.budget_table(comparison, spend)))


# ---------------------------------------------------------------- data overview


def test_overview_charts_stay_small(orders):
    assert_small(overview.overview_chart(orders, "orders"))  # rows per week
    channel_only = orders.select("acquisition_channel", pl.col("customer_id").cast(pl.String))
    assert_small(overview_charts.category_counts(channel_only, "customer_id", "customers"))
    assert_small(overview.overview_chart(orders.select("revenue"), "orders"))  # histogram
