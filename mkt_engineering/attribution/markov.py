"""Exact Markov-chain attribution with removal effects, for chains of order 1 to 4.

The journeys are read as walks of an absorbing Markov chain: from a start state through
channel states to "conversion" or "null" (no conversion). For order k a state is the last
k channels, so the chain remembers where the customer came from. A channel's **removal
effect** is the share of the conversion probability that is lost when the channel is
taken out: every transition into a state that contains the channel goes to "null" instead.
Credit is the total conversions split in proportion to the removal effects (Anderl et al.
2016). Everything is solved exactly with sparse linear algebra; nothing is simulated.

Conversion value gets its own removal effects: the chain ends in conversion with the
average value of the conversions seen from that state, and the expected value from the
start is solved the same way.

References
----------
Anderl, E., Becker, I., von Wangenheim, F., Schumann, J. H. (2016). Mapping the customer
journey: Lessons learned from graph-based online attribution modeling. International
Journal of Research in Marketing 33(3), 457-474.

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
...                       "conversions": [2.0, 0, 1, 1, 0], "non_conversions": [1.0, 2, 1, 0, 1]})
>>> model = MarkovModel(order=1).fit(paths)
>>> round(model.conversion_probability_, 6)
0.444444
>>> model.credit_.select("channel", pl.col("conversions", "removal_effect").round(4)).rows()
[('B', 2.2857, 1.0), ('A', 1.3333, 0.5833), ('C', 0.381, 0.1667)]
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.linalg import splu, spsolve

from mkt_engineering.attribution.paths import as_paths

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
MAX_ORDER = 4
DIRECT_LIMIT = 400  # states; above this the iterative solve is faster than LU
CHUNK_COLUMNS = 8  # scenarios solved together: small enough to stay in cache
LOOKUP_LIMIT = 50_000_000  # state codes; above this they are numbered by sorting (more channels)


def _touch_states(paths: pl.DataFrame, channels: list[str], order: int) -> tuple[np.ndarray, np.ndarray]:
    """The state code of every touch, and the code of the state before it (-1: the start).

    A state is the last ``order`` channels; with channel codes 1..n and base n+1 the state
    code is sum(code of the touch j steps back x base**j), 0 standing for "no touch yet".
    Touches of one path are consecutive, so "j steps back" is a shift of the flat array.
    """
    base = len(channels) + 1
    lengths = paths["path"].list.len().to_numpy()
    codes = paths["path"].explode().cast(pl.Enum(channels)).to_physical().to_numpy().astype(np.int64) + 1
    position = np.arange(codes.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    state = codes.copy()
    for back in range(1, order):
        earlier = np.zeros_like(codes)
        earlier[back:] = codes[:-back]
        state += np.where(position >= back, earlier, 0) * base**back
    previous = np.empty_like(state)
    previous[1:] = state[:-1]
    previous[position == 0] = -1
    return state, previous


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct codes (sorted) and each code's index among them; codes lie in [-1, size)."""
    if size <= LOOKUP_LIMIT:  # a lookup table is linear time; sorting is not
        present = np.zeros(size + 1, dtype=bool)
        present[codes + 1] = True
        distinct = np.flatnonzero(present) - 1
        lookup = np.cumsum(present) - 1
        return distinct, lookup[codes + 1]
    return np.unique(codes, return_inverse=True)


def _masked_step(forward: sp.csr_matrix, negative_mask: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x - mask * (Q @ x), computed in place on the product."""
    product = forward @ x
    product *= negative_mask
    product += x
    return product


def _block_bicgstab(operator, rhs: np.ndarray, initial: np.ndarray | None = None,
                    tolerance: float = 1e-12, max_iterations: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Solve operator(X) = rhs column by column with BiCGSTAB, all columns in one pass.

    Each column has its own scalars (rho, alpha, omega), so this is plain BiCGSTAB run on
    many systems at once; the sparse products are shared. Returns the solution and, per
    column, whether its true residual reached ``tolerance`` relative to the right-hand side.
    """
    def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->j", a, b)

    def safe_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.divide(a, b, out=np.zeros_like(a), where=b != 0)

    solution = np.zeros_like(rhs) if initial is None else initial.copy()
    residual = rhs - operator(solution) if initial is not None else rhs.copy()
    shadow = residual.copy()
    direction = np.zeros_like(rhs)
    image = np.zeros_like(rhs)
    rho = alpha = omega = np.ones(rhs.shape[1])
    target = tolerance * np.sqrt(dot(rhs, rhs))
    for _ in range(max_iterations):
        if np.all(dot(residual, residual) <= target**2):
            break
        rho_next = dot(shadow, residual)
        beta = safe_divide(rho_next, rho) * safe_divide(alpha, omega)
        # direction = residual + beta * (direction - omega * image), in place to spare memory traffic
        image *= omega
        direction -= image
        direction *= beta
        direction += residual
        image = operator(direction)
        alpha = safe_divide(rho_next, dot(shadow, image))
        residual -= alpha * image  # now the half-step residual
        turned = operator(residual)
        omega = safe_divide(dot(turned, residual), dot(turned, turned))
        solution += alpha * direction
        solution += omega * residual
        residual -= omega * turned
        rho = rho_next
        if not np.any(rho_next):  # every column broke down or finished
            break
    # judge by the true residual, not the recursively updated one
    true_residual = rhs - operator(solution)
    converged = np.sqrt(dot(true_residual, true_residual)) <= 10 * target + 1e-300
    return solution, converged


def _visits_without(forward: sp.csr_matrix, visits: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Expected visits per state from the start when the ``False`` states of each column of
    ``keep`` are removed (their inflow goes to "null").

    Solves (I - M Q^T M) w = e_start per column, starting from the visits of the full chain,
    which are known exactly: an estimated chain reproduces the observed visit counts.
    """
    mask = keep.astype(float)
    rhs = np.zeros_like(mask)
    rhs[0] = 1.0
    solution, converged = _block_bicgstab(partial(_masked_step, forward, -mask), rhs, initial=visits[:, None] * mask)
    for column in np.flatnonzero(~converged):  # rare breakdown: solve that column directly
        kept = keep[:, column]
        system = sp.identity(int(kept.sum()), format="csc") - sp.csc_matrix(forward[kept][:, kept])
        solution[:, column] = 0.0
        solution[kept, column] = spsolve(system, rhs[kept, column])
    return solution


class MarkovModel:
    """Absorbing-chain attribution of a given order, solved exactly.

    Parameters
    ----------
    order : int
        How many past channels a state remembers (1 to 4).

    Attributes
    ----------
    conversion_probability_ : float
        Probability that a journey from the start ends in a conversion.
    expected_value_ : float
        Expected conversion value per journey.
    credit_ : DataFrame
        channel, conversions, value, removal_effect, value_removal_effect.
    transition_matrix_ : DataFrame
        from_state, to_state, probability, count (the estimated chain).
    states_ : int
        Number of transient states (start included).
    """

    def __init__(self, order: int = 1) -> None:
        if not 1 <= int(order) <= MAX_ORDER:
            raise ValueError(f"order must be 1 to {MAX_ORDER}, got {order}")
        self.order = int(order)

    def fit(self, paths: pl.DataFrame) -> MarkovModel:
        paths = as_paths(paths).filter(pl.col("conversions") + pl.col("non_conversions") > 0)
        self.channels_ = sorted(paths["path"].explode().unique().drop_nulls().to_list())
        weight = (paths["conversions"] + paths["non_conversions"]).to_numpy()
        lengths = paths["path"].list.len().to_numpy()
        state, previous = _touch_states(paths, self.channels_, self.order)
        size = (len(self.channels_) + 1) ** self.order
        codes, index = _compact(np.concatenate([[-1], previous, state]), size)
        m = codes.size
        touch_source = index[1 : state.size + 1]
        touch_target = index[state.size + 1 :]
        # summing duplicate (source, target) pairs gives the transition counts
        moves = sp.csr_matrix((np.repeat(weight, lengths), (touch_source, touch_target)), shape=(m, m)).tocoo()
        source, target, counts = moves.row, moves.col, moves.data
        last = touch_target[np.cumsum(lengths) - 1]
        out = np.bincount(source, weights=counts, minlength=m)
        conv = np.bincount(last, weights=paths["conversions"].to_numpy(), minlength=m)
        null = np.bincount(last, weights=paths["non_conversions"].to_numpy(), minlength=m)
        value = np.bincount(last, weights=paths["value"].to_numpy(), minlength=m)
        total_out = out + conv + null
        self.states_ = m
        self._codes = codes
        self._matrix = sp.csc_matrix((counts / total_out[source], (source, target)), shape=(m, m))
        self._rhs = np.column_stack([conv / total_out, value / total_out])
        # expected visits per journey; the fitted chain reproduces the observed flows exactly
        self._visits = total_out / total_out[0]
        self._transitions = (source, target, counts, total_out, conv, null)
        self._transition_frame = None
        self._solve_removals(paths)
        return self

    def _contains(self) -> np.ndarray:
        """Boolean (states x channels): which channels each state remembers."""
        base = len(self.channels_) + 1
        contains = np.zeros((self._codes.size, len(self.channels_)), dtype=bool)
        rows = np.arange(self._codes.size)
        for back in range(self.order):
            digit = (self._codes // base**back) % base
            has = (self._codes >= 0) & (digit > 0)
            contains[rows[has], digit[has] - 1] = True
        return contains

    def _absorption(self, keep: np.ndarray) -> np.ndarray:
        """Conversion probability and expected value from the start (state 0), for each
        column of ``keep`` (states x scenarios; a removed channel's states are False).

        Transitions into removed states end in "null". Small chains are solved by sparse
        LU. Large higher-order chains fill in badly under LU, so they are solved for the
        expected visits per state (one column per scenario gives both the probability and
        the value) by BiCGSTAB, a Krylov method, down to a relative residual of 1e-12:
        exact to rounding, not a simulation. The columns are shared out over the cores.
        """
        if self.states_ <= DIRECT_LIMIT:
            results = np.zeros((keep.shape[1], 2))
            system = sp.identity(self.states_, format="csc") - self._matrix
            for scenario in range(keep.shape[1]):
                kept = keep[:, scenario]
                reduced = sp.csc_matrix(system[kept][:, kept])
                results[scenario] = splu(reduced, permc_spec="COLAMD").solve(self._rhs[kept])[0]
            return results
        forward = sp.csr_matrix(self._matrix.T)
        chunks = np.array_split(np.arange(keep.shape[1]), max(1, -(-keep.shape[1] // CHUNK_COLUMNS)))
        with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1)) as pool:
            # numpy and scipy's sparse products release the GIL, so threads use every core
            visits = list(pool.map(lambda columns: _visits_without(forward, self._visits, keep[:, columns]), chunks))
        return np.concatenate(visits, axis=1).T @ self._rhs

    def _solve_removals(self, paths: pl.DataFrame) -> None:
        contains = self._contains()
        if self.states_ <= DIRECT_LIMIT:
            solved = self._absorption(np.column_stack([np.ones(self.states_, dtype=bool), ~contains]))
        else:  # the full chain needs no solve: its visits are the observed ones
            solved = np.vstack([self._visits @ self._rhs, self._absorption(~contains)])
        probability, expected_value = solved[0]
        self.conversion_probability_ = float(probability)
        self.expected_value_ = float(expected_value)
        base = solved[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            effects = np.where(base > 0, 1.0 - solved[1:] / base, 0.0)
        # rounding leaves noise of about 1e-16 where the true effect is 0 (e.g. a channel only
        # in non-converting journeys); clear it so such channels get exactly no credit
        effects = np.where(effects < 1e-12, 0.0, effects)
        totals = np.array([paths["conversions"].sum(), paths["value"].sum()])
        sums = effects.sum(axis=0)
        shares = np.divide(effects, sums, out=np.zeros_like(effects), where=sums > 0)
        self.credit_ = pl.DataFrame(
            {
                "channel": self.channels_,
                "conversions": shares[:, 0] * totals[0],
                "value": shares[:, 1] * totals[1],
                "removal_effect": effects[:, 0],
                "value_removal_effect": effects[:, 1],
            }
        ).sort(["conversions", "channel"], descending=[True, False])

    def state_names(self) -> list[str]:
        """Readable names of the transient states, e.g. ``search>email`` for order 2."""
        base = len(self.channels_) + 1
        names = []
        for code in self._codes:
            if code < 0:
                names.append(START)
                continue
            digits = [(code // base**back) % base for back in reversed(range(self.order))]
            names.append(">".join(self.channels_[d - 1] for d in digits if d > 0))
        return names

    @property
    def transition_matrix_(self) -> pl.DataFrame:
        """from_state, to_state, probability, count: the estimated chain, built on first use
        (naming 100,000 states costs more than solving the chain)."""
        if self._transition_frame is None:
            self._transition_frame = self._transition_table(*self._transitions)
        return self._transition_frame

    def _transition_table(self, source, target, counts, total_out, conv, null) -> pl.DataFrame:
        names = np.array(self.state_names(), dtype=object)
        states = np.arange(self.states_)
        ends = {CONVERSION: conv, NULL: null}
        frames = [pl.DataFrame({"from_state": names[source], "to_state": names[target], "count": counts})]
        for label, weight in ends.items():
            used = weight > 0
            frames.append(pl.DataFrame({"from_state": names[states[used]], "to_state": label, "count": weight[used]}))
        frame = pl.concat(frames, how="vertical_relaxed")
        totals = pl.DataFrame({"from_state": names, "total": total_out})
        return (
            frame.join(totals, on="from_state", how="left")
            .select("from_state", "to_state", probability=pl.col("count") / pl.col("total"), count="count")
            .sort("from_state", "to_state")
        )

    def to_frame(self) -> pl.DataFrame:
        """The credit frame: channel, conversions, value, removal_effect, value_removal_effect."""
        return self.credit_


def markov(paths: pl.DataFrame, order: int = 1) -> pl.DataFrame:
    """Markov removal-effect attribution (exact); see `MarkovModel` for the matrix.

    Returns channel, conversions, value, removal_effect, value_removal_effect, largest
    conversions first.
    """
    return MarkovModel(order).fit(paths).credit_
