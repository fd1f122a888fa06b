"""Valuation on distinct customer histories equals the per-customer computation.

The CLV, its interval and the revenue forecast are computed once per distinct (frequency,
recency, T) history (the hypergeometric part once per (frequency, T) pair) and joined back to
customers. The references here take the independent path: each customer's own row through
the model's per-row formulas (``conditional_purchases``, ``expected_spend_of``), one parameter
draw at a time, and numpy's quantile.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.errors import DataValidationError
from mkt_engineering.ltv import BetaGeo, GammaGamma, ModifiedBetaGeo, ParetoNBD, rfm_summary
from mkt_engineering.ltv.clv import (
    customer_lifetime_value,
    distinct_histories,
    distinct_values,
)
from mkt_engineering.ltv.forecast import cohort_revenue_forecast
from mkt_engineering.ltv.settings import DAYS_PER_MONTH

HORIZON, RATE, MARGIN, DRAWS, LEVEL, SEED = 9, 0.08, 0.4, 12, 0.8, 3


@pytest.fixture(scope="module")
def fitted(cdnow_rfm):
    spend = GammaGamma().fit(cdnow_rfm)
    return {
        model.__name__: (model().fit(cdnow_rfm), spend)
        for model in (BetaGeo, ModifiedBetaGeo, ParetoNBD)
    }


def _sample(rfm: pl.DataFrame) -> pl.DataFrame:
    """Customers with shared histories but different spend, one-time buyers and heavy buyers."""
    repeat = rfm.filter(pl.col("frequency") > 0)
    shared = repeat.group_by("frequency", "recency", "T").len().filter(pl.col("len") > 1)
    twins = repeat.join(shared.head(5), on=["frequency", "recency", "T"]).head(10)
    return pl.concat(
        [
            twins.drop("len"),
            rfm.filter(pl.col("frequency") == 0).head(6),
            rfm.sort("frequency", descending=True).head(4),
            rfm.sample(20, seed=1),
        ]
    )


def _one_customer(model, spend_model, row: dict, params=None, spend_params=None) -> float:
    """One customer's CLV from the model's own per-row formulas (the reference path)."""
    one = [np.array([float(row[c])]) for c in ("frequency", "recency", "T")]
    grid = np.arange(HORIZON + 1) * DAYS_PER_MONTH / 7
    cumulative = [0.0] + [model.conditional_purchases(t, *one, params)[0] for t in grid[1:]]
    discount = (1 + RATE) ** (-np.arange(1, HORIZON + 1) / 12)
    purchases = float(np.diff(cumulative) @ discount)
    spend = spend_model.expected_spend_of(one[0], np.array([row["monetary_value"]]), spend_params)
    return MARGIN * purchases * float(spend[0])


@pytest.mark.parametrize("name", ["BetaGeo", "ModifiedBetaGeo", "ParetoNBD"])
def test_values_and_intervals_equal_the_per_customer_computation(fitted, cdnow_rfm, name):
    model, spend_model = fitted[name]
    sample = _sample(cdnow_rfm)
    # All customers valued together (so BG/NBD interpolates in age), a sample checked.
    everyone = customer_lifetime_value(
        model,
        spend_model,
        cdnow_rfm,
        horizon_months=HORIZON,
        discount_rate=RATE,
        margin=MARGIN,
        draws=DRAWS,
        level=LEVEL,
        seed=SEED,
    )
    valued = sample.select("customer_id").join(everyone, on="customer_id", how="left")
    purchase_draws = model.parameter_draws(DRAWS, SEED)
    spend_draws = spend_model.parameter_draws(DRAWS, SEED + 1)
    tail = (1 - LEVEL) / 2
    for row, got in zip(sample.iter_rows(named=True), valued.iter_rows(named=True), strict=True):
        assert got["customer_id"] == row["customer_id"]
        assert got["clv"] == pytest.approx(_one_customer(model, spend_model, row), rel=1e-12)
        under_draws = [
            _one_customer(model, spend_model, row, p, s)
            for p, s in zip(purchase_draws, spend_draws, strict=True)
        ]
        lower, upper = np.quantile(under_draws, [tail, 1 - tail])
        assert got["clv_lower"] == pytest.approx(lower, rel=1e-12)
        assert got["clv_upper"] == pytest.approx(upper, rel=1e-12)


def test_age_interpolation_is_used_and_checked(fitted, cdnow_rfm, monkeypatch):
    """The interval's BG/NBD part is interpolated where a frequency has many ages, and an
    interpolant that misses its check falls back to the direct values (same intervals)."""
    from mkt_engineering.ltv.models import bgnbd, interpolation

    model, spend_model = fitted["BetaGeo"]
    results = []

    def recording(term, ages, shift):
        results.append(interpolation.interpolate_in_log_age(term, ages, shift))
        return results[-1]

    monkeypatch.setattr(bgnbd, "interpolate_in_log_age", recording)
    interpolated = customer_lifetime_value(model, spend_model, cdnow_rfm, draws=DRAWS)
    assert any(result is not None for result in results)
    monkeypatch.setattr(bgnbd, "interpolate_in_log_age", lambda term, ages, shift: None)
    direct = customer_lifetime_value(model, spend_model, cdnow_rfm, draws=DRAWS)
    for column in ("clv_lower", "clv_upper"):
        np.testing.assert_allclose(interpolated[column], direct[column], rtol=1e-12)


def test_shared_histories_keep_their_own_spend_and_interval(fitted, cdnow_rfm):
    """Twins in (frequency, recency, T) share the purchase part, not the spend part."""
    model, spend_model = fitted["BetaGeo"]
    twins = pl.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "frequency": [3.0, 3.0, 3.0],
            "recency": [30.0, 30.0, 30.0],
            "T": [60.0, 60.0, 60.0],
            "monetary_value": [10.0, 50.0, 10.0],
        }
    )
    valued = customer_lifetime_value(model, spend_model, twins, draws=DRAWS)
    assert valued["discounted_purchases"].n_unique() == 1
    assert valued["clv"][1] > valued["clv"][0] == valued["clv"][2]
    assert valued["clv_upper"][1] > valued["clv_upper"][0] == valued["clv_upper"][2]


def test_shuffled_customers_get_their_own_values(fitted, cdnow_rfm):
    """The join back to customers follows each customer, whatever the row order."""
    model, spend_model = fitted["BetaGeo"]
    options = {"horizon_months": HORIZON, "draws": DRAWS, "seed": SEED}
    valued = customer_lifetime_value(model, spend_model, cdnow_rfm, **options)
    shuffled = cdnow_rfm.sample(fraction=1.0, shuffle=True, seed=7)
    again = customer_lifetime_value(model, spend_model, shuffled, **options)
    assert again["customer_id"].to_list() == shuffled["customer_id"].to_list()
    joined = valued.join(again, on="customer_id", suffix="_shuffled")
    assert joined.height == cdnow_rfm.height
    for column in ("discounted_purchases", "expected_spend", "clv", "clv_lower", "clv_upper"):
        np.testing.assert_allclose(joined[f"{column}_shuffled"], joined[column], rtol=1e-12)


def test_blocks_of_customers_do_not_shift_rows(fitted, cdnow_rfm, monkeypatch):
    """Customers go in blocks sorted by history; a block of 7 gives the same intervals."""
    import mkt_engineering.ltv.clv as clv_module

    model, spend_model = fitted["ParetoNBD"]
    sample = _sample(cdnow_rfm)
    whole = customer_lifetime_value(model, spend_model, sample, draws=DRAWS)
    monkeypatch.setattr(clv_module, "VALUES_PER_BLOCK", 7 * DRAWS)
    blocks = customer_lifetime_value(model, spend_model, sample, draws=DRAWS)
    for column in ("clv_lower", "clv_upper"):
        np.testing.assert_allclose(blocks[column], whole[column], rtol=1e-12)


def test_hypergeometric_part_runs_on_distinct_frequency_age_pairs(fitted, cdnow_rfm, monkeypatch):
    """BG/NBD's costly part is evaluated per (frequency, T) pair, not per customer history."""
    model, spend_model = fitted["BetaGeo"]
    evaluated = []
    original = BetaGeo._purchases_if_alive

    def counting(self, t, x, T, params=None):
        evaluated.append(np.size(x))
        return original(self, t, x, T, params)

    monkeypatch.setattr(BetaGeo, "_purchases_if_alive", counting)
    customer_lifetime_value(model, spend_model, cdnow_rfm, horizon_months=HORIZON, draws=0)
    pairs = cdnow_rfm.select("frequency", "T").unique().height
    histories = cdnow_rfm.select("frequency", "recency", "T").unique().height
    assert pairs < histories
    assert evaluated == [pairs] * HORIZON


def test_distinct_histories_number_each_customer(cdnow_rfm):
    x, tx, T = (cdnow_rfm[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    found = distinct_histories(x, tx, T)
    assert found.rows == cdnow_rfm.select("frequency", "recency", "T").unique().height
    np.testing.assert_array_equal(found.x[found.index], x)
    np.testing.assert_array_equal(found.tx[found.index], tx)
    np.testing.assert_array_equal(found.T[found.index], T)
    assert (np.diff(found.index[found.order]) >= 0).all()


def test_interval_quantiles_run_once_per_distinct_history_and_spend(fitted, cdnow_rfm, monkeypatch):
    """Customers with the same history and mean spend (every one-time buyer of an age) share
    one row of draws: the quantiles run on the distinct rows, not on every customer."""
    import mkt_engineering.ltv.clv as clv_module

    model, spend_model = fitted["BetaGeo"]
    rows = []
    original = clv_module.sorted_row_quantiles

    def counting(values, q):
        rows.append(values.shape[0])
        return original(values, q)

    monkeypatch.setattr(clv_module, "sorted_row_quantiles", counting)
    customer_lifetime_value(model, spend_model, cdnow_rfm, draws=DRAWS)
    distinct = cdnow_rfm.select("frequency", "recency", "T", "monetary_value").unique().height
    assert sum(rows) == distinct < cdnow_rfm.height


def test_distinct_values_number_each_customer():
    history = np.array([2, 0, 2, 2, 1, 0])
    spend = np.array([5.0, 0.0, 7.0, 5.0, 3.0, 0.0])
    rows = distinct_values(history, spend)
    assert rows.count == 4
    np.testing.assert_array_equal(rows.history[rows.inverse], history)
    np.testing.assert_array_equal(spend[rows.customer][rows.inverse], spend)
    assert (np.diff(rows.history) >= 0).all()  # sorted by history: blocks are contiguous
    fixed = distinct_values(history, None)  # a fixed value per purchase: the histories
    np.testing.assert_array_equal(fixed.history, [0, 1, 2])


def test_intervals_do_not_depend_on_the_number_of_threads(fitted, cdnow_rfm, monkeypatch):
    from mkt_engineering import numeric

    model, spend_model = fitted["BetaGeo"]
    options = {"draws": DRAWS, "seed": SEED}
    monkeypatch.setattr(numeric, "MAX_THREADS", 4)
    many = customer_lifetime_value(model, spend_model, cdnow_rfm, **options)
    monkeypatch.setattr(numeric, "MAX_THREADS", 1)
    one = customer_lifetime_value(model, spend_model, cdnow_rfm, **options)
    assert many.equals(one)


def test_forecast_per_cohort_equals_the_per_customer_sum(cdnow_orders):
    """Each cohort's month: the sum over its customers of their own expected revenue."""
    end = "1998-06-30"
    rfm = rfm_summary(cdnow_orders, end, keep_first_purchase=True)
    model, spend_model = BetaGeo().fit(rfm), GammaGamma().fit(rfm)
    forecast = cohort_revenue_forecast(model, spend_model, cdnow_orders, end, horizon_months=3)
    weeks = DAYS_PER_MONTH / 7
    x, tx, T = (rfm[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    third_month = model.conditional_purchases(3 * weeks, x, tx, T) - model.conditional_purchases(
        2 * weeks, x, tx, T
    )
    spend = spend_model.expected_spend_of(x, rfm["monetary_value"].to_numpy().astype(float))
    expected = (
        rfm.select(pl.col("first_purchase").dt.truncate("1mo").alias("cohort"))
        .with_columns(pl.Series("revenue", third_month * spend))
        .group_by("cohort")
        .agg(pl.col("revenue").sum())
    )
    got = forecast.filter(pl.col("month") == pl.col("month").max()).join(expected, on="cohort")
    assert got.height == expected.height
    np.testing.assert_allclose(got["expected_revenue"], got["revenue"], rtol=1e-12)


def test_forecast_in_blocks_of_histories_equals_one_block(cdnow_orders, monkeypatch):
    """Blocks of 7 distinct histories (memory stays bounded) give the same forecast."""
    from mkt_engineering.ltv import forecast as forecast_module

    end = "1998-06-30"
    rfm = rfm_summary(cdnow_orders, end, keep_first_purchase=True)
    model, spend_model = BetaGeo().fit(rfm), GammaGamma().fit(rfm)
    whole = cohort_revenue_forecast(model, spend_model, cdnow_orders, end, horizon_months=4)
    monkeypatch.setattr(forecast_module, "FORECAST_BLOCK", 7)
    blocks = cohort_revenue_forecast(model, spend_model, cdnow_orders, end, horizon_months=4)
    assert blocks.select("cohort", "month", "kind").equals(whole.select("cohort", "month", "kind"))
    np.testing.assert_allclose(blocks["expected_revenue"], whole["expected_revenue"], rtol=1e-12)


def test_forecast_reads_a_given_rfm_table_instead_of_the_orders_again(cdnow_orders):
    """A report passes the RFM table it made; the orders are not read a second time."""
    end = "1998-06-30"
    rfm = rfm_summary(cdnow_orders, end, keep_first_purchase=True)
    model, spend_model = BetaGeo().fit(rfm), GammaGamma().fit(rfm)
    made = cohort_revenue_forecast(model, spend_model, cdnow_orders, end, horizon_months=3)
    given = cohort_revenue_forecast(
        model, spend_model, cdnow_orders.head(0), end, horizon_months=3, rfm=rfm
    )
    assert given.equals(made)
    with pytest.raises(DataValidationError, match="first_purchase"):
        cohort_revenue_forecast(
            model, spend_model, cdnow_orders, end, rfm=rfm.drop("first_purchase")
        )


@pytest.mark.parametrize("unit", ["W", "M"])
def test_ages_from_polars_division_are_coded_by_their_day_counts(unit):
    # polars divides by a number as a product with its inverse, one unit in the last place
    # off for a third of the day counts; the codes still come from the whole days, so a
    # weekly table is counted, not hashed and searched, and its levels are days / unit.
    from mkt_engineering.ltv.models.base import level_codes
    from mkt_engineering.ltv.rfm import TIME_UNITS

    days = np.random.default_rng(5).integers(0, 1500, 20_000)
    ages = pl.Series(days).cast(pl.Float64) / TIME_UNITS[unit]
    assert not np.array_equal(ages.to_numpy(), days / TIME_UNITS[unit])  # polars' rounding
    levels, codes = level_codes(ages.to_numpy())
    assert np.array_equal(levels, np.unique(days) / TIME_UNITS[unit])
    assert np.array_equal(codes, np.searchsorted(np.unique(days), days))
    assert np.allclose(levels[codes], ages.to_numpy(), rtol=1e-15, atol=0)


def test_p_alive_by_levels_equals_the_direct_formula_under_draws(fitted, cdnow_rfm):
    # The interval's P(alive) (logarithms once per level, in place) against the model's own
    # alive_probability, draw by draw; one-time buyers are alive for certain.
    model, _ = fitted["BetaGeo"]
    x, tx, T = (cdnow_rfm[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    draws = model.parameter_draws(5, seed=2)
    from mkt_engineering.ltv.models.base import stacked_draws

    together = model._p_alive_by_levels(x, tx, T, stacked_draws(draws))
    assert together.shape == (5, x.size)
    for row, draw in zip(together, draws, strict=True):
        np.testing.assert_allclose(row, model.alive_probability(x, tx, T, draw), rtol=1e-12)
    assert (together[:, x == 0] == 1.0).all()
