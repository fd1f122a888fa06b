"""One altair theme for every chart of the kit.

Colour-blind-safe palette (Okabe-Ito), readable fonts, and number formats in English or
German. Call `use_theme()` once; notebooks get it from `mkt_engineering.reporting.setup_notebook`.
"""

from __future__ import annotations

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
    "de": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]},
}


def theme_config(language: Literal["en", "de"] = "en") -> dict:
    """The vega-lite config of the kit's theme.

    Examples
    --------
    >>> theme_config("de")["config"]["locale"]["number"]["decimal"]
    ','
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
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555555"},
            "background": "white",
            "locale": {"number": LOCALES[language], "time": TIME_LOCALES[language]},
        }
    }


def use_theme(language: Literal["en", "de"] = "en") -> None:
    """Register and enable the kit's theme for all following charts."""
    import altair as alt  # here, so importing the palette stays cheap

    name = f"mkt_{language}"
    alt.theme.register(name, enable=True)(lambda: theme_config(language))
