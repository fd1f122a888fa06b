"""Leaner pages: what a chart costs on the report page, and what its hover texts say.

Every chart is drawn by the reports' renderer (`svg_renderer`) and compacted as the page
compacts it (`compact_svg`). A heatmap draws one mark per cell, each with its own hover text
(an SVG ``<title>``), so its bytes per mark decide the page size: the bounds below are the
sizes measured on the demo data plus about 10%. Before the hover texts named each thing once
(vega-lite repeated every tooltip field under its raw name) and before the renderer dropped
the marks' role descriptions and wrote colours as ``#rrggbb``, the five heatmaps cost
324-684 bytes per cell; they now cost 241-477 (the model comparison's cell labels, which
had hover texts of their own, have none now: the cell's says it).

The whole report pages are measured in tests/reporting/test_report_page_size.py.
"""

from __future__ import annotations

import re

import altair as alt
import pytest

from mkt_engineering.charts.theme import use_theme
from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.notebook import svg_renderer
from mkt_engineering.reporting.page_layout import compact_svg

# Bytes of the compacted SVG per heatmap cell, axes, legend and cell labels included
# (measured on the demo data, plus about 10%; before: 684, 333, 365, 324 and 375).
BYTES_PER_CELL = {
    "attribution.model_comparison_chart": 525,
    "attribution.transition_heatmap": 265,
    "ltv.cohort_heatmap": 294,
    "ltv.frequency_recency_heatmap": 315,
    "nurture.send_time_heatmap_chart": 300,
}

# What one cell's hover text names, in order: each thing once, in words.
HOVER_KEYS = {
    "attribution.model_comparison_chart": [
        "attribution model",
        "channel",
        "share of conversions",
        "attributed conversions",
    ],
    "attribution.transition_heatmap": ["next step", "from", "probability", "count"],
    "ltv.cohort_heatmap": [
        "Periods since the first order",
        "Cohort (first order)",
        "Share of the cohort buying",
        "Cohort size",
    ],
    "ltv.frequency_recency_heatmap": [
        "Recency (age at the last purchase)",
        "Repeat purchases",
        "P(alive)",
    ],
    "nurture.send_time_heatmap_chart": [
        "hour of the send",
        "weekday of the send",
        "open rate",
        "sends",
    ],
}

# The chart modules whose hover texts are checked here (experiments/charts.py is not yet).
OWN_CHARTS = ("attribution.", "ltv.", "nurture.", "overview.")

_RECT = re.compile(r'\sd="M[-\d.]+,[-\d.]+h[-\d.]+v[-\d.]+h[-\d.]+Z"')
_MARK = re.compile(r'<(\w+)((?:\s+[\w:-]+="[^"]*")*)\s*/?>(<title>([^<]*)</title>)?')


@pytest.fixture(scope="module")
def pages(demo_charts) -> dict[str, str]:
    """Name -> the chart's SVG as the report page holds it (rendered, then compacted)."""
    previous, record = alt.theme.active, list(notebook._state["chart_rows"])
    use_theme("en")
    try:
        with alt.data_transformers.disable_max_rows():
            specs = {name: chart.to_dict() for name, chart in demo_charts.items()}
        return {name: compact_svg(svg_renderer(s)["image/svg+xml"]) for name, s in specs.items()}
    finally:
        alt.theme.enable(previous)
        notebook._state["chart_rows"] = record


_SERIES_GROUP = re.compile(r'<g class="mark-(line|area|trail)\b')


def _marks(svg: str) -> list[tuple[str, str | None]]:
    """(attributes, hover text) of every drawn datum (role="graphics-symbol")."""
    return [
        (found.group(2), found.group(4))
        for found in _MARK.finditer(svg)
        # axes and legends are graphics symbols too, but groups (<g>) without a hover text
        if found.group(1) != "g"
        and 'role="graphics-symbol"' in found.group(2)
        # a line or an area is one path per series, without a datum's hover text
        and not _SERIES_GROUP.match(svg, svg.rfind('<g class="mark-', 0, found.start()))
    ]


def _entries(hover: str) -> list[tuple[str, str]]:
    """A hover text "a: 1; b: x" as [("a", "1"), ("b", "x")]."""
    return [tuple(part.split(": ", 1)) for part in hover.split("; ") if ": " in part]


@pytest.mark.parametrize("name", sorted(BYTES_PER_CELL))
def test_a_heatmap_costs_few_bytes_per_cell(pages, name):
    svg = pages[name]
    cells = [attrs for attrs, _ in _marks(svg) if _RECT.search(attrs)]
    per_cell = len(svg.encode()) / len(cells)
    assert per_cell <= BYTES_PER_CELL[name], f"{name}: {per_cell:.0f} bytes per cell"


@pytest.mark.parametrize("name", sorted(HOVER_KEYS))
def test_a_heatmap_cell_names_each_thing_once_in_words(pages, name):
    hovers = {hover for _, hover in _marks(pages[name])}
    assert hovers and None not in hovers, f"{name}: a cell without a hover text"
    for hover in hovers:
        assert [key for key, _ in _entries(hover)] == HOVER_KEYS[name], hover


def test_no_hover_text_repeats_a_value_under_its_field_name(pages):
    """E.g. "Cohort (first order): 2024-01-01; cohort_label: 2024-01-01" said it twice."""
    repeated = []
    for name, svg in pages.items():
        if not name.startswith(OWN_CHARTS):
            continue
        for _, hover in _marks(svg):
            entries = _entries(hover or "")
            named = {value for key, value in entries if "_" not in key}
            if any(
                "_" in key and value in named and not re.fullmatch(r"[-\d.,%]+", value)
                for key, value in entries
            ):
                repeated.append(f"{name}: {hover}")
    assert not repeated, "\n".join(repeated[:10])


def test_marks_keep_role_and_title_but_no_role_description_or_rgb(pages):
    """The role names a mark and the <title> is its name and hover text; a role description
    per mark ("rect mark") and "rgb(r, g, b)" colours only cost bytes."""
    for name, svg in pages.items():
        for attrs, hover in _marks(svg):
            assert hover, f"{name}: a mark without a hover text: {attrs}"
            assert "aria-roledescription" not in attrs, f"{name}: {attrs}"
            assert "rgb(" not in attrs, f"{name}: {attrs}"
        # the chart itself keeps its description ("chart") for screen readers
        assert 'aria-roledescription="chart"' in svg, name


def test_step_curves_are_drawn_with_horizontal_and_vertical_lines(pages):
    """A survival curve's steps ("L2.28,280L2.28,278.77") are written as "H" and "V"."""
    paths = re.findall(r'\sd="([^"]*)"', pages["nurture.survival_chart"])
    assert any(re.search(r"H[\d.]+V[\d.]+H", d) for d in paths)
    assert not any(re.search(r"L([\d.]+),[\d.]+L\1,", d) for d in paths)


def test_compacting_keeps_every_point_of_a_line():
    """The H/V form draws the same polyline as the L form it replaces."""
    original = "M0,280L2.28,280L2.28,278.77L4.32,278.77L4.32,276.57L7.18,275.5Z"
    compact = re.search(r'd="([^"]*)"', compact_svg(f'<path d="{original}"/>')).group(1)
    assert compact == "M0,280H2.28V278.77H4.32V276.57L7.18,275.5Z"
    assert _points(compact) == _points(original)


def _points(path: str) -> list[tuple[float, float]]:
    """The corner points of a path of M, L, H, V and Z commands."""
    points, x, y = [], 0.0, 0.0
    for command, numbers in re.findall(r"([MLHVZ])([-\d.,]*)", path):
        if command in "ML":
            x, y = (float(n) for n in numbers.split(","))
        elif command == "H":
            x = float(numbers)
        elif command == "V":
            y = float(numbers)
        else:
            continue
        points.append((x, y))
    return points
