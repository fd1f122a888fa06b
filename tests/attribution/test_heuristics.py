"""Rule-based models against hand computations, with value and fractional conversions."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from mkt_engineering.attribution import (
    first_touch,
    last_non_direct,
    last_touch,
    linear,
    position_based,
    time_decay,
)
from mkt_engineering.errors import DataValidationError

PATHS = pl.DataFrame(
    {
        "path": [
            ["search", "social", "email", "direct"],
            ["social", "search"],
            ["direct"],
            ["display"],
        ],
        "conversions": [1.5, 2.0, 0.25, 0.0],
        "value": [300.0, 100.0, 20.0, 0.0],
        "non_conversions": [1.0, 4.0, 3.0, 9.0],
    }
)


def as_dict(frame: pl.DataFrame, column: str = "conversions") -> dict:
    return dict(zip(frame["channel"], frame[column], strict=True))


def test_first_and_last_touch_by_hand():
    assert as_dict(first_touch(PATHS)) == pytest.approx(
        {"search": 1.5, "social": 2.0, "direct": 0.25}
    )
    assert as_dict(first_touch(PATHS), "value") == pytest.approx(
        {"search": 300, "social": 100, "direct": 20}
    )
    assert as_dict(last_touch(PATHS)) == pytest.approx({"direct": 1.75, "search": 2.0})


def test_last_non_direct_by_hand():
    # journey 1 ends in direct, so email (the last non-direct touch) gets it;
    # journey 3 is all direct
    assert as_dict(last_non_direct(PATHS)) == pytest.approx(
        {"email": 1.5, "search": 2.0, "direct": 0.25}
    )
    assert as_dict(last_non_direct(PATHS, direct=("direct", "email"))) == pytest.approx(
        {"social": 1.5, "search": 2.0, "direct": 0.25}
    )


def test_linear_by_hand():
    expected = {
        "search": 1.5 / 4 + 1.0,
        "social": 1.5 / 4 + 1.0,
        "email": 1.5 / 4,
        "direct": 1.5 / 4 + 0.25,
    }
    assert as_dict(linear(PATHS)) == pytest.approx(expected)
    assert as_dict(linear(PATHS), "value") == pytest.approx(
        {"search": 75 + 50, "social": 75 + 50, "email": 75, "direct": 75 + 20}
    )


def test_position_based_u_shape_by_hand():
    # 4 touches: 40/10/10/40; 2 touches: 50/50; 1 touch: 100
    expected = {"search": 0.6 + 1.0, "social": 0.15 + 1.0, "email": 0.15, "direct": 0.6 + 0.25}
    assert as_dict(position_based(PATHS)) == pytest.approx(expected)
    # custom 20/60 split of a two-touch journey: 0.25 / 0.75
    two = PATHS.filter(pl.col("path").list.len() == 2)
    assert as_dict(position_based(two, first=0.2, last=0.6)) == pytest.approx(
        {"social": 0.5, "search": 1.5}
    )


def test_w_shape_with_milestone():
    paths = pl.DataFrame({"path": [["a", "b", "m", "c", "d"]], "conversions": [10.0]})
    credit = as_dict(position_based(paths, 0.3, 0.3, milestone="m", milestone_share=0.3))
    assert credit == pytest.approx({"a": 3.0, "m": 3.0, "d": 3.0, "b": 0.5, "c": 0.5})
    # without a milestone touch it is U-shaped with the same 30/30
    credit = as_dict(position_based(paths, 0.3, 0.3, milestone="x", milestone_share=0.3))
    assert credit == pytest.approx({"a": 3.0, "d": 3.0, "b": 4 / 3, "m": 4 / 3, "c": 4 / 3})


def test_time_decay_by_hand():
    t = datetime
    journeys = pl.DataFrame(
        {
            "path": [["a", "b", "c"]],
            "converted": [1.0],
            "value": [70.0],
            "touch_times": [[t(2026, 1, 1), t(2026, 1, 8), t(2026, 1, 15)]],
            "conversion_time": [t(2026, 1, 15)],
        }
    )
    # ages 14, 7, 0 days -> weights 1/4, 1/2, 1 -> shares 1/7, 2/7, 4/7
    assert as_dict(time_decay(journeys, 7)) == pytest.approx({"a": 1 / 7, "b": 2 / 7, "c": 4 / 7})
    assert as_dict(time_decay(journeys, 7), "value") == pytest.approx({"a": 10, "b": 20, "c": 40})
    with pytest.raises(DataValidationError, match="touch times"):
        time_decay(PATHS)


def test_text_paths_are_refused_with_a_fix():
    with pytest.raises(DataValidationError, match="paths_from_strings"):
        linear(pl.DataFrame({"path": ["a > b"], "conversions": [1.0]}))
    with pytest.raises(DataValidationError, match="conversions"):
        linear(pl.DataFrame({"path": [["a"]], "conv": [1.0]}))
