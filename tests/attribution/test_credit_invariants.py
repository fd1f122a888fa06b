"""Invariants for random path sets (hypothesis)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.attribution import compare, markov, shapley

CHANNELS = list("abcde")
path_rows = st.lists(
    st.tuples(
        st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=5),
        st.floats(0, 5, allow_nan=False).map(lambda x: round(x, 2)),
        st.floats(0, 5, allow_nan=False).map(lambda x: round(x, 2)),
        st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 2)),
    ),
    min_size=1,
    max_size=12,
)
MODELS = [
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "position_based",
    "shapley",
    "markov",
    ("markov", {"order": 2}),
]


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "path": [r[0] for r in rows],
            "conversions": [r[1] for r in rows],
            "non_conversions": [r[2] + (1.0 if r[1] == 0 else 0.0) for r in rows],
            "value": [r[3] if r[1] > 0 else 0.0 for r in rows],
        },
        schema={
            "path": pl.List(pl.String),
            "conversions": pl.Float64,
            "non_conversions": pl.Float64,
            "value": pl.Float64,
        },
    )


@settings(deadline=None, max_examples=25)
@given(path_rows)
def test_credit_sums_to_totals(rows):
    paths = frame(rows)
    result = compare(paths, MODELS).group_by("model").agg(pl.col("conversions", "value").sum())
    for conversions, value in result.select("conversions", "value").iter_rows():
        assert conversions == pytest.approx(paths["conversions"].sum(), rel=1e-9, abs=1e-12)
        assert value == pytest.approx(paths["value"].sum(), rel=1e-9, abs=1e-9)


@settings(deadline=None, max_examples=20)
@given(path_rows, st.permutations(CHANNELS))
def test_relabelling_permutes_credit(rows, permutation):
    mapping = dict(zip(CHANNELS, permutation, strict=True))
    paths = frame(rows)
    renamed = paths.with_columns(pl.col("path").list.eval(pl.element().replace_strict(mapping)))
    before = compare(paths, MODELS).with_columns(pl.col("channel").replace_strict(mapping))
    after = compare(renamed, MODELS)
    joined = before.join(after, on=["model", "channel"], how="full", coalesce=True).fill_null(0.0)
    assert (joined["conversions"] - joined["conversions_right"]).abs().max() < 1e-9


@settings(deadline=None, max_examples=20)
@given(path_rows)
def test_channel_never_in_converting_path_gets_nothing(rows):
    paths = pl.concat(
        [
            frame(rows),
            pl.DataFrame(
                {"path": [["zz"]], "conversions": [0.0], "non_conversions": [3.0], "value": [0.0]}
            ),
        ]
    )
    converting = set(paths.filter(pl.col("conversions") > 0)["path"].explode().to_list())
    models = ["first_touch", "last_touch", "last_non_direct", "linear", "position_based", "shapley"]
    credited = compare(paths, models).filter(pl.col("conversions") != 0)["channel"].to_list()
    assert set(credited) <= converting
    # Markov: a channel seen only in non-converting paths of its own never leads to conversion
    assert "zz" not in markov(paths).filter(pl.col("conversions") > 0)["channel"].to_list()


@settings(deadline=None, max_examples=20)
@given(path_rows)
def test_shapley_symmetry(rows):
    # y always appears together with x (as its twin), so x and y are symmetric players
    paths = frame(rows).with_columns(
        pl.col("path").list.eval(pl.element().replace("a", "x")).list.concat(pl.lit(["y"]))
    )
    paths = paths.with_columns(
        pl.when(pl.col("path").list.contains("x"))
        .then(pl.col("path"))
        .otherwise(pl.col("path").list.set_difference(["y"]))
    )
    paths = paths.filter(pl.col("path").list.len() > 0)
    credit = dict(zip(*shapley(paths).select("channel", "conversions").get_columns(), strict=True))
    assert credit.get("x", 0.0) == pytest.approx(credit.get("y", 0.0), abs=1e-9)
