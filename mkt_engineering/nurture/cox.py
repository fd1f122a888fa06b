"""Cox proportional-hazards regression: which lead traits speed up qualification.

A hazard ratio of 1.5 for ``source = webinar`` means: at any day, a webinar lead that has
not yet qualified is 1.5 times as likely to qualify that day as a comparable lead from the
reference source. The model is fitted by statsmodels ``PHReg`` with Efron ties (the R
``coxph`` default) and checked with Schoenfeld residuals: if a covariate's effect fades or
grows over time, its residuals correlate with time and the ratio is an average only.

References
----------
Cox (1972), "Regression models and life-tables". Efron (1977) for tied times.
Grambsch & Therneau (1994), "Proportional hazards tests and diagnostics based on weighted
residuals".

Examples
--------
>>> import polars as pl
>>> frame = pl.DataFrame({"days": [3, 5, 6, 8, 9, 12, 15, 20], "mql": [1, 1, 0, 1, 1, 1, 0, 1],
...                       "webinar": [1, 1, 1, 0, 1, 0, 0, 0]})
>>> model = CoxModel().fit(frame, duration="days", event="mql", covariates=["webinar"])
>>> model.summary().select("covariate", pl.col("hazard_ratio").round(2)).row(0)
('webinar', 6.5)
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg

from mkt_engineering.errors import DataValidationError, require_columns
from mkt_engineering.formats import validation_error
from mkt_engineering.nurture.efron import EfronPartialLikelihood


def design_matrix(frame: pl.DataFrame, covariates: list[str]) -> pl.DataFrame:
    """Numeric design: numbers and booleans as they are, text as 0/1 columns (first level
    dropped)."""
    require_columns(
        frame, covariates, source="Cox covariates", fix="Pass covariates that exist in the frame."
    )
    parts = []
    for name in covariates:
        column = frame[name]
        if column.dtype in (pl.String, pl.Categorical, pl.Enum):
            levels = sorted(column.drop_nulls().unique().to_list())
            parts.extend(
                (column == level).cast(pl.Float64).alias(f"{name}={level}") for level in levels[1:]
            )
        else:
            parts.append(column.cast(pl.Float64).alias(name))
    return pl.DataFrame(parts)


def efron_likelihood(
    time: np.ndarray, status: np.ndarray, exog: np.ndarray, duration: str = "duration"
) -> EfronPartialLikelihood:
    """The partial likelihood of the fit, refusing durations and events it cannot use.

    Examples
    --------
    >>> import numpy as np
    >>> try:
    ...     efron_likelihood(np.array([1.0, np.nan]), np.array([1.0, 0.0]), np.ones((2, 1)), "days")
    ... except DataValidationError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    1 value(s) of 'days' are missing or infinite (rows 2 of the frame).
    Fix: Drop or fill the rows without a duration before fitting the Cox model.
    """
    bad = np.flatnonzero(~np.isfinite(time))
    if bad.size:
        raise validation_error(
            f"{bad.size:,} value(s) of {duration!r} are missing or infinite "
            f"(rows {', '.join(str(i + 1) for i in bad[:5])} of the frame).",
            column=duration,
            rows=[int(i) + 1 for i in bad[:5]],
            fix="Drop or fill the rows without a duration before fitting the Cox model.",
        )
    if not (status == 1).any():
        raise validation_error(
            "No row has an event, so the Cox model has nothing to compare.",
            fix="Fit it on data in which some leads have qualified.",
        )
    return EfronPartialLikelihood(time, status, exog)


class CoxModel:
    """Cox model with Efron ties and a proportional-hazards check.

    The data and its columns are given to :meth:`fit`, as in lifelines.

    Parameters
    ----------
    ties : {"efron", "breslow"}
        How tied event times are handled (``efron`` is R ``coxph``'s default).
    confidence : float
        Level of the intervals in :meth:`summary`.

    Attributes
    ----------
    params_ : ndarray
        Log hazard ratios (after :meth:`fit`).
    standard_errors_ : ndarray
        Their standard errors.
    log_likelihood_ : float
        Partial log-likelihood.
    covariates_ : list of str
        Names of the design columns (text covariates expanded to ``name=level``).
    """

    def __init__(self, ties: str = "efron", confidence: float = 0.95) -> None:
        self.ties = ties
        self.confidence = confidence

    def fit(
        self, frame: pl.DataFrame, *, duration: str, event: str, covariates: list[str]
    ) -> CoxModel:
        require_columns(
            frame,
            [duration, event],
            source="Cox model data",
            fix="Pass the duration and event column names.",
        )
        design = design_matrix(frame, covariates)
        if design.null_count().sum_horizontal().item() > 0:
            raise DataValidationError(
                "A covariate has missing values.", fix="Fill or drop rows with empty covariates."
            )
        self.covariates_ = design.columns
        self._time = frame[duration].cast(pl.Float64).to_numpy()
        self._status = frame[event].cast(pl.Float64).to_numpy()
        self._exog = design.to_numpy()
        if self.ties == "efron":  # the same Newton fit as PHReg, on arrays instead of a loop
            self._efron = efron_likelihood(self._time, self._status, self._exog, duration)
            self.params_, covariance, _ = self._efron.fit()
            self.standard_errors_ = np.sqrt(np.diag(covariance))
            self.log_likelihood_ = self._efron.loglike(self.params_)
            self._result = None
            return self
        model = PHReg(self._time, self._exog, status=self._status, ties=self.ties)
        self._result = model.fit(disp=False)
        self.params_ = np.asarray(self._result.params)
        self.standard_errors_ = np.asarray(self._result.bse)
        self.log_likelihood_ = float(self._result.llf)
        return self

    def summary(self) -> pl.DataFrame:
        """covariate, coef, se, hazard_ratio, ci_low, ci_high (of the ratio), p_value."""
        z = stats.norm.ppf(0.5 + self.confidence / 2)
        coef, se = self.params_, self.standard_errors_
        return pl.DataFrame(
            {
                "covariate": self.covariates_,
                "coef": coef,
                "se": se,
                "hazard_ratio": np.exp(coef),
                "ci_low": np.exp(coef - z * se),
                "ci_high": np.exp(coef + z * se),
                "p_value": 2 * stats.norm.sf(np.abs(coef / se)),
            }
        )

    def proportional_hazards_check(self) -> pl.DataFrame:
        """Correlation of each covariate's Schoenfeld residuals with the event time's rank.

        A small p-value says the effect changes over time (hazards not proportional). The
        rank transform follows lifelines' default ``check_assumptions``.
        """
        if self._result is None:
            residuals = self._efron.schoenfeld_residuals(self.params_)
        else:
            residuals = np.asarray(self._result.schoenfeld_residuals)
        observed = ~np.isnan(residuals[:, 0])
        time_rank = stats.rankdata(self._time[observed])
        rows = []
        for j, name in enumerate(self.covariates_):
            r, p = stats.pearsonr(time_rank, residuals[observed, j])
            rows.append(
                {
                    "covariate": name,
                    "correlation_with_time": float(r),
                    "p_value": float(p),
                    "proportional": bool(p >= 0.05),
                }
            )
        return pl.DataFrame(rows)
