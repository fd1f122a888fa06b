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
