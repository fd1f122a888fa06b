"""Run several models side by side, and explain the credit of single journeys.

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["search", "email"], ["email"]], "conversions": [2.0, 1.0],
...                       "non_conversions": [1.0, 3.0]})
>>> for row in compare(paths, ["first_touch", "last_touch"]).rows():
...     print(row)
('first_touch', 'search', 2.0, 0.0, 0.6666666666666666)
('first_touch', 'email', 1.0, 0.0, 0.3333333333333333)
('last_touch', 'email', 3.0, 0.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
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

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.
    models : sequence of str or (str, dict)
        The models, by name or as (name, options) such as ``("markov", {"order": 2})``.

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


def touch_weights(paths: pl.DataFrame, spec: ModelSpec) -> pl.DataFrame:
    """The share of each journey's credit a model gives each of its channels.

    The rule-based models and Shapley credit a journey by fixed weights per touch, so the
    credit of a journey is its conversions (and value) times these weights. `journey_credit`
    explains single journeys with them, and the bootstrap re-weights journeys with them.

    Parameters
    ----------
    paths : DataFrame
        Canonical journeys (``path`` as a list of channels, ``conversions``, ``value``); the
        row number of a journey is its ``row``.
    spec : str or (str, dict)
        A model name or (name, options): first_touch, last_touch, last_non_direct, linear,
        position_based or shapley (Markov credit is not a fixed weight per touch).

    Returns
    -------
    DataFrame
        ``row``, ``channel`` and ``weight``, summed per journey and channel; the weights of
        a journey add up to 1.

    Examples
    --------
    >>> paths = pl.DataFrame({"path": [["search", "email", "search"]], "conversions": [1.0]})
    >>> touch_weights(paths, "linear").sort("channel").rows()
    [(0, 'email', 0.3333333333333333), (0, 'search', 0.6666666666666666)]
    """
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
    else:
        raise ValueError(f"journey_credit does not know model {name!r}")
    return table.with_columns(weight=weight).group_by("row", "channel").agg(pl.col("weight").sum())


def _options(spec: ModelSpec) -> Mapping[str, Any]:
    return {} if isinstance(spec, str) else spec[1]


def markov_journey_credit(
    everything: pl.DataFrame, converting: pl.DataFrame, options: dict[str, Any]
) -> pl.DataFrame:
    """Markov credit per converting journey (row) and channel that adds up to the model.

    Parameters
    ----------
    everything : DataFrame
        All journeys (canonical paths); the model is fitted on them.
    converting : DataFrame
        The converting journeys, in the row order the caller indexes them by.
    options : dict
        Options of `MarkovModel` (``order``).

    Returns
    -------
    DataFrame
        row, channel, weight, conversions, value.

    Examples
    --------
    >>> import polars as pl
    >>> paths = pl.DataFrame({"path": [["a", "b"], ["a"], ["b"]],
    ...     "conversions": [2.0, 1.0, 1.0], "non_conversions": [1.0, 2.0, 0.0],
    ...     "value": [20.0, 10.0, 10.0]})
    >>> out = markov_journey_credit(paths, paths, {})
    >>> summed = out.group_by("channel").agg(pl.col("conversions").sum().round(9))
    >>> summed.sort("channel").rows()  # the Markov credit: a 2.08, b 1.92
    [('a', 2.08), ('b', 1.92)]
    """
    credit = MarkovModel(options.get("order", 1)).fit(everything).credit_
    pairs = (
        converting.with_row_index("row")
        .select("row", pl.col("path").alias("channel"), "conversions", "value")
        .explode("channel")
        .unique(["row", "channel"])
        .join(credit.select("channel", "removal_effect", "value_removal_effect"), on="channel")
        .sort("row", "channel")
    )
    rows = pairs["row"].to_numpy()
    codes = pairs["channel"].cast(pl.Categorical).to_physical().to_numpy()
    totals = credit.join(
        pairs.select(
            pl.col("channel").cast(pl.Categorical).to_physical().alias("code"), "channel"
        ).unique(),
        on="channel",
    ).sort("code")
    conversions = _balance(
        rows,
        codes,
        pairs["conversions"].to_numpy(),
        pairs["removal_effect"].to_numpy(),
        totals["conversions"].to_numpy(),
    )
    value = _balance(
        rows,
        codes,
        pairs["value"].to_numpy(),
        pairs["value_removal_effect"].to_numpy(),
        totals["value"].to_numpy(),
    )
    return pairs.select(
        "row",
        "channel",
        weight=pl.Series(conversions) / pl.col("conversions"),
        conversions=pl.Series(conversions),
        value=pl.Series(value),
    )


def _balance(rows, codes, amount, effect, totals, *, steps: int = 2000) -> np.ndarray:
    """Split each journey's ``amount`` over its channels so the channels get ``totals``.

    Iterative proportional fitting (Sinkhorn): a journey's share for a channel is
    effect x factor[channel], normalised within the journey; the factors are rescaled until
    every channel's sum matches its total (relative 1e-13). A channel with effect 0 is given
    a tiny one so that a journey whose channels all have 0 still hands out its amount.
    """
    if not totals.sum():
        return np.zeros(rows.size)
    effect = np.where(effect > 0, effect, 1e-12)
    factor = np.ones(totals.size)
    journey_amount = np.bincount(rows, weights=amount)[rows] / np.bincount(rows)[rows]
    for _ in range(steps):
        weight = effect * factor[codes]
        share = weight / np.bincount(rows, weights=weight)[rows]
        given = share * journey_amount
        received = np.bincount(codes, weights=given, minlength=totals.size)
        if np.allclose(received, totals, rtol=1e-13, atol=1e-13 * totals.sum()):
            return given
        factor *= np.divide(totals, received, out=np.ones_like(totals), where=received > 0)
    raise ValueError(
        "journey_credit: the Markov channel credit cannot be split over the journeys "
        f"(channel totals off by up to {np.abs(received - totals).max():.3g} after "
        f"{steps} steps); a channel earns more than the journeys it appears in convert."
    )


def _why(name: str) -> pl.Expr:
    share = (pl.col("weight") * 100).round(0).cast(pl.Int64).cast(pl.String) + "%"
    reasons = {
        "first_touch": "it opened the journey",
        "last_touch": "it closed the journey",
        "last_non_direct": "it was the last touch that was not a direct visit",
        "linear": "every touch gets an equal share",
        "position_based": "the first and last touches get fixed shares, the middle shares the rest",
        "shapley": "each distinct channel of the journey gets an equal share",
        "markov": "shares follow the channels' removal effects, balanced so that all "
        "journeys add up to the Markov credit",
    }
    return pl.concat_str(pl.col("channel"), pl.lit(" gets "), share, pl.lit(": " + reasons[name]))


def journey_credit(paths: pl.DataFrame, model: ModelSpec = "linear") -> pl.DataFrame:
    """Credit per path and channel, with a one-line reason.

    For the rule-based models and Shapley the credit of a journey follows from the journey
    alone. Markov credit is global (removal effects over all journeys), so its journey
    credit is a balanced split: each journey's conversions go to its channels in proportion
    to removal effect x a per-channel factor, and the factors are fitted (iterative
    proportional fitting) so that the journeys add up to the Markov model's channel credit
    exactly. Value is split the same way with the value removal effects. Every journey
    still hands out exactly its own conversions and value.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.
    model : str or (str, dict)
        The model, by name or as (name, options).

    Returns
    -------
    DataFrame
        path (text), channel, weight (share of the path's credit), conversions, value, why.

    Examples
    --------
    >>> import polars as pl
    >>> paths = pl.DataFrame({"path": [["social", "search", "search"]], "conversions": [3.0]})
    >>> for row in journey_credit(paths, "linear").select("channel", "conversions", "why").rows():
    ...     print(row)
    ('search', 2.0, 'search gets 67%: every touch gets an equal share')
    ('social', 1.0, 'social gets 33%: every touch gets an equal share')
    """
    everything = as_paths(paths)
    paths = everything.filter(pl.col("conversions") > 0)
    name = model if isinstance(model, str) else model[0]
    indexed = paths.with_row_index("row").select(
        "row", path_text("path").alias("path"), "conversions", "value"
    )
    if name == "markov":
        # fitted on every journey, the non-converting ones included, as in compare()
        credited = markov_journey_credit(everything, paths, dict(_options(model))).join(
            indexed.drop("conversions", "value"), on="row"
        )
    else:
        credited = (
            touch_weights(paths, model)
            .join(indexed, on="row")
            .with_columns(pl.col("conversions", "value") * pl.col("weight"))
        )
    return (
        credited.filter(pl.col("weight") > 0)
        .with_columns(why=_why(name))
        .sort(["row", "weight", "channel"], descending=[False, True, False])
        .select("path", "channel", "weight", "conversions", "value", "why")
    )
