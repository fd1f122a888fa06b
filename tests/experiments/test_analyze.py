"""analyze end to end: the synthetic experiment (true effects known), several arms, errors."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering import DataValidationError
from mkt_engineering.experiments import (
    AnalysisPlan,
    analyze,
    holm,
    mean_test,
    poisson_bootstrap,
    proportion_test,
)
from mkt_engineering.experiments.stats import SampleStats
from mkt_engineering.synthetic.experiment import generate

PLAN = AnalysisPlan(
    "converted",
    secondary_metrics=["revenue", "orders/sessions"],
    guardrails=["sessions"],
    covariates=["pre_sessions"],
    segments=["device", "country"],
    day_column="day",
    mde=0.01,
    planned_units_per_arm=9000,
)


@pytest.fixture(scope="module")
def demo():
    return generate(seed=42)


@pytest.fixture(scope="module")
def result(demo):
    return analyze(demo.tables["experiment"].lazy(), PLAN)


def test_intervals_cover_the_true_effects(demo, result):
    truth = demo.truth["effects"]
    for metric, key in (
        ("converted", "converted"),
        ("revenue", "revenue"),
        ("orders/sessions", "orders_per_session"),
        ("sessions", "sessions"),
    ):
        row = result.effects.filter(pl.col("metric") == metric).row(0, named=True)
        assert row["ci_low"] <= truth[key]["absolute"] <= row["ci_high"], metric


def test_verdict_ships_with_reasons(result):
    verdict = result.verdict
    assert verdict.decision == "ship"
    assert verdict.headline.startswith("Verdict: ship — converted +")
    assert any("no guardrail got worse" in r for r in verdict.reasons)
    assert any("sample ratio is fine" in r for r in verdict.reasons)


def test_unadjusted_effect_matches_hand_computed_tests(demo):
    """Without covariates analyze reproduces proportion_test / mean_test on hand-made sums."""
    units = demo.tables["experiment"]
    out = analyze(units, AnalysisPlan("converted", secondary_metrics=["revenue"]))
    arms = {v: units.filter(pl.col("variant") == v) for v in ("control", "treatment")}
    by_hand = proportion_test(
        *((arms[v]["converted"].sum(), arms[v].height) for v in ("control", "treatment"))
    )
    row = out.effects.filter(pl.col("metric") == "converted").row(0, named=True)
    assert row["p_value"] == pytest.approx(by_hand.p_value, rel=1e-9)
    welch = mean_test(
        *(SampleStats.from_values(arms[v]["revenue"]) for v in ("control", "treatment"))
    )
    row = out.effects.filter(pl.col("metric") == "revenue").row(0, named=True)
    assert row["effect"] == pytest.approx(welch.effect, rel=1e-9)
    assert row["ci_high"] == pytest.approx(welch.ci_high, rel=1e-9)


def test_cuped_reduces_variance_on_the_demo(result):
    row = result.effects.filter(pl.col("metric") == "sessions").row(0, named=True)
    assert row["variance_reduction"] > 0.2


def test_segments_are_exploratory_with_bh_and_interaction(result):
    seg = result.segments
    assert set(seg["label"]) == {"exploratory"}
    assert (seg["p_adjusted"] >= seg["p_value"]).all()
    assert seg.filter(pl.col("segment") == "device").height == 3
    assert seg["interaction_p_value"].is_between(0, 1).all()


def test_srm_blocks_the_verdict():
    broken = generate(seed=42, srm_share=0.08).tables["experiment"]
    out = analyze(broken, AnalysisPlan("converted"))
    assert out.srm.blocked
    assert out.verdict.decision == "inconclusive"
    assert "split of units" in out.verdict.reasons[0]


def test_keep_running_with_days_left(demo):
    early = demo.tables["experiment"].filter(pl.col("day") <= 3)
    out = analyze(
        early, AnalysisPlan("converted", day_column="day", mde=0.01, planned_units_per_arm=20_000)
    )
    assert out.verdict.decision == "keep running"
    # about 700 units per arm and day: (20,000 - ~2,100) / ~700 -> about 26 more days
    assert 20 <= out.verdict.days_left <= 32


def test_exploratory_metrics_never_drive_the_verdict(demo):
    out = analyze(demo.tables["experiment"], AnalysisPlan("sessions"), exploratory=["converted"])
    row = out.effects.filter(pl.col("metric") == "converted").row(0, named=True)
    assert row["role"] == "exploratory" and row["significant"]
    assert out.verdict.decision != "ship"


def test_bootstrap_agrees_with_welch_on_revenue(demo):
    units = demo.tables["experiment"]
    boot = poisson_bootstrap(
        units, variant="variant", metric="revenue", control="control", replicates=2000
    )
    arms = [
        SampleStats.from_values(units.filter(pl.col("variant") == v)["revenue"])
        for v in ("control", "treatment")
    ]
    welch = mean_test(*arms)
    assert boot.effect == pytest.approx(welch.effect, rel=1e-9)
    assert boot.standard_error == pytest.approx(welch.standard_error, rel=0.15)


def test_missing_column_names_the_column_and_the_fix(demo):
    with pytest.raises(DataValidationError, match="conversion") as error:
        analyze(demo.tables["experiment"], AnalysisPlan("conversion"))
    assert error.value.column == "conversion"
    assert "found" in str(error.value) and "converted" in str(error.value)


def test_unknown_control_arm(demo):
    with pytest.raises(DataValidationError, match="Kontrolle"):
        analyze(demo.tables["experiment"], AnalysisPlan("converted", control="Kontrolle"))


def test_text_metric_and_missing_variant_are_explained(demo):
    units = demo.tables["experiment"]
    with pytest.raises(DataValidationError, match="expected numbers") as error:
        analyze(units, AnalysisPlan("device"))
    assert error.value.column == "device" and "segments" in error.value.fix
    gap = units.with_columns(
        pl.when(pl.col("unit_id") == "u000003")
        .then(None)
        .otherwise(pl.col("variant"))
        .alias("variant")
    )
    with pytest.raises(DataValidationError, match="no value in 'variant'"):
        analyze(gap, AnalysisPlan("converted"))


def test_swapping_arms_flips_the_effect(demo):
    units = demo.tables["experiment"]
    swapped = units.with_columns(
        pl.col("variant").replace({"control": "treatment", "treatment": "control"})
    )
    a = analyze(units, AnalysisPlan("converted")).effects.row(0, named=True)
    b = analyze(swapped, AnalysisPlan("converted")).effects.row(0, named=True)
    assert a["effect"] == pytest.approx(-b["effect"], rel=1e-12)
    assert a["p_value"] == pytest.approx(b["p_value"], rel=1e-9)


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
