"""One row per lead: when it entered, engaged, qualified, met sales, and how it ended.

`stage_timeline` reduces the event log (``lead_events`` contract) to the dates of each
stage, the durations between them and the censoring flags the survival analyses need.
It accepts a LazyFrame and stays lazy until the per-lead result, so ten million events
need only one pass.

Key columns of the result
-------------------------
- ``created_at``, ``first_engagement_at``, ``qualified_at`` (first MQL/MQN, or the first
  time the score reached ``mql_score``), ``first_contact_at``, ``fast_lane_at``,
  ``opportunity_at``, ``won_at``, ``lost_at``, ``unsubscribed_at``, ``disqualified_at``;
- ``outcome``: won, lost or open; ``recycled``: number of recycling loops;
- ``nurture_exit`` (qualified, unsubscribed, disqualified, fast_lane, sales_contact,
  won_offline or none) and ``days_in_nurturing`` with ``qualified`` (1/0): the duration and
  event flag for time-to-MQL curves; a lead that left nurturing another way is censored
  there;
- ``contacted_before_ready``: first sales contact before qualification and not after a
  fast-lane request (the green banana);
- ``score_at_contact``, ``engagements_at_contact``, ``days_qualified_to_contact``,
  ``fast_lane_hours_to_contact``, ``has_email``.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime as dt
>>> events = pl.DataFrame({
...     "lead_id": ["a"] * 4 + ["b"] * 2,
...     "timestamp": [dt(2025, 1, 1), dt(2025, 1, 3), dt(2025, 1, 11), dt(2025, 1, 12),
...                   dt(2025, 1, 1), dt(2025, 1, 5)],
...     "event": ["created", "email_open", "mql", "sales_contact", "created", "email_sent"]})
>>> stage_timeline(events).select("lead_id", "qualified", "days_in_nurturing", "contacted_before_ready").rows()
[('a', 1, 10.0, False), ('b', 0, 11.0, False)]
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from mkt_engineering.errors import DataValidationError

ENGAGEMENTS = ("email_open", "email_click", "content_download", "webinar")
QUALIFYING = ("mql", "mqn")
REQUIRED = ("lead_id", "timestamp", "event")
DAY = 86_400_000_000  # microseconds


def _first(event: str | tuple[str, ...], *, after: pl.Expr | None = None) -> pl.Expr:
    names = (event,) if isinstance(event, str) else event
    condition = pl.col("event").is_in(names)
    if after is not None:
        condition &= pl.col("timestamp") >= after
    return pl.col("timestamp").filter(condition).min()


def _days(end: str, start: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / DAY


def _check(events: pl.LazyFrame) -> None:
    names = events.collect_schema().names()
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise DataValidationError(
            f"lead_events lacks the column(s) {', '.join(missing)}; found {', '.join(names)}.",
            column=missing[0], fix="Map your columns with columns={'your name': 'lead_id', ...} when loading.")


def stage_timeline(events: pl.DataFrame | pl.LazyFrame, *, mql_score: float | None = None,
                   as_of: datetime | None = None) -> pl.DataFrame:
    """Per-lead stage dates, durations and censoring flags from a lead event log.

    Parameters
    ----------
    events : DataFrame or LazyFrame
        The ``lead_events`` table (lead_id, timestamp, event, optional persona, source,
        is_customer, score).
    mql_score : float, optional
        Define "qualified" as the first event with score >= this value instead of the
        mql/mqn events.
    as_of : datetime, optional
        End of the data; defaults to the latest timestamp. Open leads are censored here.
    """
    lazy = events.lazy()
    _check(lazy)
    names = lazy.collect_schema().names()
    if mql_score is not None and "score" not in names:
        raise DataValidationError("mql_score needs a score column in lead_events.", column="score",
                                  fix="Map your lead-score column to 'score', or define MQL by the mql event.")
    end = as_of if as_of is not None else lazy.select(pl.col("timestamp").max()).collect().item()
    attributes = [pl.col(c).drop_nulls().first().alias(c) for c in ("persona", "source") if c in names]
    if "is_customer" in names:
        # the status when the lead entered; it turns true after a win
        attributes.append(pl.col("is_customer").filter(pl.col("timestamp") == pl.col("timestamp").min()).first().alias("is_customer"))
    qualified_at = (pl.col("timestamp").filter(pl.col("score") >= mql_score).min() if mql_score is not None
                    else _first(QUALIFYING))
    first_contact = _first("sales_contact")
    fast_lane = _first("fast_lane")
    contact_row = (pl.col("event") == "sales_contact") & (pl.col("timestamp") == first_contact)
    per_lead = lazy.group_by("lead_id").agg(
        *attributes,
        created_at=pl.coalesce(_first("created"), pl.col("timestamp").min()),
        first_engagement_at=_first(ENGAGEMENTS),
        qualified_at=qualified_at,
        first_contact_at=first_contact,
        fast_lane_at=fast_lane,
        fast_lane_contact_at=_first("sales_contact", after=fast_lane),
        opportunity_at=_first("opportunity"),
        won_at=_first("won"),
        lost_at=_first("lost"),
        unsubscribed_at=_first("unsubscribed"),
        disqualified_at=_first("disqualified"),
        recycled=(pl.col("event") == "recycled").sum().cast(pl.Int32),
        has_email=(pl.col("event") == "email_sent").any(),
        emails_sent=(pl.col("event") == "email_sent").sum().cast(pl.Int32),
        engagements=pl.col("event").is_in(ENGAGEMENTS).sum().cast(pl.Int32),
        engagements_at_contact=(pl.col("event").is_in(ENGAGEMENTS) & (pl.col("timestamp") < first_contact)).sum().cast(pl.Int32),
        score_at_contact=(pl.col("score").filter(contact_row).first() if "score" in names else pl.lit(None, pl.Float64)),
        max_score_before_contact=(pl.col("score").filter(first_contact.is_null() | (pl.col("timestamp") <= first_contact)).max()
                                  if "score" in names else pl.lit(None, pl.Float64)),
        last_event_at=pl.col("timestamp").max(),
    )
    return _derive(per_lead, end).sort("lead_id").collect()


def _derive(per_lead: pl.LazyFrame, end: datetime) -> pl.LazyFrame:
    end_lit = pl.lit(end).cast(pl.Datetime("us"))
    offline_win = pl.when(pl.col("first_contact_at").is_null()).then(pl.col("won_at"))
    early_contact = pl.when(pl.col("fast_lane_at").is_null() | (pl.col("fast_lane_at") > pl.col("first_contact_at"))).then(
        pl.col("first_contact_at"))
    exits = {"unsubscribed": pl.col("unsubscribed_at"), "disqualified": pl.col("disqualified_at"),
             "fast_lane": pl.col("fast_lane_at"), "sales_contact": early_contact, "won_offline": offline_win}
    exit_at = pl.min_horizontal(*exits.values())
    ready_first = pl.col("qualified_at").is_not_null() & (exit_at.is_null() | (pl.col("qualified_at") <= exit_at))
    kind = pl.when(ready_first).then(pl.lit("qualified"))
    for name, at in exits.items():
        kind = kind.when(at.is_not_null() & (at == exit_at)).then(pl.lit(name))
    return _derive_columns(per_lead, end_lit, kind, exit_at, ready_first)


def _derive_columns(per_lead, end_lit, kind, exit_at, ready_first) -> pl.LazyFrame:
    with_exit = per_lead.with_columns(
        nurture_exit=kind.otherwise(pl.lit("none")),
        nurture_exit_at=pl.when(ready_first).then(pl.col("qualified_at")).otherwise(exit_at),
        _as_of=end_lit,
        _outcome_at=pl.coalesce("won_at", "lost_at"),
    ).with_columns(_end=pl.coalesce("nurture_exit_at", "_as_of"))
    return with_exit.with_columns(
        qualified=(pl.col("nurture_exit") == "qualified").cast(pl.Int8),
        days_in_nurturing=_days("_end", "created_at"),
        outcome=pl.when(pl.col("won_at").is_not_null()).then(pl.lit("won"))
        .when(pl.col("lost_at").is_not_null()).then(pl.lit("lost")).otherwise(pl.lit("open")),
        contacted_before_ready=pl.col("first_contact_at").is_not_null()
        & (pl.col("qualified_at").is_null() | (pl.col("first_contact_at") < pl.col("qualified_at")))
        & (pl.col("fast_lane_at").is_null() | (pl.col("fast_lane_at") > pl.col("first_contact_at"))),
        days_to_engagement=_days("first_engagement_at", "created_at"),
        days_qualified_to_contact=_days("first_contact_at", "qualified_at"),
        days_contact_to_outcome=_days("_outcome_at", "first_contact_at"),
        days_to_won=_days("won_at", "created_at"),
        fast_lane_hours_to_contact=_days("fast_lane_contact_at", "fast_lane_at") * 24.0,
        days_observed=_days("_as_of", "created_at"),
    ).drop("_end", "_outcome_at", "_as_of")


def attach_lead_attributes(timeline: pl.DataFrame, leads: pl.DataFrame) -> pl.DataFrame:
    """Take lead attributes (persona, source, is_customer, has_email...) from a lead table.

    Without it ``has_email`` is inferred from e-mail sends, which misses leads that left
    before their first e-mail. Columns of `leads` replace those of the timeline; leads
    missing from `leads` keep nulls there.
    """
    if "lead_id" not in leads.columns:
        raise DataValidationError(f"The lead table has no lead_id column; found {', '.join(leads.columns)}.",
                                  column="lead_id", fix="Map the lead identifier column to 'lead_id'.")
    shared = [c for c in leads.columns if c != "lead_id" and c in timeline.columns]
    extra = leads.select("lead_id", *(c for c in leads.columns if c != "lead_id"))
    return timeline.drop(shared).join(extra.unique("lead_id", keep="first"), on="lead_id", how="left")


def load_lead_attributes(source, columns: dict[str, str] | None = None) -> pl.DataFrame:
    """Read an optional lead table (CSV or Parquet): lead_id plus attributes such as has_email.

    True/false columns written as text ("true"/"false", "1"/"0", "ja"/"nein") become booleans.
    """
    from mkt_engineering.paths import resolve_input

    path = resolve_input(source)
    frame = pl.read_parquet(path) if str(path).endswith(".parquet") else pl.read_csv(path, infer_schema_length=10_000)
    frame = frame.rename({k: v for k, v in (columns or {}).items() if k in frame.columns})
    truthy = {"true": True, "1": True, "yes": True, "ja": True, "false": False, "0": False, "no": False, "nein": False}
    for name in ("has_email", "is_customer"):
        if name in frame.columns and frame[name].dtype == pl.String:
            frame = frame.with_columns(pl.col(name).str.to_lowercase().replace_strict(truthy, default=None, return_dtype=pl.Boolean))
    if "lead_id" in frame.columns:
        frame = frame.with_columns(pl.col("lead_id").cast(pl.String))
    return frame
