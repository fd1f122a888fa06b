"""Hover texts of whole series: one sentence per line or band, in English and German.

A line or an area is drawn as one SVG path per series. Vega labels that path with its first
datum only ("period: 0; value: 0.1"), which would read as the series' value, so the report
renderer (`mkt_engineering.reporting.notebook.accessible_svg`) drops such a label. A chart
names its series itself with `describe_series`: a small table, one row per series, holds a
sentence in English (``hover_en``) and in German (``hover_de``), and a lookup puts it on
the series' path as its description. The renderer keeps a description that is no
"field: value" list, so the sentences avoid ": ". A German report draws the ``_de`` twin
(`mkt_engineering.charts.german.translate_spec`).

The table costs a few hundred bytes of spec; the page holds one ``<title>`` per series, not
one per datum (no point marks are added to dense charts).

Examples
--------
>>> import altair as alt
>>> import polars as pl
>>> curve = pl.DataFrame({"group": ["a", "a", "b", "b"], "day": [0, 9, 0, 9],
...                       "share": [1.0, 0.4, 1.0, 0.7]})
>>> texts = pl.DataFrame({"group": ["a", "b"], "hover_en": ["a, 40% after 9 days",
...                       "b, 70% after 9 days"], "hover_de": ["a, 40 % nach 9 Tagen",
...                       "b, 70 % nach 9 Tagen"]})
>>> line = alt.Chart(curve).mark_line().encode(x="day:Q", y="share:Q", color="group:N")
>>> describe_series(line, texts, "group").to_dict()["encoding"]["description"]
{'field': 'hover_en', 'type': 'nominal'}
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

ENGLISH, GERMAN = "_en", "_de"
"""Suffixes of a description field and its German twin (``hover_en`` / ``hover_de``)."""

_ONE_SERIES = "_series"


def describe_series(
    chart: Any, texts: pl.DataFrame, key: str | None = None, field: str = "hover"
) -> Any:
    """`chart` with each series' path described by its row of `texts`.

    Parameters
    ----------
    chart : altair.Chart
        A line or area chart (one mark, not a layer); its data hold the column `key`.
    texts : polars DataFrame
        One row per series: `key`, ``{field}_en`` and ``{field}_de`` (no ": " in them, or
        the renderer takes them for a datum list and drops them).
    key : str, optional
        The column naming the series (``group``, ``cohort_label``); None for a chart of one
        series, whose `texts` then has one row.
    field : str
        The texts' column stem: two layers of one chart (a line and its band) keep theirs
        apart with different stems.

    Returns
    -------
    altair.Chart
        The chart with a lookup of both texts and the English one as its description.

    Examples
    --------
    >>> one = pl.DataFrame({"day": [0, 9], "share": [1.0, 0.4]})
    >>> chart = alt.Chart(one).mark_line().encode(x="day:Q", y="share:Q")
    >>> texts = pl.DataFrame({"hover_en": ["40% after 9 days"], "hover_de": ["40 % nach 9 Tagen"]})
    >>> describe_series(chart, texts).to_dict()["transform"][0]
    {'calculate': "'all'", 'as': '_series'}
    """
    columns = [f"{field}{ENGLISH}", f"{field}{GERMAN}"]
    if key is None:  # one series: a constant key joins its one text to every row
        key = _ONE_SERIES
        chart = chart.transform_calculate(**{_ONE_SERIES: "'all'"})
        texts = texts.head(1).with_columns(pl.lit("all").alias(_ONE_SERIES))
    return chart.transform_lookup(
        lookup=key, from_=alt.LookupData(texts.select(key, *columns), key, columns)
    ).encode(description=alt.Description(f"{columns[0]}:N"))


def series_texts(
    keys: pl.DataFrame | None, english: list[str], german: list[str], field: str = "hover"
) -> pl.DataFrame:
    """The table `describe_series` reads: the series' keys with their two sentences.

    Parameters
    ----------
    keys : polars DataFrame or None
        One column, one row per series, in the order of the sentences; None for one series.
    english, german : list of str
        One sentence per series.
    field : str
        The columns' stem (``hover`` gives ``hover_en`` and ``hover_de``).

    Returns
    -------
    polars DataFrame

    Examples
    --------
    >>> series_texts(pl.DataFrame({"group": ["a"]}), ["a, 40%"], ["a, 40 %"]).columns
    ['group', 'hover_en', 'hover_de']
    """
    texts = pl.DataFrame(
        {f"{field}{ENGLISH}": english, f"{field}{GERMAN}": german},
        schema={f"{field}{ENGLISH}": pl.String, f"{field}{GERMAN}": pl.String},
    )
    return texts if keys is None else pl.concat([keys, texts], how="horizontal")


def german_twin(field: str) -> str:
    """The German text field of an English description field ('hover_en' -> 'hover_de').

    Examples
    --------
    >>> german_twin("hover_en"), german_twin("channel")
    ('hover_de', 'channel')
    """
    return field[: -len(ENGLISH)] + GERMAN if field.endswith(ENGLISH) else field


def plural(count: float, one: str, many: str) -> str:
    """`one` for exactly 1, else `many`: "1 period", "12 periods".

    Examples
    --------
    >>> plural(1, "period", "periods"), plural(12.0, "Tag", "Tagen")
    ('period', 'Tagen')
    """
    return one if count == 1 else many
