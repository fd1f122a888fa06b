"""spark:// sources on a local Spark session (marker ``spark``: make test-engines, needs Java)."""

from __future__ import annotations

import polars as pl
import pytest

from mkt_engineering import sources
from mkt_engineering.engines.frames import engine_name, lazy, to_polars
from mkt_engineering.errors import DataValidationError

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark(spark_session):
    """The run's local Spark session, with a small orders view."""
    frame = pl.DataFrame({"customer_id": ["a", "b", "a"], "revenue": [1.5, 2.0, 3.25]})
    spark_session.createDataFrame(frame.to_arrow()).createOrReplaceTempView("shop_orders")
    return spark_session


def test_table_and_query_of_the_active_session(spark):
    table, source = sources.open_source("spark://shop_orders")
    assert engine_name(table) == "spark" and source.table == "shop_orders"
    back = to_polars(lazy(table)).sort("revenue")
    assert back["revenue"].to_list() == [1.5, 2.0, 3.25]
    query, _ = sources.open_source(
        "spark://select customer_id, sum(revenue) as revenue from shop_orders group by 1"
    )
    assert to_polars(lazy(query)).sort("customer_id")["revenue"].to_list() == [4.75, 2.0]


def test_columns_and_first_rows_only(spark):
    native, _ = sources.open_source("spark://shop_orders", columns=["revenue"], limit=2)
    assert native.columns == ["revenue"] and native.count() == 2


def test_missing_table_and_bad_query_are_one_clear_error(spark):
    with pytest.raises(DataValidationError, match="spark://shop_order: Spark refused it"):
        sources.open_source("spark://shop_order")
    with pytest.raises(DataValidationError, match="Spark refused it"):
        sources.open_source("spark://select revenu from shop_orders")
