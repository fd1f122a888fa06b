"""Postgres sources against a real server started for the tests (marker ``postgres``)."""

from __future__ import annotations

import socket

import polars as pl
import pytest

from mkt_engineering import sources
from mkt_engineering.engines.frames import engine_name
from mkt_engineering.errors import DataValidationError

pytestmark = pytest.mark.postgres

ORDERS = pl.DataFrame(
    {
        "customer_id": ["a", "b", "a"],
        "order_date": pl.Series(["2024-01-02", "2024-02-03", "2024-03-04"]).str.to_date(),
        "revenue": [10.5, 20.0, 30.25],
        "note": ["x", None, "z"],
    }
)


@pytest.fixture(scope="module")
def loaded(postgres_server):
    postgres_server.load("shop.orders", ORDERS)
    postgres_server.load("customers", ORDERS.select("customer_id").unique())
    return postgres_server


def rows(relation) -> pl.DataFrame:
    return pl.from_arrow(relation.arrow()).sort("order_date")


def test_table_streams_into_duckdb_with_password_from_the_environment(loaded, postgres_env):
    relation, source = sources.open_source(f"{loaded.uri}::shop.orders")
    assert engine_name(relation) == "duckdb"
    assert rows(relation).equals(ORDERS)
    assert source.uri == loaded.uri
    assert loaded.password not in source.label


def test_the_copy_goes_with_the_last_relation(loaded, postgres_env):
    import gc

    before = set(sources.scratch_dir().glob("postgres-*.duckdb"))
    relation, _ = sources.open_source(f"{loaded.uri}::shop.orders")
    [copy] = set(sources.scratch_dir().glob("postgres-*.duckdb")) - before
    assert len(relation.fetchall()) == ORDERS.height
    del relation
    gc.collect()
    assert not copy.exists()


def test_only_the_needed_columns_are_transferred(loaded, postgres_env):
    relation, _ = sources.open_source(
        f"{loaded.uri}::shop.orders", columns=["customer_id", "revenue"]
    )
    assert relation.columns == ["customer_id", "revenue"]


def test_first_rows_only_leave_the_server(loaded, postgres_env):
    table, _ = sources.open_source(f"{loaded.uri}::shop.orders", limit=2)
    assert len(table.fetchall()) == 2
    query, _ = sources.open_source(
        f"{loaded.uri}::select revenue from shop.orders order by revenue", limit=1
    )
    assert query.fetchall() == [(10.5,)]


def test_query(loaded, postgres_env):
    relation, source = sources.open_source(
        f"{loaded.uri}::select customer_id, sum(revenue) as revenue from shop.orders group by 1"
    )
    back = pl.from_arrow(relation.arrow()).sort("customer_id")
    assert back["revenue"].to_list() == [40.75, 20.0]
    assert source.query.startswith("select customer_id")


def test_missing_table_lists_the_tables(loaded, postgres_env):
    with pytest.raises(DataValidationError) as caught:
        sources.open_source(f"{loaded.uri}::shop.order")
    message = str(caught.value)
    assert "there is no table shop.order" in message
    assert "customers, shop.orders" in message and "Did you mean shop.orders?" in message


def test_bad_query(loaded, postgres_env):
    with pytest.raises(DataValidationError, match="Postgres refused the query.*revenu"):
        sources.open_source(f"{loaded.uri}::select revenu from shop.orders")


def test_an_error_while_the_rows_stream_is_one_clear_error(loaded, postgres_env):
    # Postgres evaluates the division row by row, after the query was accepted.
    query = "select 1 / (revenue::int - 20) as x from shop.orders"
    with pytest.raises(DataValidationError, match="division by zero"):
        sources.open_source(f"{loaded.uri}::{query}")


def test_missing_column_is_not_called_a_missing_table(loaded, postgres_env):
    with pytest.raises(DataValidationError, match="Postgres refused the query"):
        sources.open_source(f"{loaded.uri}::shop.orders", columns=["customer_id", "margin"])


def test_wrong_password_names_the_server_not_the_secret(loaded, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "wrong-secret-value")
    with pytest.raises(DataValidationError) as caught:
        sources.open_source(f"{loaded.uri}::shop.orders")
    message = str(caught.value)
    assert f"127.0.0.1:{loaded.port}" in message and "PGPASSWORD" in message
    assert "wrong-secret-value" not in message and loaded.password not in message


def test_unreachable_server_names_host_and_port(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "unused-secret")
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "3")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        DataValidationError, match=f"cannot connect to Postgres at 127.0.0.1:{port}"
    ):
        sources.open_source(f"postgresql://me@127.0.0.1:{port}/shop::orders")


@pytest.mark.parametrize(
    ("address", "shown"),
    [("127.0.0.1:notaport", "127.0.0.1:notaport"), ("127.0.0.1:1,127.0.0.1:2", "127.0.0.1:1,")],
)
def test_a_bad_port_or_several_hosts_give_the_kit_error(address, shown, monkeypatch):
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "3")
    with pytest.raises(DataValidationError, match=f"cannot connect to Postgres at {shown}"):
        sources.open_source(f"postgresql://me@{address}/shop::orders")
