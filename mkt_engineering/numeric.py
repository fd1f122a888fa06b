"""Small numeric helpers shared by the model fits and the Markov solver."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Most threads of `in_threads` (each holds its own working arrays).
MAX_THREADS = 4


def in_threads(work: Callable[..., object], items: Iterable) -> list:
    """``[work(item) for item in items]``, the items spread over the machine's cores.

    For numpy and scipy work on large arrays, whose loops release the GIL: each item's
    result is the same whichever thread computes it, so results do not depend on the
    number of cores.

    Examples
    --------
    >>> in_threads(lambda n: n * n, range(4))
    [0, 1, 4, 9]
    """
    with ThreadPoolExecutor(max_workers=min(MAX_THREADS, os.cpu_count() or 1)) as pool:
        return list(pool.map(work, items))


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product of two vectors, without BLAS.

    OpenBLAS splits long dot products over threads that spin while they wait; on a machine
    whose cores are busy (or from several worker threads at once), one such call can take
    milliseconds instead of microseconds. einsum's own loop is single-threaded and as fast.

    Examples
    --------
    >>> dot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    11.0
    """
    return float(np.einsum("i,i->", a, b))


class DenseIndex:
    """Numbers the distinct values of non-negative integer keys 0, 1, 2, ... in increasing order.

    Counting on a table of every possible key is linear time, so it is used while the table
    (``size``, the largest key + 1) stays within ``table_limit``; beyond that, a sort.

    Examples
    --------
    >>> index = DenseIndex(np.array([7, 3, 7, 9]), size=10, table_limit=100)
    >>> index.values, index(np.array([9, 3, 7]))
    (array([3, 7, 9]), array([2, 0, 1], dtype=int32))
    >>> sorted_index = DenseIndex(np.array([7, 3, 7, 9]), size=10, table_limit=0)
    >>> sorted_index.values, sorted_index(np.array([9, 3, 7]))
    (array([3, 7, 9]), array([2, 0, 1]))
    """

    def __init__(self, keys: np.ndarray, size: int, table_limit: int) -> None:
        self._table = None
        if size <= table_limit:
            present = np.zeros(size, dtype=bool)
            present[keys] = True
            self.values = np.flatnonzero(present)
            self._table = np.cumsum(present, dtype=np.int32 if size < 2**31 else np.int64) - 1
        else:
            self.values = np.unique(keys)

    def __call__(self, keys: np.ndarray) -> np.ndarray:
        """Each key's number (keys must be among the indexed ones)."""
        if self._table is not None:
            return self._table[keys]
        return np.searchsorted(self.values, keys)


def row_quantiles(values: np.ndarray, q: float | Sequence[float]) -> np.ndarray:
    """The ``q`` quantile of each row, missing values (NaN) left out: ``np.nanquantile``'s
    linear method along ``axis=1``, without its Python loop over rows.

    ``np.nanquantile(values, q, axis=1)`` calls a one-dimensional quantile per row (5
    million rows took most of an hour); sorting once puts the NaN last in every row, and
    each row's quantile is read from its own count of values. A row without any value
    gives NaN. Several levels ``q`` are read from the same sort (one row of the result each).

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1.0, 3.0, 2.0, np.nan], [np.nan, np.nan, np.nan, np.nan]])
    >>> row_quantiles(values, 0.5)
    array([ 2., nan])
    >>> row_quantiles(values, [0.0, 1.0])
    array([[ 1., nan],
           [ 3., nan]])
    """
    ordered = np.sort(values, axis=1)  # NaN sort last
    counts = np.count_nonzero(~np.isnan(values), axis=1)
    if np.ndim(q) == 0:
        return _read_quantile(ordered, counts, float(q))
    return np.stack([_read_quantile(ordered, counts, float(level)) for level in q])


def sorted_row_quantiles(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """`row_quantiles` of a matrix that may be sorted in place, fastest when all is finite.

    Sorts ``values`` along its rows in place (the caller's scratch array). When every value
    is finite, which the two ends of each sorted row tell, each row's quantile is read at
    the same position, without counting values per row; otherwise `row_quantiles` reads
    the sorted rows. Either way the same interpolation, so the results are identical.

    Examples
    --------
    >>> values = np.array([[3.0, 1.0, 2.0], [9.0, np.nan, 7.0]])
    >>> sorted_row_quantiles(values, [0.5, 1.0])
    array([[2., 8.],
           [3., 9.]])
    >>> values[0]  # sorted in place
    array([1., 2., 3.])
    """
    values.sort(axis=1)  # NaN last
    if values.shape[1] == 0 or not (
        np.isfinite(values[:, 0]).all() and np.isfinite(values[:, -1]).all()
    ):
        return row_quantiles(values, q)
    counts = np.full(values.shape[0], values.shape[1])
    return np.stack([_read_quantile(values, counts, float(level)) for level in q])


def _read_quantile(ordered: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """The ``q`` quantile of each row of ``ordered`` (sorted rows, NaN last, ``counts`` values)."""
    position = q * (counts - 1)
    below = np.clip(np.floor(position).astype(np.int64), 0, None)
    above = np.minimum(below + 1, np.maximum(counts - 1, 0))
    rows = np.arange(ordered.shape[0])
    low, high = ordered[rows, below], ordered[rows, above]
    weight = position - below
    # numpy's lerp, so results agree with np.nanquantile to the last bit or so
    difference = high - low
    result = np.where(weight >= 0.5, high - difference * (1 - weight), low + difference * weight)
    return np.where(counts > 0, result, np.nan)
