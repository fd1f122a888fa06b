"""Every A/B chart builds, and the plain-language readings say the numbers."""

from __future__ import annotations

import pytest

from mkt_engineering.experiments import (
    AnalysisPlan,
    analyze,
    charts,
    explain,
    posterior_curves,
)
from mkt_engineering.synthetic.experiment import generate


@pytest.fixture(scope="module")
def result():
    units = generate(scale=0.5).tables["experiment"]
    return analyze(
        units,
        AnalysisPlan(
            "converted",
            secondary_metrics=["revenue"],
            guardrails=["sessions"],
            covariates=["pre_sessions"],
            segments=["device"],
            day_column="day",
            mde=0.015,
            planned_units_per_arm=3000,
        ),
    )


def test_every_chart_builds(result):
    built = [
        charts.effects_chart(result.effects),
        charts.cumulative_chart(result.over_time),
        charts.posterior_chart(posterior_curves((100, 1000), (120, 1000))),
        charts.segment_forest(result.segments),
        charts.trust_chart(result.srm, result.balance),
        charts.power_chart(0.1, 3000),
    ]
    for chart in built:
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_readings_say_the_numbers(result):
    text = result.explain()
    assert text.startswith("**Verdict:")
    assert "interval" in text and "split as planned" in text
    bayes = explain.explain_bayes(result.bayes, {"once": 0.1, "daily": 0.37})
    assert "37.0%" in bayes and "chance" in bayes
    assert "always-valid" in explain.explain_sequential(result.over_time)
    exploratory = {**result.effects.row(0, named=True), "role": "exploratory"}
    assert "not in the plan" in explain.explain_effect(exploratory)
