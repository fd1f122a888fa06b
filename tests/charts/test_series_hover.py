"""Charts drawn as lines or areas name each series in its hover text, in English and German;
and the chart defects of the English and German report pages stay fixed.

A line or an area is one SVG path per series. The renderer drops vega's label of such a path
(its first datum), so without a text of its own the cohort curves, the survival and
incidence curves, the posteriors and the power curve had no hover text at all. Each chart
now gives its series a sentence of its own (`mkt_engineering.charts.series_text`), which the
renderer keeps, and a German report draws its German twin.

The checks read the SVG of the reports' own renderer (`svg_renderer`), German as a German
report draws it (`translate_spec` and the German theme).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import altair as alt
import polars as pl
import pytest

from mkt_engineering.attribution import charts as at_charts
from mkt_engineering.charts.german import translate_spec
from mkt_engineering.charts.theme import use_theme
from mkt_engineering.experiments import charts as ex_charts
from mkt_engineering.ltv import charts as ltv_charts
from mkt_engineering.nurture import charts as nu_charts
from mkt_engineering.paths import NOTEBOOKS_DIR
from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.notebook import svg_renderer

SVG = "{http://www.w3.org/2000/svg}"
SERIES_GROUP = re.compile(r"\bmark-(line|area|trail)\b")
DATUM_LIST = re.compile(r"^[^;]*?: [^;]*(; |$)")


def _draw(chart: alt.TopLevelMixin, language: str) -> str:
    """The chart's SVG as a report in `language` draws it: its spec made in the report's
    theme (the theme's locale travels in the spec), translated in a German report."""
    previous, record = alt.theme.active, list(notebook._state["chart_rows"])
    use_theme(language)  # type: ignore[arg-type]
    try:
        with alt.data_transformers.disable_max_rows():
            spec = chart.to_dict()
        return svg_renderer(translate_spec(spec) if language == "de" else spec)["image/svg+xml"]
    finally:
        alt.theme.enable(previous)
        notebook._state["chart_rows"] = record


@pytest.fixture(scope="module")
def drawn(demo_charts) -> dict[tuple[str, str], str]:
    """(name, language) -> SVG of every catalogue chart, English and German."""
    return {
        (name, language): _draw(chart, language)
        for name, chart in demo_charts.items()
        for language in ("en", "de")
    }


def _series_paths(svg: str) -> list[ET.Element]:
    """The paths drawn for a whole series: the marks of line, area and trail groups."""
    tree = ET.fromstring(svg)
    return [
        mark
        for group in tree.iter(f"{SVG}g")
        if SERIES_GROUP.search(group.get("class", ""))
        for mark in group
        if mark.get("role") == "graphics-symbol"
    ]


def _text(svg: str) -> str:
    """Every text a reader sees or hovers, one string."""
    tree = ET.fromstring(svg)
    return " | ".join(e.text or "" for e in tree.iter() if e.tag in (f"{SVG}text", f"{SVG}title"))


# ---------------------------------------------------------------- a. series hover texts


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_line_and_area_names_its_series(drawn, language):
    """Lines with points included: a point names its datum, the line its series."""
    unnamed = {}
    for (name, lang), svg in drawn.items():
        if lang != language:
            continue
        for path in _series_paths(svg):
            title = path.find(f"{SVG}title")
            text = title.text.strip() if title is not None and title.text else ""
            if not text or DATUM_LIST.search(text):
                unnamed.setdefault(name, []).append(text)
    assert not unnamed


@pytest.mark.parametrize(
    ("name", "english", "german"),
    [
        (
            "ltv.cohort_curves",
            r"Cohort 2024-01, €61 after 23 periods",
            r"Kohorte 2024-01, 61 € nach 23 Perioden",
        ),
        (
            "nurture.survival_chart_by_group",
            r"cfo, 65% not yet qualified after 180 days",
            r"cfo, 65 % noch nicht qualifiziert nach 180 Tagen",
        ),
        (
            "nurture.incidence_chart",
            r"qualified, 36% of leads after 180 days",
            r"qualifiziert, 36 % der Leads nach 180 Tagen",
        ),
        (
            "experiments.posterior_chart",
            r"control, most plausible rate \d+\.\d%",
            r"control, plausibelste Rate \d+,\d %",
        ),
        (
            "experiments.power_chart",
            r"True effect \d\.\d points, 80% chance to detect it",
            r"Wahrer Effekt \d,\d Prozentpunkte, 80 % Chance, ihn zu entdecken",
        ),
        (
            "experiments.cumulative_chart",
            r"Cumulative effect, \+\d\.\d points on day \d+",
            r"Kumulierter Effekt, \+\d,\d Prozentpunkte an Tag \d+",
        ),
        (
            "attribution.lookback_chart",
            r"search, from \d+% at 7 days to \d+% at 30 days",
            r"search, von \d+ % bei 7 Tagen bis \d+ % bei 30 Tagen",
        ),
        (
            "overview.rows_over_time_weekly",
            r"9 rows per week throughout",
            r"durchgehend 9 Zeilen pro Woche",
        ),
        (
            "ltv.tracking_chart",
            r"actual, [\d,]+ repeat purchases by \d\d \w{3} \d{4}",
            r"tatsächlich, [\d.]+ Wiederholungskäufe bis \d\d\.\d\d\.\d{4}",
        ),
    ],
)
def test_a_series_hover_text_names_the_series_and_where_it_ends(drawn, name, english, german):
    for language, sentence in (("en", english), ("de", german)):
        titles = [
            path.find(f"{SVG}title").text
            for path in _series_paths(drawn[(name, language)])
            if path.find(f"{SVG}title") is not None
        ]
        assert any(re.fullmatch(sentence, t) for t in titles), (language, titles)


def test_series_texts_cost_a_few_hundred_bytes_a_chart(drawn, demo_charts):
    """One small table of texts, one row per series, and one ``<title>`` per series path on
    the page: no point mark per datum is added to a dense chart."""
    for name in ("ltv.cohort_curves", "nurture.survival_chart_by_group", "nurture.incidence_chart"):
        with alt.data_transformers.disable_max_rows():
            datasets = demo_charts[name].to_dict()["datasets"]
        (texts,) = [rows for rows in datasets.values() if rows and "hover_en" in rows[0]]
        titles = [
            p.find(f"{SVG}title").text
            for p in _series_paths(drawn[(name, "en")])
            if p.find(f"{SVG}title") is not None
        ]
        # a line per series, and a band per series where there are bands
        assert len(texts) <= len(titles) <= 2 * len(texts), name
        page_bytes = sum(len(f"<title>{t}</title>".encode()) for t in titles)
        assert page_bytes <= 80 * len(titles), name


# Charts whose line and points were one mark (point=True) and are two layers now.
SPLIT_LINES = (
    "attribution.lookback_chart",
    "ltv.holdout_chart",
    "nurture.reach_precision_chart",
    "overview.rows_over_time_weekly",
    "experiments.cumulative_chart",
)


@pytest.mark.parametrize("name", SPLIT_LINES)
def test_points_drawn_apart_from_their_line_cost_no_more_bytes(drawn, name):
    """Point marks are 0.7 opaque by default: an opacity attribute on each of hundreds of
    points (3 KB on the data overview page), where point=True drew them opaque."""
    points = [
        mark
        for group in ET.fromstring(drawn[(name, "en")]).iter(f"{SVG}g")
        if "mark-symbol" in group.get("class", "")
        for mark in group
        if mark.get("role") == "graphics-symbol"
    ]
    assert points and all(p.get("opacity", "1") == "1" for p in points), name


# ---------------------------------------------------------------- b. revenue forecast legend


def _forecast(kinds: list[str]) -> pl.DataFrame:
    months = [date(2026, 1, 1), date(2026, 2, 1)]
    return pl.DataFrame(
        {
            "cohort": [date(2025, 1, 1)] * 2 * len(kinds),
            "month": months * len(kinds),
            "kind": [k for k in kinds for _ in months],
            "expected_revenue": [100.0, 90.0] * len(kinds),
        }
    )


def _legend(svg: str) -> set[str]:
    tree = ET.fromstring(svg)
    return {
        t.text
        for g in tree.iter(f"{SVG}g")
        if "role-legend" in (g.get("class") or "")
        for t in g.iter(f"{SVG}text")
    }


def test_forecast_without_a_plan_shows_no_planned_cohorts_in_either_language():
    chart = ltv_charts.forecast_chart(_forecast(["existing"]), currency="EUR")
    assert chart.to_dict()["title"] == "Revenue forecast: existing customers"
    assert _legend(_draw(chart, "en")) == {"existing customers"}
    german = _draw(chart, "de")
    assert _legend(german) == {"bestehende Kunden"}
    assert "Umsatzprognose: bestehende Kunden" in german and "geplant" not in german


def test_forecast_legend_reads_german_in_a_german_report():
    chart = ltv_charts.forecast_chart(_forecast(["existing", "planned"]), currency="€")
    assert _legend(_draw(chart, "en")) == {"existing customers", "planned cohorts"}
    german = _draw(chart, "de")
    assert _legend(german) == {"bestehende Kunden", "geplante Kohorten"}
    assert not re.search(r"\b(existing|planned)\b", _text(german))
    # each area's hover text says its total, in the report's format
    assert "geplante Kohorten, 190 € erwartet in 2 Monaten" in _text(german)


# ---------------------------------------------------------------- c. CLV histogram


def test_clv_histogram_axis_title_is_one_language(drawn):
    german = _text(drawn[("ltv.clv_distribution", "de")])
    assert "Kundenwert (EUR)" in german
    assert "Customer" not in german and "Lifetime" not in german
    assert "Das oberste 1 % zählt im letzten Balken." in german
    english = _text(drawn[("ltv.clv_distribution", "en")])
    assert "Customer lifetime value (EUR)" in english and "(EUR) (" not in english


# ---------------------------------------------------------------- d. path flow width


def test_path_flow_chart_uses_the_width_of_the_other_charts(drawn, demo_charts):
    """Five columns of 20 px made a chart 100 px wide beside a 480 px wide legend gap."""
    assert demo_charts["attribution.path_flow_chart"].to_dict()["width"] == at_charts.WIDE
    widths = {
        name: float(ET.fromstring(drawn[(name, "en")]).get("width"))
        for name in ("attribution.path_flow_chart", "attribution.lookback_chart")
    }
    assert widths["attribution.path_flow_chart"] >= widths["attribution.lookback_chart"] - 40


# ---------------------------------------------------------------- e. credit interval title


def test_credit_interval_title_comes_from_the_package_in_both_languages():
    intervals = pl.DataFrame(
        {"channel": ["a"], "conversions": [3.0], "value": [1.0], "lower": [2.0], "upper": [4.0]}
    )
    english = at_charts.credit_interval_chart(intervals, model="last_non_direct").to_dict()
    assert english["title"]["text"] == "Credit under the last non direct model, with 95% interval"
    german = at_charts.credit_interval_chart(intervals, model="markov", language="de")
    assert german.to_dict()["title"]["text"] == "Anteil nach dem Modell markov, mit 95-%-Intervall"
    assert "Anteil nach dem Modell markov" in _draw(german, "de")


def test_attribution_report_asks_the_package_for_the_interval_title():
    cells = json.loads((NOTEBOOKS_DIR / "reports" / "attribution.ipynb").read_text("utf-8"))
    code = "".join("".join(c["source"]) for c in cells["cells"] if c["cell_type"] == "code")
    assert "credit_interval_chart(intervals, model=main_model, language=language)" in code
    assert "Credit under" not in code


# ---------------------------------------------------------------- f. the rest of the pages

# (chart, English words a German report showed, German words it shows now)
GERMAN_DATA_WORDS = [
    ("attribution.transition_heatmap", ["(start)", "(null)", "(conversion)"], ["(Start)"]),
    ("nurture.flow_chart", ["qualified (", "sales contact (", "won ("], ["gewonnen ("]),
    ("nurture.duration_chart", ["created → qualified"], ["angelegt → qualifiziert"]),
    ("nurture.send_time_heatmap_chart", [">Mon<", ">Tue<"], [">Mo<", ">Di<"]),
    ("nurture.exclusion_chart", ["has_email", ">true<", ">false<"], [">ja<", "Bestandskunde"]),
    ("nurture.incidence_chart", ["fast_lane", "won_offline"], ["früher Vertriebskontakt"]),
]


@pytest.mark.parametrize(("name", "english", "german"), GERMAN_DATA_WORDS)
def test_german_charts_name_the_kits_own_values_in_german(drawn, name, english, german):
    svg = drawn[(name, "de")]
    assert not [word for word in english if word in svg], name
    assert all(word in svg for word in german), name


def test_english_charts_name_the_kits_own_values_in_words(drawn):
    assert "(no conversion)" in drawn[("attribution.transition_heatmap", "en")]
    assert "(null)" not in drawn[("attribution.transition_heatmap", "en")]
    incidence = drawn[("nurture.incidence_chart", "en")]
    assert "early sales contact" in incidence and "early_sales_contact" not in incidence
    exclusion = drawn[("nurture.exclusion_chart", "en")]
    assert "has an e-mail address" in exclusion and ">true<" not in exclusion


def test_flow_chart_counts_read_with_separators(drawn):
    """The stage labels read "nurturing (1,800)", not "(1800)"; German "(1.800)"."""
    assert re.search(r">nurturing \(\d,\d{3}\)<", drawn[("nurture.flow_chart", "en")])
    assert re.search(r">Nurturing \(\d\.\d{3}\)<", drawn[("nurture.flow_chart", "de")])


def test_model_legends_read_words_not_identifiers(drawn, demo_charts):
    legend = _legend(drawn[("attribution.budget_chart", "en")])
    assert "last touch" in legend and not [t for t in legend if "_" in (t or "")], legend
    truth = demo_charts["attribution.truth_chart"].to_dict()
    assert truth["layer"][1]["encoding"]["color"]["legend"] == at_charts.MODEL_LEGEND.to_dict()


def test_budget_chart_names_the_currency_of_its_axis():
    table = pl.DataFrame(
        {
            "model": ["linear"],
            "channel": ["search"],
            "spend": [100.0],
            "conversions": [4.0],
            "value": [300.0],
            "cost_per_conversion": [25.0],
            "roas": [3.0],
        }
    )
    chart = at_charts.budget_chart(table, currency="€")
    assert chart.to_dict()["encoding"]["x"]["title"] == "cost per attributed conversion (EUR)"
    assert "Kosten je zugeordneter Conversion (EUR)" in _draw(chart, "de")


def test_a_short_test_draws_its_days_as_wide_as_the_other_charts(drawn, demo_charts):
    """Fourteen days of 20 px made the effect-over-time chart 280 px wide."""
    spec = demo_charts["experiments.cumulative_chart"].to_dict()
    assert spec["width"] == 480
    days = 60
    over_time = pl.DataFrame(
        {
            "day": list(range(1, days + 1)),
            "effect": [0.01] * days,
            "ci_low": [0.0] * days,
            "ci_high": [0.02] * days,
            "always_valid_low": [-0.01] * days,
            "always_valid_high": [0.03] * days,
            "always_valid_p": [0.5] * days,
        }
    )
    assert ex_charts.cumulative_chart(over_time).to_dict()["width"] == 20 * days


def test_trust_panels_share_a_height_that_holds_their_axis_titles(demo_charts):
    """One covariate drew a 20 px panel under a rotated 'pre-period measure' title about
    120 px long, beside a 40 px split panel: titles at two heights, an axis title hanging."""
    panels = demo_charts["experiments.trust_chart"].to_dict()["hconcat"]
    heights = {panel["height"] for panel in panels}
    assert len(panels) == 2 and len(heights) == 1
    assert heights.pop() >= 0.6 * 13 * len("Kennzahl vor dem Test")  # its German title


def _y_titles(svg: str) -> list[tuple[str, float]]:
    """(title, axis length in px) of every titled y axis of a drawing."""
    found = []
    for axis in ET.fromstring(svg).iter(f"{SVG}g"):
        if axis.get("aria-roledescription") != "axis":
            continue
        if not (axis.get("aria-label") or "").startswith("Y"):
            continue
        groups = list(axis.iter(f"{SVG}g"))
        titles = [t.text for g in groups if "role-axis-title" in (g.get("class") or "") for t in g]
        ends = [
            float(e.get("y2") or re.search(r"V([-\d.]+)", e.get("d", "V0")).group(1))
            for g in groups
            if "role-axis-domain" in (g.get("class") or "")
            for e in g
        ]
        if titles and titles[0] and ends:
            found.append((titles[0], abs(ends[0])))
    return found


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_rotated_y_axis_title_fits_beside_its_axis(drawn, language):
    """Four channels were 80 px tall beside 'Acquisition channel' (about 150 px), one A/B
    metric 20 px beside 'metric (arm)': the titles hung into the charts around them."""
    hanging = [
        (name, title, length)
        for (name, lang), svg in drawn.items()
        if lang == language
        for title, length in _y_titles(svg)
        if 0.6 * 13 * len(title) > length + 10  # 13 px bold Helvetica, about 0.6 em a letter
    ]
    assert not hanging


def _x_labels(svg: str) -> list[str]:
    tree = ET.fromstring(svg)
    return [
        t.text
        for axis in tree.iter(f"{SVG}g")
        if (axis.get("aria-label") or "").startswith("X-axis")
        for g in axis.iter(f"{SVG}g")
        if "role-axis-label" in (g.get("class") or "")
        for t in g
        if t.text and t.get("opacity", "1") != "0"
    ]


def test_german_date_axes_read_day_then_month(drawn):
    """Weekly ticks read "12. Jan" in a German report, not "Jan 12"."""
    for name in ("overview.rows_over_time_weekly", "ltv.tracking_chart"):
        german = _x_labels(drawn[(name, "de")])
        assert german, name
        assert not [t for t in german if re.fullmatch(r"\w{3} \d\d", t)], (name, german)
    weekly = _x_labels(drawn[("overview.rows_over_time_weekly", "de")])
    assert any(re.fullmatch(r"\d{1,2}\. \w+", t) for t in weekly), weekly


# Field names the chart functions use for reference lines and intervals: a reader saw
# "zero: 0", "y: 0.8", "mean: 5.09", "ci_low: 0.39" when a hover text named them.
RAW_KEYS = {"zero", "x", "y", "mean", "ci_low", "ci_high"}


@pytest.mark.parametrize("language", ["en", "de"])
def test_reference_lines_say_what_they_are(drawn, language):
    raw = {
        (name, hover)
        for (name, lang), svg in drawn.items()
        if lang == language
        for hover in re.findall(r"<title>([^<]*)</title>", svg)
        if {part.split(": ")[0] for part in hover.split("; ")} & RAW_KEYS
    }
    assert not raw


def test_hover_texts_name_things_in_words_not_field_names(drawn):
    """'ltv_cac: 2.40', 'share_excluded: 66.9%', 'per_1000_lead_days: 1.02' named the
    kit's own fields; the overview's names are the user's columns and stay as they are."""
    named = {
        (name, key)
        for (name, lang), svg in drawn.items()
        if lang == "en" and not name.startswith("overview.")
        for hover in re.findall(r"<title>([^<]*)</title>", svg)
        for key in (part.split(": ")[0] for part in hover.split("; ") if ": " in part)
        if "_" in key
    }
    assert not named


def test_small_category_axes_keep_their_labels_upright(drawn):
    """Short labels (days 1 to 14, frequencies 0 to 7+) were turned on their side."""
    for name in ("experiments.cumulative_chart", "ltv.holdout_chart"):
        tree = ET.fromstring(drawn[(name, "en")])
        turned = [
            t.text
            for g in tree.iter(f"{SVG}g")
            if "role-axis-label" in (g.get("class") or "")
            for t in g.iter(f"{SVG}text")
            if "rotate(" in t.get("transform", "")
        ]
        assert not turned, (name, turned)


def test_a_chart_with_more_categories_than_it_shows_names_the_rest_in_german():
    frame = pl.DataFrame(
        {
            "dimension": ["source"] * 14,
            "value": [f"campaign {i}" for i in range(14)],
            "leads": list(range(100, 114)),
            "excluded": [10] * 14,
        }
    ).with_columns(share_excluded=pl.col("excluded") / pl.col("leads"))
    svg = _draw(nu_charts.exclusion_chart(frame), "de")
    assert "andere (3 Werte)" in svg and "other (" not in svg
