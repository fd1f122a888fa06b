"""Who gets excluded: targeting rules draw lines, and some people end up on the far side.

A nurturing programme hands a lead to sales only if it (1) can be e-mailed, (2) belongs
to a targeted persona and (3) reaches the MQL score. Each rule is reasonable; together
they decide who never hears from sales. This module shows who that is, what those leads
still bought through the fast lane or offline, and how reach trades against precision
as the score threshold moves.

Examples
--------
>>> import polars as pl
>>> leads = pl.DataFrame({"lead_id": ["a", "b", "c"], "persona": ["cfo", "it", "it"],
...     "source": ["web"] * 3, "is_customer": [False] * 3, "has_email": [True, False, True],
...     "max_score_before_contact": [70.0, 80.0, 20.0], "outcome": ["won", "won", "open"],
...     "first_contact_at": [1, None, None], "fast_lane_at": [None, 1, None]})
>>> targeted = apply_targeting(leads, mql_score=60)
>>> targeted.select("lead_id", "reaches_sales", "exclusion_reason").rows()
... # doctest: +NORMALIZE_WHITESPACE
[('a', True, 'reaches sales'), ('b', False, 'no e-mail address'),
 ('c', False, 'below the MQL score')]
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.errors import require_columns

BREAKDOWN = ("persona", "source", "is_customer", "has_email")


def apply_targeting(
    timeline: pl.DataFrame,
    *,
    mql_score: float = 60.0,
    personas: list[str] | None = None,
    require_email: bool = True,
) -> pl.DataFrame:
    """Flag, per lead, whether the targeting rules let it reach sales through nurturing.

    The first rule a lead fails is its ``exclusion_reason``: no e-mail address, persona
    not targeted, or below the MQL score (its highest score before any sales contact).

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    mql_score : float
        The score a lead must reach to count as marketing qualified.
    personas : list of str, optional
        The targeted personas; None targets every persona.
    require_email : bool
        Leads without an e-mail address cannot be nurtured, so they are excluded.

    Returns
    -------
    DataFrame
        The timeline with ``exclusion_reason`` (null when targeted) and ``reaches_sales``.
    """
    needed = ["has_email", "max_score_before_contact"] + (["persona"] if personas else [])
    require_columns(
        timeline,
        needed,
        source="the lead timeline",
        fix="Build it with stage_timeline() from lead_events that include a score column.",
    )
    no_email = ~pl.col("has_email") if require_email else pl.lit(False)
    off_persona = ~pl.col("persona").is_in(personas) if personas else pl.lit(False)
    below = pl.col("max_score_before_contact").fill_null(0) < mql_score
    reason = (
        pl.when(no_email)
        .then(pl.lit("no e-mail address"))
        .when(off_persona)
        .then(pl.lit("persona not targeted"))
        .when(below)
        .then(pl.lit("below the MQL score"))
        .otherwise(pl.lit("reaches sales"))
    )
    return timeline.with_columns(exclusion_reason=reason).with_columns(
        reaches_sales=pl.col("exclusion_reason") == "reaches sales"
    )


def exclusion_breakdown(targeted: pl.DataFrame, *, by: tuple[str, ...] = BREAKDOWN) -> pl.DataFrame:
    """Share of leads excluded, by each of the `by` columns (long format).

    Parameters
    ----------
    targeted : DataFrame
        The timeline after `apply_targeting`.
    by : tuple of str
        The lead columns to break the exclusions down by (those missing are skipped).

    Returns
    -------
    DataFrame
        ``dimension``, ``value``, ``leads``, ``excluded``, ``share_excluded`` and one
        count column per exclusion reason.
    """
    frames = []
    for dimension in (c for c in by if c in targeted.columns):
        frames.append(
            targeted.group_by(pl.col(dimension).cast(pl.String).alias("value"))
            .agg(
                leads=pl.len(),
                excluded=(~pl.col("reaches_sales")).sum(),
                no_email=(pl.col("exclusion_reason") == "no e-mail address").sum(),
                persona_not_targeted=(pl.col("exclusion_reason") == "persona not targeted").sum(),
                below_score=(pl.col("exclusion_reason") == "below the MQL score").sum(),
            )
            .with_columns(
                dimension=pl.lit(dimension), share_excluded=pl.col("excluded") / pl.col("leads")
            )
            .sort("value")
        )
    return pl.concat(frames).select(
        "dimension",
        "value",
        "leads",
        "excluded",
        "share_excluded",
        "no_email",
        "persona_not_targeted",
        "below_score",
    )


def excluded_conversions(targeted: pl.DataFrame) -> pl.DataFrame:
    """Wins of excluded leads anyway: through the fast lane, a sales call, or offline.

    Parameters
    ----------
    targeted : DataFrame
        The timeline after `apply_targeting`.

    Returns
    -------
    DataFrame
        exclusion_reason, leads, wins, wins_fast_lane, wins_sales_call, wins_offline,
        win_rate; one row per exclusion reason.
    """
    route = (
        pl.when(pl.col("fast_lane_at").is_not_null())
        .then(pl.lit("fast_lane"))
        .when(pl.col("first_contact_at").is_not_null())
        .then(pl.lit("sales_call"))
        .otherwise(pl.lit("offline"))
    )
    won = pl.col("outcome") == "won"
    return (
        targeted.filter(~pl.col("reaches_sales"))
        .with_columns(route=route)
        .group_by("exclusion_reason")
        .agg(
            leads=pl.len(),
            wins=won.sum(),
            wins_fast_lane=(won & (pl.col("route") == "fast_lane")).sum(),
            wins_sales_call=(won & (pl.col("route") == "sales_call")).sum(),
            wins_offline=(won & (pl.col("route") == "offline")).sum(),
        )
        .with_columns(win_rate=pl.col("wins") / pl.col("leads"))
        .sort("exclusion_reason")
    )


def reach_precision_curve(
    timeline: pl.DataFrame,
    *,
    thresholds: list[float] = tuple(range(0, 101, 5)),
    require_email: bool = True,
) -> pl.DataFrame:
    """Reach against precision as the MQL score threshold moves.

    ``reach``: share of all leads passed to sales; ``precision``: share of those that were
    won; ``share_of_wins``: share of all wins that came from passed leads.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).
    thresholds : list of float
        The MQL score thresholds to try.
    require_email : bool
        Leads without an e-mail address are never passed.

    Returns
    -------
    DataFrame
        threshold, leads_passed, reach, precision, share_of_wins; one row per threshold.
    """
    eligible = pl.col("has_email") if require_email else pl.lit(True)
    won = timeline["outcome"] == "won"
    total_wins = max(int(won.sum()), 1)
    rows = []
    for threshold in thresholds:
        passed = timeline.select(
            (eligible & (pl.col("max_score_before_contact").fill_null(0) >= threshold)).alias("p")
        )["p"]
        n_passed = int(passed.sum())
        wins = int((passed & won).sum())
        rows.append(
            {
                "threshold": float(threshold),
                "leads_passed": n_passed,
                "reach": n_passed / timeline.height,
                "precision": wins / n_passed if n_passed else None,
                "share_of_wins": wins / total_wins,
            }
        )
    return pl.DataFrame(rows)
