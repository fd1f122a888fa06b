"""Charts of an experiment (altair, the kit's theme): effects, time, posteriors, segments,
trust checks and power.

Examples
--------
>>> power_chart(0.10, 4000).to_dict()["layer"][0]["mark"]["type"]
'line'
"""

from __future__ import annotations

import altair as alt
import numpy as np
import polars as pl

from mkt_engineering import formatting
from mkt_engineering.charts.axis_room import band_height
from mkt_engineering.charts.series_text import describe_series, series_texts
from mkt_engineering.charts.theme import ACCENT, MUTED, PALETTE
from mkt_engineering.experiments.checks import SrmResult
from mkt_engineering.experiments.design import power_curve
from mkt_engineering.experiments.summary import is_money
from mkt_engineering.formatting import Currency, currency_for, vega_label_expr

# Hover texts of reference lines (they read "zero: 0", "y: 0.8", "x: -10.00%").
NO_CHANGE = "dashed line, no change"
POWER_TARGET_LINE = "dashed line, the usual 80% target"
BALANCE_LIMITS = "dashed lines, 0.1 standard deviations either way"


def _zero_rule(axis: str = "x") -> alt.Chart:
    return (
        alt.Chart(pl.DataFrame({"zero": [0.0]}))
        .mark_rule(color=MUTED, strokeDash=[4, 4], description=NO_CHANGE)
        .encode(**{axis: "zero:Q"})
    )


# The two scales an effect is read on, as the report's text states it: differences of
# proportions in percentage points ("converted rose by 1.6 points"), every other metric as
# the relative change against control ("revenue +14%").
_SCALES = {
    "points": {"title": "change vs control (95% interval)", "kind": "points"},
    "relative": {"title": "relative change vs control (95% interval)", "kind": "change"},
}


def _effect_rows(effects: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """One row per metric and arm on its scale; rows without a finite estimate are counted.

    A relative change does not exist when the control's value is 0; such a row is left out
    and counted, never drawn at a made-up place.
    """
    points = pl.col("kind") == "proportion"
    rows = effects.select(
        (pl.col("metric") + "  (" + pl.col("variant") + ")").alias("label"),
        "metric",
        "role",
        "variant",
        pl.when(points).then(pl.lit("points")).otherwise(pl.lit("relative")).alias("scale"),
        *(
            pl.when(points).then(pl.col(a)).otherwise(pl.col(b)).alias(name)
            for name, a, b in (
                ("estimate", "effect", "lift"),
                ("low", "ci_low", "lift_low"),
                ("high", "ci_high", "lift_high"),
            )
        ),
    )
    finite = pl.all_horizontal(pl.col("estimate", "low", "high").is_finite())
    shown = rows.filter(finite.fill_null(False))
    return shown, rows.height - shown.height


def _effect_panel(rows: pl.DataFrame, scale: str) -> alt.LayerChart:
    axis = _SCALES[scale]
    base = alt.Chart(rows).encode(
        y=alt.Y("label:N", title="metric (arm)", sort=None),
        color=alt.Color(
            "role:N",
            title="role",
            scale=alt.Scale(
                domain=["primary", "secondary", "guardrail", "exploratory"],
                range=[ACCENT, PALETTE[1], PALETTE[2], MUTED],
            ),
        ),
    )
    # axis labels and hover texts by the kit's one formatter: "+1.6 points", "+14%"
    labels = vega_label_expr(axis["kind"], decimals=1 if scale == "points" else 0)
    ticks = 3 if scale == "points" else 6  # "+0.5 points" is long: fewer, wider apart
    x = alt.X("low:Q", title=axis["title"], axis=alt.Axis(labelExpr=labels, tickCount=ticks))
    texts = {
        f"{field}_text": vega_label_expr(axis["kind"], field=f"datum.{field}")
        for field in ("estimate", "low", "high")
    }
    # the interval's hover text in the same words (it read "high: 0.0244267")
    bars = (
        base.transform_calculate(**texts)
        .mark_rule(strokeWidth=3)
        .encode(x=x, x2="high:Q", tooltip=["metric", "variant", *_interval_tooltip()])
    )
    points = (
        base.transform_calculate(**texts)
        .mark_point(filled=True, size=90)
        .encode(
            x="estimate:Q",
            tooltip=[
                "metric",
                "role",
                "variant",
                alt.Tooltip("estimate_text:N", title="change"),
                alt.Tooltip("low_text:N", title="95% interval from"),
                alt.Tooltip("high_text:N", title="to"),
            ],
        )
    )
    # one metric was a 20 px panel beside its 95 px axis title
    height = band_height(rows["label"].n_unique(), "metric (arm)")
    return alt.layer(_zero_rule(), bars, points).properties(height=height)


def effects_chart(effects: pl.DataFrame) -> alt.VConcatChart:
    """The change per metric and arm with its interval, on the scale the report's text uses.

    Proportions (conversion) are shown in percentage points, other metrics as the relative
    change against control, each on its own axis: one axis cannot hold both units.

    Parameters
    ----------
    effects : polars DataFrame
        ``AnalysisResult.effects`` (metric, role, variant, kind, effect, ci_low, ci_high,
        lift, lift_low, lift_high).

    Returns
    -------
    altair.VConcatChart
        One panel per scale present, coloured by the metric's role.

    Examples
    --------
    >>> e = pl.DataFrame({"metric": ["converted"], "role": ["primary"], "variant": ["b"],
    ...     "kind": ["proportion"], "effect": [0.016], "ci_low": [0.008], "ci_high": [0.024],
    ...     "lift": [0.17], "lift_low": [0.08], "lift_high": [0.26]})
    >>> spec = effects_chart(e).to_dict()
    >>> spec["vconcat"][0]["layer"][1]["encoding"]["x"]["axis"]["labelExpr"]
    "(datum.value > 0 ? '+' : '') + format(datum.value * 100, '.1f') + ' points'"
    """
    rows, left_out = _effect_rows(effects)
    panels = [
        _effect_panel(rows.filter(pl.col("scale") == scale), scale)
        for scale in _SCALES
        if (rows["scale"] == scale).any()
    ] or [_effect_panel(rows, "relative")]
    subtitle = ["A bar that does not cross the dashed line is a clear change"]
    if left_out:
        subtitle.append(f"{left_out} with a control value of 0 left out: no relative change.")
    return alt.vconcat(*panels, spacing=24).properties(
        title=alt.Title("Effect per metric", subtitle=subtitle if left_out else subtitle[0])
    )


def _interval_tooltip() -> list[alt.Tooltip]:
    """Hover texts of an interval, from the ``low_text`` and ``high_text`` fields."""
    return [
        alt.Tooltip("low_text:N", title="95% interval from"),
        alt.Tooltip("high_text:N", title="to"),
    ]


def kind_of(effects: pl.DataFrame, metric: str) -> str:
    """The kind of `metric` in an effects table: "proportion", "mean" or "ratio".

    The charts of one metric's absolute change (`cumulative_chart`, `segment_forest`) take
    it, so a difference of two rates reads in percentage points.

    Parameters
    ----------
    effects : polars DataFrame
        ``AnalysisResult.effects`` (metric, kind).
    metric : str
        The metric, e.g. the plan's primary metric.

    Returns
    -------
    str
        Its kind; "mean" when the table does not hold the metric.

    Examples
    --------
    >>> kind_of(pl.DataFrame({"metric": ["converted"], "kind": ["proportion"]}), "converted")
    'proportion'
    """
    kinds = effects.filter(pl.col("metric") == metric)["kind"] if effects.height else []
    return str(kinds[0]) if len(kinds) else "mean"


def _absolute_scale(kind: str, metric: str, currency: str | Currency | None) -> dict:
    """How an absolute change (treatment - control) of one metric reads on an axis.

    A proportion's difference is in percentage points ("+1.6 points"), as the report's text
    says it; an amount of money carries the run's currency in the axis title; any other
    mean stays in the metric's own unit.
    """
    if kind == "proportion":
        return {
            "unit": "",
            "axis": {"labelExpr": vega_label_expr("points", decimals=1)},
            "text": lambda field: vega_label_expr("points", field=field, decimals=2),
        }
    if isinstance(currency, str):
        currency = currency_for(currency)
    unit = currency.unit() if currency is not None and is_money(metric) else ""
    places = 2 if unit else 4

    def text(field: str) -> str:
        return f"({field} > 0 ? '+' : '') + format({field}, ',.{places}f')"

    return {"unit": unit, "axis": {}, "text": text}


def _change_text(
    effect: float, kind: str, unit: Currency | None, language: formatting.Language
) -> str:
    """An absolute change as the cumulative chart's axis reads it: "+1.6 points", "+€0.42"."""
    if kind == "proportion":
        return formatting.points(effect, 1, language, signed=True)
    if unit is not None:
        return formatting.money(effect, 2, unit, language, signed=True)
    return ("+" if effect > 0 else "") + formatting.number(effect, 4, language)


def _cumulative_texts(
    over_time: pl.DataFrame, day: str, kind: str, metric: str, currency: str | Currency | None
) -> pl.DataFrame:
    """The effect line's hover text: where it ends ("Cumulative effect, +1.6 points on day
    14"), English and German."""
    last = over_time.drop_nulls("effect").sort(day).tail(1)
    if last.is_empty():
        return series_texts(None, ["Cumulative effect"], ["Kumulierter Effekt"])
    sign = currency_for(currency) if isinstance(currency, str) else currency
    unit = sign if sign is not None and sign.sign and is_money(metric) else None
    effect, when = float(last["effect"][0]), last[day][0]
    days = {
        lang: formatting.date(when, lang) if hasattr(when, "year") else str(when)
        for lang in ("en", "de")
    }
    return series_texts(
        None,
        [f"Cumulative effect, {_change_text(effect, kind, unit, 'en')} on day {days['en']}"],
        [f"Kumulierter Effekt, {_change_text(effect, kind, unit, 'de')} an Tag {days['de']}"],
    )


# Width of a chart over the days of a test, as the theme's other charts.
CHART_WIDTH = 480

ALWAYS_VALID_BAND = "always-valid 95% interval (blue band)"
FIXED_BAND = "95% interval, valid at the planned end only (grey band)"


def cumulative_chart(
    over_time: pl.DataFrame,
    *,
    day: str = "day",
    kind: str = "mean",
    metric: str = "",
    currency: str | Currency | None = None,
) -> alt.LayerChart:
    """Cumulative effect by day with the fixed (peeking-unsafe) and always-valid intervals.

    Parameters
    ----------
    over_time : polars DataFrame
        ``AnalysisResult.over_time`` (day, effect, ci_low, ci_high, always-valid bounds).
    day : str
        Its day column.
    kind : {"proportion", "mean", "ratio"}
        The metric's kind (`kind_of`): a proportion's change reads in percentage points.
    metric : str
        The metric's name: an amount of money ("revenue") gets `currency` in the title.
    currency : str or Currency, optional
        The run's currency.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> days = pl.DataFrame({"day": [1, 2], "effect": [0.01, 0.02], "ci_low": [-0.01, 0.0],
    ...     "ci_high": [0.03, 0.04], "always_valid_low": [-0.03, -0.01],
    ...     "always_valid_high": [0.05, 0.05], "always_valid_p": [0.9, 0.5]})
    >>> spec = cumulative_chart(days, kind="proportion").to_dict()
    >>> spec["layer"][0]["encoding"]["y"]["axis"]["labelExpr"]
    "(datum.value > 0 ? '+' : '') + format(datum.value * 100, '.1f') + ' points'"
    """
    scale = _absolute_scale(kind, metric, currency)
    # whole day numbers fit upright under their columns (on their side they read badly)
    upright = {"labelAngle": 0} if over_time.schema[day].is_integer() else {}
    base = alt.Chart(over_time).encode(
        x=alt.X(f"{day}:O", title="day of the test", axis=alt.Axis(**upright))
    )
    # a band is one mark: its hover text names it (vega wrote the first day's raw numbers)
    always = base.mark_area(opacity=0.25, color=ACCENT, description=ALWAYS_VALID_BAND).encode(
        y=alt.Y(
            "always_valid_low:Q",
            title="effect (treatment − control)" + scale["unit"],
            axis=alt.Axis(**scale["axis"]),
        ),
        y2="always_valid_high:Q",
    )
    fixed = base.mark_area(opacity=0.25, color=MUTED, description=FIXED_BAND).encode(
        y="ci_low:Q", y2="ci_high:Q"
    )
    # the line and its points apart: the line (one path) names where it ends, each point
    # its day (a line with point=True would give the points the line's text too)
    line = describe_series(
        base.mark_line(color=ACCENT).encode(y="effect:Q"),
        _cumulative_texts(over_time, day, kind, metric, currency),
    )
    points = (
        base.transform_calculate(effect_text=scale["text"]("datum.effect"))
        .mark_point(filled=True, color=ACCENT, opacity=1)
        .encode(
            y="effect:Q",
            tooltip=[
                alt.Tooltip(f"{day}:O", title="day"),
                alt.Tooltip("effect_text:N", title="change"),
                alt.Tooltip("always_valid_p:Q", title="always-valid p", format=".3f"),
            ],
        )
    )
    # as wide as the other charts for a short test (14 days made it 280 px), 20 px a day
    # for a long one
    days = over_time[day].n_unique()
    return alt.layer(always, fixed, line, points, _zero_rule("y")).properties(
        title=alt.Title(
            "Effect over time",
            subtitle=(
                "Blue band: valid however often you look. Grey band: valid only at the planned end"
            ),
        ),
        width=max(CHART_WIDTH, 20 * days),
    )


def _posterior_texts(curves: pl.DataFrame) -> pl.DataFrame:
    """Each arm's hover text: its most plausible rate ("control, most plausible rate 9.6%"),
    English and German; one row per arm."""
    peaks = curves.sort("density", descending=True).group_by("variant", maintain_order=True).first()
    rows = peaks.select("variant", "rate").rows()
    return series_texts(
        peaks.select("variant"),
        [f"{arm}, most plausible rate {formatting.percent(rate)}" for arm, rate in rows],
        [f"{arm}, plausibelste Rate {formatting.percent(rate, 1, 'de')}" for arm, rate in rows],
    )


def posterior_chart(curves: pl.DataFrame) -> alt.Chart:
    """Posterior densities of the conversion rate per arm (from `bayesian.posterior_curves`).

    An area is one path per arm: its hover text names the arm and its most plausible rate.
    """
    areas = (
        alt.Chart(curves)
        .mark_area(opacity=0.5)
        .encode(
            x=alt.X("rate:Q", title="conversion rate", axis=alt.Axis(format="%")),
            y=alt.Y("density:Q", title="plausibility", axis=None),
            color=alt.Color("variant:N", title=None),
        )
        .properties(
            title=alt.Title(
                "What the data say about each rate", subtitle="Less overlap means more certainty"
            )
        )
    )
    return describe_series(areas, _posterior_texts(curves), "variant")


# Levels per segment the forest shows at most: a segment with a level per customer (an id
# by mistake, a zip code) would otherwise carry a row per unit.
MAX_LEVELS = 25


def _precise_levels(segments: pl.DataFrame, limit: int = MAX_LEVELS) -> tuple[pl.DataFrame, str]:
    """Per segment the `limit` levels with the narrowest interval (the most data).

    Ranking by precision, not by effect or p-value, so the cut does not pick the
    surprising levels. Returns the rows and a note when levels were left out.
    """
    if segments.is_empty():
        return segments, ""
    width = (pl.col("ci_high") - pl.col("ci_low")).fill_nan(None)
    levels = segments.group_by("segment", "level").agg(width.min().alias("_width"))
    if levels.group_by("segment").len()["len"].max() <= limit:
        return segments, ""
    keep = (
        levels.sort("segment", "_width", "level", nulls_last=True)  # no interval: last
        .group_by("segment", maintain_order=True)
        .head(limit)
    )
    shown = segments.join(keep.select("segment", "level"), on=["segment", "level"], how="semi")
    left = levels.height - keep.height
    return (
        shown,
        f"{left:,} levels left out: each segment shows its {limit} most precisely measured.",
    )


def segment_forest(
    segments: pl.DataFrame,
    *,
    kind: str = "mean",
    currency: str | Currency | None = None,
) -> alt.LayerChart:
    """Effect per segment level with intervals (exploratory).

    A segment with more than `MAX_LEVELS` levels shows those with the narrowest intervals,
    and the subtitle says how many were left out.

    Parameters
    ----------
    segments : polars DataFrame
        ``AnalysisResult.segments`` (segment, level, metric, effect, ci_low, ci_high,
        p_adjusted).
    kind : {"proportion", "mean", "ratio"}
        The metric's kind (`kind_of`): a proportion's change reads in percentage points.
    currency : str or Currency, optional
        The run's currency, for a metric that is an amount of money.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> rows = pl.DataFrame({"segment": ["device"], "level": ["app"], "metric": ["converted"],
    ...     "effect": [0.02], "ci_low": [0.0], "ci_high": [0.04], "p_adjusted": [0.04]})
    >>> spec = segment_forest(rows, kind="proportion").to_dict()
    >>> spec["layer"][1]["encoding"]["x"]["axis"]["labelExpr"].endswith("' points'")
    True
    """
    segments, left_out = _precise_levels(segments)
    metric = str(segments["metric"][0]) if "metric" in segments.columns and segments.height else ""
    scale = _absolute_scale(kind, metric, currency)
    data = segments.with_columns((pl.col("segment") + ": " + pl.col("level")).alias("label"))
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title="segment: level", sort=None),
        color=alt.Color("segment:N", legend=None),
    )
    # "+0.5 points" is long: three ticks keep the labels apart, as on the effects chart
    axis = {**scale["axis"], "tickCount": 3} if scale["axis"] else {}
    texts = {
        "low_text": scale["text"]("datum.ci_low"),
        "high_text": scale["text"]("datum.ci_high"),
    }
    bars = (
        base.transform_calculate(**texts)
        .mark_rule(strokeWidth=3)
        .encode(
            x=alt.X(
                "ci_low:Q", title="effect (95% interval)" + scale["unit"], axis=alt.Axis(**axis)
            ),
            x2="ci_high:Q",
            tooltip=["segment", "level", *_interval_tooltip()],
        )
    )
    points = (
        base.transform_calculate(effect_text=scale["text"]("datum.effect"))
        .mark_point(filled=True, size=80)
        .encode(
            x="effect:Q",
            tooltip=[
                "segment",
                "level",
                alt.Tooltip("effect_text:N", title="change"),
                alt.Tooltip("p_adjusted:Q", title="adjusted p", format=".3f"),
            ],
        )
    )
    return alt.layer(_zero_rule(), bars, points).properties(
        title=alt.Title(
            "Effect by segment (exploratory)",
            subtitle=["For ideas to test next, not for decisions", left_out]
            if left_out
            else "For ideas to test next, not for decisions",
        )
    )


# The trust chart's panels: 30 px a row, at least their longest rotated axis title
# ("pre-period measure", German "Kennzahl vor dem Test"), bars of 22 px.
TRUST_ROW = 30
TRUST_BAR = 22


def trust_chart(srm: SrmResult, balance: pl.DataFrame) -> alt.HConcatChart:
    """Sample split against plan, and standardized covariate differences against the 0.1 line.

    Both panels are one height, tall enough for their rotated axis titles: one covariate
    drew a 20 px panel whose title "pre-period measure" hung far below it, and the two panel
    titles sat at different heights.
    """
    rows = max(srm.table.height, balance["covariate"].n_unique() if balance.height else 0)
    height = band_height(rows, "pre-period measure", step=TRUST_ROW)
    split = (
        alt.Chart(srm.table)
        .mark_bar(color=ACCENT, size=TRUST_BAR)
        .encode(
            x=alt.X("share:Q", title="share of units", axis=alt.Axis(format="%")),
            y=alt.Y("variant:N", title="arm"),
            tooltip=[
                alt.Tooltip("variant:N", title="arm"),
                alt.Tooltip("share:Q", format=".2%"),
                alt.Tooltip("expected_share:Q", title="planned", format=".2%"),
            ],
        )
    )
    planned = (
        alt.Chart(srm.table)
        .mark_tick(color="black", thickness=3, size=30)
        .encode(x="expected_share:Q", y="variant:N")
    )
    left = alt.layer(split, planned).properties(
        title=f"Sample split (planned: black tick), {_p_text(srm.p_value)}",
        width=240,
        height=height,
    )
    title = alt.Title("Can the comparison be trusted?", subtitle="Split and pre-period balance")
    if balance.is_empty():
        return alt.hconcat(left).properties(title=title)
    limits = (
        alt.Chart(pl.DataFrame({"x": [-0.1, 0.1]}))
        .mark_rule(color=MUTED, strokeDash=[4, 4], description=BALANCE_LIMITS)
        .encode(x="x:Q")
    )
    smd = (
        alt.Chart(balance)
        .mark_point(filled=True, size=90, color=ACCENT)
        .encode(
            x=alt.X(
                "standardized_difference:Q",
                title="difference in standard deviations",
                scale=alt.Scale(domain=[-0.3, 0.3]),
            ),
            y=alt.Y("covariate:N", title="pre-period measure"),
            shape=alt.Shape("variant:N", title="arm"),
            tooltip=[
                "covariate:N",
                alt.Tooltip("variant:N", title="arm"),
                alt.Tooltip(
                    "standardized_difference:Q",
                    title="difference in standard deviations",
                    format=".3f",
                ),
            ],
        )
    )
    return alt.hconcat(
        left,
        alt.layer(limits, smd).properties(
            title="Pre-period balance (inside the lines is fine)", width=240, height=height
        ),
    ).properties(title=title)


def _p_text(p_value: float) -> str:
    """'p = 0.38', 'p < 0.001' (never '2.7e-18'), 'p not computed' when missing."""
    if p_value is None or not np.isfinite(p_value):
        return "p not computed"
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def power_chart(
    baseline: float,
    n: float,
    *,
    alpha: float = 0.05,
    sd: float | None = None,
    max_effect: float | None = None,
    metric: str = "",
    currency: str | Currency | None = None,
) -> alt.LayerChart:
    """Power against the true effect, for ``n`` units per arm.

    Parameters
    ----------
    baseline : float
        The control's expected value: a rate, or with `sd` a mean.
    n : float
        Units per arm.
    alpha : float
        Accepted false-alarm rate (two-sided).
    sd : float, optional
        Standard deviation of a mean metric; None for a rate (effects in percentage points).
    max_effect : float, optional
        The largest true effect drawn (default: four standard errors of the difference).
    metric : str
        A mean metric's name: an amount of money ("revenue") reads in `currency`.
    currency : str or Currency, optional
        The run's currency.

    Returns
    -------
    altair.LayerChart
        A mean's effect reads in the currency for money, else relative to the baseline
        ("+5%"); a rate's in percentage points.

    Examples
    --------
    >>> spec = power_chart(20.0, 4000, sd=30.0).to_dict()
    >>> spec["layer"][0]["encoding"]["x"]["title"]
    'true effect, relative to the baseline'
    """
    top = max_effect or (4 * (sd or np.sqrt(baseline * (1 - baseline))) * np.sqrt(2 / n))
    effects = np.linspace(0, top, 60)
    data = pl.DataFrame(
        {"effect": effects, "power": power_curve(baseline, n, effects, alpha=alpha, sd=sd)}
    )
    title, x_axis = _power_axis(baseline, sd, metric, currency)
    line = (
        alt.Chart(data)
        .mark_line(color=ACCENT)
        .encode(
            x=alt.X("effect:Q", title=title, axis=x_axis),
            y=alt.Y("power:Q", title="chance to detect it", axis=alt.Axis(format="%")),
        )
    )
    # the line is one path: its hover text says where it reaches the usual 80%
    line = describe_series(line, _power_texts(data, baseline, sd, metric, currency))
    target = (
        alt.Chart(pl.DataFrame({"y": [POWER_TARGET]}))
        .mark_rule(color=MUTED, strokeDash=[4, 4], description=POWER_TARGET_LINE)
        .encode(y="y:Q")
    )
    return alt.layer(line, target).properties(
        title=alt.Title(
            "Power curve", subtitle=f"{int(n):,} units per arm; dashed line: the usual 80% target"
        )
    )


POWER_TARGET = 0.8


def _effect_text(
    effect: float,
    baseline: float,
    sd: float | None,
    unit: Currency | None,
    language: formatting.Language,
) -> str:
    """A true effect as the power chart's axis reads it: points, money, relative or plain."""
    if sd is None:
        return formatting.points(effect, 1, language)
    if unit is not None:
        return formatting.money(effect, 2, unit, language)
    if baseline > 0:
        return formatting.change(effect / baseline, 1, language)
    return formatting.number(effect, 2, language)


def _power_texts(
    curve: pl.DataFrame,
    baseline: float,
    sd: float | None,
    metric: str,
    currency: str | Currency | None,
) -> pl.DataFrame:
    """The power line's hover text: the smallest drawn true effect with an 80% chance, or
    the best chance of the largest drawn effect; English and German."""
    reached = curve.filter(pl.col("power") >= POWER_TARGET).head(1)
    end = reached if reached.height else curve.tail(1)
    effect, power = float(end["effect"][0]), float(end["power"][0])
    sign = currency_for(currency) if isinstance(currency, str) else currency
    unit = sign if sign is not None and sign.sign and sd is not None and is_money(metric) else None
    en, de = (_effect_text(effect, baseline, sd, unit, lang) for lang in ("en", "de"))
    # "True effect 1.2 points, 80% chance to detect it": the axes' words, in their order
    chance = {
        lang: formatting.percent(POWER_TARGET if reached.height else power, 0, lang)
        for lang in ("en", "de")
    }
    at_most = ("", "") if reached.height else ("at most ", "höchstens ")
    english = f"True effect {en}, {at_most[0]}{chance['en']} chance to detect it"
    german = f"Wahrer Effekt {de}, {at_most[1]}{chance['de']} Chance, ihn zu entdecken"
    return series_texts(None, [english], [german])


def _power_axis(
    baseline: float, sd: float | None, metric: str, currency: str | Currency | None
) -> tuple[str, alt.Axis]:
    """Title and axis of the true effect: points for a rate, currency or relative for means."""
    if sd is None:  # a proportion's effect reads in points, as in the plan ("mde 1.5 points")
        points = "format(datum.value * 100, '.1f')"  # the title names the unit: short labels
        return "true effect, percentage points", alt.Axis(labelExpr=points)
    unit = _absolute_scale("mean", metric, currency)["unit"]
    if unit:
        return "true effect" + unit, alt.Axis()
    if baseline > 0:  # the baseline is the plan's number, not an estimate: exact relative
        relative = vega_label_expr("change", field=f"datum.value / {float(baseline)!r}")
        return "true effect, relative to the baseline", alt.Axis(labelExpr=relative)
    return "true effect (absolute)", alt.Axis()
