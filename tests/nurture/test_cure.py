"""Mixture cure model against the generator's truth and a simulation with known parameters."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import optimize

from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture.cure import MixtureCureModel


def _simulate(seed=1, n=4000, share=0.35, shape=1.3, scale=25.0):
    rng = np.random.default_rng(seed)
    ready = rng.random(n) < share
    days = np.where(ready, scale * rng.weibull(shape, n), np.inf)
    censor = rng.uniform(30, 300, n)
    return pl.DataFrame({"days": np.minimum(days, censor), "mql": (days <= censor).astype(int)})


def test_recovers_simulated_parameters():
    frame = _simulate()
    model = MixtureCureModel().fit(frame, duration="days", event="mql")
    summary = model.summary()
    truth = {"intercept": np.log(0.35 / 0.65), "latency": np.log(25.0), "log_shape": np.log(1.3)}
    estimates = summary["estimate"].to_list()
    for estimate, se, expected in zip(estimates, summary["se"], truth.values(), strict=True):
        assert abs(estimate - expected) < 3 * se
    assert model.cure_fraction_ == pytest.approx(0.65, abs=0.03)
    assert model.median_latency() == pytest.approx(25.0 * np.log(2) ** (1 / 1.3), rel=0.08)


def test_gradient_is_analytic_and_right():
    frame = _simulate(n=500).with_columns(group=pl.Series(np.arange(500) % 2).cast(pl.String))
    model = MixtureCureModel().fit(
        frame, duration="days", event="mql", incidence=["group"], latency=["group"]
    )
    theta = model._theta + 0.05
    error = optimize.check_grad(
        lambda t: model._negative_log_likelihood(t)[0],
        lambda t: model._negative_log_likelihood(t)[1],
        theta,
    )
    assert error < 1e-3 * max(1.0, np.abs(model._negative_log_likelihood(theta)[1]).max())


def test_synthetic_leads_cure_fraction_and_effects(timeline, truth):
    """Generator truth: incidence logit = 0.4 + persona + 0.6 customer; Weibull shape 1.4."""
    with_email = timeline.filter(pl.col("has_email"))
    model = MixtureCureModel().fit(
        with_email,
        duration="days_in_nurturing",
        event="qualified",
        incidence=["persona", "is_customer"],
        latency=["persona", "source"],
    )
    assert model.converged_
    summary = model.summary()
    assert model.cure_fraction_ == pytest.approx(truth["cure_fraction"], abs=0.04)
    shape = summary.filter(pl.col("term") == "log_shape")
    assert shape["ci_low"].item() < np.log(truth["latency"]["shape"]) < shape["ci_high"].item()
    # the reference persona is the first alphabetically (cfo): compare contrasts to it
    persona = truth["incidence"]["persona"]
    for name in ("developer", "it_manager", "procurement"):
        row = summary.filter(pl.col("part") == "incidence", pl.col("term") == f"persona={name}")
        assert (
            row["ci_low"].item() - 0.05
            < persona[name] - persona["cfo"]
            < row["ci_high"].item() + 0.05
        )
    customer = summary.filter(pl.col("part") == "incidence", pl.col("term") == "is_customer")
    assert customer["ci_low"].item() < truth["incidence"]["customer"] < customer["ci_high"].item()
    source = truth["latency"]["log_scale_source"]
    webinar = summary.filter(pl.col("part") == "latency", pl.col("term") == "source=webinar")
    assert (
        webinar["ci_low"].item()
        < source["webinar"] - source["referral"]
        < webinar["ci_high"].item()
    )


def test_population_survival_flattens_at_cure_fraction():
    model = MixtureCureModel().fit(_simulate(), duration="days", event="mql")
    tail = model.population_survival([10_000.0])[0]
    assert tail == pytest.approx(model.cure_fraction_, abs=1e-9)


def test_too_few_events_is_a_clear_error():
    frame = pl.DataFrame({"days": [1.0, 2.0, 3.0], "mql": [0, 1, 0]})
    with pytest.raises(DataValidationError, match="needs more"):
        MixtureCureModel().fit(frame, duration="days", event="mql")


def test_likelihood_per_branch_equals_both_branches_picked_per_lead():
    """Each lead evaluated in its own branch only gives the very same bits as evaluating
    both branches for every lead and picking one (the textbook form, written out here)."""
    rng = np.random.default_rng(3)
    n = 500
    frame = pl.DataFrame(
        {
            "days": rng.exponential(30, n),
            "mql": (rng.random(n) < 0.4).astype(int),
            "persona": rng.choice(["cfo", "developer", "marketing"], n),
        }
    )
    model = MixtureCureModel().fit(
        frame, duration="days", event="mql", incidence=["persona"], latency=["persona"]
    )
    theta = model._theta + rng.normal(0, 0.1, model._theta.size)
    x, z, t, d = model._x, model._z, model._t, model._d
    p = x.shape[1]
    beta, gamma, rho = theta[:p], theta[p:-1], theta[-1]
    pi = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
    k = np.exp(rho)
    log_ratio = np.log(t) - z @ gamma
    u = np.exp(np.clip(k * log_ratio, -50, 50))
    surv = np.exp(-u)
    censored_lik = 1.0 - pi + pi * surv
    event = d > 0
    ll = np.where(event, np.log(pi) + (rho - np.log(t) + k * log_ratio - u), np.log(censored_lik))
    g_eta = np.where(event, 1.0 - pi, pi * (1.0 - pi) * (surv - 1.0) / censored_lik)
    g_scale = np.where(event, k * (u - 1.0), pi * surv * k * u / censored_lik)
    g_rho = np.where(
        event, 1.0 + k * log_ratio * (1.0 - u), -pi * surv * u * k * log_ratio / censored_lik
    )
    value, gradient = model._negative_log_likelihood(theta)
    assert value == -ll.sum()
    np.testing.assert_array_equal(gradient, -np.r_[x.T @ g_eta, z.T @ g_scale, g_rho.sum()])
