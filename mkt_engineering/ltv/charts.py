"""Charts of the lifetime-value analysis (altair, in the kit's theme).

Each function takes the frame an analysis function returns and gives one chart.

Examples
--------
>>> import polars as pl
>>> frame = pl.DataFrame({"acquisition_channel": ["search", "display"], "ltv_cac": [2.1, 0.6],
...                       "clv": [30.0, 8.0], "cac": [14.0, 13.0], "payback_month": [5, None]})
>>> type(ltv_cac_chart(frame)).__name__
'LayerChart'
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import polars as pl

from mkt_engineering import formatting
from mkt_engineering.charts.axis_room import band_height
from mkt_engineering.charts.german import data_value
from mkt_engineering.charts.series_text import describe_series, plural, series_texts
from mkt_engineering.charts.theme import ACCENT, MUTED, PALETTE, count_axis
from mkt_engineering.text import Currency

METRIC_TITLES = {
    "retention": "Share of the cohort buying",
    "customers": "Customers buying",
    "orders": "Orders",
    "revenue": "Revenue",
    "revenue_per_customer": "Revenue per acquired customer",
    "cumulative_revenue_per_customer": "Cumulative revenue per customer",
    "margin": "Margin",
}


# Metrics that are amounts of money: their axis titles carry the currency.
MONEY_METRICS = {"revenue", "revenue_per_customer", "cumulative_revenue_per_customer", "margin"}


def _unit(currency: str | Currency | None) -> str:
    """' (EUR)' after an axis title; '' when the amounts have no currency."""
    if isinstance(currency, Currency):
        return currency.unit()
    return f" ({currency})" if currency else ""


def _cohort_label(matrix: pl.DataFrame) -> pl.DataFrame:
    """Each cohort's label: its month ("2024-01") when every cohort starts on the first of a
    month (monthly or quarterly cohorts), else its first day ("2024-01-15")."""
    monthly = matrix.height > 0 and bool((matrix["cohort"].dt.day() == 1).all())
    label = pl.col("cohort").dt.strftime("%Y-%m" if monthly else "%Y-%m-%d")
    if "acquisition_channel" in matrix.columns:
        label = pl.concat_str(pl.col("acquisition_channel"), pl.lit(" · "), label)
    return matrix.with_columns(label.alias("cohort_label"))


# Cells one cohort chart draws at most: with two years of weekly cohorts a triangle has
# about 11,000 cells, beyond what a chart can carry (5,000 rows) or anyone can read.
MAX_COHORT_CELLS = 4000


def _every_kth_cohort(
    data: pl.DataFrame, max_cells: int, cohorts: int | None = None
) -> tuple[pl.DataFrame, str]:
    """Every k-th cohort counted back from the newest, so at most `max_cells` rows remain.

    Returns the rows kept and a note naming what was left out ("" when all are kept), out
    of `cohorts` (default: the cohorts in `data`). Cohorts are skipped rather than merged:
    a merged cohort would be a new number.
    """
    if data.height <= max_cells:
        return data, ""
    labels = data.select(pl.col("cohort_label").unique(maintain_order=True))
    newest_first = labels.reverse().with_row_index("_age")
    step = -(-data.height // max_cells)  # ceiling division: right when cohorts are equally long
    while True:  # older cohorts have more cells, so the first step can keep a few too many
        kept = newest_first.filter(pl.col("_age") % step == 0)["cohort_label"].implode()
        shown = data.filter(pl.col("cohort_label").is_in(kept))
        if shown.height <= max_cells:
            break
        step += 1
    note = (
        f"Every {_ordinal(step)} cohort shown, counted back from the newest "
        f"({kept.list.len()[0]:,} of {cohorts or labels.height:,})."
    )
    return shown, note


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def cohort_heatmap(
    matrix: pl.DataFrame, metric: str = "retention", title: str | None = None
) -> alt.LayerChart:
    """Cohort triangle as a heatmap; cells that cannot be observed yet are grey and unlabelled.

    Period 0 (the acquisition period) is left out of the colour scale for retention, where
    it is 100% by definition and would wash out the rest. With more than
    `MAX_COHORT_CELLS` cells (e.g. two years of weekly cohorts) every k-th cohort is shown,
    counted back from the newest, and the subtitle says so.
    """
    data = _cohort_label(matrix)
    if metric == "retention":
        data = data.filter(pl.col("period") > 0)
    labels = data.select(pl.col("cohort_label").unique(maintain_order=True))
    periods = data.select(pl.col("period").unique().sort())["period"].to_list()
    observed, thinned = _every_kth_cohort(
        data.drop_nulls("value"), MAX_COHORT_CELLS, cohorts=labels.height
    )
    labels = labels.filter(
        pl.col("cohort_label").is_in(observed["cohort_label"].implode()) | (thinned == "")
    )["cohort_label"].to_list()
    fmt = ".0%" if metric == "retention" else ",.0f"
    # Explicit domains keep the rows and columns that have no observed cell yet (the newest
    # cohort, the latest periods): the grey background shows through there.
    y = alt.Y("cohort_label:O", title="Cohort (first order)", scale=alt.Scale(domain=labels))
    x = alt.X(
        "period:O",
        title="Periods since the first order",
        scale=alt.Scale(domain=periods),
        axis=alt.Axis(labelAngle=0),  # "23" fits a 20 px column upright
    )
    cells = (
        alt.Chart(observed)
        .mark_rect()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "value:Q",
                title=METRIC_TITLES.get(metric, metric),
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format=fmt),
            ),
            # short titles: each of hundreds of cells carries its hover text (the axes and
            # the legend say the long names once): "Cohort: 2024-01-01; period: 2; ..."
            tooltip=[
                alt.Tooltip("cohort_label:O", title="Cohort"),
                alt.Tooltip("period:O", title="period"),
                alt.Tooltip(
                    "value:Q",
                    title="buying" if metric == "retention" else METRIC_TITLES.get(metric, metric),
                    format=fmt,
                ),
                alt.Tooltip("cohort_size:Q", title="customers", format=",d"),
            ],
        )
    )
    # One grey rectangle behind the whole triangle instead of one per unobservable cell:
    # half the rows of the chart, the same picture.
    hidden = (
        alt.Chart(pl.DataFrame({"grey": [0]}))
        .mark_rect(color=MUTED, opacity=0.15)
        .encode(x=alt.value(0), x2=alt.value("width"), y=alt.value(0), y2=alt.value("height"))
    )
    return (hidden + cells).properties(
        title=alt.TitleParams(
            title or METRIC_TITLES.get(metric, metric),
            subtitle=[_masked_note(matrix), thinned] if thinned else _masked_note(matrix),
        ),
        height=alt.Step(14),
    )


def _masked_note(matrix: pl.DataFrame) -> str:
    """What the grey cells mean, naming a partly observed last period when there is one."""
    note = "Grey: not observable yet (the period has not started)"
    if "partial" in matrix.columns and matrix["partial"].any():
        note += " or only partly observed (the data end inside it, so it is not shown as a drop)"
    return note + "."


# What a cohort's last value is, in a line's hover text ("23% buying after 12 periods").
_CURVE_WORDS = {
    "retention": ("buying", "kaufen"),
    "customers": ("customers buying", "kaufende Kunden"),
    "orders": ("orders", "Bestellungen"),
    "revenue": ("revenue", "Umsatz"),
    # the axis says "per customer": "€97 after 7 periods" (one text per line adds up)
    "revenue_per_customer": ("", ""),
    "cumulative_revenue_per_customer": ("", ""),
    "margin": ("margin", "Marge"),
}


# language -> the words of a cohort line's sentence around its label, value and period
_COHORT_SENTENCE = {
    "en": ("Cohort", "after", "period", "periods", "in period"),
    "de": ("Kohorte", "nach", "Periode", "Perioden", "in Periode"),
}


def _amount(
    value: float, metric: str, currency: str | Currency | None, language: formatting.Language
) -> str:
    """A cohort value as the axis reads it: a share, money in the currency, or a number."""
    if metric == "retention":
        return formatting.percent(value, 0, language)
    if metric in MONEY_METRICS and currency:
        sign = formatting.currency_for(currency) if isinstance(currency, str) else currency
        return formatting.money(value, 0, sign, language)
    return formatting.number(value, 0, language)


def _cohort_texts(data: pl.DataFrame, metric: str, currency: str | Currency | None) -> pl.DataFrame:
    """One hover text per cohort line: its value at its last period, English and German.

    A cumulative metric has reached its value "after 7 periods", any other was measured "in
    period 23". One row per cohort (a few dozen): the loop is over lines, not data rows.
    """
    last = data.sort("period").group_by("cohort_label", maintain_order=True).last()
    words = _CURVE_WORDS.get(metric, ("", ""))
    rows = last.select("cohort_label", "period", "value").rows()
    texts = {}
    for language, (cohort, after, one, many, in_period) in _COHORT_SENTENCE.items():
        word = words[language == "de"]
        texts[f"hover_{language}"] = [
            f"{cohort} {label}, "
            + f"{_amount(value, metric, currency, language)} {word}".strip()
            + (
                f" {after} {period} {plural(period, one, many)}"
                if metric.startswith("cumulative")
                else f" {in_period} {period}"
            )
            for label, period, value in rows
        ]
    return last.select("cohort_label").with_columns(
        pl.Series(name, values, dtype=pl.String) for name, values in texts.items()
    )


def cohort_curves(
    matrix: pl.DataFrame,
    metric: str = "retention",
    title: str | None = None,
    currency: str | Currency | None = None,
) -> alt.Chart:
    """One line per cohort over the periods since acquisition (later cohorts are shorter).

    `currency` (a symbol, code or :class:`~mkt_engineering.text.Currency`) is named in the
    axis title of money metrics. With more than `MAX_COHORT_CELLS` points every k-th cohort
    is drawn, counted back from the newest, and the subtitle says so. Each line's hover text
    names its cohort and its last value ("Cohort 2024-01-01, 23% buying after 12 periods").
    """
    data, thinned = _every_kth_cohort(_cohort_label(matrix).drop_nulls("value"), MAX_COHORT_CELLS)
    heading = title or f"{METRIC_TITLES.get(metric, metric)} by cohort"
    axis_title = METRIC_TITLES.get(metric, metric) + (
        _unit(currency) if metric in MONEY_METRICS else ""
    )
    fmt = ".0%" if metric == "retention" else ",.0f"
    color = alt.Color(
        "cohort_label:O", title="Cohort", scale=alt.Scale(scheme="viridis"), legend=None
    )
    if "acquisition_channel" in data.columns:
        color = alt.Color("acquisition_channel:N", title="Channel", scale=alt.Scale(range=PALETTE))
    lines = (
        alt.Chart(data)
        .mark_line(opacity=0.6, point=False)
        .encode(
            # periods are whole: no ticks at 0.5, 1.5, ...
            x=alt.X(
                "period:Q",
                title="Periods since the first order",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            y=alt.Y("value:Q", title=axis_title, axis=alt.Axis(format=fmt)),
            color=color,
            detail=alt.Detail("cohort_label:N", title="Cohort"),
            # titled as the axes: the period and the value once in each hover text
            tooltip=[
                alt.Tooltip("cohort_label:N", title="Cohort"),
                alt.Tooltip("period:Q", title="Periods since the first order"),
                alt.Tooltip("value:Q", title=axis_title, format=fmt),
            ],
        )
        .properties(title=alt.TitleParams(heading, subtitle=thinned) if thinned else heading)
    )
    # a line is one path: the hover text of its own names the cohort and where it ends
    return describe_series(lines, _cohort_texts(data, metric, currency), "cohort_label")


#: Recency columns of the frequency-recency heatmap.
RECENCY_COLUMNS = 13


def frequency_recency_heatmap(
    model,
    rfm: pl.DataFrame,
    quantity: str = "p_alive",
    t: float = 52.0,
    max_frequency: int | None = None,
) -> alt.Chart:
    """Expected purchases in the next ``t`` units, or P(alive), for each frequency and recency.

    Customers are assumed to be as old as the oldest customer (T = max T), so the chart
    reads: "a customer who bought x times, last at age t_x, ...".
    """
    T = float(rfm["T"].max())
    top = max_frequency or int(min(rfm["frequency"].quantile(0.99) or 1, 60)) or 1
    frequencies = np.arange(0, top + 1, dtype=float)
    # 13 recencies, binned as 13 columns: the surface is smooth, and a cell per 1/12 of the
    # age range keeps the chart (with a hover text per cell) at about 130 cells, not 260
    recencies = np.linspace(0, T, RECENCY_COLUMNS)
    x, tx = np.meshgrid(frequencies, recencies, indexing="ij")
    tx = np.where(x == 0, 0.0, tx)  # no repeat purchase means recency 0
    x, tx = x.ravel(), tx.ravel()
    if quantity == "p_alive":
        values = model.alive_probability(x, tx, np.full_like(x, T))
        title, fmt = "P(alive)", ".0%"
    else:
        values, title, fmt = (
            model.conditional_purchases(t, x, tx, np.full_like(x, T)),
            f"Expected purchases in {t:g} units",
            ".1f",
        )
    data = pl.DataFrame({"frequency": x, "recency": tx, "value": values})
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(
                "recency:Q",
                bin=alt.Bin(maxbins=RECENCY_COLUMNS),
                title="Recency (age at the last purchase)",
            ),
            y=alt.Y("frequency:O", sort="descending", title="Repeat purchases"),
            color=alt.Color(
                "mean(value):Q",
                title=title,
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format=fmt),
            ),
            # short titles for hundreds of cells (the axes say the long names once); the
            # recency binned as its axis, so one cell is one mark
            tooltip=[
                alt.Tooltip("frequency:O", title="repeat purchases"),
                alt.Tooltip("recency:Q", bin=alt.Bin(maxbins=RECENCY_COLUMNS), title="recency"),
                alt.Tooltip("mean(value):Q", title=title, format=fmt),
            ],
        )
        .properties(
            title=alt.TitleParams(
                title, subtitle=f"For a customer first seen {T:.0f} units before the end"
            )
        )
    )


# Periods the tracking chart draws per line at most: ten years by day would be 3,650.
MAX_TRACKING_PERIODS = 1500


def _thin_periods(tracked: pl.DataFrame, max_periods: int) -> pl.DataFrame:
    """Every k-th period, plus the first, the last and the calibration end, when too many.

    The lines are cumulative counts, so points a few days apart lie on a smooth curve;
    the last period of each phase is kept so the lines end where the data end and the
    dotted line sits where it did.
    """
    if tracked.height <= max_periods:
        return tracked
    step = -(-tracked.height // max_periods)
    row = pl.int_range(pl.len())
    phase_end = pl.col("phase") != pl.col("phase").shift(-1)
    return tracked.filter((row % step == 0) | phase_end.fill_null(True))


def _tracking_texts(long: pl.DataFrame) -> pl.DataFrame:
    """Each line's hover text: where it ends ("actual, 6,850 repeat purchases by 31 Dec
    2025"), English and German; two rows, one per line."""
    last = long.sort("date").group_by("series", maintain_order=True).last()
    rows = last.select("series", "purchases", "date").rows()
    return pl.DataFrame(
        {
            "series": [name for name, _, _ in rows],
            "hover_en": [
                f"{name}, {formatting.count(value)} repeat purchases by {formatting.date(day)}"
                for name, value, day in rows
            ],
            "hover_de": [
                f"{data_value('series', name)}, {formatting.count(value, 'de')} "
                f"Wiederholungskäufe bis {formatting.date(day, 'de')}"
                for name, value, day in rows
            ],
        },
        schema={"series": pl.String, "hover_en": pl.String, "hover_de": pl.String},
    )


def tracking_chart(tracked: pl.DataFrame) -> alt.LayerChart:
    """Cumulative repeat purchases, actual against predicted, with the calibration end marked.

    More than `MAX_TRACKING_PERIODS` periods (years by day) are thinned to every k-th, with
    the first, the last and the calibration end kept.
    """
    long = (
        _thin_periods(tracked.sort("period"), MAX_TRACKING_PERIODS)
        .unpivot(
            index=["period", "date", "phase"],
            on=["actual_cumulative", "predicted_cumulative"],
            variable_name="series",
            value_name="purchases",
        )
        .with_columns(
            pl.col("series").replace(
                {"actual_cumulative": "actual", "predicted_cumulative": "model"}
            )
        )
    )
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("purchases:Q", title="Cumulative repeat purchases", axis=count_axis()),
            # one legend of colour and dash together ("legend=None" on the dash dropped the
            # merged legend, so nothing said which line was the model)
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["actual", "model"], range=[ACCENT, PALETTE[1]]),
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["actual", "model"], range=[[1, 0], [6, 3]]),
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Date"),
                alt.Tooltip("series:N", title="line"),
                alt.Tooltip("purchases:Q", title="Cumulative repeat purchases", format=",.0f"),
            ],
        )
    )
    lines = describe_series(lines, _tracking_texts(long), "series")
    cut = tracked.filter(pl.col("phase") == "calibration").select(pl.col("date").max())
    rule = alt.Chart(cut).mark_rule(color=MUTED, strokeDash=[2, 2]).encode(x="date:T")
    return (lines + rule).properties(
        title=alt.TitleParams(
            "Model against reality",
            subtitle=(
                "Left of the dotted line: data the model saw; right: the holdout it predicted."
            ),
        )
    )


# Room per frequency bucket of the holdout chart (its title needs about 300 px).
HOLDOUT_STEP = 44


def _holdout_texts(long: pl.DataFrame) -> pl.DataFrame:
    """Each line's hover text: the range of its means ("actual, 0.20 to 3.64 mean holdout
    purchases"), English and German; two rows, one per line."""
    ranges = long.group_by("series", maintain_order=True).agg(
        pl.col("purchases").min().alias("low"), pl.col("purchases").max().alias("high")
    )
    rows = ranges.select("series", "low", "high").rows()
    return series_texts(
        ranges.select("series"),
        [
            f"{name}, {formatting.number(low, 2)} to {formatting.number(high, 2)} mean holdout "
            "purchases"
            for name, low, high in rows
        ],
        [
            f"{data_value('series', name)}, {formatting.number(low, 2, 'de')} bis "
            f"{formatting.number(high, 2, 'de')} mittlere Holdout-Käufe"
            for name, low, high in rows
        ],
    )


def holdout_chart(by_frequency: pl.DataFrame) -> alt.LayerChart:
    """Mean holdout purchases per calibration frequency: actual against predicted.

    Each point's hover text is its bucket's mean; each line's names the range of its means.
    """
    long = by_frequency.unpivot(
        index=["bucket", "customers"],
        on=["actual", "predicted"],
        variable_name="series",
        value_name="purchases",
    )
    order = by_frequency["bucket"].to_list()
    base = alt.Chart(long).encode(
        # upright labels ("7+") under columns wide enough for them: the 20 px default
        # turned them on their side and squeezed the chart to 160 px
        x=alt.X(
            "bucket:O",
            sort=order,
            title="Repeat purchases in the calibration period",
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y(
            "purchases:Q",
            title="Mean purchases in the holdout period",
            axis=alt.Axis(format=".2f"),
        ),
        # titled as in the hover text, the legend without one: vega-lite named the line
        # twice ("series: actual; line: actual") and the mean twice, once unrounded
        color=alt.Color(
            "series:N",
            title="line",
            scale=alt.Scale(range=[ACCENT, PALETTE[1]]),
            legend=alt.Legend(title=None),
        ),
    )
    # the line and its points apart: a line with point=True gives the points its text too
    line = describe_series(base.mark_line(), _holdout_texts(long), "series")
    points = base.mark_point(filled=True, opacity=1).encode(
        tooltip=[
            alt.Tooltip("bucket:O", title="Repeat purchases in the calibration period"),
            alt.Tooltip("series:N", title="line"),
            alt.Tooltip("purchases:Q", title="Mean purchases in the holdout period", format=".2f"),
            alt.Tooltip("customers:Q", title="Customers", format=",d"),
        ],
    )
    return (line + points).properties(
        title="Holdout purchases by past frequency", width=alt.Step(HOLDOUT_STEP)
    )


def nice_step(span: float, bins: int) -> float:
    """The round bin width (1, 2, 2.5 or 5 times a power of ten) giving at most `bins` bins.

    Parameters
    ----------
    span : float
        Width of the range to cover (> 0).
    bins : int
        Most bins wanted.

    Returns
    -------
    float
        The smallest round width w with ``span / w <= bins``.

    Examples
    --------
    >>> nice_step(1234.0, 40), nice_step(0.37, 40), nice_step(100.0, 40)
    (50.0, 0.01, 2.5)
    """
    raw = span / bins
    power = 10.0 ** math.floor(math.log10(raw))
    # the tiny tolerance keeps 100 / 40 = 2.5 at 2.5 although the division may round above;
    # 12 significant digits drop the float noise of 0.001 * 10 = 0.010000000000000002
    width = next(power * m for m in (1.0, 2.0, 2.5, 5.0, 10.0) if power * m >= raw * (1 - 1e-12))
    return float(f"{width:.12g}")


def _value_bins(values: pl.Series, bins: int) -> pl.DataFrame:
    """Counts per round-edged bin from 0 (or the lowest value) to the 99th percentile.

    Values above the 99th percentile count in the last bin, so one whale does not squeeze
    every other customer into the first bar. Bins without customers are kept (zero bars).
    """
    values = values.drop_nulls().cast(pl.Float64)
    low = min(0.0, float(values.min() or 0.0))
    cap = float(values.quantile(0.99, interpolation="linear") or 0.0) if values.len() else 0.0
    cap = cap if cap > low else low + 1.0
    width = nice_step(cap - low, bins + bins // 4)  # round edges cost up to a quarter more bars
    start = np.floor(low / width) * width
    count = int(np.ceil(round((cap - start) / width, 9)))  # round: 100 / 2.5 is 40, not 40.000001
    index = ((values.clip(None, cap) - start) / width).floor().clip(0, count - 1).cast(pl.Int64)
    counts = index.alias("bin").value_counts(name="customers")
    return (
        pl.DataFrame({"bin": np.arange(count, dtype=np.int64)})
        .join(counts, on="bin", how="left")
        .select(
            (start + pl.col("bin") * width).alias("start"),
            (start + (pl.col("bin") + 1) * width).alias("end"),
            pl.col("customers").fill_null(0).cast(pl.Int64),
        )
    )


BREAK_EVEN = "dashed line, value equals cost"
CLV_NOTE = "Red line: the average customer. The top 1% are counted in the last bar."


def clv_distribution(
    clv: pl.DataFrame,
    column: str = "clv",
    bins: int = 40,
    currency: str | Currency | None = None,
) -> alt.LayerChart:
    """Histogram of customer values, binned in polars: about `bins` bars with round edges.

    The chart carries one row per bar whatever the number of customers; values above the
    99th percentile are counted in the last bar.
    """
    values = clv.get_column(column).cast(pl.Float64).drop_nulls()
    finite = values.filter(values.is_finite())
    data = _value_bins(finite, bins)
    mean = finite.mean()
    left_out = values.len() - finite.len()
    # one line per note, each a whole sentence a German report translates on its own
    subtitle = [CLV_NOTE]
    if left_out:  # NaN or infinite values are named, never binned or averaged in
        subtitle.append(f"{left_out:,} values that are not finite numbers are left out.")
    bars = (
        alt.Chart(data)
        .mark_bar(color=ACCENT)
        .encode(
            # "binned": bars stand on zero between their edges (without it vega-lite drew
            # each bin as a thin horizontal dash at its count)
            x=alt.X(
                "start:Q",
                bin="binned",
                title=f"Customer lifetime value{_unit(currency)}",
            ),
            x2="end:Q",
            y=alt.Y("customers:Q", title="Customers", axis=count_axis(data["customers"].max())),
            # the hover text is the tooltip: the bar's range, then its count
            tooltip=[
                alt.Tooltip("start:Q", title="from", format=",.2~f"),
                alt.Tooltip("end:Q", title="to", format=",.2~f"),
                alt.Tooltip("customers:Q", title="Customers", format=",d"),
            ],
        )
    )
    mean = (
        alt.Chart(pl.DataFrame({"mean": [float(mean) if mean is not None else 0.0]}))
        .mark_rule(color=PALETTE[5])
        # it read "mean: 5.09"
        .encode(
            x="mean:Q", tooltip=[alt.Tooltip("mean:Q", title="average customer", format=",.2f")]
        )
    )
    return (bars + mean).properties(
        title=alt.TitleParams("How value is spread over customers", subtitle=subtitle)
    )


#: Most channels the LTV:CAC chart draws: the largest by customers (all stay in the table).
MAX_LTV_CAC_CHANNELS = 25


def ltv_cac_chart(channels: pl.DataFrame, currency: str | Currency | None = None) -> alt.LayerChart:
    """LTV:CAC per acquisition channel; the line at 1 is where a customer pays back her cost.

    An export with hundreds of channels (campaign names as channels) would draw a bar for
    each; the chart keeps the `MAX_LTV_CAC_CHANNELS` with the most customers and its subtitle
    says how many there are (a ratio cannot be merged into an "other" bar).
    """
    subtitle = "Right of the dashed line: value above cost."
    if channels.height > MAX_LTV_CAC_CHANNELS and "customers" in channels.columns:
        subtitle += (
            f" The {MAX_LTV_CAC_CHANNELS} channels with the most customers of {channels.height};"
            " all are in the table."
        )
        channels = channels.sort("customers", "acquisition_channel", descending=[True, False])
        channels = channels.head(MAX_LTV_CAC_CHANNELS)
    bars = (
        alt.Chart(channels)
        .mark_bar()
        .encode(
            y=alt.Y("acquisition_channel:N", sort="-x", title="Acquisition channel"),
            x=alt.X("ltv_cac:Q", title="Lifetime value per unit of acquisition cost (LTV:CAC)"),
            color=alt.condition(alt.datum.ltv_cac >= 1, alt.value(ACCENT), alt.value(PALETTE[5])),
            tooltip=[
                alt.Tooltip("acquisition_channel:N", title="Acquisition channel"),
                alt.Tooltip("clv:Q", format=",.2f", title=f"clv{_unit(currency)}"),
                alt.Tooltip("cac:Q", format=",.2f", title=f"cac{_unit(currency)}"),
                alt.Tooltip(
                    "ltv_cac:Q",
                    title="Lifetime value per unit of acquisition cost (LTV:CAC)",
                    format=".2f",
                ),
                alt.Tooltip("payback_month:Q", title="payback (month)"),
            ],
        )
    )
    one = (
        alt.Chart(pl.DataFrame({"x": [1.0]}))
        .mark_rule(color=MUTED, strokeDash=[4, 2], description=BREAK_EVEN)
        .encode(x="x:Q")
    )
    return (bars + one).properties(
        title=alt.TitleParams(
            "Which channels bring customers worth their cost?", subtitle=subtitle
        ),
        # four channels were 80 px beside a 150 px axis title
        height=band_height(channels.height, "Acquisition channel"),
    )


# The forecast's two parts as its legend names them (the frame's kind: existing, planned).
FORECAST_PARTS = {"existing": "existing customers", "planned": "planned cohorts"}
_FORECAST_PARTS_DE = {"existing": "bestehende Kunden", "planned": "geplante Kohorten"}


def _forecast_texts(totals: pl.DataFrame, currency: str | Currency | None) -> pl.DataFrame:
    """Each area's hover text: its expected revenue over the months shown, English and German
    (at most two rows, one per part)."""
    sums = totals.group_by("kind", maintain_order=True).agg(
        pl.col("expected_revenue").sum(), pl.len().alias("months")
    )
    sign = formatting.currency_for(currency) if isinstance(currency, str) else currency
    texts: dict[str, list[str]] = {"kind": [], "hover_en": [], "hover_de": []}
    for kind, revenue, months in sums.select("kind", "expected_revenue", "months").rows():
        amount = {
            language: formatting.money(revenue, 0, sign, language)
            if sign
            else formatting.number(revenue, 0, language)
            for language in ("en", "de")
        }
        texts["kind"].append(FORECAST_PARTS[kind])
        texts["hover_en"].append(
            f"{FORECAST_PARTS[kind]}, {amount['en']} expected in {months} "
            + plural(months, "month", "months")
        )
        texts["hover_de"].append(
            f"{_FORECAST_PARTS_DE[kind]}, {amount['de']} erwartet in {months} "
            + plural(months, "Monat", "Monaten")
        )
    return pl.DataFrame(texts, schema={name: pl.String for name in texts})


def forecast_chart(forecast: pl.DataFrame, currency: str | Currency | None = None) -> alt.Chart:
    """Expected revenue per future month: customers already won and planned new cohorts.

    The legend and the title name only the parts the forecast holds: without an acquisition
    plan there are no planned cohorts to show. Each area's hover text says its total.
    """
    totals = (
        forecast.group_by("month", "kind")
        .agg(pl.col("expected_revenue").sum())
        .with_columns((pl.col("kind") == "planned").cast(pl.Int8).alias("layer"))
        .sort("layer", "month")
    )  # existing customers at the bottom
    kinds = [kind for kind in FORECAST_PARTS if (totals["kind"] == kind).any()]
    texts = _forecast_texts(totals, currency)
    totals = totals.with_columns(pl.col("kind").replace_strict(FORECAST_PARTS))
    parts = [FORECAST_PARTS[kind] for kind in kinds]
    colours = [{"existing": ACCENT, "planned": PALETTE[2]}[kind] for kind in kinds]
    unit = _unit(currency)
    area = (
        alt.Chart(totals)
        .mark_area()
        .encode(
            order=alt.Order("layer:Q", sort="ascending"),
            x=alt.X("month:T", title="Month"),
            y=alt.Y("expected_revenue:Q", title=f"Expected revenue{unit}", stack=True),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=parts, range=colours)),
            tooltip=[
                alt.Tooltip("month:T", title="Month"),
                alt.Tooltip("kind:N", title="customers"),
                alt.Tooltip("expected_revenue:Q", format=",.0f", title=f"Expected revenue{unit}"),
            ],
        )
        .properties(title="Revenue forecast: " + " and ".join(parts))
    )
    return describe_series(area, texts, "kind")


def retention_projection_chart(
    model, observed: list[float] | np.ndarray, periods: int = 12
) -> alt.LayerChart:
    """sBG: survivors observed (dots) and projected (line) per period."""
    projection = model.projection(periods)
    counts = np.asarray(observed, dtype=float)
    dots = pl.DataFrame({"period": np.arange(counts.size), "survival": counts / counts[0]})
    line = (
        alt.Chart(projection)
        .mark_line(color=ACCENT)
        .encode(
            x=alt.X("period:Q", title="Period", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("survival:Q", title="Share still a customer", axis=alt.Axis(format=".0%")),
        )
    )
    end = projection.sort("period").tail(1)
    share, period = float(end["survival"][0]), int(end["period"][0])
    line = describe_series(
        line,
        pl.DataFrame(
            {
                "hover_en": f"Model, {formatting.percent(share, 0)} still a customer after "
                f"{period} {plural(period, 'period', 'periods')}",
                "hover_de": f"Modell, {formatting.percent(share, 0, 'de')} noch Kunde nach "
                f"{period} {plural(period, 'Periode', 'Perioden')}",
            }
        ),
    )
    points = (
        alt.Chart(dots)
        .mark_point(color=PALETTE[1], filled=True, size=60)
        .encode(
            x=alt.X("period:Q", title="Period"),
            y=alt.Y("survival:Q", title="Share still a customer", axis=alt.Axis(format=".0%")),
            # titled as the axes: it read "period: 1; survival: 0.8"
            tooltip=[
                alt.Tooltip("period:Q", title="Period"),
                alt.Tooltip("survival:Q", title="Share still a customer", format=".0%"),
            ],
        )
    )
    return (line + points).properties(
        title=alt.TitleParams(
            "Retention: observed and projected",
            subtitle="Dots: observed. Line: shifted-beta-geometric model.",
        )
    )
