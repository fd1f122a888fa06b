"""Amounts in the lifetime-value texts and charts carry the report's currency, not a fixed €."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mkt_engineering.errors import ParameterError
from mkt_engineering.ltv import charts, explain
from mkt_engineering.text import Currency, currency_for, money

CLV = pl.DataFrame({"customer_id": ["a", "b"], "clv": [1200.0, 300.0]})


@pytest.mark.parametrize(
    ("value", "found", "expected"),
    [
        ("USD", None, Currency("$", "USD", "parameter")),
        ("$", None, Currency("$", "USD", "parameter")),
        ("chf", None, Currency("", "CHF", "parameter")),
        ("", "€", Currency("€", "EUR", "data")),
        ("EUR", "$", Currency("€", "EUR", "parameter")),  # the parameter wins over the data
        ("", None, Currency("", "", "none")),
    ],
)
def test_currency_from_parameter_or_data(value, found, expected):
    assert currency_for(value, found) == expected


def test_a_word_is_no_currency():
    with pytest.raises(ParameterError, match="no currency"):
        currency_for("dollars")


def test_money_writes_symbols_codes_and_nothing():
    assert money(1234.5, currency=currency_for("USD")) == "$1,234.50"
    assert money(1234.5, currency=currency_for("CHF")) == "CHF 1,234.50"
    assert money(1234.5, currency=currency_for("USD"), language="de") == "1.234,50 $"
    assert money(1234.5, currency=currency_for("")) == "1,234.50"


def test_clv_text_and_chart_use_the_given_currency():
    dollars = currency_for("USD")
    text = explain.explain_clv(CLV, 12, 1.0, currency=dollars)
    assert "$750.00" in text and "$1,500" in text and "€" not in text
    spec = charts.clv_distribution(CLV, currency=dollars).to_dict()
    assert "Customer lifetime value (USD)" in str(spec)
    assert "€" not in explain.explain_clv(CLV, 12, 1.0, currency=currency_for(""))


def test_forecast_axis_names_the_currency():
    forecast = pl.DataFrame(
        {
            "month": [dt.date(2026, 1, 1)] * 2,
            "kind": ["existing", "planned"],
            "expected_revenue": [100.0, 50.0],
        }
    )
    assert "Expected revenue (EUR)" in str(
        charts.forecast_chart(forecast, currency=currency_for("€")).to_dict()
    )
    assert "$" in explain.explain_forecast(forecast, currency=currency_for("USD"))


def test_displayed_channel_table_names_the_currency():
    channels = pl.DataFrame({"acquisition_channel": ["search"], "clv": [30.0], "ltv_cac": [2.0]})
    assert explain.with_currency(channels, currency_for("GBP")).columns == [
        "acquisition_channel",
        "clv (GBP)",
        "ltv_cac",
    ]
    assert explain.with_currency(channels, currency_for("")).columns == channels.columns
