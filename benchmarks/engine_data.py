"""Shared pieces of the engine benchmarks: synthetic data, hand-written SQL, child processes.

The data are written once per size into the git-ignored cache ``.cache/bench/`` (a folder of
Parquet files, written chunk by chunk with vectorised numpy, so 100 million orders never sit
in memory at once) and reused by later runs. Every measured step runs in a fresh Python
process, so its time and peak memory are its own; `run_child` can put that process under an
OS memory cap (`benchmarks.memory_cap.MemoryCap`: a memory cgroup, else ``prlimit --as``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.memory_cap import MemoryCap

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench"
OBSERVATION_END = date(2025, 12, 31)
FIRST_DAY = date(2022, 1, 1)
CHUNK_ROWS = 10_000_000
CHANNELS = ["search", "social", "email", "display", "affiliate", "direct", "video", "referral"]


def _days() -> int:
    return (OBSERVATION_END - FIRST_DAY).days + 1


def _write_chunks(folder: Path, rows: int, make_chunk) -> Path:
    """Write ``rows`` rows as part-NNN.parquet files; a marker file says the folder is whole."""
    marker = folder / ".complete"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number, start in enumerate(range(0, rows, CHUNK_ROWS)):
        size = min(CHUNK_ROWS, rows - start)
        make_chunk(np.random.default_rng([number, rows]), size).write_parquet(
            folder / f"part-{number:03d}.parquet"
        )
    marker.touch()
    return folder


def orders_folder(orders: int, customers: int) -> Path:
    """A Parquet folder of ``orders`` orders by ``customers`` customers, all before the end.

    Each customer has an acquisition day (uniform over four years) and orders on or after it,
    so cohorts fill a proper triangle. Revenue is gamma distributed, rounded to cents.
    """
    span = _days()
    start = np.datetime64(FIRST_DAY.isoformat(), "s")
    acquired = np.random.default_rng(customers).integers(0, span, customers)

    def chunk(rng: np.random.Generator, size: int) -> pl.DataFrame:
        customer = rng.integers(0, customers, size)
        first = acquired[customer]
        # a day between the customer's acquisition and the end, then a time of day
        day = first + np.floor(rng.random(size) * (span - first)).astype(np.int64)
        seconds = day * 86_400 + rng.integers(0, 86_400, size)
        return pl.DataFrame(
            {
                "customer_id": customer,
                "order_date": (start + seconds.astype("timedelta64[s]")).astype("datetime64[us]"),
                "revenue": np.round(rng.gamma(2.0, 20.0, size), 2),
            }
        )

    return _write_chunks(CACHE / f"orders_{orders}_{customers}", orders, chunk)


def journeys_folders(touches: int, customers: int, conversions: int) -> tuple[Path, Path]:
    """Touchpoints and conversions as Parquet folders (timestamps to the second, UTC-naive)."""
    span_seconds = _days() * 86_400
    start = np.datetime64(FIRST_DAY.isoformat(), "s")

    def moments(rng: np.random.Generator, size: int) -> np.ndarray:
        seconds = rng.integers(0, span_seconds, size)
        return (start + seconds.astype("timedelta64[s]")).astype("datetime64[us]")

    def touch_chunk(rng: np.random.Generator, size: int) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "customer_id": rng.integers(0, customers, size).astype(str),
                "timestamp": moments(rng, size),
                "channel": np.asarray(CHANNELS)[rng.integers(0, len(CHANNELS), size)],
            }
        )

    def conversion_chunk(rng: np.random.Generator, size: int) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "customer_id": rng.integers(0, customers, size).astype(str),
                "timestamp": moments(rng, size),
                "value": np.round(rng.gamma(2.0, 40.0, size), 2),
            }
        )

    name = f"journeys_{touches}_{customers}_{conversions}"
    return (
        _write_chunks(CACHE / name / "touchpoints", touches, touch_chunk),
        _write_chunks(CACHE / name / "conversions", conversions, conversion_chunk),
    )


def rfm_sql(orders: str, end: date = OBSERVATION_END, unit_days: float = 7.0) -> str:
    """RFM as one would write it by hand in DuckDB (the kit's definitions; see ltv.rfm)."""
    return f"""
    WITH days AS (
        SELECT customer_id, CAST(order_date AS DATE) AS day, sum(revenue) AS revenue
        FROM {orders}
        WHERE CAST(order_date AS DATE) <= DATE '{end}'
        GROUP BY ALL
    ), customers AS (
        SELECT customer_id, count(*) - 1 AS frequency, min(day) AS first, max(day) AS last,
               sum(revenue) AS total, arg_min(revenue, day) AS first_revenue
        FROM days GROUP BY customer_id
    )
    SELECT customer_id, frequency,
           (last - first) / {unit_days} AS recency,
           (DATE '{end}' - first) / {unit_days} AS "T",
           CASE WHEN frequency > 0 THEN (total - first_revenue) / frequency ELSE 0.0 END
               AS monetary_value
    FROM customers ORDER BY customer_id
    """


def cohort_cells_sql(orders: str, end: date = OBSERVATION_END) -> str:
    """Monthly cohort cells (customers, orders, revenue per cohort and month since the first)."""
    return f"""
    WITH rows AS (
        SELECT customer_id, CAST(order_date AS DATE) AS day, revenue FROM {orders}
        WHERE CAST(order_date AS DATE) <= DATE '{end}'
    ), first AS (
        SELECT customer_id, date_trunc('month', min(day)) AS cohort FROM rows GROUP BY ALL
    )
    SELECT f.cohort,
           datediff('month', f.cohort, date_trunc('month', r.day)) AS period,
           count(DISTINCT r.customer_id) AS customers, count(*) AS orders,
           sum(r.revenue) AS amount
    FROM rows r JOIN first f USING (customer_id)
    GROUP BY ALL ORDER BY ALL
    """


def paths_sql(touchpoints: str, conversions: str, lookback_days: float = 30) -> str:
    """Paths as one would write them by hand in DuckDB: an as-of join, then ordered lists.

    Each touch belongs to the next conversion of its customer at or after it (as
    `attribution.paths_from_touchpoints`); touches after the last conversion form one
    non-converting journey; touches older than the lookback before their conversion drop.
    """
    return f"""
    WITH conversions AS (
        SELECT CAST(customer_id AS VARCHAR) AS customer_id, timestamp AS conversion_time,
               coalesce(CAST(value AS DOUBLE), 0.0) AS value,
               row_number() OVER () AS conversion_id
        FROM {conversions}
    ), assigned AS (
        SELECT t.customer_id, t.timestamp, t.channel, c.conversion_id, c.conversion_time,
               c.value
        FROM (SELECT CAST(customer_id AS VARCHAR) AS customer_id, timestamp, channel
              FROM {touchpoints}) t
        ASOF LEFT JOIN conversions c
          ON t.customer_id = c.customer_id AND c.conversion_time >= t.timestamp
    ), journeys AS (
        SELECT list(channel ORDER BY timestamp) AS path,
               CAST(conversion_id IS NOT NULL AS DOUBLE) AS converted,
               coalesce(any_value(value), 0.0) AS value
        FROM assigned
        WHERE conversion_time IS NULL
           OR conversion_time - timestamp <= INTERVAL '{lookback_days * 86_400_000_000:.0f}'
              MICROSECONDS
        GROUP BY customer_id, conversion_id
    )
    SELECT path, sum(converted) AS conversions, sum(value) AS value,
           sum(1.0 - converted) AS non_conversions
    FROM journeys GROUP BY path ORDER BY conversions DESC, non_conversions DESC
    """


CHILD_PRELUDE = """
import json, sys, time
def peak_mb():
    # VmHWM: this process's own peak resident memory (ru_maxrss of a parent would mix runs)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
def virtual_peak_mb():
    # VmPeak: the peak address space, what `prlimit --as` would cap (above the resident peak)
    for line in open("/proc/self/status"):
        if line.startswith("VmPeak"):
            return int(line.split()[1]) / 1024
def report(**values):
    values["peak_mb"] = peak_mb()
    values["virtual_peak_mb"] = virtual_peak_mb()
    print("BENCH-RESULT " + json.dumps(values, default=str), flush=True)
"""


def run_child(code: str, *, memory_cap_bytes: int | None = None, timeout: float = 3600) -> dict:
    """Run ``code`` in a fresh interpreter; return what it `report`-ed plus its peak memory.

    ``peak_mb`` is the child's own peak resident memory (VmHWM, read when it reports), so
    the parent's size never counts. With ``memory_cap_bytes`` the child runs under a
    `MemoryCap`: a memory cgroup where the machine allows one (resident memory; going past
    it gets the child killed), else ``prlimit --as``. ``cap`` in the result says which.
    """
    command = [sys.executable, "-c", CHILD_PRELUDE + textwrap.dedent(code)]
    cap = MemoryCap(memory_cap_bytes, "bench") if memory_cap_bytes is not None else None
    try:
        return _run(command, cap, timeout)
    finally:
        if cap is not None:
            cap.close()


def _run(command: list[str], cap: MemoryCap | None, timeout: float) -> dict:
    environment = dict(os.environ)
    if cap is not None:
        command, environment = cap.command(command), cap.environment(environment)
    started = time.perf_counter()
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=environment,
        preexec_fn=cap.join if cap is not None else None,
    ) as child:
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - started
    capped = {} if cap is None else {"cap": cap.label, "cap_peak_bytes": cap.peak_bytes()}
    if cap is not None and cap.oom_killed():
        return capped | {"error": f"killed for going past the memory cap ({cap.label})"}
    lines = [line for line in out.splitlines() if line.startswith("BENCH-RESULT ")]
    if child.returncode != 0 or not lines:
        return capped | {"error": _last_error(err or out, child.returncode)}
    result = capped | json.loads(lines[-1].removeprefix("BENCH-RESULT "))
    result.setdefault("process_seconds", wall)
    return result


def _last_error(text: str, returncode: int) -> str:
    """The exception line of a child's traceback (not the caret line under the code)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    named = [line for line in lines if re.match(r"^[\w.]*(Error|Exception)\b", line)]
    if named:
        return named[-1][:300]
    return lines[-1][:300] if lines else f"exit status {returncode}, no output"


def java_available() -> bool:
    """Spark needs a Java runtime; the Spark rows say so instead of failing without one."""
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))
