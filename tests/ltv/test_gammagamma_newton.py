"""The Gamma-Gamma likelihood by frequency level, its analytic Hessian and Newton's fit.

The likelihood is summed per distinct frequency for its special functions; these tests hold
it to the per-customer formula written out independently (scipy's gammaln, one row each),
its gradient and Hessian to central differences, and the Newton fit to a quasi-Newton fit of
the same formula.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.special import gammaln

from mkt_engineering.ltv import GammaGamma


def per_customer_log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> float:
    """Fader, Hardie & Lee (2005), eq. 3, summed over customers: one row at a time."""
    p, q, v = params
    return float(
        np.sum(
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(v + m * x)
        )
    )


@pytest.fixture(scope="module")
def spend() -> pl.DataFrame:
    rng = np.random.default_rng(11)
    n = 4_000
    x = rng.geometric(0.3, n).astype(float)
    nu = rng.gamma(3.7, 1 / 16.0, n)
    m = rng.gamma(6.1 * x, 1 / (nu * x))  # mean of x purchases, each Gamma(p, nu)
    return pl.DataFrame({"frequency": x, "monetary_value": m})


def test_the_likelihood_equals_the_per_customer_formula(spend):
    model = GammaGamma()
    data = model._prepare(spend)
    x, m = spend["frequency"].to_numpy(), spend["monetary_value"].to_numpy()
    for params in ([6.1, 3.7, 16.0], [0.4, 1.5, 2.0], [40.0, 0.9, 300.0]):
        value, _ = model._negative_log_likelihood(np.log(params), data)
        expected = -per_customer_log_likelihood(np.array(params), x, m)
        assert value == pytest.approx(expected, rel=1e-12)


def test_gradient_and_hessian_match_central_differences(spend):
    model = GammaGamma()
    data = model._prepare(spend)
    x, m = spend["frequency"].to_numpy(), spend["monetary_value"].to_numpy()
    point = np.log([5.0, 3.0, 12.0])

    def minus_ll(log_params):
        return -per_customer_log_likelihood(np.exp(log_params), x, m)

    _, gradient, hessian = model._negative_log_likelihood_hessian(point, data)
    step = 1e-5
    numeric_gradient = np.array(
        [(minus_ll(point + step * e) - minus_ll(point - step * e)) / (2 * step) for e in np.eye(3)]
    )
    np.testing.assert_allclose(gradient, numeric_gradient, rtol=1e-6)
    numeric_hessian = np.array(
        [
            (
                model._negative_log_likelihood(point + step * e, data)[1]
                - model._negative_log_likelihood(point - step * e, data)[1]
            )
            / (2 * step)
            for e in np.eye(3)
        ]
    )
    np.testing.assert_allclose(hessian, numeric_hessian, rtol=1e-6)


def test_newton_fit_reaches_the_quasi_newton_optimum_of_the_formula(spend):
    model = GammaGamma().fit(spend)
    assert model.convergence_.nit < 30  # Newton's steps, not ~100 evaluations
    x, m = spend["frequency"].to_numpy(), spend["monetary_value"].to_numpy()
    reference = optimize.minimize(
        lambda lp: -per_customer_log_likelihood(np.exp(lp), x, m),
        np.zeros(3),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000, "maxfev": 40_000},
    )
    fitted = np.array([model.params_[name] for name in ("p", "q", "v")])
    np.testing.assert_allclose(fitted, np.exp(reference.x), rtol=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(3, 400),
    slope=st.sampled_from([0.0, 0.2, 1.0, -3.0]),
)
def test_spend_frequency_check_equals_scipys_correlation_tests(seed, n, slope):
    # The check computes Pearson and Spearman without scipy.stats (0.5 s to import);
    # scipy's own tests are the independent reference, ties in the counts included.
    from scipy import stats

    from mkt_engineering.ltv import spend_frequency_check

    rng = np.random.default_rng(seed)
    x = rng.integers(1, 12, n)
    spend = np.round(np.maximum(x * slope + rng.gamma(2.0, 5.0, n), 0.01), 2)
    rfm = pl.DataFrame({"frequency": np.append(x, 0), "monetary_value": np.append(spend, 0.0)})
    got = dict(spend_frequency_check(rfm).select("method", "correlation").iter_rows())
    p_values = dict(spend_frequency_check(rfm).select("method", "p_value").iter_rows())
    for method, test in (("pearson", stats.pearsonr), ("spearman", stats.spearmanr)):
        with warnings.catch_warnings():  # scipy warns of a constant column; NaN is the answer
            warnings.simplefilter("ignore")
            reference = test(x.astype(float), spend)
        if np.isnan(reference.statistic):  # a constant column
            assert np.isnan(got[method])
            continue
        assert got[method] == pytest.approx(reference.statistic, rel=1e-9, abs=1e-12)
        assert p_values[method] == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-12)
