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
>>> model.summary().select("covariate", "hazard_ratio").with_columns(pl.col("hazard_ratio").round(2)).row(0)
('webinar', 6.5)
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg

from mkt_engineering.errors import DataValidationError, require_columns


def design_matrix(frame: pl.DataFrame, covariates: list[str]) -> pl.DataFrame:
    """Numeric design: numbers and booleans as they are, text as 0/1 columns (first level dropped)."""
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


class CoxModel:
    """Cox model with Efron ties and a proportional-hazards check.

    Attributes (after fit)
    ----------------------
    params_ : ndarray
        Log hazard ratios.
    standard_errors_ : ndarray
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
        for name in (duration, event):
            if name not in frame.columns:
                raise DataValidationError(
                    f"Column {name!r} is missing; found {', '.join(frame.columns)}.",
                    column=name,
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
