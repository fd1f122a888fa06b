"""Every chart of the package reads at a glance: title, axis titles, whole-number counts,
labels that do not collide, an accessible name and a hover text on every mark.

The charts are built on the demo data (`demo_charts` in conftest.py) and drawn by the
reports' own renderer (`svg_renderer`, vl-convert), in the kit's theme; the checks read the
spec and the SVG. Label collisions are estimated here from the SVG's text positions and
font size (Helvetica is about 0.6 em a character); the report pages' browser tests compare
real bounding boxes in the DOM.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import polars as pl
import pytest

from mkt_engineering.charts import overview as overview_charts
from mkt_engineering.charts.german import translate_spec
from mkt_engineering.charts.theme import MIN_CELL_HEIGHT, MIN_CELL_WIDTH, use_theme
from mkt_engineering.errors import ParameterError
from mkt_engineering.experiments import charts as ex_charts
from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.notebook import svg_renderer

PACKAGE = Path(notebook.__file__).resolve().parents[1]
CHART_MODULES = {
    "attribution": PACKAGE / "attribution" / "charts.py",
    "ltv": PACKAGE / "ltv" / "charts.py",
    "nurture": PACKAGE / "nurture" / "charts.py",
    "experiments": PACKAGE / "experiments" / "charts.py",
    "overview": PACKAGE / "charts" / "overview.py",
}
# Chart functions the catalogue reaches through another one (same chart, data made earlier).
REACHED_THROUGH = {
    "overview.weekly_rows_chart": "overview.rows_over_time",
    "overview.value_counts_chart": "overview.category_counts",
    "overview.binned_chart": "overview.histogram",
    "nurture.rate_chart": "nurture.maturity_chart",
}
# Axes without a title, and why that is right.
UNTITLED_AXES = {
    # each facet row's header names the dimension its bars show
    ("nurture.exclusion_chart", "Y"),
}
# Axes that count things: their tick labels must be whole numbers, each once.
COUNT_AXES = {
    "attribution.top_paths_chart": "conversions",
    "attribution.credit_interval_chart": "attributed conversions",
    "ltv.clv_distribution": "Customers",
    "ltv.tracking_chart": "Cumulative repeat purchases",
    "overview.rows_over_time_monthly": "rows per month",
    "overview.rows_over_time_weekly": "rows per week",
    "overview.category_counts": "rows",
    "overview.histogram": "rows",
}
SVG = "{http://www.w3.org/2000/svg}"
CHAR_WIDTH = 0.6  # of the font size: Helvetica's digits are 0.556 em, capitals up to 0.72


@pytest.fixture(scope="module")
def drawn(demo_charts):
    """Name -> (spec, SVG) through the report renderer, in the English theme."""
    previous, record = alt.theme.active, list(notebook._state["chart_rows"])
    use_theme("en")
    try:
        with alt.data_transformers.disable_max_rows():
            specs = {name: chart.to_dict() for name, chart in demo_charts.items()}
        result = {name: (s, svg_renderer(s)["image/svg+xml"]) for name, s in specs.items()}
    finally:
        alt.theme.enable(previous)
        notebook._state["chart_rows"] = record
    return result


def _functions(path: Path) -> list[str]:
    """Public functions of a chart module that build a chart (their body names alt.)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and "alt." in ast.unparse(node)
    ]


def test_the_catalogue_holds_every_chart_function(demo_charts):
    built = {name.split(".")[0] + "." + name.split(".")[1] for name in demo_charts}
    missing = [
        f"{module}.{function}"
        for module, path in CHART_MODULES.items()
        for function in _functions(path)
        if not any(
            b == f"{module}.{function}" or b.startswith(f"{module}.{function}_") for b in built
        )
        and f"{module}.{function}" not in REACHED_THROUGH
    ]
    assert not missing, f"add to tests/charts/conftest.py: {missing}"


# ---------------------------------------------------------------- reading the SVG


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _axes(root: ET.Element) -> list[ET.Element]:
    """Axis groups a reader sees (vega marks hidden ones aria-hidden)."""
    return [g for g in root.iter(f"{SVG}g") if g.get("aria-roledescription") == "axis"]


def _axis_labels(axis: ET.Element) -> list[dict]:
    """Visible tick labels of one axis: text, anchor point, anchor, font size, angle."""
    labels = []
    for group in axis.iter(f"{SVG}g"):
        if "role-axis-label" not in (group.get("class") or ""):
            continue
        for text in group.iter(f"{SVG}text"):
            if text.get("opacity") == "0" or not (text.text or "").strip():
                continue
            move = re.search(r"translate\(([-\d.e]+),([-\d.e]+)\)", text.get("transform", ""))
            turn = re.search(r"rotate\(([-\d.e]+)\)", text.get("transform", ""))
            labels.append(
                {
                    "text": text.text.strip(),
                    "x": float(move.group(1)) if move else 0.0,
                    "y": float(move.group(2)) if move else 0.0,
                    # the renderer writes what all labels share once, on their group
                    "anchor": text.get("text-anchor", group.get("text-anchor", "start")),
                    "size": float(
                        text.get("font-size", group.get("font-size", "12px")).removesuffix("px")
                    ),
                    "angle": float(turn.group(1)) if turn else 0.0,
                }
            )
    return labels


def _span(label: dict, horizontal: bool) -> tuple[float, float]:
    """The interval a label covers along its axis (estimated width for x, height for y)."""
    if not horizontal:
        return label["y"] - label["size"] / 2, label["y"] + label["size"] / 2
    longest = max(len(line) for line in label["text"].split("\n"))
    width = CHAR_WIDTH * label["size"] * longest
    if label["angle"]:  # the box a browser reports for slanted text: as the DOM test sees it
        angle = math.radians(label["angle"])
        width = width * abs(math.cos(angle)) + label["size"] * abs(math.sin(angle))
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[label["anchor"]]
    return label["x"] + start, label["x"] + start + width


def _overlaps(labels: list[dict], horizontal: bool) -> list[tuple[str, str]]:
    spans = sorted((_span(label, horizontal), label["text"]) for label in labels)
    return [
        (a_text, b_text)
        for ((_, a_end), a_text), ((b_start, _), b_text) in zip(spans, spans[1:], strict=False)
        if b_start < a_end - 0.5
    ]


def _axis_name(axis: ET.Element) -> str:
    return axis.get("aria-label", "")


# ---------------------------------------------------------------- the checks


def test_every_chart_has_a_title(drawn):
    untitled = [
        name for name, (spec, _) in drawn.items() if not notebook._title_text(spec.get("title"))
    ]
    assert not untitled


def test_every_axis_has_a_title(drawn):
    untitled = [
        (name, _axis_name(axis)[:40])
        for name, (_, svg) in drawn.items()
        for axis in _axes(_tree(svg))
        if "titled" not in _axis_name(axis) and (name, _axis_name(axis)[:1]) not in UNTITLED_AXES
    ]
    assert not untitled


def test_count_axes_have_whole_ticks_each_once(drawn):
    for name, title in COUNT_AXES.items():
        axis = next(a for a in _axes(_tree(drawn[name][1])) if f"titled '{title}'" in _axis_name(a))
        ticks = [label["text"] for label in _axis_labels(axis)]
        assert all(re.fullmatch(r"-?\d{1,3}(,\d{3})*", t) for t in ticks), (name, ticks)
        assert len(ticks) == len(set(ticks)) >= 2, (name, ticks)


def test_no_two_tick_labels_on_an_axis_overlap(drawn):
    collisions = {}
    for name, (_, svg) in drawn.items():
        for axis in _axes(_tree(svg)):
            horizontal = _axis_name(axis).startswith("X")
            found = _overlaps(_axis_labels(axis), horizontal)
            if found:
                collisions[f"{name} {_axis_name(axis)[:30]}"] = found
    assert not collisions


def test_every_chart_svg_has_an_accessible_name(drawn):
    for name, (spec, svg) in drawn.items():
        root = _tree(svg)
        title = root.find(f"{SVG}title")
        assert root.get("aria-label"), name
        assert root.get("aria-label").startswith(notebook._chart_label(spec)), name
        assert title is not None and title.text == root.get("aria-label"), name
        assert list(root)[0] is title, name  # the first child names an SVG
        # title and subtitle read as sentences ("cost?. Right" was read out as it stands)
        assert not re.search(r"[.?!:]\.", root.get("aria-label")), name


def _has_tooltip(node) -> bool:
    if isinstance(node, dict):
        enc = node.get("encoding") or {}
        return "tooltip" in enc or any(_has_tooltip(v) for v in node.values())
    return isinstance(node, list) and any(_has_tooltip(v) for v in node)


SERIES_GROUP = re.compile(r"\bmark-(line|area|trail)\b")


def test_marks_carry_a_hover_title_offline(drawn):
    """The browser shows an SVG <title> on hover, without script (the page's CSP forbids it)."""
    for name, (spec, svg) in drawn.items():
        if not _has_tooltip(spec):
            continue
        tree = _tree(svg)
        parent = {child: group for group in tree.iter() for child in group}
        marks = [
            e
            for e in tree.iter()
            if e.get("role") == "graphics-symbol"
            and e.tag != f"{SVG}g"
            # a line or an area is one path per series: no datum of its own to show
            and not SERIES_GROUP.search(parent[e].get("class", ""))
        ]
        titled = [e for e in marks if e.find(f"{SVG}title") is not None]
        assert len(titled) == len(marks), name
        assert all(e.find(f"{SVG}title").text.strip() for e in titled), name
        assert not [e for e in titled if e.get("aria-label")], "named twice: " + name


def test_hover_titles_escape_data_text():
    """A channel named like markup stays text in the hover title (and the chart name)."""
    data = {"channel": ['<script>alert("x")</script>&'], "rows": [3]}
    chart = (
        alt.Chart(pl.DataFrame(data), title="</title><script>")
        .mark_bar()
        .encode(y="channel:N", x="rows:Q", tooltip=["channel:N"])
    )
    svg = svg_renderer(chart.to_dict())["image/svg+xml"]
    assert "<script" not in svg
    root = _tree(svg)  # still well-formed XML
    texts = [e.text for e in root.iter(f"{SVG}title")]
    assert "</title><script>" in texts
    assert any('<script>alert("x")</script>&' in (t or "") for t in texts)


def test_legends_show_line_colours_at_full_strength(drawn):
    """Band and line share a legend; its symbols were the band's pale 18% opacity."""
    for name, (_, svg) in drawn.items():
        for group in _tree(svg).iter(f"{SVG}g"):
            if "role-legend-symbol" in (group.get("class") or ""):
                for symbol in group:
                    assert symbol.get("opacity", "1") == "1", name


def _rect_paths(svg: str) -> list:
    """The paths vega drew for rect and bar marks (the marks carry no role description; the
    group around them is the "rect mark container")."""
    groups = _tree(svg).iter(f"{SVG}g")
    return [
        e
        for g in groups
        if g.get("aria-roledescription") == "rect mark container"
        for e in g.iter(f"{SVG}path")
    ]


def _cells(svg: str) -> list[tuple[float, float]]:
    """(width, height) of every heatmap cell (vega's "rect" marks)."""
    sizes = []
    for e in _rect_paths(svg):
        if e.get("role") == "graphics-symbol":
            found = re.fullmatch(r"M[-\d.e]+,[-\d.e]+h([-\d.e]+)v([-\d.e]+)h[-\d.e]+Z", e.get("d"))
            if found:
                sizes.append((float(found.group(1)), float(found.group(2))))
    return sizes


def test_heatmap_cells_leave_room_for_their_labels(drawn):
    labelled = drawn["attribution.model_comparison_chart"][1]
    assert min(w for w, _ in _cells(labelled)) >= MIN_CELL_WIDTH
    assert min(h for _, h in _cells(labelled)) >= MIN_CELL_HEIGHT
    for name in ("attribution.transition_heatmap", "ltv.cohort_heatmap"):
        assert min(h for _, h in _cells(drawn[name][1])) >= 14, name


def test_model_against_reality_has_a_legend(drawn):
    svg = drawn["ltv.tracking_chart"][1]
    legend = [g for g in _tree(svg).iter(f"{SVG}g") if "role-legend" in (g.get("class") or "")]
    texts = {t.text for g in legend for t in g.iter(f"{SVG}text")}
    assert {"actual", "model"} <= texts


def test_histogram_bars_stand_on_zero(drawn):
    """Bars from the zero line up (an earlier chart drew each bin as a dash at its count)."""
    for name in ("ltv.clv_distribution", "overview.histogram"):
        bars = [
            e.get("d") for e in _rect_paths(drawn[name][1]) if e.get("role") == "graphics-symbol"
        ]
        bottoms = {
            round(float(y) + float(h), 3)
            for y, h in (
                re.search(r"M[-\d.e]+,([-\d.e]+)h[-\d.e]+v([-\d.e]+)", d).groups() for d in bars
            )
        }
        assert len(bars) > 5 and len(bottoms) == 1, name


def test_monthly_data_are_counted_per_month(drawn):
    spec, svg = drawn["overview.rows_over_time_monthly"]
    assert spec["title"] == "spend: rows per month"
    assert drawn["overview.rows_over_time_weekly"][0]["title"] == "spend: rows per week"


def test_ab_effects_read_in_the_units_of_the_text():
    """Conversion in percentage points, as the summary says "rose by 1.6 points"; revenue
    as a relative change, as the headline says "revenue +14%"."""
    effects = pl.DataFrame(
        {
            "metric": ["converted", "revenue"],
            "role": ["primary", "secondary"],
            "variant": ["treatment", "treatment"],
            "kind": ["proportion", "mean"],
            "effect": [0.016, 0.55],
            "ci_low": [0.008, 0.01],
            "ci_high": [0.024, 1.1],
            "lift": [0.17, 0.14],
            "lift_low": [0.08, 0.002],
            "lift_high": [0.26, 0.28],
        }
    )
    spec = ex_charts.effects_chart(effects).to_dict()
    drawn = {
        r["metric"]: (r["scale"], r["estimate"], r["low"], r["high"])
        for rows in spec["datasets"].values()
        for r in rows
        if "metric" in r
    }
    assert drawn == {
        "converted": ("points", 0.016, 0.008, 0.024),
        "revenue": ("relative", 0.14, 0.002, 0.28),
    }
    root = _tree(svg_renderer(spec)["image/svg+xml"])
    axes = {_axis_name(a).split(" for ")[0]: _axis_labels(a) for a in _axes(root)}
    points = axes["X-axis titled 'change vs control (95% interval)'"]
    assert all(label["text"].endswith(" points") for label in points)
    relative = axes["X-axis titled 'relative change vs control (95% interval)'"]
    assert all(re.fullmatch(r"[+-]?\d+%", label["text"]) for label in relative)
    hover = [t.text for t in root.iter(f"{SVG}title") if "converted" in (t.text or "")]
    assert any("change: +1.6 points" in t for t in hover), hover


def test_ab_effects_without_a_relative_change_are_named_not_drawn():
    effects = pl.DataFrame(
        {
            "metric": ["revenue"],
            "role": ["secondary"],
            "variant": ["b"],
            "kind": ["mean"],
            "effect": [0.5],
            "ci_low": [0.1],
            "ci_high": [0.9],
            "lift": [float("nan")],
            "lift_low": [float("nan")],
            "lift_high": [float("nan")],
        }
    )
    spec = ex_charts.effects_chart(effects).to_dict()
    assert "1 with a control value of 0 left out" in spec["title"]["subtitle"][1]
    assert not [r for rows in spec["datasets"].values() for r in rows if "metric" in r]


def test_overview_histogram_names_values_that_are_not_numbers():
    """NaN and infinite values are counted in the subtitle, never binned (the bins of an
    infinite range started at NaN and ended at infinity)."""
    frame = pl.DataFrame({"value": [1.0, 2.0, 2.5, 4.0, float("inf"), float("nan"), None]})
    spec = overview_charts.histogram(frame, "value", "value", bins=3).to_dict()
    rows = [r for values in spec["datasets"].values() for r in values]
    assert all(math.isfinite(r["start"]) and math.isfinite(r["end"]) for r in rows)
    assert sum(r["rows"] for r in rows) == 4
    assert spec["title"]["subtitle"] == "2 values that are not finite numbers are left out."


def test_rows_over_time_reads_the_period_from_the_dates():
    start = dt.date(2024, 1, 1)
    days = [start + dt.timedelta(days=d) for d in range(40)]
    weeks = [start + dt.timedelta(weeks=w) for w in range(30)]
    months = [dt.date(2024, m, 15) for m in range(1, 13)]  # mid-month, 28+ days apart
    assert [overview_charts.time_period(pl.Series(d)) for d in (days, weeks, months)] == [
        "day",
        "week",
        "month",
    ]
    with pytest.raises(ParameterError, match="period must be one of"):
        overview_charts.rows_over_time(pl.DataFrame({"d": days}), "d", "t", period="year")


# Texts that read the same in German.
SAME_IN_GERMAN = {"Median", "Persona"}


def _titles(node, inside: bool = False) -> list[str]:
    """Every title, subtitle and axis, legend or tooltip title a reader sees in a spec."""
    if isinstance(node, str):
        return [node] if inside else []
    if isinstance(node, list):
        return [text for item in node for text in _titles(item, inside)]
    if not isinstance(node, dict):
        return []
    found: list[str] = []
    for key, value in node.items():
        if key == "title" or (inside and key in ("text", "subtitle")):
            found += _titles(value, inside=True)
        elif not inside and key not in ("datasets", "data", "config"):
            found += _titles(value)
    return found


def _tooltip_fields(node) -> list[str]:
    """Fields a hover text shows under their own (English) name: tooltips without title."""
    found: list[str] = []
    if isinstance(node, list):
        for item in node:
            found += _tooltip_fields(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "tooltip":
                items = value if isinstance(value, list) else [value]
                found += [t["field"] for t in items if isinstance(t, dict) and "title" not in t]
            elif key not in ("datasets", "data", "config"):
                found += _tooltip_fields(value)
    return found


def test_german_reports_draw_every_chart_text_in_german(demo_charts, monkeypatch):
    """A German report reads German titles, axes, legends and hover texts (data stay)."""
    monkeypatch.setitem(notebook._state, "language", "de")
    monkeypatch.setitem(notebook._state, "chart_rows", [])
    left = {}
    with alt.data_transformers.disable_max_rows():
        for name, chart in demo_charts.items():
            english = chart.to_dict()
            german = translate_spec(english)
            same = set(_titles(german)) & set(_titles(english)) - SAME_IN_GERMAN
            untitled = [f for f in _tooltip_fields(german) if f not in SAME_IN_GERMAN]
            if same or untitled:
                left[name] = sorted(same) + untitled
    assert not left, f"add to mkt_engineering/charts/german.py: {left}"
    spec = demo_charts["experiments.effects_chart"].to_dict()
    svg = svg_renderer(spec)["image/svg+xml"]
    assert "Effekt je Kennzahl" in svg and "Prozentpunkte" in svg
    assert "Effect per metric" not in svg
    previous = alt.theme.active
    use_theme("de")  # German numbers: "40 %", "1.000"
    try:
        svg = svg_renderer(demo_charts["nurture.survival_chart"].to_dict())["image/svg+xml"]
    finally:
        alt.theme.enable(previous)
    assert re.search(r">40 %</text>", svg) and "Anteil noch nicht qualifiziert" in svg


def test_english_reports_keep_english_chart_text(demo_charts):
    spec = demo_charts["attribution.top_paths_chart"].to_dict()
    svg = svg_renderer(spec)["image/svg+xml"]
    assert "Top 10 paths" in svg and "Pfade" not in svg
