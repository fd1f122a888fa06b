"""Hover texts from the chart's own tooltip, and lean chart SVG (reporting.chart_svg, svg_lean).

Each mark's hover text (its SVG ``<title>``) was vega-lite's automatic description: every
encoded field first, raw ("estimate: 0.0160621; ...; change: +1.6 points"), then the
tooltip's fields. It is now the tooltip's fields only, each formatted as the tooltip
formats it, in the report's language; a chart's own description stays.
"""

from __future__ import annotations

import re

import altair as alt
import polars as pl
import pytest

from mkt_engineering.charts.theme import theme_config
from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.chart_svg import object_entries
from mkt_engineering.reporting.svg_lean import lean_svg


@pytest.fixture
def draw():
    """Render a chart as a report in `language` does; returns its hover texts."""
    before = (notebook._state["language"], list(notebook._state["chart_rows"]))

    def hovers(chart: alt.TopLevelMixin, language: str = "en") -> list[str]:
        notebook._state["language"] = language
        spec = chart.to_dict()
        spec["config"] = {**spec.get("config", {}), **theme_config(language)["config"]}
        svg = notebook.svg_renderer(spec)["image/svg+xml"]
        return re.findall(r"<title>([^<]*)</title>", svg)[1:]  # the first names the chart

    yield hovers
    notebook._state["language"], notebook._state["chart_rows"] = before


EFFECT = pl.DataFrame({"arm": ["treatment"], "estimate": [0.0160621], "units": [12345]})


def _effect_chart(**extra) -> alt.Chart:
    return (
        alt.Chart(EFFECT, title="Effect")
        .mark_bar()
        .encode(
            x=alt.X("estimate:Q", title="change"),
            y=alt.Y("arm:N"),
            tooltip=[
                alt.Tooltip("arm:N", title="arm"),
                alt.Tooltip("estimate:Q", title="change", format="+.1%"),
                alt.Tooltip("units:Q", title="units", format=",d"),
            ],
            **extra,
        )
    )


def test_a_mark_reads_its_tooltip_only_in_the_tooltips_formats(draw):
    """Before: 'change: 0.0160621; arm: treatment; change: +1.6%; units: 12,345'."""
    assert draw(_effect_chart()) == ["arm: treatment; change: +1.6%; units: 12,345"]


def test_a_german_report_reads_german_numbers_in_its_hover_texts(draw):
    hovers = draw(_effect_chart(), "de")  # the kit's titles in German, the user's words kept
    assert hovers == ["Arm: treatment; Änderung: +1,6 %; units: 12.345"]


def test_a_chart_that_describes_its_marks_keeps_its_description(draw):
    chart = _effect_chart(description=alt.Description("arm:N"))
    assert draw(chart) == ["treatment"]


def test_dates_read_as_the_tooltip_formats_them_and_german_dates_german(draw):
    data = pl.DataFrame({"month": ["2024-03-01"], "rows": [4]}).with_columns(
        pl.col("month").str.to_date()
    )
    chart = (
        alt.Chart(data, title="Rows")
        .mark_bar()
        .encode(
            x="month:T",
            y="rows:Q",
            tooltip=[
                alt.Tooltip("month:T", title="month"),
                alt.Tooltip("yearmonth(month):T", title="period"),
                alt.Tooltip("rows:Q", title="rows", format=",d"),
            ],
        )
    )
    assert draw(chart) == ["month: Mar 01, 2024; period: Mar 2024; rows: 4"]
    # the theme's German date format, and German month names
    assert draw(chart, "de") == ["Monat: 01.03.2024; Periode: Mär 2024; Zeilen: 4"]


def test_a_mark_without_a_tooltip_reads_the_fields_as_the_charts_tooltip_does(draw):
    """An interval's line names its ends as the bar's tooltip does; an end the tooltip does
    not show takes the format the tooltip gives its axis (before: 'upper: 87.7837')."""
    data = pl.DataFrame({"channel": ["search"], "share": [77.6], "lower": [68.6719]})
    data = data.with_columns(upper=pl.lit(87.7837))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("share:Q"),
            y="channel:N",
            tooltip=[
                alt.Tooltip("channel:N", title="channel"),
                alt.Tooltip("share:Q", title="share", format=",.1f"),
                alt.Tooltip("lower:Q", title="lower", format=",.1f"),
            ],
        )
    )
    rule = alt.Chart(data).mark_rule().encode(x="lower:Q", x2="upper:Q", y="channel:N")
    hovers = draw(alt.layer(bars, rule).properties(title="Credit"))
    assert hovers == [
        "channel: search; share: 77.6; lower: 68.7",
        "lower: 68.7; upper: 87.8; channel: search",
    ]


def test_object_entries_keeps_commas_quotes_and_brackets_inside_keys_and_values():
    signal = (
        '{"a, \\"b\\"}": format(datum["x, y"], ",.1f"), '
        "\"c\": isValid(datum['d']) ? join(datum['d'], ', ') : '{', \"e\": [1, 2]}"
    )
    assert object_entries(signal) == [
        ('a, "b"}', 'format(datum["x, y"], ",.1f")'),
        ("c", "isValid(datum['d']) ? join(datum['d'], ', ') : '{'"),
        ("e", "[1, 2]"),
    ]
    with pytest.raises(ValueError):
        object_entries('datum["x"]')


def test_a_tooltip_without_fields_keeps_vega_lites_own_text(draw):
    chart = (
        alt.Chart(EFFECT, title="Effect")
        .mark_bar()
        .encode(x="estimate:Q", y="arm:N", tooltip=alt.value("a fixed text"))
    )
    assert draw(chart) == ["estimate: 0.0160621; arm: treatment"]


# ---------------------------------------------------------------- lean SVG


def test_lean_svg_keeps_a_gradients_coordinates():
    """x1="0" is a line's default, not a gradient's (whose x2 defaults to 100%)."""
    gradient = '<linearGradient id="g" x1="0" x2="0" y1="1" y2="0">'
    assert lean_svg(f"<svg>{gradient}</svg>") == f"<svg>{gradient}</svg>"
    assert lean_svg('<svg><line x1="0" x2="0" y2="5"/></svg>') == '<svg><line y2="5"/></svg>'


def test_lean_svg_leaves_data_marks_their_own_attributes():
    """Marks (role="graphics-symbol") are what tests, screen readers and readers inspect."""
    marks = (
        '<g class="mark-text role-mark"><text role="graphics-symbol" fill="#000">1</text>'
        '<text role="graphics-symbol" fill="#000">2</text></g>'
    )
    assert lean_svg(f"<svg>{marks}</svg>") == f"<svg>{marks}</svg>"


def test_lean_svg_lifts_attributes_of_labels_with_several_lines():
    labels = (
        '<g class="mark-text role-axis-label"><text fill="#000" font-size="12px">a'
        '<tspan x="0" dy="14">b</tspan></text><text fill="#000" font-size="11px">c</text></g>'
    )
    assert lean_svg(f"<svg>{labels}</svg>") == (
        '<svg><g class="mark-text role-axis-label" fill="#000"><text font-size="12px">a'
        '<tspan x="0" dy="14">b</tspan></text><text font-size="11px">c</text></g></svg>'
    )


def test_lean_svg_keeps_hover_texts_and_names_untouched():
    svg = (
        '<svg aria-label="x 1.23456"><path role="graphics-symbol" d="M0.123,0L5.56,2.24">'
        "<title>share: 12.3456%</title></path></svg>"
    )
    assert lean_svg(svg) == (
        '<svg aria-label="x 1.23456"><path role="graphics-symbol" d="M0.1,0L5.6,2.2">'
        "<title>share: 12.3456%</title></path></svg>"
    )
