"""Lifetime value, side by side with lifetimes 0.11.3 (run in ``.venv-bench``).

Three comparisons, each side in its own fresh Python process so peak memory is its own:

1. RFM summary of 10 million orders of 1 million customers (scale 1): the kit's
   `rfm_summary` (polars) against ``lifetimes.utils.summary_data_from_transaction_data``
   (pandas), same definitions (days / 7); outputs compared customer by customer.
2. BG/NBD fit on 1 million customers: `BetaGeo` against ``BetaGeoFitter``.
3. Pareto/NBD fit on 100,000 customers: `ParetoNBD` against ``ParetoNBDFitter``.
4. Valuation of 1 million customers with a 200-draw interval (`customer_lifetime_value`,
   BG/NBD + Gamma-Gamma, 12 months), target under 2 s; beside it the kit without the
   interval and lifetimes' ``customer_lifetime_value``, which has no interval. Two data
   sets: CDNOW-like customers (many share a history) and the RFM table of the cohort_ltv
   report bench's 10 million orders (815,000 distinct histories of 1 million customers).

Data are simulated from the models themselves with recency and T in whole days (as real
RFM data are), so duplicate rows exist as in practice. lifetimes runs unpatched on the
installed pandas/numpy; no monkeypatching was needed.

Run: ``.venv-bench/bin/python -m benchmarks.run --only ltv [--scale 0.1]`` (full scale needs
several GB for lifetimes' RFM step: run it under ``flock /tmp/mkt-bench.lock``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import polars as pl

OBSERVATION_END = "2025-12-31"

MEASURE = """
import json, time
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
def peak_mb():
    # VmHWM: this process's own peak; ru_maxrss would include the parent's size at fork.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
"""


def _run(code: str) -> dict:
    """Run code in a fresh interpreter; it prints one JSON line as its last output."""
    script = MEASURE + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark step failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _orders(path: Path, customers: int, orders: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    seconds = rng.integers(0, 730 * 86400, orders)
    frame = pl.DataFrame(
        {
            "customer_id": rng.integers(0, customers, orders),
            "order_date": (start + seconds.astype("timedelta64[s]")).astype("datetime64[us]"),
            "revenue": np.round(rng.gamma(2.0, 20.0, orders), 2),
        }
    )
    frame.write_parquet(path)


def _bgnbd_customers(path: Path, n: int, seed: int = 1) -> None:
    """BG/NBD customers (CDNOW-like parameters), recency and T in whole days / 7."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = 0.24, 4.4, 0.79, 2.4
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    T = rng.integers(1, 78 * 7, n) / 7
    potential = rng.poisson(lam * T)
    count = np.minimum(potential, rng.geometric(p))
    # The count-th of `potential` uniform purchase times on (0, T)
    # ~ T * Beta(count, potential - count + 1).
    shape_b = np.maximum(potential - count + 1, 1)
    recency = np.where(
        count > 0, np.floor(T * rng.beta(np.maximum(count, 1), shape_b) * 7) / 7, 0.0
    )
    pl.DataFrame({"frequency": count.astype(float), "recency": recency, "T": T}).write_parquet(path)


def _pareto_customers(path: Path, n: int, seed: int = 2) -> None:
    rng = np.random.default_rng(seed)
    r, alpha, s, beta = 0.55, 10.5, 0.6, 11.7
    lam, mu = rng.gamma(r, 1 / alpha, n), rng.gamma(s, 1 / beta, n)
    T = rng.integers(7, 78 * 7, n) / 7
    active = np.minimum(rng.exponential(1 / mu), T)
    x = rng.poisson(lam * active)
    recency = np.where(x > 0, np.floor(active * rng.beta(np.maximum(x, 1), 1) * 7) / 7, 0.0)
    pl.DataFrame({"frequency": x.astype(float), "recency": recency, "T": T}).write_parquet(path)


def _rfm(folder: Path, scale: float) -> list[dict]:
    customers, orders = int(1_000_000 * scale), int(10_000_000 * scale)
    source = folder / "orders.parquet"
    _orders(source, customers, orders)
    kit = _run(f"""
        import polars as pl
        from mkt_engineering.ltv import rfm_summary
        orders = pl.read_parquet({str(source)!r}); loaded = rss_mb()
        started = time.perf_counter()
        result = rfm_summary(orders, {OBSERVATION_END!r}, "W")
        seconds = time.perf_counter() - started
        result.write_parquet({str(folder / "kit_rfm.parquet")!r})
        print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb(), "loaded_mb": loaded}}))
    """)
    peer = _run(f"""
        import pandas as pd
        from lifetimes.utils import summary_data_from_transaction_data
        orders = pd.read_parquet({str(source)!r}); loaded = rss_mb()
        started = time.perf_counter()
        result = summary_data_from_transaction_data(
            orders, "customer_id", "order_date", monetary_value_col="revenue",
            observation_period_end={OBSERVATION_END!r}, freq="D", freq_multiplier=7,
        )
        seconds = time.perf_counter() - started
        result.reset_index().to_parquet({str(folder / "peer_rfm.parquet")!r})
        print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb(), "loaded_mb": loaded}}))
    """)
    ours = pl.read_parquet(folder / "kit_rfm.parquet")
    theirs = pl.read_parquet(folder / "peer_rfm.parquet").sort("customer_id")
    same_rows = ours["customer_id"].equals(theirs["customer_id"])
    difference = (
        max(
            float((ours[c].cast(pl.Float64) - theirs[c].cast(pl.Float64)).abs().max())
            for c in ("frequency", "recency", "T", "monetary_value")
        )
        if same_rows
        else float("inf")
    )
    return [
        {
            "name": f"RFM summary, {orders:,} orders / {customers:,} customers",
            "kit_seconds": kit["seconds"],
            "peer_seconds": peer["seconds"],
            "ratio": peer["seconds"] / kit["seconds"],
            "kit_peak_mb": kit["peak_mb"],
            "peer_peak_mb": peer["peak_mb"],
            "kit_step_mb": kit["peak_mb"] - kit["loaded_mb"],
            "peer_step_mb": peer["peak_mb"] - peer["loaded_mb"],
            "notes": f"same customers: {same_rows}; largest difference {difference:.2e}",
        }
    ]


def _fit(folder: Path, name: str, kit_class: str, peer_class: str, path: Path, rows: int) -> dict:
    kit = _run(f"""
        import polars as pl
        from mkt_engineering.ltv import {kit_class}
        data = pl.read_parquet({str(path)!r}); loaded = rss_mb()
        started = time.perf_counter()
        model = {kit_class}().fit(data)
        seconds = time.perf_counter() - started
        print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb(),
                          "params": list(model.params_.values()), "ll": model.log_likelihood_}}))
    """)
    peer = _run(f"""
        import pandas as pd
        from lifetimes import {peer_class}
        data = pd.read_parquet({str(path)!r}); loaded = rss_mb()
        started = time.perf_counter()
        model = {peer_class}().fit(data["frequency"], data["recency"], data["T"])
        seconds = time.perf_counter() - started
        params = [float(v) for v in model.params_.values]
        print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb(), "params": params}}))
    """)
    relative = np.max(np.abs(np.array(kit["params"]) / np.array(peer["params"]) - 1))
    return {
        "name": f"{name} fit, {rows:,} customers",
        "kit_seconds": kit["seconds"],
        "peer_seconds": peer["seconds"],
        "ratio": peer["seconds"] / kit["seconds"],
        "kit_peak_mb": kit["peak_mb"],
        "peer_peak_mb": peer["peak_mb"],
        "notes": f"largest relative parameter difference {relative:.1e}; kit "
        + ", ".join(f"{v:.4g}" for v in kit["params"])
        + "; lifetimes "
        + ", ".join(f"{v:.4g}" for v in peer["params"]),
    }


def _spend_customers(path: Path, seed: int = 3) -> None:
    """Mean repeat spend for the BG/NBD customers of ``path`` (Gamma-Gamma, CDNOW-like)."""
    rng = np.random.default_rng(seed)
    data = pl.read_parquet(path)
    x = data["frequency"].to_numpy()
    nu = rng.gamma(3.7, 1 / 15.4, x.size)
    mean = np.where(x > 0, rng.gamma(6.25 * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    data.with_columns(pl.Series("monetary_value", np.round(mean, 2))).write_parquet(path)


VALUATION_TARGET_SECONDS = 2.0


def _valuation(name: str, path: Path, draws: int = 200) -> dict:
    kit = _run(f"""
        import polars as pl
        from mkt_engineering.ltv import BetaGeo, GammaGamma, customer_lifetime_value
        rfm = pl.read_parquet({str(path)!r})
        purchases = BetaGeo().fit(rfm)
        spend = GammaGamma().fit(rfm.filter(pl.col("frequency") > 0))
        started = time.perf_counter()
        customer_lifetime_value(purchases, spend, rfm, draws=0)
        point = time.perf_counter() - started
        started = time.perf_counter()
        customer_lifetime_value(purchases, spend, rfm, draws={draws})
        seconds = time.perf_counter() - started
        print(json.dumps({{"seconds": seconds, "point": point, "peak_mb": peak_mb(),
                          "customers": rfm.height}}))
    """)
    peer = _run(f"""
        import pandas as pd
        from lifetimes import BetaGeoFitter, GammaGammaFitter
        rfm = pd.read_parquet({str(path)!r})
        bgf = BetaGeoFitter().fit(rfm["frequency"], rfm["recency"], rfm["T"])
        repeat = rfm[rfm["frequency"] > 0]
        ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
        started = time.perf_counter()
        ggf.customer_lifetime_value(bgf, rfm["frequency"], rfm["recency"], rfm["T"],
            rfm["monetary_value"], time=12, freq="W", discount_rate=0.01)
        seconds = time.perf_counter() - started
        print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb()}}))
    """)
    met = "ok" if kit["seconds"] < VALUATION_TARGET_SECONDS else "MISSED"
    return {
        "name": f"valuation with {draws}-draw interval, {kit['customers']:,} customers ({name})",
        "kit_seconds": kit["seconds"],
        "peer_seconds": peer["seconds"],
        "ratio": peer["seconds"] / kit["seconds"],
        "kit_peak_mb": kit["peak_mb"],
        "peer_peak_mb": peer["peak_mb"],
        "notes": f"target < {VALUATION_TARGET_SECONDS:.0f} s {met}; kit without interval "
        f"{kit['point']:.2f} s; lifetimes has no interval (its point value is timed)",
    }


def _report_rfm(path: Path, scale: float) -> Path | None:
    """The RFM table of the cohort_ltv report bench's orders (weekly), if they are cached."""
    from benchmarks import report_data

    orders = report_data.REPORT_INPUTS["cohort_ltv"](int(10_000_000 * scale))["orders"]
    from mkt_engineering.ltv import rfm_summary

    frame = pl.scan_parquet(f"{orders}/*.parquet")
    end = frame.select(pl.col("order_date").max()).collect().item()
    rfm_summary(frame, end, "W").drop("customer_id").write_parquet(path)
    return path


def run(scale: float = 1.0) -> list[dict]:
    """All three comparisons at ``scale`` (1 = the sizes of the issue)."""
    with tempfile.TemporaryDirectory(prefix="bench_ltv_") as tmp:
        folder = Path(tmp)
        rows = _rfm(folder, scale)
        n_bg, n_pareto = int(1_000_000 * scale), int(100_000 * scale)
        _bgnbd_customers(folder / "bgnbd.parquet", n_bg)
        rows.append(
            _fit(folder, "BG/NBD", "BetaGeo", "BetaGeoFitter", folder / "bgnbd.parquet", n_bg)
        )
        _pareto_customers(folder / "pareto.parquet", n_pareto)
        rows.append(
            _fit(
                folder,
                "Pareto/NBD",
                "ParetoNBD",
                "ParetoNBDFitter",
                folder / "pareto.parquet",
                n_pareto,
            )
        )
        _spend_customers(folder / "bgnbd.parquet")
        rows.append(_valuation("CDNOW-like", folder / "bgnbd.parquet"))
        report = _report_rfm(folder / "report_rfm.parquet", scale)
        rows.append(_valuation("cohort_ltv report bench", report))
    for row in rows:
        print(json.dumps(row), flush=True)
    return rows
