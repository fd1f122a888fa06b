"""Shapley values against the definition: all 2^n coalitions enumerated."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest

from mkt_engineering.attribution import shapley


def shapley_by_definition(paths: pl.DataFrame, column: str = "conversions") -> dict:
    """phi_i = sum over S without i of |S|!(n-|S|-1)!/n! (v(S+i) - v(S)).

    v(S) = outcome of the journeys inside S.
    """
    journeys = [(set(p), x) for p, x in paths.select("path", column).iter_rows()]
    players = sorted(set().union(*(s for s, _ in journeys)))
    n = len(players)

    def v(coalition: frozenset) -> float:
        return sum(x for s, x in journeys if s <= coalition)

    result = {}
    for player in players:
        others = [p for p in players if p != player]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                coalition = frozenset(subset)
                total += weight * (v(coalition | {player}) - v(coalition))
        result[player] = total
    return result


def test_closed_form_equals_enumeration():
    rng = np.random.default_rng(4)
    paths = pl.DataFrame(
        {
            "path": [list(rng.choice(list("abcdef"), rng.integers(1, 5))) for _ in range(30)],
            "conversions": rng.uniform(0, 3, 30),
            "value": rng.uniform(0, 90, 30),
        }
    )
    credit = shapley(paths)
    for column in ("conversions", "value"):
        assert dict(zip(credit["channel"], credit[column], strict=True)) == pytest.approx(
            shapley_by_definition(paths, column), rel=1e-12
        )


def test_ordered_variant_splits_by_first_position():
    paths = pl.DataFrame({"path": [["a", "b", "a"], ["b", "a"]], "conversions": [2.0, 4.0]})
    ordered = shapley(paths, ordered=True)
    assert ordered.select("channel", "position", "conversions").rows() == [
        ("a", 1, 1.0),
        ("a", 2, 2.0),
        ("b", 1, 2.0),
        ("b", 2, 1.0),
    ]
    totals = ordered.group_by("channel").agg(pl.col("conversions").sum()).sort("channel")
    assert (
        totals["conversions"].to_list() == shapley(paths).sort("channel")["conversions"].to_list()
    )
