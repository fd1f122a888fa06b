"""Nurture timing: Kaplan-Meier + log-rank against lifelines, and the stage timeline at scale.

``run(scale)``:

1. **Kaplan-Meier with log-rank** on 1 million x `scale` leads in 4 groups (days to MQL
   with one decimal, about 60% censored). The kit: per-group curves with log-log
   bounds plus the log-rank test. lifelines 0.30: a `KaplanMeierFitter` per
   group (its default bounds are also log-log) plus `multivariate_logrank_test`. The kit
   call is `compare_groups`, i.e. both results from one shared risk table. Both sides
   get the same numpy arrays; the results are compared (chi-square, survival at day 30).
   Target (issue 7): the kit at least 5 times faster.
2. **Stage timeline** of 10 million x `scale` lead events (the demo leads copied with new
   ids, stored as Parquet in ``benchmarks/data/``, git-ignored, reused): `stage_timeline`
   on a lazy scan, run in a fresh child process so its peak resident memory is its own.

    flock /tmp/mkt-bench.lock .venv-bench/bin/python -m benchmarks.run --only nurture --scale 1
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from mkt_engineering.nurture.survival import compare_groups, survival_at

DATA_DIR = Path(__file__).resolve().parent / "data"
REPEATS = 3


def survival_data(leads: int, seed: int = 3) -> pl.DataFrame:
    """Days to MQL of `leads` leads in 4 personas with different speed, censored by the data end."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 4, leads)
    ready = rng.random(leads) < np.array([0.6, 0.5, 0.4, 0.3])[group]
    days = np.where(
        ready, np.array([25.0, 35.0, 45.0, 60.0])[group] * rng.weibull(1.4, leads), np.inf
    )
    observed = rng.uniform(1, 450, leads)
    return pl.DataFrame(
        {
            "days": np.round(np.minimum(days, observed), 1),
            "mql": (days <= observed).astype(np.int8),
            "persona": np.array(["it_manager", "developer", "cfo", "procurement"])[group],
        }
    )


def _kit(frame: pl.DataFrame):
    # curves with log-log bounds per group and the log-rank test, from one risk table
    return compare_groups(frame, duration="days", event="mql", group="persona")


def _lifelines(days: np.ndarray, mql: np.ndarray, persona: np.ndarray):
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    fitters = {}
    for name in np.unique(persona):
        rows = persona == name
        fitters[name] = KaplanMeierFitter().fit(days[rows], mql[rows], label=name)
    test = multivariate_logrank_test(days, persona, mql)
    return fitters, test


def _best(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def kaplan_meier_row(leads: int) -> dict:
    frame = survival_data(leads)
    days, mql, persona = (
        frame["days"].to_numpy(),
        frame["mql"].to_numpy(),
        frame["persona"].to_numpy(),
    )
    _kit(frame.head(1000))  # warm-up: imports and first-call costs
    kit_seconds, (curves, test) = _best(lambda: _kit(frame), REPEATS)
    peer_seconds, (fitters, peer_test) = _best(
        lambda: _lifelines(days, mql, persona), max(1, REPEATS - 1)
    )
    ours = float(survival_at(curves, [30.0], group="cfo")[0])
    theirs = float(fitters["cfo"].survival_function_at_times(30.0).iloc[0])
    return {
        "name": f"Kaplan-Meier + log-rank, {leads:,} leads in 4 groups",
        "kit_seconds": kit_seconds,
        "peer": "lifelines 0.30",
        "peer_seconds": peer_seconds,
        "ratio": peer_seconds / kit_seconds,
        "target": ">= 5x",
        "notes": (
            f"chi-square kit {test['chi_square'].item():.2f} "
            f"vs lifelines {peer_test.test_statistic:.2f}; "
            f"S_cfo(30) {ours:.5f} vs {theirs:.5f}; "
            f"best of {REPEATS} (kit) / {max(1, REPEATS - 1)} (lifelines)"
        ),
    }


def lead_events_file(events: int, seed: int = 42) -> Path:
    """Parquet of about `events` lead events: demo leads copied with new ids.

    The file is reused when present.
    """
    from mkt_engineering.synthetic.leads import generate

    path = DATA_DIR / f"lead_events_{events}.parquet"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    base = generate(seed=seed, scale=5.0).tables["lead_events"]  # ~9,000 leads, ~90,000 events
    copies = max(1, round(events / base.height))
    pl.concat(
        [base.lazy().with_columns(pl.col("lead_id") + f"_{k}") for k in range(copies)]
    ).sink_parquet(path)
    return path


CHILD = """
import json, resource, sys, time
import polars as pl
from mkt_engineering.nurture.timeline import stage_timeline
started = time.perf_counter()
timeline = stage_timeline(pl.scan_parquet(sys.argv[1]))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "leads": timeline.height}))
"""


def timeline_row(events: int) -> dict:
    path = lead_events_file(events)
    rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(2)
    ]
    best = min(runs, key=lambda r: r["seconds"])
    return {
        "name": f"stage timeline of {rows:,} lead events",
        "kit_seconds": best["seconds"],
        "peak_memory_mb": max(r["peak_mb"] for r in runs),
        "leads": best["leads"],
        "notes": "lazy scan of Parquet in a fresh process "
        "(peak RSS includes Python and imports); best of 2",
    }


def run(scale: float = 1.0) -> list[dict]:
    return [kaplan_meier_row(int(1_000_000 * scale)), timeline_row(int(10_000_000 * scale))]
