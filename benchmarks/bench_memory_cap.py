"""Larger than memory: RFM plus the cohort matrix of 100 million orders under a 4 GB cap.

The orders (100 million rows of 5 million customers, a folder of Parquet files of about
1.3 GB) are generated once into ``.cache/bench/``. Each row runs in a fresh process under an
OS cap on its address space (``prlimit --as``, 4 GiB): going past it fails the step, whatever
the engine promises. Address space runs well above resident memory (allocator reservations,
thread stacks, mapped libraries): at 100 million orders, the hand-written SQL with a 3 GB
``memory_limit`` peaked at 3.4 GB resident but 5.8 GB of address space, and failed under
the cap; with 2 GB it peaked at about 2.5 GB resident and 4.0 GB of address space, and
passed. DuckDB spills to
``.cache/bench/spill``. (A cgroup would cap resident memory instead; the machine running
these benchmarks offered no cgroup of its own to use.)

Rows:

- DuckDB, hand-written SQL: the RFM table and the monthly cohort cells;
- DuckDB, the kit: ``ltv.rfm_summary`` and ``ltv.cohort_matrix`` on a DuckDB relation (the
  engine reductions), the same public calls a report makes;
- polars, the kit, under the same cap: today's in-memory path, for comparison (at full scale
  it needs 6-7.5 GB and is expected to fail under the cap; the row says so).

Time and peak resident memory (VmHWM) are per process. A row that fails with "bad
allocation" ran out of address space, not necessarily of memory: the kit's DuckDB query
finished uncapped at 2.4 GB resident but 7.6 GB of address space. ``--scale 0.1`` is a
quick check (10 million orders, 500,000 customers).
Run: ``python -m benchmarks.run --only memory_cap [--scale 0.1]``.
"""

from __future__ import annotations

from benchmarks.engine_data import (
    CACHE,
    OBSERVATION_END,
    cohort_cells_sql,
    orders_folder,
    rfm_sql,
    run_child,
)

CAP_BYTES = 4 * 1024**3
DUCKDB_MEMORY_LIMIT = "2GB"

DUCKDB = f"""
import duckdb
(CACHE := {str(CACHE)!r})
con = duckdb.connect(config={{"threads": 2, "memory_limit": {DUCKDB_MEMORY_LIMIT!r},
                             "temp_directory": CACHE + "/spill",
                             "preserve_insertion_order": False}})
con.execute("SET enable_progress_bar = false")
"""
SQL_STEP = """
started = time.perf_counter()
rfm = con.sql({rfm!r}).pl()
rfm_seconds = time.perf_counter() - started
cells = con.sql({cells!r}).pl()
seconds = time.perf_counter() - started
report(seconds=seconds, rfm_seconds=rfm_seconds, customers=rfm.height, cells=cells.height)
"""
KIT_STEP = """
from mkt_engineering.ltv import cohort_matrix, rfm_summary
started = time.perf_counter()
rfm = rfm_summary(orders, {end!r}, "W")
rfm_seconds = time.perf_counter() - started
cells = cohort_matrix(orders, "month", "retention", observation_end={end!r})
seconds = time.perf_counter() - started
report(seconds=seconds, rfm_seconds=rfm_seconds, customers=rfm.height, cells=cells.height)
"""


def _row(name: str, engine: str, measured: dict) -> dict:
    row = {"name": name, "engine": engine, "cap": "4 GiB (prlimit --as)"}
    if "error" in measured:
        return {**row, "notes": f"failed: {measured['error'][:200]}"}
    return row | {
        "seconds": measured["seconds"],
        "rfm_seconds": measured["rfm_seconds"],
        "cohort_seconds": measured["seconds"] - measured["rfm_seconds"],
        "peak_mb": measured["peak_mb"],
        "address_space_peak_mb": measured["virtual_peak_mb"],  # what the cap limits
        "notes": f"{measured['customers']:,} customers, {measured['cells']:,} cohort rows",
    }


def run(scale: float = 1.0) -> list[dict]:
    orders, customers = int(100_000_000 * scale), int(5_000_000 * scale)
    folder = orders_folder(orders, customers)
    (CACHE / "spill").mkdir(parents=True, exist_ok=True)
    parquet = f"read_parquet('{folder}/*.parquet')"
    end = OBSERVATION_END.isoformat()
    name = f"RFM + cohorts, {orders / 1e6:g}M orders"
    sql = DUCKDB + SQL_STEP.format(rfm=rfm_sql(parquet), cells=cohort_cells_sql(parquet))
    kit_duckdb = (
        DUCKDB + f"orders = con.read_parquet('{folder}/*.parquet')\n" + KIT_STEP.format(end=end)
    )
    kit_polars = (
        f"import polars as pl\norders = pl.scan_parquet('{folder}/*.parquet')\n"
        + KIT_STEP.format(end=end)
    )
    steps = [
        (f"duckdb SQL (memory_limit {DUCKDB_MEMORY_LIMIT})", sql),
        (f"duckdb kit (memory_limit {DUCKDB_MEMORY_LIMIT})", kit_duckdb),
        ("polars kit", kit_polars),
    ]
    return [
        _row(name, engine, run_child(code, memory_cap_bytes=CAP_BYTES)) for engine, code in steps
    ]
