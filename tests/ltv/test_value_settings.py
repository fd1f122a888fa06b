"""ValueSettings: the horizon, discount rate, margin and time unit of every valuation, checked
once; the one date reader; predictions that are not numbers counted per customer history."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from mkt_engineering.errors import DataValidationError, ParameterError
from mkt_engineering.ltv import BetaGeo, ValueSettings, new_customer_value, rfm_summary
from mkt_engineering.ltv.clv import (
    customer_lifetime_value,
    discounted_purchases,
    distinct_histories,
    history_purchases,
)
from mkt_engineering.ltv.forecast import channel_value

MODEL = BetaGeo()
MODEL.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
MODEL.log_covariance_ = np.diag(np.full(4, 1e-4))
RFM = pl.DataFrame({"frequency": [0, 3, 1], "recency": [0.0, 20.0, 5.0], "T": [30.0, 30.0, 12.0]})


@pytest.mark.parametrize(
    "values, named",
    [
        ({"horizon_months": 0}, "horizon_months"),
        ({"horizon_months": 2.5}, "horizon_months"),
        ({"discount_rate": float("nan")}, "discount_rate"),
        ({"discount_rate": -1.0}, "discount_rate"),
        ({"margin": float("nan")}, "margin"),
        ({"margin": 0.0}, "margin"),
        ({"margin": 30}, "margin"),
        ({"time_unit": "weeks"}, "time_unit"),
    ],
)
def test_settings_out_of_range_are_refused_naming_the_parameter(values, named):
    with pytest.raises(ParameterError, match=f"'{named}'"):
        ValueSettings(**values)


def test_a_nan_margin_or_rate_is_refused_not_turned_into_nan_values():
    """Before the settings, new_customer_value returned NaN values for a NaN margin or rate."""
    with pytest.raises(ParameterError, match="'margin'"):
        new_customer_value(MODEL, 25.0, margin=float("nan"))
    with pytest.raises(ParameterError, match="'discount_rate'"):
        new_customer_value(MODEL, 25.0, discount_rate=float("nan"))


def test_settings_and_keywords_value_alike():
    chosen = ValueSettings(horizon_months=9, discount_rate=0.08, margin=0.4, time_unit="W")
    by_settings = customer_lifetime_value(MODEL, 25.0, RFM, chosen, draws=0)
    by_keywords = customer_lifetime_value(
        MODEL, 25.0, RFM, horizon_months=9, discount_rate=0.08, margin=0.4, draws=0
    )
    assert by_settings.equals(by_keywords)
    # a keyword replaces the settings' value
    shorter = customer_lifetime_value(MODEL, 25.0, RFM, chosen, horizon_months=3, draws=0)
    assert shorter["clv"].sum() < by_settings["clv"].sum()
    with pytest.raises(ParameterError, match="ValueSettings"):
        customer_lifetime_value(MODEL, 25.0, RFM, 12, draws=0)


def test_the_discount_compounds_monthly_to_the_yearly_rate():
    factors = ValueSettings(horizon_months=24, discount_rate=0.10).discount_factors()
    assert factors[11] == pytest.approx(1 / 1.10, rel=1e-12)
    assert factors[23] == pytest.approx(1 / 1.10**2, rel=1e-12)


def test_channel_value_takes_the_settings_whole(cdnow_orders):
    """One settings object for the report; the same table as the four values by name."""
    orders = cdnow_orders.with_columns(
        pl.when(pl.col("customer_id") % 2 == 0)
        .then(pl.lit("search"))
        .otherwise(pl.lit("social"))
        .alias("acquisition_channel")
    )
    fitted = BetaGeo().fit(rfm_summary(orders, "1998-06-30"))
    from mkt_engineering.ltv import GammaGamma

    pooled = (fitted, GammaGamma().fit(rfm_summary(orders, "1998-06-30")))
    chosen = ValueSettings(horizon_months=6, discount_rate=0.05, margin=0.3)
    cac = {"search": 10.0, "social": 12.0}
    options = {"cac": cac, "min_customers": 10**9, "pooled": pooled}
    whole = channel_value(orders, "1998-06-30", chosen, **options)
    named = channel_value(
        orders, "1998-06-30", horizon_months=6, discount_rate=0.05, margin=0.3, **options
    )
    assert whole.equals(named)


def test_dates_are_read_in_one_place_and_text_after_a_date_is_refused():
    orders = pl.DataFrame(
        {"customer_id": [1, 1], "order_date": [date(2024, 1, 1)] * 2, "revenue": [5.0, 6.0]}
    )
    assert rfm_summary(orders, "2024-01-29 18:00").equals(rfm_summary(orders, date(2024, 1, 29)))
    # "2024-01-29junk" was read as 29 January (the first ten characters)
    with pytest.raises(DataValidationError, match="observation_end"):
        rfm_summary(orders, "2024-01-29junk")


class _NotANumberForHeavyBuyers:
    def conditional_purchases(self, t, x, tx, T, params=None):
        return np.where(x > 1, np.nan, 0.1 * t)


def test_predictions_per_month_that_are_not_numbers_count_histories_not_months():
    """The revenue forecast values histories per month (histories x months); the refusal
    counted months (12 of 12) instead of the one history of three."""
    found = distinct_histories(
        *(RFM[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    )
    grid = ValueSettings(horizon_months=12).month_grid()
    with pytest.raises(DataValidationError, match="for 1 of 3 distinct customer histories"):
        history_purchases(_NotANumberForHeavyBuyers(), found, grid, None)


def test_discounted_purchases_under_draws_give_each_customer_per_draw():
    draws = MODEL.parameter_draws(4, seed=1)
    together = discounted_purchases(MODEL, RFM, params=draws)
    assert together.shape == (4, RFM.height)
    alone = [discounted_purchases(MODEL, RFM, params=draw) for draw in draws]
    np.testing.assert_allclose(together, np.stack(alone), rtol=1e-12)


def test_model_input_that_is_not_a_count_or_age_is_refused_naming_the_rows():
    """errors.require_columns checks the values too (nonnegative=True), lazy input included."""
    bad = pl.LazyFrame(
        {"frequency": [0, 1, 2], "recency": [0.0, float("nan"), -3.0], "T": [5.0, 6.0, 7.0]}
    )
    with pytest.raises(DataValidationError, match="2 row") as error:
        BetaGeo().fit(bad)
    assert (error.value.column, error.value.rows) == ("recency", [2, 3])
