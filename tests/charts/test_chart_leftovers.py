"""A/B charts of one metric's absolute change read in its unit, and German charts read the
data values the kit writes in German.

A difference of two conversion rates of 0.02 is 2 percentage points: the cumulative and
segment charts drew it as "0.02" while the report's text says "points". The axes are read
from the rendered SVG (the reports' own renderer), the German forms from the translated
spec and its SVG.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from mkt_engineering.charts.german import data_value, translate_spec
from mkt_engineering.experiments import charts as ex_charts
from mkt_engineering.ltv import charts as ltv_charts
from mkt_engineering.reporting.notebook import svg_renderer

SVG = "{http://www.w3.org/2000/svg}"

OVER_TIME = pl.DataFrame(
    {
        "day": [1, 2, 3],
        "variant": ["treatment"] * 3,
        "effect": [0.031, 0.022, 0.02],
        "ci_low": [-0.01, 0.0, 0.005],
        "ci_high": [0.07, 0.045, 0.035],
        "always_valid_low": [-0.05, -0.02, -0.005],
        "always_valid_high": [0.1, 0.06, 0.045],
        "always_valid_p": [0.8, 0.3, 0.04],
    }
)
SEGMENTS = pl.DataFrame(
    {
        "segment": ["device", "device"],
        "level": ["app", "web"],
        "metric": ["converted", "converted"],
        "effect": [0.02, 0.01],
        "ci_low": [0.004, -0.012],
        "ci_high": [0.036, 0.032],
        "p_adjusted": [0.03, 0.4],
    }
)


def _svg(chart) -> ET.Element:
    return ET.fromstring(svg_renderer(chart.to_dict())["image/svg+xml"])


def _axis_texts(root: ET.Element) -> dict[str, list[str]]:
    """Axis name (its aria-label up to ' for a') -> its visible tick labels."""
    axes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("aria-roledescription") != "axis":
            continue
        labels = [
            t.text.strip()
            for g in group.iter(f"{SVG}g")
            if "role-axis-label" in (g.get("class") or "")
            for t in g.iter(f"{SVG}text")
            if (t.text or "").strip()
        ]
        axes[group.get("aria-label", "").split(" for a")[0]] = labels
    return axes


def _hover(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def test_cumulative_chart_reads_a_rate_in_percentage_points():
    root = _svg(ex_charts.cumulative_chart(OVER_TIME, kind="proportion"))
    ticks = _axis_texts(root)["Y-axis titled 'effect (treatment − control)'"]
    assert ticks and all(re.fullmatch(r"[+−-]?\d+\.\d points", t) for t in ticks), ticks
    assert "+2.0 points" in ticks  # 0.02 is two points, not "0.02"
    assert any("change: +2.00 points" in t for t in _hover(root)), _hover(root)


def test_segment_forest_reads_a_rate_in_percentage_points():
    root = _svg(ex_charts.segment_forest(SEGMENTS, kind="proportion"))
    ticks = _axis_texts(root)["X-axis titled 'effect (95% interval)'"]
    assert ticks and all(t.endswith(" points") for t in ticks), ticks
    assert any("change: +2.00 points" in t for t in _hover(root))


def test_hover_texts_of_intervals_read_points_and_bands_are_named():
    """An interval's hover text reads points (it read 'ci_high: 0.0244267' only), and a
    band, one mark for all days, names itself instead of showing the first day's numbers."""
    effects = pl.DataFrame(
        {
            "metric": ["converted"],
            "role": ["primary"],
            "variant": ["b"],
            "kind": ["proportion"],
            "effect": [0.016],
            "ci_low": [0.0076543],
            "ci_high": [0.0244267],
            "lift": [0.17],
            "lift_low": [0.08],
            "lift_high": [0.26],
        }
    )
    rules = {
        "effects": (
            ex_charts.effects_chart(effects),
            "95% interval from: +0.8 points; to: +2.4 points",
        ),
        "segments": (
            ex_charts.segment_forest(SEGMENTS, kind="proportion"),
            "95% interval from: +0.40 points; to: +3.60 points",
        ),
    }
    for name, (chart, text) in rules.items():
        hover = _hover(_svg(chart))
        intervals = [t for t in hover if "95% interval from" in t]
        assert intervals and all(t.count("points") >= 2 for t in intervals), (name, hover)
        assert any(text in t for t in intervals), (name, intervals)
    bands = _hover(_svg(ex_charts.cumulative_chart(OVER_TIME, kind="proportion")))
    assert ex_charts.ALWAYS_VALID_BAND in bands and ex_charts.FIXED_BAND in bands
    assert not [t for t in bands if "always_valid_" in t]


def test_a_money_metric_names_the_currency_and_keeps_its_amount():
    over_time = OVER_TIME.with_columns(pl.col(pl.Float64).exclude("always_valid_p") * 100)
    chart = ex_charts.cumulative_chart(over_time, kind="mean", metric="revenue", currency="EUR")
    root = _svg(chart)
    (title,) = [name for name in _axis_texts(root) if name.startswith("Y-axis")]
    assert title == "Y-axis titled 'effect (treatment − control) (EUR)'"
    assert any("change: +2.00" in t for t in _hover(root))
    german = ET.fromstring(svg_renderer(translate_spec(chart.to_dict()))["image/svg+xml"])
    assert "Effekt (Variante − Kontrolle) (EUR)" in ET.tostring(german, encoding="unicode")


def test_kind_of_reads_the_metric_kind_from_the_effects():
    effects = pl.DataFrame(
        {"metric": ["converted", "revenue"], "kind": ["proportion", "mean"]},
    )
    assert ex_charts.kind_of(effects, "converted") == "proportion"
    assert ex_charts.kind_of(effects, "revenue") == "mean"
    assert ex_charts.kind_of(effects, "sessions") == "mean"


@pytest.mark.parametrize(
    ("options", "title", "tick"),
    [
        ({"metric": "revenue", "currency": "€"}, "true effect (EUR)", r"[\d.,]+"),
        ({"metric": "sessions"}, "true effect, relative to the baseline", r"\+?\d+(\.\d)?%"),
    ],
)
def test_power_chart_of_a_mean_reads_in_its_unit_or_relative(options, title, tick):
    root = _svg(ex_charts.power_chart(20.0, 4000, sd=30.0, **options))
    ticks = _axis_texts(root)[f"X-axis titled '{title}'"]
    assert ticks and all(re.fullmatch(tick, t) for t in ticks), ticks


def test_power_chart_relative_ticks_are_the_effect_over_the_baseline():
    root = _svg(ex_charts.power_chart(20.0, 4000, sd=30.0, max_effect=4.0))
    ticks = _axis_texts(root)["X-axis titled 'true effect, relative to the baseline'"]
    assert "+10.0%" in ticks and "+20.0%" in ticks  # 2 and 4 on a baseline of 20


# ---------------------------------------------------------------- German data values


def test_german_chart_data_values_of_the_kit_are_german():
    assert data_value("series", "actual") == "tatsächlich"
    assert data_value("series", "model") == "Modell"
    assert [
        data_value("role", r) for r in ("primary", "secondary", "guardrail", "exploratory")
    ] == ["primär", "sekundär", "Leitplanke", "explorativ"]
    assert data_value("group", "called before ready") == "zu früh angerufen"
    assert data_value("emails_per_week", "1.5–2.5") == "1,5–2,5"
    assert data_value("hours", "72+ h") == "72+ h"
    # a user's own values keep their names, also when they look like a word of the kit
    assert data_value("channel", "model") == "model"
    assert data_value("segment", "primary") == "primary"


def test_german_tracking_legend_reads_actual_and_model_in_german():
    tracked = pl.DataFrame(
        {
            "period": [0, 1, 2, 3],
            "date": pl.date_range(pl.date(2026, 1, 1), pl.date(2026, 1, 4), eager=True),
            "phase": ["calibration", "calibration", "holdout", "holdout"],
            "actual_cumulative": [0.0, 3.0, 5.0, 9.0],
            "predicted_cumulative": [0.0, 2.5, 5.5, 8.0],
        }
    )
    spec = translate_spec(ltv_charts.tracking_chart(tracked).to_dict())
    root = ET.fromstring(svg_renderer(spec)["image/svg+xml"])
    legend = {
        t.text
        for g in root.iter(f"{SVG}g")
        if "role-legend" in (g.get("class") or "")
        for t in g.iter(f"{SVG}text")
    }
    assert {"tatsächlich", "Modell"} <= legend and not {"actual", "model"} & legend
    # colour and dash follow the German domain: two lines, the model's dashed, as in English
    lines = {
        (e.get("stroke"), e.get("stroke-dasharray"))
        for e in root.iter(f"{SVG}path")
        if e.get("role") == "graphics-symbol" and e.get("stroke-dasharray")
    }
    assert lines == {("#0072B2", "1,0"), ("#E69F00", "6,3")}


def test_german_effects_chart_names_roles_in_german():
    effects = pl.DataFrame(
        {
            "metric": ["converted", "sessions"],
            "role": ["primary", "guardrail"],
            "variant": ["b", "b"],
            "kind": ["proportion", "mean"],
            "effect": [0.016, 0.1],
            "ci_low": [0.008, -0.1],
            "ci_high": [0.024, 0.3],
            "lift": [0.17, 0.01],
            "lift_low": [0.08, -0.01],
            "lift_high": [0.26, 0.03],
        }
    )
    english = ex_charts.effects_chart(effects).to_dict()
    svg = svg_renderer(translate_spec(english))["image/svg+xml"]
    assert "primär" in svg and "Leitplanke" in svg
    assert not re.search(r">(primary|guardrail)<", svg)
    assert "primary" in svg_renderer(english)["image/svg+xml"]  # English stays English
