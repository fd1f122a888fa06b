"""The orders generator: deterministic, on contract, and its truth is what the data shows."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.io import read_table
from mkt_engineering.ltv import BetaGeo, GammaGamma, rfm_summary
from mkt_engineering.synthetic.orders import generate


@pytest.fixture(scope="module")
def demo():
    return generate()


def test_tables_pass_their_contracts(project_root):
    orders = read_table(project_root / "datasets/orders/orders.csv", table="orders")
    spend = read_table(project_root / "datasets/orders/spend.csv", table="spend")
    assert orders["order_id"].n_unique() == orders.height
    assert (orders["revenue"] >= 0).all() and (orders["margin"] <= orders["revenue"]).all()
    assert set(spend["channel"]) == set(orders["acquisition_channel"])


@settings(deadline=None, max_examples=5)
@given(st.integers(0, 10_000))
def test_same_seed_same_data(seed):
    first, second = generate(seed=seed, scale=0.05), generate(seed=seed, scale=0.05)
    for stem in first.tables:
        assert first.tables[stem].equals(second.tables[stem])
    assert json.dumps(first.truth, sort_keys=True) == json.dumps(second.truth, sort_keys=True)


def test_truth_counts_and_spend_match_the_data(demo):
    orders, spend, truth = demo.tables["orders"], demo.tables["spend"], demo.truth
    assert orders["customer_id"].n_unique() == truth["customers"]
    per_channel = orders.group_by("acquisition_channel").agg(
        pl.col("customer_id").n_unique().alias("n")
    )
    spend_total = spend.group_by("channel").agg(pl.col("spend").sum())
    for channel, spec in truth["channels"].items():
        n = per_channel.filter(pl.col("acquisition_channel") == channel)["n"].item()
        assert n == spec["customers"]
        # CAC truth: spend / acquired customers within the +-10% monthly noise (averaged).
        total = spend_total.filter(pl.col("channel") == channel)["spend"].item()
        assert total / n == pytest.approx(spec["cac"], rel=0.05)
    assert orders["order_date"].max().date().isoformat() <= truth["observation_end"]


def test_first_order_of_every_customer_is_its_acquisition(demo):
    orders = demo.tables["orders"]
    # Every customer keeps one acquisition channel.
    assert (
        orders.group_by("customer_id")
        .agg(pl.col("acquisition_channel").n_unique())["acquisition_channel"]
        .max()
        == 1
    )


def test_models_recover_the_true_parameters():
    """Recovery: fit BG/NBD and Gamma-Gamma per channel on a larger draw; the fit finds the truth.

    r and alpha are pinned well by 5,000+ customers; a and b less so (tolerances wider).
    """
    data = generate(seed=7, scale=2.0)
    orders, truth = data.tables["orders"], data.truth
    for channel in ("search", "social"):
        rfm = rfm_summary(
            orders.filter(pl.col("acquisition_channel") == channel), truth["observation_end"]
        )
        fitted = BetaGeo().fit(rfm)
        true = truth["channels"][channel]["bgnbd"]
        assert fitted.params_["r"] == pytest.approx(true["r"], rel=0.15)
        assert fitted.params_["alpha"] == pytest.approx(true["alpha"], rel=0.2)
        # The mean dropout probability a / (a + b) is identified better than a and b alone.
        dropout = fitted.params_["a"] / (fitted.params_["a"] + fitted.params_["b"])
        assert dropout == pytest.approx(true["a"] / (true["a"] + true["b"]), abs=0.07)
        spend = GammaGamma().fit(rfm)
        assert spend.population_mean_spend() == pytest.approx(
            truth["channels"][channel]["mean_order_value"], rel=0.1
        )


def test_repeat_purchase_counts_match_the_bgnbd_expectation(demo):
    """Independent of the fitting code: compare mean repeats with E[X(t)] at the true parameters."""
    from scipy.special import hyp2f1

    orders, truth = demo.tables["orders"], demo.truth
    rfm = rfm_summary(orders, truth["observation_end"]).join(
        orders.select("customer_id", "acquisition_channel").unique(), on="customer_id"
    )
    for channel, spec in truth["channels"].items():
        r, alpha, a, b = (spec["bgnbd"][k] for k in ("r", "alpha", "a", "b"))
        T = rfm.filter(pl.col("acquisition_channel") == channel)["T"].to_numpy()
        x = rfm.filter(pl.col("acquisition_channel") == channel)["frequency"].to_numpy()
        expected = (
            (a + b - 1)
            / (a - 1)
            * (1 - (alpha / (alpha + T)) ** r * hyp2f1(r, b, a + b - 1, T / (alpha + T)))
        )
        # Within 4 standard errors of the sample mean (heavy-tailed counts are noisy).
        standard_error = x.std() / np.sqrt(x.size)
        assert abs(x.mean() - expected.mean()) < 4 * standard_error, channel
