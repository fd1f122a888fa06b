"""Corrections for testing several arms, metrics or segments at once.

Each extra comparison is one more chance of a false alarm. Holm controls the chance of any
false alarm (family-wise error) and is never worse than Bonferroni, so it is the default for
arms and declared metrics. Benjamini-Hochberg controls the expected share of false
discoveries and suits exploratory segment breakdowns.

Examples
--------
>>> [round(float(p), 3) for p in holm([0.01, 0.04, 0.03])]
[0.03, 0.06, 0.06]
>>> [round(float(p), 3) for p in benjamini_hochberg([0.01, 0.04, 0.03])]
[0.03, 0.04, 0.04]
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np


def bonferroni(p_values: Any) -> np.ndarray:
    """Multiply each p-value by the number of tests (capped at 1).

    Parameters
    ----------
    p_values : array-like
        The family's p-values on the last axis.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> bonferroni([0.01, 0.04]).tolist()
    [0.02, 0.08]
    """
    p = np.asarray(p_values, dtype=float)
    return np.minimum(p * p.shape[-1], 1.0)


def holm(p_values: Any) -> np.ndarray:
    """Holm step-down adjusted p-values (last axis is the family).

    Parameters
    ----------
    p_values : array-like
        The family's p-values on the last axis; a NaN stays NaN and leaves the others be.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> holm([0.01, float("nan"), 0.04]).tolist()
    [0.03, nan, 0.08]
    """
    p = np.asarray(p_values, dtype=float)
    m = p.shape[-1]
    order = np.argsort(p, axis=-1)
    ranked = np.take_along_axis(p, order, axis=-1) * (m - np.arange(m))
    # fmax: a NaN p-value (a test that could not be computed; sorted last) must not turn
    # the others into NaN; it stays NaN itself
    ranked = np.minimum(np.fmax.accumulate(ranked, axis=-1), 1.0)
    adjusted = np.empty_like(ranked)
    np.put_along_axis(adjusted, order, ranked, axis=-1)
    return np.where(np.isnan(p), np.nan, adjusted)


def benjamini_hochberg(p_values: Any) -> np.ndarray:
    """Benjamini-Hochberg step-up adjusted p-values (false discovery rate).

    Parameters
    ----------
    p_values : array-like
        The family's p-values on the last axis; a NaN stays NaN and leaves the others be.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> [round(float(p), 4) for p in benjamini_hochberg([0.01, 0.02, 0.04])]
    [0.03, 0.03, 0.04]
    """
    p = np.asarray(p_values, dtype=float)
    m = p.shape[-1]
    order = np.argsort(p, axis=-1)
    ranked = np.take_along_axis(p, order, axis=-1) * m / np.arange(1, m + 1)
    # step-up: running minimum from the largest p-value down
    # (fmin, so a NaN p-value, sorted last, does not make every other adjusted p NaN)
    ranked = np.minimum(np.flip(np.fmin.accumulate(np.flip(ranked, -1), axis=-1), -1), 1.0)
    adjusted = np.empty_like(ranked)
    np.put_along_axis(adjusted, order, ranked, axis=-1)
    return np.where(np.isnan(p), np.nan, adjusted)


def adjust(
    p_values: Any, method: Literal["holm", "bonferroni", "bh", "none"] = "holm"
) -> np.ndarray:
    """Adjust p-values by name; ``"none"`` returns them unchanged.

    Parameters
    ----------
    p_values : array-like
        The family's p-values on the last axis.
    method : {"holm", "bonferroni", "bh", "none"}
        The correction.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> adjust([0.01, 0.04], "none").tolist()
    [0.01, 0.04]
    """
    functions = {"holm": holm, "bonferroni": bonferroni, "bh": benjamini_hochberg}
    if method == "none":
        return np.asarray(p_values, dtype=float)
    if method not in functions:
        raise ValueError(f"unknown correction {method!r}; use one of holm, bonferroni, bh, none.")
    return functions[method](p_values)
