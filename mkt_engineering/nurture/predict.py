"""Expected MQLs from the leads still in nurturing.

The same works for wins: fit on ``days_to_won_or_end`` / ``won`` and forecast with
``open_leads(timeline, target="won")`` and ``age="days_to_won_or_end"``.

A lead that has been nurtured for s days without qualifying has, by Bayes' rule, a lower
chance of ever qualifying than a fresh one: it is more likely one of the "never" leads.
Its chance of qualifying within the next h days is

    P(s < T <= s + h | T > s) = (S(s) - S(s + h)) / S(s),

with S the share not yet qualified: from the mixture cure model (per lead, using its
traits) or from the Kaplan-Meier curve of its group. Summed over the open leads this is
the expected number of MQLs in the next h days.

Examples
--------
>>> import polars as pl
>>> from mkt_engineering.nurture.survival import kaplan_meier
>>> curve = kaplan_meier([10, 20, 30, 40], [1, 1, 0, 0])
>>> open_leads = pl.DataFrame({"lead_id": ["x"], "days_in_nurturing": [5.0]})
>>> forecast_open_leads(open_leads, horizon=10, curve=curve)["probability"].item()
0.25
"""

from __future__ import annotations

import numpy as np
import polars as pl

from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture.cure import MixtureCureModel
from mkt_engineering.nurture.survival import survival_at


def open_leads(timeline: pl.DataFrame, *, target: str = "qualified") -> pl.DataFrame:
    """Leads that can still reach the target at the end of the data.

    ``target="qualified"``: leads still in nurturing (no exit yet). ``target="won"``: leads
    not won, lost, unsubscribed or disqualified yet.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    target : {"qualified", "won"}
        What the leads can still reach.

    Returns
    -------
    DataFrame
        The timeline rows of the open leads.
    """
    if target == "qualified":
        return timeline.filter(pl.col("nurture_exit") == "none")
    if target == "won":
        return timeline.filter(
            pl.col("outcome") == "open",
            pl.col("unsubscribed_at").is_null(),
            pl.col("disqualified_at").is_null(),
        )
    raise DataValidationError(
        f"Unknown target {target!r}.", fix="Use target='qualified' or target='won'."
    )


def forecast_open_leads(
    leads: pl.DataFrame,
    *,
    horizon: float = 30.0,
    model: MixtureCureModel | None = None,
    curve: pl.DataFrame | None = None,
    group: str | None = None,
    age: str = "days_in_nurturing",
) -> pl.DataFrame:
    """Probability that each open lead qualifies within the next `horizon` days.

    Parameters
    ----------
    leads : DataFrame
        Open leads with ``days_in_nurturing`` (their age s) and the model's covariates.
    horizon : float
        Days ahead.
    model : MixtureCureModel, optional
        A fitted cure model; uses each lead's own incidence and latency.
    curve : DataFrame, optional
        A Kaplan-Meier curve instead of the model (with ``group`` if it has groups).
    group : str, optional
        Column of `leads` matching the curve's ``group``.
    age : str
        Column with each lead's time so far: ``days_in_nurturing`` for MQL forecasts,
        ``days_to_won_or_end`` for wins (fit the model or curve on the same pair).

    Returns
    -------
    DataFrame
        The leads with ``probability`` and ``probability_ever`` (cure model only) added.
    """
    if (model is None) == (curve is None):
        raise DataValidationError(
            "Pass either a fitted cure model or a Kaplan-Meier curve.",
            fix="forecast_open_leads(leads, model=fitted_model) or curve=kaplan_meier(...).",
        )
    age = leads[age].cast(pl.Float64).to_numpy()
    if model is not None:
        pi = model.probability_ever(leads)
        scale = model.latency_scale(leads)
        now = 1.0 - pi + pi * np.exp(-((age / scale) ** model.shape_))
        later = 1.0 - pi + pi * np.exp(-(((age + horizon) / scale) ** model.shape_))
        ever = pi * np.exp(-((age / scale) ** model.shape_)) / now
        return leads.with_columns(
            probability=pl.Series((now - later) / now), probability_ever=pl.Series(ever)
        )
    probability = np.zeros(leads.height)
    labels = leads[group].to_numpy() if group else np.array([None] * leads.height)
    for label in np.unique(labels.astype(str)) if group else [None]:
        rows = labels.astype(str) == label if group else np.ones(leads.height, bool)
        now = survival_at(curve, age[rows], group=label)
        later = survival_at(curve, age[rows] + horizon, group=label)
        probability[rows] = np.where(now > 0, (now - later) / np.where(now > 0, now, 1.0), 0.0)
    return leads.with_columns(probability=pl.Series(probability))


def expected_qualifications(forecast: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Sum of the probabilities: expected MQLs in the horizon, with a Poisson-binomial sd.

    Parameters
    ----------
    forecast : DataFrame
        One row per open lead with its ``probability`` (from `forecast_open_leads`).
    by : str, optional
        A column to sum per value of (e.g. ``persona``); None sums all leads.

    Returns
    -------
    DataFrame
        The group (``by`` or ``group="all"``), open_leads, expected_mqls and sd.
    """
    group = [by] if by else []
    return (
        forecast.group_by(group, maintain_order=True)
        if group
        else forecast.group_by(pl.lit("all").alias("group"))
    ).agg(
        open_leads=pl.len(),
        expected_mqls=pl.col("probability").sum(),
        sd=(pl.col("probability") * (1 - pl.col("probability"))).sum().sqrt(),
    )
