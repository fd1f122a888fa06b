"""Data contracts: the canonical tables every analysis reads.

A contract names each column, its type, whether it is required and what values are
allowed. `mkt_engineering.io.read_table` maps a user's export onto a contract, coerces
the types and checks the constraints. The data dictionary in ``datasets/README.md``
documents the same contracts for people.

Examples
--------
>>> from mkt_engineering.schemas import CONTRACTS
>>> sorted(CONTRACTS)  # doctest: +NORMALIZE_WHITESPACE
['conversions', 'experiment', 'experiment_totals', 'lead_events', 'lead_lifecycle', 'leads',
 'orders', 'paths', 'spend', 'touchpoints']
>>> CONTRACTS["orders"].required_names
('customer_id', 'order_date', 'revenue')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

DType = Literal["string", "datetime", "date", "float", "int", "bool", "list[str]"]
DatePolicy = Literal["drop", "refuse"]

# Dates outside [EARLIEST_DATE, export time + FUTURE_SLACK] cannot be real events: a typo
# (2999-12-31), a placeholder (1900-01-01) or a plan. Each contract's ``out_of_range_dates``
# says whether such rows are dropped (and counted) or the whole file is refused.
EARLIEST_DATE = dt.datetime(1990, 1, 1)
FUTURE_SLACK = dt.timedelta(days=1)  # time zones: "today" elsewhere may be tomorrow here
# A "drop" contract still refuses the file when more than this share of its rows is out of
# range: then the dates are misread or the export is broken, not a stray typo.
MOST_ROWS = 0.5

LEAD_EVENTS = (
    "created",
    "email_sent",
    "email_open",
    "email_click",
    "content_download",
    "webinar",
    "mql",
    "mqn",
    "sales_contact",
    "fast_lane",
    "opportunity",
    "won",
    "lost",
    "recycled",
    "unsubscribed",
    "disqualified",
)


# The lead events a CRM records as the date a lead reached a stage (a wide export's columns).
LIFECYCLE_STAGES = LEAD_EVENTS[LEAD_EVENTS.index("mql") :]


@dataclass(frozen=True)
class Column:
    """One column of a contract.

    Parameters
    ----------
    name : str
        Canonical name.
    dtype : str
        One of string, datetime, date, float, int, bool, list[str].
    required : bool
        Whether a table without this column is rejected.
    description : str
        One sentence for the data dictionary.
    example : str
        Example value as it appears in a file.
    minimum : float, optional
        Smallest allowed value (numeric columns).
    allowed : tuple of str, optional
        The allowed values (categorical columns).
    nullable : bool
        Whether empty cells are allowed. Required columns default to not nullable.
    """

    name: str
    dtype: DType
    required: bool = True
    description: str = ""
    example: str = ""
    minimum: float | None = None
    allowed: tuple[str, ...] | None = None
    nullable: bool | None = None

    @property
    def allows_null(self) -> bool:
        return (not self.required) if self.nullable is None else self.nullable


@dataclass(frozen=True)
class Contract:
    """A canonical table: its columns, key and date column.

    ``extra_columns`` says what happens to columns the contract does not name: the
    experiment table keeps them (they are the metrics), the others keep them too but
    analyses ignore them.

    ``out_of_range_dates`` says what the loader does with rows whose date lies before
    :data:`EARLIEST_DATE` or after the export time plus :data:`FUTURE_SLACK`: ``"drop"``
    removes them and counts them (with example lines) in the quality summary, unless more
    than :data:`MOST_ROWS` of the rows are out of range, which is refused; ``"refuse"``
    raises a :class:`~mkt_engineering.DataValidationError` for any such row.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    date_column: str | None = None
    extra_columns: str = "kept, ignored by the analyses"
    notes: tuple[str, ...] = field(default_factory=tuple)
    out_of_range_dates: DatePolicy = "drop"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


# Lead attributes shared by the lead event log, the lead table and lifecycle exports.
_PERSONA = Column(
    "persona",
    "string",
    required=False,
    description="Buyer persona.",
    example="it_manager",
)
_LEAD_SOURCE = Column(
    "source",
    "string",
    required=False,
    description="Content or channel that created the lead.",
    example="whitepaper",
)
_IS_CUSTOMER = Column(
    "is_customer",
    "bool",
    required=False,
    description="Existing customer (then MQN instead of MQL).",
    example="false",
)

CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (
        Contract(
            "touchpoints",
            "One row per marketing touch of a (pseudonymous) customer, online or offline.",
            (
                Column(
                    "customer_id",
                    "string",
                    description="Who was touched (pseudonymized on load if asked).",
                    example="c000123",
                ),
                Column(
                    "timestamp",
                    "datetime",
                    description="When the touch happened.",
                    example="2026-03-14 09:30:00",
                ),
                Column(
                    "channel",
                    "string",
                    description="Channel of the touch, e.g. search, email, store_visit.",
                    example="search",
                ),
                Column(
                    "campaign",
                    "string",
                    required=False,
                    description="Campaign name or id.",
                    example="spring_sale",
                ),
                Column(
                    "interaction",
                    "string",
                    required=False,
                    description="Kind of interaction, e.g. impression, click, visit.",
                    example="click",
                ),
            ),
            key=("customer_id", "timestamp", "channel"),
            date_column="timestamp",
        ),
        Contract(
            "conversions",
            "One row per conversion (order, sign-up) with its value.",
            (
                Column(
                    "customer_id",
                    "string",
                    description="Who converted; joins to touchpoints.",
                    example="c000123",
                ),
                Column(
                    "timestamp",
                    "datetime",
                    description="When the conversion happened.",
                    example="2026-03-20 17:02:00",
                ),
                Column(
                    "value",
                    "float",
                    description="Revenue or value of the conversion, 0 or more.",
                    example="89.90",
                    minimum=0.0,
                ),
            ),
            key=("customer_id", "timestamp"),
            date_column="timestamp",
        ),
        Contract(
            "paths",
            "Aggregated journeys: one row per distinct channel path with its outcomes.",
            (
                Column(
                    "path",
                    "list[str]",
                    description=(
                        "Channels in order; in files a string like 'search > email > direct'."
                    ),
                    example="search > email > direct",
                ),
                Column(
                    "conversions",
                    "float",
                    description="Conversions of journeys with this path (may be fractional).",
                    example="12",
                    minimum=0.0,
                ),
                Column(
                    "value",
                    "float",
                    required=False,
                    description="Conversion value of these journeys.",
                    example="1034.50",
                    minimum=0.0,
                ),
                Column(
                    "non_conversions",
                    "float",
                    required=False,
                    description="Journeys with this path that did not convert.",
                    example="230",
                    minimum=0.0,
                ),
            ),
            key=("path",),
            notes=("Missing value or non_conversions count as 0.",),
        ),
        Contract(
            "spend",
            "Media spend per channel and period.",
            (
                Column(
                    "channel",
                    "string",
                    description="Channel, named as in touchpoints.",
                    example="search",
                ),
                Column(
                    "period_start",
                    "date",
                    description="First day of the period (week or month).",
                    example="2026-03-02",
                ),
                Column(
                    "spend",
                    "float",
                    description="Money spent in the period, 0 or more.",
                    example="1250.00",
                    minimum=0.0,
                ),
            ),
            key=("channel", "period_start"),
            date_column="period_start",
            # a dropped period would silently lower the spend and inflate ROAS
            out_of_range_dates="refuse",
            notes=(
                "A period_start before 1990 or after the export time is refused, not dropped: "
                "spend rows are few and each one moves ROAS.",
            ),
        ),
        Contract(
            "orders",
            "One row per order of a customer.",
            (
                Column("customer_id", "string", description="Who ordered.", example="c000123"),
                Column(
                    "order_date",
                    "datetime",
                    description="When the order was placed.",
                    example="2026-01-05",
                ),
                Column(
                    "revenue",
                    "float",
                    description="Order revenue, 0 or more.",
                    example="49.90",
                    minimum=0.0,
                ),
                Column(
                    "order_id",
                    "string",
                    required=False,
                    description="Order number; used to detect duplicates.",
                    example="o0004711",
                ),
                Column(
                    "acquisition_channel",
                    "string",
                    required=False,
                    description="Channel that acquired the customer.",
                    example="search",
                ),
                Column(
                    "margin",
                    "float",
                    required=False,
                    description="Contribution margin of the order in money.",
                    example="14.97",
                ),
            ),
            key=("order_id",),
            date_column="order_date",
        ),
        Contract(
            "experiment",
            "One row per experiment unit (user, visitor, account) with its metrics.",
            (
                Column("unit_id", "string", description="The randomized unit.", example="u0000042"),
                Column(
                    "variant",
                    "string",
                    description="Arm the unit was assigned to; never empty.",
                    example="control",
                ),
            ),
            key=("unit_id",),
            extra_columns=(
                "kept: numeric columns are metrics or pre-period covariates, "
                "text columns are segments"
            ),
            notes=(
                "Metric columns are any numeric columns, "
                "e.g. converted (0/1), revenue, orders, sessions.",
                "Pre-period covariates are numeric columns named in the analysis plan; "
                "empty means no pre-period data.",
                "Segments are text columns, e.g. device, country.",
            ),
        ),
        Contract(
            "experiment_totals",
            "One row per arm of an experiment with its totals, as A/B testing tools show them.",
            (
                Column("variant", "string", description="The arm.", example="treatment"),
                Column(
                    "units",
                    "int",
                    description="Units (visitors, users) assigned to the arm.",
                    example="10250",
                    minimum=1.0,
                ),
                Column(
                    "conversions",
                    "float",
                    description="Units that converted (each unit counted once), 0 to units.",
                    example="1187",
                    minimum=0.0,
                ),
                Column(
                    "revenue",
                    "float",
                    required=False,
                    description="Sum of the revenue per unit over the arm's units.",
                    example="48210.50",
                ),
                Column(
                    "revenue_sq",
                    "float",
                    required=False,
                    description="Sum of the squared revenue per unit (for the revenue test).",
                    example="4120388.25",
                    minimum=0.0,
                ),
            ),
            key=("variant",),
            notes=(
                "Tested as the unit-level metrics converted (rate conversions/units) and revenue "
                "(mean revenue/units; its variance needs revenue_sq).",
                "A further metric X is tested when both X and X_sq are given.",
                "Sections that need unit rows (CUPED, segments, over time, bootstrap) are not "
                "shown for totals.",
            ),
        ),
        Contract(
            "lead_events",
            "One row per event in a lead's nurturing and sales journey.",
            (
                Column("lead_id", "string", description="The lead.", example="l000017"),
                Column(
                    "timestamp",
                    "datetime",
                    description="When the event happened.",
                    example="2026-02-11 10:15:00",
                ),
                Column(
                    "event",
                    "string",
                    description="What happened; one of the lead events listed below.",
                    example="email_open",
                    allowed=LEAD_EVENTS,
                ),
                _PERSONA,
                _LEAD_SOURCE,
                _IS_CUSTOMER,
                Column(
                    "score",
                    "float",
                    required=False,
                    description="Lead score at the time of the event.",
                    example="42",
                ),
            ),
            key=("lead_id", "timestamp", "event"),
            date_column="timestamp",
        ),
        Contract(
            "lead_lifecycle",
            "One row per lead with the date it reached each lifecycle stage "
            "(a CRM's contact export).",
            (
                Column("lead_id", "string", description="The lead.", example="l000017"),
                Column(
                    "created",
                    "datetime",
                    description="When the lead was created.",
                    example="2026-02-02 09:14",
                ),
                *(
                    Column(
                        stage,
                        "datetime",
                        required=False,
                        description=f"When the lead reached {stage}; empty = not reached.",
                        example="2026-02-20 16:05",
                    )
                    for stage in LIFECYCLE_STAGES
                ),
                _PERSONA,
                _LEAD_SOURCE,
                _IS_CUSTOMER,
            ),
            key=("lead_id",),
            date_column="created",
            notes=(
                "Unpivoted into lead_events by nurture.load_lifecycle: one event per filled "
                "stage date; an empty cell means the stage was not reached.",
                "The stage columns are named after the lead events; map a CRM's columns onto "
                "them with stages={...} (HubSpot's names map by default).",
            ),
        ),
        Contract(
            "leads",
            "One row per lead with its attributes; completes the lead event log.",
            (
                Column("lead_id", "string", description="The lead.", example="l000017"),
                _PERSONA,
                _LEAD_SOURCE,
                _IS_CUSTOMER,
                Column(
                    "has_email",
                    "bool",
                    required=False,
                    description="Whether the lead has an e-mail address (nurturing needs one).",
                    example="true",
                ),
            ),
            key=("lead_id",),
            notes=(
                "Names, e-mail addresses and phone numbers are removed on load "
                "like in every table.",
                "A lead of the event log without a row here keeps the attributes its events carry; "
                "text attributes it still lacks become 'unknown', has_email is taken from "
                "its e-mail sends. The quality summary counts these leads.",
            ),
        ),
    )
}


def get_contract(table: str) -> Contract:
    """Return the contract called `table`, or explain which ones exist."""
    try:
        return CONTRACTS[table]
    except KeyError:
        from mkt_engineering.errors import DataValidationError

        raise DataValidationError(
            f"Unknown table {table!r}. Known tables: {', '.join(sorted(CONTRACTS))}.",
            fix="Pass one of the known table names as table=...",
        ) from None
