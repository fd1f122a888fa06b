"""Forecast of MQLs from open leads: hand computation and the generator's truth."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture.cure import MixtureCureModel
from mkt_engineering.nurture.predict import expected_qualifications, forecast_open_leads, open_leads
from mkt_engineering.nurture.survival import kaplan_meier


def test_kaplan_meier_conditional_probability_by_hand():
    curve = kaplan_meier([10, 20, 30, 40, 50], [1, 1, 1, 0, 0])
    leads = pl.DataFrame({"lead_id": ["a", "b"], "days_in_nurturing": [15.0, 25.0]})
    forecast = forecast_open_leads(leads, horizon=10, curve=curve)
    # S(15) = 0.8, S(25) = 0.6, S(35) = 0.4: (0.8 - 0.6) / 0.8 and (0.6 - 0.4) / 0.6
    np.testing.assert_allclose(forecast["probability"].to_numpy(), [0.25, 1 / 3])
    total = expected_qualifications(forecast)
    assert total["expected_mqls"].item() == pytest.approx(0.25 + 1 / 3)


def test_cure_forecast_close_to_truth(timeline, truth):
    """True conditional probability from the generator's incidence and Weibull parameters."""
    leads = timeline.filter(pl.col("has_email"))
    model = MixtureCureModel().fit(
        leads,
        duration="days_in_nurturing",
        event="qualified",
        incidence=["persona", "is_customer"],
        latency=["persona", "source"],
    )
    still_open = open_leads(leads)
    forecast = forecast_open_leads(still_open, model=model, horizon=30)
    inc, lat = truth["incidence"], truth["latency"]
    pi = 1 / (
        1
        + np.exp(
            -(
                inc["intercept"]
                + still_open["persona"].replace_strict(inc["persona"]).to_numpy()
                + inc["customer"] * still_open["is_customer"].to_numpy()
            )
        )
    )
    scale = np.exp(
        lat["log_scale_base"]
        + still_open["persona"].replace_strict(lat["log_scale_persona"]).to_numpy()
        + still_open["source"].replace_strict(lat["log_scale_source"]).to_numpy()
    )
    age = still_open["days_in_nurturing"].to_numpy()
    s_now = 1 - pi + pi * np.exp(-((age / scale) ** lat["shape"]))
    s_later = 1 - pi + pi * np.exp(-(((age + 30) / scale) ** lat["shape"]))
    expected = ((s_now - s_later) / s_now).sum()
    ours = forecast["probability"].sum()
    assert ours == pytest.approx(expected, rel=0.2)


def test_needs_exactly_one_source():
    with pytest.raises(DataValidationError, match="either"):
        forecast_open_leads(pl.DataFrame({"days_in_nurturing": [1.0]}))


def test_win_forecast_uses_the_won_clock(timeline):
    model = MixtureCureModel().fit(timeline, duration="days_to_won_or_end", event="won")
    still_open = open_leads(timeline, target="won")
    assert still_open.filter(pl.col("won") == 1).is_empty()
    forecast = forecast_open_leads(still_open, model=model, horizon=30, age="days_to_won_or_end")
    # by hand: population survival of the fitted model, conditional on the lead's age
    pi, scale, k = (
        model.probability_ever(still_open)[0],
        model.latency_scale(still_open)[0],
        model.shape_,
    )
    s = still_open["days_to_won_or_end"].to_numpy()
    by_hand = (pi * (np.exp(-((s / scale) ** k)) - np.exp(-(((s + 30) / scale) ** k)))) / (
        1 - pi + pi * np.exp(-((s / scale) ** k))
    )
    np.testing.assert_allclose(forecast["probability"].to_numpy(), by_hand, rtol=1e-9, atol=1e-12)
    with pytest.raises(DataValidationError, match="Unknown target"):
        open_leads(timeline, target="opportunity")
