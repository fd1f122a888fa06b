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
- ``won`` (1/0) with ``days_to_won_or_end``: the same pair for time-to-win curves;
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
>>> columns = ["lead_id", "qualified", "days_in_nurturing", "contacted_before_ready"]
>>> stage_timeline(events).select(columns).rows()
[('a', 1, 10.0, False), ('b', 0, 11.0, False)]
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import narwhals as nw
import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines.frames import is_engine_frame
from mkt_engineering.errors import DataValidationError, require_columns
from mkt_engineering.formatting import count as count_text
from mkt_engineering.nurture.events import ENGAGEMENTS, QUALIFYING

REQUIRED = ("lead_id", "timestamp", "event")
DAY = 86_400_000_000  # microseconds


def _first(event: str | tuple[str, ...]) -> pl.Expr:
    # when/then is elementwise, so polars evaluates it on the whole column before grouping;
    # a filter inside the aggregation would run group by group (25x slower at a million leads)
    names = (event,) if isinstance(event, str) else event
    return pl.when(pl.col("event").is_in(names)).then(pl.col("timestamp")).min()


def _days(end: str, start: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / DAY


def _check(events: pl.LazyFrame) -> None:
    require_columns(
        events,
        REQUIRED,
        source="lead_events",
        fix="Map your columns with columns={'your name': 'lead_id', ...} when loading.",
    )


def stage_timeline(
    events: Any,
    *,
    mql_score: float | None = None,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """Per-lead stage dates, durations and censoring flags from a lead event log.

    Parameters
    ----------
    events : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        The ``lead_events`` table (lead_id, timestamp, event, optional persona, source,
        is_customer, score). An engine frame is reduced to one row per lead in its engine
        (`engines.nurture.per_lead_stages`); the rest runs in polars on that.
    mql_score : float, optional
        Define "qualified" as the first event with score >= this value instead of the
        mql/mqn events.
    as_of : datetime, optional
        End of the data; defaults to the latest timestamp. Open leads are censored here.

    Returns
    -------
    DataFrame
        One row per lead: the stage dates (created_at, qualified_at, first_contact_at, ...),
        qualified, days_in_nurturing, nurture_exit, outcome, contacted_before_ready and the
        other durations and flags the nurture analyses read.
    """
    on_engine = is_engine_frame(events)
    lazy = frames.lazy(events) if on_engine else events.lazy()
    _check(lazy)
    names = lazy.collect_schema().names()
    if mql_score is not None and "score" not in names:
        raise DataValidationError(
            "mql_score needs a score column in lead_events.",
            column="score",
            fix="Map your lead-score column to 'score', or define MQL by the mql event.",
        )
    if on_engine:
        from mkt_engineering.engines import nurture as engine

        end = as_of if as_of is not None else engine.latest(events)
        per_lead = engine.per_lead_stages(events, mql_score=mql_score).lazy()
    else:
        end = (
            as_of if as_of is not None else lazy.select(pl.col("timestamp").max()).collect().item()
        )
        per_lead = _per_lead(lazy, names, mql_score)
    return _derive(per_lead, end).sort("lead_id").collect()


def _per_lead(lazy: pl.LazyFrame, names: list[str], mql_score: float | None) -> pl.LazyFrame:
    """Stage dates and counts per lead: two group-bys over the events."""
    # text attributes are constant per lead; max skips empty cells and stays on the fast path
    attributes = [pl.col(c).max().alias(c) for c in ("persona", "source") if c in names]
    qualified_at = (
        pl.when(pl.col("score") >= mql_score).then(pl.col("timestamp")).min()
        if mql_score is not None
        else _first(QUALIFYING)
    )
    first_pass = lazy.group_by("lead_id").agg(
        *attributes,
        created_at=pl.coalesce(_first("created"), pl.col("timestamp").min()),
        first_engagement_at=_first(ENGAGEMENTS),
        qualified_at=qualified_at,
        first_contact_at=_first("sales_contact"),
        fast_lane_at=_first("fast_lane"),
        opportunity_at=_first("opportunity"),
        won_at=_first("won"),
        lost_at=_first("lost"),
        unsubscribed_at=_first("unsubscribed"),
        disqualified_at=_first("disqualified"),
        recycled=(pl.col("event") == "recycled").sum().cast(pl.Int32),
        has_email=(pl.col("event") == "email_sent").any(),
        emails_sent=(pl.col("event") == "email_sent").sum().cast(pl.Int32),
        engagements=pl.col("event").is_in(ENGAGEMENTS).sum().cast(pl.Int32),
        last_event_at=pl.col("timestamp").max(),
        _first_event_at=pl.col("timestamp").min(),
    )
    # one row per lead: small next to the events, so collect it once and reuse it
    first_pass = first_pass.collect().lazy()
    return first_pass.join(_second_pass(lazy, first_pass, names), on="lead_id", how="left").drop(
        "_first_event_at"
    )


def _second_pass(lazy: pl.LazyFrame, first_pass: pl.LazyFrame, names: list[str]) -> pl.LazyFrame:
    """What depends on each lead's first contact / fast lane: joined back, then aggregated."""
    ts, event = pl.col("timestamp"), pl.col("event")
    contact = pl.col("first_contact_at")
    joined = lazy.join(
        first_pass.select("lead_id", "first_contact_at", "fast_lane_at", "_first_event_at"),
        on="lead_id",
    )
    has_score = "score" in names
    return joined.group_by("lead_id").agg(
        # the status when the lead entered; it turns true after a win
        *(
            [
                pl.when(ts == pl.col("_first_event_at"))
                .then(pl.col("is_customer"))
                .max()
                .alias("is_customer")
            ]
            if "is_customer" in names
            else []
        ),
        fast_lane_contact_at=pl.when((event == "sales_contact") & (ts >= pl.col("fast_lane_at")))
        .then(ts)
        .min(),
        engagements_at_contact=(event.is_in(ENGAGEMENTS) & (ts < contact)).sum().cast(pl.Int32),
        score_at_contact=(
            pl.when((event == "sales_contact") & (ts == contact)).then(pl.col("score")).max()
            if has_score
            else pl.lit(None, pl.Float64)
        ),
        max_score_before_contact=(
            pl.when(contact.is_null() | (ts <= contact)).then(pl.col("score")).max()
            if has_score
            else pl.lit(None, pl.Float64)
        ),
    )


def _derive(per_lead: pl.LazyFrame, end: datetime) -> pl.LazyFrame:
    end_lit = pl.lit(end).cast(pl.Datetime("us"))
    offline_win = pl.when(pl.col("first_contact_at").is_null()).then(pl.col("won_at"))
    early_contact = pl.when(
        pl.col("fast_lane_at").is_null() | (pl.col("fast_lane_at") > pl.col("first_contact_at"))
    ).then(pl.col("first_contact_at"))
    exits = {
        "unsubscribed": pl.col("unsubscribed_at"),
        "disqualified": pl.col("disqualified_at"),
        "fast_lane": pl.col("fast_lane_at"),
        "sales_contact": early_contact,
        "won_offline": offline_win,
    }
    exit_at = pl.min_horizontal(*exits.values())
    ready_first = pl.col("qualified_at").is_not_null() & (
        exit_at.is_null() | (pl.col("qualified_at") <= exit_at)
    )
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
    ).with_columns(
        _end=pl.coalesce("nurture_exit_at", "_as_of"), _won_or_end=pl.coalesce("won_at", "_as_of")
    )
    return with_exit.with_columns(
        qualified=(pl.col("nurture_exit") == "qualified").cast(pl.Int8),
        days_in_nurturing=_days("_end", "created_at"),
        outcome=pl.when(pl.col("won_at").is_not_null())
        .then(pl.lit("won"))
        .when(pl.col("lost_at").is_not_null())
        .then(pl.lit("lost"))
        .otherwise(pl.lit("open")),
        contacted_before_ready=pl.col("first_contact_at").is_not_null()
        & (pl.col("qualified_at").is_null() | (pl.col("first_contact_at") < pl.col("qualified_at")))
        & (
            pl.col("fast_lane_at").is_null() | (pl.col("fast_lane_at") > pl.col("first_contact_at"))
        ),
        days_to_engagement=_days("first_engagement_at", "created_at"),
        days_qualified_to_contact=_days("first_contact_at", "qualified_at"),
        days_contact_to_outcome=_days("_outcome_at", "first_contact_at"),
        days_to_won=_days("won_at", "created_at"),
        won=pl.col("won_at").is_not_null().cast(pl.Int8),
        # duration for time-to-win curves: to the win, or censored at the data end
        days_to_won_or_end=_days("_won_or_end", "created_at"),
        fast_lane_hours_to_contact=_days("fast_lane_contact_at", "fast_lane_at") * 24.0,
        days_observed=_days("_as_of", "created_at"),
    ).drop("_end", "_outcome_at", "_as_of", "_won_or_end")


UNKNOWN = "unknown"  # the group of a lead whose text attribute nobody recorded


def attach_lead_attributes(timeline: pl.DataFrame, leads, quality=None) -> pl.DataFrame:
    """Take lead attributes (persona, source, is_customer, has_email...) from a lead table.

    Without it ``has_email`` is inferred from e-mail sends, which misses leads that left
    before their first e-mail.

    Parameters
    ----------
    timeline : DataFrame
        The result of :func:`stage_timeline`.
    leads : DataFrame or LoadResult
        The ``leads`` table, ideally from :func:`load_lead_attributes` (which applies the
        privacy rules, the consent filter and the yes/no words).
    quality : DataQuality, optional
        Where to count the leads without an attribute row; default: the LoadResult's own
        summary when `leads` is one.

    Returns
    -------
    DataFrame
        One row per lead of the timeline, as many as before. Values of `leads` replace those
        of the timeline. A lead without a row in `leads` (or with an empty cell there) is
        kept in every analysis and keeps what its events say: persona, source and
        is_customer from the event log, has_email from its e-mail sends. Text attributes
        that are still empty read ``"unknown"``, a group of their own in every comparison;
        is_customer stays empty only when neither table has it, and the models that use
        it then say so. The number of such leads goes into `quality`.

    Examples
    --------
    >>> from datetime import datetime as dt
    >>> events = pl.DataFrame({"lead_id": ["a", "b"], "timestamp": [dt(2025, 1, 1)] * 2,
    ...                        "event": ["created", "email_sent"]})
    >>> leads = pl.DataFrame({"lead_id": ["a"], "persona": ["cfo"], "has_email": [False]})
    >>> attached = attach_lead_attributes(stage_timeline(events), leads)
    >>> attached.select("lead_id", "persona", "has_email").rows()
    [('a', 'cfo', False), ('b', 'unknown', True)]
    """
    frame, quality = _lead_frame(leads, quality)
    extra = frame.select("lead_id", *(c for c in frame.columns if c != "lead_id"))
    extra = extra.with_columns(pl.col("lead_id").cast(pl.String)).unique("lead_id", keep="first")
    shared = [c for c in extra.columns if c != "lead_id" and c in timeline.columns]
    joined = timeline.join(
        extra.with_columns(_in_lead_table=pl.lit(True)), on="lead_id", how="left", suffix="_table"
    )
    texts = [c for c in extra.columns if c != "lead_id" and extra.schema[c] == pl.String]
    texts += [c for c in ("persona", "source") if c in timeline.columns and c not in texts]
    joined = joined.with_columns(
        (
            pl.coalesce(f"{c}_table", c)
            if timeline.schema[c] == extra.schema[c]
            else pl.col(f"{c}_table")  # another type in the lead table: it wins outright
        ).alias(c)
        for c in shared
    ).with_columns(pl.col(c).fill_null(UNKNOWN) for c in texts if joined.schema.get(c) == pl.String)
    without = int(joined.get_column("_in_lead_table").null_count())
    if quality is not None:
        if without:  # a count of 0 is no finding: the report would call it "1 issue noted"
            quality.add(
                "leads without an attribute row",
                without,
                "kept in every analysis with the attributes of their events; "
                f"missing text attributes read {UNKNOWN!r}",
                total=timeline.height,
                note_de="in jeder Analyse mit den Attributen ihrer Ereignisse enthalten; "
                f"fehlende Textattribute lauten {UNKNOWN!r}",
            )
        unused = extra.height - (timeline.height - without)
        if unused:
            quality.add(
                "attribute rows without events",
                unused,
                "not in the event log; ignored",
                share=False,
            )
    return joined.drop("_in_lead_table", *(f"{c}_table" for c in shared), strict=False)


def _lead_frame(leads, quality):
    """The lead table as a frame, and the quality summary to count into."""
    frame = getattr(leads, "frame", leads)
    quality = quality if quality is not None else getattr(leads, "quality", None)
    require_columns(
        frame,
        ["lead_id"],
        source="the lead table",
        fix="Map the lead identifier column to 'lead_id'.",
    )
    return frame, quality


def load_lead_attributes(source, columns: dict[str, str] | None = None, **options):
    """Read a lead table (CSV, Excel, Parquet or a frame) as the ``leads`` contract.

    It goes through :func:`mkt_engineering.io.load_table` like every input: names, e-mail
    addresses and phone numbers are removed or masked, rows without consent are dropped,
    yes/no words (true/false, 1/0, ja/nein, x) become booleans, and NaN or impossible
    values are refused. Mappings in `columns` for columns the lead table does not have
    (the event log's, shared by the report) are ignored.

    Returns
    -------
    LoadResult
        ``.frame`` and ``.quality``; pass it on to :func:`attach_lead_attributes`, which adds
        the count of leads without a row to the same quality summary.

    Examples
    --------
    >>> leads = load_lead_attributes("datasets/leads/leads.csv")
    >>> leads.frame.schema["has_email"], leads.quality.table
    (Boolean, 'leads')
    """
    from mkt_engineering.io import load_table

    found = _source_columns(source)
    if found is not None:
        columns = {user: name for user, name in (columns or {}).items() if user in found}
    return load_table(source, "leads", columns, **options)


def _source_columns(source) -> list[str] | None:
    """The column names of a source, or None when they cannot be read cheaply."""
    from mkt_engineering.io import read_header

    try:
        return read_header(source)
    except Exception:  # noqa: BLE001 - load_table reads the file again and explains the problem
        return None


def event_count(events: Any, event: str | None = None) -> int:
    """Rows of the event log, or of one event type, as one count query on any engine.

    Parameters
    ----------
    events : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        The ``lead_events`` table.
    event : str, optional
        Count only this event type (e.g. ``"email_sent"``).

    Returns
    -------
    int

    Examples
    --------
    >>> from datetime import datetime as dt
    >>> events = pl.DataFrame({"lead_id": ["a", "a"], "timestamp": [dt(2025, 1, 1)] * 2,
    ...                        "event": ["created", "email_sent"]})
    >>> event_count(events), event_count(events, "email_sent"), event_count(events, "won")
    (2, 1, 0)
    """
    frame = frames.lazy(events)
    if event is not None:
        frame = frame.filter(nw.col("event") == event)
    return int(frames.to_polars(frame.select(nw.len())).item())


def drop_leads_without_consent(events: Any, leads) -> Any:
    """Remove every event of a lead whose row in the lead table was removed for lack of consent.

    Consent belongs to the person: a lead who refused marketing use is left out of the
    whole analysis, not only out of the attribute table. Call it before
    :func:`stage_timeline`.

    Parameters
    ----------
    events : DataFrame, DuckDB relation or Spark DataFrame
        The ``lead_events`` table; an engine frame stays in its engine (filtered there).
    leads : LoadResult
        From :func:`load_lead_attributes`; its ``without_consent`` ids are removed, and the
        count of events and leads removed goes into its quality summary.

    Returns
    -------
    DataFrame, or a frame of the input's engine
        `events` without those leads (unchanged when the lead table has no consent column).

    Examples
    --------
    >>> from datetime import datetime as dt
    >>> events = pl.DataFrame({"lead_id": ["a", "b", "b"], "timestamp": [dt(2025, 1, 1)] * 3,
    ...                        "event": ["created", "created", "email_sent"]})
    >>> table = pl.DataFrame({"lead_id": ["a", "b"], "consent": ["yes", "no"]})
    >>> leads = load_lead_attributes(table)
    >>> drop_leads_without_consent(events, leads)["lead_id"].to_list()
    ['a']
    """
    withdrawn = getattr(leads, "without_consent", None)
    if withdrawn is None or withdrawn.is_empty():
        return events
    if is_engine_frame(events):
        gone = nw.col("lead_id").cast(nw.String).is_in(withdrawn.to_list())
        kept = frames.lazy(events).filter(~gone).to_native()
    else:
        kept = events.filter(~pl.col("lead_id").cast(pl.String).is_in(withdrawn.implode()))
    total = event_count(events)
    removed = total - event_count(kept)
    quality = getattr(leads, "quality", None)
    if quality is not None:
        quality.add(
            "events of leads without consent removed",
            removed,
            f"{withdrawn.len():,} lead(s) without consent in the lead table are left out "
            "of the whole analysis",
            total=total,
            note_de=f"{count_text(withdrawn.len(), 'de')} Lead(s) ohne Einwilligung in der "
            "Lead-Tabelle bleiben in der ganzen Analyse außen vor",
        )
    return kept
