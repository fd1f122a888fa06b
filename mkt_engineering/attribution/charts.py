"""Altair charts of attribution results, in the kit's theme.

Examples
--------
>>> import polars as pl
>>> c = pl.DataFrame({"model": ["linear", "markov"], "channel": ["search", "search"],
...                   "conversions": [3.0, 4.0], "value": [0.0, 0.0], "share": [0.5, 0.6]})
>>> type(model_comparison_chart(c)).__name__
'LayerChart'
"""

from __future__ import annotations

import altair as alt
import polars as pl

from mkt_engineering.attribution.markov import NULL
from mkt_engineering.attribution.paths import path_text
from mkt_engineering.charts.series_text import describe_series, series_texts
from mkt_engineering.charts.theme import (
    ACCENT,
    MIN_CELL_HEIGHT,
    MUTED,
    TOP_N,
    count_axis,
    top_and_other,
)
from mkt_engineering.formatting import Currency, currency_for, number, percent

# Model names ("last_non_direct", "position_based") on one line each, angled, ran into
# each other under 18 px cells; split at "_" they stack as short lines under wide cells.
MODEL_LABELS = "split(datum.label, '_')"
MODEL_CELL_WIDTH = 84
# How the transition heatmap names the journey's end without a conversion ("(null)").
NO_CONVERSION = "(no conversion)"
# A legend of models reads "last non direct", not the identifier "last_non_direct".
MODEL_LEGEND = alt.Legend(labelExpr="replace(datum.label, regexp('_', 'g'), ' ')")
# Width of a chart whose x axis holds a few categories (the touch numbers 1 to 5): the
# theme's width of the other charts, not 20 px a step (the chart was 100 px wide).
WIDE = 480


def _limit(
    frame: pl.DataFrame,
    by: str,
    sums: tuple[str, ...],
    group_by: tuple[str, ...] = (),
    category: str = "channel",
    n: int = TOP_N,
) -> pl.DataFrame:
    """The top channels plus one merged "other" row (per group), for charts with one mark
    per channel; columns the frame lacks are skipped."""
    present = set(frame.columns)
    return top_and_other(
        frame,
        category,
        by=by,
        sums=[c for c in sums if c in present],
        group_by=[c for c in group_by if c in present],
        n=n,
    )


def _order(frame: pl.DataFrame, by: str, category: str = "channel") -> list[str]:
    """Categories by their total ``by``, largest first, the merged "other" row last."""
    totals = frame.group_by(category).agg(pl.col(by).sum())
    merged = pl.col(category).str.starts_with("other (") & pl.col(category).str.ends_with(
        " channels)"
    )
    return totals.sort(merged, by, descending=[False, True])[category].to_list()


def model_comparison_chart(comparison: pl.DataFrame) -> alt.Chart:
    """Heatmap of each channel's share of conversions (rows) under each model (columns).

    With many channels, the top ones are shown and the rest merged into "other".
    """
    comparison = _limit(comparison, "share", ("conversions", "value", "share"), ("model",))
    order = _order(comparison, "share")
    base = alt.Chart(comparison).encode(
        x=alt.X(
            "model:N",
            title="attribution model",
            axis=alt.Axis(labelAngle=0, labelExpr=MODEL_LABELS, labelLimit=MODEL_CELL_WIDTH),
        ),
        y=alt.Y("channel:N", sort=order, title="channel"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title="share of conversions",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format=".0%"),
        ),
        # short titles: each cell carries its hover text (the axes and the legend say the
        # long names once): "model: linear; channel: search; share: 19.2%; conversions: 77.6"
        tooltip=[
            alt.Tooltip("model:N", title="model"),
            alt.Tooltip("channel:N", title="channel"),
            alt.Tooltip("share:Q", title="share", format=".1%"),
            alt.Tooltip("conversions:Q", title="conversions", format=",.1f"),
        ],
    )
    # the labels repeat what their cell's hover text says: hidden from screen readers, and
    # without a hover text of their own (145 marks with texts were twice the 73 cells)
    labels = base.mark_text(fontSize=11, aria=False).encode(
        text=alt.Text("share:Q", format=".0%"),
        color=alt.condition(alt.datum.share > 0.2, alt.value("white"), alt.value("black")),
    )
    return (cells + labels).properties(
        title=alt.Title("Share of conversions by model", subtitle="darker = more credit"),
        # cells big enough for their "30%" label, whatever the chart's default width
        width=alt.Step(MODEL_CELL_WIDTH),
        height=alt.Step(MIN_CELL_HEIGHT),
    )


def credit_interval_title(model: str | None = None, language: str = "en") -> str:
    """The title of `credit_interval_chart`, naming the model when there is one.

    Parameters
    ----------
    model : str, optional
        The attribution model's name ("markov", "last_non_direct").
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> credit_interval_title("last_non_direct")
    'Credit under the last non direct model, with 95% interval'
    >>> credit_interval_title("markov", "de")
    'Anteil nach dem Modell markov, mit 95-%-Intervall'
    """
    if not model:
        return "Anteil mit 95-%-Intervall" if language == "de" else "Credit with 95% interval"
    name = model.replace("_", " ")
    if language == "de":
        return f"Anteil nach dem Modell {name}, mit 95-%-Intervall"
    return f"Credit under the {name} model, with 95% interval"


def credit_interval_chart(
    intervals: pl.DataFrame,
    title: str | None = None,
    *,
    model: str | None = None,
    language: str = "en",
) -> alt.Chart:
    """Bars of credit with bootstrap interval whiskers (output of `bootstrap`).

    With many channels the rest are merged into "other", which has a bar but no whisker:
    summed interval limits are not an interval of the sum.

    Parameters
    ----------
    intervals : polars DataFrame
        The frame of `bootstrap`.
    title : str, optional
        Default: `credit_interval_title` of `model` in `language`.
    model : str, optional
        The model the intervals are of, named in the title.
    language : {"en", "de"}
        The title's language (the rest of the chart is translated when drawn).

    Returns
    -------
    altair.LayerChart
    """
    title = title or credit_interval_title(model, language)
    intervals = _limit(intervals, "conversions", ("conversions", "value"))
    order = _order(intervals, "conversions")
    base = alt.Chart(intervals).encode(y=alt.Y("channel:N", sort=order, title="channel"))
    bars = base.mark_bar(color=ACCENT).encode(
        x=alt.X("conversions:Q", title="attributed conversions", axis=count_axis()),
        tooltip=[
            alt.Tooltip("channel:N", title="channel"),
            alt.Tooltip("conversions:Q", format=",.1f"),
            alt.Tooltip("lower:Q", format=",.1f"),
            alt.Tooltip("upper:Q", format=",.1f"),
        ],
    )
    whiskers = base.mark_rule(color="black", strokeWidth=1.5).encode(x="lower:Q", x2="upper:Q")
    return (bars + whiskers).properties(
        title=alt.Title(title, subtitle="line = range the credit could plausibly take")
    )


def transition_heatmap(transitions: pl.DataFrame, max_states: int = 25) -> alt.Chart:
    """Transition probabilities of a Markov model (its ``transition_matrix_``)."""
    busiest = (
        transitions.group_by("from_state")
        .agg(pl.col("count").sum())
        .sort("count", descending=True)
        .head(max_states)["from_state"]
    )
    data = _limit(
        transitions.filter(pl.col("from_state").is_in(busiest.to_list())),
        "count",
        ("count", "probability"),
        ("from_state",),
        category="to_state",
        n=max_states,
    ).with_columns(  # the chain's absorbing "(null)" state is a journey that ends unconverted
        pl.col("to_state").replace(NULL, NO_CONVERSION)
    )
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            # upright labels would need wide cells, slanted ones overlap as boxes
            x=alt.X("to_state:N", title="next step", axis=alt.Axis(labelAngle=-90)),
            y=alt.Y("from_state:N", title="from"),
            color=alt.Color(
                "probability:Q",
                title="probability",
                scale=alt.Scale(scheme="greens"),
                legend=alt.Legend(format=".0%"),
            ),
            # titled as the axes and the legend: each thing once in a cell's hover text
            tooltip=[
                alt.Tooltip("from_state:N", title="from"),
                alt.Tooltip("to_state:N", title="next step"),
                alt.Tooltip("probability:Q", title="probability", format=".1%"),
                alt.Tooltip("count:Q", format=",.0f"),
            ],
        )
        .properties(
            title=alt.Title("Where journeys go next", subtitle="probability of each next step"),
            width=alt.Step(MIN_CELL_HEIGHT),
            height=alt.Step(MIN_CELL_HEIGHT),
        )
    )


def path_flow_chart(paths: pl.DataFrame, steps: int = 5) -> alt.Chart:
    """Which channels journeys use at step 1, 2, ... (stacked bars, converting journeys only)."""
    table = (
        paths.filter(pl.col("conversions") > 0)
        .with_columns(step=pl.int_ranges(1, pl.col("path").list.len() + 1))
        .explode("path", "step")
        .filter(pl.col("step") <= steps)
        .group_by("step", pl.col("path").alias("channel"))
        .agg(pl.col("conversions").sum())
        .sort("step", "channel")
    )
    table = _limit(table, "conversions", ("conversions",), ("step",))
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("step:O", title="touch number in the journey", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "conversions:Q",
                stack="normalize",
                title="share of converting journeys",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("channel:N", title="channel"),
            tooltip=[
                alt.Tooltip("step:O", title="touch number in the journey"),
                alt.Tooltip("channel:N", title="channel"),
                # the count; the axis shows the share (the same field, normalized)
                alt.Tooltip("conversions:Q", title="conversions", format=",.0f"),
            ],
        )
        .properties(
            title=alt.Title("How converting journeys unfold", subtitle="channel mix at each step"),
            width=WIDE,
        )
    )


def top_paths(paths: pl.DataFrame, n: int = 10) -> pl.DataFrame:
    """The ``n`` paths with the most conversions, as a readable table."""
    journeys = pl.col("conversions") + pl.col("non_conversions")
    return (
        paths.sort("conversions", descending=True)
        .head(n)
        .select(
            path_text("path").alias("path"),
            "conversions",
            "value",
            journeys.alias("journeys"),
            (pl.col("conversions") / journeys).alias("conversion_rate"),
        )
    )


def top_paths_chart(paths: pl.DataFrame, n: int = 10) -> alt.Chart:
    """Bars of the top paths by conversions, labelled with their conversion rate."""
    table = top_paths(paths, n)
    base = alt.Chart(table).encode(y=alt.Y("path:N", sort="-x", title="journey (path)"))
    bars = base.mark_bar(color=ACCENT).encode(
        # conversions are counts: whole ticks only (the axis of 0 to 5 had 0.5, 1.5, ...)
        x=alt.X("conversions:Q", title="conversions", axis=count_axis(table["conversions"].max())),
        tooltip=[
            alt.Tooltip("path:N", title="journey (path)"),
            alt.Tooltip("conversions:Q", title="conversions", format=",d"),
            alt.Tooltip("journeys:Q", format=",d"),
            alt.Tooltip("conversion_rate:Q", title="conversion rate", format=".1%"),
        ],
    )
    return (
        bars
        + base.mark_text(align="left", dx=3, color=MUTED).encode(
            x="conversions:Q", text=alt.Text("conversion_rate:Q", format=".0%")
        )
    ).properties(title=alt.Title(f"Top {n} paths", subtitle="label = conversion rate of the path"))


def _lookback_texts(sensitivity: pl.DataFrame) -> pl.DataFrame:
    """Each channel line's hover text: its share at the shortest and the longest window
    ("search, from 15% at 7 days to 16% at 60 days"), English and German; one row per
    channel (at most `TOP_N` + 1)."""
    ends = (
        sensitivity.sort("lookback_days")
        .group_by("channel", maintain_order=True)
        .agg(
            pl.col("lookback_days").first().alias("short"),
            pl.col("share").first().alias("short_share"),
            pl.col("lookback_days").last().alias("long"),
            pl.col("share").last().alias("long_share"),
        )
    )
    rows = ends.select("channel", "short", "short_share", "long", "long_share").rows()
    texts = {
        language: [
            template.format(
                channel=channel,
                a=percent(a_share, 0, language),
                b=percent(b_share, 0, language),
                short=number(short, 0, language),
                long=number(long, 0, language),
            )
            for channel, short, a_share, long, b_share in rows
        ]
        for language, template in _LOOKBACK_SENTENCE.items()
    }
    return series_texts(ends.select("channel"), texts["en"], texts["de"])


_LOOKBACK_SENTENCE = {
    "en": "{channel}, from {a} at {short} days to {b} at {long} days",
    "de": "{channel}, von {a} bei {short} Tagen bis {b} bei {long} Tagen",
}


def lookback_chart(sensitivity: pl.DataFrame) -> alt.LayerChart:
    """Lines of each channel's share against the lookback window (top channels + "other").

    Each point's hover text is its window's share; each line's names its channel and its
    share at the shortest and the longest window.
    """
    sensitivity = _limit(
        sensitivity, "share", ("conversions", "value", "share"), ("lookback_days", "model")
    )
    base = alt.Chart(sensitivity).encode(
        x=alt.X("lookback_days:Q", title="lookback window (days)"),
        y=alt.Y("share:Q", title="share of conversions", axis=alt.Axis(format="%")),
        color=alt.Color("channel:N", title="channel"),
    )
    # the line and its points apart: a line with point=True gives the points its text too
    line = describe_series(base.mark_line(), _lookback_texts(sensitivity), "channel")
    points = base.mark_point(filled=True, opacity=1).encode(
        tooltip=[
            alt.Tooltip("channel:N", title="channel"),
            alt.Tooltip("lookback_days:Q", title="lookback window (days)"),
            alt.Tooltip("share:Q", format=".1%"),
        ],
    )
    return (line + points).properties(
        title=alt.Title(
            "How credit moves with the lookback window", subtitle="flat lines = robust credit"
        )
    )


DIAGONAL = "dashed diagonal, where the model share equals the true share"


def truth_chart(comparison: pl.DataFrame) -> alt.Chart:
    """Model share against the true share (output of `truth_comparison`)."""
    comparison = _limit(comparison, "true_share", ("share", "true_share"), ("model",))
    top = float(comparison.select(pl.max_horizontal("share", "true_share").max()).item() or 1)
    diagonal = (
        alt.Chart(pl.DataFrame({"share": [0.0, top]}))
        .mark_line(color=MUTED, strokeDash=[4, 4], description=DIAGONAL)
        .encode(x="share:Q", y="share:Q")
    )
    points = (
        alt.Chart(comparison)
        .mark_point(filled=True, size=60)
        .encode(
            x=alt.X("true_share:Q", title="true share", axis=alt.Axis(format="%")),
            y=alt.Y("share:Q", title="model share", axis=alt.Axis(format="%")),
            color=alt.Color("model:N", title="model", legend=MODEL_LEGEND),
            tooltip=[
                alt.Tooltip("model:N", title="model"),
                alt.Tooltip("channel:N", title="channel"),
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("true_share:Q", title="true share", format=".1%"),
            ],
        )
    )
    # the diagonal the subtitle speaks of, drawn (it was only named)
    return (diagonal + points).properties(
        title=alt.Title("Models against the truth", subtitle="on the dashed diagonal = right")
    )


def budget_chart(table: pl.DataFrame, currency: str | Currency | None = None) -> alt.Chart:
    """Cost per attributed conversion by channel and model (top channels by spend + "other",
    whose cost is its total spend over its total conversions).

    `currency` (a symbol, code or `Currency`) is named in the axis title, "cost per
    attributed conversion (EUR)"; without it the axis says no unit.
    """
    data = _limit(
        table.filter(pl.col("cost_per_conversion").is_not_null()),
        "spend",
        ("spend", "conversions", "value"),
        ("model",),
    ).with_columns(
        pl.coalesce("cost_per_conversion", pl.col("spend") / pl.col("conversions")),
        pl.coalesce("roas", pl.col("value") / pl.col("spend")),
    )
    sign = currency_for(currency) if isinstance(currency, str) else currency
    cost = "cost per attributed conversion" + (sign.unit() if sign else "")
    return (
        alt.Chart(data)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("cost_per_conversion:Q", title=cost),
            y=alt.Y("channel:N", title="channel", sort="x"),
            color=alt.Color("model:N", title="model", legend=MODEL_LEGEND),
            tooltip=[
                alt.Tooltip("model:N", title="model"),
                alt.Tooltip("channel:N", title="channel"),
                alt.Tooltip("cost_per_conversion:Q", title=cost, format=",.2f"),
                alt.Tooltip("roas:Q", title="revenue per unit of spend (ROAS)", format=",.2f"),
            ],
        )
        .properties(
            title=alt.Title(
                "What a conversion costs, by model",
                subtitle="spread across models = uncertainty of the rule",
            )
        )
    )
