"""Mapping a user's column names onto a data contract, and the message when one is missing.

Shared by the file reader (:mod:`mkt_engineering.io`), the checks that run in an engine
(:mod:`mkt_engineering.engines.loading`) and the guess of which contract a file holds
(:mod:`mkt_engineering.guess`).

Examples
--------
>>> normalize_name("Customer ID"), closest_name("Umsatz", ["umsatz_eur", "datum"])
('customer_id', 'umsatz_eur')
"""

from __future__ import annotations

import difflib
import re

from mkt_engineering.errors import DataValidationError
from mkt_engineering.formats import RawTable, validation_error
from mkt_engineering.schemas import Contract

# Usual names in (German) exports, only ever *suggested* for a missing column, never mapped.
SYNONYMS = {
    "customer_id": (
        "kunde",
        "kunden_nr",
        "kundennummer",
        "kunden_id",
        "customer",
        "client_id",
        "user_id",
    ),
    "order_date": ("bestelldatum", "datum", "date", "order_time", "timestamp", "zeitpunkt"),
    "revenue": ("umsatz", "betrag", "amount", "sales", "net_revenue", "value", "wert"),
    "timestamp": ("zeitpunkt", "zeit", "datum", "date", "time", "event_time", "created_at"),
    "channel": ("kanal", "medium", "touchpoint"),
    "value": ("wert", "umsatz", "revenue", "amount", "betrag"),
    "spend": ("kosten", "ausgaben", "budget", "cost", "costs"),
    "period_start": ("woche", "week", "monat", "month", "datum", "date"),
    "lead_id": ("lead", "kontakt_id", "contact_id"),
    "event": ("ereignis", "aktion", "activity", "event_type"),
    "unit_id": ("user_id", "visitor_id", "kunde", "customer_id"),
    "variant": ("gruppe", "group", "arm", "version", "testgruppe"),
    "path": ("pfad", "journey", "channel_path"),
    "conversions": ("konversionen", "conversion", "total_conversions"),
}


def short_text(text: str, limit: int = 80) -> str:
    """Text from a file or a reader's error, safe to quote: printable and at most `limit` long.

    A binary file or a broken line can make a header or an error hold thousands of
    characters; a message quotes the start.
    """
    printable = "".join(c if c.isprintable() else "\ufffd" for c in text[: limit + 1])
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"


def normalize_name(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def closest_name(name: str, candidates: list[str]) -> str | None:
    by_normal = {normalize_name(c): c for c in candidates}
    match = difflib.get_close_matches(normalize_name(name), list(by_normal), n=1, cutoff=0.6)
    return by_normal[match[0]] if match else None


def map_columns(
    raw: RawTable, contract: Contract, columns: dict[str, str] | None
) -> dict[str, str]:
    """Source name -> contract name for every column to rename; raise on a bad mapping."""
    found = raw.frame.columns
    columns = dict(columns or {})
    unknown = [user for user in columns if user not in found]
    if unknown:
        hints = [
            f"{u!r} (closest: {closest_name(u, found)!r})" if closest_name(u, found) else repr(u)
            for u in unknown
        ]
        raise validation_error(
            f"{raw.source}: columns={{...}} names {', '.join(hints)}, which the file does not "
            "have.\n"
            f"Columns found: {', '.join(found)}.",
            source=raw.source,
            column=unknown[0],
            fix="Use the column names exactly as they appear in the file's header as the keys "
            "of columns={...}.",
        )
    targets = list(columns.values())
    doubled = sorted({t for t in targets if targets.count(t) > 1})
    if doubled:
        raise validation_error(
            f"{raw.source}: several columns are mapped onto {', '.join(doubled)}.",
            source=raw.source,
            column=doubled[0],
            fix="Map exactly one source column onto each contract column.",
        )
    rename = {user: canonical for user, canonical in columns.items() if user != canonical}
    taken = set(targets) | {c for c in found if c not in columns}
    for name in found:  # "Customer ID" or "customer-id" is clearly customer_id
        normal = normalize_name(name)
        if (
            name not in columns
            and normal != name
            and normal in contract.names
            and normal not in taken
        ):
            rename[name] = normal
            taken.add(normal)
    mapped = [rename.get(c, c) for c in found]
    missing = [c for c in contract.required_names if c not in mapped]
    if missing:
        raise _missing_columns(raw.source, contract, missing, found, mapped)
    return rename


def _missing_columns(
    source: str, contract: Contract, missing: list[str], found: list[str], mapped: list[str]
) -> DataValidationError:
    unused = [f for f, m in zip(found, mapped, strict=True) if m not in contract.names]
    suggestion = {}
    for name in missing:
        match = closest_name(name, unused) or next(
            (u for u in unused if normalize_name(u) in SYNONYMS.get(name, ())), None
        )
        if match and match not in suggestion:
            suggestion[match] = name
    lines = [
        f"{source}: the {contract.name} table needs column{'s' if len(missing) > 1 else ''} "
        f"{', '.join(missing)}, which {'were' if len(missing) > 1 else 'was'} not found."
    ]
    shown = ", ".join(repr(short_text(f, 40)) for f in found[:30])
    more = f" and {len(found) - 30} more" if len(found) > 30 else ""
    lines.append(f"Columns found: {shown}{more}.")
    for name in missing:
        match = next((u for u, c in suggestion.items() if c == name), None)
        lines.append(
            f"Closest match for {name}: {match!r}."
            if match
            else f"No column name is close to {name}."
        )
    unmatched = [m for m in missing if m not in suggestion.values()]
    pasted = ", ".join(
        [f'"{u}": "{c}"' for u, c in suggestion.items()]
        + [f'"<your column>": "{m}"' for m in unmatched]
    )
    fix = f"Map your column names onto the contract: columns={{{pasted}}}"
    fix += (
        " (CLI: " + " ".join(f"--map '{u}={c}'" for u, c in suggestion.items()) + ")"
        if suggestion
        else ""
    )
    lines.append(f"Required columns of {contract.name}: {', '.join(contract.required_names)}.")
    return validation_error("\n".join(lines), source=source, column=missing[0], fix=fix + ".")
