"""Which model finds the truth? Errors of each model against known incremental conversions.

On synthetic data (``datasets/journeys`` and ``datasets/journeys_markov``) the true share of
the incremental conversions of each channel is known (``truth.json``, key ``true_share``).
The error of a model is the total variation distance between its credit shares and the
true shares: half the sum of absolute differences, i.e. the share of credit that sits with
the wrong channels (0 = perfect, 1 = all wrong).

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["a"], ["b"], ["a", "b"]], "conversions": [3.0, 1.0, 2.0]})
>>> truth_error(paths, {"a": 0.5, "b": 0.5}, ["first_touch", "linear"]).with_columns(
...     pl.col("error").round(4)).rows()
[('linear', 0.1667), ('first_touch', 0.3333)]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from mkt_engineering.attribution.compare import DEFAULT_MODELS, ModelSpec, compare
from mkt_engineering.paths import DATASETS_DIR


def load_truth(family: str = "journeys", folder: str | Path | None = None) -> dict:
    """The ``truth.json`` of a synthetic family.

    Parameters
    ----------
    family : str
        The synthetic family (``journeys``, ``journeys_markov``).
    folder : str or Path, optional
        The folder holding the families; defaults to the demo data.

    Returns
    -------
    dict
        The family's truth: true_share per channel, the process that made the data and
        its parameters (baseline, lift, reach, lookback_days, ...).
    """
    path = Path(folder or DATASETS_DIR) / family / "truth.json"
    return json.loads(path.read_text(encoding="utf-8"))


def truth_comparison(
    paths: pl.DataFrame,
    true_share: Mapping[str, float],
    models: Sequence[ModelSpec] = DEFAULT_MODELS,
) -> pl.DataFrame:
    """Model share next to the true share for every channel and model.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame of a synthetic family.
    true_share : mapping of str to float
        The true share of the conversions each channel earns (``truth.json``).
    models : sequence of str or (str, dict)
        The models to compare.

    Returns
    -------
    DataFrame
        model, channel, share, true_share, difference (share - true_share).
    """
    truth = pl.DataFrame(
        {"channel": list(true_share), "true_share": [float(v) for v in true_share.values()]}
    )
    credit = compare(paths, models).select("model", "channel", "share")
    grid = credit.select("model").unique(maintain_order=True).join(truth, how="cross")
    return (
        grid.join(credit, on=["model", "channel"], how="full", coalesce=True)
        .with_columns(pl.col("share", "true_share").fill_null(0.0))
        .with_columns(difference=pl.col("share") - pl.col("true_share"))
        .select("model", "channel", "share", "true_share", "difference")
    )


def truth_error(
    paths: pl.DataFrame,
    true_share: Mapping[str, float],
    models: Sequence[ModelSpec] = DEFAULT_MODELS,
) -> pl.DataFrame:
    """Total variation distance between each model's shares and the true shares, best first.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame of a synthetic family.
    true_share : mapping of str to float
        The true share of the conversions each channel earns (``truth.json``).
    models : sequence of str or (str, dict)
        The models to compare.

    Returns
    -------
    DataFrame
        model, error (total variation distance, 0 = right, 1 = all credit misplaced); best
        first.
    """
    return (
        truth_comparison(paths, true_share, models)
        .group_by("model", maintain_order=True)
        .agg(error=pl.col("difference").abs().sum() / 2)
        .sort("error", "model")
    )
