"""Row quantiles equal numpy's nanquantile along rows (its linear method), NaN left out."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mkt_engineering.numeric import row_quantiles, sorted_row_quantiles

cells = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), st.just(float("nan"))
)


@settings(deadline=None, max_examples=200)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 12)), elements=cells),
    st.floats(0.0, 1.0),
)
def test_row_quantiles_equal_numpy_nanquantile(values, q):
    expected = np.array(
        [np.nanquantile(row, q) if (~np.isnan(row)).any() else np.nan for row in values]
    )
    np.testing.assert_allclose(row_quantiles(values, q), expected, rtol=1e-12, atol=1e-9)


def test_a_clv_sized_block_without_a_python_loop():
    rng = np.random.default_rng(3)
    values = rng.gamma(2.0, 10.0, size=(250_000, 50))
    values[rng.random(values.shape) < 0.01] = np.nan
    np.testing.assert_allclose(
        row_quantiles(values[:2000], 0.05), np.nanquantile(values[:2000], 0.05, axis=1), rtol=1e-12
    )
    assert np.isfinite(row_quantiles(values, 0.95)).all()


@settings(deadline=None, max_examples=200)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 12)), elements=cells),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)
def test_quantiles_of_rows_sorted_in_place_equal_numpy(values, low, high):
    # All finite: read at one position for every row; with a NaN: the counting path.
    expected = np.array(
        [
            np.nanquantile(row, [low, high]) if (~np.isnan(row)).any() else [np.nan] * 2
            for row in values
        ]
    ).T
    scratch = values.copy()
    got = sorted_row_quantiles(scratch, [low, high])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(got, row_quantiles(values, [low, high]))  # the same reading
