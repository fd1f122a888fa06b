"""A Gamma-Gamma fit with q <= 1 has no finite mean spend: refused, never negative values.

E[M | x, m] = p (v + x m) / (p x + q - 1): with p x + q <= 1 (q <= 1 and few purchases,
always for customers without a repeat purchase) the formula turns negative or infinite.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv import BetaGeo, GammaGamma, customer_lifetime_value
from mkt_engineering.ltv.clv import new_customer_value, new_customer_value_interval
from mkt_engineering.ltv.explain import explain_spend
from mkt_engineering.ltv.forecast import cohort_revenue_forecast

RFM = pl.DataFrame(
    {
        "customer_id": ["a", "b", "c"],
        "frequency": [0, 1, 6],
        "recency": [0.0, 4.0, 30.0],
        "T": [40.0, 40.0, 40.0],
        "monetary_value": [0.0, 20.0, 35.0],
        "first_purchase": [date(2024, 1, 1)] * 3,
    }
)


def _models(q: float) -> tuple[BetaGeo, GammaGamma]:
    purchases, spend = BetaGeo(), GammaGamma()
    purchases.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
    purchases.log_covariance_ = np.diag([0.01] * 4)
    spend.log_params_ = np.log([6.25, q, 15.44])
    spend.log_covariance_ = np.diag([0.01] * 3)
    return purchases, spend


def test_expected_spend_is_nan_not_negative_without_a_finite_mean():
    _, spend = _models(0.8)
    values = spend.expected_spend_of(np.array([0.0, 1.0]), np.array([0.0, 20.0]))
    assert np.isnan(values[0])  # p * 0 + 0.8 - 1 < 0: the formula gave -386
    assert values[1] > 0
    intercept, slope = spend.spend_coefficients(np.array([0.0, 1.0]))
    assert np.isnan(intercept[0]) and np.isnan(slope[0]) and intercept[1] > 0


def test_customer_value_refuses_spend_without_a_finite_mean():
    purchases, spend = _models(0.8)
    with pytest.raises(DataValidationError, match=r"for 1 customers: its fitted q is 0.8"):
        customer_lifetime_value(purchases, spend, RFM, draws=0)
    with pytest.raises(DataValidationError, match="no finite expected spend for a new customer"):
        new_customer_value(purchases, spend)
    with pytest.raises(DataValidationError, match="no finite expected spend"):
        cohort_revenue_forecast(purchases, spend, RFM.head(0), "2024-12-31", rfm=RFM)


def test_interval_refuses_draws_without_a_finite_mean():
    """The fit has q > 1 but some draws fall below: the interval is refused, not trimmed."""
    purchases, spend = _models(1.02)
    spend.log_covariance_ = np.diag([0.01, 0.04, 0.01])
    with pytest.raises(DataValidationError, match=r"under \d+ of its 200 parameter draws"):
        customer_lifetime_value(purchases, spend, RFM, draws=200)
    with pytest.raises(DataValidationError, match="parameter draws give no finite value"):
        new_customer_value_interval(purchases, spend, draws=200)


def test_a_well_behaved_fit_is_unchanged():
    purchases, spend = _models(3.74)
    valued = customer_lifetime_value(purchases, spend, RFM, draws=50)
    assert valued["clv_lower"].min() > 0
    assert (valued["clv_lower"] <= valued["clv"]).all()


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_spend_text_says_there_is_no_average_instead_of_infinity(language):
    _, spend = _models(0.8)
    text = explain_spend(spend, None, language)
    assert "inf" not in text.lower() and "∞" not in text
    assert ("no finite average" if language == "en" else "keinen endlichen") in text
