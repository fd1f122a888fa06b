"""The acquisition channel of each customer: her first order's, ties broken alike everywhere.

`purchase_days` finds it as the minimum of one integer per order (time x channels + the
channel's rank, `days.ChannelKey`). The reference here sorts all orders by time and then
channel (nulls last) and takes each customer's first row: the rule of `first_channel`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.ltv import days as days_module
from mkt_engineering.ltv.days import purchase_days

CHANNELS = ["search", "email", None, "social", "Ädwords", "direct"]


def _orders(seed: int, n: int, *, spread_hours: int = 48) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = datetime(2024, 3, 1)
    # few distinct instants, so several orders of a customer share one (ties)
    hours = rng.integers(0, spread_hours, n)
    return pl.DataFrame(
        {
            "customer_id": rng.integers(0, max(1, n // 4), n).astype(str),
            "order_date": [start + timedelta(hours=int(h)) for h in hours],
            "revenue": rng.gamma(2.0, 10.0, n),
            "acquisition_channel": [CHANNELS[i] for i in rng.integers(0, len(CHANNELS), n)],
        }
    )


def _reference(orders: pl.DataFrame) -> dict:
    ordered = orders.sort("order_date", "acquisition_channel", nulls_last=True, maintain_order=True)
    firsts = ordered.group_by("customer_id", maintain_order=True).first()
    return dict(firsts.select("customer_id", "acquisition_channel").iter_rows())


def _channels(orders: pl.DataFrame) -> dict:
    frame = purchase_days(orders).frame
    return dict(frame.select("customer_id", "acquisition_channel").unique().iter_rows())


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300))
def test_first_channel_follows_the_rule_with_ties_and_nulls(seed, n):
    orders = _orders(seed, n)
    assert _channels(orders) == _reference(orders)


def test_row_order_does_not_change_the_channel():
    orders = _orders(3, 2_000, spread_hours=6)
    shuffled = orders.sample(fraction=1.0, shuffle=True, seed=9)
    assert _channels(shuffled) == _channels(orders) == _reference(orders)


def test_times_too_far_out_for_one_integer_take_the_sorting_path(monkeypatch):
    orders = _orders(4, 500)
    made = []
    original = days_module._channel_key

    def recording(lazy):
        made.append(original(lazy))
        return made[-1]

    monkeypatch.setattr(days_module, "_channel_key", recording)
    assert _channels(orders) == _reference(orders)
    assert made[-1] is not None  # the integer path was taken
    far = orders.with_columns(pl.col("order_date").cast(pl.Datetime("ns")))
    far = far.with_columns(pl.col("order_date").dt.offset_by("150y"))  # ns near 2^62
    assert _channels(far) == _reference(far)
    assert made[-1] is None  # too large for time x channels: the sort per group


@pytest.mark.parametrize("dtype", [pl.Date, pl.Datetime("ms"), pl.Datetime("ns")])
def test_any_time_unit_gives_the_same_channel(dtype):
    orders = _orders(5, 800)
    cast = orders.with_columns(pl.col("order_date").cast(dtype))
    assert _channels(cast) == _reference(cast)


def test_a_categorical_channel_column_works():
    orders = _orders(6, 400).with_columns(pl.col("acquisition_channel").cast(pl.Categorical))
    assert _channels(orders) == _reference(
        orders.with_columns(pl.col("acquisition_channel").cast(pl.String))
    )


def test_a_lazy_scan_stays_one_pass_and_gives_the_same_channels(monkeypatch):
    """A LazyFrame keeps the sort per group: the key's small pass would read a file twice."""
    orders = _orders(7, 600)
    calls = []
    original = days_module._channel_key
    monkeypatch.setattr(days_module, "_channel_key", lambda lazy: calls.append(1) or original(lazy))
    lazy_channels = _channels(orders.lazy())
    assert calls == []
    assert lazy_channels == _channels(orders) == _reference(orders)
    assert calls == [1]


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 300),
    margin=st.booleans(),
    channel=st.booleans(),
)
def test_orders_in_memory_and_a_lazy_plan_give_the_same_purchase_days(seed, n, margin, channel):
    # In memory, a window gives each day row its customer's first day and channel; a lazy
    # plan takes a group-by and a join back. Both must give the same rows.
    orders = _orders(seed, n)
    if margin:
        orders = orders.with_columns((pl.col("revenue") * 0.3).alias("margin"))
    if not channel:
        orders = orders.drop("acquisition_channel")
    in_memory = purchase_days(orders)
    planned = purchase_days(orders.lazy())
    assert in_memory.columns == planned.columns
    assert in_memory.frame.columns == planned.frame.columns
    keys = ["customer_id", "day"]
    left, right = in_memory.frame.sort(keys), planned.frame.sort(keys)
    assert left.drop("revenue", "margin", strict=False).equals(
        right.drop("revenue", "margin", strict=False)
    )
    for column in {"revenue", "margin"} & set(left.columns):
        assert np.allclose(left[column], right[column], rtol=1e-12)
