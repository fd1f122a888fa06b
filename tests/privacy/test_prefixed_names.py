"""Shop and CRM exports prefix their personal columns (billing_first_name, Shipping Phone,
lead_owner_name); the prefix must not let a name through to a report."""

from __future__ import annotations

import polars as pl
import pytest

from mkt_engineering.io import load_table
from mkt_engineering.privacy import detect_pii

PERSONAL = {
    "billing_first_name": "name",
    "billing_last_name": "name",
    "Shipping Name": "name",
    "Given Name": "name",
    "lead_owner_name": "name",
    "billing_email": "email",
    "Billing Phone": "phone",
}
NOT_PERSONAL = ["campaign_name", "first_touch", "last_touch", "billing_city", "lead_source"]


@pytest.mark.parametrize("column", sorted(PERSONAL))
def test_a_prefixed_personal_column_is_found_by_its_name(column):
    frame = pl.DataFrame({column: ["x"]})  # values that say nothing: the name alone decides
    assert detect_pii(frame) == {column: PERSONAL[column]}


def test_ordinary_columns_with_those_words_are_not_personal():
    frame = pl.DataFrame({column: ["x"] for column in NOT_PERSONAL})
    assert detect_pii(frame) == {}


def test_woocommerce_names_never_reach_the_loaded_orders():
    export = pl.DataFrame(
        {
            "customer_id": ["17", "18"],
            "order_date": ["2025-03-01", "2025-03-02"],
            "revenue": ["19.90", "5.00"],
            "billing_first_name": ["Anna", "Jonas"],
            "billing_last_name": ["Schmidt", "Mustermann"],
        }
    )
    loaded = load_table(export, "orders")
    assert "billing_first_name" not in loaded.frame.columns
    assert "billing_last_name" not in loaded.frame.columns
    assert "Mustermann" not in str(loaded.frame.rows())
