"""The exercise-check core: right answers pass, each common mistake gets its own hint,
and no feedback ever contains the expected value."""

from __future__ import annotations

import altair as alt
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering import teaching
from mkt_engineering.teaching import check_chart, check_columns, check_frame, check_number

EXPECTED = 4 / 9  # a hand-computed share: 4 converting of 9 paths


def _all_text(feedback: teaching.Feedback) -> str:
    return str(feedback) + feedback._repr_html_()


def test_number_right_answer_passes():
    assert check_number(0.4444, EXPECTED, label="share", tolerance=1e-3).passed
    assert check_number(pl.Series([EXPECTED]).item(), EXPECTED, label="share").passed


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (None, "Replace the None"),
        ("0.44", "Remove the quotes"),
        ("Search", "not a label"),
        (True, "True/False"),
        (pl.DataFrame({"share": [EXPECTED]}), ".item()"),
        (pl.DataFrame({"share": [EXPECTED]}).lazy(), ".collect()"),
        (100 * EXPECTED, "percentage"),
        (EXPECTED * 1.01, "round"),
        (float("nan"), "NaN"),
    ],
)
def test_number_each_mistake_has_its_own_hint(answer, fragment):
    feedback = check_number(answer, EXPECTED, label="share")
    assert not feedback.passed
    assert fragment in _all_text(feedback)


def test_number_named_mistake_wins_and_hints_differ():
    mistakes = {
        4 / 5: "Did you forget the non-converting paths?",
        1.0: "Did you count paths twice?",
    }
    hints = {check_number(v, EXPECTED, label="share", mistakes=mistakes).hint for v in mistakes}
    assert hints == set(mistakes.values())


@settings(deadline=None, max_examples=60)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_number_never_reveals_the_expected_value(answer):
    feedback = check_number(answer, 123.456789, label="revenue", hint="Sum the order values.")
    for shown in ("123.45", "123,45", "123.46", "123,46"):
        assert shown not in _all_text(feedback) or str(answer).startswith("123.4")


def test_columns_hints():
    frame = pl.DataFrame({"Channel": ["a"], "revnue": [1.0]})
    case = check_columns(frame, ["channel"])
    assert not case.passed and "exact" in case.hint and "'Channel'" in case.hint
    typo = check_columns(frame, ["revenue"])
    assert "'revnue'" in typo.hint
    assert ".collect()" in check_columns(frame.lazy(), ["channel"]).hint
    assert "Series" in check_columns(frame["Channel"], ["channel"]).hint
    assert check_columns(frame, ["Channel", "revnue"]).passed


EXPECTED_FRAME = pl.DataFrame(
    {"channel": ["Search", "Email", "Social"], "revenue": [120.0, 80.0, 40.0]}
)


def test_frame_right_answer_passes_in_any_order_and_int_values():
    answer = EXPECTED_FRAME.reverse().with_columns(pl.col("revenue").cast(pl.Int64))
    assert check_frame(answer, EXPECTED_FRAME, key="channel", value="revenue").passed


def test_frame_hints_for_type_duplicates_rows_and_named_mistake():
    as_text = EXPECTED_FRAME.with_columns(pl.col("revenue").cast(pl.String))
    assert (
        ".cast(pl.Float64)"
        in check_frame(as_text, EXPECTED_FRAME, key="channel", value="revenue").hint
    )
    raw_rows = pl.concat([EXPECTED_FRAME, EXPECTED_FRAME])
    assert "group by" in check_frame(raw_rows, EXPECTED_FRAME, key="channel", value="revenue").hint
    missing = check_frame(EXPECTED_FRAME.head(2), EXPECTED_FRAME, key="channel", value="revenue")
    assert "missing Social" in missing.message
    doubled = EXPECTED_FRAME.with_columns(pl.col("revenue") * 2)
    mistakes = {"Did you add the revenue twice?": lambda f: f["revenue"].sum() == 480.0}
    assert check_frame(
        doubled, EXPECTED_FRAME, key="channel", value="revenue", mistakes=mistakes
    ).hint == ("Did you add the revenue twice?")
    plain = check_frame(doubled, EXPECTED_FRAME, key="channel", value="revenue")
    assert not plain.passed and "120" not in _all_text(plain)


CHART_DATA = pl.DataFrame({"channel": ["Search", "Email", "Email"], "revenue": [120.0, 50.0, 30.0]})
BASE = alt.Chart(CHART_DATA)
WANT = {"mark": "bar", "x": "channel:N", "y": "sum(revenue):Q"}


def test_chart_right_answer_passes_including_layers_and_dicts():
    right = BASE.mark_bar().encode(x="channel:N", y="sum(revenue):Q")
    assert check_chart(right, **WANT).passed
    assert check_chart(
        right + BASE.mark_text().encode(x="channel:N", text="revenue"), **WANT
    ).passed
    assert check_chart(right.to_dict(), **WANT).passed


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (CHART_DATA, "This is the data"),
        (None, "alt.Chart"),
        (BASE.mark_line().encode(x="channel:N", y="sum(revenue):Q"), ".mark_line()"),
        (BASE.mark_bar().encode(x="sum(revenue):Q", y="channel:N"), "swapped"),
        (BASE.mark_bar().encode(y="sum(revenue):Q"), "Add x="),
        (BASE.mark_bar().encode(x="channel:N", y="revenue:Q"), "aggregation"),
        (BASE.mark_bar().encode(x="channel:N", y="mean(revenue):Q"), "mean()"),
        (BASE.mark_bar().encode(x="channel:O", y="sum(revenue):Q"), ":N categories"),
        (
            alt.Chart(CHART_DATA.rename({"channel": "Channel"}))
            .mark_bar()
            .encode(x="Channel:N", y="sum(revenue):Q"),
            "spelling",
        ),
    ],
)
def test_chart_each_mistake_has_its_own_hint(answer, fragment):
    feedback = check_chart(answer, **WANT)
    assert not feedback.passed
    assert fragment in _all_text(feedback)


def test_every_lesson_check_is_exported():
    import pkgutil

    modules = [
        m.name for m in pkgutil.iter_modules(teaching.__path__) if m.name.endswith("_checks")
    ]
    assert "welcome_checks" in modules
    assert all(name in teaching.__all__ for name in ("check_chart", "check_number"))


def test_counts_do_not_get_the_rounding_hint():
    feedback = check_number(229, 230, label="leads", tolerance=1e-9)
    assert feedback.message == "leads is too low." and feedback.hint is None
