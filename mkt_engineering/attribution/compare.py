"""Run several models side by side, and explain the credit of single journeys.

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["search", "email"], ["email"]], "conversions": [2.0, 1.0],
...                       "non_conversions": [1.0, 3.0]})
>>> compare(paths, ["first_touch", "last_touch"]).rows()
[('first_touch', 'search', 2.0, 0.0, 0.6666666666666666), ('first_touch', 'email', 1.0, 0.0, 0.3333333333333333), ('last_touch', 'email', 3.0, 0.0, 1.0)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from mkt_engineering.attribution import heuristics
from mkt_engineering.attribution.markov import MarkovModel
from mkt_engineering.attribution.paths import as_paths, path_text
from mkt_engineering.attribution.shapley import shapley

DEFAULT_MODELS = (
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "position_based",
    "markov",
    "shapley",
)

MODELS: dict[str, Callable[..., pl.DataFrame]] = {
    "first_touch": heuristics.first_touch,
    "last_touch": heuristics.last_touch,
    "last_non_direct": heuristics.last_non_direct,
    "linear": heuristics.linear,
    "position_based": heuristics.position_based,
    "markov": lambda paths, order=1: MarkovModel(order).fit(paths).credit_,
    "shapley": shapley,
}

ModelSpec = str | tuple[str, Mapping[str, Any]]


def model_name(spec: ModelSpec) -> str:
    """A readable label: ``markov`` or ``markov(order=2)``."""
    if isinstance(spec, str):
        return spec
    name, options = spec
    return name + "(" + ", ".join(f"{k}={v}" for k, v in options.items()) + ")" if options else name


def run_model(paths: pl.DataFrame, spec: ModelSpec) -> pl.DataFrame:
    """Run one model given as a name or (name, options); returns channel, conversions, value."""
    name, options = (spec, {}) if isinstance(spec, str) else spec
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose from {sorted(MODELS)}")
    return MODELS[name](paths, **options).select("channel", "conversions", "value")


def compare(paths: pl.DataFrame, models: Sequence[ModelSpec] = DEFAULT_MODELS) -> pl.DataFrame:
    """Credit of every channel under each model, as one long frame.

    Returns
    -------
    DataFrame
        model, channel, conversions, value, share (of the model's conversions).
    """
    paths = as_paths(paths)
    frames = []
    for spec in models:
        credit = run_model(paths, spec)
        total = credit["conversions"].sum()
        frames.append(
            credit.select(
                pl.lit(model_name(spec)).alias("model"),
                "channel",
                "conversions",
                "value",
                share=pl.col("conversions") / total if total else pl.lit(0.0),
            )
        )
    return pl.concat(frames)


def _weights(paths: pl.DataFrame, spec: ModelSpec) -> pl.DataFrame:
    """Per-touch weights (row, channel, weight) of a model, summed per channel and path."""
    name, options = (spec, {}) if isinstance(spec, str) else spec
    table = heuristics.touches(paths)
    position, length = pl.col("position"), pl.col("length")
    if name == "first_touch":
        weight = (position == 0).cast(pl.Float64)
    elif name == "last_touch":
        weight = (position == length - 1).cast(pl.Float64)
    elif name == "last_non_direct":
        eligible = ~pl.col("channel").is_in(list(options.get("direct", ("direct",))))
        chosen = pl.coalesce(pl.when(eligible).then(position).max().over("row"), length - 1)
        weight = (position == chosen).cast(pl.Float64)
    elif name == "linear":
        weight = 1.0 / length
    elif name == "position_based":
        weight = heuristics.position_weights(**options)
    elif name == "shapley":
        distinct = pl.col("channel").n_unique().over("row")
        first_of_channel = position == position.min().over("row", "channel")
        weight = first_of_channel.cast(pl.Float64) / distinct
    elif name == "markov":
        effects = (
            MarkovModel(options.get("order", 1))
            .fit(paths)
            .credit_.select("channel", "removal_effect")
        )
        table = table.join(effects, on="channel", how="left")
        first_of_channel = position == position.min().over("row", "channel")
        effect = pl.when(first_of_channel).then(pl.col("removal_effect")).otherwise(0.0)
        weight = effect / effect.sum().over("row")
    else:
        raise ValueError(f"journey_credit does not know model {name!r}")
    return table.with_columns(weight=weight).group_by("row", "channel").agg(pl.col("weight").sum())


def _why(name: str) -> pl.Expr:
    share = (pl.col("weight") * 100).round(0).cast(pl.Int64).cast(pl.String) + "%"
    reasons = {
        "first_touch": "it opened the journey",
        "last_touch": "it closed the journey",
        "last_non_direct": "it was the last touch that was not a direct visit",
        "linear": "every touch gets an equal share",
        "position_based": "the first and last touches get fixed shares, the middle shares the rest",
        "shapley": "each distinct channel of the journey gets an equal share",
        "markov": "shares follow the channels' removal effects across all journeys",
    }
    return pl.concat_str(pl.col("channel"), pl.lit(" gets "), share, pl.lit(": " + reasons[name]))


def journey_credit(paths: pl.DataFrame, model: ModelSpec = "linear") -> pl.DataFrame:
    """Credit per path and channel, with a one-line reason.

    Returns
    -------
    DataFrame
        path (text), channel, weight (share of the path's credit), conversions, value, why.

    Examples
    --------
    >>> import polars as pl
    >>> paths = pl.DataFrame({"path": [["social", "search", "search"]], "conversions": [3.0]})
    >>> journey_credit(paths, "linear").select("channel", "conversions", "why").rows()
    [('search', 2.0, 'search gets 67%: every touch gets an equal share'), ('social', 1.0, 'social gets 33%: every touch gets an equal share')]
    """
    paths = as_paths(paths).filter(pl.col("conversions") > 0)
    name = model if isinstance(model, str) else model[0]
    weights = _weights(paths, model)
    indexed = paths.with_row_index("row").select(
        "row", path_text("path").alias("path"), "conversions", "value"
    )
    return (
        weights.join(indexed, on="row")
        .with_columns(pl.col("conversions", "value") * pl.col("weight"))
        .filter(pl.col("weight") > 0)
        .with_columns(why=_why(name))
        .sort(["row", "weight", "channel"], descending=[False, True, False])
        .select("path", "channel", "weight", "conversions", "value", "why")
    )
