"""The chart theme: German and English number/date formats reach the rendered SVG."""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import polars as pl
import pytest

from mkt_engineering.charts.theme import PALETTE, theme_config, use_theme
from mkt_engineering.reporting.notebook import svg_renderer


def _svg(chart: alt.Chart) -> str:
    return svg_renderer(chart.to_dict())["image/svg+xml"]


@pytest.fixture
def sample() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": [dt.date(2024, 3, 1), dt.date(2024, 5, 1), dt.date(2024, 7, 1)],
            "revenue": [12500.5, 8000.0, 20000.0],
            "channel": ["search", "social", "email"],
        }
    )


@pytest.mark.parametrize(
    ("language", "thousands", "march"), [("de", "10.000", "Mär"), ("en", "10,000", "Mar")]
)
def test_number_and_month_formats_follow_the_language(sample, language, thousands, march):
    use_theme(language)
    try:
        chart = (
            alt.Chart(sample)
            .mark_line()
            .encode(
                x=alt.X("month:T", axis=alt.Axis(format="%b %Y")),
                y=alt.Y("revenue:Q", axis=alt.Axis(format=",.0f")),
            )
        )
        labels = re.findall(r">([^<>]+)</text>", _svg(chart))
    finally:
        use_theme("en")
    assert thousands in labels
    assert any(label.startswith(march) for label in labels)


def test_categories_use_the_colour_blind_safe_palette(sample):
    use_theme("en")
    svg = _svg(alt.Chart(sample).mark_bar().encode(x="channel:N", y="revenue:Q", color="channel:N"))
    used = {colour.upper() for colour in re.findall(r'fill="(#[0-9a-fA-F]{6})"', svg)}
    assert set(PALETTE[:3]) <= used


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language must be one of"):
        theme_config("fr")  # type: ignore[arg-type]


def test_palette_keeps_ten_channels_apart():
    # The journeys demo has ten channels; a repeated colour would merge two in every legend.
    assert len(set(PALETTE)) == len(PALETTE) >= 10
