"""The array form of the Efron partial likelihood against statsmodels' PHReg loop."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from statsmodels.duration.hazard_regression import PHReg

from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture.cox import CoxModel
from mkt_engineering.nurture.efron import EfronPartialLikelihood


@pytest.fixture(scope="module")
def tied_leads():
    """Whole days (many ties), censoring before the first event, a text and a number covariate."""
    rng = np.random.default_rng(7)
    n = 3000
    persona = rng.choice(["cfo", "developer", "marketing"], n)
    score = rng.normal(50, 10, n)
    speed = np.exp(0.4 * (persona == "cfo") - 0.02 * (score - 50))
    days = np.ceil(rng.exponential(20, n) / speed)
    qualified = (rng.random(n) < 0.55).astype(np.int8)
    days[:5], qualified[:5] = 0.5, 0  # censored before any lead qualified: in no risk set
    return pl.DataFrame({"days": days, "qualified": qualified, "persona": persona, "score": score})


def test_fit_matches_statsmodels_on_tied_days(tied_leads):
    model = CoxModel().fit(
        tied_leads, duration="days", event="qualified", covariates=["persona", "score"]
    )
    exog = model._exog
    reference = PHReg(
        tied_leads["days"].to_numpy(), exog, status=tied_leads["qualified"].to_numpy(), ties="efron"
    ).fit(disp=False)
    np.testing.assert_allclose(model.params_, reference.params, rtol=1e-9)
    np.testing.assert_allclose(model.standard_errors_, reference.bse, rtol=1e-9)
    assert model.log_likelihood_ == pytest.approx(reference.llf, rel=1e-12)
    ours = model._efron.schoenfeld_residuals(model.params_)
    theirs = np.asarray(reference.schoenfeld_residuals)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def test_tied_events_share_the_risk_set_as_efron_says():
    """Times 1, 2, 2, 3 (3 censored), one covariate x = 0, 0, 1, 1, worked by hand.

    Efron takes half of the tied pair's weight out of the second term of day 2.
    """
    time, status = np.array([1.0, 2, 2, 3]), np.array([1, 1, 1, 0])
    exog = np.array([[0.0], [0], [1], [1]])
    likelihood = EfronPartialLikelihood(time, status, exog)
    assert likelihood.loglike(np.zeros(1)) == pytest.approx(
        -np.log(4) - np.log(3) - np.log(2), rel=1e-14
    )
    # weights 1, 1, 2, 2; day 1: 6; day 2: risk set 1 + 2 + 2 = 5, tied events 1 + 2 = 3,
    # Efron: log 5 + log(5 - 3/2); events contribute 0 + 0 + log 2 to the linear part
    expected = np.log(2) - np.log(6) - np.log(5) - np.log(5 - 1.5)
    assert likelihood.loglike(np.array([np.log(2)])) == pytest.approx(expected, rel=1e-14)


def test_gradient_and_hessian_are_the_derivatives_of_the_likelihood(tied_leads):
    exog = np.column_stack([tied_leads["persona"] == "cfo", tied_leads["score"] / 10])
    likelihood = EfronPartialLikelihood(
        tied_leads["days"].to_numpy(), tied_leads["qualified"].to_numpy(), exog.astype(float)
    )
    params, step = np.array([0.3, -0.1]), 1e-5
    numeric = [
        (likelihood.loglike(params + step * e) - likelihood.loglike(params - step * e)) / 2 / step
        for e in np.eye(2)
    ]
    np.testing.assert_allclose(likelihood.gradient(params), numeric, rtol=1e-6)
    numeric_hessian = [
        (likelihood.gradient(params + step * e) - likelihood.gradient(params - step * e)) / 2 / step
        for e in np.eye(2)
    ]
    np.testing.assert_allclose(likelihood.hessian(params), numeric_hessian, rtol=1e-6)


def test_missing_duration_is_refused_with_its_row():
    frame = pl.DataFrame(
        {"days": [1.0, None, 3.0, 4.0], "qualified": [1, 1, 0, 1], "x": [0, 1, 1, 0]}
    )
    with pytest.raises(DataValidationError, match=r"'days'.*rows 2") as caught:
        CoxModel().fit(frame, duration="days", event="qualified", covariates=["x"])
    assert caught.value.rows == [2]


def test_no_event_is_refused():
    frame = pl.DataFrame({"days": [1.0, 2.0], "qualified": [0, 0], "x": [0, 1]})
    with pytest.raises(DataValidationError, match="No row has an event"):
        CoxModel().fit(frame, duration="days", event="qualified", covariates=["x"])
