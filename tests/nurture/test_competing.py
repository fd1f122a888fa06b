"""Aalen-Johansen cumulative incidence against statsmodels and the generator's truth."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.duration.survfunc import CumIncidenceRight

from mkt_engineering.nurture.competing import cumulative_incidence, incidence_at, nurture_exits
from mkt_engineering.nurture.survival import kaplan_meier


def test_matches_statsmodels_cum_incidence_right(timeline):
    with_email = timeline.filter(pl.col("has_email"))
    ours = nurture_exits(with_email)
    codes = {
        "qualified": 1,
        "unsubscribed": 2,
        "disqualified": 3,
        "fast_lane": 4,
        "sales_contact": 5,
        "won_offline": 6,
    }
    status = with_email["nurture_exit"].replace_strict(codes, default=0).to_numpy()
    theirs = CumIncidenceRight(with_email["days_in_nurturing"].to_numpy(), status)
    names = {
        1: "qualified",
        2: "unsubscribed",
        3: "disqualified",
        4: "fast_lane",
        5: "early_sales_contact",
    }
    for code, name in names.items():
        part = ours.filter(pl.col("cause") == name)
        np.testing.assert_allclose(
            part["cumulative_incidence"].to_numpy(), theirs.cinc[code - 1], atol=1e-12
        )
        np.testing.assert_allclose(part["se"].to_numpy(), theirs.cinc_se[code - 1], atol=1e-10)


def test_close_to_generator_truth(timeline, truth):
    """Truth: Monte Carlo incidence of the latent (uncensored) exits, 200,000 leads."""
    table = incidence_at(nurture_exits(timeline.filter(pl.col("has_email"))), [30, 90, 180])
    expected = truth["competing_risks"]["cumulative_incidence"]
    for ours_name, truth_name in (
        ("qualified", "ready"),
        ("unsubscribed", "unsubscribed"),
        ("disqualified", "disqualified"),
        ("fast_lane", "fast_lane"),
    ):
        for day in (30, 90, 180):
            value = table.filter(pl.col("cause") == ours_name, pl.col("day") == day)[
                "cumulative_incidence"
            ].item()
            assert value == pytest.approx(expected[truth_name][str(day)], abs=0.035), (
                ours_name,
                day,
            )


@settings(deadline=None, max_examples=30)
@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.sampled_from(["a", "b", None])), min_size=1, max_size=50
    )
)
def test_incidences_plus_survival_sum_to_one(rows):
    time = np.array([r[0] for r in rows], dtype=float)
    cause = [r[1] for r in rows]
    incidence = cumulative_incidence(time, cause)
    survival = kaplan_meier(time, np.array([c is not None for c in cause], dtype=float))
    if incidence.is_empty():
        return
    total = incidence.group_by("time").agg(pl.col("cumulative_incidence").sum()).sort("time")
    joined = total.join(survival.select("time", "survival"), on="time")
    np.testing.assert_allclose(
        (joined["cumulative_incidence"] + joined["survival"]).to_numpy(), 1.0, atol=1e-12
    )
