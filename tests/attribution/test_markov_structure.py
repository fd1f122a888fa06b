"""Markov refits on resampled counts from paths read once (MarkovStructure) against full refits."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.attribution.compare import run_model
from mkt_engineering.attribution.markov import MarkovModel, MarkovStructure
from mkt_engineering.attribution.paths import as_paths
from mkt_engineering.attribution.uncertainty import _interval, _resample, bootstrap

EDGES = pl.DataFrame(
    {
        "path": [
            ["A", "B"],
            ["A", "A", "A"],  # the same transition three times in one path
            ["C"],  # reached by this path only: gone when it has no journeys
            ["B", "D", "B", "D"],
            ["D", "A", "C", "B"],
            ["E", "B"],  # channel E only here
            ["B"],
        ],
        "conversions": [3.0, 1.0, 0.0, 2.0, 1.0, 1.0, 4.0],
        "non_conversions": [2.0, 4.0, 1.0, 1.0, 0.0, 2.0, 3.0],
        "value": [30.0, 12.0, 0.0, 25.0, 9.0, 11.0, 38.0],
    }
)


def _by_channel(credit: pl.DataFrame, channels: list[str]) -> np.ndarray:
    """(channels x 2) conversions and value, 0 for a channel the credit does not have."""
    rows = dict(
        zip(
            credit["channel"], zip(credit["conversions"], credit["value"], strict=True), strict=True
        )
    )
    return np.array([rows.get(c, (0.0, 0.0)) for c in channels])


def _assert_same_model(paths: pl.DataFrame, structure: MarkovStructure, order: int, counts) -> None:
    """The structure's fit equals MarkovModel.fit on the paths with these counts."""
    conversions, non_conversions, value = counts
    sample = paths.with_columns(
        conversions=pl.Series(conversions),
        non_conversions=pl.Series(non_conversions),
        value=pl.Series(value),
    )
    reference = MarkovModel(order).fit(sample)
    fitted = structure.fit(conversions, non_conversions, value)
    assert fitted.channels_ == reference.channels_
    assert fitted.states_ == reference.states_
    assert fitted.state_names() == reference.state_names()
    assert (fitted._matrix != reference._matrix).nnz == 0
    channels = structure.channels
    np.testing.assert_allclose(
        _by_channel(fitted.credit_, channels),
        _by_channel(reference.credit_, channels),
        rtol=1e-9,
        atol=0,
    )
    assert fitted.conversion_probability_ == pytest.approx(
        reference.conversion_probability_, rel=1e-12
    )
    assert fitted.expected_value_ == pytest.approx(reference.expected_value_, rel=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_edge_cases_equal_a_refit(order):
    """Paths without journeys drop their states, transitions and channels (C, E), a
    repeated transition counts as often as it is made, and a path keeps its own counts."""
    structure = MarkovStructure(EDGES, order)
    conversions = EDGES["conversions"].to_numpy()
    non_conversions = EDGES["non_conversions"].to_numpy()
    value = EDGES["value"].to_numpy()
    _assert_same_model(EDGES, structure, order, (conversions, non_conversions, value))
    gone = np.array([1.0, 1, 0, 1, 1, 0, 1])  # C > ... and E > B have no journeys
    _assert_same_model(
        EDGES, structure, order, (conversions * gone, non_conversions * gone, value * gone)
    )
    fitted = structure.fit(conversions * gone, non_conversions * gone, value * gone)
    assert fitted.channels_ == ["A", "B", "C", "D"]  # C stays on D > A > C > B
    # a path without journeys but with a value (as a table may hold it): left out, value too
    _assert_same_model(EDGES, structure, order, (conversions * gone, non_conversions * gone, value))
    only = np.array([0.0, 0, 0, 0, 0, 1, 0])
    _assert_same_model(EDGES, structure, order, (only * 2, only * 3, only * 20))
    assert structure.fit(only * 2, only * 3, only * 20).channels_ == ["B", "E"]
    rng = np.random.default_rng(order)
    for _ in range(5):  # counts that differ per path: a misaligned path shows
        draw = rng.integers(0, 4, (2, EDGES.height)).astype(float)
        draw[:, 0] += 1  # at least one journey
        _assert_same_model(EDGES, structure, order, (draw[0], draw[1], draw[0] * 7.5))


def test_counts_must_be_one_per_path():
    structure = MarkovStructure(EDGES, 1)
    with pytest.raises(ValueError, match="one count per path"):
        structure.fit(np.ones(3), np.ones(3))


@pytest.fixture(scope="module")
def demo_paths():
    from mkt_engineering.attribution.paths import paths_from_touchpoints
    from mkt_engineering.io import load_table
    from mkt_engineering.paths import DATASETS_DIR

    folder = DATASETS_DIR / "journeys_markov"
    touches = load_table(folder / "touchpoints.csv", "touchpoints").frame
    conversions = load_table(folder / "conversions.csv", "conversions").frame
    paths = paths_from_touchpoints(touches, conversions)
    return as_paths(paths).sort("path", "conversions", "non_conversions", "value")


@pytest.mark.parametrize("order", [1, 2, 4])
def test_demo_resamples_equal_refits(demo_paths, order):
    """Bootstrap resamples of the demo journeys (order 4 has a large chain, solved
    iteratively): the same chain and credit as a refit of each resample."""
    structure = MarkovStructure(demo_paths, order)
    conversions, non_conversions = _resample(demo_paths, 3, np.random.default_rng(order))
    original = demo_paths["conversions"].to_numpy()
    per_conversion = np.divide(
        demo_paths["value"].to_numpy(), original, out=np.zeros_like(original), where=original > 0
    )
    assert ((conversions + non_conversions) == 0).any()  # some paths drop out of a resample
    for i in range(conversions.shape[0]):
        counts = (conversions[i], non_conversions[i], conversions[i] * per_conversion)
        _assert_same_model(demo_paths, structure, order, counts)


def _refit_bootstrap(paths: pl.DataFrame, model, n: int, seed: int) -> pl.DataFrame:
    """The bootstrap as it was: run_model on every resample (the reference)."""
    paths = as_paths(paths).sort("path", "conversions", "non_conversions", "value")
    point = run_model(paths, model)
    channels = point["channel"].to_list()
    conversions, non_conversions = _resample(paths, n, np.random.default_rng(seed))
    original = paths["conversions"].to_numpy()
    per_conversion = np.divide(
        paths["value"].to_numpy(), original, out=np.zeros_like(original), where=original > 0
    )
    credit, value = np.zeros((n, len(channels))), np.zeros((n, len(channels)))
    for i in range(n):
        sample = paths.with_columns(
            conversions=pl.Series(conversions[i]),
            non_conversions=pl.Series(non_conversions[i]),
            value=pl.Series(conversions[i] * per_conversion),
        )
        both = _by_channel(run_model(sample, model), channels)
        credit[i], value[i] = both[:, 0], both[:, 1]
    lower, upper = _interval(credit, 0.95)
    value_lower, value_upper = _interval(value, 0.95)
    return point.with_columns(
        lower=pl.Series(lower),
        upper=pl.Series(upper),
        value_lower=pl.Series(value_lower),
        value_upper=pl.Series(value_upper),
    )


@pytest.mark.parametrize(
    ("paths_name", "model"),
    [("demo", "markov"), ("demo", ("markov", {"order": 2})), ("edges", ("markov", {"order": 2}))],
)
def test_bootstrap_equals_refitting_every_resample(demo_paths, paths_name, model):
    paths = demo_paths if paths_name == "demo" else EDGES
    fast = bootstrap(paths, model, n=20, seed=3)
    slow = _refit_bootstrap(paths, model, n=20, seed=3)
    assert fast["channel"].to_list() == slow["channel"].to_list()
    for column in ("conversions", "value", "lower", "upper", "value_lower", "value_upper"):
        np.testing.assert_allclose(
            fast[column].to_numpy(), slow[column].to_numpy(), rtol=1e-9, atol=0
        )
