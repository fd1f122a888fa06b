"""The journeys generators: deterministic, on contract, truth consistent with the data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.synthetic.journeys import (
    CHANNELS,
    generate_additive,
    generate_markov,
    markov_matrix,
    markov_truth,
)


@settings(deadline=None, max_examples=4)
@given(st.integers(0, 10_000))
def test_deterministic_per_seed(seed):
    for generate in (generate_additive, generate_markov):
        a, b = generate(seed=seed, scale=0.05), generate(seed=seed, scale=0.05)
        for stem in a.tables:
            assert a.tables[stem].equals(b.tables[stem])
        assert a.truth == b.truth


@settings(deadline=None, max_examples=4)
@given(st.integers(0, 10_000))
def test_true_conversions_sum_to_the_observed_total(seed):
    additive = generate_additive(seed=seed, scale=0.5).truth
    expected = additive["baseline_conversions"] + sum(
        additive["true_incremental_conversions"].values()
    )
    assert expected == pytest.approx(additive["expected_conversions"], rel=1e-12)
    assert abs(additive["observed_conversions"] - expected) < 4 * additive["conversions_sd"]
    chain = generate_markov(seed=seed, scale=0.5).truth
    assert sum(chain["true_credit"].values()) == pytest.approx(chain["expected_conversions"])
    assert (
        abs(chain["observed_conversions"] - chain["expected_conversions"])
        < 4 * chain["conversions_sd"]
    )


def test_tables_follow_the_contracts_and_offline_is_present():
    data = generate_additive(seed=5, scale=0.3)
    touchpoints, conversions, spend = (
        data.tables[k] for k in ("touchpoints", "conversions", "spend")
    )
    assert touchpoints.schema["timestamp"] == pl.Datetime("us")
    assert set(touchpoints["channel"]) == set(CHANNELS)
    assert spend.schema["period_start"] == pl.Date and (spend["spend"] >= 0).all()
    assert {"store_visit", "catalogue", "call_centre"} <= set(spend["channel"])
    assert (conversions["value"] >= 0).all() and set(conversions["outlet"]) == {"online", "store"}
    # research online, purchase offline: store purchases after online-only journeys exist
    assert conversions.filter(pl.col("outlet") == "store").height > 0


def test_markov_truth_by_monte_carlo():
    """Independent check of the exact removal effects: simulate the chain with a channel removed."""
    start, transitions = markov_matrix()
    exact = markov_truth(start, transitions)
    rng = np.random.default_rng(0)
    cumulative = np.cumsum(transitions, axis=1)

    def simulate(removed: int | None, n: int = 200_000) -> float:
        state = rng.choice(len(CHANNELS), n, p=start)
        alive, converted = np.ones(n, bool), np.zeros(n, bool)
        alive &= state != removed
        while alive.any():
            idx = np.flatnonzero(alive)
            move = (
                (rng.random(idx.size)[:, None] > cumulative[state[idx]])
                .sum(axis=1)
                .clip(max=transitions.shape[1] - 1)
            )
            converted[idx[move == 0]] = True
            alive[idx[move < 2]] = False
            going = idx[move >= 2]
            state[going] = move[move >= 2] - 2
            alive[going[state[going] == removed]] = False
        return converted.mean()

    assert simulate(None) == pytest.approx(exact["conversion_probability"], abs=0.004)
    search = CHANNELS.index("search")
    assert simulate(search) == pytest.approx(exact["removed_probability"][search], abs=0.004)
