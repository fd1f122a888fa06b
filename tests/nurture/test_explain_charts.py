"""Plain-language readings and charts: the numbers in the text come from the frames."""

from __future__ import annotations

import json

import polars as pl

from mkt_engineering.nurture import charts, explain
from mkt_engineering.nurture.cadence import send_time_heatmap, unsubscribe_by_frequency
from mkt_engineering.nurture.competing import incidence_at, nurture_exits
from mkt_engineering.nurture.exclusion import (
    apply_targeting,
    excluded_conversions,
    exclusion_breakdown,
    reach_precision_curve,
)
from mkt_engineering.nurture.funnel import stage_durations, stage_flows
from mkt_engineering.nurture.handoff import (
    green_banana_effect,
    handoff_rule,
    speed_to_lead,
    win_rate_by_maturity,
)
from mkt_engineering.nurture.survival import kaplan_meier


def test_green_banana_text_says_observational_and_uses_numbers(timeline):
    effect = green_banana_effect(timeline)
    text = explain.explain_green_banana(effect)
    assert "observational" in text
    early = effect.filter(pl.col("measure") == "win rate, called before ready")["estimate"].item()
    assert f"{100 * early:.0f}%" in text
    german = explain.explain_green_banana(effect, language="de")
    assert f"{100 * early:.0f} %" in german


def test_headline_and_handoff_text(timeline):
    rule = handoff_rule(timeline)
    threshold = rule.filter(pl.col("recommended"))["threshold"].item()
    assert (
        explain.headline(23.2, threshold)
        == f"Median 23 days to MQL; hand over at score ≥ {threshold:.0f}"
    )
    assert f"reaches {threshold:.0f}" in explain.explain_handoff_rule(rule)


def test_exclusion_paragraph_counts(timeline):
    targeted = apply_targeting(timeline, mql_score=60, personas=["it_manager", "cfo"])
    text = explain.explain_exclusion(
        targeted,
        excluded_conversions(targeted),
        mql_score=60,
        personas=["it_manager", "cfo"],
        require_email=True,
    )
    excluded = int((~targeted["reaches_sales"]).sum())
    assert f"{excluded:,} of {timeline.height:,} leads" in text


def test_every_chart_renders_to_a_vega_lite_spec(timeline, lead_events):
    built = [
        charts.survival_chart(
            kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"], timeline["persona"])
        ),
        charts.incidence_chart(nurture_exits(timeline)),
        charts.flow_chart(stage_flows(timeline)),
        charts.duration_chart(stage_durations(timeline)),
        charts.maturity_chart(win_rate_by_maturity(timeline)),
        charts.green_banana_chart(green_banana_effect(timeline)),
        charts.unsubscribe_chart(unsubscribe_by_frequency(lead_events)),
        charts.send_time_heatmap_chart(send_time_heatmap(lead_events)),
        charts.exclusion_chart(exclusion_breakdown(apply_targeting(timeline))),
        charts.reach_precision_chart(reach_precision_curve(timeline), chosen=60.0),
        charts.speed_to_lead_chart(speed_to_lead(timeline)),
    ]
    for chart in built:
        spec = json.loads(chart.to_json())
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_exit_text_names_each_cause(timeline):
    table = incidence_at(nurture_exits(timeline), [90])
    text = explain.explain_exits(table, 90)
    assert "qualified" in text and "unsubscribed" in text
