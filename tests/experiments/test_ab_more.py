"""Several arms, Fieller, Pocock spending, charts and plain-language readings."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.experiments import (
    AnalysisPlan,
    RatioStats,
    analyze,
    charts,
    duration,
    explain,
    group_sequential_bounds,
    guardrail_status,
    holm,
    non_inferiority_sample_size,
    posterior_curves,
    ratio_test,
    spent_alpha,
)
from mkt_engineering.synthetic.experiment import generate


def _three_arms() -> pl.DataFrame:
    rng = np.random.default_rng(21)
    n = 9000
    variant = rng.choice(["control", "b", "c"], n)
    lift = np.select([variant == "b", variant == "c"], [0.04, 0.0], 0.0)
    return pl.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(n)],
            "variant": variant,
            "converted": (rng.random(n) < 0.1 + lift).astype(int),
            "revenue": rng.exponential(5, n),
        }
    )


def test_several_arms_are_each_compared_to_control_with_holm():
    units = _three_arms().with_columns(day=pl.int_range(pl.len()) % 7 + 1)
    out = analyze(
        units,
        AnalysisPlan(
            "converted", secondary_metrics=["revenue"], day_column="day", planned_units_per_arm=3000
        ),
    )
    primary = out.effects.filter(pl.col("role") == "primary").sort("variant")
    assert primary["variant"].to_list() == ["b", "c"]
    np.testing.assert_allclose(
        primary["p_adjusted"].to_numpy(), holm(primary["p_value"].to_numpy())
    )
    assert primary.filter(pl.col("variant") == "b")["significant"].item()
    assert out.verdict.decision == "ship"
    assert out.bayes.height == 2
    # each arm has its own sequence over time
    assert out.over_time.group_by("variant").len()["len"].to_list() == [7, 7]
    alone = analyze(
        units.filter(pl.col("variant") != "b"),
        AnalysisPlan("converted", day_column="day", planned_units_per_arm=3000),
    ).over_time
    c_arm = out.over_time.filter(pl.col("variant") == "c")
    np.testing.assert_allclose(
        c_arm["always_valid_low"].to_numpy(), alone["always_valid_low"].to_numpy(), rtol=1e-12
    )


def test_fieller_interval_contains_delta_interval_centre_and_is_asymmetric():
    control = RatioStats(400, 120.0, 800.0, 200.0, 2000.0, 330.0)
    treatment = RatioStats(400, 140.0, 810.0, 240.0, 2050.0, 380.0)
    fieller = ratio_test(control, treatment, method="fieller")
    delta = ratio_test(control, treatment, relative=True)
    assert fieller.ci_low < delta.effect < fieller.ci_high
    assert (fieller.ci_high - fieller.effect) > (
        fieller.effect - fieller.ci_low
    )  # skewed to the right
    # each bound q solves Fieller's equation (r_t - q r_c)^2 = z^2 (var_t + q^2 var_c)
    from mkt_engineering.experiments.ratio import ratio_variance

    (r_c, v_c), (r_t, v_t) = ratio_variance(control), ratio_variance(treatment)
    for bound in (fieller.ci_low, fieller.ci_high):
        q = 1 + bound
        assert (r_t - q * r_c) ** 2 == pytest.approx(1.959964**2 * (v_t + q**2 * v_c), rel=1e-5)


def test_pocock_spends_alpha_evenly_and_keeps_it():
    fractions = np.arange(1, 6) / 5
    assert spent_alpha(1.0, 0.05, "pocock") == pytest.approx(0.05)
    bounds = group_sequential_bounds(fractions, spending="pocock")
    assert max(bounds) - min(bounds) < 0.3  # nearly flat, unlike O'Brien-Fleming
    rng = np.random.default_rng(22)
    score = np.cumsum(rng.normal(scale=np.sqrt(0.2), size=(200_000, 5)), axis=1)
    z = score / np.sqrt(fractions)
    assert np.mean((np.abs(z) >= bounds).any(axis=1)) == pytest.approx(0.05, abs=0.002)


def test_design_helpers():
    assert duration(1094, daily_units=500) == 5
    # one-sided non-inferiority: 2 p q (z_0.95 + z_0.8)^2 / margin^2
    assert non_inferiority_sample_size(0.5, 0.05) == int(
        np.ceil(2 * 0.25 * (1.6448536 + 0.8416212) ** 2 / 0.0025)
    )
    assert guardrail_status(-0.03, -0.01) == "worse"
    assert guardrail_status(-0.03, 0.02, margin=0.02) == "unclear"
    assert guardrail_status(-0.01, 0.02, margin=0.02) == "fine"


@pytest.fixture(scope="module")
def result():
    units = generate(scale=0.5).tables["experiment"]
    return analyze(
        units,
        AnalysisPlan(
            "converted",
            secondary_metrics=["revenue"],
            guardrails=["sessions"],
            covariates=["pre_sessions"],
            segments=["device"],
            day_column="day",
            mde=0.015,
            planned_units_per_arm=3000,
        ),
    )


def test_every_chart_builds(result):
    built = [
        charts.effects_chart(result.effects),
        charts.cumulative_chart(result.over_time),
        charts.posterior_chart(posterior_curves((100, 1000), (120, 1000))),
        charts.segment_forest(result.segments),
        charts.trust_chart(result.srm, result.balance),
        charts.power_chart(0.1, 3000),
    ]
    for chart in built:
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_readings_say_the_numbers(result):
    text = result.explain()
    assert text.startswith("**Verdict:")
    assert "interval" in text and "split as planned" in text
    bayes = explain.explain_bayes(result.bayes, {"once": 0.1, "daily": 0.37})
    assert "37.0%" in bayes and "chance" in bayes
    assert "always-valid" in explain.explain_sequential(result.over_time)
    exploratory = {**result.effects.row(0, named=True), "role": "exploratory"}
    assert "not in the plan" in explain.explain_effect(exploratory)
