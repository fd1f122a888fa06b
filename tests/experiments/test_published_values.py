"""Published reference values (../shared/reference/README.md, "A/B tests") and gsDesign bounds."""

from __future__ import annotations

import pytest

from mkt_engineering.experiments import (
    SampleStats,
    group_sequential_bounds,
    mean_test,
    proportion_test,
    sample_size,
    srm_test,
)


def test_welch_reference():
    """Welch t-test from sufficient statistics: 0.29, CI (0.04538, 0.53462), p 0.02016."""
    r = mean_test(SampleStats(3407, 1396.87, 52377.9767), SampleStats(3461, 2422.7, 134698.29))
    assert r.effect == pytest.approx(0.29, abs=1e-9)
    assert r.ci_low == pytest.approx(0.04538, abs=5e-6)
    assert r.ci_high == pytest.approx(0.53462, abs=5e-6)
    assert r.p_value == pytest.approx(0.02016, abs=5e-6)


def test_proportions_reference():
    """42/104 vs 500/1009: pooled p 0.074866, CI (-0.007525, 0.190913), unpooled p 0.070093."""
    pooled = proportion_test(control=(42, 104), treatment=(500, 1009), pooled=True, interval="wald")
    assert pooled.effect == pytest.approx(0.091694, abs=5e-7)
    assert pooled.p_value == pytest.approx(0.074866, abs=5e-7)
    assert pooled.ci_low == pytest.approx(-0.007525, abs=5e-7)
    assert pooled.ci_high == pytest.approx(0.190913, abs=5e-7)
    unpooled = proportion_test(control=(42, 104), treatment=(500, 1009))
    assert unpooled.p_value == pytest.approx(0.070093, abs=5e-7)


def test_srm_reference():
    """1000 vs 1200 with a planned 50/50 split: chi-square p = 2.0079e-5, which blocks."""
    r = srm_test({"control": 1000, "treatment": 1200}, {"control": 0.5, "treatment": 0.5})
    assert r.p_value == pytest.approx(2.0079e-5, rel=1e-4)
    assert r.blocked


def test_sample_size_reference():
    """20% -> 25%, alpha 0.05 two-sided, power 0.8: 1,094 per arm (statsmodels
    power_proportions_2indep; pooled null variance, unpooled alternative variance)."""
    assert sample_size(0.20, 0.05) == 1094
    assert sample_size(0.20, 0.25, relative=True) == 1094


def test_obrien_fleming_bounds_match_gsdesign():
    """Lan-DeMets O'Brien-Fleming spending, 5 equally spaced looks, two-sided alpha 0.05.

    gsDesign::gsDesign(k=5, test.type=2, alpha=0.025, sfu=sfLDOF)$upper$bound
    = 4.8769, 3.3569, 2.6803, 2.2898, 2.0310 (Jennison & Turnbull 2000, table 2.x also).
    """
    bounds = group_sequential_bounds([0.2, 0.4, 0.6, 0.8, 1.0])
    assert bounds == pytest.approx([4.8769, 3.3569, 2.6803, 2.2898, 2.0310], abs=2e-3)


def test_single_look_bound_is_fixed_horizon():
    assert group_sequential_bounds([1.0])[0] == pytest.approx(1.959964, abs=1e-5)
