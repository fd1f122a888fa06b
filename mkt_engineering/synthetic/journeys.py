"""Omnichannel journeys with known truth: an additive-incremental and a Markov process.

Channels: online (search, social, display, email, affiliate, video, direct) and offline
(store_visit, catalogue, call_centre). Conversions carry a value and an ``outlet``
(online or store): a store purchase after online touches is research-online-purchase-
offline. Spend is per channel and week (offline too; direct costs nothing).

**Additive-incremental process** (`generate_additive`). Each journey converts with
probability ``baseline + sum of the lifts of the distinct channels it touched``. So a
channel's true incremental conversions are known exactly: lift x number of journeys that
touched it. Channels have typical positions (display and video early, direct and e-mail
late), which is what fools position-based rules.

**Markov process** (`generate_markov`). Journeys walk a known first-order transition
matrix from a start distribution to conversion or null. The truth is the exact removal
effect of each channel in that matrix, and the credit they imply.

Examples
--------
>>> data = generate_additive(seed=1, scale=0.05)
>>> sorted(data.tables)
['conversions', 'spend', 'touchpoints']
>>> data.tables["touchpoints"].columns
['customer_id', 'timestamp', 'channel', 'campaign', 'interaction']
>>> round(sum(data.truth["true_share"].values()), 9)
1.0
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from mkt_engineering.synthetic.base import SyntheticData

CHANNELS = (
    "search",
    "social",
    "display",
    "email",
    "affiliate",
    "video",
    "direct",
    "store_visit",
    "catalogue",
    "call_centre",
)
OFFLINE = ("store_visit", "catalogue", "call_centre")
INTERACTION = {
    "search": "click",
    "social": "click",
    "display": "impression",
    "email": "open",
    "affiliate": "click",
    "video": "view",
    "direct": "visit",
    "store_visit": "visit",
    "catalogue": "mail",
    "call_centre": "call",
}
# money per touch, for the weekly spend table (direct is free)
COST_PER_TOUCH = {
    "search": 1.10,
    "social": 0.45,
    "display": 0.20,
    "email": 0.04,
    "affiliate": 0.80,
    "video": 0.35,
    "store_visit": 1.50,
    "catalogue": 1.20,
    "call_centre": 3.50,
}
# additive process: how often a touch is of each channel, its typical position, its lift
REACH = {
    "search": 0.18,
    "social": 0.14,
    "display": 0.14,
    "email": 0.12,
    "affiliate": 0.06,
    "video": 0.07,
    "direct": 0.14,
    "store_visit": 0.07,
    "catalogue": 0.05,
    "call_centre": 0.03,
}
POSITION_BIAS = {
    "search": 0.1,
    "social": -0.3,
    "display": -0.5,
    "email": 0.3,
    "affiliate": 0.0,
    "video": -0.4,
    "direct": 0.5,
    "store_visit": 0.2,
    "catalogue": -0.2,
    "call_centre": 0.3,
}
LIFT = {
    "search": 0.06,
    "social": 0.02,
    "display": 0.01,
    "email": 0.03,
    "affiliate": 0.03,
    "video": 0.015,
    "direct": 0.01,
    "store_visit": 0.10,
    "catalogue": 0.04,
    "call_centre": 0.08,
}
BASELINE = 0.02
PERIOD_START = datetime(2026, 1, 5)  # a Monday, so weeks start on Mondays
PERIOD_DAYS = 112
JOURNEY_DAYS = 21  # every journey fits well inside a 30-day lookback
VALUE_LOG_MEAN, VALUE_LOG_SD = 4.2, 0.6  # conversion value: lognormal, median about 67
STORE_VALUE_FACTOR = 1.3


def _journey_starts(rng: np.random.Generator, customers: int) -> tuple[np.ndarray, np.ndarray]:
    """Customer index and start day of each journey; 15% of customers come back later."""
    first = rng.uniform(0, PERIOD_DAYS - 2 * JOURNEY_DAYS - 35, customers)
    again = np.flatnonzero(rng.random(customers) < 0.15)
    # the second journey starts after the first plus a full lookback window
    second = first[again] + JOURNEY_DAYS + 35 + rng.uniform(0, 10, again.size)
    return np.concatenate([np.arange(customers), again]), np.concatenate([first, second])


def _values(
    rng: np.random.Generator, store_probability: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    store = rng.random(store_probability.size) < store_probability
    value = np.exp(rng.normal(VALUE_LOG_MEAN, VALUE_LOG_SD, store.size)) * np.where(
        store, STORE_VALUE_FACTOR, 1.0
    )
    return np.round(value, 2), store


def _expected_value(store_probability: np.ndarray) -> np.ndarray:
    return np.exp(VALUE_LOG_MEAN + VALUE_LOG_SD**2 / 2) * (
        1 + (STORE_VALUE_FACTOR - 1) * store_probability
    )


def _timestamps(seconds: np.ndarray) -> pl.Series:
    """Seconds after the period start as Datetime("us")."""
    offsets = pl.Series(seconds * 1_000_000).cast(pl.Duration("us"))
    return pl.select((pl.lit(PERIOD_START) + offsets).cast(pl.Datetime("us"))).to_series()


def _tables(
    rng, customer, start_day, journey, channel, offset_days, converted, value, store, conv_delay
):
    """Build touchpoints, conversions and spend from per-touch and per-journey arrays."""
    ids = np.array([f"c{i:06d}" for i in range(customer.max() + 1)])
    names = np.array(CHANNELS)
    touch_time = start_day[journey] + offset_days
    months = np.array(["jan", "feb", "mar", "apr", "may", "jun"])[
        (touch_time // 30.5).astype(int).clip(0, 5)
    ]
    seconds = np.round(touch_time * 86400).astype("int64")
    touchpoints = pl.DataFrame(
        {
            "customer_id": ids[customer[journey]],
            "timestamp": _timestamps(seconds),
            "channel": names[channel],
            "campaign": np.char.add(np.char.add(names[channel], "_"), months),
            "interaction": np.vectorize(INTERACTION.get)(names[channel]),
        }
    ).sort("timestamp", "customer_id")
    last_touch = np.full(start_day.size, -np.inf)
    np.maximum.at(last_touch, journey, touch_time)
    conv_day = last_touch[converted] + conv_delay
    conversions = pl.DataFrame(
        {
            "customer_id": ids[customer[converted]],
            "timestamp": _timestamps(np.round(conv_day * 86400).astype("int64")),
            "value": value,
            "outlet": np.where(store, "store", "online"),
        }
    ).sort("timestamp", "customer_id")
    return touchpoints, conversions, _spend(rng, touchpoints)


def _spend(rng: np.random.Generator, touchpoints: pl.DataFrame) -> pl.DataFrame:
    weeks = pl.DataFrame(
        {
            "period_start": pl.date_range(
                PERIOD_START.date(),
                PERIOD_START.date() + timedelta(days=PERIOD_DAYS - 1),
                "1w",
                eager=True,
            )
        }
    )
    paid = pl.DataFrame({"channel": list(COST_PER_TOUCH)})
    counts = touchpoints.group_by(
        pl.col("channel"), pl.col("timestamp").dt.truncate("1w").dt.date().alias("period_start")
    ).len()
    grid = (
        paid.join(weeks, how="cross")
        .join(counts, on=["channel", "period_start"], how="left")
        .sort("channel", "period_start")
    )
    cost = grid["channel"].replace_strict(COST_PER_TOUCH, return_dtype=pl.Float64).to_numpy()
    noise = rng.lognormal(0.0, 0.1, grid.height)
    spend = np.round(grid["len"].fill_null(0).to_numpy() * cost * noise, 2)
    return grid.select("channel", "period_start").with_columns(spend=pl.Series(spend))


def generate_additive(*, seed: int = 42, scale: float = 1.0) -> SyntheticData:
    """Journeys whose conversion probability is baseline + the lifts of their channels."""
    rng = np.random.default_rng(seed)
    customer, start_day = _journey_starts(rng, max(20, round(3000 * scale)))
    journeys = start_day.size
    lengths = 1 + rng.poisson(2.2, journeys)
    journey = np.repeat(np.arange(journeys), lengths)
    channel = rng.choice(len(CHANNELS), journey.size, p=np.array(list(REACH.values())))
    # order touches by a noisy typical position; pair them with sorted touch times
    key = rng.random(journey.size) + np.array(list(POSITION_BIAS.values()))[channel]
    channel = channel[np.lexsort((key, journey))]
    offset = rng.uniform(0, JOURNEY_DAYS, journey.size)
    offset = offset[np.lexsort((offset, journey))]
    touched = np.zeros((journeys, len(CHANNELS)), dtype=bool)
    touched[journey, channel] = True
    lift = np.array(list(LIFT.values()))
    probability = BASELINE + touched @ lift
    converted = np.flatnonzero(rng.random(journeys) < probability)
    offline = touched[:, [CHANNELS.index(c) for c in OFFLINE]].any(axis=1)
    store_probability = np.where(offline, 0.55, 0.15)
    value, store = _values(rng, store_probability[converted])
    delay = rng.uniform(0.02, 3.0, converted.size)
    touchpoints, conversions, spend = _tables(
        rng, customer, start_day, journey, channel, offset, converted, value, store, delay
    )
    expected_value = _expected_value(store_probability)
    incremental = touched.sum(axis=0) * lift
    incremental_value = (touched * expected_value[:, None]).sum(axis=0) * lift
    truth = {
        "process": "additive-incremental",
        "description": "P(convert) = baseline + sum of lifts of the distinct channels touched; "
        "true incremental conversions = lift x journeys that touched the channel.",
        "baseline": BASELINE,
        "lift": LIFT,
        "reach": REACH,
        "position_bias": POSITION_BIAS,
        "journeys": int(journeys),
        "customers": int(customer.max() + 1),
        "observed_conversions": int(converted.size),
        "expected_conversions": float(probability.sum()),
        "conversions_sd": float(np.sqrt((probability * (1 - probability)).sum())),
        "baseline_conversions": float(BASELINE * journeys),
        "journeys_touching": dict(zip(CHANNELS, touched.sum(axis=0).tolist(), strict=True)),
        "true_incremental_conversions": dict(zip(CHANNELS, incremental.tolist(), strict=True)),
        "true_incremental_value": dict(
            zip(CHANNELS, np.round(incremental_value, 2).tolist(), strict=True)
        ),
        "true_share": dict(zip(CHANNELS, (incremental / incremental.sum()).tolist(), strict=True)),
        "lookback_days": 30,
    }
    return SyntheticData(
        "journeys", {"touchpoints": touchpoints, "conversions": conversions, "spend": spend}, truth
    )


# Markov process: start distribution and, per channel, next-step probabilities. Rows give
# conversion and null first, then the channels; they are normalised to sum to 1.
MARKOV_START = {
    "search": 0.22,
    "social": 0.18,
    "display": 0.16,
    "email": 0.08,
    "affiliate": 0.06,
    "video": 0.08,
    "direct": 0.10,
    "store_visit": 0.05,
    "catalogue": 0.05,
    "call_centre": 0.02,
}
MARKOV_END = {  # (conversion, null) per step from each channel
    "search": (0.08, 0.22),
    "social": (0.01, 0.34),
    "display": (0.005, 0.35),
    "email": (0.06, 0.25),
    "affiliate": (0.05, 0.30),
    "video": (0.01, 0.35),
    "direct": (0.10, 0.25),
    "store_visit": (0.18, 0.25),
    "catalogue": (0.03, 0.30),
    "call_centre": (0.20, 0.25),
}
MARKOV_NEXT_BIAS = {
    "search": 1.6,
    "social": 0.8,
    "display": 0.6,
    "email": 1.2,
    "affiliate": 0.6,
    "video": 0.5,
    "direct": 1.4,
    "store_visit": 0.9,
    "catalogue": 0.5,
    "call_centre": 0.4,
}


def markov_matrix() -> tuple[np.ndarray, np.ndarray]:
    """The true chain: start probabilities (n) and transitions (n x n+2; conv, null, channels)."""
    start = np.array([MARKOV_START[c] for c in CHANNELS])
    bias = np.array([MARKOV_NEXT_BIAS[c] for c in CHANNELS])
    rows = []
    for i, name in enumerate(CHANNELS):
        conv, null = MARKOV_END[name]
        moves = bias.copy()
        moves[i] *= 0.3  # repeats of the same channel are rarer
        rows.append(np.concatenate([[conv, null], (1 - conv - null) * moves / moves.sum()]))
    return start / start.sum(), np.array(rows)


def markov_truth(start: np.ndarray, transitions: np.ndarray) -> dict:
    """Exact conversion probability and removal effects of a first-order chain (dense solve)."""
    n = start.size
    inner, to_conversion = transitions[:, 2:], transitions[:, 0]

    def probability(kept: np.ndarray) -> float:
        system = np.eye(kept.sum()) - inner[np.ix_(kept, kept)]
        return float(start[kept] @ np.linalg.solve(system, to_conversion[kept]))

    everything = np.ones(n, dtype=bool)
    base = probability(everything)
    effects = np.array([1 - probability(everything & (np.arange(n) != c)) / base for c in range(n)])
    return {
        "conversion_probability": base,
        "removal_effects": effects,
        "removed_probability": base * (1 - effects),
    }


def generate_markov(*, seed: int = 42, scale: float = 1.0) -> SyntheticData:
    """Journeys drawn from a known first-order Markov chain over the channels."""
    rng = np.random.default_rng(seed)
    customer, start_day = _journey_starts(rng, max(20, round(3000 * scale)))
    journeys = start_day.size
    start, transitions = markov_matrix()
    cumulative = np.cumsum(transitions, axis=1)
    state = rng.choice(len(CHANNELS), journeys, p=start)
    active = np.arange(journeys)
    steps_j, steps_c = [active.copy()], [state.copy()]
    outcome = np.full(journeys, -1)
    # walk all journeys one step at a time (a loop over steps, not over rows)
    while active.size:
        u = rng.random(active.size)
        move = (u[:, None] > cumulative[state]).sum(axis=1)
        move = np.minimum(move, transitions.shape[1] - 1)
        ended = move < 2
        outcome[active[ended]] = move[ended]
        active, state = active[~ended], move[~ended] - 2
        steps_j.append(active.copy())
        steps_c.append(state.copy())
    journey = np.concatenate(steps_j)
    channel = np.concatenate(steps_c)
    step = np.concatenate([np.full(a.size, k) for k, a in enumerate(steps_j)])
    order = np.lexsort((step, journey))
    journey, channel = journey[order], channel[order]
    gaps = rng.exponential(1.0, journey.size)
    offset = np.cumsum(gaps)
    first = np.searchsorted(journey, np.arange(journeys))
    offset = offset - np.repeat(
        offset[first] - gaps[first], np.bincount(journey, minlength=journeys)
    )
    span = np.zeros(journeys)
    np.maximum.at(span, journey, offset)
    offset = offset * np.minimum(1.0, JOURNEY_DAYS / span)[journey]  # long walks are squeezed
    converted = np.flatnonzero(outcome == 0)
    last = channel[np.r_[first[1:], journey.size] - 1]
    store_probability = np.where(np.isin(last, [CHANNELS.index(c) for c in OFFLINE]), 0.6, 0.15)
    value, store = _values(rng, store_probability[converted])
    delay = rng.uniform(0.02, 2.0, converted.size)
    touchpoints, conversions, spend = _tables(
        rng, customer, start_day, journey, channel, offset, converted, value, store, delay
    )
    exact = markov_truth(start, transitions)
    shares = exact["removal_effects"] / exact["removal_effects"].sum()
    expected = journeys * exact["conversion_probability"]
    truth = {
        "process": "first-order Markov chain",
        "description": "Journeys walk the transition matrix below; truth is the exact removal "
        "effect of each channel and the credit it implies (expected conversions x share).",
        "channels": list(CHANNELS),
        "start_probabilities": dict(zip(CHANNELS, start.tolist(), strict=True)),
        "transitions": {
            c: dict(zip(("(conversion)", "(null)", *CHANNELS), row.tolist(), strict=True))
            for c, row in zip(CHANNELS, transitions, strict=True)
        },
        "journeys": int(journeys),
        "customers": int(customer.max() + 1),
        "observed_conversions": int(converted.size),
        "conversion_probability": exact["conversion_probability"],
        "expected_conversions": float(expected),
        "conversions_sd": float(
            np.sqrt(
                journeys * exact["conversion_probability"] * (1 - exact["conversion_probability"])
            )
        ),
        "removal_effects": dict(zip(CHANNELS, exact["removal_effects"].tolist(), strict=True)),
        "true_incremental_conversions": dict(
            zip(
                CHANNELS,
                (
                    journeys * (exact["conversion_probability"] - exact["removed_probability"])
                ).tolist(),
                strict=True,
            )
        ),
        "true_credit": dict(zip(CHANNELS, (expected * shares).tolist(), strict=True)),
        "true_share": dict(zip(CHANNELS, shares.tolist(), strict=True)),
        "lookback_days": 30,
    }
    return SyntheticData(
        "journeys_markov",
        {"touchpoints": touchpoints, "conversions": conversions, "spend": spend},
        truth,
    )
