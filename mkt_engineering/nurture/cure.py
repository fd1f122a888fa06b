"""Mixture cure model: how many leads will *ever* qualify, and how fast the others do.

Many leads never become ready. A Kaplan-Meier curve of time to MQL then flattens above
zero, and a plain survival model would wrongly assume everyone qualifies eventually. The
mixture cure model splits the two questions:

- **incidence**: P(lead ever qualifies) = logistic(x'beta), by lead traits;
- **latency**: among those who do, the days to qualify follow a Weibull distribution whose
  scale is exp(z'gamma) (an accelerated-failure-time form: a coefficient of 0.3 means
  exp(0.3) = 1.35 times as many days).

Leads that left nurturing another way (unsubscribed, disqualified, fast lane) or are still
open are censored. The likelihood is maximized with scipy (L-BFGS-B with the analytic
gradient); standard errors come from the numerically differentiated gradient.

============  ==========================================================
data          one row per lead: duration (days), event (1 qualified, 0
              censored), optional covariate columns
============  ==========================================================

References
----------
Farewell (1982), "The use of mixture models for the analysis of survival data with
long-term survivors". Peng & Dear (2000), "A nonparametric mixture model for cure rate
estimation". Amico & Van Keilegom (2018), "Cure models in survival analysis" (review).

Examples
--------
>>> import numpy as np, polars as pl
>>> rng = np.random.default_rng(0)
>>> ready = rng.random(3000) < 0.4
>>> days = np.where(ready, 20 * rng.weibull(1.5, 3000), np.inf)
>>> censor = rng.uniform(60, 200, 3000)
>>> frame = pl.DataFrame({"days": np.minimum(days, censor), "mql": (days <= censor).astype(int)})
>>> model = MixtureCureModel().fit(frame, duration="days", event="mql")
>>> round(model.cure_fraction_, 2), round(model.shape_, 1)
(0.59, 1.5)
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import optimize, stats

from mkt_engineering.errors import DataValidationError, require_columns
from mkt_engineering.nurture.cox import design_matrix


def _design(frame: pl.DataFrame, covariates: list[str]) -> tuple[np.ndarray, list[str]]:
    extra = design_matrix(frame, covariates) if covariates else pl.DataFrame()
    names = ["intercept", *extra.columns]
    matrix = np.column_stack([np.ones(frame.height), *(extra.to_numpy().T if covariates else [])])
    return matrix, names


class MixtureCureModel:
    """Logistic incidence + Weibull (AFT) latency mixture cure model.

    The data and its columns (duration, event and the covariates of each part) are given
    to :meth:`fit`, as in lifelines and :class:`~mkt_engineering.nurture.CoxModel`.

    Parameters
    ----------
    confidence : float
        Level of the intervals in :meth:`summary` (default 0.95).

    Attributes
    ----------
    incidence_covariates_, latency_covariates_ : list of str
        The covariate columns of each part, as passed to :meth:`fit`.
    incidence_params_, latency_params_ : ndarray
        Logit coefficients of "ever qualifies" and log-scale coefficients of the latency.
    shape_ : float
        Weibull shape (above 1: readiness becomes more likely with time, then fades).
    cure_fraction_ : float
        Average share of the fitted leads that will never qualify.
    log_likelihood_ : float
        Log-likelihood at the fitted parameters.
    """

    def __init__(self, confidence: float = 0.95) -> None:
        self.confidence = confidence

    def fit(
        self,
        frame: pl.DataFrame,
        *,
        duration: str,
        event: str,
        incidence: list[str] | None = None,
        latency: list[str] | None = None,
    ) -> MixtureCureModel:
        """Fit the model to one row per lead.

        Parameters
        ----------
        frame : DataFrame
            One row per lead with the duration, event and covariate columns.
        duration : str
            Days from the start of nurturing to the event or to censoring.
        event : str
            1 if the lead qualified, 0 if censored.
        incidence : list of str, optional
            Covariates of P(lead ever qualifies); text columns become 0/1 columns.
        latency : list of str, optional
            Covariates of the Weibull scale of the days to qualify.

        Returns
        -------
        MixtureCureModel
            The fitted model (``self``).
        """
        self.incidence_covariates_ = list(incidence or [])
        self.latency_covariates_ = list(latency or [])
        covariates = list(dict.fromkeys((*self.incidence_covariates_, *self.latency_covariates_)))
        require_columns(
            frame,
            [duration, event, *covariates],
            source="cure model data",
            fix="Pass columns that exist in the lead timeline.",
        )
        empty = [c for c in covariates if frame[c].null_count()]
        if empty:  # a NaN in the design makes the optimiser fail deep inside numpy
            raise DataValidationError(
                f"Covariate {empty[0]!r} is empty for {frame[empty[0]].null_count():,} of "
                f"{frame.height:,} leads; the cure model needs a value for every lead.",
                column=empty[0],
                fix=f"Leave {empty[0]!r} out of the incidence and latency terms, or give every "
                "lead a value (e.g. a lead table with the column for every lead).",
            )
        time = frame[duration].cast(pl.Float64).to_numpy()
        if (time <= 0).any():
            # a lead qualified the moment it was created: shift by a minute so log t exists
            time = np.maximum(time, 1.0 / 1440.0)
        self._x, self.incidence_names_ = _design(frame, self.incidence_covariates_)
        self._z, self.latency_names_ = _design(frame, self.latency_covariates_)
        self._t, self._d = time, frame[event].cast(pl.Float64).to_numpy()
        self._log_t = np.log(time)
        self._event_rows = np.flatnonzero(self._d > 0)
        self._censored_rows = np.flatnonzero(~(self._d > 0))
        if self._d.sum() < 5:
            raise DataValidationError(
                f"Only {int(self._d.sum())} leads reached the event; a cure model needs more.",
                column=event,
                fix="Use a longer period or a broader event definition.",
            )
        start = np.r_[
            np.zeros(self._x.shape[1]),
            np.log(np.median(time[self._d > 0])),
            np.zeros(self._z.shape[1] - 1),
            0.0,
        ]
        fitted = optimize.minimize(
            self._negative_log_likelihood, start, jac=True, method="L-BFGS-B"
        )
        self.converged_ = bool(fitted.success)
        self._theta = fitted.x
        self.log_likelihood_ = -float(fitted.fun)
        self._covariance = np.linalg.pinv(self._hessian(fitted.x))
        p, q = self._x.shape[1], self._z.shape[1]
        self.incidence_params_, self.latency_params_ = fitted.x[:p], fitted.x[p : p + q]
        self.shape_ = float(np.exp(fitted.x[-1]))
        self.cure_fraction_ = float(1.0 - self.probability_ever(frame).mean())
        return self

    def _split(self, theta):
        p, q = self._x.shape[1], self._z.shape[1]
        return theta[:p], theta[p : p + q], theta[-1]

    def _negative_log_likelihood(self, theta):
        # Each lead takes only its own branch (event or censored): the same operations in
        # the same order per lead as evaluating both branches for every lead and picking
        # one, so the same bits, at about half the work; log t is the same on every call.
        beta, gamma, rho = self._split(theta)
        event, censored, log_t = self._event_rows, self._censored_rows, self._log_t
        eta = np.clip(self._x @ beta, -30, 30)
        pi = 1.0 / (1.0 + np.exp(-eta))
        k = np.exp(rho)
        log_ratio = log_t - self._z @ gamma  # log(t / scale)
        u = np.exp(np.clip(k * log_ratio, -50, 50))
        ll, g_eta, g_loglam, g_rho = (np.empty_like(pi) for _ in range(4))
        pi_e, u_e, ratio_e = pi[event], u[event], log_ratio[event]
        log_f = rho - log_t[event] + k * ratio_e - u_e
        ll[event] = np.log(pi_e) + log_f
        g_eta[event] = 1.0 - pi_e
        g_loglam[event] = k * (u_e - 1.0)
        g_rho[event] = 1.0 + k * ratio_e * (1.0 - u_e)
        pi_c, u_c, ratio_c = pi[censored], u[censored], log_ratio[censored]
        surv = np.exp(-u_c)
        censored_lik = 1.0 - pi_c + pi_c * surv
        ll[censored] = np.log(censored_lik)
        g_eta[censored] = pi_c * (1.0 - pi_c) * (surv - 1.0) / censored_lik
        g_loglam[censored] = pi_c * surv * k * u_c / censored_lik
        g_rho[censored] = -pi_c * surv * u_c * k * ratio_c / censored_lik
        gradient = np.r_[self._x.T @ g_eta, self._z.T @ g_loglam, g_rho.sum()]
        return -ll.sum(), -gradient

    def _hessian(self, theta):
        step = 1e-5 * np.maximum(1.0, np.abs(theta))
        columns = []
        for j in range(theta.size):
            shift = np.zeros_like(theta)
            shift[j] = step[j]
            columns.append(
                (
                    self._negative_log_likelihood(theta + shift)[1]
                    - self._negative_log_likelihood(theta - shift)[1]
                )
                / (2 * step[j])
            )
        hessian = np.column_stack(columns)
        return (hessian + hessian.T) / 2

    def summary(self) -> pl.DataFrame:
        """part (incidence/latency/shape), term, estimate, se, ci_low, ci_high."""
        z = stats.norm.ppf(0.5 + self.confidence / 2)
        se = np.sqrt(np.clip(np.diag(self._covariance), 0, None))
        parts = (
            ["incidence"] * len(self.incidence_names_)
            + ["latency"] * len(self.latency_names_)
            + ["shape"]
        )
        terms = [*self.incidence_names_, *self.latency_names_, "log_shape"]
        return pl.DataFrame(
            {
                "part": parts,
                "term": terms,
                "estimate": self._theta,
                "se": se,
                "ci_low": self._theta - z * se,
                "ci_high": self._theta + z * se,
            }
        )

    def probability_ever(self, frame: pl.DataFrame) -> np.ndarray:
        """P(lead ever qualifies) for each row of frame.

        Parameters
        ----------
        frame : DataFrame
            Leads with the incidence covariates of the fit.

        Returns
        -------
        ndarray
            One probability per row.
        """
        x, _ = _design(frame, self.incidence_covariates_)
        return 1.0 / (1.0 + np.exp(-(x @ self.incidence_params_)))

    def latency_scale(self, frame: pl.DataFrame) -> np.ndarray:
        """Weibull scale (days) of the time to qualify, for each row of frame.

        Parameters
        ----------
        frame : DataFrame
            Leads with the latency covariates of the fit.

        Returns
        -------
        ndarray
            One scale per row.
        """
        z, _ = _design(frame, self.latency_covariates_)
        return np.exp(z @ self.latency_params_)

    def population_survival(self, days, frame: pl.DataFrame | None = None) -> np.ndarray:
        """Share of leads not yet qualified by each of `days`, averaged over `frame`'s leads."""
        frame = frame if frame is not None else pl.DataFrame({"_": np.zeros(1)})
        pi = self.probability_ever(frame)[:, None]
        scale = self.latency_scale(frame)[:, None]
        grid = np.asarray(days, dtype=np.float64)[None, :]
        return (1.0 - pi + pi * np.exp(-((grid / scale) ** self.shape_))).mean(axis=0)

    def median_latency(self, frame: pl.DataFrame | None = None) -> float:
        """Median days to qualify among the leads that will (average scale over frame)."""
        scale = (
            self.latency_scale(frame).mean()
            if frame is not None and self.latency_covariates_
            else np.exp(self.latency_params_[0])
        )
        return float(scale * np.log(2.0) ** (1.0 / self.shape_))
