"""How sure is the credit? Bootstrap intervals and lookback-window sensitivity.

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["search"], ["email"], ["search", "email"]],
...                       "conversions": [30.0, 10.0, 20.0], "non_conversions": [70.0, 90.0, 80.0]})
>>> result = bootstrap(paths, "linear", n=100, seed=1)
>>> result.columns
['channel', 'conversions', 'value', 'lower', 'upper', 'value_lower', 'value_upper']
>>> inside = (result["lower"] <= result["conversions"]) & (result["conversions"] <= result["upper"])
>>> bool(inside.all())
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
import scipy.sparse as sp

from mkt_engineering.attribution.compare import (
    ModelSpec,
    model_name,
    run_model,
    touch_weights,
)
from mkt_engineering.attribution.markov import MarkovStructure
from mkt_engineering.attribution.paths import as_paths, paths_for_windows

LINEAR_MODELS = {
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "position_based",
    "shapley",
}


def _resample(
    paths: pl.DataFrame, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Journeys drawn with replacement: (n x rows) conversions and non-conversions.

    A multinomial draw over the path x outcome cells is the same as resampling the
    individual journeys, without building them.
    """
    cells = np.concatenate([paths["conversions"].to_numpy(), paths["non_conversions"].to_numpy()])
    total = cells.sum()
    draws = rng.multinomial(round(total), cells / total, size=n).astype(float)
    return draws[:, : paths.height], draws[:, paths.height :]


def _interval(samples: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - level) / 2 * 100
    return np.percentile(samples, tail, axis=0), np.percentile(samples, 100 - tail, axis=0)


def _aligned(result: pl.DataFrame, channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Conversions and value of ``result`` in the order of ``channels``; 0 for a channel
    the result does not have (absent from that resample)."""
    mapped = dict(
        zip(
            result["channel"], zip(result["conversions"], result["value"], strict=True), strict=True
        )
    )
    pairs = [mapped.get(c, (0.0, 0.0)) for c in channels]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def _refit_resamples(
    paths: pl.DataFrame,
    model: ModelSpec,
    channels: list[str],
    conversions: np.ndarray,
    non_conversions: np.ndarray,
    value_per_conversion: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Credit and value per resample (rows) and channel (columns), refitting the model on
    each resample: for models that are not linear in the conversions."""
    credit = np.zeros((conversions.shape[0], len(channels)))
    value = np.zeros_like(credit)
    for i in range(conversions.shape[0]):
        sample = paths.with_columns(
            conversions=pl.Series(conversions[i]),
            non_conversions=pl.Series(non_conversions[i]),
            value=pl.Series(conversions[i] * value_per_conversion),
        )
        credit[i], value[i] = _aligned(run_model(sample, model), channels)
    return credit, value


def _markov_resamples(
    paths: pl.DataFrame,
    model: ModelSpec,
    channels: list[str],
    conversions: np.ndarray,
    non_conversions: np.ndarray,
    value_per_conversion: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """As `_refit_resamples` for the Markov model, with the paths read once.

    Only the journeys per path change between resamples, so the channel codes, states and
    each path's transitions are built once (`MarkovStructure`); a resample is one sparse
    product and the removal-effect solve, and gives the same model as a refit.
    """
    # a spec is a name, or (name, options) such as ('markov', {'order': 2})
    options = {} if isinstance(model, str) else dict(model[1])
    structure = MarkovStructure(paths, **options)
    credit = np.zeros((conversions.shape[0], len(channels)))
    value = np.zeros_like(credit)
    for i in range(conversions.shape[0]):
        fitted = structure.fit(
            conversions[i], non_conversions[i], conversions[i] * value_per_conversion
        )
        credit[i], value[i] = _aligned(fitted.credit_, channels)
    return credit, value


def bootstrap(
    paths: pl.DataFrame,
    model: ModelSpec = "linear",
    n: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> pl.DataFrame:
    """Credit with percentile intervals from resampling journeys.

    Rule-based models and Shapley are linear in the conversions, so all resamples are
    one sparse matrix product. Markov is refitted on each resample from paths read once
    (`MarkovStructure`); other models are refitted from scratch.

    The journeys are sorted before resampling, so a seed gives the same intervals in every
    process, whatever order the journeys arrive in.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.
    model : str or (str, dict)
        The model to resample, by name or as (name, options).
    n : int
        Number of resamples.
    seed : int
        Random seed; the same seed gives the same intervals.
    level : float
        Level of the percentile intervals.

    Returns
    -------
    DataFrame
        channel, conversions, value (the point estimate on the data), lower, upper
        (interval for conversions), value_lower, value_upper.
    """
    # The multinomial draw assigns random numbers to the rows in order, and the order of
    # aggregated journeys varies between processes (parallel group-by); sorting makes the
    # same seed give the same intervals everywhere.
    paths = as_paths(paths).sort("path", "conversions", "non_conversions", "value")
    rng = np.random.default_rng(seed)
    point = run_model(paths, model)
    channels = point["channel"].to_list()
    conversions, non_conversions = _resample(paths, n, rng)
    original = paths["conversions"].to_numpy()
    value_per_conversion = np.divide(
        paths["value"].to_numpy(), original, out=np.zeros_like(original), where=original > 0
    )
    name = model if isinstance(model, str) else model[0]
    if name in LINEAR_MODELS:
        converting = np.flatnonzero(original > 0)  # the weights are built on converting paths only
        weights = touch_weights(paths, model).filter(pl.col("channel").is_in(channels))
        index = {c: i for i, c in enumerate(channels)}
        matrix = sp.csr_matrix(
            (
                weights["weight"].to_numpy(),
                (
                    converting[weights["row"].to_numpy()],
                    weights["channel"].replace_strict(index).to_numpy(),
                ),
            ),
            shape=(paths.height, len(channels)),
        )
        credit = np.asarray((matrix.T @ conversions.T).T)
        value = np.asarray((matrix.T @ (conversions * value_per_conversion).T).T)
    elif name == "markov":
        credit, value = _markov_resamples(
            paths, model, channels, conversions, non_conversions, value_per_conversion
        )
    else:
        credit, value = _refit_resamples(
            paths, model, channels, conversions, non_conversions, value_per_conversion
        )
    lower, upper = _interval(credit, level)
    value_lower, value_upper = _interval(value, level)
    return point.with_columns(
        lower=pl.Series(lower),
        upper=pl.Series(upper),
        value_lower=pl.Series(value_lower),
        value_upper=pl.Series(value_upper),
    )


def lookback_sensitivity(
    touchpoints: pl.DataFrame,
    conversions: pl.DataFrame,
    windows: Sequence[float] = (7, 14, 30, 60),
    model: ModelSpec = "linear",
    **path_options,
) -> pl.DataFrame:
    """How each channel's credit moves with the lookback window.

    Parameters
    ----------
    touchpoints : DataFrame
        customer_id, timestamp, channel.
    conversions : DataFrame
        customer_id, timestamp, value.
    windows : sequence of float
        Lookback windows in days.
    model : str or (str, dict)
        The model to run on each window's paths.
    **path_options
        Options of `paths_from_touchpoints` (collapse_repeats, max_length, channel_rules).

    Returns
    -------
    DataFrame
        lookback_days, model, channel, conversions, value, share.
    """
    frames = []
    paths = paths_for_windows(touchpoints, conversions, windows, **path_options)
    for window in windows:
        credit = run_model(paths[window], model)
        total = credit["conversions"].sum()
        frames.append(
            credit.select(
                pl.lit(float(window)).alias("lookback_days"),
                pl.lit(model_name(model)).alias("model"),
                "channel",
                "conversions",
                "value",
                share=pl.col("conversions") / total if total else pl.lit(0.0),
            )
        )
    return pl.concat(frames)
