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

from mkt_engineering.charts.theme import ACCENT, MUTED, PALETTE
from mkt_engineering.experiments.checks import SrmResult
from mkt_engineering.experiments.design import power_curve


def _zero_rule(axis: str = "x") -> alt.Chart:
    return (
        alt.Chart(pl.DataFrame({"zero": [0.0]}))
        .mark_rule(color=MUTED, strokeDash=[4, 4])
        .encode(**{axis: "zero:Q"})
    )


def effects_chart(effects: pl.DataFrame) -> alt.LayerChart:
    """Relative lift with its interval, one row per metric and arm, coloured by role."""
    data = effects.select(
        "metric", "role", "variant", "lift", "lift_low", "lift_high"
    ).with_columns((pl.col("metric") + "  (" + pl.col("variant") + ")").alias("label"))
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=None),
        color=alt.Color(
            "role:N",
            title="role",
            scale=alt.Scale(
                domain=["primary", "secondary", "guardrail", "exploratory"],
                range=[ACCENT, PALETTE[1], PALETTE[2], MUTED],
            ),
        ),
    )
    bars = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("lift_low:Q", title="change vs control (95% interval)", axis=alt.Axis(format="%")),
        x2="lift_high:Q",
    )
    points = base.mark_point(filled=True, size=90).encode(
        x="lift:Q",
        tooltip=[
            "metric",
            "role",
            "variant",
            alt.Tooltip("lift:Q", format=".1%"),
            alt.Tooltip("lift_low:Q", format=".1%"),
            alt.Tooltip("lift_high:Q", format=".1%"),
        ],
    )
    return alt.layer(_zero_rule(), bars, points).properties(
        title=alt.Title(
            "Effect per metric",
            subtitle="A bar that does not cross the dashed line is a clear change",
        )
    )


def cumulative_chart(over_time: pl.DataFrame, *, day: str = "day") -> alt.LayerChart:
    """Cumulative effect by day with the fixed (peeking-unsafe) and always-valid intervals."""
    base = alt.Chart(over_time).encode(x=alt.X(f"{day}:O", title="day of the test"))
    always = base.mark_area(opacity=0.25, color=ACCENT).encode(
        y=alt.Y("always_valid_low:Q", title="effect (treatment − control)"),
        y2="always_valid_high:Q",
    )
    fixed = base.mark_area(opacity=0.25, color=MUTED).encode(y="ci_low:Q", y2="ci_high:Q")
    line = base.mark_line(point=True, color=ACCENT).encode(
        y="effect:Q", tooltip=[day, "effect", "always_valid_p"]
    )
    return alt.layer(always, fixed, line, _zero_rule("y")).properties(
        title=alt.Title(
            "Effect over time",
            subtitle="Blue band: valid however often you look. Grey band: valid only at the planned end",
        )
    )


def posterior_chart(curves: pl.DataFrame) -> alt.Chart:
    """Posterior densities of the conversion rate per arm (from `bayesian.posterior_curves`)."""
    return (
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


def segment_forest(segments: pl.DataFrame) -> alt.LayerChart:
    """Effect per segment level with intervals (exploratory).

    A segment with more than `MAX_LEVELS` levels shows those with the narrowest intervals,
    and the subtitle says how many were left out.
    """
    segments, left_out = _precise_levels(segments)
    data = segments.with_columns((pl.col("segment") + ": " + pl.col("level")).alias("label"))
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=None), color=alt.Color("segment:N", legend=None)
    )
    bars = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("ci_low:Q", title="effect (95% interval)"), x2="ci_high:Q"
    )
    points = base.mark_point(filled=True, size=80).encode(
        x="effect:Q", tooltip=["segment", "level", "effect", "p_adjusted"]
    )
    return alt.layer(_zero_rule(), bars, points).properties(
        title=alt.Title(
            "Effect by segment (exploratory)",
            subtitle=["For ideas to test next, not for decisions", left_out]
            if left_out
            else "For ideas to test next, not for decisions",
        )
    )


def trust_chart(srm: SrmResult, balance: pl.DataFrame) -> alt.HConcatChart:
    """Sample split against plan, and standardized covariate differences against the 0.1 line."""
    split = (
        alt.Chart(srm.table)
        .mark_bar(color=ACCENT)
        .encode(
            x=alt.X("share:Q", title="share of units", axis=alt.Axis(format="%")),
            y=alt.Y("variant:N", title=None),
        )
    )
    planned = (
        alt.Chart(srm.table)
        .mark_tick(color="black", thickness=3, size=30)
        .encode(x="expected_share:Q", y="variant:N")
    )
    left = alt.layer(split, planned).properties(
        title=f"Sample split (planned: black tick), p = {srm.p_value:.3g}", width=240
    )
    if balance.is_empty():
        return alt.hconcat(left)
    limits = (
        alt.Chart(pl.DataFrame({"x": [-0.1, 0.1]}))
        .mark_rule(color=MUTED, strokeDash=[4, 4])
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
            y=alt.Y("covariate:N", title=None),
            shape="variant:N",
        )
    )
    return alt.hconcat(
        left,
        alt.layer(limits, smd).properties(
            title="Pre-period balance (inside the lines is fine)", width=240
        ),
    )


def power_chart(
    baseline: float,
    n: float,
    *,
    alpha: float = 0.05,
    sd: float | None = None,
    max_effect: float | None = None,
) -> alt.LayerChart:
    """Power against the true effect, for ``n`` units per arm."""
    top = max_effect or (4 * (sd or np.sqrt(baseline * (1 - baseline))) * np.sqrt(2 / n))
    effects = np.linspace(0, top, 60)
    data = pl.DataFrame(
        {"effect": effects, "power": power_curve(baseline, n, effects, alpha=alpha, sd=sd)}
    )
    line = (
        alt.Chart(data)
        .mark_line(color=ACCENT)
        .encode(
            x=alt.X("effect:Q", title="true effect (absolute)"),
            y=alt.Y("power:Q", title="chance to detect it", axis=alt.Axis(format="%")),
        )
    )
    target = (
        alt.Chart(pl.DataFrame({"y": [0.8]}))
        .mark_rule(color=MUTED, strokeDash=[4, 4])
        .encode(y="y:Q")
    )
    return alt.layer(line, target).properties(
        title=alt.Title(
            "Power curve", subtitle=f"{int(n):,} units per arm; dashed line: the usual 80% target"
        )
    )
