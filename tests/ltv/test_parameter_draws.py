"""Parameter draws for intervals: valid covariances draw as before, invalid ones are repaired."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

from mkt_engineering.ltv import GammaGamma


@pytest.fixture()
def fitted() -> GammaGamma:
    rng = np.random.default_rng(3)
    frequency = rng.integers(1, 6, 400)
    spend = rng.gamma(6.0, 1.0, 400) / rng.gamma(4.0, 1 / 15.0, 400)
    return GammaGamma().fit(pl.DataFrame({"frequency": frequency, "monetary_value": spend}))


def test_a_valid_covariance_draws_exactly_what_numpy_draws(fitted):
    expected = np.exp(
        np.random.default_rng(5).multivariate_normal(
            fitted.log_params_, fitted.log_covariance_, size=50, method="eigh"
        )
    )
    assert np.array_equal(fitted.parameter_draws(50, seed=5), expected)


def test_an_invalid_covariance_is_repaired_without_a_warning_in_the_report(fitted):
    # An inverse Hessian at the edge of the parameter space: one eigenvalue below zero.
    fitted.log_covariance_ = np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "not positive-semidefinite" warning fails
        drawn = np.log(fitted.parameter_draws(200, seed=1)) - fitted.log_params_
    # Clipped to its valid part [[1.5, 1.5], [1.5, 1.5]]: the first two move together.
    np.testing.assert_allclose(drawn[:, 0], drawn[:, 1], atol=1e-9)
    assert np.allclose(drawn[:, 2], 0.0) and drawn[:, 0].std() > 0.5
