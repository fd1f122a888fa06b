"""Chebyshev interpolation in log-age: a costly smooth term at a few ages instead of every age.

Under parameter draws, BG/NBD's expected purchases of a live customer need a hypergeometric
function per draw, frequency, age and month. As a function of s = log(alpha + T) the term is
analytic in a strip around the real axis (its singularities sit at alpha + T = 0 and
alpha + T = -t), so a Chebyshev interpolant on a few dozen nodes in s matches it to about
1e-13 relative for the usual fits. Each interpolant is checked against the term itself at a
few ages before use; where the check fails, the caller evaluates the term directly.

Examples
--------
>>> ages = np.linspace(0.0, 80.0, 200)
>>> shift = np.array([[4.0], [6.0]])
>>> values = interpolate_in_log_age(lambda T: 1 / (shift + T + 13.0), ages, shift)
>>> bool(np.allclose(values, 1 / (shift + ages + 13.0), rtol=1e-12))
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Chebyshev nodes per interpolant.
NODES = 32
#: Largest relative difference from the term itself accepted at the check ages. For fits
#: near BG/NBD's no-heterogeneity edge (a, b in the hundreds or millions) the term itself
#: loses digits to cancellation (about 1e-10 on the 10-million-order bench); reports
#: promise their numbers to 1e-9.
TOLERANCE = 1e-9
#: Ages checked against the term itself, as shares of the sorted ages.
CHECKS = (0.0, 0.13, 0.37, 0.55, 0.71, 0.89, 1.0)


def interpolate_in_log_age(
    term: Callable[[np.ndarray], np.ndarray], ages: np.ndarray, shift: np.ndarray
) -> np.ndarray | None:
    """``term(T)`` at every age of ``ages`` under each draw, from ``NODES`` evaluations.

    Parameters
    ----------
    term : callable
        Maps ages (draws x n) to the term's values (draws x n), each row under its draw.
    ages : ndarray
        Increasing ages (at least ``2 * NODES`` of them, or interpolation does not pay).
    shift : ndarray
        alpha per draw (draws x 1): the interpolation variable is log(alpha + T).

    Returns
    -------
    ndarray or None
        draws x ages, or None when the interpolant misses the term at a check age.
    """
    low, high = np.log(shift + ages[0]), np.log(shift + ages[-1])
    angles = np.pi * (np.arange(NODES) + 0.5) / NODES
    nodes = np.exp((low + high) / 2 + (high - low) / 2 * np.cos(angles)) - shift
    at_nodes = term(np.maximum(nodes, 0.0))
    # Chebyshev coefficients from the values at the nodes (a discrete cosine transform).
    transform = 2 / NODES * np.cos(np.outer(np.arange(NODES), angles))
    transform[0] /= 2
    coefficients = at_nodes @ transform.T
    position = (2 * np.log(shift + ages) - low - high) / np.where(high > low, high - low, 1.0)
    values = _clenshaw(coefficients, position)
    checked = np.unique(np.round(np.array(CHECKS) * (ages.size - 1)).astype(int))
    exact = term(np.broadcast_to(ages[checked], (shift.shape[0], checked.size)))
    error = np.abs(values[:, checked] - exact) / np.maximum(np.abs(exact), 1e-300)
    if not np.all(np.isfinite(values)) or not np.all(error <= TOLERANCE):
        return None
    return values


def _clenshaw(coefficients: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Sum of coefficients[:, k] T_k(position) per draw (rows), by Clenshaw's recurrence."""
    later, latest = np.zeros_like(position), np.zeros_like(position)
    twice = 2 * position
    for k in range(coefficients.shape[1] - 1, 0, -1):
        later, latest = latest, coefficients[:, k, None] + twice * latest - later
    return coefficients[:, 0, None] + position * latest - later
