"""Room for a rotated axis title beside a few categories.

A chart with one row per category is 20 px a row tall, so a chart of one to four rows is
20-80 px tall while its y-axis title, turned on its side, needs about 0.6 em a character
("Acquisition channel" in 13 px bold: about 150 px): the title hung far beyond the chart,
into the title above or the chart below.

Examples
--------
>>> band_height(4, "Acquisition channel")
149
>>> band_height(12, "channel")
240
"""

from __future__ import annotations

import math

STEP = 20
"""Pixels a category row gets (vega-lite's default step)."""
TITLE_FONT = 13
"""The theme's axis-title font size (``titleFontSize``)."""
CHAR_WIDTH = 0.6
"""Width of a bold Helvetica character, in em (capitals and digits are about that)."""


def title_length(title: str, font_size: int = TITLE_FONT) -> int:
    """Pixels an axis title needs along its axis.

    Examples
    --------
    >>> title_length("metric (arm)")
    94
    """
    return math.ceil(CHAR_WIDTH * font_size * len(title))


def band_height(rows: int, title: str, step: int = STEP) -> int:
    """The height of a chart of `rows` categories that holds its rotated y-axis title, in
    English and in its German form (a German report draws the same chart).

    Parameters
    ----------
    rows : int
        Categories on the y axis.
    title : str
        The y-axis title.
    step : int
        Pixels a row gets when the title fits anyway.

    Returns
    -------
    int
        ``rows * step``, or the title's length when that is longer.
    """
    from mkt_engineering.charts.german import word

    return max(rows * step, title_length(title), title_length(word(title)))
