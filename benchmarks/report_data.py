"""Inputs of the end-to-end report benchmark: each report's exports at 10 million rows.

Every data set is a folder of Parquet files in the git-ignored cache ``.cache/bench/reports/``
(written chunk by chunk, vectorised, with a ``.complete`` marker), made once and reused. The
shapes are those of the data contracts in /work/shared/DESIGN.md:

- ``orders``: customer_id, order_date, revenue, acquisition_channel (one per customer) and a
  monthly ``spend`` per channel, for cohort_ltv: customers who buy till they die, with
  rates, lifetimes and spend that differ between them (BG/NBD and Gamma-Gamma processes;
  lifetimes reads the same files).
- ``touchpoints`` / ``conversions``: ``engine_data.journeys_folders`` (8 channels, uniform
  over four years) plus a weekly ``spend`` per channel, for attribution.
- ``lead_events`` / ``leads``: the demo leads (datasets/leads) resampled with replacement,
  each copy with a new lead_id and its events moved back by up to 30 days, for
  nurture_timing. Resampling whole leads keeps the event grammar of a real marketing
  automation export (created, emails, MQL, sales contact, won or lost) that the report reads.
- ``experiment``: the demo experiment's unit rows resampled with replacement under new
  unit ids, for ab_test: the arms, metrics, covariates (with their gaps) and segments keep
  their joint distribution.

Each function returns ``{input name: path}``, the ``--data`` arguments of ``mkt run``.

Run ``python -m benchmarks.report_data --rows 10000000`` to write them all ahead of a bench.
"""

from __future__ import annotations

import argparse
import math
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks import engine_data
from mkt_engineering.reporting.demo_inputs import demo_files

CACHE = engine_data.CACHE / "reports"
CHANNELS = engine_data.CHANNELS
LEADS_CHUNK = 100_000  # resampled leads per Parquet file: about a million events
UNITS_CHUNK = 2_000_000


def _complete(folder: Path) -> bool:
    return (folder / ".complete").exists()


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _customer_channels(customers: int) -> np.ndarray:
    """The acquisition channel of each customer (skewed like real mixes: search first)."""
    weights = np.array([0.3, 0.2, 0.15, 0.1, 0.08, 0.08, 0.05, 0.04])
    rng = np.random.default_rng([customers, 7])
    return rng.choice(len(CHANNELS), size=customers, p=weights)


def _monthly_spend(first: date, last: date, seed: int, weekly: bool = False) -> pl.DataFrame:
    """Spend per channel and period (month or week), a few thousand per channel and month."""
    interval = "1w" if weekly else "1mo"
    periods = pl.date_range(first, last, interval, eager=True)
    rng = np.random.default_rng(seed)
    grid = pl.DataFrame({"channel": CHANNELS}).join(
        pl.DataFrame({"period_start": periods}), how="cross"
    )
    scale = 1_000.0 if weekly else 4_000.0
    return grid.with_columns(spend=pl.Series(np.round(rng.gamma(4.0, scale / 4.0, grid.height), 2)))


def _customer_orders(rows: int, customers: int, seed: int) -> pl.DataFrame:
    """Orders of customers who buy till they die: heterogeneous rates, dropout and spend.

    Each customer is acquired on a day uniform over the four years (her first order), then
    buys as a Poisson process (rate ~ Gamma(1, 1/30 days)) and drops out after each repeat
    purchase with probability ~ Beta(1, 10), the BG/NBD story; her orders are worth
    Gamma(6.25, nu) with nu ~ Gamma(3.74, 1/15.44), the Gamma-Gamma story with CDNOW's
    estimates. About 10.7 orders per customer come out; random repeat orders are dropped to
    give exactly ``rows`` (a uniform thinning, so still the same kind of process). Real
    purchase histories differ between customers in rate, lifetime and spend; orders drawn
    independently of the customer would make every model fit run into its boundary.
    """
    rng = np.random.default_rng([seed, customers])
    span = (engine_data.OBSERVATION_END - engine_data.FIRST_DAY).days + 1
    acquired = rng.integers(0, span, customers)
    rate = rng.gamma(1.0, 1.0 / 30.0, customers)
    repeats = np.minimum(rng.geometric(rng.beta(1.0, 10.0, customers)), 400)
    owner = np.repeat(np.arange(customers), repeats)
    elapsed = np.cumsum(rng.exponential(1.0, owner.size) / rate[owner])
    before = np.concatenate([[0.0], elapsed[np.cumsum(repeats)[:-1] - 1]])
    days = elapsed - np.repeat(before, repeats)  # days since the first order, per customer
    kept = np.flatnonzero(days <= (span - 1 - acquired)[owner])
    extra = kept.size + customers - rows
    if extra > 0:
        kept = np.sort(rng.choice(kept, kept.size - extra, replace=False))
    customer = np.concatenate([np.arange(customers), owner[kept]])
    day = np.concatenate([acquired, acquired[owner[kept]] + np.floor(days[kept]).astype(int)])
    seconds = day * 86_400 + rng.integers(0, 86_400, customer.size)
    start = np.datetime64(engine_data.FIRST_DAY.isoformat(), "s")
    nu = rng.gamma(3.74, 1.0 / 15.44, customers)
    revenue = np.maximum(np.round(rng.gamma(6.25, 1.0, customer.size) / nu[customer], 2), 0.01)
    channel = np.asarray(CHANNELS)[_customer_channels(customers)]
    return pl.DataFrame(
        {
            "customer_id": pl.Series(customer).cast(pl.String).str.zfill(7).str.replace("^", "c"),
            "order_date": (start + seconds.astype("timedelta64[s]")).astype("datetime64[us]"),
            "revenue": revenue,
            "acquisition_channel": channel[customer],
        }
    ).sort("order_date")


def orders(rows: int = 10_000_000, customers: int = 1_000_000) -> dict[str, Path]:
    """cohort_ltv's orders (``rows`` orders of ``customers`` customers) and monthly spend.

    The orders come from `_customer_orders` (a buy-till-you-die process, not the engine
    bench's orders, whose customers do not differ in rate or spend); lifetimes reads the
    same files.
    """
    folder = CACHE / f"customer_orders_{rows}_{customers}"
    if not _complete(folder):
        frame = _customer_orders(rows, customers, seed=16)
        _fresh(folder)
        (folder / "orders").mkdir()
        chunk = engine_data.CHUNK_ROWS // 4
        for number, offset in enumerate(range(0, frame.height, chunk)):
            frame.slice(offset, chunk).write_parquet(
                folder / "orders" / f"part-{number:03d}.parquet"
            )
        _monthly_spend(engine_data.FIRST_DAY, engine_data.OBSERVATION_END, rows).write_parquet(
            folder / "spend.parquet"
        )
        (folder / ".complete").touch()
    return {"orders": folder / "orders", "spend": folder / "spend.parquet"}


def journeys(touches: int = 10_000_000, customers: int = 1_000_000) -> dict[str, Path]:
    """attribution's touchpoints, conversions (one per two customers) and weekly spend."""
    touchpoints, conversions = engine_data.journeys_folders(touches, customers, customers // 2)
    spend = CACHE / f"journeys_spend_{touches}.parquet"
    if not spend.exists():
        spend.parent.mkdir(parents=True, exist_ok=True)
        first = engine_data.FIRST_DAY
        _monthly_spend(first, engine_data.OBSERVATION_END, touches, weekly=True).write_parquet(
            spend
        )
    return {"touchpoints": touchpoints, "conversions": conversions, "spend": spend}


def _resampled_leads(leads: pl.DataFrame, count: int, seed: int) -> pl.DataFrame:
    """``count`` leads drawn with replacement: new_id, the original lead_id, a time shift."""
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "source_lead": leads["lead_id"].gather(rng.integers(0, leads.height, count)),
            "shift_s": rng.integers(0, 30 * 86_400, count),
        }
    )


def lead_events(rows: int = 10_000_000) -> dict[str, Path]:
    """nurture_timing's lead events (about ``rows`` events) and one row per lead."""
    folder = CACHE / f"lead_events_{rows}"
    if _complete(folder):
        return {"lead_events": folder / "lead_events", "leads": folder / "leads"}
    files = demo_files("nurture_timing")
    events = pl.read_csv(files["lead_events"], try_parse_dates=True)
    leads = pl.read_csv(files["leads"])
    count = math.ceil(rows * leads.height / events.height)
    _fresh(folder)
    for number, start in enumerate(range(0, count, LEADS_CHUNK)):
        size = min(LEADS_CHUNK, count - start)
        drawn = _resampled_leads(leads, size, seed=number).with_columns(
            lead_id=pl.format("l{}", (pl.int_range(pl.len()) + start).cast(pl.String).str.zfill(8))
        )
        name = f"part-{number:03d}.parquet"
        drawn.join(events, left_on="source_lead", right_on="lead_id", maintain_order="left").select(
            "lead_id",
            pl.col("timestamp") - pl.duration(seconds=pl.col("shift_s")),
            *[c for c in events.columns if c not in ("lead_id", "timestamp")],
        ).write_parquet(folder / "lead_events" / name, mkdir=True)
        drawn.join(leads, left_on="source_lead", right_on="lead_id", maintain_order="left").select(
            "lead_id", *[c for c in leads.columns if c != "lead_id"]
        ).write_parquet(folder / "leads" / name, mkdir=True)
    (folder / ".complete").touch()
    return {"lead_events": folder / "lead_events", "leads": folder / "leads"}


def experiment(rows: int = 10_000_000) -> dict[str, Path]:
    """ab_test's unit rows: the demo experiment resampled to ``rows`` units."""
    folder = CACHE / f"experiment_{rows}"
    if _complete(folder):
        return {"experiment": folder}
    units = pl.read_csv(demo_files("ab_test")["experiment"])
    _fresh(folder)
    for number, start in enumerate(range(0, rows, UNITS_CHUNK)):
        size = min(UNITS_CHUNK, rows - start)
        pick = np.random.default_rng([number, rows]).integers(0, units.height, size)
        units[pick].with_columns(
            unit_id=pl.format("u{}", (pl.int_range(pl.len()) + start).cast(pl.String).str.zfill(9))
        ).write_parquet(folder / f"part-{number:03d}.parquet")
    (folder / ".complete").touch()
    return {"experiment": folder}


# The inputs of each benchmarked report at a given size.
REPORT_INPUTS = {
    "cohort_ltv": lambda rows: orders(rows, max(rows // 10, 1_000)),
    "attribution": lambda rows: journeys(rows, max(rows // 10, 1_000)),
    "nurture_timing": lead_events,
    "ab_test": experiment,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    for report, make in REPORT_INPUTS.items():
        print(report, {name: str(path) for name, path in make(args.rows).items()})


if __name__ == "__main__":
    main()
