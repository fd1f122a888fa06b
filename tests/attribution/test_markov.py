"""Markov removal effects: the published hand example and a brute-force chain for order 2-3."""

from __future__ import annotations

import importlib
import itertools
from fractions import Fraction

import numpy as np
import polars as pl
import pytest

from mkt_engineering.attribution.markov import MarkovModel

# the package exports a function named markov, so fetch the module itself
markov_module = importlib.import_module("mkt_engineering.attribution.markov")

HAND = pl.DataFrame(
    {
        "path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
        "conversions": [2.0, 0, 1, 1, 0],
        "non_conversions": [1.0, 2, 1, 0, 1],
    }
)


def test_hand_example_from_reference_readme():
    """Reference README, Attribution: P = 4/9; removal effects 7/12, 1, 1/6.

    Credit 1.3333, 2.2857, 0.3810.
    """
    model = MarkovModel(1).fit(HAND)
    assert model.conversion_probability_ == pytest.approx(4 / 9, rel=1e-12)
    effects = dict(zip(model.credit_["channel"], model.credit_["removal_effect"], strict=True))
    assert effects == pytest.approx({"A": 7 / 12, "B": 1.0, "C": 1 / 6}, rel=1e-12)
    credit = dict(zip(model.credit_["channel"], model.credit_["conversions"], strict=True))
    total = Fraction(7, 12) + 1 + Fraction(1, 6)
    exact = {"A": 4 * Fraction(7, 12) / total, "B": 4 / total, "C": 4 * Fraction(1, 6) / total}
    assert credit == pytest.approx({k: float(v) for k, v in exact.items()}, rel=1e-12)
    assert [round(credit[c], 4) for c in "ABC"] == [1.3333, 2.2857, 0.3810]


def brute_force(paths: pl.DataFrame, order: int, removed: str | None = None) -> tuple[float, float]:
    """Independent dense solve: states are tuples of the last `order` channels (dicts, loops)."""
    counts: dict = {}
    for path, conv, null, value in paths.select(
        "path", "conversions", "non_conversions", "value"
    ).iter_rows():
        states = [("START",)] + [
            tuple(path[max(0, i - order + 1) : i + 1]) for i in range(len(path))
        ]
        for a, b in itertools.pairwise(states):
            counts.setdefault(a, {}).setdefault(b, [0.0, 0.0])
            counts[a][b][0] += conv + null
        counts.setdefault(states[-1], {}).setdefault("CONV", [0.0, 0.0])
        counts[states[-1]]["CONV"][0] += conv
        counts[states[-1]]["CONV"][1] += value
        counts[states[-1]].setdefault("NULL", [0.0, 0.0])
        counts[states[-1]]["NULL"][0] += null
    states = sorted(
        set(counts) | {b for row in counts.values() for b in row} - {"CONV", "NULL"}, key=str
    )
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    q = np.zeros((n, n))
    r = np.zeros((n, 2))
    for a, row in counts.items():
        total = sum(v[0] for v in row.values())
        for b, (w, val) in row.items():
            if b == "CONV":
                r[index[a]] = [w / total, val / total]
            elif b != "NULL" and not (removed is not None and removed in b):
                q[index[a], index[b]] = w / total
    x = np.linalg.solve(np.eye(n) - q, r)
    return tuple(x[index[("START",)]])


def random_paths(seed: int, channels: str = "abcd", rows: int = 40) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    paths = [list(rng.choice(list(channels), rng.integers(1, 6))) for _ in range(rows)]
    conversions = rng.integers(0, 4, rows).astype(float) * rng.choice([1.0, 0.5], rows)
    return pl.DataFrame(
        {
            "path": paths,
            "conversions": conversions,
            "non_conversions": rng.integers(0, 6, rows).astype(float) + (conversions == 0),
            "value": np.round(conversions * rng.uniform(10, 100, rows), 2),
        }
    )


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("iterative", [False, True])
def test_removal_effects_match_brute_force(order, iterative, monkeypatch):
    if iterative:  # force the Krylov solver that large chains use
        monkeypatch.setattr(markov_module, "DIRECT_LIMIT", 0)
    paths = random_paths(order)
    model = MarkovModel(order).fit(paths)
    probability, value = brute_force(paths, order)
    assert model.conversion_probability_ == pytest.approx(probability, rel=1e-10)
    assert model.expected_value_ == pytest.approx(value, rel=1e-10)
    for channel, effect, value_effect in model.credit_.select(
        "channel", "removal_effect", "value_removal_effect"
    ).iter_rows():
        removed_probability, removed_value = brute_force(paths, order, channel)
        assert effect == pytest.approx(1 - removed_probability / probability, abs=1e-10)
        assert value_effect == pytest.approx(1 - removed_value / value, abs=1e-10)


@pytest.mark.parametrize("order", [1, 2, 4])
def test_credit_sums_to_totals(order):
    paths = random_paths(10 + order)
    credit = MarkovModel(order).fit(paths).credit_
    assert credit["conversions"].sum() == pytest.approx(paths["conversions"].sum(), rel=1e-9)
    assert credit["value"].sum() == pytest.approx(paths["value"].sum(), rel=1e-9)


def test_transition_matrix_rows_sum_to_one():
    matrix = MarkovModel(2).fit(random_paths(3)).transition_matrix_
    sums = matrix.group_by("from_state").agg(pl.col("probability").sum())["probability"]
    assert np.allclose(sums.to_numpy(), 1.0)
    first = MarkovModel(1).fit(HAND).transition_matrix_
    row = first.filter(pl.col("from_state") == "(start)").sort("to_state")
    assert row["probability"].to_list() == pytest.approx([6 / 9, 2 / 9, 1 / 9])


def test_order_is_checked():
    with pytest.raises(ValueError, match="order"):
        MarkovModel(5)


def test_iterative_solver_without_values(monkeypatch):
    monkeypatch.setattr(markov_module, "DIRECT_LIMIT", 0)
    paths = random_paths(7).with_columns(value=pl.lit(0.0))
    model = MarkovModel(2).fit(paths)
    assert model.conversion_probability_ == pytest.approx(brute_force(paths, 2)[0], rel=1e-10)
    assert model.credit_["value"].sum() == 0.0
    channel = model.credit_["channel"][0]
    removed = brute_force(paths, 2, channel)[0]
    assert model.credit_["removal_effect"][0] == pytest.approx(
        1 - removed / model.conversion_probability_, abs=1e-10
    )


def test_state_numbering_by_sorting_matches_brute_force(monkeypatch):
    """Many channels at order 4 number states and transitions by sorting instead of tables."""
    monkeypatch.setattr(markov_module, "LOOKUP_LIMIT", 0)
    paths = random_paths(5)
    model = MarkovModel(3).fit(paths)
    probability = brute_force(paths, 3)[0]
    assert model.conversion_probability_ == pytest.approx(probability, rel=1e-10)
    for channel, effect in model.credit_.select("channel", "removal_effect").iter_rows():
        removed = brute_force(paths, 3, channel)[0]
        assert effect == pytest.approx(1 - removed / probability, abs=1e-10)


def test_visits_of_the_full_chain_are_the_observed_ones():
    """The fitted chain reproduces the observed flows: its expected visits per journey solve
    w = e_start + Q^T w, which is why the iterative path needs no solve for the full chain."""
    model = MarkovModel(2).fit(random_paths(9))
    q = model._matrix.toarray()
    start = np.zeros(model.states_)
    start[0] = 1.0
    assert model._visits == pytest.approx(
        np.linalg.solve(np.eye(model.states_) - q.T, start), rel=1e-12
    )


def test_iterative_breakdown_falls_back_to_a_direct_solve(monkeypatch):
    """Neither the batched iteration nor BiCGSTAB settles: each scenario is solved by LU."""
    monkeypatch.setattr(markov_module, "DIRECT_LIMIT", 0)
    monkeypatch.setattr(
        markov_module,
        "_two_level_steps",
        lambda forward, mask, direction, *rest: np.zeros_like(direction),
    )
    monkeypatch.setattr(markov_module, "_bicgstab", lambda operator, rhs, initial: (initial, False))
    paths = random_paths(4)
    model = MarkovModel(2).fit(paths)
    channel = model.credit_["channel"][0]
    removed = brute_force(paths, 2, channel)[0]
    assert model.credit_["removal_effect"][0] == pytest.approx(
        1 - removed / model.conversion_probability_, abs=1e-10
    )


def test_chain_with_two_slow_loops_is_finished_by_bicgstab(monkeypatch):
    """Two channels that each repeat for ~40 touches and rarely hand over give the chain
    two slow modes; the batched iteration removes only one, so its columns stop short
    and BiCGSTAB must finish them, to the same exact answer."""
    monkeypatch.setattr(markov_module, "DIRECT_LIMIT", 0)
    finished = []
    bicgstab = markov_module._bicgstab

    def counting(operator, rhs, initial):
        finished.append(1)
        return bicgstab(operator, rhs, initial)

    monkeypatch.setattr(markov_module, "_bicgstab", counting)
    rng = np.random.default_rng(0)
    paths = []
    for _ in range(60):
        first, other = rng.permutation(["a", "b"])
        runs = [first] * int(rng.integers(20, 60)) + [other] * int(rng.integers(20, 60))
        paths.append(runs + list(rng.choice(["c", "d"], 2)))
    frame = pl.DataFrame(
        {
            "path": paths,
            "conversions": rng.integers(0, 3, 60).astype(float),
            "non_conversions": rng.integers(1, 3, 60).astype(float),
        }
    )
    frame = frame.with_columns(value=pl.col("conversions") * 10.0)
    model = MarkovModel(1).fit(frame)
    assert finished, "the slow chain should reach the BiCGSTAB fallback"
    probability = brute_force(frame, 1)[0]
    for channel, effect in model.credit_.select("channel", "removal_effect").iter_rows():
        removed = brute_force(frame, 1, channel)[0]
        assert effect == pytest.approx(1 - removed / probability, abs=1e-10)


def test_batched_solve_matches_a_dense_solve_per_scenario():
    """`_removal_visits` against numpy's dense solve of (I - M Q^T M) w = e_start.

    Column by column.
    """
    model = MarkovModel(3)
    paths = random_paths(21, channels="abcdef", rows=300)
    model.fit(paths)
    forward = model._matrix.T.tocsr()
    keep = np.ascontiguousarray(~model._contains())
    visits = markov_module._removal_visits(forward, model._visits, keep)
    dense = forward.toarray()
    start = np.zeros(model.states_)
    start[0] = 1.0
    for column in range(keep.shape[1]):
        mask = np.diag(keep[:, column].astype(float))
        exact = np.linalg.solve(np.eye(model.states_) - mask @ dense @ mask, start)
        assert visits[:, column] == pytest.approx(exact, rel=1e-10, abs=1e-13)
