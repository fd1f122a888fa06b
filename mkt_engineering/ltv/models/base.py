"""What every lifetime-value model shares: data checks, compression, fitting, summaries.

A model defines its parameter names and a weighted negative log-likelihood with its
gradient in *log-parameter* space (all parameters are positive). `fit` compresses
duplicate data rows into weights, minimises with L-BFGS-B, and takes standard errors
from a numerical Hessian of the analytic gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy import optimize, stats

from mkt_engineering import errors
from mkt_engineering.errors import DataValidationError


@dataclass
class CompressedData:
    """Unique data rows (columns of ``values``) and how often each occurs."""

    values: dict[str, np.ndarray]
    weights: np.ndarray
    _levels: dict = field(default_factory=dict, repr=False)

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


def require_columns(data: pl.DataFrame, columns: tuple[str, ...], model: str) -> pl.DataFrame:
    """Check the columns a model needs and that they are finite and not negative."""
    if isinstance(data, pl.LazyFrame):
        data = data.collect()
    if not isinstance(data, pl.DataFrame):
        raise DataValidationError(
            f"{model} needs a polars DataFrame, got {type(data).__name__}.",
            source="rfm",
            fix="Build it with mkt_engineering.ltv.rfm_summary(orders, observation_end).",
        )
    errors.require_columns(data, columns, source=f"{model} input",
                    fix="Build the input with mkt_engineering.ltv.rfm_summary(orders, observation_end).")
    def bad(column: str) -> pl.Expr:
        value = pl.col(column).cast(pl.Float64)
        return value.is_null() | ~value.is_finite() | (value < 0)

    # One pass to find out whether anything is wrong; details only when something is.
    counts = data.select(bad(c).sum().alias(c) for c in columns).row(0, named=True)
    for column in (c for c in columns if counts[c]):
        rows = data.with_row_index("row").filter(bad(column))["row"].head(5).to_list()
        raise DataValidationError(
            f"{model}: column {column} must be a finite number, 0 or more; "
            f"{counts[column]} row(s) are not, e.g. rows {rows}.",
            source="rfm",
            column=column,
            rows=[int(r) + 1 for r in rows],
            fix="Remove or correct those rows; check the order dates and revenue.",
        )
    return data


def compress(data: pl.DataFrame, columns: tuple[str, ...]) -> CompressedData:
    """Collapse identical rows into one row with a weight (how many customers share it)."""
    grouped = data.group_by(list(columns)).agg(pl.len().alias("_weight")).sort(list(columns))
    values = {c: grouped[c].cast(pl.Float64).to_numpy() for c in columns}
    return CompressedData(values, grouped["_weight"].cast(pl.Float64).to_numpy())


def numerical_hessian(gradient: Callable[[np.ndarray], np.ndarray], point: np.ndarray) -> np.ndarray:
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


class LikelihoodModel:
    """Base of the maximum-likelihood models.

    Subclasses set ``parameter_names``, ``data_columns`` and implement
    ``_negative_log_likelihood(log_params, data) -> (value, gradient)``.
    """

    parameter_names: tuple[str, ...] = ()
    data_columns: tuple[str, ...] = ()
    initial: tuple[float, ...] = ()

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    # -- fitting ---------------------------------------------------------------------------
    def _negative_log_likelihood(self, log_params: np.ndarray, data: CompressedData) -> tuple[float, np.ndarray]:
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

    def _prepare(self, data: pl.DataFrame) -> CompressedData:
        checked = require_columns(data, self.data_columns, type(self).__name__)
        if checked.height == 0:
            raise DataValidationError(
                f"{type(self).__name__}: the data has no rows.", source="rfm",
                fix="Check the date filters: no customer made a purchase in the period.",
            )
        return compress(checked, self.data_columns)

    def fit(self, data: pl.DataFrame, *, initial: dict[str, float] | None = None) -> LikelihoodModel:
        """Fit by maximum likelihood; returns self with ``params_``, ``log_likelihood_``.

        Parameters
        ----------
        data : DataFrame
            The columns of ``data_columns`` (see the model's docstring).
        initial : dict, optional
            Starting values; defaults are good for weekly data.
        """
        compressed = self._prepare(data)
        start = np.log(np.array([(initial or {}).get(n, v) for n, v in zip(self.parameter_names, self.initial, strict=True)]))
        result = self._minimise(start, compressed)
        self._store(result.x, compressed)
        return self

    def _minimise(self, start: np.ndarray, data: CompressedData) -> optimize.OptimizeResult:
        result = optimize.minimize(
            self._objective, start, args=(data,), jac=True, method="L-BFGS-B",
            options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 20},
        )
        # L-BFGS-B can stop on a small relative change while the gradient is not yet small
        # (flat directions such as Pareto/NBD's beta); a BFGS pass from there finishes.
        result = optimize.minimize(
            self._objective, result.x, args=(data,), jac=True, method="BFGS",
            options={"maxiter": 500, "gtol": 1e-8},
        )
        if not np.all(np.isfinite(result.x)):
            raise RuntimeError(f"{type(self).__name__} did not converge: {result.message}")
        self.convergence_ = result
        return result

    def _store(self, log_params: np.ndarray, data: CompressedData) -> None:
        self.log_params_ = log_params
        self.params_ = dict(zip(self.parameter_names, np.exp(log_params).tolist(), strict=True))
        self.log_likelihood_ = -float(self._negative_log_likelihood(log_params, data)[0])
        self.n_customers_ = int(data.weights.sum())
        self.n_unique_rows_ = data.rows
        self.covariance_ = self._covariance(data)

    def _covariance(self, data: CompressedData) -> np.ndarray:
        """Covariance of the natural parameters, from the Hessian in log space (delta method)."""
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
        z = float(stats.norm.ppf(0.5 + level / 2))
        estimate = np.exp(self.log_params_)
        log_se = np.sqrt(np.clip(np.diag(self.log_covariance_), 0, None))
        return pl.DataFrame({
            "parameter": list(self.parameter_names),
            "estimate": estimate,
            "standard_error": np.sqrt(np.clip(np.diag(self.covariance_), 0, None)),
            "lower_95": estimate * np.exp(-z * log_se),
            "upper_95": estimate * np.exp(z * log_se),
        })

    def parameter_draws(self, draws: int = 200, seed: int = 0) -> np.ndarray:
        """Parameter sets drawn from the estimates' asymptotic normal law (log scale).

        This parametric bootstrap of the estimates carries their uncertainty into any
        prediction: evaluate the prediction at each draw and take quantiles.
        """
        self._check_fitted()
        rng = np.random.default_rng(seed)
        covariance = np.nan_to_num(self.log_covariance_)
        return np.exp(rng.multivariate_normal(self.log_params_, covariance, size=draws, method="eigh"))

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"{type(self).__name__}(not fitted)"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown}; log-likelihood {self.log_likelihood_:.2f})"


def as_arrays(data: pl.DataFrame, columns: tuple[str, ...], model: str) -> list[np.ndarray]:
    """The model's data columns as float arrays, after the usual checks."""
    checked = require_columns(data, columns, model)
    return [checked[c].cast(pl.Float64).to_numpy() for c in columns]


class PurchaseModel(LikelihoodModel):
    """A model of repeat purchases in continuous time (BG/NBD family, Pareto/NBD)."""

    data_columns = ("frequency", "recency", "T")

    def clv(self, rfm: pl.DataFrame, spend_model, horizon: int = 12, discount_rate: float = 0.10,
            margin: float = 1.0, *, time_unit: str = "W", draws: int = 100) -> pl.DataFrame:
        """Discounted CLV of each customer over ``horizon`` months, with a bootstrap interval.

        See `mkt_engineering.ltv.clv.customer_lifetime_value`.
        """
        from mkt_engineering.ltv.clv import customer_lifetime_value

        return customer_lifetime_value(self, spend_model, rfm, horizon_months=horizon, discount_rate=discount_rate,
                                       margin=margin, time_unit=time_unit, draws=draws)

    def expected_purchases(self, t: float, rfm: pl.DataFrame) -> pl.Series:
        """Expected repeat purchases of each customer in the next ``t`` time units."""
        x, tx, T = as_arrays(rfm, self.data_columns, type(self).__name__)
        return pl.Series("expected_purchases", self._conditional(float(t), x, tx, T))

    def p_alive(self, rfm: pl.DataFrame) -> pl.Series:
        """Probability that each customer is still active at the end of calibration."""
        x, tx, T = as_arrays(rfm, self.data_columns, type(self).__name__)
        return pl.Series("p_alive", self._p_alive(x, tx, T))

    def expected_spend(self, rfm: pl.DataFrame, spend_model) -> pl.Series:
        """Expected spend per purchase of each customer (from a fitted GammaGamma)."""
        return spend_model.expected_spend(rfm)
