"""Handoff timing on synthetic leads with a known green-banana effect (and hand checks)."""

from __future__ import annotations

import polars as pl
import pytest
import statsmodels.api as sm

from mkt_engineering.nurture.handoff import (
    green_banana_effect,
    handoff_rule,
    sales_contacts,
    speed_to_lead,
    wilson_interval,
    win_rate_by_maturity,
)


def _row(frame, measure):
    return frame.filter(pl.col("measure") == measure).row(0, named=True)


def test_green_banana_recovered_within_interval(timeline, truth):
    """Truth: early contact multiplies the odds of winning by exp(-1.1).

    Given persona, source and customer.
    """
    effect = green_banana_effect(timeline)
    log_odds = _row(effect, "log odds ratio, adjusted")
    assert log_odds["estimate"] < 0
    assert log_odds["ci_low"] < truth["green_banana_log_odds"] < log_odds["ci_high"]
    difference = _row(effect, "difference, adjusted")
    expected = truth["green_banana"]["risk_difference_among_early_contacts"]
    assert difference["ci_low"] < expected < difference["ci_high"] < 0


@pytest.mark.parametrize("seed", [7, 11])
def test_green_banana_sign_and_size_other_seeds(seed):
    from mkt_engineering.nurture.timeline import attach_lead_attributes, stage_timeline
    from mkt_engineering.synthetic.leads import generate

    data = generate(seed=seed)
    timeline = attach_lead_attributes(
        stage_timeline(data.tables["lead_events"]), data.tables["leads"]
    )
    log_odds = _row(green_banana_effect(timeline), "log odds ratio, adjusted")
    assert log_odds["ci_low"] < data.truth["green_banana_log_odds"] < log_odds["ci_high"] < 0


def test_adjusted_odds_ratio_matches_statsmodels_logit(timeline):
    """Independent fit: statsmodels Logit via formula on the same contacts."""
    import statsmodels.formula.api as smf

    contacts = (
        sales_contacts(timeline)
        .with_columns(
            early=pl.col("contacted_before_ready").cast(pl.Int8),
            customer=pl.col("is_customer").cast(pl.Int8),
        )
        .to_pandas()
    )
    fit = smf.logit("won ~ early + C(persona) + C(source) + customer", data=contacts).fit(
        disp=False
    )
    ours = _row(green_banana_effect(timeline), "log odds ratio, adjusted")
    assert ours["estimate"] == pytest.approx(fit.params["early"], rel=1e-6)
    assert ours["se"] == pytest.approx(fit.bse["early"], rel=1e-4)


def test_unadjusted_rates_are_plain_shares(timeline):
    contacts = sales_contacts(timeline)
    early = contacts.filter(pl.col("contacted_before_ready"))
    row = _row(green_banana_effect(timeline), "win rate, called before ready")
    assert row["estimate"] == pytest.approx(early["won"].mean())
    assert row["leads"] == early.height


def test_wilson_interval_hand_values():
    """Wilson (1927); for 30/100 at 95%: (0.2189, 0.3958), as in R prop.test(correct=FALSE)."""
    low, high = wilson_interval(30, 100)
    assert (low, high) == pytest.approx((0.21894, 0.39583), abs=1e-4)
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-12)


def test_maturity_table_counts_add_up(timeline):
    table = win_rate_by_maturity(timeline, by="days_qualified_to_contact")
    assert table["contacts"].sum() == sales_contacts(timeline).height
    assert table["bin"][0] == "before ready"
    assert table["win_rate"][0] < table["win_rate"][1]


def test_handoff_rule_recommends_mql_threshold(timeline):
    """The generator's MQL is score 60; calls below it are the green bananas."""
    rule = handoff_rule(timeline, candidates=[30, 40, 50, 60, 70, 80])
    recommended = rule.filter(pl.col("recommended"))
    assert recommended.height == 1
    assert recommended["threshold"].item() == 60.0
    assert recommended["extra_wins_low"].item() > 0


def test_speed_to_lead_slope_near_truth(timeline, truth):
    table = speed_to_lead(timeline)
    slope, se = table["log_odds_per_hour"][0], table["log_odds_per_hour_se"][0]
    assert slope < 0
    assert abs(slope - truth["fast_lane"]["win_log_odds_per_hour"]) < 3 * se
    hours = sales_contacts(timeline, include_fast_lane=True).filter(
        pl.col("fast_lane_hours_to_contact").is_not_null()
    )
    fit = sm.GLM(
        hours["won"].to_numpy(),
        sm.add_constant(hours["fast_lane_hours_to_contact"].to_numpy()),
        family=sm.families.Binomial(),
    ).fit()
    assert slope == pytest.approx(fit.params[1])
    assert table["requests"].sum() == hours.height
    assert (table["ci_low"] <= table["win_rate"]).all()
