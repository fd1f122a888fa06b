"""Recovery: simulate from each model with known parameters, fit, find them again."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.ltv import BetaGeoBetaBinom, GammaGamma, ParetoNBD, ShiftedBetaGeo


def test_paretonbd_recovers_its_parameters():
    rng = np.random.default_rng(11)
    n, r, alpha, s, beta = 10_000, 0.55, 10.5, 0.6, 11.7
    lam, mu = rng.gamma(r, 1 / alpha, n), rng.gamma(s, 1 / beta, n)
    T = rng.integers(7, 78 * 7, n) / 7
    active = np.minimum(rng.exponential(1 / mu), T)
    x = rng.poisson(lam * active)
    recency = np.where(x > 0, active * rng.beta(np.maximum(x, 1), 1), 0.0)
    model = ParetoNBD().fit(pl.DataFrame({"frequency": x, "recency": recency, "T": T}))
    assert model.params_["r"] == pytest.approx(r, rel=0.1)
    assert model.params_["alpha"] == pytest.approx(alpha, rel=0.15)
    # s and beta are weakly identified (flat likelihood); their ratio, the mean dropout rate,
    # is not.
    assert model.params_["s"] / model.params_["beta"] == pytest.approx(s / beta, rel=0.25)
    truth_inside = model.summary().filter(pl.col("parameter") == "r")
    assert truth_inside["lower_95"].item() < r < truth_inside["upper_95"].item()


def test_bgbb_recovers_its_parameters():
    rng = np.random.default_rng(1)
    n, opportunities = 20_000, 6
    alpha, beta, gamma, delta = 1.2, 0.75, 0.66, 2.78
    p, theta = rng.beta(alpha, beta, n), rng.beta(gamma, delta, n)
    alive, x, recency = np.ones(n, bool), np.zeros(n), np.zeros(n)
    for t in range(1, opportunities + 1):  # a loop over 6 periods, vectorised over customers
        alive &= rng.random(n) > theta
        bought = alive & (rng.random(n) < p)
        x += bought
        recency = np.where(bought, t, recency)
    data = pl.DataFrame(
        {"frequency": x, "recency": recency, "n_periods": np.full(n, opportunities)}
    )
    model = BetaGeoBetaBinom().fit(data)
    assert model.n_unique_rows_ == 22  # all (x, t_x) patterns for n = 6
    for name, value in {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta}.items():
        assert model.params_[name] == pytest.approx(value, rel=0.2)
    counts = np.bincount(x.astype(int), minlength=7) / n
    np.testing.assert_allclose(model.probability_of_n_purchases(6, np.arange(7)), counts, atol=0.01)


def test_sbg_recovers_its_parameters():
    rng = np.random.default_rng(5)
    theta = rng.beta(0.7, 1.2, 50_000)
    lifetime = rng.geometric(theta)  # periods until churn, >= 1
    survivors = [int((lifetime > t).sum()) for t in range(8)]
    model = ShiftedBetaGeo().fit(survivors)
    assert model.params_["alpha"] == pytest.approx(0.7, rel=0.1)
    assert model.params_["beta"] == pytest.approx(1.2, rel=0.1)


def test_gammagamma_recovers_its_parameters():
    rng = np.random.default_rng(9)
    n, p, q, v = 5_000, 6.0, 4.0, 15.0
    nu = rng.gamma(q, 1 / v, n)
    x = rng.integers(1, 10, n)
    spend = rng.gamma(p * x, 1 / nu) / x  # the mean of x Gamma(p, nu) orders
    model = GammaGamma().fit(pl.DataFrame({"frequency": x, "monetary_value": spend}))
    assert model.population_mean_spend() == pytest.approx(p * v / (q - 1), rel=0.08)
    assert model.params_["p"] == pytest.approx(p, rel=0.15)
