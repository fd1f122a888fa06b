"""Calibration: every procedure runs on >= 10,000 simulated experiments in one vectorized call.

A/A (no effect): the false-positive rate must match alpha. A/B: intervals must cover the true
effect 95% of the time. Sequential procedures must hold alpha under 14 daily looks.
"""

from __future__ import annotations

import numpy as np
import pytest

from mkt_engineering.experiments import (
    RatioStats,
    SampleStats,
    cuped_test,
    group_sequential_bounds,
    mean_test,
    proportion_test,
    ratio_test,
    simulate_aa,
    simulate_means,
    spent_alpha,
)
from mkt_engineering.experiments.bayesian import chance_to_win
from mkt_engineering.experiments.simulate import _chance_to_win_normal, daily_conversions

EXPERIMENTS = 10_000


@pytest.fixture(scope="module")
def aa_table():
    table = simulate_aa(
        experiments=EXPERIMENTS, units_per_arm=14_000, baseline=0.10, looks=14, seed=11
    )
    return dict(zip(table["procedure"], table.iter_rows(named=True), strict=True))


def test_fixed_horizon_false_positive_rate(aa_table):
    assert 0.04 <= aa_table["fixed-horizon z-test, once at the end"]["rejection_rate"] <= 0.06


def test_fixed_horizon_interval_coverage(aa_table):
    assert 0.94 <= aa_table["fixed-horizon z-test, once at the end"]["coverage"] <= 0.96


def test_peeking_breaks_the_fixed_test(aa_table):
    """Stopping at the first daily p < 0.05 fires about 20% of the time (the lesson's point)."""
    assert aa_table["fixed-horizon z-test, checked daily"]["rejection_rate"] > 0.15
    assert aa_table["Bayesian 95% chance to win, checked daily"]["rejection_rate"] > 0.3


def test_sequential_procedures_hold_alpha_under_daily_looks(aa_table):
    assert aa_table["mSPRT always-valid test, checked daily"]["rejection_rate"] <= 0.055
    assert aa_table["group-sequential O'Brien-Fleming, checked daily"]["rejection_rate"] <= 0.055
    assert aa_table["mSPRT always-valid test, checked daily"]["coverage"] >= 0.95


def test_interval_coverage_under_an_effect():
    table = simulate_aa(
        experiments=EXPERIMENTS, units_per_arm=14_000, baseline=0.10, effect=0.01, seed=12
    )
    row = table.filter(table["procedure"] == "fixed-horizon z-test, once at the end").row(
        0, named=True
    )
    assert 0.94 <= row["coverage"] <= 0.96
    assert row["rejection_rate"] > 0.7  # power is there too


def test_welch_false_positive_rate_and_coverage_on_skewed_revenue():
    """Log-normal revenue with 90% zeros, 1,500 units per arm; sums reduced per experiment."""
    rng = np.random.default_rng(13)

    def arm(shift: float) -> SampleStats:
        converted = rng.random((EXPERIMENTS, 1500)) < 0.1
        revenue = converted * rng.lognormal(3.0 + shift, 0.8, converted.shape)
        return SampleStats(np.full(EXPERIMENTS, 1500), revenue.sum(1), (revenue**2).sum(1))

    r = mean_test(arm(0.0), arm(0.0))
    assert 0.04 <= np.mean(r.p_value < 0.05) <= 0.06
    assert 0.94 <= np.mean((r.ci_low <= 0) & (0 <= r.ci_high)) <= 0.96


def test_ratio_delta_method_false_positive_rate():
    rng = np.random.default_rng(14)

    def arm() -> RatioStats:
        propensity = rng.beta(1, 9, (EXPERIMENTS, 400))
        sessions = 1 + rng.poisson(3, propensity.shape)
        orders = rng.binomial(sessions, propensity)
        return RatioStats(
            np.full(EXPERIMENTS, 400),
            orders.sum(1),
            sessions.sum(1),
            (orders**2).sum(1),
            (sessions**2).sum(1),
            (orders * sessions).sum(1),
        )

    r = ratio_test(arm(), arm())
    assert 0.04 <= np.mean(r.p_value < 0.05) <= 0.06


def test_cuped_is_unbiased_and_calibrated():
    """Mean CUPED effect equals the truth (within 4 Monte-Carlo standard errors); coverage holds."""
    truth = 0.05
    arms = simulate_means(experiments=EXPERIMENTS, units_per_arm=200, effect=truth, seed=15)
    r = cuped_test(arms["control"], arms["treatment"])
    monte_carlo_se = np.std(r.effect) / np.sqrt(EXPERIMENTS)
    assert abs(np.mean(r.effect) - truth) < 4 * monte_carlo_se
    assert 0.94 <= np.mean((r.ci_low <= truth) & (truth <= r.ci_high)) <= 0.96
    assert np.mean(r.extra["variance_reduction"]) > 0.3
    aa = simulate_means(experiments=EXPERIMENTS, units_per_arm=200, effect=0.0, seed=16)
    assert 0.04 <= np.mean(cuped_test(aa["control"], aa["treatment"]).p_value < 0.05) <= 0.06


def test_proportion_test_is_vectorized_not_looped():
    data = daily_conversions(EXPERIMENTS, 7000, 0.1, 0.0, 1, seed=17)
    r = proportion_test(
        (data["control"][:, 0], data["units"][:, 0]), (data["treatment"][:, 0], data["units"][:, 0])
    )
    assert r.p_value.shape == (EXPERIMENTS,)


def test_simulation_chance_to_win_approximation_is_close_to_exact():
    data = daily_conversions(500, 14_000, 0.1, 0.0, 2, seed=18)
    exact = chance_to_win((data["control"], data["units"]), (data["treatment"], data["units"]))
    approx = _chance_to_win_normal(data["control"], data["treatment"], data["units"])
    assert np.max(np.abs(exact - approx)) < 5e-3


def test_pocock_spends_alpha_evenly_and_keeps_it():
    fractions = np.arange(1, 6) / 5
    assert spent_alpha(1.0, 0.05, "pocock") == pytest.approx(0.05)
    bounds = group_sequential_bounds(fractions, spending="pocock")
    assert max(bounds) - min(bounds) < 0.3  # nearly flat, unlike O'Brien-Fleming
    rng = np.random.default_rng(22)
    score = np.cumsum(rng.normal(scale=np.sqrt(0.2), size=(200_000, 5)), axis=1)
    z = score / np.sqrt(fractions)
    assert np.mean((np.abs(z) >= bounds).any(axis=1)) == pytest.approx(0.05, abs=0.002)
