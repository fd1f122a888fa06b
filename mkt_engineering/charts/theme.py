"""One altair theme for every chart of the kit.

Colour-blind-safe palette (Okabe-Ito), readable fonts, and number formats in English or
German. Call `use_theme()` once; notebooks get it from `mkt_engineering.reporting.setup_notebook`.
"""

from __future__ import annotations

import math
from typing import Literal

# Okabe & Ito (2008): distinguishable for the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # green
    "#CC79A7",  # purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
    # Okabe-Ito has eight colours; journeys have up to ten channels, so four more from
    # Paul Tol's colour-blind-safe "muted" scheme keep every channel distinct.
    "#882255",  # wine
    "#44AA99",  # teal
    "#999933",  # olive
    "#332288",  # indigo
]
ACCENT = PALETTE[0]
MUTED = "#9E9E9E"
FONT = "Helvetica, Arial, sans-serif"

# d3 time locales, so axis dates read "Mär 2024" / "01.03.2024" in German reports.
TIME_LOCALES = {
    "en": {
        "dateTime": "%x, %X",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "shortMonths": [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ],
    },
    "de": {
        "dateTime": "%A, der %e. %B %Y, %X",
        "date": "%d.%m.%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
        "months": [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        "shortMonths": [
            "Jan",
            "Feb",
            "Mär",
            "Apr",
            "Mai",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Okt",
            "Nov",
            "Dez",
        ],
    },
}

LOCALES = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
    # "14 %" as German text writes it (mkt_engineering.formatting.percent)
    "de": {
        "decimal": ",",
        "thousands": ".",
        "grouping": [3],
        "currency": ["", " €"],
        "percent": " %",
    },
}


# Date ticks of a German axis: "12. Jan", "Mär", "2026" (vega's default, "%b %d", wrote
# "Jan 12" in German reports too). The finest unit a tick date needs picks its format.
GERMAN_DATE_TICKS = {
    "year": "%Y",
    "quarter": "%b",
    "month": "%b",
    "week": "%-d. %b",
    "date": "%-d. %b",
    "hours": "%H:%M",
    "minutes": "%H:%M",
    "seconds": "%H:%M:%S",
    "milliseconds": "%H:%M:%S.%L",
}


def theme_config(language: Literal["en", "de"] = "en") -> dict:
    """The vega-lite config of the kit's theme.

    Examples
    --------
    >>> theme_config("de")["config"]["locale"]["number"]["decimal"]
    ','
    >>> theme_config("de")["config"]["timeFormat"]  # dates in hover texts: 01.03.2024
    '%d.%m.%Y'
    >>> theme_config("en")["config"]["range"]["category"][0] == ACCENT
    True
    """
    if language not in LOCALES:
        raise ValueError(f"language must be one of {sorted(LOCALES)}, got {language!r}")
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 480, "continuousHeight": 280},
            "range": {"category": PALETTE},
            "mark": {"color": ACCENT},
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "gridColor": "#EEEEEE",
                "domainColor": "#888888",
                # long category names are cut with "…" instead of running into the chart
                "labelLimit": 180,
            },
            # Numbers and dates: every other label is dropped while any two would touch
            # (6 px apart), so "30 3540" cannot happen and the rest stay evenly spaced.
            # Category axes keep every label: their room comes from the step size instead.
            "axisQuantitative": {"labelOverlap": "parity", "labelSeparation": 6},
            "axisTemporal": {"labelOverlap": "parity", "labelSeparation": 6}
            | ({"format": GERMAN_DATE_TICKS} if language == "de" else {}),
            # A legend shows the line's colour at full strength, not a pale band's colour:
            # layered band + line charts share one legend, drawn from the first layer.
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "symbolOpacity": 1},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555555"},
            "background": "white",
            # A hover text shows a number without a format of its own (an axis without
            # one) to six significant digits, not vega's seventeen: "8,854.29", "0.204812"
            "tooltipFormat": {"numberFormat": ",.6~r"},
            "locale": {"number": LOCALES[language], "time": TIME_LOCALES[language]},
            # dates outside axes (hover texts, labels): "01.03.2024" in German, not "Mar 01"
            **({"timeFormat": TIME_LOCALES["de"]["date"]} if language == "de" else {}),
        }
    }


def use_theme(language: Literal["en", "de"] = "en") -> None:
    """Register and enable the kit's theme for all following charts."""
    import altair as alt  # here, so importing the palette stays cheap

    name = f"mkt_{language}"
    alt.theme.register(name, enable=True)(lambda: theme_config(language))


TOP_N = 11
"""Categories a chart shows one by one; with the merged rest that is one colour each of
the 12 in `PALETTE`, and it keeps every chart far below altair's 5,000-row limit."""


def top_and_other(
    frame,
    category: str,
    *,
    by: str,
    sums: tuple[str, ...] | list[str],
    group_by: tuple[str, ...] | list[str] = (),
    n: int = TOP_N,
):
    """Keep the ``n`` categories with the largest total ``by``; merge the rest into one row.

    One mark per channel breaks with thousands of channels (altair refuses more than
    5,000 rows, and nobody can read 10,000 bars). Every chart with one mark per channel
    passes its data through here first.

    Parameters
    ----------
    frame : polars DataFrame
        Chart data, one row per category (and per ``group_by`` value).
    category : str
        The column to limit (e.g. ``channel``).
    by : str
        Ranks the categories by the sum of its absolute values over all rows.
    sums : list of str
        Columns added up for the merged row; other columns are null there.
    group_by : list of str
        Columns the merged row is made per (e.g. ``model``, ``step``).
    n : int
        Categories kept one by one; the frame is returned unchanged when at most
        ``n + 1`` exist (merging a single category would hide it for nothing).

    Returns
    -------
    DataFrame
        The kept rows in their order, then the merged rows labelled ``other (k channels)``
        where k is the number merged.

    Examples
    --------
    >>> import polars as pl
    >>> f = pl.DataFrame({"channel": list("abcde"), "conversions": [5.0, 4, 3, 2, 1]})
    >>> top_and_other(f, "channel", by="conversions", sums=["conversions"], n=2).rows()
    [('a', 5.0), ('b', 4.0), ('other (3 channels)', 6.0)]
    """
    import polars as pl

    ranking = (
        frame.group_by(category)
        .agg(pl.col(by).abs().sum().alias("_rank"))
        .sort(["_rank", category], descending=[True, False], nulls_last=True)
    )
    if ranking.height <= n + 1:
        return frame
    kept = ranking.head(n)[category].implode()
    label = f"other ({ranking.height - n:,} channels)"
    rest = (
        frame.filter(~pl.col(category).is_in(kept))
        .group_by(list(group_by), maintain_order=True)
        .agg(pl.col(list(sums)).sum())
        .with_columns(pl.lit(label).alias(category))
    )
    if not group_by:
        rest = rest.select(category, *sums)
    return pl.concat([frame.filter(pl.col(category).is_in(kept)), rest], how="diagonal_relaxed")


# Smallest side of a heatmap cell in pixels: a "30%" label in 11 px type fits inside it,
# and a row label of 12 px type has room beside it (vega's default step is 20 px and a
# chart squeezed to its width drew 18 px cells with clipped labels).
MIN_CELL_WIDTH = 44
MIN_CELL_HEIGHT = 24


# Label of a count axis: whole numbers only. Vega-Lite 5 drops ``tickMinStep`` on its way to
# Vega, so a count axis of 0 to 5 still gets ticks at 0.5, 1.5, ...; their labels are blank.
COUNT_LABELS = "datum.value % 1 ? '' : format(datum.value, ',d')"
# Counts up to this get one tick per whole number (a few rows per period, top paths).
SMALL_COUNT = 12


def count_axis(top: float | None = None, **options):
    """An altair axis for counts: whole-number ticks only, with thousands separators.

    A count axis of 0 to 5 otherwise gets ticks at 0.5, 1.5, ... (shown as "0.5", or,
    formatted as whole numbers, as "4, 4, 3, 3").

    Parameters
    ----------
    top : float, optional
        The largest count drawn; up to `SMALL_COUNT` the ticks are exactly 0, 1, 2, ...
        Without it, labels of ticks between whole numbers are left blank.
    **options
        Further `altair.Axis` options (e.g. ``title``).

    Returns
    -------
    altair.Axis

    Examples
    --------
    >>> count_axis(3.5).to_dict()["values"]
    [0, 1, 2, 3, 4]
    >>> count_axis().to_dict()["format"], count_axis().to_dict()["tickMinStep"]
    (',d', 1)
    """
    import altair as alt

    if top is not None and math.isfinite(top) and 0 <= top <= SMALL_COUNT:
        options.setdefault("values", list(range(math.ceil(top) + 1)))
    from mkt_engineering.formatting import vega_format

    return alt.Axis(**vega_format("count"), labelExpr=COUNT_LABELS, **options)
