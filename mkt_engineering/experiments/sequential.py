"""Sequential monitoring: look at the results every day without inflating false alarms.

Checking a fixed-horizon test daily and stopping at the first p < 0.05 fires far more often
than 5% when nothing changed. Two valid alternatives:

- **mSPRT** always-valid p-values and confidence sequences (Johari, Pekelis & Walsh 2017,
  "Always Valid Inference"; normal mixture with mixing variance ``tau^2``). Valid under
  continuous peeking, with no plan of looks needed.
- **Group-sequential boundaries** with a Lan-DeMets alpha-spending function (O'Brien-Fleming
  or Pocock type) for a planned number of looks. Boundaries are computed by recursive
  numerical integration of the Brownian-motion density (Armitage, McPherson & Rowe 1969;
  Jennison & Turnbull 2000, ch. 19), not by simulation.

All functions take arrays whose last axis is the look, so 10,000 simulated experiments with
14 looks are evaluated in one call.

Examples
--------
>>> [round(b, 3) for b in group_sequential_bounds([0.2, 0.4, 0.6, 0.8, 1.0])]
[4.877, 3.357, 2.68, 2.29, 2.031]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

import numpy as np
from scipy import optimize, special, stats

Spending = Literal["obrien_fleming", "pocock"]


def spent_alpha(
    fraction: Any, alpha: float = 0.05, spending: Spending = "obrien_fleming"
) -> np.ndarray:
    """Cumulative two-sided alpha spent by information fraction ``t`` (Lan & DeMets 1983).

    As in gsDesign and rpact, each side spends a one-sided ``alpha / 2`` with the
    spending function, so the two sides together spend ``alpha`` by ``t = 1``.

    Parameters
    ----------
    fraction : float or array
        Information fraction(s) t in (0, 1]: units so far / planned units.
    alpha : float
        Two-sided level spent in total by t = 1.
    spending : {"obrien_fleming", "pocock"}
        The spending function: O'Brien-Fleming-like (little early) or Pocock-like (evenly).

    Returns
    -------
    numpy.ndarray
        The cumulative alpha spent by each fraction.

    Examples
    --------
    >>> [round(float(a), 4) for a in spent_alpha([0.5, 1.0])]
    [0.0031, 0.05]
    """
    t = np.asarray(fraction, dtype=float)
    if spending == "obrien_fleming":
        return 2 * (2 * stats.norm.sf(stats.norm.isf(alpha / 4) / np.sqrt(t)))
    if spending == "pocock":
        return alpha * np.log(1 + (np.e - 1) * t)
    raise ValueError(f"unknown spending function {spending!r}; use 'obrien_fleming' or 'pocock'.")


def group_sequential_bounds(
    fractions: Any, alpha: float = 0.05, spending: Spending = "obrien_fleming", grid: int = 401
) -> list[float]:
    """Two-sided z boundaries, one per planned look at information ``fractions``.

    A look so early that the spending function spends (numerically) nothing gets the
    unreachable boundary ``MAX_BOUND``.

    Parameters
    ----------
    fractions : sequence of float
        Information fraction of each look, increasing, usually ending at 1.
    alpha : float
        Two-sided level of the whole sequence.
    spending : {"obrien_fleming", "pocock"}
        The alpha-spending function.
    grid : int
        Integration nodes of the score density (odd; more is more precise).

    Returns
    -------
    list of float
        The |z| a look must reach to stop for efficacy.

    Examples
    --------
    >>> round(group_sequential_bounds([1.0])[0], 4)
    1.96
    >>> [round(b, 2) for b in group_sequential_bounds([0.0005, 0.001, 0.5, 1.0])]
    [40.0, 40.0, 2.96, 1.97]
    """
    return list(_bounds(tuple(float(f) for f in fractions), alpha, spending, grid))


MAX_BOUND = 40.0
"""Largest z boundary reported. A look at a tiny information fraction (a first day with
0.3% of the planned units) spends less alpha than a double can hold, so its exact
boundary is infinite; 40 is as unreachable and keeps the integration grid finite."""


@lru_cache(maxsize=64)
def _bounds(
    fractions: tuple[float, ...], alpha: float, spending: Spending, grid: int
) -> tuple[float, ...]:
    t = np.asarray(fractions)
    increments = np.diff(np.concatenate([[0.0], spent_alpha(t, alpha, spending)]))
    bounds = [min(float(stats.norm.isf(increments[0] / 2)), MAX_BOUND)]
    # density of the score S(t) = Z sqrt(t) on the continuation region, on a grid
    nodes = np.linspace(-bounds[0] * np.sqrt(t[0]), bounds[0] * np.sqrt(t[0]), grid)
    density = stats.norm.pdf(nodes, scale=np.sqrt(t[0]))
    for k in range(1, len(t)):
        step = np.sqrt(t[k] - t[k - 1])
        weights = _simpson(nodes) * density

        args = (nodes, weights, step, np.sqrt(t[k]), increments[k])
        if _exit_gap(MAX_BOUND, *args) >= 0:  # nothing left to spend at this look
            b = MAX_BOUND
        else:
            b = optimize.brentq(_exit_gap, 0.01, MAX_BOUND, args=args, xtol=1e-10)
        bounds.append(float(b))
        new_nodes = np.linspace(-b * np.sqrt(t[k]), b * np.sqrt(t[k]), grid)
        gap = (new_nodes[:, None] - nodes[None, :]) / step
        kernel = np.exp(-0.5 * gap * gap) / (np.sqrt(2 * np.pi) * step)
        density, nodes = kernel @ weights, new_nodes
    return tuple(bounds)


def _exit_gap(b: float, nodes, weights, step: float, root_t: float, target: float) -> float:
    """Probability of crossing +-b at this look without crossing before, minus its budget."""
    edge = b * root_t
    leave = special.ndtr((-edge - nodes) / step) + special.ndtr((nodes - edge) / step)
    return float(weights @ leave) - target


def _simpson(nodes: np.ndarray) -> np.ndarray:
    """Simpson weights for an odd number of equally spaced nodes."""
    h = nodes[1] - nodes[0]
    w = np.ones(nodes.size)
    w[1:-1:2], w[2:-1:2] = 4, 2
    return w * h / 3


def group_sequential_test(
    z: Any, fractions: Any, alpha: float = 0.05, spending: Spending = "obrien_fleming"
) -> dict:
    """Stop-for-efficacy decision at planned looks; ``z`` has looks on its last axis.

    Parameters
    ----------
    z : array
        z statistic at each look (last axis); leading axes are simulated experiments.
    fractions : sequence of float
        Information fraction of each look.
    alpha : float
        Two-sided level of the whole sequence.
    spending : {"obrien_fleming", "pocock"}
        The alpha-spending function.

    Returns
    -------
    dict
        ``rejected`` (any look crossed), ``stop_look`` (first crossing, -1 if none) and
        the ``bounds``.

    Examples
    --------
    >>> out = group_sequential_test([[0.5, 2.2], [3.1, 1.0]], [0.5, 1.0])
    >>> out["rejected"].tolist(), out["stop_look"].tolist()
    ([True, True], [1, 0])
    """
    bounds = np.asarray(group_sequential_bounds(fractions, alpha, spending))
    crossed = np.abs(np.asarray(z, dtype=float)) >= bounds
    rejected = crossed.any(axis=-1)
    return {
        "rejected": rejected,
        "stop_look": np.where(rejected, crossed.argmax(axis=-1), -1),
        "bounds": bounds,
    }


def msprt_p_values(effect: Any, variance: Any, tau: float) -> np.ndarray:
    """Always-valid p-values at each look (last axis): running minimum of 1 / likelihood ratio.

    Parameters
    ----------
    effect : array
        The estimated difference at each look (last axis).
    variance : array
        Its squared standard error at each look.
    tau : float
        The effect size the mixture expects; the MDE is a good choice.

    Returns
    -------
    numpy.ndarray
        p-values that stay valid however often they are read; they never increase.

    Examples
    --------
    >>> p = msprt_p_values([0.0, 0.02, 0.03], [1e-4, 5e-5, 3e-5], tau=0.02)
    >>> [round(float(v), 4) for v in p]
    [1.0, 0.0857, 0.0]
    """
    d = np.asarray(effect, dtype=float)
    v = np.asarray(variance, dtype=float)
    tau2 = tau**2
    log_lr = 0.5 * np.log(v / (v + tau2)) + tau2 * d**2 / (2 * v * (v + tau2))
    p = np.minimum(1.0, np.exp(-log_lr))
    return np.minimum.accumulate(p, axis=-1)


def confidence_sequence(
    effect: Any, variance: Any, tau: float, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Always-valid (1 - alpha) interval at each look: values not rejected by the mSPRT.

    The running intersection is taken, so the interval never widens.

    Parameters
    ----------
    effect, variance : array
        The estimated difference and its squared standard error at each look (last axis).
    tau : float
        The effect size the mixture expects (as in `msprt_p_values`).
    alpha : float
        1 - level of the interval.

    Returns
    -------
    (low, high) : numpy.ndarray
        The interval at each look.

    Examples
    --------
    >>> low, high = confidence_sequence([0.02, 0.03], [1e-4, 5e-5], tau=0.02)
    >>> bool(low[-1] > 0)
    True
    """
    d = np.asarray(effect, dtype=float)
    v = np.asarray(variance, dtype=float)
    tau2 = tau**2
    radius = np.sqrt(2 * v * (v + tau2) / tau2 * (np.log(1 / alpha) + 0.5 * np.log((v + tau2) / v)))
    low = np.maximum.accumulate(d - radius, axis=-1)
    high = np.minimum.accumulate(d + radius, axis=-1)
    return low, high
