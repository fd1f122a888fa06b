"""CLV, forecasts and holdout validation: simulation checks, identities, published counts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering import DataValidationError
from mkt_engineering.errors import ParameterError
from mkt_engineering.ltv import (
    BetaGeo,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ValueSettings,
    rfm_summary,
)
from mkt_engineering.ltv.clv import (
    customer_lifetime_value,
    margin_share,
    new_customer_value,
    new_customer_value_interval,
)
from mkt_engineering.ltv.forecast import acquisition_cost, channel_value, cohort_revenue_forecast
from mkt_engineering.ltv.validation import holdout_by_frequency, holdout_metrics, tracking


def _fixed(model_class, params):
    model = model_class()
    model.log_params_ = np.log(params)
    model.log_covariance_ = np.diag(np.full(len(params), 1e-4))
    return model


BG = _fixed(BetaGeo, [0.25, 4.0, 0.8, 2.5])
PARETO = _fixed(ParetoNBD, [0.55, 10.5, 0.6, 11.7])
MBG = _fixed(ModifiedBetaGeo, [0.5, 6.0, 0.9, 1.6])


def test_new_customer_value_matches_simulation():
    """Independent: simulate BG/NBD customers, discount their purchases month by month."""
    rng = np.random.default_rng(3)
    n, r, alpha, a, b = 400_000, 0.25, 4.0, 0.8, 2.5
    weeks_per_month = 365.25 / 12 / 7
    horizon = 12 * weeks_per_month
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    potential = rng.poisson(lam * horizon)
    kept = np.minimum(potential, rng.geometric(p))
    owner = np.repeat(np.arange(n), potential)
    times = rng.random(owner.size) * horizon
    order = np.lexsort((times, owner))
    owner, times = owner[order], times[order]
    rank = np.arange(owner.size) - np.concatenate([[0], np.cumsum(potential)[:-1]])[owner]
    times = times[rank < kept[owner]]
    month = np.ceil(times / weeks_per_month)
    monthly = (1.1) ** (1 / 12) - 1
    value = new_customer_value(BG, 20.0, horizon_months=12, discount_rate=0.10, margin=0.5)
    expected = 0.5 * 20.0 * (1 + ((1 + monthly) ** -month).sum() / n)
    assert value["cumulative_value"][-1] == pytest.approx(expected, rel=0.01)


def test_undiscounted_clv_is_purchases_times_spend_times_margin(cdnow_rfm):
    """Identity: with no discounting, CLV = E[purchases over the horizon] * spend * margin."""
    model, spend = BetaGeo().fit(cdnow_rfm), GammaGamma().fit(cdnow_rfm)
    clv = customer_lifetime_value(
        model, spend, cdnow_rfm, horizon_months=6, discount_rate=0.0, margin=0.4, draws=0
    )
    weeks = 6 * 365.25 / 12 / 7
    expected = 0.4 * model.expected_purchases(weeks, cdnow_rfm) * spend.expected_spend(cdnow_rfm)
    np.testing.assert_allclose(clv["clv"].to_numpy(), expected.to_numpy(), rtol=1e-9)


def test_bootstrap_interval_brackets_the_estimate(cdnow_rfm):
    model, spend = BetaGeo().fit(cdnow_rfm), GammaGamma().fit(cdnow_rfm)
    sample = cdnow_rfm.head(200)
    chosen = ValueSettings(horizon_months=12, discount_rate=0.1, margin=0.3)
    clv = customer_lifetime_value(model, spend, sample, chosen, draws=50)
    assert (
        (clv["clv_lower"] <= clv["clv"] * 1.001) & (clv["clv"] <= clv["clv_upper"] * 1.001)
    ).all()
    point, lower, upper = new_customer_value_interval(model, spend, draws=50, margin=0.3)
    assert lower < point < upper


def test_bootstrap_in_blocks_of_customers_gives_each_customer_his_own_interval(
    cdnow_rfm, monkeypatch
):
    """Millions of customers are valued in blocks; a block boundary must not shift rows."""
    import mkt_engineering.ltv.clv as clv_module

    model, spend = BetaGeo().fit(cdnow_rfm), GammaGamma().fit(cdnow_rfm)
    sample = cdnow_rfm.head(100)
    whole = customer_lifetime_value(model, spend, sample, horizon_months=12, draws=20)
    monkeypatch.setattr(clv_module, "BOOTSTRAP_BLOCK", 7)  # 14 full blocks and one of 2
    blocks = customer_lifetime_value(model, spend, sample, horizon_months=12, draws=20)
    # equal but for the last bit (special functions run on each block's distinct values)
    for column in ("clv_lower", "clv_upper"):
        np.testing.assert_allclose(blocks[column].to_numpy(), whole[column].to_numpy(), rtol=1e-12)
    # and each interval is the customer's own: the one of row 50 valued alone
    alone = customer_lifetime_value(model, spend, sample.slice(50, 1), draws=20)
    assert alone["clv_lower"][0] == pytest.approx(blocks["clv_lower"][50], rel=1e-12)


@settings(deadline=None, max_examples=25)
@given(
    x=st.integers(0, 300),
    recency_share=st.floats(0, 1),
    T=st.floats(0.5, 150),
    which=st.sampled_from(["bg", "pareto", "mbg"]),
)
def test_p_alive_in_unit_interval_and_purchases_grow_with_t(x, recency_share, T, which):
    model = {"bg": BG, "pareto": PARETO, "mbg": MBG}[which]
    recency = recency_share * T if x > 0 else 0.0
    one = pl.DataFrame({"frequency": [x], "recency": [recency], "T": [T]})
    alive = model.p_alive(one).item()
    assert 0.0 <= alive <= 1.0
    values = [model.expected_purchases(t, one).item() for t in (1.0, 10.0, 52.0, 200.0)]
    assert all(np.isfinite(values))
    assert all(later >= earlier - 1e-9 for earlier, later in zip(values, values[1:], strict=False))


@settings(deadline=None, max_examples=20)
@given(low=st.floats(0.0, 0.5), extra=st.floats(0.01, 0.5), months=st.integers(1, 36))
def test_clv_falls_with_the_discount_rate(low, extra, months):
    cheap = new_customer_value(PARETO, 25.0, horizon_months=months, discount_rate=low)[
        "cumulative_value"
    ][-1]
    dear = new_customer_value(PARETO, 25.0, horizon_months=months, discount_rate=low + extra)[
        "cumulative_value"
    ][-1]
    assert dear < cheap


def test_bad_parameters_raise_clear_errors(cdnow_rfm):
    with pytest.raises(ParameterError, match="'margin'"):
        customer_lifetime_value(BG, 20.0, cdnow_rfm.head(5), margin=30)
    with pytest.raises(ParameterError, match="'horizon_months'"):
        new_customer_value(BG, 20.0, horizon_months=0)
    with pytest.raises(DataValidationError, match="spend_model"):
        customer_lifetime_value(BG, "lots", cdnow_rfm.head(5), draws=0)
    with pytest.raises(DataValidationError, match="recency"):
        BetaGeo().fit(pl.DataFrame({"frequency": [1], "T": [3.0]}))


def test_cdnow_tracking_and_holdout(cdnow_orders, cdnow_rfm):
    """Published counts: 2,457 repeat purchases in weeks 1-39 and 1,882 in weeks 40-78."""
    model = BetaGeo().fit(cdnow_rfm)
    tracked = tracking(model, cdnow_orders, "1997-09-30", "1998-06-30")
    at = dict(zip(tracked["period"], tracked["actual_cumulative"], strict=True))
    assert (at[39], at[78]) == (2457, 2457 + 1882)
    predicted = dict(zip(tracked["period"], tracked["predicted_cumulative"], strict=True))
    assert predicted[39] == pytest.approx(2457, rel=0.03)  # a fitted model tracks its own period
    assert tracked.filter(pl.col("period") == 39)["phase"].item() == "calibration"
    metrics = holdout_metrics(model, cdnow_rfm)
    assert metrics["actual_purchases"] == 1882
    assert metrics["predicted_purchases"] == pytest.approx(
        model.expected_purchases(39, cdnow_rfm).sum()
    )
    buckets = holdout_by_frequency(model, cdnow_rfm)
    assert buckets["customers"].sum() == 2357 and buckets["bucket"][-1] == "7+"


@pytest.fixture(scope="module")
def demo(project_root):
    orders = pl.read_csv(project_root / "datasets/orders/orders.csv", try_parse_dates=True)
    spend = pl.read_csv(project_root / "datasets/orders/spend.csv", try_parse_dates=True)
    return orders, spend


def test_forecast_of_existing_cohorts_telescopes(demo):
    """Summed over months, the forecast equals E[purchases over the horizon] * spend."""
    orders, _ = demo
    rfm = rfm_summary(orders, "2025-12-31")
    model, spend = BetaGeo().fit(rfm), GammaGamma().fit(rfm)
    forecast = cohort_revenue_forecast(
        model, spend, orders, "2025-12-31", horizon_months=6, acquisition_plan=300
    )
    weeks = 6 * 365.25 / 12 / 7
    total = (model.expected_purchases(weeks, rfm) * spend.expected_spend(rfm)).sum()
    existing = forecast.filter(pl.col("kind") == "existing")
    assert existing["expected_revenue"].sum() == pytest.approx(total, rel=1e-9)
    assert existing["cohort"].n_unique() == 24 and existing["month"].n_unique() == 6
    planned = forecast.filter(pl.col("kind") == "planned")
    first_month = planned.filter(pl.col("cohort") == pl.col("month"))["expected_revenue"]
    assert first_month.min() >= 300 * spend.population_mean_spend()  # first orders at least


def test_channel_value_recovers_cac_and_the_worst_channel(demo):
    orders, spend = demo
    truth = __import__("json").loads(
        (__import__("pathlib").Path(__file__).parents[2] / "datasets/orders/truth.json").read_text()
    )
    costs = acquisition_cost(spend, orders)
    for row in costs.iter_rows(named=True):
        assert row["cac"] == pytest.approx(
            truth["channels"][row["acquisition_channel"]]["cac"], rel=0.05
        )
    value = channel_value(
        orders, "2025-12-31", spend=spend, margin=margin_share(orders), horizon_months=24
    )
    assert value.sort("ltv_cac")["acquisition_channel"][0] == "display"  # low spend, few repeats
    paid_back = value.filter(pl.col("payback_month").is_not_null())
    assert (paid_back["ltv_cac"] >= 1).all()
    assert (
        value.filter(pl.col("payback_month").is_null())["ltv_cac"].max() < 1
        or paid_back.height == value.height
    )


def test_new_customer_interval_refuses_draws_without_a_finite_value(cdnow_rfm, monkeypatch):
    """A draw at the model's edge gives NaN: the interval is refused, not taken from the rest."""
    import mkt_engineering.ltv.clv as clv_module

    model, spend = BetaGeo().fit(cdnow_rfm), GammaGamma().fit(cdnow_rfm)
    original = clv_module.new_customer_value
    calls = []

    def failing_under_some_draws(*args, params=None, **kwargs):
        table = original(*args, params=params, **kwargs)
        calls.append(params is not None)
        if params is not None and len(calls) % 7 == 0:  # a few of the draws
            return table.with_columns(pl.lit(float("nan")).alias("cumulative_value"))
        return table

    monkeypatch.setattr(clv_module, "new_customer_value", failing_under_some_draws)
    with pytest.raises(DataValidationError, match="of 40 parameter draws give no finite value"):
        new_customer_value_interval(model, spend, draws=40)
