"""Kaplan-Meier and log-rank against published values (lifelines / R survival) and brute force."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture.survival import (
    kaplan_meier,
    logrank,
    median_survival_time,
    survival_at,
)


@pytest.fixture(scope="module")
def g3(reference_dir):
    return pl.read_csv(reference_dir / "survival" / "g3.csv").with_columns(
        pl.col("event").cast(pl.Int8)
    )


@pytest.fixture(scope="module")
def gehan(reference_dir):
    return pl.read_csv(
        reference_dir / "survival" / "gehan.dat",
        separator=" ",
        has_header=False,
        new_columns=["group", "time", "status"],
    )


def test_kaplan_meier_g3_matches_published(g3):
    """R: survfit(Surv(time, event) ~ group, data = g3, conf.type = "log-log")."""
    curve = kaplan_meier(g3["time"], g3["event"], g3["group"])
    rit = curve.filter(pl.col("group") == "RIT", pl.col("events") > 0)
    assert rit["time"].to_list() == [25.0, 53.0]
    np.testing.assert_allclose(rit["survival"].to_numpy(), [0.909, 0.779], atol=5e-4)
    other = curve.filter(pl.col("group") != "RIT", pl.col("events") > 0)
    assert other["time"].to_list() == [9.0, 19.0, 32.0, 34.0]
    np.testing.assert_allclose(other["survival"].to_numpy(), [0.833, 0.667, 0.5, 0.333], atol=5e-4)
    np.testing.assert_allclose(
        other["ci_low"].to_numpy(), [0.2731, 0.1946, 0.1109, 0.0461], atol=5e-5
    )


def test_logrank_g3_and_gehan_match_published(g3, gehan):
    """R: survdiff(Surv(time, event) ~ group); published p 0.0138 (g3), chi-square 16.79 (Gehan)."""
    g3_test = logrank(g3, duration="time", event="event", group="group")
    assert g3_test["p_value"].item() == pytest.approx(0.0138, abs=5e-5)
    gehan_test = logrank(gehan, duration="time", event="status", group="group")
    assert gehan_test["chi_square"].item() == pytest.approx(16.79, abs=5e-3)
    assert gehan_test["p_value"].item() == pytest.approx(4.17e-5, rel=5e-3)


def test_logrank_three_groups_matches_statsmodels():
    """Independent implementation: statsmodels.duration.survdiff for k = 3 groups."""
    from statsmodels.duration.survfunc import survdiff

    rng = np.random.default_rng(3)
    group = rng.choice(["a", "b", "c"], 300)
    time = np.round(rng.exponential(np.where(group == "a", 10, np.where(group == "b", 14, 12))), 1)
    event = (rng.random(300) < 0.8).astype(int)
    ours = logrank(
        pl.DataFrame({"t": time, "e": event, "g": group}), duration="t", event="e", group="g"
    )
    chi2, p = survdiff(time, event, group)
    assert ours["chi_square"].item() == pytest.approx(chi2, rel=1e-9)
    assert ours["degrees_of_freedom"].item() == 2


def test_kaplan_meier_matches_statsmodels_with_ties():
    from statsmodels.duration.survfunc import SurvfuncRight

    rng = np.random.default_rng(5)
    time = rng.integers(1, 30, 500).astype(float)
    event = (rng.random(500) < 0.6).astype(int)
    ours = kaplan_meier(time, event).filter(pl.col("events") > 0)
    theirs = SurvfuncRight(time, event)
    np.testing.assert_allclose(ours["survival"].to_numpy(), theirs.surv_prob, rtol=1e-12)


@settings(deadline=None, max_examples=40)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=60))
def test_without_censoring_survival_is_share_still_waiting(times):
    """Brute force: with no censoring, S(t) is the share of durations > t."""
    time = np.array(times, dtype=float)
    curve = kaplan_meier(time, np.ones_like(time))
    expected = np.array([(time > t).mean() for t in curve["time"].to_numpy()])
    np.testing.assert_allclose(curve["survival"].to_numpy(), expected, atol=1e-12)


@settings(deadline=None, max_examples=40)
@given(st.lists(st.tuples(st.integers(0, 40), st.booleans()), min_size=2, max_size=60))
def test_curve_is_monotone_and_bounds_contain_it(rows):
    time = np.array([r[0] for r in rows], dtype=float)
    event = np.array([r[1] for r in rows], dtype=float)
    curve = kaplan_meier(time, event)
    survival = curve["survival"].to_numpy()
    assert np.all(np.diff(survival) <= 1e-12) and np.all((survival >= 0) & (survival <= 1))
    assert (curve["ci_low"] <= curve["survival"] + 1e-12).all() and (
        curve["ci_high"] >= curve["survival"] - 1e-12
    ).all()
    assert curve["at_risk"][0] == len(rows)


def test_survival_at_and_median():
    curve = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    np.testing.assert_allclose(survival_at(curve, [0.5, 1, 2.5, 9]), [1.0, 0.75, 0.5, 0.0])
    assert median_survival_time(curve) == 2.0
    assert median_survival_time(kaplan_meier([1, 2, 3], [1, 0, 0])) is None


def test_bad_input_names_the_problem():
    with pytest.raises(DataValidationError, match="negative"):
        kaplan_meier([1, -2], [1, 1])
    with pytest.raises(DataValidationError, match="two or more groups"):
        logrank(
            pl.DataFrame({"t": [1, 2], "e": [1, 1], "g": ["a", "a"]}),
            duration="t",
            event="e",
            group="g",
        )
    with pytest.raises(DataValidationError, match="missing column.s. days"):
        logrank(pl.DataFrame({"t": [1, 2]}), duration="days", event="e", group="g")


def test_compare_groups_equals_separate_calls(g3):
    from mkt_engineering.nurture.survival import compare_groups

    curves, test = compare_groups(g3, duration="time", event="event", group="group")
    assert curves.equals(kaplan_meier(g3["time"], g3["event"], g3["group"]))
    assert test.equals(logrank(g3, duration="time", event="event", group="group"))
