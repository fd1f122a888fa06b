"""Sources in the commands: --data, mkt validate, mkt inspect, --memory, batch files, manifest."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from mkt_engineering.errors import ParameterError
from mkt_engineering.guess import guess
from mkt_engineering.reporting.batch import BatchConfigError, load_config
from mkt_engineering.reporting.manifest import find_previous_ok, inputs_unchanged
from mkt_engineering.reporting.runner import prepare_run
from mkt_engineering.sources import MEMORY_ENV

ORDERS = pl.DataFrame(
    {
        "Kunde": [f"c{i % 40}" for i in range(500)],
        "Bestelldatum": pl.date_range(
            pl.date(2024, 1, 1), pl.date(2025, 5, 14), "1d", eager=True
        ).head(500),
        "Betrag": [float(i % 17) + 0.5 for i in range(500)],
    }
)


@pytest.fixture
def shop(tmp_path, monkeypatch):
    with duckdb.connect(str(tmp_path / "shop.duckdb")) as connection:
        connection.register("frame", ORDERS.to_arrow())
        connection.execute("create table bestellungen as select * from frame")
    monkeypatch.chdir(tmp_path)  # the relative form: duckdb://shop.duckdb
    return tmp_path / "shop.duckdb"


def invoke(*args: str):
    from mkt_engineering.cli import app

    return CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})


def test_validate_a_table_in_a_duckdb_file(shop):
    mapping = ["--map", "Kunde=customer_id", "--map", "Bestelldatum=order_date"]
    done = invoke("validate", "orders", "duckdb://shop.duckdb::bestellungen", *mapping, "--map",
                  "Betrag=revenue")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "is a valid orders table (500 rows)" in done.output


def test_validate_a_source_with_the_table_option(shop):
    maps = ["--map", "Kunde=customer_id", "--map", "Bestelldatum=order_date", "--map",
            "Betrag=revenue"]  # fmt: skip
    done = invoke("validate", "duckdb://shop.duckdb::bestellungen", "--table", "orders", *maps)
    assert done.exit_code == 0, done.output
    assert "is a valid orders table (500 rows)" in done.output
    both = invoke("validate", "orders", "duckdb://shop.duckdb::bestellungen", "--table", "orders")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_validate_names_the_tables_there(shop):
    done = invoke("validate", "orders", "duckdb://shop.duckdb::bestellung")
    assert done.exit_code == 1
    assert "Did you mean bestellungen?" in done.stderr and "Traceback" not in done.output


def test_validate_refuses_a_password_without_printing_it():
    done = invoke("validate", "orders", "postgresql://ana:Geheim-123@db/shop::orders")
    assert done.exit_code == 2
    assert "PGPASSWORD or ~/.pgpass" in done.stderr
    assert "Geheim-123" not in done.output + done.stderr


def test_inspect_a_source_maps_its_columns_and_prints_the_run(shop):
    done = invoke("inspect", "duckdb://shop.duckdb::bestellungen")
    assert done.exit_code == 0, done.output
    assert "Bestelldatum -> order_date" in done.output
    assert (
        "next: mkt run cohort_ltv --data orders=duckdb://shop.duckdb::bestellungen" in done.output
    )


def test_inspect_reads_only_the_first_rows(shop, monkeypatch):
    from mkt_engineering import guess as guessing

    seen = {}
    original = guessing.source_sample

    def spy(text, rows=None):
        sample = original(text, rows)
        seen["rows"] = sample.height
        return sample

    monkeypatch.setattr(guessing, "source_sample", spy)
    assert guess("duckdb://shop.duckdb::bestellungen")[0].name == "orders"
    assert seen["rows"] == guessing.SAMPLE_ROWS < ORDERS.height


def test_prepare_run_takes_a_source_and_makes_its_path_absolute(shop):
    prepared = prepare_run("cohort_ltv", {}, ["orders=duckdb://shop.duckdb::bestellungen"])
    assert prepared.given["orders_file"] == f"duckdb://{shop}::bestellungen"
    [entry] = prepared.inputs
    assert entry["source"] == f"duckdb://{shop}::bestellungen"
    assert (entry["kind"], entry["table"], entry["query"]) == ("duckdb", "bestellungen", None)
    assert "sha256" not in entry


def test_prepare_run_refuses_before_any_kernel(shop):
    with pytest.raises(ParameterError, match="DuckDB file nope.duckdb cannot be found"):
        prepare_run("cohort_ltv", {}, ["orders=duckdb://nope.duckdb::orders"])
    with pytest.raises(ParameterError, match="PGPASSWORD") as caught:
        prepare_run("cohort_ltv", {}, ["orders=postgresql://ana:Geheim-123@db/shop::orders"])
    assert "Geheim-123" not in str(caught.value)
    with pytest.raises(ParameterError, match="unknown kind of source"):
        prepare_run("cohort_ltv", {}, ["orders=mysql://db/shop::orders"])


def test_a_spark_source_in_a_run_needs_spark_connect(monkeypatch):
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    with pytest.raises(ParameterError, match="set SPARK_REMOTE to a Spark Connect URL"):
        prepare_run("cohort_ltv", {}, ["orders=spark://sales.orders"])
    monkeypatch.setenv("SPARK_REMOTE", "sc://spark.example:15002")
    prepared = prepare_run("cohort_ltv", {}, ["orders=spark://sales.orders"])
    assert prepared.given["orders_file"] == "spark://sales.orders"


def test_a_run_from_a_source_is_never_skipped_as_unchanged(shop, tmp_path):
    prepared = prepare_run("cohort_ltv", {}, ["orders=duckdb://shop.duckdb::bestellungen"])
    assert find_previous_ok(tmp_path, "cohort_ltv", prepared.parameters, prepared.inputs) is None
    assert not inputs_unchanged({"inputs": prepared.inputs})


@pytest.mark.parametrize("value", ["4", "100MB", "2TB"])
def test_memory_is_checked_before_the_kernel_starts(value, monkeypatch, tmp_path):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    done = invoke("run", "cohort_ltv", "--memory", value, "--out", str(tmp_path))
    assert done.exit_code == 2
    assert "between 512MB and 1TB" in done.stderr and "running" not in done.output


def test_memory_reaches_the_environment_the_kernel_inherits(monkeypatch, tmp_path):
    import os

    from mkt_engineering.commands._reporting import set_engine_memory

    monkeypatch.delenv(MEMORY_ENV, raising=False)
    monkeypatch.setenv(MEMORY_ENV, "1GB")  # restored by monkeypatch afterwards
    assert set_engine_memory("4gb") == "4GB" and os.environ[MEMORY_ENV] == "4GB"


def test_batch_file_memory_and_source_data(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(
        "memory: 4GB\nruns:\n  - analysis: cohort_ltv\n"
        "    data: {orders: 'duckdb:///data/shop.duckdb::orders'}\n"
    )
    from mkt_engineering.reporting.batch import expand_runs

    [spec] = expand_runs(load_config(good))
    assert spec.data == ["orders=duckdb:///data/shop.duckdb::orders"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("memory: 100MB\nruns:\n  - analysis: cohort_ltv\n")
    with pytest.raises(BatchConfigError, match="'memory:'.*between 512MB and 1TB"):
        load_config(bad)


def test_a_preset_on_a_source_is_refused_not_skipped(shop, tmp_path):
    done = invoke(
        "run", "cohort_ltv", "--data", "orders=duckdb://shop.duckdb::bestellungen",
        "--preset", "woocommerce_orders", "--out", str(tmp_path / "reports"),
    )  # fmt: skip
    assert done.exit_code == 2, done.output
    assert "--preset woocommerce_orders describes a file export" in done.stderr
    assert "-p columns" in done.stderr and not (tmp_path / "reports").exists()


def test_inspect_offers_contracts_for_a_source_not_presets(shop):
    with duckdb.connect(str(shop)) as connection:  # columns a WooCommerce export has too
        connection.execute(
            "create table woo as select Kunde as customer_id, Bestelldatum as order_date, "
            "Betrag as revenue, 'o1' as order_id from bestellungen"
        )
    found = guess("duckdb://shop.duckdb::woo", top=20)
    assert found and all(candidate.kind == "contract" for candidate in found)
