"""What every lifetime-value model shares: data checks, compression, fitting, summaries.

A model defines its parameter names and a weighted negative log-likelihood with its
gradient in *log-parameter* space (all parameters are positive). `fit` compresses
duplicate data rows into weights and minimises. Models that also give the analytic
Hessian (BG/NBD, Pareto/NBD) are fitted by Newton's method, which needs a handful of
passes over the data, and take their standard errors from that Hessian; the others use
L-BFGS-B and a numerical Hessian of the analytic gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import linalg, optimize, special

from mkt_engineering import errors
from mkt_engineering.errors import DataValidationError
from mkt_engineering.numeric import DenseIndex

# Days per time unit of `rfm_summary` (day, week, month): its ages are whole days divided by
# one of them.
DAYS_PER_UNIT = (1.0, 7.0, 365.25 / 12)


@dataclass
class CompressedData:
    """Unique data rows (columns of ``values``) and how often each occurs."""

    values: dict[str, np.ndarray]
    weights: np.ndarray
    _levels: dict = field(default_factory=dict, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)  # pairs and weight totals

    @property
    def rows(self) -> int:
        return int(self.weights.size)

    def levels(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Distinct values of a column and each row's index into them (cached).

        Frequencies and ages take few distinct values; evaluating special functions on
        those and gathering is much cheaper than evaluating them on every row.
        """
        if name not in self._levels:
            distinct, inverse = np.unique(self.values[name], return_inverse=True)
            self._levels[name] = (distinct, inverse.ravel())
        return self._levels[name]

    def pairs(self, first: str, second: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct (first, second) value pairs: each row's pair, and each pair's two levels.

        A term that depends on two columns only (such as frequency and age) is computed once
        per pair and gathered, and sums over rows of such a term become sums over pairs.
        """
        if (first, second) not in self._cache:
            first_levels, first_index = self.levels(first)
            second_levels, second_index = self.levels(second)
            key = first_index.astype(np.int64) * second_levels.size + second_index
            distinct, row_pair = _dense_codes(key, first_levels.size * second_levels.size)
            self._cache[first, second] = (
                row_pair,
                distinct // second_levels.size,
                distinct % second_levels.size,
            )
        return self._cache[first, second]

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, computed once per data set: sums a likelihood needs at every step.

        Examples
        --------
        >>> data = CompressedData({"x": np.array([1.0, 2.0])}, np.array([3.0, 1.0]))
        >>> data.cached("total", lambda: float(data.weights.sum()))
        4.0
        """
        if ("cached", key) not in self._cache:
            self._cache["cached", key] = compute()
        return self._cache["cached", key]

    def level_weights(self, name: str) -> np.ndarray:
        """Total weight (customers) at each distinct value of a column (cached)."""
        if ("weights", name) not in self._cache:
            _, index = self.levels(name)
            self._cache["weights", name] = np.bincount(
                index, weights=self.weights, minlength=self.levels(name)[0].size
            )
        return self._cache["weights", name]

    def pair_weights(self, first: str, second: str) -> np.ndarray:
        """Total weight (customers) of each distinct (first, second) pair (cached)."""
        if ("weights", first, second) not in self._cache:
            row_pair, pair_first, _ = self.pairs(first, second)
            self._cache["weights", first, second] = np.bincount(
                row_pair, weights=self.weights, minlength=pair_first.size
            )
        return self._cache["weights", first, second]


def weighted_gram(a: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum_i weights_i a_i a_i^T over the rows of a, without BLAS (see `numeric.dot`)."""
    return np.einsum("ij,ik->jk", a * weights[:, None], a)


def model_data(data: pl.DataFrame, columns: tuple[str, ...], model: str) -> pl.DataFrame:
    """The input of a model as a DataFrame, after `errors.require_columns` checked it.

    The columns must be there and hold finite numbers of 0 or more (counts and ages).

    Parameters
    ----------
    data : DataFrame or LazyFrame
        The model's input, e.g. an `rfm_summary` table (a LazyFrame is collected).
    columns : tuple of str
        The columns the model reads.
    model : str
        The model's name, for the messages.

    Returns
    -------
    DataFrame
        ``data`` itself (collected if lazy).

    Examples
    --------
    >>> model_data(pl.DataFrame({"frequency": [0, 2]}), ("frequency",), "BetaGeo").height
    2
    >>> try:
    ...     model_data(pl.DataFrame({"frequency": [0, -2]}), ("frequency",), "BetaGeo")
    ... except DataValidationError as error:
    ...     print(error.column, error.rows)
    frequency [2]
    """
    if isinstance(data, pl.LazyFrame):
        data = data.collect()
    if not isinstance(data, pl.DataFrame):
        raise DataValidationError(
            f"{model} needs a polars DataFrame, got {type(data).__name__}.",
            source="rfm",
            fix="Build it with mkt_engineering.ltv.rfm_summary(orders, observation_end).",
        )
    errors.require_columns(
        data,
        columns,
        source=f"{model} input",
        fix="Build the input with mkt_engineering.ltv.rfm_summary(orders, observation_end).",
        nonnegative=True,
    )
    return data


def compress(data: pl.DataFrame, columns: tuple[str, ...]) -> CompressedData:
    """Collapse identical rows into one row with a weight (how many customers share it).

    Each column is coded by its distinct values; the codes combine into one integer key
    per row, and counting the distinct keys is a single sort of integers. The result is
    sorted by the columns in order, and the per-column codes are kept for `levels`.
    """
    coded = [level_codes(data[c].cast(pl.Float64).to_numpy()) for c in columns]
    sizes = [levels.size for levels, _ in coded]
    if (
        float(np.prod(np.array(sizes, dtype=float))) >= 2.0**62
    ):  # the key would overflow: group in polars
        grouped = data.group_by(list(columns)).agg(pl.len().alias("_weight")).sort(list(columns))
        values = {c: grouped[c].cast(pl.Float64).to_numpy() for c in columns}
        return CompressedData(values, grouped["_weight"].cast(pl.Float64).to_numpy())
    key = np.zeros(data.height, dtype=np.int64)
    for (_, codes), size in zip(coded, sizes, strict=True):
        key *= size
        key += codes
    distinct, counts = np.unique(key, return_counts=True)
    values, cached = {}, {}
    for column, (levels, _), size in reversed(list(zip(columns, coded, sizes, strict=True))):
        codes = distinct % size
        distinct = distinct // size
        values[column] = levels[codes]
        cached[column] = (levels, codes)
    values = {c: values[c] for c in columns}
    return CompressedData(values, counts.astype(float), _levels=cached)


def _positive_semidefinite(covariance: np.ndarray, tolerance: float = 1e-8) -> np.ndarray:
    """The covariance with negative eigenvalues set to 0 (the nearest valid one), if any.

    A fit at the edge of its parameter space (a Gamma-Gamma q of 2e7 on customers whose
    spend does not differ) leaves an inverse Hessian with slightly negative eigenvalues;
    numpy then warned into the report and drew with their absolute values. A valid matrix
    is returned as it is, so its draws do not change.

    Examples
    --------
    >>> _positive_semidefinite(np.array([[1.0, 2.0], [2.0, 1.0]])).round(3).tolist()
    [[1.5, 1.5], [1.5, 1.5]]
    """
    values, vectors = np.linalg.eigh(covariance)
    if values.min(initial=0.0) >= -tolerance:
        return covariance
    return (vectors * np.clip(values, 0.0, None)) @ vectors.T


def level_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of a column and each row's index into them.

    Counts and `rfm_summary` ages are whole numbers of days divided by the time unit; those
    are coded by counting, without a sort. Other columns are numbered by numpy's
    ``unique``.

    Examples
    --------
    >>> level_codes(np.array([2.0, 0.5, 2.0]))
    (array([0.5, 2. ]), array([1, 0, 1]))
    """
    head = values[:1000]
    for days in DAYS_PER_UNIT:
        if not _whole_units(head, np.rint(head * days), days):  # cheap test on the first rows
            continue
        whole = np.rint(values * days)
        if whole.max(initial=0) <= 4 * values.size + 100_000 and _whole_units(values, whole, days):
            distinct, codes = _dense_codes(whole.astype(np.int64), int(whole.max(initial=0)) + 1)
            return distinct / days, codes
    # numpy's own numbering: 0.06 s for a million mean spends, against 0.22 s for a hash,
    # a sort and a binary search
    levels, codes = np.unique(values, return_inverse=True)
    return levels, codes.reshape(values.shape)


def _whole_units(values: np.ndarray, whole: np.ndarray, days: float) -> bool:
    """Whether ``values`` are the day counts ``whole`` divided by ``days``, to rounding.

    polars divides a column by a number as a product with its inverse, which misses the
    quotient by one unit in the last place for a third of the day counts (53 * (1 / 7) is
    not 53 / 7); an exact test sent every weekly table to the slower hash and search.

    Examples
    --------
    >>> days = np.arange(60.0)
    >>> _whole_units(days * (1 / 7), days, 7.0), _whole_units(days / 7 + 0.01, days, 7.0)
    (True, False)
    """
    if values.size == 0:
        return True
    gap = whole / days
    gap -= values
    np.abs(gap, out=gap)  # in place: this runs on every column of every fit
    return bool(gap.max() <= 1e-13 * max(float(np.abs(values).max()), 1.0))


def _dense_codes(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of a non-negative integer ``key`` below ``size``, and each row's index.

    When ``size`` is small next to the rows, counting on a table of that size replaces the sort.
    """
    index = DenseIndex(key, size, table_limit=4 * key.size + 100_000)
    return index.values, index(key)


def numerical_hessian(
    gradient: Callable[[np.ndarray], np.ndarray], point: np.ndarray
) -> np.ndarray:
    """Central differences of an analytic gradient, symmetrised."""
    size = point.size
    hessian = np.empty((size, size))
    for i in range(size):
        step = 1e-5 * max(abs(point[i]), 1.0)
        up, down = point.copy(), point.copy()
        up[i] += step
        down[i] -= step
        hessian[:, i] = (gradient(up) - gradient(down)) / (2 * step)
    return (hessian + hessian.T) / 2


def _descent_step(gradient: np.ndarray, hessian: np.ndarray) -> tuple[np.ndarray, bool]:
    """Newton step -H^-1 g, and whether H was positive definite as it is.

    An indefinite H is shifted towards the identity until it is positive definite, which
    turns the step towards steepest descent.
    """
    scale = float(np.max(np.abs(np.diag(hessian)))) or 1.0
    shift = 0.0
    for _ in range(40):
        try:
            factor = linalg.cho_factor(hessian + shift * np.eye(gradient.size))
        except linalg.LinAlgError:
            shift = max(10 * shift, 1e-12 * scale)
            continue
        return -linalg.cho_solve(factor, gradient), shift == 0.0
    return -gradient / scale, False


class LikelihoodModel:
    """Base of the maximum-likelihood models.

    Subclasses set ``parameter_names``, ``data_columns`` and implement
    ``_negative_log_likelihood(log_params, data) -> (value, gradient)``. Those that also
    implement ``_negative_log_likelihood_hessian(log_params, data) -> (value, gradient,
    hessian)`` set ``analytic_hessian = True`` and are fitted by Newton's method.
    """

    parameter_names: tuple[str, ...] = ()
    data_columns: tuple[str, ...] = ()
    initial: tuple[float, ...] = ()
    analytic_hessian: bool = False

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    # -- fitting ---------------------------------------------------------------------------
    def _negative_log_likelihood(
        self, log_params: np.ndarray, data: CompressedData
    ) -> tuple[float, np.ndarray]:
        raise NotImplementedError

    def _negative_log_likelihood_hessian(
        self, log_params: np.ndarray, data: CompressedData
    ) -> tuple[float, np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _objective(self, log_params: np.ndarray, data: CompressedData) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            value, gradient = self._negative_log_likelihood(log_params, data)
        if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
            # A trial step went where the likelihood overflows: report it as very bad, so
            # the line search steps back instead of stopping on a NaN.
            return 1e300, np.zeros_like(log_params)
        if self.penalizer:
            # Ridge on the parameters themselves, as in lifetimes, to tame tiny samples.
            params = np.exp(log_params)
            value = value + self.penalizer * float(np.sum(params**2))
            gradient = gradient + 2 * self.penalizer * params**2
        return value, gradient

    def _objective_hessian(
        self, log_params: np.ndarray, data: CompressedData
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Value, gradient and Hessian of the penalised objective; value inf where it overflows."""
        with np.errstate(all="ignore"):
            value, gradient, hessian = self._negative_log_likelihood_hessian(log_params, data)
        if not (
            np.isfinite(value) and np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))
        ):
            return np.inf, gradient, hessian
        if self.penalizer:
            ridge = self.penalizer * np.exp(
                2 * log_params
            )  # d/dlog p of p^2 is 2 p^2, and again 4 p^2
            value, gradient, hessian = (
                value + float(ridge.sum()),
                gradient + 2 * ridge,
                hessian + np.diag(4 * ridge),
            )
        return value, gradient, hessian

    def _likelihood_hessian(self, log_params: np.ndarray, hessian: np.ndarray) -> np.ndarray:
        """The objective's Hessian without the penalty: the likelihood's (for standard errors)."""
        return hessian - np.diag(4 * self.penalizer * np.exp(2 * log_params))

    def _prepare(self, data: pl.DataFrame) -> CompressedData:
        checked = model_data(data, self.data_columns, type(self).__name__)
        if checked.height == 0:
            raise DataValidationError(
                f"{type(self).__name__}: the data has no rows.",
                source="rfm",
                fix="Check the date filters: no customer made a purchase in the period.",
            )
        return compress(checked, self.data_columns)

    def fit(
        self, data: pl.DataFrame, *, initial: dict[str, float] | None = None
    ) -> LikelihoodModel:
        """Fit by maximum likelihood; returns self with ``params_``, ``log_likelihood_``.

        Parameters
        ----------
        data : DataFrame
            The columns of ``data_columns`` (see the model's docstring).
        initial : dict, optional
            Starting values; defaults are good for weekly data.
        """
        compressed = self._prepare(data)
        start = np.log(
            np.array(
                [
                    (initial or {}).get(n, v)
                    for n, v in zip(self.parameter_names, self.initial, strict=True)
                ]
            )
        )
        if self.analytic_hessian:
            newton = self._newton(start, compressed)
            if newton is not None:
                self._store(
                    newton.x, compressed, hessian=self._likelihood_hessian(newton.x, newton.hessian)
                )
                return self
        result = self._minimise(start, compressed)
        self._store(result.x, compressed)
        return self

    def _newton(
        self, start: np.ndarray, data: CompressedData, max_iterations: int = 50
    ) -> optimize.OptimizeResult | None:
        """Damped Newton's method in log parameters; None if it does not converge.

        Far from the optimum, steps are capped (a factor e per parameter) and halved until
        the objective falls, and an indefinite Hessian is shifted towards the identity. Near
        it, each plain Newton step squares the error (about 1e-2 -> 1e-4 -> 1e-8), so once a
        plain step is below 1e-4 it is taken and the fit stops: the error left is about its
        square. The result carries the last Hessian, for the standard errors.
        """
        point = start
        value, gradient, hessian = self._objective_hessian(point, data)
        for iteration in range(1, max_iterations + 1):
            if not np.isfinite(value) or np.max(np.abs(point)) > 25:
                # Overflow, or a parameter running off to 0 or infinity (data that do not
                # identify the model): leave it to the quasi-Newton path.
                return None
            step, plain = _descent_step(gradient, hessian)
            size = float(np.max(np.abs(step)))
            if plain and size < 1e-4:
                self.convergence_ = optimize.OptimizeResult(
                    x=point + step,
                    hessian=hessian,
                    nit=iteration,
                    success=True,
                    message=f"Newton step {size:.1e}: error left about its square",
                )
                return self.convergence_
            step = step / max(size, 1.0)
            slope = float(gradient @ step)
            for _ in range(30):
                trial = self._objective_hessian(point + step, data)
                if trial[0] <= value + 1e-4 * slope:
                    break
                step = step / 2
            else:
                return None
            point = point + step
            value, gradient, hessian = trial
        return None

    def _minimise(self, start: np.ndarray, data: CompressedData) -> optimize.OptimizeResult:
        result = optimize.minimize(
            self._objective,
            start,
            args=(data,),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 20},
        )
        # L-BFGS-B can stop on a small relative change while the gradient is not yet small
        # (flat directions such as Pareto/NBD's beta); a BFGS pass from there finishes.
        result = optimize.minimize(
            self._objective,
            result.x,
            args=(data,),
            jac=True,
            method="BFGS",
            options={"maxiter": 500, "gtol": 1e-8},
        )
        if not np.all(np.isfinite(result.x)):
            raise RuntimeError(f"{type(self).__name__} did not converge: {result.message}")
        self.convergence_ = result
        return result

    def _store(
        self, log_params: np.ndarray, data: CompressedData, hessian: np.ndarray | None = None
    ) -> None:
        self.log_params_ = log_params
        self.params_ = dict(zip(self.parameter_names, np.exp(log_params).tolist(), strict=True))
        self.log_likelihood_ = self._log_likelihood_at(log_params, data)
        self.n_customers_ = int(data.weights.sum())
        self.n_unique_rows_ = data.rows
        self.covariance_ = self._covariance(data, hessian)

    def _log_likelihood_at(self, log_params: np.ndarray, data: CompressedData) -> float:
        """Total log-likelihood of the data at ``log_params`` (no penalty)."""
        return -float(self._negative_log_likelihood(log_params, data)[0])

    def _covariance(self, data: CompressedData, hessian: np.ndarray | None = None) -> np.ndarray:
        """Covariance of the natural parameters, from the Hessian in log space (delta method).

        The Hessian is the likelihood's (without the penalty): the analytic one from the fit
        where the model has it, else central differences of the analytic gradient.
        """
        if hessian is None:

            def gradient(log_params: np.ndarray) -> np.ndarray:
                return self._negative_log_likelihood(log_params, data)[1]

            hessian = numerical_hessian(gradient, self.log_params_)
        try:
            log_covariance = np.linalg.inv(hessian)
        except np.linalg.LinAlgError:
            log_covariance = np.full_like(hessian, np.nan)
        self.log_covariance_ = log_covariance
        scale = np.exp(self.log_params_)
        return log_covariance * np.outer(scale, scale)

    # -- reporting -------------------------------------------------------------------------
    def _params(self, params: np.ndarray | None = None) -> np.ndarray:
        """Fitted parameters on their natural scale, or the given ones (for bootstrap draws)."""
        self._check_fitted()
        return np.exp(self.log_params_) if params is None else np.asarray(params, dtype=float)

    def _check_fitted(self) -> None:
        if not hasattr(self, "log_params_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet: call .fit(data) first.")

    def summary(self, level: float = 0.95) -> pl.DataFrame:
        """Estimates with standard errors (from the Hessian) and a ``level`` interval.

        The interval is symmetric on the log scale, so it stays positive like the parameter.
        """
        self._check_fitted()
        z = float(special.ndtri(0.5 + level / 2))  # the normal quantile
        estimate = np.exp(self.log_params_)
        log_se = np.sqrt(np.clip(np.diag(self.log_covariance_), 0, None))
        return pl.DataFrame(
            {
                "parameter": list(self.parameter_names),
                "estimate": estimate,
                "standard_error": np.sqrt(np.clip(np.diag(self.covariance_), 0, None)),
                "lower_95": estimate * np.exp(-z * log_se),
                "upper_95": estimate * np.exp(z * log_se),
            }
        )

    def parameter_draws(self, draws: int = 200, seed: int = 0) -> np.ndarray:
        """Parameter sets drawn from the estimates' asymptotic normal law (log scale).

        This parametric bootstrap of the estimates carries their uncertainty into any
        prediction: evaluate the prediction at each draw and take quantiles.
        """
        self._check_fitted()
        rng = np.random.default_rng(seed)
        covariance = _positive_semidefinite(np.nan_to_num(self.log_covariance_))
        return np.exp(
            rng.multivariate_normal(
                self.log_params_, covariance, size=draws, method="eigh", check_valid="ignore"
            )
        )

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"{type(self).__name__}(not fitted)"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown}; log-likelihood {self.log_likelihood_:.2f})"


def as_arrays(data: pl.DataFrame, columns: tuple[str, ...], model: str) -> list[np.ndarray]:
    """The model's data columns as float arrays, after the usual checks."""
    checked = model_data(data, columns, model)
    return [checked[c].cast(pl.Float64).to_numpy() for c in columns]


def distinct_pairs(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct (first, second) value pairs: each row's pair, and the pairs' two values.

    Terms of a prediction that depend on two columns only (such as frequency and age) are
    computed once per pair and gathered; the pairs are sorted by ``first``, then ``second``.

    Examples
    --------
    >>> index, x, T = distinct_pairs(np.array([1.0, 0.0, 1.0]), np.array([5.0, 3.0, 5.0]))
    >>> index, x, T
    (array([1, 0, 1]), array([0., 1.]), array([3., 5.]))
    """
    first_levels, first_codes = level_codes(first)
    second_levels, second_codes = level_codes(second)
    key = first_codes.astype(np.int64) * second_levels.size + second_codes
    distinct, index = np.unique(key, return_inverse=True)
    return (
        index.ravel(),
        first_levels[distinct // second_levels.size],
        second_levels[distinct % second_levels.size],
    )


def stacked_draws(params: np.ndarray | None) -> np.ndarray | None:
    """Parameter draws (draws x parameters) as columns that broadcast against data rows.

    The result has shape (parameters, draws, 1): unpacked, each parameter is a column of
    draws, and a formula of parameters and data (rows) gives a draws x rows array.
    One parameter set (a vector) or None is returned as it is.

    Examples
    --------
    >>> stacked_draws(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).shape
    (2, 3, 1)
    """
    if params is None or np.ndim(params) < 2:
        return params
    return np.asarray(params, dtype=float).T[:, :, None]


def period_purchases(
    model,
    times: np.ndarray,
    x: np.ndarray,
    tx: np.ndarray,
    T: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    params: np.ndarray | None = None,
) -> np.ndarray:
    """Expected repeat purchases of each data row in each period between ``times``.

    The model's own conditional expectation E[X(t) | x, t_x, T] (``model.conditional_purchases``)
    at each time, differenced: the generic path for any purchase model. ``times`` starts at
    0 (no purchases yet). With ``weights`` (one per period), the weighted sum over periods.
    ``params`` (draws x parameters) values every row under every draw: the draws are
    broadcast when the model says its formulas allow it (``broadcasts_parameters``), else
    evaluated one after the other.

    Returns
    -------
    ndarray
        rows x periods, or rows with ``weights``; a leading draws axis with ``params`` of
        two dimensions.
    """
    if params is not None and np.ndim(params) == 2:
        if not getattr(model, "broadcasts_parameters", False):
            return np.stack(
                [
                    period_purchases(model, times, x, tx, T, weights=weights, params=p)
                    for p in params
                ]
            )
        params = stacked_draws(params)
    return between_times(lambda t: model.conditional_purchases(t, x, tx, T, params), times, weights)


def factored_period_purchases(
    model, times, x, tx, T, alive: Callable, *, weights=None, params=None
) -> np.ndarray:
    """`period_purchases` for models with E[X(t) | x, t_x, T] = E[X(t) | x, T, alive] P(alive).

    The first factor (``model._purchases_if_alive``), with its special functions at every
    time, is computed once per distinct (frequency, age) pair, of which there are far fewer
    than customer histories; ``alive(x, tx, T, params)`` once per history. ``params`` are
    one parameter set or already broadcasting draws (`stacked_draws`).
    """
    pair, pair_x, pair_T = distinct_pairs(x, T)
    if_alive = between_times(
        lambda t: model._purchases_if_alive(t, pair_x, pair_T, params), times, weights
    )
    probability = alive(x, tx, T, params)
    if weights is None:
        return if_alive[..., pair, :] * probability[..., None]
    return if_alive[..., pair] * probability


def between_times(expected: Callable, times: np.ndarray, weights: np.ndarray | None):
    """Differences of ``expected(t)`` between consecutive ``times`` (the first is 0, where
    nothing is expected yet): stacked on a last axis, or summed with ``weights``.

    Examples
    --------
    >>> between_times(lambda t: 2 * t, np.array([0.0, 1.0, 3.0]), None)
    array([2., 4.])
    >>> float(between_times(lambda t: 2 * t, np.array([0.0, 1.0, 3.0]), np.array([1.0, 0.5])))
    4.0
    """
    times = np.asarray(times, dtype=float)
    if times.size < 2 or times[0] != 0:
        raise ValueError(f"times must start at 0 and have at least one more time, got {times}.")
    previous, total, periods = 0.0, 0.0, []
    for k, t in enumerate(times[1:]):
        current = expected(float(t))
        if weights is None:
            periods.append(current - previous)
        else:
            total = total + weights[k] * (current - previous)
        previous = current
    return np.stack(periods, axis=-1) if weights is None else total


class PurchaseModel(LikelihoodModel):
    """A model of repeat purchases in continuous time (BG/NBD family, Pareto/NBD)."""

    data_columns = ("frequency", "recency", "T")
    #: Whether the prediction formulas accept parameter draws as broadcasting columns
    #: (see `stacked_draws`); models with branches on a parameter's value do not.
    broadcasts_parameters: bool = False

    def conditional_purchases(
        self,
        t: float,
        x: np.ndarray,
        tx: np.ndarray,
        T: np.ndarray,
        params: np.ndarray | None = None,
    ) -> np.ndarray:
        """Expected repeat purchases in the next ``t`` time units of each customer history.

        E[X(t) | x, t_x, T]: what the model expects of a customer who made ``x`` repeat
        purchases, the last at age ``tx``, and is ``T`` old today. Valuation, validation,
        forecasts and charts read the model through this method and `alive_probability`.

        Parameters
        ----------
        t : float
            Time ahead, in the model's time unit.
        x, tx, T : ndarray
            Frequency, recency and age of each history (one row each).
        params : ndarray, optional
            One parameter set (natural scale), or draws stacked by `stacked_draws` for a
            model that ``broadcasts_parameters``; default the fitted ones.

        Returns
        -------
        ndarray
            One expectation per row (draws x rows for stacked draws).

        Examples
        --------
        >>> from mkt_engineering.ltv import BetaGeo
        >>> model = BetaGeo()
        >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
        >>> history = np.array([0.0, 2.0]), np.array([0.0, 30.43]), np.array([38.86, 38.86])
        >>> model.conditional_purchases(39.0, *history).round(3)
        array([0.193, 1.227])
        """
        raise NotImplementedError

    def alive_probability(
        self, x: np.ndarray, tx: np.ndarray, T: np.ndarray, params: np.ndarray | None = None
    ) -> np.ndarray:
        """P(alive): the chance that each customer history is still active at age ``T``.

        Parameters
        ----------
        x, tx, T : ndarray
            Frequency, recency and age of each history (one row each).
        params : ndarray, optional
            One parameter set (natural scale), or draws stacked by `stacked_draws` for a
            model that ``broadcasts_parameters``; default the fitted ones.

        Returns
        -------
        ndarray
            One probability per row, between 0 and 1.

        Examples
        --------
        >>> from mkt_engineering.ltv import BetaGeo
        >>> model = BetaGeo()
        >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
        >>> history = np.array([0.0, 2.0]), np.array([0.0, 30.43]), np.array([38.86, 38.86])
        >>> model.alive_probability(*history).round(3)
        array([1.   , 0.728])
        """
        raise NotImplementedError

    def period_purchases(
        self,
        times: np.ndarray,
        x: np.ndarray,
        tx: np.ndarray,
        T: np.ndarray,
        *,
        weights: np.ndarray | None = None,
        params: np.ndarray | None = None,
    ) -> np.ndarray:
        """Expected repeat purchases of each customer history in each period between ``times``.

        Parameters
        ----------
        times : ndarray
            Increasing times in the model's unit, starting at 0.
        x, tx, T : ndarray
            Frequency, recency and age of each history (one row each).
        weights : ndarray, optional
            One per period (e.g. discount factors): return the weighted sum over periods.
        params : ndarray, optional
            Parameter sets (draws x parameters, natural scale) to value every row under
            each; default the fitted ones.

        Returns
        -------
        ndarray
            rows x periods (rows with ``weights``), with a leading draws axis for 2-D
            ``params``.

        Examples
        --------
        >>> import numpy as np
        >>> from mkt_engineering.ltv import BetaGeo
        >>> model = BetaGeo()
        >>> model.log_params_ = np.log([0.24, 4.41, 0.79, 2.43])
        >>> one = [np.array([2.0]), np.array([30.0]), np.array([38.0])]
        >>> months = model.period_purchases(np.array([0.0, 4.0, 8.0]), *one)
        >>> bool(np.isclose(months.sum(), model.conditional_purchases(8.0, *one)[0]))
        True
        """
        return period_purchases(self, times, x, tx, T, weights=weights, params=params)

    def purchases_under_draws(
        self,
        times: np.ndarray,
        weights: np.ndarray,
        x: np.ndarray,
        tx: np.ndarray,
        T: np.ndarray,
        params: np.ndarray,
    ) -> Callable[[slice], np.ndarray]:
        """Weighted expected purchases of customer histories under parameter draws, by slice.

        Returns a function that takes a slice of the rows (x, tx, T) and gives their
        weighted purchases (see `period_purchases`) under every draw (draws x rows), so a
        caller can value millions of histories in blocks. Models may prepare terms shared
        by all rows once, here (BG/NBD interpolates its hypergeometric part in age).
        """

        def value(rows: slice) -> np.ndarray:
            return self.period_purchases(
                times, x[rows], tx[rows], T[rows], weights=weights, params=params
            )

        return value

    def expected_purchases(self, t: float, rfm: pl.DataFrame) -> pl.Series:
        """Expected repeat purchases of each customer in the next ``t`` time units."""
        x, tx, T = as_arrays(rfm, self.data_columns, type(self).__name__)
        return pl.Series("expected_purchases", self.conditional_purchases(float(t), x, tx, T))

    def p_alive(self, rfm: pl.DataFrame) -> pl.Series:
        """Probability that each customer is still active at the end of calibration."""
        x, tx, T = as_arrays(rfm, self.data_columns, type(self).__name__)
        return pl.Series("p_alive", self.alive_probability(x, tx, T))
