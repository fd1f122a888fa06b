"""Orders of customers acquired over 24 months from several channels, with known truth.

Each acquisition channel brings customers with its own buying behaviour:

- while alive, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha) per week and
  drops out after each repeat purchase with probability p ~ Beta(a, b) (BG/NBD);
- each order's revenue is z ~ Gamma(p, nu) with the customer's nu ~ Gamma(q, v)
  (Gamma-Gamma), so a customer's mean order value is p / nu;
- margin is a channel-specific share of revenue;
- the ``spend`` table holds acquisition spend per channel and month: customers acquired
  times the channel's cost per acquisition (CAC), with a little noise.

The truth (``truth.json``) has all parameters per channel, in weeks, so models can be
checked against them.

Examples
--------
>>> data = generate(seed=1, scale=0.05)
>>> sorted(data.tables)
['orders', 'spend']
>>> data.tables["orders"].columns
['customer_id', 'order_date', 'revenue', 'order_id', 'acquisition_channel', 'margin']
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl

from mkt_engineering.synthetic.base import SyntheticData

START = datetime(2024, 1, 1)
MONTHS = 24
OBSERVATION_END = date(2025, 12, 31)

# Per channel: BG/NBD (weekly), Gamma-Gamma, cost per acquired customer, margin share and
# customers acquired per month at scale 1. Search buys often and spends most; social
# brings many cheap customers who leave soon.
CHANNELS: dict[str, dict] = {
    "search": {
        "bgnbd": {"r": 0.30, "alpha": 5.0, "a": 0.8, "b": 3.0},
        "gammagamma": {"p": 6.0, "q": 4.0, "v": 15.0},
        "cac": 18.0,
        "margin_rate": 0.35,
        "customers_per_month": 100,
    },
    "social": {
        "bgnbd": {"r": 0.20, "alpha": 6.0, "a": 1.2, "b": 2.0},
        "gammagamma": {"p": 5.0, "q": 4.0, "v": 12.0},
        "cac": 9.0,
        "margin_rate": 0.30,
        "customers_per_month": 110,
    },
    "affiliate": {
        "bgnbd": {"r": 0.25, "alpha": 4.0, "a": 0.9, "b": 2.5},
        "gammagamma": {"p": 6.0, "q": 3.5, "v": 12.0},
        "cac": 12.0,
        "margin_rate": 0.25,
        "customers_per_month": 55,
    },
    "display": {
        "bgnbd": {"r": 0.15, "alpha": 7.0, "a": 1.1, "b": 1.5},
        "gammagamma": {"p": 4.0, "q": 4.0, "v": 12.0},
        "cac": 14.0,
        "margin_rate": 0.30,
        "customers_per_month": 45,
    },
}


def _acquisitions(rng: np.random.Generator, scale: float) -> pl.DataFrame:
    """One row per customer: channel and acquisition time (weeks after START)."""
    month_starts = [
        START.replace(year=START.year + m // 12, month=m % 12 + 1) for m in range(MONTHS + 1)
    ]
    offsets = np.array([(d - START).total_seconds() / 86400 / 7 for d in month_starts])
    channels, times, months = [], [], []
    growth = np.linspace(0.8, 1.2, MONTHS)  # the business grows over the two years
    for name, spec in CHANNELS.items():
        counts = rng.poisson(spec["customers_per_month"] * scale * growth)
        month = np.repeat(np.arange(MONTHS), counts)
        within = rng.random(month.size) * (offsets[month + 1] - offsets[month])
        channels += [name] * month.size
        times.append(offsets[month] + within)
        months.append(month)
    return pl.DataFrame(
        {
            "acquisition_channel": channels,
            "acquired_week": np.concatenate(times),
            "month": np.concatenate(months),
        }
    ).sort("acquired_week")


def _repeat_purchases(rng, lam, p, horizon):
    """Repeat purchase times (weeks after acquisition) under BG/NBD, vectorised.

    A customer makes Poisson(lambda * horizon) potential purchases at uniform times, but
    drops out after a Geometric(p)-th repeat purchase, so only the first min(N, D) happen.
    """
    potential = rng.poisson(lam * horizon)
    dropout_after = rng.geometric(np.clip(p, 1e-12, 1))
    kept = np.minimum(potential, dropout_after)
    owner = np.repeat(np.arange(lam.size), potential)
    times = rng.random(owner.size) * horizon[owner]
    order = np.lexsort((times, owner))
    owner, times = owner[order], times[order]
    first_index = np.concatenate([[0], np.cumsum(potential)[:-1]])
    rank = np.arange(owner.size) - first_index[owner]
    keep = rank < kept[owner]
    return owner[keep], times[keep]


def generate(*, seed: int = 42, scale: float = 1.0) -> SyntheticData:
    """Orders and acquisition spend of about 7,400 customers (scale 1) over 24 months."""
    rng = np.random.default_rng(seed)
    customers = _acquisitions(rng, scale)
    n = customers.height
    channel = customers["acquisition_channel"].to_numpy()
    end_week = (
        (datetime.combine(OBSERVATION_END, datetime.max.time()) - START).total_seconds() / 86400 / 7
    )
    horizon = end_week - customers["acquired_week"].to_numpy()

    def per_channel(model: str, name: str) -> np.ndarray:
        return np.array([CHANNELS[c][model][name] for c in channel])

    lam = rng.gamma(per_channel("bgnbd", "r"), 1 / per_channel("bgnbd", "alpha"))
    dropout = rng.beta(per_channel("bgnbd", "a"), per_channel("bgnbd", "b"))
    nu = rng.gamma(per_channel("gammagamma", "q"), 1 / per_channel("gammagamma", "v"))

    owner, weeks = _repeat_purchases(rng, lam, dropout, horizon)
    owner = np.concatenate([np.arange(n), owner])  # the first order at acquisition
    weeks = np.concatenate([np.zeros(n), weeks])
    revenue = np.round(rng.gamma(per_channel("gammagamma", "p")[owner], 1 / nu[owner]), 2)
    margin_rate = np.array([CHANNELS[c]["margin_rate"] for c in channel])[owner]
    seconds = np.round((customers["acquired_week"].to_numpy()[owner] + weeks) * 7 * 86400)

    orders = (
        pl.DataFrame(
            {
                "customer_id": [f"c{i + 1:05d}" for i in range(n)],
                "acquisition_channel": channel,
            }
        )[owner]
        .with_columns(
            (pl.lit(START) + pl.duration(seconds=pl.Series(seconds.astype(np.int64))))
            .cast(pl.Datetime("us"))
            .alias("order_date"),
            pl.Series("revenue", revenue),
            pl.Series("margin", np.round(revenue * margin_rate, 2)),
        )
        .sort("order_date", "customer_id")
        .with_columns(
            pl.format("o{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(6)).alias(
                "order_id"
            )
        )
        .select("customer_id", "order_date", "revenue", "order_id", "acquisition_channel", "margin")
    )
    spend = _spend(rng, customers)
    truth = {
        "description": (
            "BG/NBD buying with Gamma-Gamma spend per acquisition channel; time unit weeks."
        ),
        "time_unit": "W",
        "start": START.date().isoformat(),
        "observation_end": OBSERVATION_END.isoformat(),
        "customers": n,
        "channels": {
            name: {
                **spec,
                "customers": int((channel == name).sum()),
                "mean_order_value": spec["gammagamma"]["p"]
                * spec["gammagamma"]["v"]
                / (spec["gammagamma"]["q"] - 1),
            }
            for name, spec in CHANNELS.items()
        },
        "notes": (
            "cac is the expected spend per acquired customer; spend has +-10% noise per month."
        ),
    }
    return SyntheticData("orders", {"orders": orders, "spend": spend}, truth)


def _spend(rng: np.random.Generator, customers: pl.DataFrame) -> pl.DataFrame:
    counts = customers.group_by("acquisition_channel", "month").agg(pl.len().alias("acquired"))
    grid = pl.DataFrame({"acquisition_channel": list(CHANNELS)}).join(
        pl.DataFrame({"month": np.arange(MONTHS)}), how="cross"
    )
    table = grid.join(counts, on=["acquisition_channel", "month"], how="left").with_columns(
        pl.col("acquired").fill_null(0)
    )
    cac = np.array([CHANNELS[c]["cac"] for c in table["acquisition_channel"]])
    noise = rng.lognormal(0, 0.1, table.height)
    starts = [date(START.year + m // 12, m % 12 + 1, 1) for m in table["month"]]
    return pl.DataFrame(
        {
            "channel": table["acquisition_channel"],
            "period_start": pl.Series(starts, dtype=pl.Date),
            "spend": np.round(table["acquired"].to_numpy() * cac * noise, 2),
        }
    ).sort("channel", "period_start")
