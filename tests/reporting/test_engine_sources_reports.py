"""The five reports from a DuckDB file with the demo tables, and one from a real Postgres:
their saved tables equal those of the same reports run on the CSV files.

The DuckDB file is built the way a user would build it (DuckDB's own ``read_csv`` of the
demo files), not with the kit's reader, so the comparison checks the loader on engine
types (timestamps, booleans, integers) against the kit's CSV parsing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mkt_engineering.reporting.batch import RunSpec, run_batch
from mkt_engineering.reporting.demo_inputs import demo_data, demo_files, demo_parameters
from mkt_engineering.sources import MEMORY_ENV

pytestmark = pytest.mark.slow  # ten report runs, two at a time (about a minute on two cores)

REPORTS = ["attribution", "ab_test", "cohort_ltv", "nurture_timing", "data_overview"]
# Fewer bootstrap draws: the comparison needs equal numbers, not precise intervals.
QUICK = {"attribution": {"bootstrap_size": 20}}


def _postgres_plugin():
    # The server fixture lives in tests/sources; one module object (one server) per run.
    name = "mkt_tests_postgres_server"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "sources" / "postgres_server.py"
        spec = importlib.util.spec_from_file_location(name, path)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


postgres_server = _postgres_plugin().postgres_server


def _table_name(path: Path) -> str:
    return f"{path.parent.name}_{path.stem}"  # journeys/touchpoints.csv -> journeys_touchpoints


def _demo_duckdb(path: Path) -> Path:
    """Every demo CSV as a table of one DuckDB file, read by DuckDB itself."""
    files = {p for name in REPORTS for p in demo_files(name).values()}
    with duckdb.connect(str(path)) as connection:
        for file in sorted(files):
            literal = str(file).replace("'", "''")
            connection.execute(
                f"create table {_table_name(file)} as select * from read_csv('{literal}')"
            )
    return path


def _duckdb_data(name: str, database: Path) -> list[str]:
    return [
        f"{put}=duckdb://{database}::{_table_name(file)}" for put, file in demo_files(name).items()
    ]


@contextlib.contextmanager
def _engine_memory(memory: str | None):
    """Run with MKT_ENGINE_MEMORY set as `mkt run --memory` sets it (None: as it is)."""
    before = os.environ.get(MEMORY_ENV)
    if memory is not None:
        os.environ[MEMORY_ENV] = memory
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(MEMORY_ENV, None)
        else:
            os.environ[MEMORY_ENV] = before


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``runs(report, "csv", "duckdb")``: those runs of a report, each done once per module.

    The runs a test asks for together go two at a time; a test that needs only the CSV
    reference (the Postgres one, under ``-m postgres``) starts no DuckDB run.
    """
    root = tmp_path_factory.mktemp("engine-sources")
    database = _demo_duckdb(root / "demo.duckdb")
    done: dict[str, object] = {}

    def get(report: str, *kinds: str) -> list:
        parameters = {**demo_parameters(report), **QUICK.get(report, {})}
        duck = _duckdb_data(report, database)
        data = {"csv": demo_data(report), "duckdb": duck, "engine": duck}
        specs = [
            RunSpec(report, f"{kind}-{report}", parameters, data[kind])
            for kind in kinds
            if f"{kind}-{report}" not in done
        ]
        capped = [s for s in specs if s.label.startswith("engine-")]
        for group, memory in ((capped, "1GB"), ([s for s in specs if s not in capped], None)):
            if group:
                with _engine_memory(memory):  # `mkt run --memory`: the kernels inherit it
                    done.update({r.label: r for r in run_batch(group, root / "reports", jobs=2)})
        return [done[f"{kind}-{report}"] for kind in kinds]

    return get


def _tables(folder: Path) -> dict[str, pl.DataFrame]:
    return {p.stem: pl.read_parquet(p) for p in sorted((folder / "tables").glob("*.parquet"))}


# Counts and texts must be equal exactly. Floats within 1e-6 relative: the CSV run does not
# repeat itself bit for bit (polars sums in parallel, and the Gamma-Gamma fit turns the last
# bit of a sum into ~2e-8 relative in expected spend and CLV; measured on two CSV runs).
FLOAT_TOLERANCE = 1e-6


def assert_same_tables(reference: Path, other: Path) -> None:
    expected, got = _tables(reference), _tables(other)
    assert expected, "the reference run saved no tables"
    assert got.keys() == expected.keys()
    for name, frame in expected.items():
        assert_frame_equal(
            got[name], frame, check_exact=False, rel_tol=FLOAT_TOLERANCE, abs_tol=0.0
        )


@pytest.mark.parametrize("report", REPORTS)
def test_report_from_a_duckdb_file_equals_the_csv_run(runs, report):
    csv, duck = runs(report, "csv", "duckdb")
    assert csv.status == "ok", csv.error
    assert duck.status == "ok", duck.error
    assert duck.headline == csv.headline
    assert_same_tables(csv.folder, duck.folder)
    manifest = json.loads((duck.folder / "manifest.json").read_text(encoding="utf-8"))
    sources = {item["table"]: item for item in manifest["inputs"]}
    assert sources.keys() == {_table_name(p) for p in demo_files(report).values()}
    assert all(item["kind"] == "duckdb" and item["rows_read"] > 0 for item in sources.values())
    assert all("sha256" not in item for item in sources.values())
    page = (duck.folder / "report.html").read_text(encoding="utf-8")
    for table, item in sources.items():  # the Input files table: the source, rows, no hash
        assert f"<td>demo.duckdb::{table}</td><td>{item['rows_read']:,} rows</td>" in page


@pytest.mark.parametrize("report", REPORTS)
def test_report_kept_in_the_engine_under_a_memory_cap_equals_the_csv_run(runs, report):
    """`--memory`: the event tables stay in DuckDB, checked and reduced there (in_engine)."""
    csv, capped = runs(report, "csv", "engine")
    assert capped.status == "ok", capped.error
    assert capped.headline == csv.headline
    if report == "data_overview":
        # Extra text columns stay in the engine unread (they may hold personal data that a
        # file load would scan and drop): the conversions' outlet column is not counted.
        expected, got = _tables(csv.folder)["tables"], _tables(capped.folder)["tables"]
        extra = expected.filter(pl.col("columns") != got["columns"])
        assert extra["table"].to_list() == ["conversions"]
        assert (
            extra["columns"] - got.filter(pl.col("table") == "conversions")["columns"]
        ).to_list() == [1]
        assert_frame_equal(got.drop("columns"), expected.drop("columns"))
        return
    assert_same_tables(csv.folder, capped.folder)
    manifest = json.loads((capped.folder / "manifest.json").read_text(encoding="utf-8"))
    kept = {item["table"]: item.get("in_engine") for item in manifest["inputs"]}
    totals = {"spend", "leads"}  # collected even under a cap: totals, one row per lead
    assert all(v for name, v in kept.items() if not name.endswith(tuple(totals))), kept


@pytest.mark.postgres
def test_cohort_report_from_postgres_equals_the_csv_run(
    runs, postgres_server, run_report, monkeypatch
):
    orders = demo_files("cohort_ltv")["orders"]
    literal = str(orders).replace("'", "''")
    frame = duckdb.sql(f"select * from read_csv('{literal}')").pl()
    postgres_server.load("shop.orders", frame)
    monkeypatch.setenv("PGPASSWORD", postgres_server.password)  # the kernel inherits it
    parameters = demo_parameters("cohort_ltv")
    folder = run_report(
        "cohort_ltv",
        "--data",
        f"orders={postgres_server.uri}::shop.orders",
        "--data",
        f"spend={demo_files('cohort_ltv')['spend']}",
        "-p",
        "acquisition_plan",
        json.dumps(parameters["acquisition_plan"]),
        "-p",
        "currency",
        parameters["currency"],
    )
    [csv] = runs("cohort_ltv", "csv")
    assert csv.status == "ok", csv.error
    assert_same_tables(csv.folder, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [source] = [item for item in manifest["inputs"] if "source" in item]
    assert source["source"] == f"{postgres_server.uri}::shop.orders"
    assert source["rows_read"] == frame.height
    for written in folder.rglob("*"):
        if written.is_file() and written.suffix in (".json", ".html", ".ipynb"):
            assert postgres_server.password not in written.read_text(encoding="utf-8")
