"""Charts of the nurture analysis (altair, the kit's theme).

Each function takes the frame of the matching analysis function and returns an altair
chart; none computes anything a reader would need to trust separately.

Examples
--------
>>> from mkt_engineering.nurture.survival import kaplan_meier
>>> chart = survival_chart(kaplan_meier([3, 5, 8, 13], [1, 0, 1, 1]))
>>> type(chart).__name__
'LayerChart'
"""

from __future__ import annotations

import altair as alt
import polars as pl

from mkt_engineering import formatting
from mkt_engineering.charts.german import data_value
from mkt_engineering.charts.series_text import describe_series, plural, series_texts
from mkt_engineering.charts.theme import ACCENT, MIN_CELL_HEIGHT, MUTED, PALETTE, TOP_N

# Rows the curves of one survival or incidence chart carry at most (a chart may carry
# 5,000): 200 points a curve draw a step curve of 100,000 leads within a day on 180 days.
MAX_CURVE_ROWS = 4000
POINTS_PER_CURVE = 200
# Curves one chart compares at most; more are unreadable (and over the row budget).
MAX_GROUPS = 12


def _thin(curve: pl.DataFrame, group: list[str], max_points: int) -> pl.DataFrame:
    """Keep the last row per time bin and curve: at most ``max_points + 1`` rows a curve.

    The last row of a bin is the value the step curve has reached at the bin's end, so the
    drawn steps stay within one bin width of the exact ones, and each curve's last point
    (where it ends) is always kept.
    """
    if curve.is_empty():
        return curve
    span = curve["time"].max() or 1.0
    binned = curve.with_columns(_bin=(pl.col("time") / span * max_points).floor())
    return binned.group_by([*group, "_bin"], maintain_order=True).agg(pl.all().last()).drop("_bin")


def _largest_groups(curve: pl.DataFrame, limit: int = MAX_GROUPS) -> tuple[pl.DataFrame, str]:
    """The `limit` groups with the most leads at the start; a note when some are left out."""
    if "group" not in curve.columns or "at_risk" not in curve.columns:
        return curve, ""
    sizes = (
        curve.group_by("group")
        .agg(pl.col("at_risk").max())
        .sort(["at_risk", "group"], descending=[True, False])
    )
    if sizes.height <= limit:
        return curve, ""
    kept = sizes.head(limit)["group"].implode()
    note = f"The {limit} largest of {sizes.height:,} groups."
    return curve.filter(pl.col("group").is_in(kept)), note


def _with_start(
    curve: pl.DataFrame, value: str, start: float, max_days: float | None = None
) -> pl.DataFrame:
    """The curves up to `max_days`, thinned, with the t = 0 point that starts each at 1
    (survival) or 0 (incidence).

    The points per curve are shared out of `MAX_CURVE_ROWS`, at most `POINTS_PER_CURVE`.
    Cutting at `max_days` comes first, so the shown part gets all the points.
    """
    group = [c for c in ("group", "cause") if c in curve.columns]
    # every curve starts, also one whose first step lies beyond max_days
    first = (
        curve.group_by(group, maintain_order=True).agg(pl.lit(0.0).alias("time"))
        if group
        else pl.DataFrame({"time": [0.0]})
    )
    if max_days is not None:
        curve = curve.filter(pl.col("time") <= max_days)
    curves = max(first.height, 1)
    curve = _thin(curve, group, min(POINTS_PER_CURVE, MAX_CURVE_ROWS // curves - 1))
    first = first.with_columns(
        **{value: pl.lit(start), "ci_low": pl.lit(start), "ci_high": pl.lit(start)}
    )
    return pl.concat(
        [first, curve.select(*group, "time", value, "ci_low", "ci_high")], how="diagonal_relaxed"
    ).sort([*group, "time"])


# language -> (the interval's name, "after", day, days) of a curve's hover text
_CURVE_WORDS = {
    "en": ("95% interval", "after", "day", "days"),
    "de": ("95-%-Intervall", "nach", "Tag", "Tagen"),
}


def _curve_end(
    data: pl.DataFrame, value: str, key: str | None, words: tuple[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hover texts of each curve and of its band, read where the curve ends.

    "cfo, 65% not yet qualified after 180 days" and "cfo, 95% interval 60%–70% after 180
    days", English and German; `words` says what the value is in each language. One row per
    curve (at most `MAX_GROUPS`): the loop is over curves, not data rows.
    """
    ordered = data.sort("time")
    last = ordered.group_by(key, maintain_order=True).last() if key else ordered.tail(1)
    rows = last.select("time", value, "ci_low", "ci_high").rows()
    names = last[key].to_list() if key else [None] * last.height
    lines: dict[str, list[str]] = {"en": [], "de": []}
    bands: dict[str, list[str]] = {"en": [], "de": []}
    for name, (time, share, low, high) in zip(names, rows, strict=True):
        for language, (interval, after, one, many) in _CURVE_WORDS.items():
            label = data_value(key, name) if language == "de" and key else name
            prefix = f"{label}, " if key else ""
            days = f"{after} {formatting.number(time, 0, language)} {plural(time, one, many)}"
            share_text = formatting.percent(share, 0, language)
            lines[language].append(f"{prefix}{share_text} {words[language == 'de']} {days}")
            bands[language].append(
                f"{prefix}{interval} {formatting.percent(low, 0, language)}–"
                f"{formatting.percent(high, 0, language)} {days}"
            )
    keys = last.select(key) if key else None
    return (
        series_texts(keys, lines["en"], lines["de"]),
        series_texts(keys, bands["en"], bands["de"], field="band"),
    )


def survival_chart(
    curve: pl.DataFrame,
    *,
    title: str = "Share of leads not yet qualified",
    x_title: str = "days since the lead was created",
    max_days: float | None = None,
) -> alt.LayerChart:
    """Kaplan-Meier step curve(s) with the 95% band; one colour per group.

    Each curve is thinned to a few hundred points; with more than `MAX_GROUPS` groups the
    largest are shown and the subtitle says so.
    """
    curve, left_out = _largest_groups(curve)
    data = _with_start(curve, "survival", 1.0, max_days)
    key = "group" if "group" in data.columns else None
    colour = alt.Color("group:N", title=None) if key else alt.value(ACCENT)
    line_texts, band_texts = _curve_end(
        data, "survival", key, ("not yet qualified", "noch nicht qualifiziert")
    )
    base = alt.Chart(data).encode(x=alt.X("time:Q", title=x_title))
    band = base.mark_area(interpolate="step-after", opacity=0.18).encode(
        y=alt.Y("ci_low:Q"), y2="ci_high:Q", color=colour
    )
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y(
            "survival:Q",
            title="share not yet qualified",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=colour,
        tooltip=[alt.Tooltip("time:Q", format=".1f"), alt.Tooltip("survival:Q", format=".1%")],
    )
    # one path per curve and band: each names its group and where it ends, in words
    band = describe_series(band, band_texts, key, field="band")
    line = describe_series(line, line_texts, key)
    return (band + line).properties(
        title=alt.TitleParams(title, subtitle=left_out) if left_out else title
    )


def incidence_chart(
    incidence: pl.DataFrame,
    *,
    title: str = "How leads leave nurturing",
    max_days: float | None = None,
) -> alt.LayerChart:
    """Cumulative incidence (Aalen-Johansen) of each way out, with 95% bands.

    The ways out read as words ("fast lane", not "fast_lane"); each curve's and band's
    hover text names its way out and where it ends.
    """
    data = _with_start(incidence, "cumulative_incidence", 0.0, max_days).with_columns(
        pl.col("cause").str.replace_all("_", " ")
    )
    line_texts, band_texts = _curve_end(
        data, "cumulative_incidence", "cause", ("of leads", "der Leads")
    )
    base = alt.Chart(data).encode(
        x=alt.X("time:Q", title="days since the lead was created"),
        color=alt.Color("cause:N", title="way out"),
    )
    band = base.mark_area(interpolate="step-after", opacity=0.15).encode(
        y="ci_low:Q", y2="ci_high:Q"
    )
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("cumulative_incidence:Q", title="share of leads", axis=alt.Axis(format="%")),
        tooltip=[
            "cause:N",
            alt.Tooltip("time:Q", format=".1f"),
            alt.Tooltip("cumulative_incidence:Q", format=".1%"),
        ],
    )
    band = describe_series(band, band_texts, "cause", field="band")
    return (band + describe_series(line, line_texts, "cause")).properties(title=title)


NODE_POSITIONS = {
    "nurturing": (0, 2),
    "qualified": (1, 0.5),
    "fast lane": (1, 1.5),
    "early call": (1, 2.5),
    "unsubscribed": (1, 3.3),
    "disqualified": (1, 3.9),
    "still nurturing": (1, 4.5),
    "won offline": (1, 5.1),
    "sales contact": (2, 1.5),
    "recycled": (3, 3),
    "opportunity": (3, 1),
    "won": (4, 0.5),
    "lost": (4, 1.8),
}


def flow_chart(
    flows: pl.DataFrame, *, title: str = "How leads move through the funnel"
) -> alt.LayerChart:
    """Stage flow: stages as labelled circles, moves as lines as thick as their lead count.

    The chart's own fields are named ``funnel_stage``, ``from_stage`` and ``to_stage``, so a
    German report translates the kit's stage names there and nowhere else; the labels count
    the leads with the report's separators ("nurturing (1,800)").
    """
    nodes = pl.DataFrame([{"stage": s, "x": p[0], "y": p[1]} for s, p in NODE_POSITIONS.items()])
    volume = pl.concat(
        [
            flows.select(pl.col("target").alias("stage"), "leads"),
            flows.filter(pl.col("source") == "nurturing").select(
                pl.lit("nurturing").alias("stage"), "leads"
            ),
        ]
    )
    nodes = nodes.join(
        volume.group_by("stage").agg(pl.col("leads").sum()), on="stage", how="left"
    ).with_columns(pl.col("leads").fill_null(0))
    edges = (
        flows.filter(pl.col("leads") > 0)
        .with_row_index("edge")
        .join(
            nodes.select(
                pl.col("stage").alias("source"), pl.col("x").alias("x1"), pl.col("y").alias("y1")
            ),
            on="source",
        )
        .join(
            nodes.select(
                pl.col("stage").alias("target"), pl.col("x").alias("x2"), pl.col("y").alias("y2")
            ),
            on="target",
        )
    )
    hidden = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    x = alt.X("x1:Q", axis=hidden, scale=alt.Scale(domain=[-0.4, 4.6]))
    y = alt.Y("y1:Q", axis=hidden, scale=alt.Scale(domain=[5.6, -0.3]))
    nodes = nodes.rename({"stage": "funnel_stage"})
    edges = edges.rename({"source": "from_stage", "target": "to_stage"})
    lines = (
        alt.Chart(edges)
        .mark_rule(color=MUTED, opacity=0.6)
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("leads:Q", legend=None, scale=alt.Scale(range=[1, 14])),
            tooltip=[
                alt.Tooltip("from_stage:N", title="from"),
                alt.Tooltip("to_stage:N", title="moved to"),
                alt.Tooltip("leads:Q", format=",d"),
            ],
        )
    )
    points = (
        alt.Chart(nodes)
        .mark_circle(color=ACCENT, opacity=0.9)
        .encode(
            x=alt.X("x:Q", axis=hidden),
            y=alt.Y("y:Q", axis=hidden),
            size=alt.Size("leads:Q", legend=None, scale=alt.Scale(range=[60, 900])),
            tooltip=[
                alt.Tooltip("funnel_stage:N", title="stage"),
                alt.Tooltip("leads:Q", format=",d"),
            ],
        )
    )
    # the count formatted by vega in the report's locale ("1,800" / "1.800"); the stage
    # name comes from the data, so a German report reads it in German
    labels = (
        alt.Chart(nodes)
        .transform_calculate(label="datum.funnel_stage + ' (' + format(datum.leads, ',d') + ')'")
        # hidden from screen readers and hover: the circle's text names the stage already
        .mark_text(dy=-16, fontSize=11, aria=False)
        .encode(x="x:Q", y="y:Q", text="label:N")
    )
    return (lines + points + labels).properties(title=title, width=620, height=340)


def duration_chart(
    durations: pl.DataFrame, *, title: str = "Days between stages (completed steps)"
) -> alt.LayerChart:
    """Box plots of the days each step took: box = middle half, line = 5th to 95th percentile."""
    # the kit's step names in a field of their own, which a German report translates
    stats = durations.group_by(pl.col("step").alias("stage_step"), maintain_order=True).agg(
        leads=pl.len(),
        p05=pl.col("days").quantile(0.05),
        p25=pl.col("days").quantile(0.25),
        median=pl.col("days").median(),
        p75=pl.col("days").quantile(0.75),
        p95=pl.col("days").quantile(0.95),
    )
    base = alt.Chart(stats).encode(y=alt.Y("stage_step:N", title="step", sort=None))
    top = float(stats["p95"].max() or 1.0)
    # a symlog axis picks linear ticks 5 apart, which crowd on its compressed right end
    # ("30 3540"); round values spaced evenly on the log scale instead
    ticks = [v for v in SYMLOG_TICKS if v <= top * 1.05] or [0]
    x = alt.X(
        "p05:Q",
        title="days (log scale)",
        scale=alt.Scale(type="symlog"),
        axis=alt.Axis(values=ticks, format=",d"),
    )
    whisker = base.mark_rule(color=MUTED).encode(x=x, x2="p95:Q")
    box = base.mark_bar(color=ACCENT, opacity=0.5, size=18).encode(x="p25:Q", x2="p75:Q")
    middle = base.mark_tick(color="black", size=18, thickness=2).encode(
        x="median:Q",
        tooltip=[
            alt.Tooltip("stage_step:N", title="step"),
            "leads:Q",
            alt.Tooltip("median:Q", format=".1f"),
            alt.Tooltip("p25:Q", format=".1f"),
            alt.Tooltip("p75:Q", format=".1f"),
        ],
    )
    return (whisker + box + middle).properties(title=title, height=180)


# Room per bar of a rate chart: an upright label like "24–72 h" or "80–100" fits.
RATE_BAR_STEP = 64

# Ticks of a symlog day axis: about evenly spaced once compressed.
SYMLOG_TICKS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]


def rate_chart(
    table: pl.DataFrame,
    *,
    category: str,
    rate: str = "win_rate",
    title: str,
    x_title: str,
    y_title: str = "win rate",
) -> alt.LayerChart:
    """Rates with 95% intervals by category (maturity bins, speed-to-lead bins)."""
    # upright labels under bars wide enough for them (20 px bars turned "24–72 h" on its side)
    base = alt.Chart(table).encode(
        x=alt.X(f"{category}:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(color=ACCENT, opacity=0.85).encode(
        y=alt.Y(f"{rate}:Q", title=y_title, axis=alt.Axis(format="%")),
        # the category titled as its axis: named once in the hover text, not twice
        tooltip=[
            alt.Tooltip(f"{category}:N", title=x_title),
            alt.Tooltip(f"{rate}:Q", title=y_title, format=".1%"),
            alt.Tooltip("ci_low:Q", title="95% interval from", format=".1%"),
            alt.Tooltip("ci_high:Q", title="to", format=".1%"),
        ]
        + (["contacts:Q"] if "contacts" in table.columns else []),
    )
    whiskers = base.mark_rule(color="black").encode(y="ci_low:Q", y2="ci_high:Q")
    longest = int(table[category].cast(pl.String).str.len_chars().max() or 0)
    step = max(RATE_BAR_STEP, 8 * longest + 12)  # 12 px type is about 7 px a character
    return (bars + whiskers).properties(title=title, width=alt.Step(step))


def maturity_chart(table: pl.DataFrame) -> alt.LayerChart:
    """Win rate by the lead's maturity at the first sales call."""
    measure = table["measure"][0].replace("_", " ")
    return rate_chart(table, category="bin", title=f"Win rate by {measure}", x_title=measure)


def green_banana_chart(effect: pl.DataFrame) -> alt.LayerChart:
    """Win rate of leads called before vs when ready (observational)."""
    rates = effect.filter(pl.col("measure").str.starts_with("win rate")).with_columns(
        group=pl.col("measure").str.replace("win rate, ", "")
    )
    return rate_chart(
        rates,
        category="group",
        rate="estimate",
        title="Called too early? (green banana)",
        x_title="when sales called",
    )


def unsubscribe_chart(table: pl.DataFrame) -> alt.LayerChart:
    """Unsubscribes per 1,000 lead-days by e-mails per week, with exact Poisson intervals."""
    base = alt.Chart(table).encode(
        x=alt.X(
            "emails_per_week:N",
            title="e-mails per week",
            sort=None,
            axis=alt.Axis(labelAngle=0),
        )
    )
    points = base.mark_point(filled=True, size=90, color=PALETTE[5]).encode(
        y=alt.Y("per_1000_lead_days:Q", title="unsubscribes per 1,000 lead-days"),
        tooltip=[
            alt.Tooltip("emails_per_week:N", title="e-mails per week"),
            "leads:Q",
            "unsubscribes:Q",
            alt.Tooltip(
                "per_1000_lead_days:Q", title="unsubscribes per 1,000 lead-days", format=".2f"
            ),
        ],
    )
    return (
        # the interval's hover text in words (it read "ci_low: 0.39; ci_high: 1.77")
        base.mark_rule(color=PALETTE[5]).encode(
            y="ci_low:Q",
            y2="ci_high:Q",
            tooltip=[
                alt.Tooltip("emails_per_week:N", title="e-mails per week"),
                alt.Tooltip("ci_low:Q", title="95% interval from", format=".2f"),
                alt.Tooltip("ci_high:Q", title="to", format=".2f"),
            ],
        )
        + points
    ).properties(
        title="E-mail fatigue: unsubscribe rate by frequency", width=alt.Step(RATE_BAR_STEP)
    )


def send_time_heatmap_chart(heat: pl.DataFrame, *, min_sends: int = 20) -> alt.Chart:
    """Open rate by weekday and hour of the send (cells with few sends are left out)."""
    # the kit's weekday names in a field of their own, which a German report translates
    data = heat.filter(pl.col("sends") >= min_sends).rename({"weekday": "send_weekday"})
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="hour of the send", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "send_weekday:N",
                title="weekday of the send",
                sort=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            ),
            color=alt.Color(
                "open_rate:Q",
                title="open rate",
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format=".0%"),
            ),
            # short titles: each cell carries its hover text (the axes say the long names)
            tooltip=[
                alt.Tooltip("send_weekday:N", title="weekday"),
                alt.Tooltip("hour:O", title="hour"),
                alt.Tooltip("open_rate:Q", title="open rate", format=".1%"),
                alt.Tooltip("sends:Q", title="sends", format=",d"),
            ],
        )
        .properties(
            title="When are e-mails opened?",
            width=alt.Step(MIN_CELL_HEIGHT),
            height=alt.Step(MIN_CELL_HEIGHT),
        )
    )


def _top_values(breakdown: pl.DataFrame, n: int = TOP_N) -> pl.DataFrame:
    """The `n` values with the most leads per dimension, the rest merged into one row.

    Leads and excluded leads add up, so the merged row's share is their quotient; a
    dimension with at most ``n + 1`` values is kept whole.
    """
    rank = pl.col("leads").rank("ordinal", descending=True).over("dimension")
    keep = (rank <= n) | (pl.len().over("dimension") <= n + 1)
    ranked = breakdown.with_columns(_keep=keep)
    rest = (
        ranked.filter(~pl.col("_keep"))
        .group_by("dimension", maintain_order=True)
        .agg(pl.len().alias("_merged"), pl.col("leads").sum(), pl.col("excluded").sum())
        .with_columns(
            value=pl.format("other ({} values)", "_merged"),
            share_excluded=pl.col("excluded") / pl.col("leads"),
        )
        .drop("_merged")
    )
    kept = ranked.filter(pl.col("_keep")).drop("_keep")
    return pl.concat([kept, rest], how="diagonal_relaxed") if rest.height else kept


# The lead attributes the exclusion chart breaks down by, as a reader names them; yes/no
# for the two that are true or false (the frame holds the column names and "true"/"false").
LEAD_ATTRIBUTES = {
    "has_email": "has an e-mail address",
    "is_customer": "existing customer",
}
_YES_NO = {"true": "yes", "false": "no"}


def _readable_attributes(breakdown: pl.DataFrame) -> pl.DataFrame:
    """The breakdown in the chart's own fields, ``lead_attribute`` and ``attribute_value``,
    with the kit's attribute names and true/false in words (a German report translates
    them there; persona and source values stay as the data have them)."""
    boolean = pl.col("dimension").is_in(list(LEAD_ATTRIBUTES))
    return breakdown.with_columns(
        pl.when(boolean)
        .then(pl.col("value").replace(_YES_NO))
        .otherwise(pl.col("value"))
        .alias("attribute_value"),
        pl.col("dimension").replace(LEAD_ATTRIBUTES).alias("lead_attribute"),
    ).drop("dimension", "value")


def exclusion_chart(breakdown: pl.DataFrame) -> alt.FacetChart:
    """Share of leads that never reach sales, by persona, source, customer status and e-mail.

    A dimension with many values (a source per campaign) shows its `TOP_N` largest and
    one merged row for the rest.
    """
    return (
        alt.Chart(_readable_attributes(_top_values(breakdown)))
        .mark_bar(color=PALETTE[3])
        .encode(
            x=alt.X(
                "share_excluded:Q",
                title="share that never reaches sales",
                axis=alt.Axis(format="%", tickCount=5),
                scale=alt.Scale(domain=[0, 1]),
            ),
            # titled as in the hover text ("value: yes", once), the axis without a title
            y=alt.Y("attribute_value:N", title="value", axis=alt.Axis(title=None)),
            tooltip=[
                alt.Tooltip("lead_attribute:N", title="dimension"),
                alt.Tooltip("attribute_value:N", title="value"),
                alt.Tooltip("leads:Q", format=",d"),
                alt.Tooltip("excluded:Q", format=",d"),
                alt.Tooltip(
                    "share_excluded:Q", title="share that never reaches sales", format=".1%"
                ),
            ],
        )
        .properties(width=380, height=alt.Step(18))
        .facet(
            row=alt.Row(
                "lead_attribute:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")
            ),
        )
        .resolve_scale(y="independent")
        .properties(title="Who the targeting rules exclude")
    )


def _threshold_texts(curve: pl.DataFrame) -> pl.DataFrame:
    """The line's hover text: the thresholds it runs through and the precision they reach
    ("MQL score threshold 0 to 100, precision 27% to 52%"), English and German."""
    if curve.is_empty():
        return series_texts(None, ["MQL score threshold"], ["MQL-Score-Schwelle"])
    low, high = curve["threshold"].min(), curve["threshold"].max()
    worst, best = curve["precision"].min(), curve["precision"].max()
    texts = [
        f"{words[0]} {formatting.number(low, 0, language)} {words[1]} "
        f"{formatting.number(high, 0, language)}, {words[2]} "
        f"{formatting.percent(worst, 0, language)} {words[1]} "
        f"{formatting.percent(best, 0, language)}"
        for language, words in (
            ("en", ("MQL score threshold", "to", "precision")),
            ("de", ("MQL-Score-Schwelle", "bis", "Präzision")),
        )
    ]
    return series_texts(None, [texts[0]], [texts[1]])


def reach_precision_chart(curve: pl.DataFrame, *, chosen: float | None = None) -> alt.LayerChart:
    """Reach (share passed to sales) against precision (share of them won) as the
    threshold moves."""
    data = curve.filter(pl.col("precision").is_not_null())
    base = alt.Chart(data).encode(
        x=alt.X(
            "reach:Q", title="reach: share of leads passed to sales", axis=alt.Axis(format="%")
        ),
        y=alt.Y("precision:Q", title="precision: share of them won", axis=alt.Axis(format="%")),
    )
    # the line and its points apart: a line with point=True gives the points its text too
    line = describe_series(base.mark_line(color=ACCENT), _threshold_texts(data))
    points = base.mark_point(filled=True, color=ACCENT, opacity=1).encode(
        tooltip=[
            alt.Tooltip("threshold:Q", title="MQL score threshold"),
            alt.Tooltip("reach:Q", format=".1%"),
            alt.Tooltip("precision:Q", format=".1%"),
            alt.Tooltip("share_of_wins:Q", title="share of all wins", format=".1%"),
        ]
    )
    # one threshold label per 5% of reach: labels of neighbouring thresholds overprinted
    # each other where the curve bunches up (the tooltips still name every point)
    labelled = data.sort("reach").filter(
        pl.col("threshold") == pl.col("threshold").first().over((pl.col("reach") * 20).floor())
    )
    labels = (
        alt.Chart(labelled)
        .mark_text(dx=8, dy=-8, fontSize=10)
        .encode(x="reach:Q", y="precision:Q", text="threshold:Q")
    )
    layers = line + points + labels
    if chosen is not None:
        layers += base.transform_filter(alt.datum.threshold == chosen).mark_point(
            size=220, color=PALETTE[5], shape="diamond", filled=True, opacity=1
        )
    return layers.properties(title="Reach against precision of the MQL threshold")


def speed_to_lead_chart(table: pl.DataFrame) -> alt.LayerChart:
    """Win rate of fast-lane requests by hours until sales called back."""
    return rate_chart(
        table,
        category="hours",
        title="Speed to lead: fast-lane requests",
        x_title="hours until the call",
    )
