"""The experiment generator: deterministic, on contract, truth consistent with the data."""

from __future__ import annotations

import io

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.io import read_table
from mkt_engineering.synthetic.experiment import generate


@settings(deadline=None, max_examples=5)
@given(st.integers(0, 10_000))
def test_same_seed_same_bytes(seed):
    first, second = (generate(seed=seed, scale=0.1).tables["experiment"] for _ in range(2))
    buffers = [io.StringIO(), io.StringIO()]
    first.write_csv(buffers[0])
    second.write_csv(buffers[1])
    assert buffers[0].getvalue() == buffers[1].getvalue()


@settings(deadline=None, max_examples=5)
@given(st.integers(0, 10_000))
def test_passes_its_contract(seed):
    frame = generate(seed=seed, scale=0.05).tables["experiment"]
    loaded = read_table(frame, "experiment")
    assert loaded.height == frame.height
    assert loaded["variant"].null_count() == 0


def test_shape_and_columns():
    frame = generate().tables["experiment"]
    assert frame.height == 20_000
    assert {
        "unit_id",
        "variant",
        "converted",
        "revenue",
        "orders",
        "sessions",
        "pre_sessions",
        "pre_revenue",
        "device",
        "country",
        "day",
    } <= set(frame.columns)
    assert frame["converted"].is_in([0, 1]).all()
    assert (frame["revenue"] >= 0).all() and (frame["orders"] <= frame["orders"].max()).all()
    new_users = frame["pre_sessions"].null_count() / frame.height
    assert 0.27 < new_users < 0.33
    # heavy tail: the top 1% of converting units hold a large share of the revenue
    revenue = np.sort(frame.filter(pl.col("converted") == 1)["revenue"].to_numpy())
    assert revenue[-len(revenue) // 100 :].sum() / revenue.sum() > 0.05


def test_truth_agrees_with_the_data():
    """Observed differences lie within 4 standard errors of the stated true effects."""
    data = generate(seed=7, scale=2.0)
    frame, truth = data.tables["experiment"], data.truth["effects"]
    arms = {v: frame.filter(pl.col("variant") == v) for v in ("control", "treatment")}
    for metric in ("converted", "revenue", "sessions"):
        values = [arms[v][metric].to_numpy().astype(float) for v in ("control", "treatment")]
        difference = values[1].mean() - values[0].mean()
        se = np.sqrt(sum(v.var(ddof=1) / v.size for v in values))
        assert abs(difference - truth[metric]["absolute"]) < 4 * se, metric


def test_srm_option_unbalances_the_split():
    healthy = generate(seed=3).tables["experiment"]["variant"].value_counts()
    broken = generate(seed=3, srm_share=0.1).tables["experiment"]["variant"].value_counts()
    share = dict(zip(broken["variant"], broken["count"], strict=True))
    assert share["treatment"] / share["control"] < 0.93
    assert healthy["count"].sum() == 20_000
