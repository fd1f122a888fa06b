"""The shared missing-column check every analysis uses."""

import polars as pl
import pytest

from mkt_engineering.errors import DataValidationError, require_columns


def test_missing_columns_are_named_with_what_is_there_and_the_fix():
    frame = pl.LazyFrame({"Kunden_ID": ["a"], "revenue": [1.0]})
    with pytest.raises(DataValidationError) as caught:
        require_columns(
            frame, ["customer_id", "revenue", "order_date"], source="orders", fix="Map them."
        )
    error = caught.value
    assert error.column == "customer_id" and error.source == "orders" and error.fix == "Map them."
    assert "customer_id, order_date" in str(error) and "found Kunden_ID, revenue" in str(error)


def test_present_columns_pass_and_are_returned():
    assert require_columns(pl.DataFrame({"a": [1], "b": [2]}), ["b"], source="x", fix="-") == [
        "a",
        "b",
    ]
