"""The analysis plan: one frozen object that analyze, analyze_totals and the fingerprint take.

The fingerprint of the demo plan is pinned to the value the A/B report showed before the
plan became an object (``4b11bc8c07d5``, from the plan dict the report hashed until then),
so a report run before and after this change can be matched by its plan.
"""

from __future__ import annotations

import dataclasses
import math

import polars as pl
import pytest

from mkt_engineering.errors import ParameterError
from mkt_engineering.experiments import (
    AnalysisPlan,
    analyze,
    analyze_totals,
    outside_plan,
    plan_hash,
    plan_table,
)
from mkt_engineering.experiments.reduction import arm_totals
from mkt_engineering.reporting.demo_inputs import demo_parameters
from mkt_engineering.synthetic.experiment import generate

# The A/B report's parameters cell defaults (notebooks/reports/ab_test.ipynb)
REPORT_DEFAULTS = {
    "primary_metric": "converted",
    "secondary_metrics": [],
    "guardrails": [],
    "guardrail_margin": 0.0,
    "baseline_rate": 0.10,
    "mde": 0.015,
    "alpha": 0.05,
    "power": 0.8,
    "planned_units_per_arm": 0,
    "planned_split": {},
    "covariates": [],
    "segments": [],
    "control": "",
    "day_column": "",
}


# The demo's plan items, as the notebook's plan cell picks them (currency is not in the plan)
DEMO_PLAN = {k: v for k, v in demo_parameters("ab_test").items() if k in REPORT_DEFAULTS}


@pytest.fixture(scope="module")
def units() -> pl.DataFrame:
    return generate(scale=0.2).tables["experiment"]


def test_the_demo_plan_keeps_the_fingerprint_the_report_showed_before():
    plan = AnalysisPlan.from_parameters({**REPORT_DEFAULTS, **DEMO_PLAN})
    assert plan_hash(plan) == "4b11bc8c07d5"
    # the default plan of a user's run (control and sample size left open)
    assert plan_hash(AnalysisPlan.from_parameters(REPORT_DEFAULTS)) == "16d2a1afb227"


def test_the_plan_table_lists_the_items_as_the_report_stored_them():
    plan = AnalysisPlan.from_parameters({**REPORT_DEFAULTS, **DEMO_PLAN})
    table = dict(plan_table(plan).iter_rows())
    assert table["secondary_metrics"] == '["revenue", "orders/sessions"]'
    assert table["planned_split"] == "{}" and table["control"] == "control"
    assert table["planned_units_per_arm"] == "6693" and table["plan_hash"] == "4b11bc8c07d5"
    assert "correction" not in table  # at its default: left out, so old hashes hold


def test_every_setting_of_the_plan_changes_the_fingerprint():
    base = AnalysisPlan.from_parameters(REPORT_DEFAULTS)
    changes = {
        "correction": "bonferroni",
        "min_srm_deviation": 0.01,
        "alpha": 0.01,
        "guardrails": ("sessions",),
        "planned_split": (("control", 0.4), ("treatment", 0.6)),
    }
    hashes = {plan_hash(dataclasses.replace(base, **{k: v})) for k, v in changes.items()}
    assert len(hashes) == len(changes) and plan_hash(base) not in hashes


def test_from_parameters_computes_the_planned_sample_when_it_is_0():
    plan = AnalysisPlan.from_parameters(REPORT_DEFAULTS)
    # 10% -> 11.5% at alpha 0.05 and power 0.8 (statsmodels power_proportions_2indep)
    assert plan.planned_units_per_arm == plan.required_units_per_arm == 6693
    given = AnalysisPlan.from_parameters({**REPORT_DEFAULTS, "planned_units_per_arm": 500})
    assert given.planned_units_per_arm == 500


@pytest.mark.parametrize(
    ("parameters", "named"),
    [
        ({"primary_metric": "converted", "alfa": 0.1}, "'alfa'.*did you mean 'alpha'"),
        ({"secondary_metrics": ["revenue"]}, "'primary_metric' is missing"),
        ({**REPORT_DEFAULTS, "alpha": 0.7}, "'alpha' must be a number above 0 and at most 0.5"),
        ({**REPORT_DEFAULTS, "mde": math.nan}, "'mde' must be a number above 0"),
        ({**REPORT_DEFAULTS, "power": "0.8"}, "'power'"),
        (
            {**REPORT_DEFAULTS, "secondary_metrics": "revenue"},
            "'secondary_metrics'.*\\['revenue'\\]",
        ),
        ({**REPORT_DEFAULTS, "guardrail_margin": -0.1}, "'guardrail_margin'"),
        ({**REPORT_DEFAULTS, "planned_split": {"control": 0}}, "planned_split\\['control'\\]"),
        ({**REPORT_DEFAULTS, "correction": "sidak"}, "'correction' must be one of holm"),
        ({**REPORT_DEFAULTS, "baseline_rate": 0.99, "mde": 0.05}, "'baseline_rate' and 'mde'"),
        ({**REPORT_DEFAULTS, "planned_units_per_arm": 2.5}, "'planned_units_per_arm'"),
    ],
)
def test_a_bad_parameter_is_named(parameters, named):
    with pytest.raises(ParameterError, match=named):
        AnalysisPlan.from_parameters(parameters)


def test_the_plan_is_frozen_and_lists_become_tuples():
    plan = AnalysisPlan("converted", secondary_metrics=["revenue"], planned_split={"b": 1, "a": 1})
    assert plan.metrics == ("converted", "revenue") and plan.planned_split == (("a", 1), ("b", 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.alpha = 0.1  # type: ignore[misc]
    assert plan == AnalysisPlan(
        "converted", secondary_metrics=("revenue",), planned_split={"a": 1, "b": 1}
    )
    assert outside_plan(["revenue", "sessions"], plan) == ["sessions"]


def test_analyze_follows_the_plan_it_is_given(units):
    plan = AnalysisPlan("converted", secondary_metrics=["revenue"], correction="bonferroni")
    result = analyze(units, plan)
    assert result.plan is plan
    assert set(result.effects["correction"].to_list()) == {"bonferroni"}
    holm = analyze(units, dataclasses.replace(plan, correction="holm"))
    secondary = pl.col("role") == "secondary"
    assert (
        result.effects.filter(secondary)["p_adjusted"][0]
        >= holm.effects.filter(secondary)["p_adjusted"][0]
    )


def test_a_control_left_to_the_data_must_be_named_before_the_analysis(units):
    plan = AnalysisPlan.from_parameters(REPORT_DEFAULTS)
    with pytest.raises(ParameterError, match="names no control arm.*'control', 'treatment'"):
        analyze(units, plan)
    assert analyze(units, plan.with_control("control")).settings["control"] == "control"


def test_the_primary_totals_are_the_conversions_and_units_per_arm(units):
    result = analyze(units, AnalysisPlan("converted"))
    assert result.primary_totals == arm_totals(units, "variant", "converted")
    totals = pl.DataFrame(
        {"variant": ["control", "treatment"], "units": [1000, 1010], "conversions": [100, 130]}
    )
    from_totals = analyze_totals(totals, AnalysisPlan("converted"))
    assert from_totals.primary_totals == {"control": (100.0, 1000), "treatment": (130.0, 1010)}


def test_exploratory_metrics_as_one_text_are_refused_not_read_as_letters(units):
    with pytest.raises(ParameterError, match="'exploratory' expects a list.*\\['revenue'\\]"):
        analyze(units, AnalysisPlan("converted"), exploratory="revenue")
