"""Every model against published values (shared/reference/README.md, "Customer lifetime value")."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import integrate
from scipy.special import gammaln

from mkt_engineering.ltv import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeo,
)
from mkt_engineering.ltv.models import paretonbd


@pytest.fixture(scope="module")
def bgnbd(cdnow_rfm):
    return BetaGeo().fit(cdnow_rfm)


@pytest.fixture(scope="module")
def pareto(cdnow_rfm):
    return ParetoNBD().fit(cdnow_rfm)


def test_bgnbd_parameters_and_likelihood(bgnbd):
    """Fader, Hardie & Lee (2005), "Counting your customers the easy way"."""
    published = {"r": 0.2425945, "alpha": 4.4136019, "a": 0.7929199, "b": 2.4258881}
    for name, value in published.items():
        assert bgnbd.params_[name] == pytest.approx(value, abs=5e-4)
    assert bgnbd.log_likelihood_ == pytest.approx(-9582.429, abs=0.1)


def test_bgnbd_expectations(bgnbd):
    """Conditional E for x=2, t_x=30.43, T=38.86 over 39 weeks = 1.226; unconditional E[X(t)]."""
    one = pl.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert bgnbd.expected_purchases(39, one).item() == pytest.approx(1.226, abs=5e-4)
    t = [0.1429, 1, 3, 31.8571, 32, 78]
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    np.testing.assert_allclose(bgnbd.expected_purchases_new_customer(t), expected, atol=5e-4)


def test_bgnbd_standard_errors_match_brute_force_hessian(bgnbd, cdnow_rfm):
    """Independent check: Hessian of the per-customer log-likelihood by plain finite differences."""
    from mkt_engineering.ltv.models.bgnbd import log_likelihood

    x, tx, T = (cdnow_rfm[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))
    theta = np.array(list(bgnbd.params_.values()))

    def total(p):
        return log_likelihood(p, x, tx, T).sum()

    h = 1e-4 * theta
    hessian = np.empty((4, 4))
    for i in range(4):
        for j in range(4):
            ei, ej = np.eye(4)[i] * h[i], np.eye(4)[j] * h[j]
            hessian[i, j] = (
                total(theta + ei + ej)
                - total(theta + ei - ej)
                - total(theta - ei + ej)
                + total(theta - ei - ej)
            ) / (4 * h[i] * h[j])
    se = np.sqrt(np.diag(np.linalg.inv(-hessian)))
    np.testing.assert_allclose(bgnbd.summary()["standard_error"].to_numpy(), se, rtol=1e-3)


def test_paretonbd_parameters_and_likelihood(pareto):
    """Schmittlein, Morrison & Colombo (1987); values as in Fader & Hardie and CLVTools."""
    published = {"r": 0.55315, "alpha": 10.57633, "s": 0.60625, "beta": 11.67150}
    for name, value in published.items():
        assert pareto.params_[name] == pytest.approx(value, rel=1e-3)
    assert pareto.log_likelihood_ == pytest.approx(-9594.976, abs=0.01)


def test_paretonbd_customer_predictions(pareto):
    """x = 26, t_x = 30.86, T = 31: P(alive) 0.9979, 25.46 purchases in the next 52 weeks."""
    one = pl.DataFrame({"frequency": [26], "recency": [30.86], "T": [31.0]})
    assert pareto.p_alive(one).item() == pytest.approx(0.9979, abs=5e-5)
    assert pareto.expected_purchases(52, one).item() == pytest.approx(25.46, abs=5e-3)


@pytest.mark.parametrize(
    "x, tx, T", [(5, 20.0, 40.0), (0, 0.0, 30.0), (300, 50.0, 52.0), (800, 99.0, 104.0)]
)
def test_paretonbd_likelihood_against_numerical_integration(x, tx, T):
    """Independent: the integral form of the likelihood by adaptive quadrature, in logs.

    Heavy buyers (x in the hundreds) overflow the textbook hypergeometric form; both the
    kit's form and this scaled quadrature stay finite.
    """
    r, alpha, s, beta = 0.55, 10.5, 0.6, 11.6
    # Scale the integrand by its value at t_x so quadrature works on numbers near 1.
    log_peak = -(r + x) * np.log(alpha + tx) - (s + 1) * np.log(beta + tx)

    def scaled(u):
        return np.exp(-(r + x) * np.log(alpha + u) - (s + 1) * np.log(beta + u) - log_peak)

    integral = integrate.quad(scaled, tx, T, epsabs=0, epsrel=1e-12, limit=200)[0]
    log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    log_left = np.log(s) + log_peak + np.log(integral) if integral > 0 else -np.inf
    expected = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + s * np.log(beta)
        + np.logaddexp(log_alive, log_left)
    )
    got = paretonbd.log_likelihood(
        np.array([r, alpha, s, beta]), np.array([x]), np.array([tx]), np.array([T])
    )[0]
    assert np.isfinite(got)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-8)


def test_gammagamma_parameters(cdnow_rfm, cdnow_published):
    """Fader, Hardie & Lee (2005), "RFM and CLV": 946 repeat buyers, p 6.25, q 3.74, v 15.44."""
    model = GammaGamma().fit(cdnow_rfm)
    assert model.n_customers_ == 946
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert model.params_[name] == pytest.approx(value, abs=5e-3)
    assert model.log_likelihood_ == pytest.approx(-4055.92, abs=0.05)
    # The published file rounds zbar to cents, which moves v in the second decimal.
    rounded = cdnow_published.select(
        pl.col("x").alias("frequency"), pl.col("zbar").alias("monetary_value")
    )
    on_rounded = GammaGamma().fit(rounded)
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert on_rounded.params_[name] == pytest.approx(value, abs=1e-2)


def test_mbgnbd_parameters(cdnow_rfm):
    """Batislam et al. (2007), as in BTYDplus: r 0.525, alpha 6.183, a 0.891, b 1.614."""
    model = ModifiedBetaGeo().fit(cdnow_rfm)
    for name, value in {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}.items():
        assert model.params_[name] == pytest.approx(value, abs=5e-3)


@pytest.mark.parametrize(
    "counts, alpha, beta, loglik",
    [
        ([1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182, -1680.27),
        ([1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806, -1611.16),
    ],
)
def test_sbg_parameters(counts, alpha, beta, loglik):
    """Fader & Hardie (2007), "How to project customer retention": regular and high end."""
    model = ShiftedBetaGeo().fit(counts)
    assert model.params_["alpha"] == pytest.approx(alpha, abs=1e-3)
    assert model.params_["beta"] == pytest.approx(beta, abs=1e-3)
    assert model.log_likelihood_ == pytest.approx(loglik, abs=0.01)


def test_sbg_lifetimes_against_brute_force_sums():
    model = ShiftedBetaGeo().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    survival = model.survival(20000)
    d = 0.1
    discount = (1 + d) ** -np.arange(survival.size)
    assert model.discounted_expected_lifetime(d) == pytest.approx(
        (survival * discount).sum(), rel=1e-9
    )
    n = 3  # renewals made; the next payment (period n + 1) counts in full
    residual = (
        survival[n + 1 :] / survival[n] * (1 + d) ** -np.arange(survival.size - n - 1)
    ).sum()
    assert model.discounted_expected_residual_lifetime(d, n) == pytest.approx(residual, rel=1e-6)
    # Observed retention rates rise as in the paper's regular segment: 0.631 ... 0.92
    assert model.retention_rate(7)[0] == pytest.approx(1 - 0.704 / (0.704 + 1.182), abs=1e-3)


def test_bgbb_likelihood_against_numerical_integration():
    """Independent: each term of the BG/BB likelihood integrated over p and theta by quadrature.

    The individual likelihood is p^x (1-p)^(n-x) (1-theta)^n + sum_i p^x (1-p)^(t_x-x+i)
    theta (1-theta)^(t_x+i); p and theta are independent, so each term is a product of two
    one-dimensional integrals against the beta densities.
    """
    from scipy import stats

    from mkt_engineering.ltv.models.bgbb import log_likelihood

    alpha, beta, gamma, delta = 1.2, 0.75, 0.66, 2.78

    def mean_p(f):
        return integrate.quad(lambda p: f(p) * stats.beta.pdf(p, alpha, beta), 0, 1, epsrel=1e-11)[
            0
        ]

    def mean_theta(f):
        return integrate.quad(lambda t: f(t) * stats.beta.pdf(t, gamma, delta), 0, 1, epsrel=1e-11)[
            0
        ]

    for x, tx, n in [(0, 0, 6), (2, 4, 6), (6, 6, 6), (1, 1, 6)]:
        value = mean_p(lambda p, x=x, n=n: p**x * (1 - p) ** (n - x)) * mean_theta(
            lambda t, n=n: (1 - t) ** n
        )
        for i in range(n - tx):
            value += mean_p(lambda p, x=x, k=tx - x + i: p**x * (1 - p) ** k) * mean_theta(
                lambda t, k=tx + i: t * (1 - t) ** k
            )
        got = log_likelihood(
            (alpha, beta, gamma, delta),
            np.array([x], float),
            np.array([tx], float),
            np.array([n], float),
        )
        assert got[0] == pytest.approx(np.log(value), abs=1e-6)


def test_bgbb_probabilities_sum_to_one_and_match_the_mean():
    model = BetaGeoBetaBinom()
    model.log_params_ = np.log([1.2, 0.75, 0.66, 2.78])
    probabilities = model.probability_of_n_purchases(6, np.arange(7))
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    assert (np.arange(7) * probabilities).sum() == pytest.approx(
        model.expected_purchases_new_customer(6), rel=1e-10
    )


@pytest.mark.parametrize("model_class, shift", [(BetaGeo, -1), (ModifiedBetaGeo, 0)])
def test_conditional_expectation_matches_the_textbook_form(model_class, shift):
    """The kit uses Euler's transformation of 2F1 (finite for heavy buyers); for moderate
    frequencies it must equal the textbook expression of FHL (2005) / Batislam et al. (2007)."""
    from scipy.special import hyp2f1

    r, alpha, a, b = 0.3, 5.0, 0.8, 2.5
    model = model_class()
    model.log_params_ = np.log([r, alpha, a, b])
    x, tx, T, t = (
        np.array([0.0, 1, 5, 20]),
        np.array([0.0, 3, 20, 30]),
        np.array([40.0, 40, 40, 31]),
        26.0,
    )
    z = t / (alpha + T + t)
    textbook_growth = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
        r + x, b + x + shift + 1, a + b + x + shift, z
    )
    head = (a + b + x + shift) / (a - 1)
    expected = head * textbook_growth * model.alive_probability(x, tx, T)
    np.testing.assert_allclose(model.conditional_purchases(t, x, tx, T), expected, rtol=1e-10)
