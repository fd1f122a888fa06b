"""Source texts: the forms that parse, and the ones refused with the fix."""

from __future__ import annotations

import pytest

from mkt_engineering.errors import ParameterError
from mkt_engineering.sources import (
    MEMORY_ENV,
    Source,
    check_memory,
    is_source_uri,
    memory_limit,
    parse_source,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "duckdb:///data/shop.duckdb::orders",
            Source("duckdb", "duckdb:///data/shop.duckdb", "orders", None),
        ),
        (
            "duckdb://shop.duckdb::SELECT * FROM orders WHERE revenue > 0",
            Source(
                "duckdb", "duckdb://shop.duckdb", None, "SELECT * FROM orders WHERE revenue > 0"
            ),
        ),
        (
            "postgresql://me@db.example:5433/shop::public.orders",
            Source("postgresql", "postgresql://me@db.example:5433/shop", "public.orders", None),
        ),
        (
            "postgres://me@db/shop?sslmode=require:: with x as (select 1) select * from x",
            Source(
                "postgresql",
                "postgresql://me@db/shop?sslmode=require",
                None,
                "with x as (select 1) select * from x",
            ),
        ),
        ("spark://sales.orders", Source("spark", "spark://", "sales.orders", None)),
        ("spark://select * from t", Source("spark", "spark://", None, "select * from t")),
        ("data/orders/*.parquet", Source("files", "data/orders/*.parquet")),
        ("data/orders/", Source("files", "data/orders/")),
    ],
)
def test_forms_parse(text, expected):
    assert parse_source(text) == expected


@pytest.mark.parametrize("name", ["selected_orders", "withdrawals", "from_crm", "values2024"])
def test_a_table_named_like_a_query_word_is_a_table(name):
    assert parse_source(f"duckdb://a.duckdb::{name}").table == name
    assert parse_source(f"spark://sales.{name}").table == f"sales.{name}"
    assert parse_source(f"spark://{name}").table == name


def test_label_is_the_whole_source_without_secrets():
    assert parse_source("duckdb://a.duckdb::orders").label == "duckdb://a.duckdb::orders"
    assert parse_source("spark://db.t").label == "spark://db.t"


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://me:s3cret-pw@db:5432/shop::orders",
        "postgres://me:s3cret-pw@db/shop::select 1",
        "postgresql://me@db/shop?password=s3cret-pw&sslmode=require::orders",
    ],
)
def test_password_in_the_text_is_refused_without_repeating_it(text):
    with pytest.raises(ParameterError) as caught:
        parse_source(text)
    message = str(caught.value)
    assert "s3cret-pw" not in message
    assert "PGPASSWORD or ~/.pgpass" in message
    assert "postgresql://me@db" in message


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("mysql://db/shop::orders", "unknown kind of source"),
        ("duckdb:///data/shop.duckdb", "no table or query"),
        ("postgresql://me@db/shop::  ", "no table or query"),
        ("spark://", "no table or query"),
        ("data/orders/*.json", "must end in .parquet or .csv"),
        ("data/orders.csv", "a single file is read as a file"),
    ],
)
def test_refusals_name_the_fix(text, needle):
    with pytest.raises(ParameterError, match=needle):
        parse_source(text)


def test_is_source_uri(tmp_path):
    assert is_source_uri("duckdb:///x.duckdb::t")
    assert is_source_uri("postgres://me@h/db::t")
    assert is_source_uri("unknown://x")  # so that the user gets the source error
    assert is_source_uri("orders/*.parquet") and is_source_uri("orders/**/*.CSV")
    assert is_source_uri(tmp_path) and is_source_uri("not/there/yet/")
    assert is_source_uri("orders/*.json")  # so that parse_source names the fix
    odd = tmp_path / "orders[2024].csv"  # a file named like a glob stays a file
    odd.write_text("a\n1\n")
    assert not is_source_uri(odd) and is_source_uri(tmp_path / "orders[0-9].csv")
    assert not is_source_uri("orders.csv")
    assert not is_source_uri(tmp_path / "orders.parquet")
    assert not is_source_uri(None) and not is_source_uri(3)


@pytest.mark.parametrize(
    ("value", "normalised"),
    [("4GB", "4GB"), (" 512 mb ", "512MB"), ("1TB", "1TB"), ("2gib", "2GiB"), ("1.5GB", "1.5GB")],
)
def test_memory_values(value, normalised):
    assert check_memory(value) == normalised


@pytest.mark.parametrize("value", ["4", "4 GBs", "100MB", "2TB", "-1GB", "lots", ""])
def test_memory_values_refused(value):
    with pytest.raises(ParameterError, match="between 512MB and 1TB"):
        check_memory(value)


def test_memory_limit_reads_the_environment(monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert memory_limit() is None
    monkeypatch.setenv(MEMORY_ENV, "6gb")
    assert memory_limit() == "6GB"
    monkeypatch.setenv(MEMORY_ENV, "6")
    with pytest.raises(ParameterError):
        memory_limit()


def test_the_postgres_fixture_skips_with_the_reason_without_server_binaries(monkeypatch):
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).with_name("postgres_server.py")
    spec = importlib.util.spec_from_file_location("postgres_server_probe", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "postgres_server_probe", module)  # for its dataclass
    spec.loader.exec_module(module)
    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    monkeypatch.setattr(module.glob, "glob", lambda pattern: [])
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL server binaries"):
        module.binaries_or_skip()
