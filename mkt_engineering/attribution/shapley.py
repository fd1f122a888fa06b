"""Shapley-value attribution (the "simplified Shapley value" of Zhao et al. 2018).

Channels are the players of a cooperative game. The characteristic function is

    v(S) = conversions (or value) of the journeys whose channels all lie in S,

that is, what the channels in S earn on their own. The Shapley value of a channel is its
average marginal contribution v(S + channel) - v(S) over all orders in which channels can
join. Because v is a sum over journeys, and each journey is a unanimity game of its set
of distinct channels, the Shapley value has a closed form (Zhao et al., Theorem 1): each
journey's conversions are split equally over its **distinct** channels. So the result is
exact for any number of channels, with no sampling; a test checks it against the
definition by enumerating all 2^n coalitions.

The **ordered** variant (Zhao et al., section 3.2) keeps the position at which each
channel first appeared in the journey (1 = opened the journey), so one can see whether a
channel earns its credit as an opener or as a closer.

References
----------
Zhao, K., Mahboobi, S. H., Bagheri, S. R. (2018). Shapley value methods for attribution
modeling in online advertising. arXiv:1804.05327.

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["search", "email", "search"], ["email"]],
...                       "conversions": [4.0, 1.0], "value": [200.0, 10.0]})
>>> shapley(paths).rows()
[('email', 3.0, 110.0), ('search', 2.0, 100.0)]
>>> shapley(paths, ordered=True).rows()
[('email', 1, 1.0, 10.0), ('email', 2, 2.0, 100.0), ('search', 1, 2.0, 100.0)]
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.attribution.heuristics import touches


def _first_touches(paths: pl.DataFrame) -> pl.DataFrame:
    """The first touch of each distinct channel per journey, with its rank among them."""
    table = touches(paths)
    first = table.group_by("row", "channel").agg(
        pl.col("position").min(), pl.col("conversions", "value").first()
    )
    return first.with_columns(
        distinct=pl.len().over("row"),
        order=pl.col("position").rank("ordinal").over("row").cast(pl.Int64),
    )


def shapley(paths: pl.DataFrame, ordered: bool = False) -> pl.DataFrame:
    """Shapley value of each channel (or of each channel and position, when ordered).

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame.
    ordered : bool
        Also split each channel's credit by the position (1, 2, ...) at which the
        channel first entered the journeys.

    Returns
    -------
    DataFrame
        channel, conversions, value (largest first); with ``ordered=True``:
        channel, position, conversions, value, sorted by channel and position.
    """
    table = _first_touches(paths)
    share = 1.0 / pl.col("distinct")
    keys = ["channel", "order"] if ordered else ["channel"]
    credit = table.group_by(keys).agg(
        conversions=(pl.col("conversions") * share).sum(),
        value=(pl.col("value") * share).sum(),
    )
    if ordered:
        return credit.rename({"order": "position"}).sort("channel", "position")
    return credit.sort(["conversions", "channel"], descending=[True, False])
