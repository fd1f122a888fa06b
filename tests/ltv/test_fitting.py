"""The fitting machinery: compression, analytic derivatives, the Pareto/NBD quadrature, Newton."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.ltv import BetaGeo, ParetoNBD
from mkt_engineering.ltv.models import bgnbd, paretonbd
from mkt_engineering.ltv.models.base import compress

FRT = ("frequency", "recency", "T")


def _rfm_like(days_per_unit: float, n: int = 3000, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    T = rng.integers(1, 400, n)
    recency = np.where(rng.random(n) < 0.4, 0, rng.integers(0, 400, n) % T)
    return pl.DataFrame(
        {
            "frequency": rng.poisson(2, n).astype(float),
            "recency": recency / days_per_unit,
            "T": T / days_per_unit,
        }
    )


@pytest.mark.parametrize("days_per_unit", [1.0, 7.0, 365.25 / 12, 3.3])
def test_compress_equals_a_group_by(days_per_unit):
    """Whole days per time unit take the counting path, other values the hash path: same result."""
    data = _rfm_like(days_per_unit)
    compressed = compress(data, FRT)
    expected = data.group_by(list(FRT)).agg(pl.len().alias("weight")).sort(list(FRT))
    for column in FRT:
        np.testing.assert_array_equal(compressed.values[column], expected[column].to_numpy())
        levels, index = compressed.levels(column)
        np.testing.assert_array_equal(levels[index], compressed.values[column])
    np.testing.assert_array_equal(compressed.weights, expected["weight"].to_numpy())
    row_pair, pair_x, pair_T = compressed.pairs("frequency", "T")
    x_levels, T_levels = compressed.levels("frequency")[0], compressed.levels("T")[0]
    np.testing.assert_array_equal(x_levels[pair_x][row_pair], compressed.values["frequency"])
    np.testing.assert_array_equal(T_levels[pair_T][row_pair], compressed.values["T"])


@pytest.mark.parametrize(
    "module, params",
    [
        (bgnbd, [0.3, 4.0, 0.7, 2.0]),
        (paretonbd, [0.55, 10.5, 0.6, 11.7]),
        (paretonbd, [0.5, 3.0, 0.8, 0.5]),  # beta < alpha
        (paretonbd, [2.0, 1.0, 0.3, 40.0]),  # beta >> alpha
    ],
)
def test_analytic_gradient_and_hessian_match_differences(module, params, cdnow_rfm):
    data = compress(cdnow_rfm, FRT)
    point = np.log(params)
    value, gradient, hessian = module._terms(point, data, hessian=True)
    x, tx, T = (data.values[c] for c in FRT)
    assert value == pytest.approx(
        -float(data.weights @ module.log_likelihood(np.exp(point), x, tx, T)), rel=1e-12
    )
    step = 1e-5
    numeric_gradient = [
        (module._terms(point + e, data)[0] - module._terms(point - e, data)[0]) / (2 * step)
        for e in np.eye(4) * step
    ]
    numeric_hessian = [
        (module._terms(point + e, data)[1] - module._terms(point - e, data)[1]) / (2 * step)
        for e in np.eye(4) * step
    ]
    np.testing.assert_allclose(
        gradient, numeric_gradient, rtol=1e-6, atol=1e-6 * np.abs(gradient).max()
    )
    np.testing.assert_allclose(
        hessian, numeric_hessian, rtol=1e-6, atol=1e-6 * np.abs(hessian).max()
    )


@pytest.mark.parametrize(
    "params",
    [
        (0.55, 10.5, 0.6, 11.7),
        (0.5, 1.0, 0.5, 100.0),
        (0.5, 100.0, 0.5, 1.0),
        (0.3, 10.0, 1.5, 0.5),
        (5.0, 0.1, 3.0, 0.01),
    ],
)
def test_pareto_quadrature_matches_the_closed_form(params):
    """The fit's integral (quadrature) against the hypergeometric closed form, heavy buyers too."""
    grid = [
        (x, 0.0 if x == 0 else T * share, T)
        for x in (0, 1, 3, 30, 300, 800)
        for share in (0.0, 0.01, 0.3, 0.9, 0.999)
        for T in (1.0, 10.0, 78.0, 1000.0)
    ]
    x, tx, T = (np.array(column) for column in zip(*grid, strict=True))
    quadrature = paretonbd._integral_moments(np.array(params), x, tx, T, second=False)[0]
    _, log_left = paretonbd._log_parts(np.array(params), x, tx, T)
    closed_form = log_left - np.log(params[2])
    finite = np.isfinite(closed_form)
    np.testing.assert_array_equal(np.isfinite(quadrature), finite)
    np.testing.assert_allclose(quadrature[finite], closed_form[finite], rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("model", [BetaGeo, ParetoNBD])
def test_newton_agrees_with_the_quasi_newton_path(model, cdnow_rfm):
    fitted = model().fit(cdnow_rfm)
    assert fitted.convergence_.success and fitted.convergence_.nit < 15
    reference = model()
    data = compress(cdnow_rfm, FRT)
    result = reference._minimise(np.log(reference.initial), data)
    np.testing.assert_allclose(fitted.log_params_, result.x, atol=1e-5)
    assert fitted.log_likelihood_ >= reference._log_likelihood_at(result.x, data) - 1e-6
