"""A line or an area is one path for a whole series; vega labels it with its first datum.

Turned into a hover text that label reads as the series' value ("ci_low: 1; ci_high: 1" on a
survival band), so series paths get no hover text and no label; points keep theirs.
"""

from __future__ import annotations

import re

import altair as alt
import polars as pl
import vl_convert

from mkt_engineering.reporting.notebook import accessible_svg

SYMBOLS = re.compile(r"<path[^>]*graphics-symbol[^>]*>(?:<title>[^<]*</title>)?")


def test_lines_and_areas_carry_no_first_datum_text_while_points_keep_theirs():
    data = pl.DataFrame({"day": [1, 2, 3], "low": [0.1, 0.2, 0.3], "high": [0.2, 0.3, 0.4]})
    band = alt.Chart(data).mark_area().encode(x="day", y="low", y2="high")
    line = alt.Chart(data).mark_line(point=True).encode(x="day", y="low")
    svg = accessible_svg(vl_convert.vegalite_to_svg(alt.layer(band, line).to_dict()), "Band")
    marks = SYMBOLS.findall(svg)
    series = [mark for mark in marks if "transform=" not in mark]  # the area and the line
    points = [mark for mark in marks if "transform=" in mark]
    assert len(series) == 2 and len(points) == 3
    assert all("<title>" not in mark and "aria-label" not in mark for mark in series)
    assert [re.search(r"<title>([^<]*)", mark).group(1) for mark in points] == [
        "day: 1; low: 0.1",
        "day: 2; low: 0.2",
        "day: 3; low: 0.3",
    ]
