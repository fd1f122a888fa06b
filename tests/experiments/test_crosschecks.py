"""Independent implementations: scipy, statsmodels, brute force, closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import power_proportions_2indep
from statsmodels.stats.proportion import test_proportions_2indep as sm_proportions_2indep

from mkt_engineering.experiments import (
    Moments,
    RatioStats,
    SampleStats,
    benjamini_hochberg,
    chance_to_win,
    cuped_test,
    duration,
    guardrail_status,
    holm,
    mde,
    mean_test,
    non_inferiority_sample_size,
    proportion_test,
    ratio_test,
    sample_size,
    with_missing_indicator,
)

FAST = settings(deadline=None, max_examples=40)


@FAST
@given(
    st.integers(5, 5000),
    st.integers(5, 5000),
    st.floats(-5, 5),
    st.floats(-5, 5),
    st.floats(0.1, 10),
    st.floats(0.1, 10),
)
def test_welch_matches_scipy(n_c, n_t, mean_c, mean_t, sd_c, sd_t):
    """scipy.stats.ttest_ind_from_stats(equal_var=False) on the same summaries."""

    def stats_of(n, mean, sd):
        return SampleStats(n, n * mean, (n - 1) * sd**2 + n * mean**2)

    r = mean_test(stats_of(n_c, mean_c, sd_c), stats_of(n_t, mean_t, sd_t))
    ref = sps.ttest_ind_from_stats(mean_t, sd_t, n_t, mean_c, sd_c, n_c, equal_var=False)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-12)
    assert r.effect == pytest.approx(mean_t - mean_c, abs=1e-8)


@FAST
@given(st.integers(20, 20000), st.integers(20, 20000), st.floats(0.02, 0.98), st.floats(0.02, 0.98))
def test_proportions_match_statsmodels(n_c, n_t, rate_c, rate_t):
    """statsmodels test_proportions_2indep, Wald (unpooled) and score-free pooled z."""
    x_c, x_t = max(1, round(rate_c * n_c)), max(1, round(rate_t * n_t))
    x_c, x_t = min(x_c, n_c - 1), min(x_t, n_t - 1)
    r = proportion_test((x_c, n_c), (x_t, n_t))
    ref = sm_proportions_2indep(x_t, n_t, x_c, n_c, method="wald", correction=False)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-12)
    pooled = proportion_test((x_c, n_c), (x_t, n_t), pooled=True)
    chi2 = sps.chi2_contingency([[x_t, n_t - x_t], [x_c, n_c - x_c]], correction=False)
    assert pooled.p_value == pytest.approx(chi2.pvalue, rel=1e-6, abs=1e-12)


@FAST
@given(st.floats(0.02, 0.6), st.floats(0.01, 0.2), st.sampled_from([0.5, 1.0, 2.0]))
def test_sample_size_matches_statsmodels(baseline, difference, ratio):
    """Solve statsmodels' power_proportions_2indep for n; ours rounds up the one-tail formula.

    statsmodels' sample 1 is the treated arm (p1 = p2 + diff) and nobs2 = ratio * nobs1, so
    our control n = m with their nobs1 = ratio * m and their ratio = 1 / ratio.
    """
    n = sample_size(baseline, difference, ratio=ratio)

    def power(m: float) -> float:
        return (
            power_proportions_2indep(difference, baseline, ratio * m, ratio=1 / ratio).power - 0.8
        )

    exact = optimize.brentq(power, 2, 1e8)
    assert n == pytest.approx(exact, abs=1.5)


@FAST
@given(st.floats(0.05, 2.0), st.sampled_from([0.5, 1.0, 3.0]))
def test_mean_sample_size_matches_normal_ind_power(effect_size, ratio):
    n = sample_size(0.0, effect_size, sd=1.0, ratio=ratio)
    exact = NormalIndPower().solve_power(
        effect_size=effect_size, alpha=0.05, power=0.8, ratio=ratio
    )
    assert n == pytest.approx(exact, abs=1.5)


def test_mde_inverts_sample_size():
    n = sample_size(0.1, 0.02)
    assert mde(n, 0.1) == pytest.approx(0.02, rel=2e-3)


def test_ratio_delta_matches_linearization():
    """Delta method = Welch-type z on per-unit linearized values x - R y, divided by mean y."""
    rng = np.random.default_rng(3)
    results = []
    for lift in (0.0, 0.05):
        sessions = 1 + rng.poisson(3, 5000)
        orders = rng.binomial(sessions, 0.1 + lift)
        results.append((orders, sessions))
    (x_c, y_c), (x_t, y_t) = results
    r = ratio_test(RatioStats.from_values(x_c, y_c), RatioStats.from_values(x_t, y_t))

    def linear_var(x, y):
        ratio = x.sum() / y.sum()
        return np.var(x - ratio * y, ddof=1) / (len(x) * y.mean() ** 2)

    se = np.sqrt(linear_var(x_c, y_c) + linear_var(x_t, y_t))
    assert r.standard_error == pytest.approx(se, rel=1e-9)
    assert r.effect == pytest.approx(x_t.sum() / y_t.sum() - x_c.sum() / y_c.sum(), rel=1e-12)


def test_ratio_naive_session_test_is_too_confident():
    """Orders correlated within users: the per-session binomial SE is smaller than the delta SE."""
    rng = np.random.default_rng(4)
    arms = []
    for _ in range(2):
        propensity = rng.beta(1, 9, 5000)
        sessions = 1 + rng.poisson(4, 5000)
        arms.append((rng.binomial(sessions, propensity), sessions))
    r = ratio_test(*(RatioStats.from_values(x, y) for x, y in arms))
    naive = proportion_test(*((x.sum(), y.sum()) for x, y in arms))
    assert r.standard_error > 1.2 * naive.standard_error


@settings(deadline=None, max_examples=6)
@given(st.lists(st.floats(1e-6, 1.0), min_size=2, max_size=12))
def test_holm_and_bh_match_statsmodels(p_values):
    p = np.array(p_values)
    np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1], rtol=1e-12)
    np.testing.assert_allclose(
        benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1], rtol=1e-12
    )


def test_cuped_effect_equals_ancova_ols():
    """The CUPED effect equals the treatment coefficient of OLS y ~ treated + x + missing flag."""
    rng = np.random.default_rng(5)
    n = 3000
    x = rng.normal(5, 2, 2 * n)
    x[rng.random(2 * n) < 0.3] = np.nan
    treated = np.repeat([0.0, 1.0], n)
    y = 0.3 * treated + 0.8 * np.nan_to_num(x, nan=6.0) + rng.normal(size=2 * n)
    design = with_missing_indicator(x)
    r = cuped_test(Moments.from_values(y[:n], design[:n]), Moments.from_values(y[n:], design[n:]))
    ols = sm.OLS(y, sm.add_constant(np.column_stack([treated, design]))).fit()
    assert r.effect == pytest.approx(ols.params[1], rel=1e-9)
    assert r.extra["variance_reduction"] > 0.5


@FAST
@given(st.integers(0, 80), st.integers(100, 300), st.integers(0, 80), st.integers(100, 300))
def test_chance_to_win_matches_closed_form(x_c, n_c, x_t, n_t):
    """Evan Miller's closed form for integer beta parameters (sum of beta functions)."""
    a_c, b_c, a_t, b_t = 1 + x_c, 1 + n_c - x_c, 1 + x_t, 1 + n_t - x_t
    i = np.arange(a_t)
    closed = np.exp(
        special.betaln(a_c + i, b_c + b_t)
        - np.log(b_t + i)
        - special.betaln(1 + i, b_t)
        - special.betaln(a_c, b_c)
    ).sum()
    assert chance_to_win((x_c, n_c), (x_t, n_t)) == pytest.approx(closed, abs=1e-6)


@settings(deadline=None, max_examples=20)
@given(st.floats(-50, 50), st.floats(0.1, 20), st.integers(0, 1000))
def test_cuped_invariant_to_shifting_and_scaling_the_covariate(shift, scale, seed):
    """Moving or rescaling the pre-period covariate changes neither the effect nor its SE."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 300))
    y = x + rng.normal(size=(2, 300))

    def estimate(covariate):
        return cuped_test(*(Moments.from_values(y[i], covariate[i][:, None]) for i in (0, 1)))

    plain, moved = estimate(x), estimate(scale * x + shift)
    assert moved.effect == pytest.approx(plain.effect, rel=1e-6, abs=1e-9)
    assert moved.standard_error == pytest.approx(plain.standard_error, rel=1e-6)


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


def test_design_helpers():
    assert duration(1094, daily_units=500) == 5
    # one-sided non-inferiority: 2 p q (z_0.95 + z_0.8)^2 / margin^2
    assert non_inferiority_sample_size(0.5, 0.05) == int(
        np.ceil(2 * 0.25 * (1.6448536 + 0.8416212) ** 2 / 0.0025)
    )
    assert guardrail_status(-0.03, -0.01) == "worse"
    assert guardrail_status(-0.03, 0.02, margin=0.02) == "unclear"
    assert guardrail_status(-0.01, 0.02, margin=0.02) == "fine"
