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

from functools import partial

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from mkt_engineering.attribution.paths import as_paths

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
MAX_ORDER = 4
DIRECT_LIMIT = 400  # states; above this the iterative solve is faster than LU
CHUNK_FLOATS = 1e7  # bounds the memory of the iterative solve (80 MB per array)


def _state_codes(paths: pl.DataFrame, channels: list[str], order: int) -> pl.DataFrame:
    """Explode the paths into touches and give each touch the integer code of its state.

    A state is the last ``order`` channels; with channel codes 1..n and base n+1 the state
    code is sum(code of the touch j steps back x base**j), 0 standing for "no touch yet".
    """
    base = len(channels) + 1
    table = (
        paths.with_row_index("row")
        .with_columns(
            weight=pl.col("conversions") + pl.col("non_conversions"),
            length=pl.col("path").list.len(),
            position=pl.int_ranges(0, pl.col("path").list.len()),
        )
        .explode("path", "position")
        .with_columns(code=pl.col("path").cast(pl.Enum(channels)).to_physical().cast(pl.Int64) + 1)
    )
    state = pl.col("code")
    for back in range(1, order):
        # rows of one path are consecutive, so a global shift is the touch `back` steps earlier
        earlier = pl.when(pl.col("position") >= back).then(pl.col("code").shift(back)).otherwise(0)
        state = state + earlier * base**back
    table = table.with_columns(state=state)
    return table.with_columns(
        previous=pl.when(pl.col("position") > 0).then(pl.col("state").shift(1)).otherwise(-1)
    )


def _masked_step(forward: sp.csr_matrix, negative_mask: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x - mask * (Q @ x), computed in place on the product."""
    product = forward @ x
    product *= negative_mask
    product += x
    return product


def _block_bicgstab(operator, rhs: np.ndarray, tolerance: float = 1e-13, max_iterations: int = 2000) -> np.ndarray:
    """Solve operator(X) = rhs column by column with BiCGSTAB, all columns in one pass.

    Each column has its own scalars (rho, alpha, omega), so this is plain BiCGSTAB run on
    many systems at once; the sparse products are shared.
    """
    def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->j", a, b)

    def safe_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.divide(a, b, out=np.zeros_like(a), where=b != 0)

    solution = np.zeros_like(rhs)
    residual = rhs.copy()
    shadow = rhs.copy()
    direction = np.zeros_like(rhs)
    image = np.zeros_like(rhs)
    rho = alpha = omega = np.ones(rhs.shape[1])
    target = tolerance * np.sqrt(dot(rhs, rhs))
    for _ in range(max_iterations):
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
        if np.all(dot(residual, residual) <= target**2):
            break
    else:
        raise RuntimeError("Markov chain solve did not converge; do some paths loop forever?")
    # check against the true residual, not the recursively updated one
    error = np.sqrt(dot(rhs - operator(solution), rhs - operator(solution)))
    if np.any(error > 1e3 * target + 1e-300):
        raise RuntimeError("Markov chain solve lost accuracy; please report this data set")
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
        table = _state_codes(paths, self.channels_, self.order)
        moves = table.group_by("previous", "state").agg(pl.col("weight").sum())
        ends = (
            table.filter(pl.col("position") == pl.col("length") - 1)
            .group_by("state")
            .agg(pl.col("conversions", "non_conversions", "value").sum())
        )
        codes, index = np.unique(
            np.concatenate([[-1], moves["previous"].to_numpy(), moves["state"].to_numpy()]),
            return_inverse=True,
        )
        m = codes.size
        source = index[1 : moves.height + 1]
        target = index[moves.height + 1 :]
        end_index = np.searchsorted(codes, ends["state"].to_numpy())
        counts = moves["weight"].to_numpy()
        out = np.bincount(source, weights=counts, minlength=m)
        conv = np.bincount(end_index, weights=ends["conversions"].to_numpy(), minlength=m)
        null = np.bincount(end_index, weights=ends["non_conversions"].to_numpy(), minlength=m)
        value = np.bincount(end_index, weights=ends["value"].to_numpy(), minlength=m)
        total_out = out + conv + null
        self.states_ = m
        self._codes = codes
        self._matrix = sp.csc_matrix((counts / total_out[source], (source, target)), shape=(m, m))
        self._rhs = np.column_stack([conv / total_out, value / total_out])
        self._store_transitions(source, target, counts, total_out, conv, null)
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

        Transitions into removed states end in "null", so their rows are dropped. Small
        chains are solved by sparse LU. Large higher-order chains fill in badly under LU,
        so they are solved by BiCGSTAB (a Krylov method; one column per scenario, all
        scenarios at once) down to a relative residual of 1e-13: exact to rounding, not a
        simulation.
        """
        results = np.zeros((keep.shape[1], 2))
        if self.states_ <= DIRECT_LIMIT:
            system = sp.identity(self.states_, format="csc") - self._matrix
            for scenario in range(keep.shape[1]):
                kept = keep[:, scenario]
                reduced = sp.csc_matrix(system[kept][:, kept])
                results[scenario] = splu(reduced, permc_spec="COLAMD").solve(self._rhs[kept])[0]
            return results
        forward = sp.csr_matrix(self._matrix)
        # two columns per scenario (conversion and value); without values one suffices
        sides = 2 if np.any(self._rhs[:, 1]) else 1
        chunk = max(1, int(CHUNK_FLOATS // (sides * self.states_)))
        for first in range(0, keep.shape[1], chunk):
            mask = np.repeat(keep[:, first : first + chunk].astype(float), sides, axis=1)
            rhs = np.tile(self._rhs[:, :sides], (1, mask.shape[1] // sides)) * mask
            # Krylov vectors stay 0 on removed states (the right-hand side is 0 there), so
            # masking the product alone keeps the removed states out of the chain
            solution = _block_bicgstab(partial(_masked_step, forward, -mask), rhs)
            results[first : first + chunk, :sides] = solution[0].reshape(-1, sides)
        return results

    def _solve_removals(self, paths: pl.DataFrame) -> None:
        contains = self._contains()
        keep = np.column_stack([np.ones(self.states_, dtype=bool), ~contains])
        solved = self._absorption(keep)
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

    def _store_transitions(self, source, target, counts, total_out, conv, null) -> None:
        names = np.array(self.state_names(), dtype=object)
        states = np.arange(self.states_)
        ends = {CONVERSION: conv, NULL: null}
        frames = [pl.DataFrame({"from_state": names[source], "to_state": names[target], "count": counts})]
        for label, weight in ends.items():
            used = weight > 0
            frames.append(pl.DataFrame({"from_state": names[states[used]], "to_state": label, "count": weight[used]}))
        totals = dict(zip(names, total_out, strict=True))
        frame = pl.concat(frames, how="vertical_relaxed")
        self.transition_matrix_ = frame.with_columns(
            probability=pl.col("count") / pl.col("from_state").replace_strict(totals, return_dtype=pl.Float64)
        ).select("from_state", "to_state", "probability", "count").sort("from_state", "to_state")

    def to_frame(self) -> pl.DataFrame:
        """The credit frame: channel, conversions, value, removal_effect, value_removal_effect."""
        return self.credit_


def markov(paths: pl.DataFrame, order: int = 1) -> pl.DataFrame:
    """Markov removal-effect attribution (exact); see `MarkovModel` for the matrix.

    Returns channel, conversions, value, removal_effect, value_removal_effect, largest
    conversions first.
    """
    return MarkovModel(order).fit(paths).credit_
