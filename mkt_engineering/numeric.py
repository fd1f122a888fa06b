"""Small numeric helpers shared by the model fits and the Markov solver."""

from __future__ import annotations

import numpy as np


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
