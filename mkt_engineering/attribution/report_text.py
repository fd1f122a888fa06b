"""The attribution report's own sentences around the analyses, in English and German.

How many journeys and paths the report reads, which channels change rank between models,
and what attribution cannot say; the report calls them as ``report_text.<name>``.
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.attribution.budget import LIMITS
from mkt_engineering.formatting import Language, number
from mkt_engineering.text import markdown_literal

LIMITS_DE = (
    "Attribution verteilt die Conversions, die stattgefunden haben; sie misst nicht, was mit "
    "einem anderen Budget geschähe. Niedrige Kosten je zugeordneter Conversion sagen, dass ein "
    "Kanal günstig in konvertierenden Customer Journeys auftaucht, nicht, dass der nächste Euro "
    "dort ebenso viel bringt. Kanäle, die vor allem Menschen erreichen, die ohnehin kaufen "
    "würden, sehen hier gut aus. Um Budget mit Zuversicht zu verschieben, testen Sie es: Halten "
    "Sie eine Region oder einen Zeitraum zurück oder fahren Sie ein Geo-Experiment, und wählen "
    "Sie mit diesen Zahlen, was Sie zuerst testen."
)


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def explain_journeys(
    journeys: float, paths: int, converted: float, conversions: int, language: Language = "en"
) -> str:
    """Journeys built from the touches, and the conversions that could be credited.

    Parameters
    ----------
    journeys : float
        Journeys built (converting and not).
    paths : int
        Distinct paths among them.
    converted : float
        Conversions with at least one touch in the lookback window.
    conversions : int
        All conversions in the data.
    language : {"en", "de"}
        The reader's language.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> print(explain_journeys(3050, 1695, 404, 410, "de"))  # doctest: +NORMALIZE_WHITESPACE
    3.050 Customer Journeys, 1.695 verschiedene Pfade, 404 Conversions mit Kontakten im
    Rückblickfenster (von 410 Conversions insgesamt). Conversions ohne Kontakt im Fenster
    lassen sich keinem Kanal zuordnen und fehlen hier.
    """
    counts = [number(value, 0, language) for value in (journeys, paths, converted, conversions)]
    return _t(
        language,
        f"{counts[0]} journeys, {counts[1]} distinct paths, {counts[2]} conversions with touches "
        f"in the window (of {counts[3]} conversions in all). Conversions without any touch in "
        "the window cannot be credited to a channel and are left out.",
        f"{counts[0]} Customer Journeys, {counts[1]} verschiedene Pfade, {counts[2]} Conversions "
        f"mit Kontakten im Rückblickfenster (von {counts[3]} Conversions insgesamt). Conversions "
        "ohne Kontakt im Fenster lassen sich keinem Kanal zuordnen und fehlen hier.",
    )


def explain_paths_file(paths: pl.DataFrame, language: Language = "en") -> str:
    """What a paths file holds: distinct paths, conversions and journeys without one.

    Examples
    --------
    >>> paths = pl.DataFrame({"conversions": [3.0, 1.0], "non_conversions": [10.0, 2000.0]})
    >>> print(explain_paths_file(paths, "de"))  # doctest: +NORMALIZE_WHITESPACE
    2 verschiedene Pfade mit 4 Conversions und 2.010 Journeys ohne Conversion, wie die
    Pfaddatei sie zählt.
    """
    count = number(paths.height, 0, language)
    won = number(paths["conversions"].sum(), 0, language)
    lost = number(paths["non_conversions"].sum(), 0, language)
    return _t(
        language,
        f"{count} distinct paths with {won} conversions and {lost} journeys without a "
        "conversion, as the paths file counts them.",
        f"{count} verschiedene Pfade mit {won} Conversions und {lost} Journeys ohne Conversion, "
        "wie die Pfaddatei sie zählt.",
    )


def explain_ranking_flips(flips: pl.DataFrame, language: Language = "en") -> str:
    """The channels whose rank moves three or more places between models.

    Parameters
    ----------
    flips : polars.DataFrame
        `attribution.ranking_flips` with ``min_change=3``: channel, flips, ...
    language : {"en", "de"}
        The reader's language.

    Returns
    -------
    str
        Markdown (channel names as literal text).

    Examples
    --------
    >>> flips = pl.DataFrame({"channel": ["direct", "email"], "flips": [True, False]})
    >>> print(explain_ranking_flips(flips, "de"))  # doctest: +NORMALIZE_WHITESPACE
    1 Kanal rückt zwischen den Modellen drei oder mehr Plätze: direct. Sein Rang hängt vom
    gewählten Modell ab.
    """
    moving = flips.filter(pl.col("flips"))["channel"].to_list()
    names = ", ".join(markdown_literal(name) for name in moving)
    if language == "de":
        if not moving:
            return "Kein Kanal rückt zwischen den Modellen drei oder mehr Plätze."
        if len(moving) == 1:
            return (
                f"1 Kanal rückt zwischen den Modellen drei oder mehr Plätze: {names}. "
                "Sein Rang hängt vom gewählten Modell ab."
            )
        return (
            f"{len(moving)} Kanäle rücken zwischen den Modellen drei oder mehr Plätze: {names}. "
            "Ihr Rang hängt vom gewählten Modell ab."
        )
    return (
        f"{len(moving)} channel(s) move three or more places in the ranking between models: "
        f"{names or 'none'}. Their rank depends on the model you pick."
    )


def explain_limits(language: Language = "en") -> str:
    """What attribution cannot say, and how to test a budget move instead.

    Examples
    --------
    >>> explain_limits("de").split(";")[0]
    'Attribution verteilt die Conversions, die stattgefunden haben'
    """
    return _t(language, LIMITS, LIMITS_DE)


def paths_file_given(language: Language = "en") -> str:
    """Why a run with a paths file does not read the touchpoints and conversions files.

    Examples
    --------
    >>> print(paths_file_given("de"))  # doctest: +NORMALIZE_WHITESPACE
    Eine Pfaddatei ist angegeben, daher werden die Dateien der Kontaktpunkte und Conversions
    nicht gelesen.
    """
    return _t(
        language,
        "A paths file is given, so the touchpoints and conversions files are not read.",
        "Eine Pfaddatei ist angegeben, daher werden die Dateien der Kontaktpunkte und "
        "Conversions nicht gelesen.",
    )
