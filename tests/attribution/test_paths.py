"""Journeys from touch events and from exported path strings."""

from __future__ import annotations

import re
from datetime import datetime as t

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mkt_engineering.attribution import (
    group_channels,
    journeys_from_touchpoints,
    paths_from_strings,
    paths_from_touchpoints,
)
from mkt_engineering.attribution.paths import paths_for_windows
from mkt_engineering.errors import DataValidationError

TOUCHES = pl.DataFrame(
    {
        "customer_id": ["a"] * 6 + ["b", "b"],
        "timestamp": [
            t(2026, 1, 1),
            t(2026, 1, 20),
            t(2026, 1, 21),
            t(2026, 1, 21, 5),
            t(2026, 2, 10),
            t(2026, 3, 1),
            t(2026, 1, 5),
            t(2026, 1, 6),
        ],
        "channel": ["display", "search", "email", "email", "social", "video", "search", "search"],
    }
)
CONVERSIONS = pl.DataFrame(
    {
        "customer_id": ["a", "a"],
        "timestamp": [t(2026, 1, 25), t(2026, 2, 12)],
        "value": [100.0, 40.0],
    }
)


def rows(frame: pl.DataFrame) -> set:
    return {
        (" > ".join(p), c, v, n)
        for p, c, v, n in frame.select(
            "path", "conversions", "value", "non_conversions"
        ).iter_rows()
    }


def test_journeys_lookback_repeat_purchase_and_tail():
    paths = paths_from_touchpoints(TOUCHES, CONVERSIONS, lookback_days=10)
    # display (24 days before) is outside the window; the repeat purchase starts a new journey;
    # video after the last purchase is a non-converting journey; b never converts
    assert rows(paths) == {
        ("search > email > email", 1.0, 100.0, 0.0),
        ("social", 1.0, 40.0, 0.0),
        ("video", 0.0, 0.0, 1.0),
        ("search > search", 0.0, 0.0, 1.0),
    }
    wide = paths_from_touchpoints(TOUCHES, CONVERSIONS, lookback_days=30)
    assert ("display > search > email > email", 1.0, 100.0, 0.0) in rows(wide)


def test_collapse_and_max_length_keep_the_last_touches():
    paths = paths_from_touchpoints(TOUCHES, CONVERSIONS, 30, collapse_repeats=True, max_length=2)
    assert ("search > email", 1.0, 100.0, 0.0) in rows(paths)
    assert ("search", 0.0, 0.0, 1.0) in rows(paths)
    journeys = journeys_from_touchpoints(TOUCHES, CONVERSIONS, 30, collapse_repeats=True)
    lengths = journeys.select(pl.col("path").list.len() == pl.col("touch_times").list.len())
    assert lengths.to_series().all()


def test_channel_rules_exact_and_regex():
    paths = paths_from_touchpoints(
        TOUCHES, CONVERSIONS, 10, channel_rules={"paid": ["search", "social"], "owned": "e.*|video"}
    )
    assert rows(paths) == {
        ("paid > owned > owned", 1.0, 100.0, 0.0),
        ("paid", 1.0, 40.0, 0.0),
        ("owned", 0.0, 0.0, 1.0),
        ("paid > paid", 0.0, 0.0, 1.0),
    }
    assert group_channels(TOUCHES, {})["channel"].to_list() == TOUCHES["channel"].to_list()


def test_lazy_input_gives_the_same_result():
    lazy = paths_from_touchpoints(TOUCHES.lazy(), CONVERSIONS.lazy(), 10)
    assert rows(lazy) == rows(paths_from_touchpoints(TOUCHES, CONVERSIONS, 10))


def test_channel_attribution_export_format():
    export = pl.DataFrame(
        {
            "path": ["a > b > c", " a>b>c ", "b", "c >  a"],
            "total_conversions": [1, 2, 0, 1],
            "total_conversion_value": [10.0, 5.0, 0.0, 7.5],
            "total_null": [3, 0, 4, 1],
        }
    )
    paths = paths_from_strings(
        export,
        conversions="total_conversions",
        value="total_conversion_value",
        non_conversions="total_null",
    )
    assert rows(paths) == {
        ("a > b > c", 3.0, 15.0, 3.0),
        ("b", 0.0, 0.0, 4.0),
        ("c > a", 1.0, 7.5, 1.0),
    }
    pipe = paths_from_strings(
        pl.DataFrame({"p": ["x|y", "x | y"], "conversions": [1, 1]}), path="p", sep="|"
    )
    assert rows(pipe) == {("x > y", 2.0, 0.0, 0.0)}


def test_missing_columns_name_what_was_found():
    with pytest.raises(DataValidationError, match=r"missing column\(s\) customer_id;"):
        paths_from_touchpoints(TOUCHES.rename({"customer_id": "kunde"}), CONVERSIONS)
    with pytest.raises(DataValidationError, match="conv"):
        paths_from_strings(pl.DataFrame({"path": ["a"], "conv": [1]}))


CHANNEL_NAMES = st.sampled_from(["search", "paid social", "e-mail", "tv", ">", "a>b", " x", "y "])
SPACING = st.sampled_from([" > ", ">", "  > ", " >  ", "\t>", " > ", " > ", " > "])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(CHANNEL_NAMES, min_size=1, max_size=4),
            st.lists(SPACING, min_size=3, max_size=3),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
@example(
    [(["search", ">", "search"], [" > ", " > ", " > "], False)]
)  # "search > > > search": an empty channel
def test_path_text_splits_like_a_regular_expression_whatever_the_spacing(rows_drawn):
    """Tidy " > " exports take a literal fast path; any other spacing (or a separator inside
    a name) must give exactly what splitting on whitespace-sep-whitespace gives."""
    texts = []
    for names, spacing, padded in rows_drawn:
        text = names[0] + "".join(s + n for s, n in zip(spacing, names[1:], strict=False))
        texts.append(f" {text} " if padded else text)
    expected: dict[tuple[str, ...], float] = {}
    for text in texts:
        channels = tuple(re.split(r"\s*>\s*", text.strip()))
        if text.strip():
            expected[channels] = expected.get(channels, 0.0) + 1.0
    got = paths_from_strings(pl.DataFrame({"path": texts, "conversions": [1.0] * len(texts)}))
    assert {tuple(p): c for p, c in got.select("path", "conversions").iter_rows()} == expected


def test_a_touch_without_channel_is_named_not_crashed_on():
    paths = pl.DataFrame(
        {"path": [["a", "b"], [], ["a", None], [None]], "conversions": [1.0, 0.0, 1.0, 0.0]}
    )
    with pytest.raises(
        DataValidationError,
        match=r"2 path\(s\) have a touch with no channel \(null\), in rows \[2, 3\]",
    ) as error:
        from mkt_engineering.attribution import linear, markov

        markov(paths)
    assert "unknown" in error.value.fix
    with pytest.raises(DataValidationError, match="no channel"):
        linear(paths)
    assert linear(paths.slice(0, 2))["channel"].to_list() == ["a", "b"]


def test_journey_touch_order_without_a_customer_sort():
    """Touches arrive shuffled across customers; each journey lists them by time, then by
    channel at one instant with a missing channel last, as the engines order them."""
    at = [t(2026, 1, day, 12) for day in range(1, 6)]
    touchpoints = pl.DataFrame(
        {
            "customer_id": ["b", "a", "a", "b", "a", "a", "b", "a"],
            "timestamp": [at[1], at[2], at[0], at[1], at[2], at[2], at[0], at[4]],
            "channel": ["social", None, "search", "email", "social", "display", "search", "email"],
        }
    )
    conversions = pl.DataFrame(
        {"customer_id": ["a", "b"], "timestamp": [at[3], at[3]], "value": [10.0, 20.0]}
    )
    journeys = journeys_from_touchpoints(touchpoints, conversions, 30)
    assert journeys.select("customer_id", "path", "converted").rows() == [
        ("a", ["search", "display", "social", None], 1.0),
        ("a", ["email"], 0.0),
        ("b", ["search", "email", "social"], 1.0),
    ]
    assert journeys["touch_times"][0].to_list() == [at[0], at[2], at[2], at[2]]
    collapsed = journeys_from_touchpoints(
        touchpoints.with_columns(pl.col("channel").fill_null("display")),
        conversions,
        30,
        collapse_repeats=True,
    )
    assert collapsed["path"][0].to_list() == ["search", "display", "social"]


def test_windows_sharing_one_join_give_each_window_its_own_paths():
    """Touches 1, 5 and 20 days before a conversion and one after it, windows 3 to 30 days."""
    touchpoints = pl.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b"],
            "timestamp": [
                t(2026, 1, 1),
                t(2026, 1, 16),
                t(2026, 1, 20),
                t(2026, 1, 23),
                t(2026, 1, 2),
            ],
            "channel": ["display", "search", "search", "email", "social"],
        }
    )
    conversions = pl.DataFrame(
        {"customer_id": ["a"], "timestamp": [t(2026, 1, 21)], "value": [9.0]}
    )
    shared = paths_for_windows(touchpoints, conversions, [3, 7, 30], collapse_repeats=True)
    expected = {
        3: [(["email"], 0.0), (["search"], 1.0), (["social"], 0.0)],
        7: [(["email"], 0.0), (["search"], 1.0), (["social"], 0.0)],
        30: [(["display", "search"], 1.0), (["email"], 0.0), (["social"], 0.0)],
    }
    for window, rows in expected.items():
        assert shared[window].sort("path").select("path", "conversions").rows() == rows
        alone = paths_from_touchpoints(touchpoints, conversions, window, collapse_repeats=True)
        assert shared[window].sort("path").equals(alone.sort("path"))
