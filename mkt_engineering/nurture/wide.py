"""Wide lifecycle exports (one row per lead, a date column per stage) as a lead event log.

CRMs export contacts with the date each one reached a lifecycle stage: HubSpot writes
"Create Date", "Became a Marketing Qualified Lead Date", "Became a Customer Date" and so
on, one column per stage, an empty cell for a stage not reached. `load_lifecycle` reads
such an export onto the ``lead_lifecycle`` contract (stage columns named after the lead
events) and unpivots it into the ``lead_events`` log every nurture analysis reads: one
event per filled stage date. HubSpot's names map with no hand mapping
(:data:`HUBSPOT_STAGES`); other CRMs' columns map with ``stages={...}``.

Examples
--------
>>> import polars as pl
>>> export = pl.DataFrame({
...     "Record ID": ["101", "102"],
...     "Create Date": ["2024-03-05 14:22", "2024-03-06 09:00"],
...     "Became a Marketing Qualified Lead Date": ["2024-03-19 10:00", ""],
...     "Became a Customer Date": ["", ""]})
>>> load_lifecycle(export).frame.select("lead_id", "event").rows()
[('101', 'created'), ('101', 'mql'), ('102', 'created')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from mkt_engineering.errors import ParameterError
from mkt_engineering.formatting import count as count_text
from mkt_engineering.io import LoadResult, Source, load_table, read_raw
from mkt_engineering.schemas import LIFECYCLE_STAGES, get_contract

__all__ = ["HUBSPOT_STAGES", "LifecycleResult", "lead_events_from_lifecycle", "load_lifecycle"]

# HubSpot's contact export (property labels) -> lead_lifecycle columns. A Sales Qualified
# Lead is one sales has accepted and contacts: the handoff, so sales_contact. "Became a
# Lead Date" stands in for "Create Date" only when the export lacks that column.
HUBSPOT_STAGES = {
    "Record ID": "lead_id",
    "Contact ID": "lead_id",
    "Create Date": "created",
    "Became a Marketing Qualified Lead Date": "mql",
    "Became a Sales Qualified Lead Date": "sales_contact",
    "Became an Opportunity Date": "opportunity",
    "Became a Customer Date": "won",
    "Original Source": "source",
    "Persona": "persona",
}
FALLBACK_CREATED = "Became a Lead Date"
ATTRIBUTES = ("persona", "source", "is_customer")
# An e-mail column of the export says who can be nurtured by e-mail (has_email); the
# addresses themselves are removed on load like in every table.
EMAIL_COLUMNS = ("email", "e_mail", "email_address", "e_mail_address", "e_mail_adresse")


@dataclass
class LifecycleResult(LoadResult):
    """The lead events, the quality summary and the leads' ``has_email`` (or None)."""

    leads: pl.DataFrame | None = None


def load_lifecycle(
    source: Source,
    stages: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    **options: Any,
) -> LoadResult:
    """Read a wide lifecycle export and return it as the lead event log.

    Parameters
    ----------
    source : path, DataFrame or LazyFrame
        One row per lead: its id, the creation date and one date column per stage.
    stages : dict, optional
        Your stage column -> lead event, e.g.
        ``{"Became a Marketing Qualified Lead Date": "mql"}``; the stage events are
        ``created`` and the lifecycle stages of :data:`schemas.LIFECYCLE_STAGES`. HubSpot's
        names (:data:`HUBSPOT_STAGES`) need no mapping.
    columns : dict, optional
        Further column mapping, e.g. ``{"Kontakt-Nr": "lead_id", "Zielgruppe": "persona"}``.
    **options
        Passed to `io.load_table` (separator, encoding, as_of, date_range, ...).

    Returns
    -------
    LifecycleResult
        ``.frame``: ``lead_events`` (lead_id, timestamp, event and the lead's persona,
        source, is_customer where given), sorted by lead and time; ``.quality``: the
        summary of the export, which counts the events made and the stage dates moved (see
        `lead_events_from_lifecycle`); ``.leads``: lead_id and has_email when the export
        has an e-mail column (for `attach_lead_attributes`), else None.
    """
    _check_stages(stages or {})
    given = {**(stages or {}), **(columns or {})}
    raw = _raw(source, options)
    header = raw.columns if raw is not None else []
    mapping = {**_default_mapping(header, given), **given}
    result = load_table(source, "lead_lifecycle", mapping, **options)
    events, moved = _unpivot(result.frame)
    quality = result.quality
    quality.add(
        "lead events from stage dates",
        events.height,
        f"{result.frame.height:,} leads; an empty stage date is a stage not reached",
        share=False,
        note_de=f"{count_text(result.frame.height, 'de')} Leads; ein leeres Stufendatum ist eine "
        "nicht erreichte Stufe",
    )
    if moved:
        quality.add(
            "creation dates moved to an earlier stage date",
            moved,
            "a stage date before the create date (imported or merged contacts): the lead "
            "counts as created at its earliest stage date",
        )
    leads = _has_email(raw, mapping, result.frame) if raw is not None else None
    return LifecycleResult(events, quality, leads=leads)


def _check_stages(stages: dict[str, str]) -> None:
    allowed = get_contract("lead_lifecycle").names
    unknown = {column: event for column, event in stages.items() if event not in allowed}
    if unknown:
        raise ParameterError(
            f"stages maps {', '.join(f'{c!r} to {e!r}' for c, e in unknown.items())}, which is "
            f"no stage of the lifecycle table; map stage columns onto: {', '.join(allowed)}"
        )


def _raw(source: Source, options: dict[str, Any]) -> pl.DataFrame | None:
    """The export as text, for its header and its e-mail column; None when unreadable."""
    try:
        if isinstance(source, pl.DataFrame | pl.LazyFrame):
            return source.lazy().collect()
        return read_raw(source, text_columns=True, **options)
    except Exception:  # load_table reads it again and names the problem
        return None


def _has_email(
    raw: pl.DataFrame, mapping: dict[str, str], lifecycle: pl.DataFrame
) -> pl.DataFrame | None:
    """lead_id and has_email (a filled e-mail cell) for the leads that were loaded."""
    email = next((c for c in raw.columns if _normal(c) in EMAIL_COLUMNS), None)
    lead = next((c for c, target in mapping.items() if target == "lead_id"), "lead_id")
    if email is None or lead not in raw.columns:
        return None
    flags = raw.select(
        pl.col(lead).cast(pl.String).str.strip_chars().alias("lead_id"),
        (pl.col(email).cast(pl.String).str.strip_chars().str.len_chars() > 0)
        .fill_null(False)
        .alias("has_email"),
    ).unique("lead_id", keep="first")
    return lifecycle.select("lead_id").join(flags, on="lead_id", how="left")


def _normal(name: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def _default_mapping(header: list[str], given: dict[str, str]) -> dict[str, str]:
    """The :data:`HUBSPOT_STAGES` names the export has, where the user did not decide."""
    defaults = dict(HUBSPOT_STAGES)
    if "Create Date" not in [name.strip() for name in header]:
        defaults[FALLBACK_CREATED] = "created"
    contract = get_contract("lead_lifecycle").names
    taken = set(given.values()) | {name for name in header if name in contract}
    mapping = {}
    for name in header:
        target = defaults.get(name.strip())
        if name not in given and target and target not in taken:
            mapping[name] = target
            taken.add(target)
    return mapping


def lead_events_from_lifecycle(lifecycle: pl.DataFrame) -> pl.DataFrame:
    """Unpivot a ``lead_lifecycle`` frame into ``lead_events``: one event per stage date.

    A stage date before the creation date (an imported or merged contact) makes the lead
    count as created at its earliest stage date, so no time in nurturing is negative.

    Parameters
    ----------
    lifecycle : DataFrame
        The ``lead_lifecycle`` contract: lead_id and one date column per stage.

    Returns
    -------
    DataFrame
        The ``lead_events`` contract: lead_id, timestamp, event (and the lead attributes the
        lifecycle has);
        one row per filled stage date.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime as t
    >>> wide = pl.DataFrame({"lead_id": ["a", "b"], "created": [t(2024, 3, 5), t(2024, 3, 9)],
    ...     "mql": [t(2024, 3, 8), t(2024, 3, 1)], "won": [None, None]})
    >>> for row in lead_events_from_lifecycle(wide).rows():
    ...     print(row[0], row[1].date(), row[2])
    a 2024-03-05 created
    a 2024-03-08 mql
    b 2024-03-01 created
    b 2024-03-01 mql
    """
    return _unpivot(lifecycle)[0]


def _unpivot(lifecycle: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    stages = [s for s in LIFECYCLE_STAGES if s in lifecycle.columns]
    attributes = [a for a in ATTRIBUTES if a in lifecycle.columns]
    earliest = pl.min_horizontal("created", *stages)
    moved = int(lifecycle.select((earliest < pl.col("created")).sum()).item())
    events = (
        lifecycle.with_columns(earliest.alias("created"))
        .unpivot(
            on=["created", *stages],
            index=["lead_id", *attributes],
            variable_name="event",
            value_name="timestamp",
        )
        .filter(pl.col("timestamp").is_not_null())
        .with_columns(order=pl.col("event").replace_strict(_ORDER, return_dtype=pl.Int32))
        .sort("lead_id", "timestamp", "order")
        .select("lead_id", "timestamp", "event", *attributes)
    )
    return events, moved


# Same-minute stages keep their funnel order (created before mql before won).
_ORDER = {name: i for i, name in enumerate(("created", *LIFECYCLE_STAGES))}
