"""When should sales call? Win rates by lead maturity, the green-banana effect, a handoff rule.

All comparisons here are **observational**: nobody randomized when sales called. Leads
called early may differ from leads called later in ways the data do not show. Adjusting
for persona, source and customer status removes the differences we *can* see; a
randomized test of the handoff rule (e.g. hold half of the early calls) is the way to be
sure.

Only contacts with enough follow-up count (``follow_up_days``, default 90): a lead called
last week has had no time to be won yet.

Examples
--------
>>> wilson_interval(30, 100)
(0.2189..., 0.3958...)
"""

from __future__ import annotations

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats

from mkt_engineering.errors import DataValidationError
from mkt_engineering.formatting import bin_labels
from mkt_engineering.nurture.cox import design_matrix


def wilson_interval(successes, trials, confidence: float = 0.95):
    """Wilson score interval of a proportion (works for 0 and n successes)."""
    successes, trials = np.asarray(successes, float), np.asarray(trials, float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = successes / trials
        centre = (p + z**2 / (2 * trials)) / (1 + z**2 / trials)
        half = z * np.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / (1 + z**2 / trials)
    low, high = centre - half, centre + half
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


def sales_contacts(
    timeline: pl.DataFrame, *, follow_up_days: float = 90.0, include_fast_lane: bool = False
) -> pl.DataFrame:
    """Leads with a first sales contact at least `follow_up_days` before the end of the data.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    follow_up_days : float
        Only contacts at least this many days before the end of the data count, so each had
        time to reach an outcome.
    include_fast_lane : bool
        Also count leads that asked for a call or a price themselves.

    Returns
    -------
    DataFrame
        The timeline rows of those leads, with ``won`` (1 if the lead was won, else 0).
    """
    contacted = timeline.filter(pl.col("first_contact_at").is_not_null())
    if not include_fast_lane:
        contacted = contacted.filter(
            pl.col("fast_lane_at").is_null() | (pl.col("fast_lane_at") > pl.col("first_contact_at"))
        )
    end = timeline["last_event_at"].max()
    contacted = contacted.filter(
        pl.col("first_contact_at") <= pl.lit(end) - pl.duration(days=follow_up_days)
    )
    return contacted.with_columns(won=(pl.col("outcome") == "won").cast(pl.Int8))


def win_rate_by_maturity(
    timeline: pl.DataFrame,
    *,
    by: str = "score_at_contact",
    bins: list[float] | None = None,
    follow_up_days: float = 90.0,
) -> pl.DataFrame:
    """Win rate of sales contacts by the lead's maturity when sales first called.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    by : str
        ``score_at_contact``, ``engagements_at_contact`` or ``days_qualified_to_contact``
        (leads called before qualifying form their own row "before ready").
    bins : list of float
        Bin edges; defaults suit each measure. The last bin is open-ended ("80+"): it also
        holds the values at or above the last edge, which only closes the list.
    follow_up_days : float
        Only contacts at least this many days before the end of the data count, so each had
        time to reach an outcome.

    Returns
    -------
    DataFrame
        measure, bin, contacts, wins, win_rate, ci_low, ci_high, median_days_to_win; one row
        per bin.
    """
    defaults = {
        "score_at_contact": [0, 20, 40, 60, 80, 101],
        "engagements_at_contact": [0, 1, 2, 4, 7, 1000],
        "days_qualified_to_contact": [0, 1, 3, 7, 14, 10_000],
    }
    if by not in defaults:
        raise DataValidationError(
            f"Unknown maturity measure {by!r}.", fix=f"Use one of {', '.join(defaults)}."
        )
    edges = list(bins or defaults[by])
    contacts = sales_contacts(timeline, follow_up_days=follow_up_days)
    # the last edge is a catch-all (a score of 101, 10,000 days): the last bin reads "80+"
    # and holds every value above it too
    labels = bin_labels(edges)
    # calls before readiness form their own row, whatever their score or engagement
    values = contacts.select(
        pl.when(~pl.col("contacted_before_ready") | (pl.lit(by) != "days_qualified_to_contact"))
        .then(pl.col(by))
        .cast(pl.Float64)
    )[by]
    index = np.clip(np.digitize(values.fill_null(-1).to_numpy(), edges) - 1, 0, len(labels) - 1)
    label = np.where(values.is_null().to_numpy(), "before ready", np.array(labels)[index])
    grouped = (
        contacts.with_columns(
            bin=pl.Series(label), _order=pl.Series(np.where(values.is_null().to_numpy(), -1, index))
        )
        .group_by("bin")
        .agg(
            pl.col("_order").first(),
            contacts=pl.len(),
            wins=pl.col("won").sum(),
            median_days_to_win=pl.col("days_contact_to_outcome")
            .filter(pl.col("won") == 1)
            .median(),
        )
        .sort("_order")
        .drop("_order")
    )
    low, high = wilson_interval(grouped["wins"].to_numpy(), grouped["contacts"].to_numpy())
    return grouped.with_columns(
        win_rate=pl.col("wins") / pl.col("contacts"),
        ci_low=pl.Series(low),
        ci_high=pl.Series(high),
        measure=pl.lit(by),
    ).select(
        "measure", "bin", "contacts", "wins", "win_rate", "ci_low", "ci_high", "median_days_to_win"
    )


def green_banana_effect(
    timeline: pl.DataFrame,
    *,
    adjust: tuple[str, ...] = ("persona", "source", "is_customer"),
    follow_up_days: float = 90.0,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Win rate of leads called before they were ready against leads called when ready.

    A logistic regression of "won" on "contacted before ready" plus the `adjust` columns
    gives the adjusted odds ratio; averaging its predictions over the early-called leads
    (with and without the early call) gives the adjusted difference in win rate, with a
    delta-method interval. Observational: see the module notes.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    adjust : tuple of str
        Lead traits the comparison adjusts for (those missing are skipped).
    follow_up_days : float
        Only contacts at least this many days before the end of the data count, so each had
        time to reach an outcome.
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        ``measure``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``leads``.
    """
    contacts = sales_contacts(timeline, follow_up_days=follow_up_days)
    adjust = tuple(c for c in adjust if c in contacts.columns)
    early = contacts["contacted_before_ready"].cast(pl.Float64).to_numpy()
    won = contacts["won"].cast(pl.Float64).to_numpy()
    if early.sum() < 5 or (1 - early).sum() < 5:
        raise DataValidationError(
            "Too few leads were called before (or after) they were ready to compare.",
            column="sales_contact",
            fix="Use a longer period of data.",
        )
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for name, mask in (
        ("win rate, called before ready", early == 1),
        ("win rate, called when ready", early == 0),
    ):
        low, high = wilson_interval(won[mask].sum(), mask.sum(), confidence)
        rate = won[mask].mean()
        rows.append(
            (name, rate, np.sqrt(rate * (1 - rate) / mask.sum()), low, high, int(mask.sum()))
        )
    raw = won[early == 1].mean() - won[early == 0].mean()
    raw_se = np.sqrt(rows[0][2] ** 2 + rows[1][2] ** 2)
    rows.append(
        ("difference, unadjusted", raw, raw_se, raw - z * raw_se, raw + z * raw_se, len(won))
    )
    design = design_matrix(contacts, list(adjust)) if adjust else pl.DataFrame()
    x = np.column_stack([np.ones_like(early), early, *(design.to_numpy().T if adjust else [])])
    fit = sm.GLM(won, x, family=sm.families.Binomial()).fit()
    beta, covariance = np.asarray(fit.params), np.asarray(fit.cov_params())
    log_or, log_or_se = beta[1], np.sqrt(covariance[1, 1])
    difference, difference_se = _adjusted_difference(x[early == 1], beta, covariance)
    rows += [
        (
            "difference, adjusted",
            difference,
            difference_se,
            difference - z * difference_se,
            difference + z * difference_se,
            len(won),
        ),
        (
            "log odds ratio, adjusted",
            log_or,
            log_or_se,
            log_or - z * log_or_se,
            log_or + z * log_or_se,
            len(won),
        ),
        (
            "odds ratio, adjusted",
            np.exp(log_or),
            np.exp(log_or) * log_or_se,
            np.exp(log_or - z * log_or_se),
            np.exp(log_or + z * log_or_se),
            len(won),
        ),
    ]
    return pl.DataFrame(
        rows, schema=["measure", "estimate", "se", "ci_low", "ci_high", "leads"], orient="row"
    )


def _adjusted_difference(
    x_early: np.ndarray, beta: np.ndarray, covariance: np.ndarray
) -> tuple[float, float]:
    # g-computation over the early-called leads: as called (early = 1) minus if called when ready
    as_called, if_ready = x_early.copy(), x_early.copy()
    as_called[:, 1], if_ready[:, 1] = 1.0, 0.0
    p1, p0 = 1 / (1 + np.exp(-as_called @ beta)), 1 / (1 + np.exp(-if_ready @ beta))
    gradient = ((p1 * (1 - p1))[:, None] * as_called - (p0 * (1 - p0))[:, None] * if_ready).mean(
        axis=0
    )
    return float((p1 - p0).mean()), float(np.sqrt(gradient @ covariance @ gradient))


def handoff_rule(
    timeline: pl.DataFrame,
    *,
    candidates: list[float] = (30, 40, 50, 60, 70, 80),
    follow_up_days: float = 90.0,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Compare score thresholds for handing leads to sales.

    For threshold s: leads called below s won at rate p_below, leads called at or above s
    at p_above. If the leads below had waited until they reached s and then won like the
    others, sales would have won ``contacts_below * (p_above - p_below)`` more (an
    optimistic, observational estimate). The recommended threshold is the one whose gain
    we can be most sure of: the largest lower end of the gain's interval (it must be
    above zero). Ranking by the point estimate instead would favour high thresholds, where
    many ready leads count as "below" and noise is multiplied by a large count.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    candidates : list of float
        The score thresholds to compare.
    follow_up_days : float
        Only contacts at least this many days before the end of the data count, so each had
        time to reach an outcome.
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        threshold, contacts_below, contacts_above, win_rate_below, win_rate_above,
        extra_wins with its interval (extra_wins_low, extra_wins_high),
        extra_wins_per_100_contacts and recommended (True on the recommended row).
    """
    contacts = sales_contacts(timeline, follow_up_days=follow_up_days).filter(
        pl.col("score_at_contact").is_not_null()
    )
    score, won = contacts["score_at_contact"].to_numpy(), contacts["won"].to_numpy().astype(float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for threshold in candidates:
        below = score < threshold
        n_below, n_above = int(below.sum()), int((~below).sum())
        if n_below == 0 or n_above == 0:
            continue
        p_below, p_above = won[below].mean(), won[~below].mean()
        se = np.sqrt(p_below * (1 - p_below) / n_below + p_above * (1 - p_above) / n_above)
        gain = (p_above - p_below) * n_below
        rows.append(
            {
                "threshold": float(threshold),
                "contacts_below": n_below,
                "contacts_above": n_above,
                "win_rate_below": p_below,
                "win_rate_above": p_above,
                "extra_wins": gain,
                "extra_wins_low": (p_above - p_below - z * se) * n_below,
                "extra_wins_high": (p_above - p_below + z * se) * n_below,
                "extra_wins_per_100_contacts": 100 * gain / len(won),
            }
        )
    if not rows:  # e.g. every call came after the lead qualified, so no score splits them
        raise DataValidationError(
            "No candidate threshold has sales contacts both below and at or above it "
            f"(thresholds {', '.join(f'{c:g}' for c in candidates)}; "
            f"{len(won):,} contacts with a score).",
            column="score_at_contact",
            fix="Add sales_contact events of leads called at lower and higher scores, "
            "or choose handoff_candidates inside the range of the scores at contact.",
        )
    table = pl.DataFrame(rows)
    eligible = table.filter(pl.col("extra_wins_low") > 0)
    best = (
        eligible.sort("extra_wins_low", descending=True)["threshold"][0]
        if eligible.height
        else None
    )
    return table.with_columns(
        recommended=pl.col("threshold") == best if best is not None else pl.lit(False)
    )


def speed_to_lead(
    timeline: pl.DataFrame,
    *,
    bins: list[float] = (0, 1, 4, 24, 72, float("inf")),
    follow_up_days: float = 90.0,
) -> pl.DataFrame:
    """Win rate of fast-lane requests by hours from request to the first sales contact.

    The frame's ``log_odds_per_hour`` (same on every row) is the slope of a logistic
    regression of winning on hours: how much each hour of waiting lowers the odds.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    bins : list of float
        Edges of the hours-to-contact bins; the last bin is open-ended ("72+ h").
    follow_up_days : float
        Only contacts at least this many days before the end of the data count, so each had
        time to reach an outcome.

    Returns
    -------
    DataFrame
        hours (bin), requests, wins, win_rate, ci_low, ci_high, log_odds_per_hour,
        log_odds_per_hour_se.
    """
    contacts = sales_contacts(
        timeline, follow_up_days=follow_up_days, include_fast_lane=True
    ).filter(pl.col("fast_lane_hours_to_contact").is_not_null())
    if contacts.height < 10:
        raise DataValidationError(
            "Fewer than 10 fast-lane requests with a sales contact.",
            column="fast_lane",
            fix="Check that fast_lane and sales_contact events are in the data.",
        )
    hours, won = (
        contacts["fast_lane_hours_to_contact"].to_numpy(),
        contacts["won"].to_numpy().astype(float),
    )
    fit = sm.GLM(won, sm.add_constant(hours), family=sm.families.Binomial()).fit()
    edges = list(bins)
    labels = bin_labels(edges, "h")  # the last bin is open: "72+ h", never "72–inf h"
    index = np.clip(np.digitize(hours, edges) - 1, 0, len(labels) - 1)
    table = (
        pl.DataFrame({"bin_index": index, "won": won})
        .group_by("bin_index")
        .agg(requests=pl.len(), wins=pl.col("won").sum())
        .sort("bin_index")
    )
    low, high = wilson_interval(table["wins"].to_numpy(), table["requests"].to_numpy())
    return table.with_columns(
        hours=pl.col("bin_index").replace_strict(dict(enumerate(labels)), return_dtype=pl.String),
        win_rate=pl.col("wins") / pl.col("requests"),
        ci_low=pl.Series(low),
        ci_high=pl.Series(high),
        log_odds_per_hour=pl.lit(float(fit.params[1])),
        log_odds_per_hour_se=pl.lit(float(fit.bse[1])),
    ).select(
        "hours",
        "requests",
        "wins",
        "win_rate",
        "ci_low",
        "ci_high",
        "log_odds_per_hour",
        "log_odds_per_hour_se",
    )
