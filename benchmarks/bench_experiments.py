"""A/B tests: `analyze` on 10 million unit rows against gbstats 0.8.0 fed the same aggregates,
and 10,000 vectorized A/A simulations of a 14-look sequential test.

gbstats has no reduction step (its SQL layer does that in the warehouse), so the comparison
is: the kit's time from unit rows to results, the time of its one lazy reduction, and
gbstats' time on the per-arm sums the reduction produced. The numbers must agree: effect and
standard error exactly (to 1e-9 relative), p-values and intervals to 1e-6 (gbstats uses a
Welch t-distribution for proportions and ratios, the kit a z-test; with millions of units they
agree to about 1e-7 of a standard error).

Run: ``flock /tmp/mkt-bench.lock .venv-bench/bin/python -m benchmarks.run --only experiments``
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from mkt_engineering.experiments import (
    AnalysisPlan,
    analyze,
    mean_test,
    proportion_test,
    ratio_test,
)
from mkt_engineering.experiments.frequentist import EffectEstimate
from mkt_engineering.experiments.reduction import covariate_columns, prepare, reduce_moments
from mkt_engineering.experiments.sequential import (
    group_sequential_test,
    msprt_p_values,
)
from mkt_engineering.experiments.simulate import daily_conversions
from mkt_engineering.experiments.stats import RatioStats, SampleStats

FULL_ROWS = 10_000_000


def make_units(rows: int, seed: int = 1) -> pl.DataFrame:
    """Unit rows like the demo experiment, built column by column in numpy (no Python loop)."""
    rng = np.random.default_rng(seed)
    treated = rng.random(rows) < 0.5
    activity = rng.gamma(1.5, 1 / 1.5, rows)
    converted = (
        rng.random(rows) < np.minimum(0.02 + 0.075 * activity + 0.0006 * treated, 0.6)
    ).astype(np.int8)
    orders = converted * (1 + rng.poisson(0.25, rows)).astype(np.int16)
    pre = rng.poisson(6 * activity).astype(np.float64)
    pre[rng.random(rows) < 0.3] = np.nan
    return pl.DataFrame(
        {
            "variant": pl.Series(np.where(treated, "treatment", "control")).cast(pl.Categorical),
            "day": rng.integers(1, 15, rows).astype(np.int16),
            "device": pl.Series(
                np.array(["mobile", "desktop", "tablet"])[rng.choice(3, rows, p=[0.6, 0.3, 0.1])]
            ).cast(pl.Categorical),
            "country": pl.Series(
                np.array(["DE", "AT", "CH", "NL"])[rng.choice(4, rows, p=[0.5, 0.2, 0.15, 0.15])]
            ).cast(pl.Categorical),
            "converted": converted,
            "revenue": np.round(orders * rng.lognormal(3.6, 1.0, rows), 2),
            "orders": orders,
            "sessions": (1 + rng.poisson(3 * activity)).astype(np.int16),
            "pre_sessions": pl.Series(pre, nan_to_null=True),
        }
    )


def _gbstats_results(arms: dict) -> tuple[dict, float]:
    from gbstats.frequentist.tests import FrequentistConfig, TwoSidedTTest
    from gbstats.models.statistics import ProportionStatistic, RatioStatistic, SampleMeanStatistic

    config = FrequentistConfig(difference_type="absolute")
    started = time.perf_counter()
    out = {}
    c, t = arms["control"], arms["treatment"]
    out["converted"] = TwoSidedTTest(
        ProportionStatistic(n=c["n"], sum=c["s|converted"]),
        ProportionStatistic(n=t["n"], sum=t["s|converted"]),
        config,
    ).compute_result()
    out["revenue"] = TwoSidedTTest(
        SampleMeanStatistic(n=c["n"], sum=c["s|revenue"], sum_squares=c["p|revenue|revenue"]),
        SampleMeanStatistic(n=t["n"], sum=t["s|revenue"], sum_squares=t["p|revenue|revenue"]),
        config,
    ).compute_result()

    def ratio(a):
        return RatioStatistic(
            n=a["n"],
            m_statistic=SampleMeanStatistic(
                n=a["n"], sum=a["s|orders"], sum_squares=a["p|orders|orders"]
            ),
            d_statistic=SampleMeanStatistic(
                n=a["n"], sum=a["s|sessions"], sum_squares=a["p|sessions|sessions"]
            ),
            m_d_sum_of_products=a["p|orders|sessions"],
        )

    out["orders/sessions"] = TwoSidedTTest(ratio(c), ratio(t), config).compute_result()
    return out, time.perf_counter() - started


def _kit_results(arms: dict) -> dict[str, EffectEstimate]:
    c, t = arms["control"], arms["treatment"]
    return {
        "converted": proportion_test((c["s|converted"], c["n"]), (t["s|converted"], t["n"])),
        "revenue": mean_test(
            SampleStats(c["n"], c["s|revenue"], c["p|revenue|revenue"]),
            SampleStats(t["n"], t["s|revenue"], t["p|revenue|revenue"]),
        ),
        "orders/sessions": ratio_test(
            *(
                RatioStats(
                    a["n"],
                    a["s|orders"],
                    a["s|sessions"],
                    a["p|orders|orders"],
                    a["p|sessions|sessions"],
                    a["p|orders|sessions"],
                )
                for a in (c, t)
            )
        ),
    }


def _sequential_simulation() -> tuple[float, float, float, float]:
    """10,000 A/A experiments, 14 daily looks: mSPRT and O'Brien-Fleming. Cold and warm timings."""
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        data = daily_conversions(10_000, 14_000, 0.10, 0.0, 14, seed=len(timings))
        n = data["units"]
        z = proportion_test((data["control"], n), (data["treatment"], n))
        msprt = msprt_p_values(z.effect, z.standard_error**2, tau=0.01)[:, -1] < 0.05
        gst = group_sequential_test(z.effect / z.standard_error, n[0] / n[0, -1])["rejected"]
        timings.append(time.perf_counter() - started)
    return timings[0], timings[1], float(msprt.mean()), float(gst.mean())


def run(scale: float = 1.0) -> list[dict]:
    rows = int(FULL_ROWS * scale)
    units = make_units(rows)
    plan = AnalysisPlan(
        "converted",
        secondary_metrics=["revenue", "orders/sessions"],
        covariates=["pre_sessions"],
        segments=["device", "country"],
        day_column="day",
        mde=0.005,
    )

    started = time.perf_counter()
    lazy = prepare(units.lazy(), ["pre_sessions"])
    columns = ["converted", "revenue", "orders", "sessions", *covariate_columns(["pre_sessions"])]
    pairs = [(m, m) for m in ("converted", "revenue", "orders", "sessions")] + [
        ("orders", "sessions")
    ]
    pairs += [(m, c) for m in ("converted", "revenue") for c in covariate_columns(["pre_sessions"])]
    reduced = reduce_moments(lazy, by=["variant"], columns=columns, pairs=pairs)
    reduction_seconds = time.perf_counter() - started

    started = time.perf_counter()
    result = analyze(units.lazy(), plan)
    analyze_seconds = time.perf_counter() - started

    arms = {str(r["variant"]): r for r in reduced.iter_rows(named=True)}
    kit = _kit_results(arms)
    peer, peer_seconds = _gbstats_results(arms)
    rows_out = []
    for metric, ours in kit.items():
        theirs = peer[metric]
        differences = {
            "effect": abs(ours.effect - theirs.expected) / abs(theirs.expected),
            "se": abs(ours.standard_error - theirs.uplift.stddev) / theirs.uplift.stddev,
            "ci": max(abs(ours.ci_low - theirs.ci[0]), abs(ours.ci_high - theirs.ci[1]))
            / theirs.uplift.stddev,
            "p": abs(ours.p_value - theirs.p_value),
        }
        same = (
            differences["effect"] < 1e-9
            and differences["se"] < 1e-9
            and differences["ci"] < 1e-6
            and differences["p"] < 1e-6
        )
        rows_out.append(
            {
                "name": f"{metric}: kit vs gbstats",
                "rows": rows,
                "check": f"{'IDENTICAL' if same else 'DIFFERENT'}: effect {ours.effect:.6g} "
                f"vs {theirs.expected:.6g}, p {ours.p_value:.6g} vs {theirs.p_value:.6g}, "
                f"max diff {max(differences.values()):.1e}",
            }
        )
    cold, warm, msprt_rate, gst_rate = _sequential_simulation()
    rows_out += [
        {
            "name": "analyze (3 metrics, CUPED, 2 segments, 14 days)",
            "rows": rows,
            "kit_seconds": analyze_seconds,
            "check": result.verdict.headline,
        },
        {
            "name": "reduction to per-arm sums (one lazy group_by)",
            "rows": rows,
            "kit_seconds": reduction_seconds,
            "peer_seconds": peer_seconds,
            "check": "peer = gbstats 0.8.0 tests on these sums (it has no reduction)",
        },
        {
            "name": "10,000 A/A x 14 looks, mSPRT + OBF (cold)",
            "rows": 10_000,
            "kit_seconds": cold,
            "check": f"{'under' if cold < 1 else 'OVER'} 1 s; false-positive rate mSPRT "
            f"{msprt_rate:.4f}, OBF {gst_rate:.4f}",
        },
        {
            "name": "same, bounds cached",
            "rows": 10_000,
            "kit_seconds": warm,
            "check": f"{'under' if warm < 1 else 'OVER'} 1 s",
        },
    ]
    return rows_out
