"""Keep an analysis to a readable number of channels.

An export whose "channel" column holds campaign ids or URLs can have thousands of
distinct values. Every channel then becomes a Markov state and its own removal effect
(minutes per model fit, hours with the bootstrap), and no chart or table can show them.
`long_tail_rules` keeps the channels with the most touches and merges the long tail into
one named channel, as `group_channels` rules, and says so, instead of failing or running
for hours. The same rules then group the spend file, so both name the same channels.

Examples
--------
>>> import polars as pl
>>> from mkt_engineering.attribution.paths import group_channels
>>> tp = pl.DataFrame({"channel": ["a", "a", "a", "b", "b", "c", "d"]})
>>> rules, note = long_tail_rules(tp, max_channels=3)
>>> rules
{'other (2 channels)': ['c', 'd']}
>>> group_channels(tp, rules)["channel"].to_list()
['a', 'a', 'a', 'b', 'b', 'other (2 channels)', 'other (2 channels)']
>>> print(note)  # doctest: +NORMALIZE_WHITESPACE
The data hold 4 channels; the 2 with the most touches are analysed one by one and the other 2
(2 touches, 29% of all) as one channel, "other (2 channels)". Group channels with
`channel_rules` to choose the grouping yourself.
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.errors import require_columns

MAX_CHANNELS = 100
"""Channels an attribution report analyses one by one; the rest are merged (see module)."""


def long_tail_rules(
    touchpoints: pl.DataFrame,
    max_channels: int = MAX_CHANNELS,
    *,
    column: str = "channel",
) -> tuple[dict[str, list[str]], str]:
    """Rules that merge all but the busiest channels into one, if there are too many.

    Parameters
    ----------
    touchpoints : DataFrame
        Any frame with a channel column (touchpoints).
    max_channels : int
        Most channels kept, the merged one included (at least 2).
    column : str
        The channel column.

    Returns
    -------
    (dict, str)
        `group_channels` rules ``{"other (k channels)": [names...]}`` and a sentence saying
        what is merged; ``({}, "")`` when there are at most ``max_channels`` channels.
        Ties in touch count are broken by name, so the choice is the same in every run.
    """
    require_columns(
        touchpoints, [column], source="touchpoints", fix="Name the channel column with `column=`."
    )
    from mkt_engineering.engines.frames import is_engine_frame

    if is_engine_frame(touchpoints):  # counted in the engine: one row per channel comes back
        from mkt_engineering.engines.paths import channel_counts

        counts = channel_counts(touchpoints, column)
    else:
        counts = touchpoints.group_by(column).agg(pl.len().alias("touches"))
    counts = counts.sort(["touches", column], descending=[True, False], nulls_last=True)
    if counts.height <= max_channels:
        return {}, ""
    kept = max(max_channels - 1, 1)
    tail = counts.slice(kept)
    label = f"other ({tail.height:,} channels)"
    merged_touches = int(tail["touches"].sum())
    note = (
        f"The data hold {counts.height:,} channels; the {kept:,} with the most touches "
        f"are analysed one by one and the other {tail.height:,} ({merged_touches:,} touches, "
        f'{merged_touches / counts["touches"].sum():.0%} of all) as one channel, "{label}". '
        "Group channels with `channel_rules` to choose the grouping yourself."
    )
    return {label: tail[column].drop_nulls().to_list()}, note
