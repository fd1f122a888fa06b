"""Presets: a named tool's export mapped onto a contract, with no hand mapping.

A preset says which report input a tool's export feeds (``--data NAME``), how the tool's
documented column names map onto the contract, and what cannot be detected about the file
(a :class:`~mkt_engineering.layout.Layout`). Three exports need a reshape, not only a
renaming: Shopify writes one row per line item (an order's total sits on its first line),
GA4's BigQuery export is an event log, and Salesforce's Lead History has a row per field
change. Their presets convert the file into contract
tables (``mkt convert --preset NAME FILE OUTDIR``), which then run like any other input.

``mkt run REPORT --data NAME=FILE --preset PRESET`` merges the preset's mapping into the
report's ``columns`` and ``layouts`` parameters; ``mkt validate --preset PRESET FILE``
checks a file against it.

Examples
--------
>>> preset = get_preset("google_ads")
>>> preset.input, preset.contract, preset.columns["Cost"]
('spend', 'spend', 'spend')
>>> get_preset("google-ads").name
'google_ads'
>>> get_preset("shopfy")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
mkt_engineering.errors.ParameterError: unknown preset 'shopfy' (did you mean 'shopify_orders'?).
Presets: ab_totals, ga4_events, google_ads, hubspot_contacts, meta_ads, salesforce_lead_history,
shopify_orders, woocommerce_orders
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from mkt_engineering.errors import DataValidationError, ParameterError
from mkt_engineering.nurture.wide import HUBSPOT_STAGES

__all__ = [
    "PRESETS",
    "SALESFORCE_STATUSES",
    "Preset",
    "apply_to_run",
    "check_header",
    "closest_presets",
    "convert",
    "get_preset",
    "load_with_preset",
    "run_parameters",
]


@dataclass(frozen=True)
class Preset:
    """One tool's export: which input it feeds and how its columns map onto the contract.

    Attributes
    ----------
    name : str
        What ``--preset`` takes.
    tool : str
        The tool and export, as its users know it.
    input : str
        The report input (``--data NAME=FILE``) the export feeds.
    contract : str
        The contract the input is read as.
    reports : tuple of str
        Reports that take the input.
    columns : dict
        The tool's column name -> contract column.
    expects : tuple of str
        Columns the export must have (the tool's names); a file without them is refused.
    layout : dict
        Layout options (``skip_lines``, ``date_format`` ...) the loader cannot detect.
    source : str
        Where the column names are documented.
    note : str
        What to know about the mapping.
    outputs : tuple of str
        For presets that reshape: the contract tables ``convert`` writes (else empty).
    """

    name: str
    tool: str
    input: str
    contract: str
    reports: tuple[str, ...]
    columns: dict[str, str]
    expects: tuple[str, ...]
    source: str
    note: str = ""
    layout: dict[str, Any] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()


_SPEND = ("attribution", "cohort_ltv")

# Salesforce's default Lead Status picklist (plus the commonly added "Marketing Qualified")
# -> lead event. "Open - Not Contacted" is the status a lead is created with: no event.
SALESFORCE_STATUSES: dict[str, str] = {
    "Marketing Qualified": "mql",
    "Working - Contacted": "sales_contact",
    "Closed - Converted": "opportunity",
    "Closed - Not Converted": "disqualified",
}
SALESFORCE_DATE = "%m/%d/%Y %I:%M %p"  # the US locale's export: 3/5/2024 2:22 PM

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "hubspot_contacts",
            "HubSpot contacts export with lifecycle stage dates",
            "lifecycle",
            "lead_lifecycle",
            ("nurture_timing",),
            {k: v for k, v in HUBSPOT_STAGES.items() if k != "Contact ID"},
            ("Record ID", "Create Date", "Became a Marketing Qualified Lead Date"),
            "HubSpot knowledge base, 'Export records' and the default contact properties "
            "'Became a ... Date' (lifecycle stage date properties)",
            "Names and e-mail addresses in the export are removed on load.",
        ),
        Preset(
            "shopify_orders",
            "Shopify orders export (Orders > Export, CSV for Excel or plain CSV)",
            "orders",
            "orders",
            ("cohort_ltv",),
            {
                "Name": "order_id",
                "Email": "customer_id",
                "Created at": "order_date",
                "Total": "revenue",
            },
            ("Name", "Email", "Created at", "Total"),
            "Shopify Help Center, 'Exporting orders' (column list of the orders CSV)",
            "One row per line item; the order's total is on its first line. The converter "
            "keeps one row per order and replaces the e-mail address by a salted pseudonym "
            "(set MKT_PSEUDONYM_SALT).",
            outputs=("orders",),
        ),
        Preset(
            "woocommerce_orders",
            "WooCommerce Customer/Order/Coupon Export, default CSV format",
            "orders",
            "orders",
            ("cohort_ltv",),
            {
                "order_id": "order_id",
                "order_date": "order_date",
                "order_total": "revenue",
                "customer_id": "customer_id",
            },
            ("order_id", "order_date", "order_total", "customer_id"),
            "WooCommerce.com docs, 'Customer/Order/Coupon Export: CSV column reference'",
            "Guest orders carry customer_id 0: they are read as one customer; export "
            "registered customers only, or map billing_email with pseudonymization instead.",
        ),
        Preset(
            "google_ads",
            "Google Ads campaign report (Reports > Predefined > Campaign, download CSV)",
            "spend",
            "spend",
            _SPEND,
            {"Campaign": "channel", "Day": "period_start", "Cost": "spend"},
            ("Campaign", "Day", "Cost"),
            "Google Ads Help, 'Download reports' (two title lines: report name, date range)",
            "Each campaign becomes a channel; name campaigns like the journeys' channels or "
            "sum them first. The 'Total:' lines at the end are not read (remove them).",
            layout={"skip_lines": 2, "thousands": ","},
        ),
        Preset(
            "meta_ads",
            "Meta Ads Manager campaign report (Reports > Export table data, CSV)",
            "spend",
            "spend",
            _SPEND,
            {
                "Campaign name": "channel",
                "Reporting starts": "period_start",
                "Amount spent (EUR)": "spend",
            },
            ("Campaign name", "Reporting starts", "Amount spent (EUR)"),
            "Meta Business Help Center, 'Export ad reports' (column 'Amount spent (CUR)' "
            "carries the account currency)",
            "For another account currency, map its column: -p columns "
            '\'{"Amount spent (USD)": "spend"}\'.',
        ),
        Preset(
            "ga4_events",
            "GA4 BigQuery export (events_* table), flattened to CSV or Parquet",
            "touchpoints",
            "touchpoints",
            ("attribution",),
            {
                "user_pseudo_id": "customer_id",
                "event_timestamp": "timestamp",
                "traffic_source.medium": "channel",
            },
            (
                "event_name",
                "event_timestamp",
                "user_pseudo_id",
                "traffic_source.source",
                "traffic_source.medium",
            ),
            "Google Analytics Help, '[GA4] BigQuery Export schema' (event_timestamp in "
            "microseconds since 1970, UTC)",
            "session_start events become touchpoints (channel = the medium, '(none)' as "
            "direct); purchase events become conversions (value = ecommerce.purchase_revenue "
            "when present). traffic_source is the user's first source, as GA4 exports it.",
            outputs=("touchpoints", "conversions"),
        ),
        Preset(
            "salesforce_lead_history",
            "Salesforce Lead History report export (Reports > Lead History, CSV)",
            "lead_events",
            "lead_events",
            ("nurture_timing",),
            {"Lead ID": "lead_id", "Edit Date": "timestamp", "New Value": "event"},
            ("Lead ID", "Field / Event", "New Value", "Edit Date"),
            "Salesforce Help, 'LeadHistory' object and the Lead History report type "
            "(Field / Event, Old Value, New Value, Edit Date, Edited By); the default Lead "
            "Status picklist",
            "'Created.' rows become created events and Lead Status changes become lead events "
            "through the statuses mapping (override with mkt convert --statuses JSON); other "
            "field changes are dropped and counted. Edit Date as Salesforce's US export "
            "writes it (3/5/2024 2:22 PM).",
            outputs=("lead_events",),
        ),
        Preset(
            "ab_totals",
            "A/B testing tool results: totals per variation (visitors, conversions, revenue)",
            "totals",
            "experiment_totals",
            ("ab_test",),
            {
                "Variation": "variant",
                "Visitors": "units",
                "Conversions": "conversions",
                "Revenue": "revenue",
                "Revenue Squared": "revenue_sq",
            },
            ("Variation", "Visitors", "Conversions"),
            "the results table testing tools show per variation (VWO, Optimizely, AB Tasty "
            "report exports)",
            "Revenue and its sum of squares are optional; without the squares the revenue "
            "test is not shown.",
        ),
    )
}


def get_preset(name: str) -> Preset:
    """The preset called `name` (case, dashes and spaces do not matter).

    Raises
    ------
    ParameterError
        No such preset; the message names the closest one and lists all.
    """
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key in PRESETS:
        return PRESETS[key]
    close = difflib.get_close_matches(key, list(PRESETS), n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ParameterError(f"unknown preset {name!r}{hint}. Presets: {', '.join(sorted(PRESETS))}")


def _norm(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower()


def closest_presets(header: list[str], n: int = 2) -> list[tuple[str, float]]:
    """The presets whose expected columns the header holds best, with the share held.

    Examples
    --------
    >>> closest_presets(["Campaign", "Day", "Cost", "Clicks"])[0]
    ('google_ads', 1.0)
    """
    have = {_norm(h) for h in header}
    scores = [
        (p.name, sum(_norm(c) in have for c in p.expects) / len(p.expects))
        for p in PRESETS.values()
    ]
    return sorted(scores, key=lambda item: -item[1])[:n]


def check_header(preset: Preset, header: list[str], source: str) -> None:
    """Refuse a file whose header lacks a column the preset expects.

    Raises
    ------
    DataValidationError
        Names the file, the missing columns with the closest header names, and the preset
        that fits the header best.

    Examples
    --------
    >>> check_header(get_preset("meta_ads"), ["Campaign name", "Reporting starts",
    ...     "Amount spent (USD)"], "ads.csv")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.DataValidationError: ads.csv does not look like a Meta Ads Manager
    campaign report (Reports > Export table data, CSV) (preset meta_ads): column
    'Amount spent (EUR)' (closest: 'Amount spent (USD)') is missing.
    Fix: choose the preset that fits the file (closest: meta_ads), or run without --preset and
    map the columns with -p columns '{"YOUR COLUMN": "spend"}'.
    """
    by_norm = {_norm(h): h for h in header}
    missing = [c for c in preset.expects if _norm(c) not in by_norm]
    if not missing:
        return
    parts = []
    for name in missing:
        close = difflib.get_close_matches(name, [h.lstrip("\ufeff") for h in header], n=1)
        parts.append(f"{name!r}" + (f" (closest: {close[0]!r})" if close else ""))
    best = ", ".join(n for n, share in closest_presets(header) if share > 0) or "none"
    target = preset.columns.get(missing[0], missing[0])
    raise DataValidationError(
        f"{source} does not look like a {preset.tool} (preset {preset.name}): "
        f"column{'s' if len(missing) > 1 else ''} {', '.join(parts)} "
        f"{'are' if len(missing) > 1 else 'is'} missing.\n"
        f"Fix: choose the preset that fits the file (closest: {best}), or run without "
        f'--preset and map the columns with -p columns \'{{"YOUR COLUMN": "{target}"}}\'.',
        source=source,
        column=missing[0],
        fix="Choose the preset that fits the file, or map the missing column.",
    )


def run_parameters(preset: Preset, parameters: dict[str, Any]) -> dict[str, Any]:
    """`parameters` with the preset's mapping and layout merged in (the user's win).

    Examples
    --------
    >>> run_parameters(get_preset("google_ads"), {"columns": {"Cost": "spend"}})["layouts"]
    {'spend': {'skip_lines': 2, 'thousands': ','}}
    """
    import json

    if preset.outputs:
        raise ParameterError(
            f"preset {preset.name} reshapes the export into {', '.join(preset.outputs)}: "
            f"convert it first with `mkt convert --preset {preset.name} FILE OUTDIR`, then run "
            "the report on the files it writes (it prints the command)."
        )

    def as_dict(value: Any) -> dict[str, Any]:
        return json.loads(value) if isinstance(value, str) else dict(value or {})

    merged = dict(parameters)
    merged["columns"] = preset.columns | as_dict(parameters.get("columns"))
    if preset.layout:
        layouts = as_dict(parameters.get("layouts"))
        layouts[preset.input] = preset.layout | dict(layouts.get(preset.input) or {})
        merged["layouts"] = layouts
    return merged


def apply_to_run(name: str, parameters: dict[str, Any], data: list[str]) -> dict[str, Any]:
    """`mkt run --preset NAME`: check the file given for the preset's input, set its layout.

    The report's ``columns`` parameter is one mapping for all its inputs, and some inputs
    (spend in cohort_ltv) are read without it; so the preset renames the columns of its own
    input only, through that input's layout: the header line is skipped and the columns are
    named in file order, the tool's names replaced by the contract's. A Parquet or Excel
    file, which takes no text layout, gets the mapping through ``columns``.

    `data` are the ``--data`` values (``NAME=PATH``, or a bare ``PATH`` taken as the
    preset's input when it is the only one).

    Raises
    ------
    ParameterError
        Unknown preset, no file for its input, or a preset that needs ``mkt convert``.
    DataValidationError
        The file lacks a column the preset expects.
    """
    preset = get_preset(name)
    if preset.outputs:
        return run_parameters(preset, parameters)  # raises: convert first
    named = dict(item.split("=", 1) for item in data if "=" in item)
    bare = [item for item in data if "=" not in item]
    path = named.get(preset.input) or (bare[0] if len(bare) == 1 and not named else None)
    if path is None:
        raise ParameterError(
            f"preset {preset.name} reads the input {preset.input!r}: give its file with "
            f"--data {preset.input}=FILE"
        )
    if not Path(path).is_file():  # the run's own check names a missing file
        return parameters
    check_header(preset, read_header(Path(path), preset), path)
    raw = _read_head(Path(path), preset)
    if raw.kind != "csv":
        return run_parameters(preset, parameters)
    return _as_layout(preset, parameters, raw)


def _as_layout(preset: Preset, parameters: dict[str, Any], raw: Any) -> dict[str, Any]:
    import json

    given = parameters.get("layouts") or {}
    layouts = json.loads(given) if isinstance(given, str) else dict(given)
    names = [preset.columns.get(_clean(c), _clean(c)) for c in raw.frame.columns]
    own = {"header": False, "names": names, "skip_lines": raw.first_line - 1}
    layouts[preset.input] = preset.layout | own | dict(layouts.get(preset.input) or {})
    return dict(parameters) | {"layouts": layouts}


def _clean(name: str) -> str:
    return name.lstrip("\ufeff").strip()


def _read_head(path: Path, preset: Preset | None = None) -> Any:
    from mkt_engineering.formats import read_source
    from mkt_engineering.layout import Layout

    layout = Layout.from_value(preset.layout if preset else None)
    return read_source(Path(path), text_columns=lambda h: h, layout=layout)


def load_with_preset(
    name: str, path: Path, columns: dict[str, str] | None = None, salt: str | None = None
) -> dict[str, Any]:
    """Read an export with a preset, as the report would; contract name -> ``LoadResult``.

    Raises
    ------
    ParameterError
        Unknown preset.
    DataValidationError
        The file does not fit the preset or the contract.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "meta.csv"
    >>> _ = path.write_text("Campaign name,Reporting starts,Amount spent (EUR)\\n"
    ...     "social,2024-03-04,120.50\\n")
    >>> load_with_preset("meta_ads", path)["spend"].frame.rows()
    [('social', datetime.date(2024, 3, 4), 120.5)]
    """
    from mkt_engineering.io import load_table

    preset = get_preset(name)
    path = Path(path)
    if preset.outputs:
        return {t: load_table(f, t) for t, f in convert(preset, path, salt).items()}
    header = read_header(path, preset)
    check_header(preset, header, str(path))
    present = {_clean(h) for h in header}  # optional columns the export may leave out
    mapping = {k: v for k, v in preset.columns.items() if k in present} | dict(columns or {})
    if preset.contract == "lead_lifecycle":
        from mkt_engineering.nurture.wide import load_lifecycle

        return {"lead_events": load_lifecycle(path, layout=preset.layout or None)}
    if preset.contract == "experiment_totals":
        from mkt_engineering.experiments.totals import load_totals

        return {preset.contract: load_totals(path, mapping, layout=preset.layout or None)}
    return {preset.contract: load_table(path, preset.contract, mapping, layout=preset.layout)}


def read_header(path: Path, preset: Preset | None = None) -> list[str]:
    """The column names of a file as the loader sees them (with the preset's layout)."""
    header = list(_read_head(path, preset).frame.columns)
    if preset is not None and not all(
        _norm(c) in {_norm(h) for h in header} for c in preset.expects
    ):
        header = list(_read_head(path).frame.columns)  # the preset's layout may be wrong
    return header


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name not in frame.columns:
        return pl.lit(None, dtype=pl.String).alias(name)
    return pl.col(name).cast(pl.String).str.strip_chars().replace("", None)


def _shopify(frame: pl.DataFrame, salt: str | None) -> dict[str, pl.DataFrame]:
    from mkt_engineering import privacy

    lines = frame.select(
        _text(frame, "Name").alias("order_id"),
        _text(frame, "Email").str.to_lowercase().alias("customer_id"),
        _text(frame, "Created at").str.slice(0, 19).alias("order_date"),
        _text(frame, "Total").alias("revenue"),
    )
    # Later line items of an order repeat only its name: the order fields are on the first.
    orders = lines.group_by("order_id", maintain_order=True).agg(
        pl.col(c).drop_nulls().first() for c in ("customer_id", "order_date", "revenue")
    )
    return {"orders": privacy.pseudonymize(orders, "customer_id", salt)}


def _ga4(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    micros = pl.col("event_timestamp").cast(pl.Int64, strict=False)
    when = pl.from_epoch(micros, time_unit="us").dt.strftime("%Y-%m-%d %H:%M:%S")
    medium = _text(frame, "traffic_source.medium")
    events = frame.with_columns(
        when.alias("timestamp"),
        _text(frame, "user_pseudo_id").alias("customer_id"),
        pl.when(medium.is_null() | medium.is_in(["(none)", "(not set)"]))
        .then(pl.lit("direct"))
        .otherwise(medium)
        .alias("channel"),
    )
    value_column = next(
        (c for c in ("ecommerce.purchase_revenue", "event_value_in_usd") if c in frame.columns),
        None,
    )
    value = _text(frame, value_column) if value_column else pl.lit(None, dtype=pl.String)
    name = pl.col("event_name").cast(pl.String)
    touches = events.filter(name == "session_start").select("customer_id", "timestamp", "channel")
    sales = events.filter(name == "purchase").select(
        "customer_id", "timestamp", value.alias("value")
    )
    return {"touchpoints": touches, "conversions": sales}


def _salesforce_statuses(statuses: dict[str, str] | None) -> dict[str, str]:
    """The default picklist mapping with the user's entries over it, checked."""
    from mkt_engineering.schemas import LEAD_EVENTS

    merged = SALESFORCE_STATUSES | dict(statuses or {})
    wrong = sorted({v for v in merged.values() if v and v not in LEAD_EVENTS})
    if wrong:
        raise ParameterError(
            f"statuses: {', '.join(map(repr, wrong))} is no lead event. "
            f'Fix: use one of {", ".join(LEAD_EVENTS)} (or "" to drop a status).'
        )
    return {k: v for k, v in merged.items() if v}


def _salesforce(
    frame: pl.DataFrame, source: str, statuses: dict[str, str] | None, notes: list[str]
) -> dict[str, pl.DataFrame]:
    """Lead History rows -> lead events: creations and mapped Lead Status changes."""
    mapping = _salesforce_statuses(statuses)
    field_ = _text(frame, "Field / Event")
    value = _text(frame, "New Value")
    rows = frame.with_row_index("line", offset=2).select(  # line 1 is the header
        "line",
        _text(frame, "Lead ID").alias("lead_id"),
        _text(frame, "Edit Date").alias("edit_date"),
        field_.alias("field"),
        value.alias("value"),
        pl.when(field_.str.to_lowercase().str.strip_chars_end(".") == "created")
        .then(pl.lit("created"))
        .when(field_ == "Lead Status")
        .then(value.replace_strict(mapping, default=None))
        .alias("event"),
    )
    when = pl.col("edit_date").str.strptime(pl.Datetime, SALESFORCE_DATE, strict=False)
    rows = rows.with_columns(when.alias("timestamp"))
    _refuse_bad_dates(rows, source)
    _note_dropped(rows, mapping, notes)
    events = rows.filter(pl.col("event").is_not_null()).select(
        "lead_id", pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S"), "event"
    )
    return {"lead_events": events}


def _refuse_bad_dates(rows: pl.DataFrame, source: str) -> None:
    """An Edit Date that is not in the US export format: refused, with the lines."""
    bad = rows.filter(pl.col("timestamp").is_null() & pl.col("event").is_not_null())
    if bad.is_empty():
        return
    examples = ", ".join(
        f"line {n}: {v!r}" for n, v in bad.select("line", "edit_date").head(3).rows()
    )
    raise DataValidationError(
        f"{source}: column 'Edit Date' has {bad.height} value(s) that are not dates like "
        f"'3/5/2024 2:22 PM' ({examples}).\n"
        "Fix: export the report with a US English locale (Setup > Personal Information > "
        "Locale: English (United States)), or correct those rows.",
        source=source,
        column="Edit Date",
        fix="Export with the English (United States) locale.",
    )


def _note_dropped(rows: pl.DataFrame, mapping: dict[str, str], notes: list[str]) -> None:
    """Count the rows that become no event: other fields, and statuses not mapped."""
    dropped = rows.filter(pl.col("event").is_null())
    other = dropped.filter(pl.col("field") != "Lead Status")
    if other.height:
        fields = ", ".join(other["field"].drop_nulls().unique(maintain_order=True).head(5))
        notes.append(f"{other.height} change(s) of other fields dropped ({fields})")
    unmapped = dropped.filter(pl.col("field") == "Lead Status")
    if unmapped.height:
        values = ", ".join(
            repr(v) for v in unmapped["value"].drop_nulls().unique(maintain_order=True).head(5)
        )
        notes.append(
            f"{unmapped.height} Lead Status change(s) to a status without event dropped "
            f'({values}); map them with --statuses \'{{"STATUS": "EVENT"}}\''
        )


def convert(
    preset: Preset,
    path: Path,
    salt: str | None = None,
    statuses: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> dict[str, pl.DataFrame]:
    """Reshape an export into the preset's contract tables (frames, not yet validated).

    Parameters
    ----------
    preset : Preset
        A preset with `outputs` (shopify_orders, ga4_events, salesforce_lead_history).
    path : path
        The export.
    salt : str, optional
        Secret salt for pseudonymized ids; default: ``MKT_PSEUDONYM_SALT``.
    statuses : dict, optional
        salesforce_lead_history: Lead Status value -> lead event, merged over
        :data:`SALESFORCE_STATUSES` (map a status to ``""`` to drop it).
    notes : list, optional
        Receives what the conversion dropped, one sentence each.

    Returns
    -------
    dict
        Contract name -> frame, to be checked by ``load_table``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "events.csv").write_text(
    ...     "event_name,event_timestamp,user_pseudo_id,"
    ...     "traffic_source.source,traffic_source.medium\\n"
    ...     "session_start,1709650800000000,u1,google,cpc\\n"
    ...     "purchase,1709651000000000,u1,google,cpc\\n")
    >>> tables = convert(get_preset("ga4_events"), folder / "events.csv")
    >>> tables["touchpoints"].rows()
    [('u1', '2024-03-05 15:00:00', 'cpc')]
    """
    from mkt_engineering.formats import read_source

    if not preset.outputs:
        raise ParameterError(
            f"preset {preset.name} needs no conversion: run the report with "
            f"--data {preset.input}=FILE --preset {preset.name}"
        )
    check_header(preset, read_header(path, preset), str(path))
    frame = read_source(Path(path), text_columns=lambda h: h).frame
    frame = frame.rename({c: c.lstrip("\ufeff").strip() for c in frame.columns})
    if preset.name == "salesforce_lead_history":
        return _salesforce(frame, str(path), statuses, notes if notes is not None else [])
    if statuses:
        raise ParameterError(f"preset {preset.name} takes no statuses mapping")
    return _shopify(frame, salt) if preset.name == "shopify_orders" else _ga4(frame)
