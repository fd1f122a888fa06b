"""Money: cost per attributed conversion and return on ad spend per channel and model.

Examples
--------
>>> import polars as pl
>>> credit = pl.DataFrame({"model": ["linear", "linear"], "channel": ["search", "email"],
...                        "conversions": [10.0, 5.0], "value": [800.0, 300.0]})
>>> spend = pl.DataFrame({"channel": ["search", "email"], "spend": [400.0, 50.0]})
>>> budget_table(credit, spend).select("channel", "cost_per_conversion", "roas").rows()
[('search', 40.0, 2.0), ('email', 10.0, 6.0)]
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.errors import require_columns

LIMITS = (
    "Attribution shares out the conversions that happened; it does not measure what would "
    "happen with a different budget. A low cost per attributed conversion says a channel "
    "shows up in converting journeys cheaply, not that the next euro there buys the same. "
    "Channels that mostly reach people who would buy anyway look good here. To move budget "
    "with confidence, test it: hold out a region or a period, or run a geo experiment, and "
    "use these numbers to choose what to test first."
)


def budget_table(
    credit: pl.DataFrame, spend: pl.DataFrame, intervals: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Join spend to the credit of one or more models.

    Parameters
    ----------
    credit : DataFrame
        channel, conversions, value, optionally model (e.g. the output of `compare`).
    spend : DataFrame
        channel, spend (summed over periods; the spend contract).
    intervals : DataFrame, optional
        Output of `bootstrap` (channel, lower, upper, value_lower, value_upper) for one
        model; adds the interval of cost per conversion and ROAS.

    Returns
    -------
    DataFrame
        [model], channel, spend, conversions, value, cost_per_conversion, roas and, with
        intervals, cost_per_conversion_low/high and roas_low/high. Channels without spend
        (e.g. direct) get spend 0 and no cost per conversion.
    """
    for name, frame, columns in (
        ("credit", credit, ["channel", "conversions", "value"]),
        ("spend", spend, ["channel", "spend"]),
    ):
        require_columns(frame, columns, source=name, fix="Map your columns onto the contract.")
    totals = spend.group_by("channel").agg(pl.col("spend").sum())
    table = credit.join(totals, on="channel", how="left").with_columns(
        pl.col("spend").fill_null(0.0)
    )
    per = {
        "cost_per_conversion": pl.when((pl.col("spend") > 0) & (pl.col("conversions") > 0)).then(
            pl.col("spend") / pl.col("conversions")
        ),
        "roas": pl.when(pl.col("spend") > 0).then(pl.col("value") / pl.col("spend")),
    }
    table = table.with_columns(**per)
    if intervals is not None:
        bounds = ["lower", "upper", "value_lower", "value_upper"]
        # the credit may itself be the bootstrap frame (the report passes it as both); its
        # own bounds would come back from the join as stray lower_right/upper_right columns
        table = table.drop(bounds, strict=False).join(
            intervals.select("channel", *bounds),
            on="channel",
            how="left",
        )
        positive = pl.col("spend") > 0
        table = table.with_columns(
            cost_per_conversion_low=pl.when(positive & (pl.col("upper") > 0)).then(
                pl.col("spend") / pl.col("upper")
            ),
            cost_per_conversion_high=pl.when(positive & (pl.col("lower") > 0)).then(
                pl.col("spend") / pl.col("lower")
            ),
            roas_low=pl.when(positive).then(pl.col("value_lower") / pl.col("spend")),
            roas_high=pl.when(positive).then(pl.col("value_upper") / pl.col("spend")),
        ).drop(bounds)
    keys = ["model"] if "model" in table.columns else []
    return table.sort([*keys, "conversions"], descending=[False] * len(keys) + [True])


def ranking_flips(comparison: pl.DataFrame, min_change: int = 2) -> pl.DataFrame:
    """Channels whose rank by credit moves by ``min_change`` places or more between models.

    Parameters
    ----------
    comparison : DataFrame
        model, channel, conversions per model and channel, as `compare` returns.
    min_change : int
        Places a channel must move between models to count as flipping.

    Returns
    -------
    DataFrame
        channel, best_rank, worst_rank, best_model, worst_model, flips (bool), largest
        change first.

    Examples
    --------
    >>> import polars as pl
    >>> c = pl.DataFrame({"model": ["a", "a", "a", "b", "b", "b"], "channel": ["x", "y", "z"] * 2,
    ...                   "conversions": [3.0, 2.0, 1.0, 1.0, 2.0, 3.0]})
    >>> ranking_flips(c).select("channel", "best_rank", "worst_rank", "flips").rows()
    [('x', 1, 3, True), ('z', 1, 3, True), ('y', 2, 2, False)]
    """
    # a channel a model does not credit at all ranks with 0 conversions, not drops out
    grid = (
        comparison.select("model").unique().join(comparison.select("channel").unique(), how="cross")
    )
    comparison = grid.join(
        comparison.select("model", "channel", "conversions"), on=["model", "channel"], how="left"
    )
    ranked = comparison.with_columns(pl.col("conversions").fill_null(0.0)).with_columns(
        rank=pl.col("conversions").rank("min", descending=True).over("model").cast(pl.Int64)
    )
    return (
        ranked.sort("rank")
        .group_by("channel")
        .agg(
            best_rank=pl.col("rank").min(),
            worst_rank=pl.col("rank").max(),
            best_model=pl.col("model").first(),
            worst_model=pl.col("model").last(),
        )
        .with_columns(flips=pl.col("worst_rank") - pl.col("best_rank") >= min_change)
        .sort(
            [pl.col("worst_rank") - pl.col("best_rank"), "best_rank", "channel"],
            descending=[True, False, False],
        )
    )
