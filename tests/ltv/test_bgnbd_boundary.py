"""BG/NBD at the boundary: a fit whose dropout has no heterogeneity sends a and b to the
hundreds of thousands. The conditional expectation then read 0 * inf = NaN for every
customer, and the report's CLV section crashed on a NaN range."""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from mkt_engineering import ltv

# A fit of this size on 110 customers (a made-up shop export, see the module docstring).
R, ALPHA, A, B = 0.7818, 25.21, 576547.4, 1052674.2


def _hyp2f1_series(a: float, b: float, c: float, z: float, terms: int = 4000) -> float:
    """2F1 by summing its series in log space: independent of scipy's hyp2f1."""
    k = np.arange(terms)
    log_terms = (
        gammaln(a + k) - gammaln(a)
        + gammaln(b + k) - gammaln(b)
        - gammaln(c + k) + gammaln(c)
        - gammaln(k + 1)
        + k * np.log(z)
    )  # fmt: skip
    return float(np.exp(log_terms).sum())


def _expected_by_series(model, t: float, x: float, tx: float, T: float) -> float:
    """Fader, Hardie & Lee (2005), eq. 10, with the series above for 2F1."""
    z = t / (ALPHA + T + t)
    head = (A + B + x - 1) / (A - 1)
    growth = 1 - ((ALPHA + T) / (ALPHA + T + t)) ** (R + x) * _hyp2f1_series(
        R + x, B + x, A + B + x - 1, z
    )
    alive = model.alive_probability(np.array([x]), np.array([tx]), np.array([T]))[0]
    return head * growth * alive


def test_conditional_expectation_is_finite_and_right_at_huge_a_and_b():
    model = ltv.BetaGeo()
    model.log_params_ = np.log([R, ALPHA, A, B])
    customers = [(0.0, 0.0, 30.0), (2.0, 20.0, 40.0), (6.0, 50.0, 52.0)]
    for x, tx, T in customers:
        got = model.conditional_purchases(13.0, np.array([x]), np.array([tx]), np.array([T]))[0]
        assert np.isfinite(got)
        assert np.isclose(got, _expected_by_series(model, 13.0, x, tx, T), rtol=1e-9)


def test_predictions_that_are_not_numbers_are_refused_not_averaged():
    import polars as pl
    import pytest

    from mkt_engineering.errors import DataValidationError
    from mkt_engineering.ltv.clv import discounted_purchases

    class Broken:
        def conditional_purchases(self, t, x, tx, T, params=None):
            return np.where(x > 1, np.nan, 0.1 * t)

    rfm = pl.DataFrame({"frequency": [0.0, 3.0], "recency": [0.0, 9.0], "T": [20.0, 20.0]})
    with pytest.raises(DataValidationError, match="1 of 2 distinct customer histories"):
        discounted_purchases(Broken(), rfm, horizon_months=12, discount_rate=0.1)
