"""The funnel: how many leads reach each stage, and the paths between stages.

`stage_conversion` counts leads per stage with the step and overall conversion rates.
`stage_flows` lists the moves between stages (including the fast lane, early calls and
recycling) with their lead counts, for the flow chart. `stage_durations` gives the days
spent between stages in long format, for the distribution chart.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime as dt
>>> events = pl.DataFrame({"lead_id": ["a", "a", "a", "b"],
...     "timestamp": [dt(2025, 1, 1), dt(2025, 1, 2), dt(2025, 1, 9), dt(2025, 1, 1)],
...     "event": ["created", "email_open", "mql", "created"]})
>>> from mkt_engineering.nurture.timeline import stage_timeline
>>> stage_conversion(stage_timeline(events)).select("stage", "leads").rows()
... # doctest: +NORMALIZE_WHITESPACE
[('created', 2), ('engaged', 1), ('qualified', 1), ('sales contact', 0), ('opportunity', 0),
 ('won', 0), ('fast lane (side road)', 0), ('recycled (side road)', 0)]
"""

from __future__ import annotations

import polars as pl

STAGES = (
    ("created", pl.col("created_at")),
    ("engaged", pl.col("first_engagement_at")),
    ("qualified", pl.col("qualified_at")),
    ("sales contact", pl.col("first_contact_at")),
    ("opportunity", pl.col("opportunity_at")),
    ("won", pl.col("won_at")),
)


def stage_conversion(timeline: pl.DataFrame) -> pl.DataFrame:
    """Leads reaching each stage; share of the previous stage's leads that got here too, and
    of all leads.

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).

    Returns
    -------
    DataFrame
        stage, leads, from_previous, from_created; one row per stage in funnel order.
    """
    # leads can skip stages (fast lane, early calls), so "from previous" counts only the
    # leads that reached both stages
    counts = timeline.select(*(expr.is_not_null().sum().alias(name) for name, expr in STAGES)).row(
        0
    )
    both = timeline.select(
        *(
            (STAGES[i - 1][1].is_not_null() & expr.is_not_null()).sum().alias(name)
            for i, (name, expr) in enumerate(STAGES)
            if i
        )
    ).row(0)
    rows = []
    for i, (name, _) in enumerate(STAGES):
        previous = counts[i - 1] if i else counts[0]
        reached = both[i - 1] if i else counts[0]
        rows.append(
            {
                "stage": name,
                "leads": counts[i],
                "from_previous": reached / previous if previous else None,
                "from_created": counts[i] / counts[0] if counts[0] else None,
            }
        )
    # the side roads: leads that asked for the fast lane, leads recycled at least once
    fast_lane, recycled = timeline.select(
        pl.col("fast_lane_at").is_not_null().sum(), (pl.col("recycled") > 0).sum()
    ).row(0)
    for name, count in (("fast lane (side road)", fast_lane), ("recycled (side road)", recycled)):
        rows.append(
            {
                "stage": name,
                "leads": count,
                "from_previous": None,
                "from_created": count / counts[0] if counts[0] else None,
            }
        )
    return pl.DataFrame(rows)


def stage_flows(timeline: pl.DataFrame) -> pl.DataFrame:
    """Moves between stages with lead counts: ``source``, ``target``, ``leads``.

    Paths: nurturing to qualified; qualified, fast lane or an early call (before ready)
    to sales contact; contact to opportunity; opportunity to won or lost; recycling back
    to nurturing; and the other exits (unsubscribed, disqualified, still nurturing).

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).

    Returns
    -------
    DataFrame
        source, target, leads; one row per move with leads.
    """
    t = timeline
    exit_of = pl.col("nurture_exit")
    contacted = pl.col("first_contact_at").is_not_null()
    flows = {
        ("nurturing", "qualified"): exit_of == "qualified",
        ("nurturing", "fast lane"): exit_of == "fast_lane",
        ("nurturing", "early call"): exit_of == "sales_contact",
        ("nurturing", "unsubscribed"): exit_of == "unsubscribed",
        ("nurturing", "disqualified"): exit_of == "disqualified",
        ("nurturing", "still nurturing"): exit_of == "none",
        ("nurturing", "won offline"): exit_of == "won_offline",
        ("qualified", "sales contact"): (exit_of == "qualified") & contacted,
        ("fast lane", "sales contact"): (exit_of == "fast_lane") & contacted,
        ("early call", "sales contact"): exit_of == "sales_contact",
        ("sales contact", "opportunity"): contacted & pl.col("opportunity_at").is_not_null(),
        ("sales contact", "recycled"): contacted & (pl.col("recycled") > 0),
        ("opportunity", "won"): pl.col("opportunity_at").is_not_null()
        & (pl.col("outcome") == "won"),
        ("opportunity", "lost"): pl.col("opportunity_at").is_not_null()
        & (pl.col("outcome") == "lost"),
    }
    counts = t.select(
        *(condition.sum().alias(f"{a}|{b}") for (a, b), condition in flows.items())
    ).row(0)
    return pl.DataFrame(
        [
            {"source": a, "target": b, "leads": int(n)}
            for (a, b), n in zip(flows, counts, strict=True)
        ]
    )


def stage_durations(timeline: pl.DataFrame) -> pl.DataFrame:
    """Days between stages per lead, long format: ``step``, ``days`` (only completed steps).

    Parameters
    ----------
    timeline : DataFrame
        One row per lead, from `stage_timeline` (with `attach_lead_attributes`).

    Returns
    -------
    DataFrame
        step, days; one row per lead and completed step.
    """
    steps = {
        "created → first engagement": "days_to_engagement",
        "created → qualified": "days_in_nurturing",
        "qualified → sales contact": "days_qualified_to_contact",
        "sales contact → outcome": "days_contact_to_outcome",
    }
    frames = []
    for step, column in steps.items():
        part = timeline.filter(pl.col(column).is_not_null())
        if column == "days_in_nurturing":
            part = part.filter(pl.col("qualified") == 1)
        if column == "days_qualified_to_contact":  # only leads handed over through qualification
            part = part.filter(pl.col("nurture_exit") == "qualified")
        frames.append(
            part.select(pl.lit(step).alias("step"), pl.col(column).cast(pl.Float64).alias("days"))
        )
    return pl.concat(frames)


def duration_summary(durations: pl.DataFrame) -> pl.DataFrame:
    """Median and quartiles of each step (completed steps only; see the censoring note).

    Parameters
    ----------
    durations : DataFrame
        step, days from `stage_durations`.

    Returns
    -------
    DataFrame
        step, leads, median_days, p25, p75; one row per step.
    """
    return durations.group_by("step", maintain_order=True).agg(
        leads=pl.len(),
        median_days=pl.col("days").median(),
        p25=pl.col("days").quantile(0.25),
        p75=pl.col("days").quantile(0.75),
    )
