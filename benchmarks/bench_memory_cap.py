"""Larger than memory: RFM plus the cohort matrix of 100 million orders under a 4 GB cap.

The orders (100 million rows of 5 million customers, a folder of Parquet files of about
1.3 GB) are generated once into ``.cache/bench/``. Each row runs in a fresh process under a
memory cgroup of 4 GiB (`benchmarks.memory_cap.MemoryCap`): going past it gets the process
killed, whatever the engine promises. DuckDB spills to ``.cache/bench/spill``. Where no cgroup
can be made (no root, no memory controller) the cap falls back to ``prlimit --as``, which caps
address space: that runs 2-2.5 GB above resident memory (allocator reservations, thread
stacks, mapped libraries), so a step that fits in 4 GB of memory can fail there with "bad
allocation"; the ``cap`` column says which cap a row ran under.

Rows:

- DuckDB, hand-written SQL: the RFM table and the monthly cohort cells;
- DuckDB, the kit: ``ltv.rfm_summary`` and ``ltv.cohort_matrix`` on a DuckDB relation (the
  engine reductions), the same public calls a report makes;
- polars, the kit, under the same cap: today's in-memory path, for comparison (at full scale
  it needs 6-7.5 GB and is expected to fail under the cap; the row says so).

Time and peak resident memory (VmHWM) are per process; ``cgroup_peak_mb`` is the group's
peak, page cache included. ``--scale 0.1`` is a quick check (10 million orders, 500,000
customers).
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
# What `mkt run --memory 3GB` gives DuckDB: the engine's target, below the 4 GiB cap.
DUCKDB_MEMORY_LIMIT = "3GB"

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
    row = {"name": name, "engine": engine, "cap": measured.get("cap", "none")}
    if "error" in measured:
        return {**row, "notes": f"failed: {measured['error'][:200]}"}
    return row | {
        "seconds": measured["seconds"],
        "rfm_seconds": measured["rfm_seconds"],
        "cohort_seconds": measured["seconds"] - measured["rfm_seconds"],
        "peak_mb": measured["peak_mb"],
        "cgroup_peak_mb": (measured.get("cap_peak_bytes") or 0) / 1024**2 or None,
        "address_space_peak_mb": measured["virtual_peak_mb"],  # what prlimit --as would cap
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
