"""Leaner pages: what a chart costs on the report page, and what its hover texts say.

Every chart is drawn by the reports' renderer (`svg_renderer`), which writes it compactly
(`svg_lean.lean_svg`); the page holds it as drawn. A heatmap draws one mark per cell, each
with its own hover text (an SVG ``<title>``), so its bytes per mark decide the page size:
the bounds below are the sizes measured on the demo data plus about 10%.

Bytes per heatmap cell, three steps: at first vega-lite repeated every tooltip field under
its raw name (324-684); then the fields carried the axes' titles, marks lost their role
descriptions and colours were written ``#rrggbb`` (241-477); now a mark's hover text is its
tooltip only, with short titles on dense heatmaps, the font is written once per chart,
labels and ticks share their attributes on their group, coordinates are kept to 1/10 px and
vega's empty guide paths go (182-315).

The whole report pages are measured in tests/reporting/test_report_page_size.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import altair as alt
import pytest

from mkt_engineering.charts.theme import use_theme
from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.notebook import svg_renderer
from mkt_engineering.reporting.svg_lean import lean_svg

# Bytes of the compacted SVG per heatmap cell, axes, legend and cell labels included
# (measured on the demo data, plus about 10%; before: 477, 241, 267, 286 and 272).
BYTES_PER_CELL = {
    "attribution.model_comparison_chart": 347,
    "attribution.transition_heatmap": 232,
    "ltv.cohort_heatmap": 200,
    "ltv.frequency_recency_heatmap": 239,
    "nurture.send_time_heatmap_chart": 233,
}

# What one cell's hover text names, in the tooltip's order: each thing once, in a short word
# (the axes and the legend carry the long titles once per chart).
HOVER_KEYS = {
    "attribution.model_comparison_chart": ["model", "channel", "share", "conversions"],
    "attribution.transition_heatmap": ["from", "next step", "probability", "count"],
    "ltv.cohort_heatmap": ["Cohort", "period", "buying", "customers"],
    "ltv.frequency_recency_heatmap": ["repeat purchases", "recency", "P(alive)"],
    "nurture.send_time_heatmap_chart": ["weekday", "hour", "open rate", "sends"],
}

# The chart modules whose hover texts are checked here (experiments/charts.py is not yet).
OWN_CHARTS = ("attribution.", "ltv.", "nurture.", "overview.")

_RECT = re.compile(r'\sd="M[-\d.]+,[-\d.]+h[-\d.]+v[-\d.]+h[-\d.]+Z"')
_MARK = re.compile(r'<(\w+)((?:\s+[\w:-]+="[^"]*")*)\s*/?>(<title>([^<]*)</title>)?')


@pytest.fixture(scope="module")
def specs(demo_charts) -> dict[str, dict]:
    """Name -> the chart's spec in the English theme, as a report draws it."""
    previous = alt.theme.active
    use_theme("en")
    try:
        with alt.data_transformers.disable_max_rows():
            return {name: chart.to_dict() for name, chart in demo_charts.items()}
    finally:
        alt.theme.enable(previous)


@pytest.fixture(scope="module")
def pages(specs) -> dict[str, str]:
    """Name -> the chart's SVG as the report page holds it (as the renderer wrote it)."""
    record = list(notebook._state["chart_rows"])
    try:
        return {name: svg_renderer(s)["image/svg+xml"] for name, s in specs.items()}
    finally:
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
    original = "M0,280L2.3,280L2.3,278.8L4.3,278.8L4.3,276.6L7.2,275.5Z"
    compact = re.search(r'd="([^"]*)"', lean_svg(f'<path d="{original}"/>')).group(1)
    assert compact == "M0,280H2.3V278.8H4.3V276.6L7.2,275.5Z"
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


# ---------------------------------------------------------------- the rules, one by one

SVG = "{http://www.w3.org/2000/svg}"
_VL = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]

_RAW_NUMBER = re.compile(r"\d\.\d{4,}")


def test_no_hover_text_shows_a_raw_number(pages):
    """Hover texts are the tooltip's formatted values, never vega-lite's raw encoded fields
    ("estimate: 0.0160621", "share of units: 50.310000%", "p95: 61.0902")."""
    raw = [
        f"{name}: {hover}"
        for name, svg in pages.items()
        for hover in re.findall(r"<title>([^<]*)</title>", svg)
        if _RAW_NUMBER.search(hover)
    ]
    assert not raw, "\n".join(raw[:10])


def test_the_chart_font_is_written_once(pages):
    """On the <svg> element (its text inherits it), not on each of hundreds of labels."""
    for name, svg in pages.items():
        assert svg.count("font-family=") == 1, name
        assert re.match(r'<svg\b[^>]*\sfont-family="Helvetica, Arial, sans-serif"', svg), name


_GUIDE_GROUP = re.compile(r"role-(axis-label|axis-tick|axis-grid|legend-label|legend-symbol)\b")
_SHARED = ("fill", "font-size", "font-weight", "text-anchor", "stroke", "stroke-width")


def test_labels_and_ticks_carry_shared_attributes_on_their_group(pages):
    """An attribute every label (or tick) of a guide carries alike is written once."""
    for name, svg in pages.items():
        for group in ET.fromstring(svg).iter(f"{SVG}g"):
            children = list(group)
            if len(children) < 2 or not _GUIDE_GROUP.search(group.get("class") or ""):
                continue
            for attribute in _SHARED:
                values = {child.get(attribute) for child in children}
                assert len(values) > 1 or None in values, (name, group.get("class"), attribute)


def test_coordinates_are_kept_to_a_tenth_of_a_pixel(pages):
    for name, svg in pages.items():
        geometry = " ".join(re.findall(r'\s(?:d|transform|x2|y2)="([^"]*)"', svg))
        assert not re.search(r"\d\.\d{2,}", geometry), name


def test_no_empty_guide_paths(pages):
    """vega's empty, hidden background and foreground paths of each axis and legend."""
    for name, svg in pages.items():
        assert 'd="M0,0h0v0h0Z"' not in svg and 'class="foreground"' not in svg, name


def _rect_corners(svg: str) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) of every heatmap cell, in drawing order."""
    corners = []
    for attrs, _ in _marks(svg):
        found = re.search(r'\sd="M([-\d.e]+),([-\d.e]+)h([-\d.e]+)v([-\d.e]+)h[-\d.e]+Z"', attrs)
        if found:
            x, y, width, height = (float(part) for part in found.groups())
            corners.append((x, y, x + width, y + height))
    return corners


@pytest.mark.parametrize("name", sorted(BYTES_PER_CELL))
def test_rounded_heatmap_cells_keep_their_place_and_their_neighbours(pages, specs, name):
    """Each corner moves by at most 1/20 px, and cells that touched still touch exactly."""
    import vl_convert

    raw = _rect_corners(vl_convert.vegalite_to_svg(specs[name], vl_version=_VL))
    lean = _rect_corners(pages[name])
    assert len(raw) == len(lean) > 20
    for before, after in zip(raw, lean, strict=True):
        assert all(abs(a - b) <= 0.05 + 1e-9 for a, b in zip(before, after, strict=True))
    for (left, right), (left_after, right_after) in zip(
        zip(raw, raw[1:], strict=False), zip(lean, lean[1:], strict=False), strict=True
    ):
        if abs(left[2] - right[0]) < 1e-6 and abs(left[1] - right[1]) < 1e-6:
            assert abs(left_after[2] - right_after[0]) < 1e-9, name  # same edge, no gap


@pytest.mark.parametrize("name", ["ltv.clv_distribution", "overview.histogram"])
def test_a_histogram_bar_names_its_range_and_its_count(pages, name):
    """A hover text is the tooltip only, so the tooltip names the bar's range: it used to
    come from vega-lite's automatic text of the binned axis ("... (EUR): 0 – 2")."""
    bars = [hover for attrs, hover in _marks(pages[name]) if _RECT.search(attrs)]
    assert bars
    for hover in bars:
        assert [key for key, _ in _entries(hover)][:2] == ["from", "to"], hover
