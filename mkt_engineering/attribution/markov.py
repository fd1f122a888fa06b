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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.linalg import splu, spsolve

from mkt_engineering.attribution.paths import as_paths
from mkt_engineering.numeric import DenseIndex, dot

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
MAX_ORDER = 4
DIRECT_LIMIT = 400  # states; above this the iterative solve is faster than LU
LOOKUP_LIMIT = 50_000_000  # table sizes (state codes, transition keys); above this: sorting
BLOCK_BYTES = 400_000_000  # working arrays of one block of removal scenarios


def _channel_codes(paths: pl.DataFrame) -> tuple[list[str], np.ndarray]:
    """The distinct channels, sorted, and every touch's channel (path after path) as a code 1..n.

    One hashing pass over the touches (a categorical cast, in the lazy engine, which
    spreads it over the cores) gives both; the categorical's own numbers are renumbered
    into sorted order by a small lookup table.
    """
    category = (
        paths.lazy().select(pl.col("path").explode().cast(pl.Categorical)).collect().to_series()
    )
    distinct = category.unique()
    names = distinct.cast(pl.String).to_list()
    order = sorted(range(len(names)), key=names.__getitem__)
    own = distinct.to_physical().to_numpy()
    table = np.zeros(int(own.max()) + 1 if own.size else 1, dtype=np.int32)
    table[own[order]] = np.arange(1, len(names) + 1, dtype=np.int32)
    return [names[i] for i in order], table[category.to_physical().to_numpy()]


def _touch_states(
    codes: np.ndarray, lengths: np.ndarray, base: int, order: int
) -> tuple[np.ndarray, np.ndarray]:
    """The state code of every touch, and where each path starts in the flat touch array.

    ``codes`` are the paths' channel codes (1..base-1) one after another, ``lengths`` the
    path lengths. A state is the last ``order`` channels; the state code is sum(code of
    the touch j steps back x base**j), 0 standing for "no touch yet" (so the start state,
    before any touch, is code 0). Touches of one path are consecutive, so "j steps back"
    is a shift of the flat array with the first j touches of each path cleared.
    """
    # 32-bit codes halve the memory traffic when every key fits (states x channels)
    dtype = np.int32 if base ** (order + 1) < 2**31 else np.int64
    codes = codes.astype(dtype, copy=False)
    starts = np.cumsum(lengths) - lengths
    state = codes.copy()
    earlier = codes
    for back in range(1, order):
        shifted = np.empty_like(earlier)
        shifted[1:] = earlier[:-1]
        shifted[starts] = 0  # the touch before a path's first is "no touch yet"
        state += shifted * dtype(base**back)
        earlier = shifted
    return state, starts


def _touch_keys(
    index: DenseIndex, state: np.ndarray, codes: np.ndarray, starts: np.ndarray, base: int
) -> np.ndarray:
    """Every touch's transition as one key: (number of the source state, newest channel).

    ``index`` numbers the state codes, ``state`` and ``codes`` are every touch's state
    and channel, ``starts`` where each path begins. A target is its source shifted by one
    channel, so (source, newest channel) names the pair. The array is reused in place
    where possible: the first touch of memory of millions of touches costs as much as
    the arithmetic.
    """
    m = index.values.size
    wide = np.int32 if m * base < 2**31 else np.int64
    target_touch = index(state).astype(wide, copy=False)
    key = np.empty_like(target_touch)
    key[1:] = target_touch[:-1]
    key[starts] = 0  # the first touch of a path comes from the start
    key *= wide(base)  # (source, newest channel)
    key += codes
    return key


def _pair_ends(
    index: DenseIndex, pairs: np.ndarray, base: int, order: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source number, target number and newest channel of each (source, newest) key."""
    source, newest = np.divmod(pairs, base)
    kept_digits = index.values[source] % base ** (order - 1)
    return source, index(kept_digits * base + newest), newest


def _transition_counts(
    index: DenseIndex,
    state: np.ndarray,
    codes: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    weight: np.ndarray,
    base: int,
    order: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Summed weight of every observed (source, target) pair, sorted by source.

    ``lengths`` are the path lengths, ``weight`` their journeys; the pairs are keyed by
    `_touch_keys`, and one bincount over those keys replaces sorting millions of touch
    pairs.
    """
    m = index.values.size
    key = _touch_keys(index, state, codes, starts, base)
    touch_weight = np.repeat(weight, lengths)
    if m * base <= LOOKUP_LIMIT:  # a table of every key, as for the states
        summed = np.bincount(key, weights=touch_weight, minlength=m * base)
        pairs = np.flatnonzero(summed)
        counts = summed[pairs]
    else:
        pairs, inverse = np.unique(key, return_inverse=True)
        counts = np.bincount(inverse, weights=touch_weight)
    source, target, _ = _pair_ends(index, pairs, base, order)
    return source, target, counts


def _add_scaled(target: np.ndarray, scale: float, vector: np.ndarray, scratch: np.ndarray) -> None:
    """target += scale * vector, in place, without BLAS (see `numeric.dot`) or a new array."""
    np.multiply(vector, scale, out=scratch)
    target += scratch


def _bicgstab(
    operator,
    rhs: np.ndarray,
    initial: np.ndarray,
    tolerance: float = 1e-12,
    max_iterations: int = 2000,
) -> tuple[np.ndarray, bool]:
    """Solve operator(x) = rhs by BiCGSTAB from ``initial``; also say whether the true
    residual reached ``tolerance`` relative to the right-hand side.

    The vector updates are in place: on a chain of 100,000 states they cost as much as
    the sparse products, so temporaries matter.
    """
    solution = initial.copy()
    residual = rhs - operator(solution)
    shadow = residual.copy()
    direction = np.zeros_like(rhs)
    image = np.zeros_like(rhs)
    scratch = np.empty_like(rhs)
    rho = alpha = omega = 1.0
    target = tolerance * np.sqrt(dot(rhs, rhs))
    for _ in range(max_iterations):
        if np.sqrt(dot(residual, residual)) <= target:
            break
        rho_next = dot(shadow, residual)
        if rho_next == 0.0 or omega == 0.0:
            break  # breakdown; the caller solves directly
        # direction = residual + beta * (direction - omega * image)
        _add_scaled(direction, -omega, image, scratch)
        direction *= (rho_next / rho) * (alpha / omega)
        direction += residual
        image = operator(direction)
        alpha = rho_next / dot(shadow, image)
        _add_scaled(residual, -alpha, image, scratch)  # the half-step residual
        turned = operator(residual)
        omega = dot(turned, residual) / max(dot(turned, turned), 1e-300)
        _add_scaled(solution, alpha, direction, scratch)
        _add_scaled(solution, omega, residual, scratch)
        _add_scaled(residual, -omega, turned, scratch)
        rho = rho_next
    # judge by the true residual, not the recursively updated one
    final = rhs - operator(solution)
    return solution, bool(np.sqrt(dot(final, final)) <= 10 * target)


def _visits_without(forward: sp.csr_matrix, visits: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Expected visits per state from the start when the ``False`` states of ``keep`` are
    removed (transitions into them go to "null"), by BiCGSTAB: the fallback for a scenario
    the batched iteration (`_removal_visits`) does not settle.

    Solves (I - M Q^T M) w = e_start, M the diagonal of ``keep``, starting from ``visits``.
    ``forward`` is Q^T in CSR form. Every vector of the solve is 0 on removed states, so
    masking the product's output is enough to cut them out.
    """
    mask = keep.astype(float)

    def operator(x: np.ndarray) -> np.ndarray:
        product = forward @ x
        product *= mask
        np.subtract(x, product, out=product)
        return product

    rhs = np.zeros(forward.shape[0])
    rhs[0] = 1.0
    solution, converged = _bicgstab(operator, rhs, visits * mask)
    if not converged:  # rare breakdown: solve this chain directly
        system = sp.identity(int(keep.sum()), format="csc") - sp.csc_matrix(forward[keep][:, keep])
        solution = np.zeros_like(rhs)
        solution[keep] = spsolve(system, rhs[keep])
    return solution


def _columns(block: np.ndarray) -> np.ndarray:
    """Sum of each column (einsum: no BLAS, see `numeric.dot`)."""
    return np.einsum("ij->j", block)


def _squares(block: np.ndarray) -> np.ndarray:
    """Sum of squares of each column."""
    return np.einsum("ij,ij->j", block, block)


def _two_level_steps(
    forward: sp.csr_matrix,
    entries: tuple[np.ndarray, np.ndarray],
    direction: np.ndarray,
    moved: np.ndarray,
    residual: np.ndarray,
    tolerance: float,
    max_steps: int = 60,
) -> np.ndarray:
    """Correction d with (I - B) d ~ ``residual`` for every column, B = M Q^T M, until each
    column's remaining residual is below ``tolerance`` (or ``max_steps`` passed).

    A two-level Richardson iteration. The smoothing step d += r needs only B r, done for
    all columns in one sparse-times-dense product that reads the matrix once. The coarse
    step removes the residual along ``direction`` u, the full chain's visits (masked):
    they are close to the slowest mode of B, which decays at the rate of journeys that
    carry on (0.8 a step at mean length 5), while the other modes decay at about 0.3 a
    step. ``moved`` is (I - B) u; the test vector is all ones (the residual's total mass).

    Every vector here is 0 on removed states, and mass reaches a removed state only from a
    kept one, so clearing the product at ``entries`` (row, column pairs: removed states
    with a kept predecessor) applies M without a pass over the block: these steps are
    limited by memory traffic, not arithmetic. They work in the arrays' own float type.
    """
    kind = residual.dtype.type
    absorbed = _columns(moved)
    absorbed[absorbed <= 0] = np.inf  # a chain that never ends: skip the coarse step
    residual = residual.copy()
    along = np.zeros(residual.shape[1], dtype=kind)
    steps = np.zeros_like(residual)
    scratch = np.empty_like(residual)
    size = np.inf
    for step in range(max_steps):
        shift = (_columns(residual) / absorbed).astype(kind)
        np.multiply(moved, shift, out=scratch)
        residual -= scratch
        along += shift
        steps += residual
        residual = forward @ residual
        residual[entries] = 0.0
        if step % 2 == 0:  # the residual shrinks about 3-fold a step: every other check is enough
            continue
        size, before = np.sqrt(_squares(residual).max()), size
        if size <= tolerance:
            break
        # a chain with another slow mode would crawl to max_steps: once the rate is clear,
        # leave early if it cannot get there in time (the caller finishes by BiCGSTAB)
        if step >= 9 and size > tolerance * (before / size) ** ((max_steps - step) / 2):
            break
    np.multiply(direction, along, out=scratch)
    steps += scratch
    return steps


def _removal_visits(
    forward: sp.csr_matrix,
    visits: np.ndarray,
    keep: np.ndarray,
    tolerance: float = 1e-12,
    forward_single: sp.csr_matrix | None = None,
) -> np.ndarray:
    """Expected visits per state (states x scenarios) with the ``False`` states of each
    column of ``keep`` removed, for many scenarios at once.

    Each column solves (I - B) w = e_start, B = M Q^T M with M that column's kept states,
    from the full chain's visits, by iterative refinement: the residual is computed in
    float64, the correction by `_two_level_steps` in float32 with ``forward_single`` (the
    same matrix), which halves the memory traffic those steps are bound by. A round gains
    about five digits, so two rounds usually reach the goal. The answer is accepted only
    when its float64 residual is below ``tolerance`` relative to the right-hand side, so
    it is as exact as a float64 solve; a column that is not (a chain with another slow
    mode) is finished by BiCGSTAB from where it got to.
    """
    mask = keep.astype(float)
    direction = visits[:, None] * mask
    flow = forward @ direction
    entries = np.nonzero(
        (flow > 0) & ~keep
    )  # every state is visited, so flow > 0 marks a kept predecessor
    moved = direction - mask * flow  # (I - B) u
    residual = -moved  # the starting residual: e_start - (I - B) u
    residual[0] += 1.0
    solution = direction.copy()
    if forward_single is None:
        forward_single = forward.astype(np.float32)
    direction_single, moved_single = direction.astype(np.float32), moved.astype(np.float32)
    size = np.sqrt(_squares(residual).max())
    for _ in range(4):
        if size <= tolerance:
            break
        # float32 settles about six digits of a correction: aim five lower, or just past the goal
        goal = max(tolerance / 4, size * 1e-5)
        solution += _two_level_steps(
            forward_single,
            entries,
            direction_single,
            moved_single,
            residual.astype(np.float32),
            goal,
        )
        residual = mask * (forward @ solution) - solution
        residual[0] += 1.0
        size, before = np.sqrt(_squares(residual).max()), size
        if size > before * 1e-2:
            break  # not gaining: BiCGSTAB below
    for column in np.flatnonzero(_squares(residual) > (10 * tolerance) ** 2):
        solution[:, column] = _visits_without(forward, solution[:, column], keep[:, column])
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
        channels, codes = _channel_codes(paths)
        weight = (paths["conversions"] + paths["non_conversions"]).to_numpy()
        base = len(channels) + 1
        lengths = paths["path"].list.len().to_numpy().astype(np.int64)
        state, starts = _touch_states(codes, lengths, base, self.order)
        # the start (code 0) is numbered too, first, though no touch is in it
        index = DenseIndex(np.concatenate([[0], state]), base**self.order, LOOKUP_LIMIT)
        m = index.values.size
        source, target, counts = _transition_counts(
            index, state, codes, starts, lengths, weight, base, self.order
        )
        last = index(state[np.append(starts[1:], state.size) - 1])
        ends = [
            np.bincount(last, weights=paths[column].to_numpy(), minlength=m)
            for column in ("conversions", "non_conversions", "value")
        ]
        totals = np.array([paths["conversions"].sum(), paths["value"].sum()])
        return self._fit_chain(channels, index.values, (source, target, counts), ends, totals)

    def _fit_chain(
        self,
        channels: list[str],
        codes: np.ndarray,
        transitions: tuple[np.ndarray, np.ndarray, np.ndarray],
        ends: list[np.ndarray],
        totals: np.ndarray,
    ) -> MarkovModel:
        """Estimate the chain from its summed flows and solve the removal effects.

        ``channels`` are the sorted channel names, ``codes`` the state codes (sorted),
        ``transitions`` the (source, target, count) pairs sorted by source, ``ends`` the
        conversions, non-conversions and value ending in each state, ``totals`` the total
        conversions and value to share out.
        """
        self.channels_ = channels
        source, target, counts = transitions
        conv, null, value = ends
        m = codes.size
        out = np.bincount(source, weights=counts, minlength=m)
        total_out = out + conv + null
        self.states_ = m
        self._codes = codes
        # pairs come sorted by source, so the CSR arrays are written directly (no sort)
        indptr = np.append(0, np.cumsum(np.bincount(source, minlength=m)))
        self._matrix = sp.csr_matrix((counts / total_out[source], target, indptr), shape=(m, m))
        self._rhs = np.column_stack([conv / total_out, value / total_out])
        # expected visits per journey; the fitted chain reproduces the observed flows exactly
        self._visits = total_out / total_out[0]
        self._transitions = (source, target, counts, total_out, conv, null)
        self._transition_frame = None
        self._solve_removals(totals)
        return self

    def _contains(self) -> np.ndarray:
        """Boolean (states x channels): which channels each state remembers."""
        base = len(self.channels_) + 1
        contains = np.zeros((self._codes.size, len(self.channels_)), dtype=bool)
        rows = np.arange(self._codes.size)
        for back in range(self.order):
            digit = (self._codes // base**back) % base
            has = digit > 0
            contains[rows[has], digit[has] - 1] = True
        return contains

    def _absorption(self, keep: np.ndarray) -> np.ndarray:
        """Conversion probability and expected value from the start (state 0), for each
        column of ``keep`` (states x scenarios; a removed channel's states are False).

        Transitions into removed states end in "null". Small chains are solved by sparse
        LU. Large higher-order chains fill in badly under LU, so they are solved for the
        expected visits per state (one column per scenario gives both the probability and
        the value) by an iteration that treats all scenarios at once (`_removal_visits`),
        down to a relative residual of 1e-12: exact to rounding, not a simulation.
        """
        if self.states_ <= DIRECT_LIMIT:
            results = np.zeros((keep.shape[1], 2))
            system = sp.identity(self.states_, format="csc") - self._matrix
            for scenario in range(keep.shape[1]):
                kept = keep[:, scenario]
                reduced = sp.csc_matrix(system[kept][:, kept])
                results[scenario] = splu(reduced, permc_spec="COLAMD").solve(self._rhs[kept])[0]
            return results
        forward = self._matrix.T.tocsr()
        # all scenarios share one matrix, so they are solved in blocks (one sparse product
        # per step for the block); blocks go to the cores (scipy's sparse products and numpy
        # release the GIL), and stay under about 400 MB of working arrays each
        workers = os.cpu_count() or 1
        width = max(1, min(-(-keep.shape[1] // workers), BLOCK_BYTES // (8 * 8 * self.states_)))
        blocks = [
            np.arange(first, min(first + width, keep.shape[1]))
            for first in range(0, keep.shape[1], width)
        ]
        forward_single = forward.astype(np.float32)

        def solve(block: np.ndarray) -> np.ndarray:
            visits = _removal_visits(
                forward,
                self._visits,
                np.ascontiguousarray(keep[:, block]),
                forward_single=forward_single,
            )
            # one column of the right-hand side at a time: einsum's two-operand contraction
            # over a whole block is ten times slower
            return np.column_stack([np.einsum("ij,i->j", visits, column) for column in self._rhs.T])

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return np.vstack(list(pool.map(solve, blocks)))

    def _solve_removals(self, totals: np.ndarray) -> None:
        """Removal effects and credit; ``totals`` are the conversions and value to share."""
        contains = self._contains()
        if self.states_ <= DIRECT_LIMIT:
            solved = self._absorption(
                np.column_stack([np.ones(self.states_, dtype=bool), ~contains])
            )
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
            if code == 0:
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
        frames = [
            pl.DataFrame({"from_state": names[source], "to_state": names[target], "count": counts})
        ]
        for label, weight in ends.items():
            used = weight > 0
            frames.append(
                pl.DataFrame(
                    {"from_state": names[states[used]], "to_state": label, "count": weight[used]}
                )
            )
        frame = pl.concat(frames, how="vertical_relaxed")
        totals = pl.DataFrame({"from_state": names, "total": total_out})
        return (
            frame.join(totals, on="from_state", how="left")
            .select(
                "from_state",
                "to_state",
                probability=pl.col("count") / pl.col("total"),
                count="count",
            )
            .sort("from_state", "to_state")
        )

    def to_frame(self) -> pl.DataFrame:
        """The credit frame: channel, conversions, value, removal_effect, value_removal_effect."""
        return self.credit_


class MarkovStructure:
    """What a Markov fit takes from the paths alone, built once for many sets of counts.

    Resampling journeys (a bootstrap) changes only how many journeys follow each path,
    not the paths. This holds the channel codes, the states and, for every path, how often
    it makes each transition (a sparse incidence matrix), so a refit on new counts is one
    sparse product and the removal-effect solve. `fit` returns the same `MarkovModel` as
    ``MarkovModel(order).fit`` on the paths with those counts: paths with no journeys are
    left out, and with them the states, transitions and channels only they reach.

    Parameters
    ----------
    paths : DataFrame
        Canonical paths (``path`` a list of channels); their counts are not used.
    order : int
        How many past channels a state remembers (1 to 4).

    Examples
    --------
    >>> import polars as pl
    >>> paths = pl.DataFrame({"path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
    ...                       "conversions": [2.0, 0, 1, 1, 0],
    ...                       "non_conversions": [1.0, 2, 1, 0, 1]})
    >>> structure = MarkovStructure(paths, order=1)
    >>> model = structure.fit(np.array([2.0, 0, 1, 1, 0]), np.array([1.0, 2, 1, 0, 1]))
    >>> round(model.conversion_probability_, 6)
    0.444444
    >>> structure.fit(np.array([1.0, 0, 0, 0, 0]), np.zeros(5)).channels_  # only A > B left
    ['A', 'B']
    """

    def __init__(self, paths: pl.DataFrame, order: int = 1) -> None:
        self.order = MarkovModel(order).order  # the same check of the order
        paths = as_paths(paths)
        self.rows = paths.height
        self.channels, codes = _channel_codes(paths)
        base = len(self.channels) + 1
        lengths = paths["path"].list.len().to_numpy().astype(np.int64)
        state, starts = _touch_states(codes, lengths, base, self.order)
        index = DenseIndex(np.concatenate([[0], state]), base**self.order, LOOKUP_LIMIT)
        key = _touch_keys(index, state, codes, starts, base)
        pair_index = DenseIndex(key, index.values.size * base, LOOKUP_LIMIT)
        # pairs are numbered in key order, i.e. by (source, newest channel), as in a fit
        self._source, self._target, self._newest = _pair_ends(
            index, pair_index.values, base, self.order
        )
        path_of_touch = np.repeat(np.arange(self.rows), lengths)
        self._incidence = sp.csr_matrix(
            (np.ones(key.size), (pair_index(key), path_of_touch)),
            shape=(pair_index.values.size, self.rows),
        )  # duplicates are summed: a path that makes a transition twice counts it twice
        last = index(state[np.append(starts[1:], state.size) - 1])
        self._ending = sp.csr_matrix(
            (np.ones(self.rows), (last, np.arange(self.rows))),
            shape=(index.values.size, self.rows),
        )  # which state each path ends in
        self._digits = [(index.values // base**back) % base for back in range(self.order)]

    def fit(
        self,
        conversions: np.ndarray,
        non_conversions: np.ndarray,
        value: np.ndarray | None = None,
    ) -> MarkovModel:
        """The Markov model of the paths with these counts (one number per path, in order).

        Parameters
        ----------
        conversions, non_conversions : ndarray
            Journeys per path that converted / did not.
        value : ndarray, optional
            Conversion value per path (default 0).

        Returns
        -------
        MarkovModel
            Fitted, equal to ``MarkovModel(order).fit`` on the paths with these counts.
        """
        value = None if value is None else np.asarray(value)[None, :]
        (model,) = self.fit_many(
            np.asarray(conversions)[None, :], np.asarray(non_conversions)[None, :], value
        )
        return model

    def fit_many(
        self,
        conversions: np.ndarray,
        non_conversions: np.ndarray,
        value: np.ndarray | None = None,
    ) -> Iterator[MarkovModel]:
        """One Markov model per row of counts (sets x paths), as `fit` gives for each row.

        Parameters
        ----------
        conversions, non_conversions : ndarray
            Journeys per path that converted / did not, one row per set of counts.
        value : ndarray, optional
            Conversion value per path, in the same shape (default 0).

        Yields
        ------
        MarkovModel
            Fitted on each row, in order.
        """
        conversions, non_conversions = np.asarray(conversions), np.asarray(non_conversions)
        value = np.zeros_like(conversions, dtype=float) if value is None else np.asarray(value)
        if not (
            conversions.ndim == 2
            and conversions.shape[1] == self.rows
            and conversions.shape == non_conversions.shape == value.shape
        ):
            raise ValueError(
                f"expected one count per path ({self.rows}) in every row, got {conversions.shape}"
            )
        for row in range(conversions.shape[0]):
            parts = [conversions[row], non_conversions[row], value[row]]
            weight = parts[0] + parts[1]
            dropped = weight <= 0
            if dropped.any():  # as in a fit, paths without journeys are left out
                weight, *parts = (np.where(dropped, 0.0, a) for a in (weight, *parts))
            # the products sum each row in path order, as a fit's bincounts do
            counts = self._incidence @ weight
            ends = [self._ending @ part for part in parts]
            yield self._model(counts, ends, np.array([parts[0].sum(), parts[2].sum()]))

    def _model(self, counts: np.ndarray, ends: list[np.ndarray], totals: np.ndarray) -> MarkovModel:
        """The fitted model from one set's summed flows over all of the structure's pairs
        and states (``ends``: conversions, non-conversions, value ending in each state)."""
        kept = np.flatnonzero(counts)
        # the states a fit sees: the start and every state a kept transition leads into
        present = np.zeros(self._digits[0].size, dtype=bool)
        present[0] = True
        present[self._target[kept]] = True
        number = np.cumsum(present) - 1
        # channels are renumbered 1..k in sorted order; the digits keep their order, so
        # the re-encoded states and pairs keep theirs
        seen = np.zeros(len(self.channels) + 1, dtype=bool)
        seen[self._newest[kept]] = True
        seen[0] = True
        relabel = np.cumsum(seen) - 1
        base = int(seen.sum())
        codes = sum(relabel[digit[present]] * base**back for back, digit in enumerate(self._digits))
        transitions = (number[self._source[kept]], number[self._target[kept]], counts[kept])
        channels = [c for c, keep in zip(self.channels, seen[1:], strict=True) if keep]
        return MarkovModel(self.order)._fit_chain(
            channels, codes, transitions, [end[present] for end in ends], totals
        )


def markov(paths: pl.DataFrame, order: int = 1) -> pl.DataFrame:
    """Markov removal-effect attribution (exact); see `MarkovModel` for the matrix.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame: path (list of channels), conversions, and optionally
        value and non_conversions.
    order : int
        Memory of the chain: 1 looks at the last channel, 2 at the last two.

    Returns
    -------
    DataFrame
        channel, conversions, value, removal_effect, value_removal_effect; largest
        conversions first.
    """
    return MarkovModel(order).fit(paths).credit_
