"""DuckDB files and Parquet/CSV folders: lazy relations, read-only, clear errors, memory cap."""

from __future__ import annotations

import os

import duckdb
import polars as pl
import pytest

from mkt_engineering import sources
from mkt_engineering.engines.frames import engine_name
from mkt_engineering.errors import DataValidationError

ORDERS = pl.DataFrame(
    {
        "customer_id": ["a", "b", "a", "c"],
        "order_date": pl.Series(
            ["2024-01-02", "2024-02-03", "2023-03-04", "2023-05-01"]
        ).str.to_date(),
        "revenue": [10.5, 20.0, 30.25, 1.0],
    }
)


@pytest.fixture
def shop(tmp_path):
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.register("frame", ORDERS.to_arrow())
        connection.execute("create table orders as select * from frame")
        connection.execute("create schema crm")
        connection.execute("create table crm.leads as select 1 as lead_id")
        connection.execute('create table "Web Orders" as select 2 as id')
    return path


def rows(relation) -> pl.DataFrame:
    return pl.from_arrow(relation.arrow()).sort("order_date")


def test_table_and_query_are_lazy_relations(shop):
    relation, source = sources.open_source(f"duckdb://{shop}::orders")
    assert engine_name(relation) == "duckdb"
    assert rows(relation).equals(ORDERS.sort("order_date"))
    assert (source.table, source.query) == ("orders", None)
    query, _ = sources.open_source(f"duckdb://{shop}::select * from orders where revenue > 15")
    assert rows(query)["revenue"].to_list() == [30.25, 20.0]
    schema_table, _ = sources.open_source(f"duckdb://{shop}::crm.leads")
    assert schema_table.fetchall() == [(1,)]
    spaced, _ = sources.open_source(f"duckdb://{shop}::Web Orders")
    assert spaced.fetchall() == [(2,)]


def test_file_opens_read_only(shop):
    relation, _ = sources.open_source(f"duckdb://{shop}::orders")
    with pytest.raises(duckdb.Error, match="read-only"):
        relation.query("orders_view", "insert into orders values ('x', date '2024-01-01', 1)")


def test_missing_file(tmp_path):
    with pytest.raises(DataValidationError, match="does not exist") as caught:
        sources.open_source(f"duckdb://{tmp_path}/nope.duckdb::orders")
    assert not (tmp_path / "nope.duckdb").exists()  # not created by opening it
    assert "nope.duckdb" in str(caught.value)


def test_missing_table_lists_the_tables_and_the_closest(shop):
    with pytest.raises(DataValidationError) as caught:
        sources.open_source(f"duckdb://{shop}::order")
    message = str(caught.value)
    assert "there is no table order" in message
    assert "Web Orders, crm.leads, orders" in message and "Did you mean orders?" in message


def test_bad_query_gives_the_engine_message_short(shop):
    with pytest.raises(DataValidationError, match="DuckDB refused the query") as caught:
        sources.open_source(f"duckdb://{shop}::select revenu from orders")
    assert "revenu" in str(caught.value) and len(str(caught.value)) < 450
    assert "Traceback" not in str(caught.value)


def test_parquet_glob_and_hive_folder(tmp_path):
    for year, part in ORDERS.group_by(pl.col("order_date").dt.year(), maintain_order=True):
        folder = tmp_path / "orders" / f"year={year[0]}"
        folder.mkdir(parents=True)
        part.write_parquet(folder / "part-0.parquet")
    (tmp_path / "orders" / "_SUCCESS").write_text("")
    relation, source = sources.open_source(str(tmp_path / "orders") + "/")
    back = rows(relation)
    assert source.kind == "files"
    assert back.drop("year").equals(ORDERS.sort("order_date"))
    assert back["year"].to_list() == [2023, 2023, 2024, 2024]
    globbed, _ = sources.open_source(str(tmp_path / "orders" / "year=2024" / "*.parquet"))
    assert len(rows(globbed)) == 2


def test_a_plain_parquet_folder_is_read_by_polars_with_duckdbs_rows_and_types(tmp_path):
    from mkt_engineering.engines import loading

    folder = tmp_path / "orders"
    (folder / "2024").mkdir(parents=True)
    typed = ORDERS.with_columns(
        pl.col("customer_id").cast(pl.Categorical).alias("segment"),
        (pl.col("order_date").cast(pl.Datetime("us")) + pl.duration(hours=9)).alias("at"),
        pl.Series("units", [1, 2, 3, 4], dtype=pl.Int32),
        pl.Series("paid", [True, False, None, True]),
    )
    typed.head(3).write_parquet(folder / "a.parquet")
    typed.tail(1).write_parquet(folder / "2024" / "b.parquet")
    typed.write_parquet(folder / "copy.pq")  # the folder's glob reads *.parquet only
    native, described = loading.engine_source(str(folder))
    read = loading.collect(native, described)  # polars: files of one schema, no partitions
    through_duckdb = loading.collect(native)
    assert sources.duckdb.plain_parquet_files(sources.parse_source(str(folder))) is not None
    assert read.schema == through_duckdb.schema
    assert read["segment"].dtype == pl.String  # DuckDB's type for a dictionary column
    assert read.sort("order_date").equals(through_duckdb.sort("order_date"))
    assert read.height == typed.height


def test_partitioned_or_mixed_parquet_folders_stay_with_duckdb(tmp_path):
    hive = tmp_path / "hive" / "year=2024"
    hive.mkdir(parents=True)
    ORDERS.write_parquet(hive / "a.parquet")
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    ORDERS.write_parquet(mixed / "a.parquet")
    ORDERS.with_columns(pl.lit(1).alias("extra")).write_parquet(mixed / "b.parquet")
    for folder in (tmp_path / "hive", mixed):
        assert sources.duckdb.plain_parquet_files(sources.parse_source(str(folder))) is None
    from mkt_engineering.engines import loading

    native, described = loading.engine_source(str(mixed))
    united = loading.collect(native, described)  # DuckDB unites the columns by name
    assert united.height == 8 and united["extra"].null_count() == 4


def test_csv_glob(tmp_path):
    ORDERS.head(2).write_csv(tmp_path / "a.csv")
    ORDERS.tail(2).write_csv(tmp_path / "b.csv")
    relation, _ = sources.open_source(str(tmp_path / "*.csv"))
    assert rows(relation)["revenue"].sum() == ORDERS["revenue"].sum()


def test_a_csv_folder_duckdb_cannot_read_names_the_way_out(tmp_path):
    # A German export: cp1252 (the euro sign is byte 0x80) and a title line above the header.
    text = "Bestellungen Export\nKunde;Datum;Betrag\nK1;01.09.2024;28,97 \u20ac\n"
    (tmp_path / "a.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(DataValidationError, match="UTF-8, the header on the first line") as caught:
        sources.open_source(str(tmp_path / "*.csv"))
    assert "one file at a time" in str(caught.value)


def test_folder_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataValidationError, match="no Parquet or CSV files"):
        sources.open_source(str(tmp_path / "empty"))
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    ORDERS.write_csv(mixed / "a.csv")
    ORDERS.write_parquet(mixed / "b.parquet")
    with pytest.raises(DataValidationError, match="both Parquet and CSV"):
        sources.open_source(str(mixed))
    with pytest.raises(DataValidationError, match="no Parquet or CSV files"):
        sources.open_source(str(tmp_path / "nothing" / "*.parquet"))


def test_memory_cap_and_spill_folder_apply(shop, monkeypatch):
    monkeypatch.setenv(sources.MEMORY_ENV, "600MB")
    relation, _ = sources.open_source(f"duckdb://{shop}::orders")
    limit, spill = relation.query(
        "r", "select current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchall()[0]
    assert limit in ("572.2 MiB", "600.0 MB")  # DuckDB prints it in MiB
    assert spill.startswith(str(sources.scratch_dir()))


def test_no_active_spark_session(monkeypatch):
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    if SparkSession.getActiveSession() is not None:
        pytest.skip("a Spark session is active in this run")
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    with pytest.raises(DataValidationError, match="no active Spark session.*SPARK_REMOTE"):
        sources.open_source("spark://sales.orders")


def test_scratch_folders_of_ended_processes_are_removed(tmp_path):
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f"{ended.stdout.strip()}-abc"
    (stale / "spill").mkdir(parents=True)
    alive = tmp_path / f"{os.getpid()}-def"
    alive.mkdir()
    assert sources.remove_stale_scratch(tmp_path) == [stale]
    assert not stale.exists() and alive.exists()
    assert sources.scratch_dir().name.startswith(f"{os.getpid()}-")
