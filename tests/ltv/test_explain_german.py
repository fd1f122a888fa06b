"""Every LTV reading is German for language="de": German words, numbers, money and dates.

The English readings are guarded by test_charts_explain.py and the doctests; here each
``explain_*`` of `mkt_engineering.ltv.explain` runs once in German on the CDNOW fit, and
the text must hold no English function word and no English number format.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from mkt_engineering import ltv
from mkt_engineering.ltv import explain

# Whole English words that no German sentence of the kit uses.
ENGLISH = re.compile(
    r"\b(the|and|of|is|are|with|which|customers|orders|purchases|per|that|between)\b"
)
# English number formats: 1,234.56 / 5.0% / 5% without a space / a currency sign in front.
ENGLISH_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+|\d\.\d+ ?%|\d%|€\s?\d")


def english_left(text: str) -> list[str]:
    """The English words and number formats found in `text`."""
    return ENGLISH.findall(text) + ENGLISH_NUMBER.findall(text)


@pytest.fixture(scope="module")
def german_readings(cdnow_orders, cdnow_rfm) -> dict[str, str]:
    """One German reading per explain_* function, from the CDNOW fit."""
    model, spend = ltv.BetaGeo().fit(cdnow_rfm), ltv.GammaGamma().fit(cdnow_rfm)
    pareto = type("ParetoNBD", (), {"params_": {"r": 0.55, "alpha": 10.6, "s": 0.6, "beta": 11.7}})
    clv = ltv.customer_lifetime_value(model, spend, cdnow_rfm, draws=20)
    channels = pl.DataFrame(
        {
            "acquisition_channel": ["search", "display"],
            "ltv_cac": [2.04, 0.5],
            "payback_month": [4, None],
        }
    )
    forecast = ltv.cohort_revenue_forecast(
        model, spend, cdnow_orders, "1998-06-30", acquisition_plan=100
    )
    holdout = {"aggregate_error": 0.25, "mae": 0.61, "actual_purchases": 1882.0,
               "predicted_purchases": 2352.0, "large_error": True}  # fmt: skip
    fit_table = explain.fit_comparison(model, model)
    de = "de"
    return {
        "explain_cohorts": explain.explain_cohorts(
            ltv.cohort_matrix(cdnow_orders, metric="retention"), "retention", de
        ),
        "explain_model": explain.explain_model(model, "week", de)
        + " "
        + explain.explain_model(pareto(), "day", de),
        "explain_spend": explain.explain_spend(spend, ltv.spend_frequency_check(cdnow_rfm), de),
        "explain_holdout": explain.explain_holdout(holdout, de),
        "explain_clv": explain.explain_clv(clv, 12, 0.3, de),
        "explain_new_customer": explain.explain_new_customer(1617.3, 1580.2, 1702.0, 12, de),
        "explain_channels": explain.explain_channels(channels, de)
        + " "
        + explain.explain_channels(channels.head(0), de),
        "explain_forecast": explain.explain_forecast(forecast, de),
        "explain_retention": explain.explain_retention(
            ltv.ShiftedBetaGeo().fit([1000, 631, 468, 382]), de
        ),
        "explain_fit_comparison": explain.explain_fit_comparison(
            fit_table, dt.date(1997, 9, 30), "BG/NBD", de
        ),
        "explain_orders": explain.explain_orders(
            15283, 7381, dt.date(2024, 1, 1), dt.date(2025, 12, 31), 0.312, de
        ),
        "explain_calibration_sample": explain.explain_calibration_sample(
            5282, dt.date(2025, 6, 30), 2099, de
        ),
        "explain_planned_acquisition": explain.explain_planned_acquisition(
            {"search": 1200, "social": 120}, de
        ),
    }


def test_every_explain_function_is_read_in_german(german_readings):
    """A new explain_* must get a German reading (and a line in the fixture above)."""
    names = {name for name in dir(explain) if name.startswith("explain_")}
    assert names == set(german_readings)


@pytest.mark.parametrize(
    "name",
    [
        "explain_cohorts", "explain_model", "explain_spend", "explain_holdout", "explain_clv",
        "explain_new_customer", "explain_channels", "explain_forecast", "explain_retention",
        "explain_fit_comparison", "explain_orders", "explain_calibration_sample",
        "explain_planned_acquisition",
    ],
)  # fmt: skip
def test_german_reading_has_no_english_left(german_readings, name):
    text = german_readings[name]
    assert not english_left(text), f"{name}: English left {english_left(text)} in: {text}"


def test_german_readings_use_german_numbers_money_and_dates(german_readings):
    assert "1.617,30 €" in german_readings["explain_new_customer"]
    assert "Wiederkäufe" in german_readings["explain_holdout"]
    assert "25,0 % mehr" in german_readings["explain_holdout"]
    assert "30.09.1997" in german_readings["explain_fit_comparison"]
    assert "Log-Likelihood" in german_readings["explain_fit_comparison"]
    assert "search bringt 2,0" in german_readings["explain_channels"]
    assert "vom 01.01.2024 bis 31.12.2025" in german_readings["explain_orders"]
    assert "-mal pro Woche" in german_readings["explain_model"]
    assert "je Tag" in german_readings["explain_model"]


def test_english_readings_stay_as_they_were():
    """The German branch leaves the English sentences word for word."""
    assert explain.explain_calibration_sample(5282, dt.date(2025, 6, 30), 2099) == (
        "The model learns from 5,282 customers up to 30 Jun 2025; 2,099 customers first ordered "
        "later and are left out of the test."
    )
    assert explain.explain_planned_acquisition({"search": 120, "social": 1200.0}) == (
        "The forecast above includes the new cohorts of the acquisition plan: search 120 a month, "
        "social 1,200 a month."
    )
    assert explain.explain_new_customer(17.3, 16.82, 17.92, 12, currency="€") == (
        "An average new customer is worth €17.30 in the first 12 months, first order included, "
        "discounted to today (likely between €16.82 and €17.92). Set this against what it costs "
        "to acquire one."
    )
