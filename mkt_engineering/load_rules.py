"""What a loaded table must satisfy and what a load returns, for files and engines alike.

The file reader (:mod:`mkt_engineering.io`) and the checks that run where the data lives
(:mod:`mkt_engineering.engines.checks`, :mod:`mkt_engineering.engines.loading`) refuse the
same problems with the same words: the texts of each refusal, the message builder
:class:`Failure`, the date bounds of ``date_range`` and ``as_of``, and :class:`LoadResult`.

Examples
--------
>>> date_bound("2026-03-31", end=True)
datetime.datetime(2026, 3, 31, 23, 59, 59, 999999)
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

import polars as pl

from mkt_engineering import formats
from mkt_engineering.errors import DataValidationError
from mkt_engineering.formats import validation_error
from mkt_engineering.quality import DataQuality
from mkt_engineering.schemas import EARLIEST_DATE, Column

EXPECTED = {
    "datetime": "a date or date-time in one format for the whole column: YYYY-MM-DD, "
    "YYYY-MM-DD HH:MM[:SS], DD.MM.YYYY or DD.MM.YYYY HH:MM",
    "date": "a date in one format for the whole column: YYYY-MM-DD or DD.MM.YYYY",
    "float": "a number such as 89.90 (89,90 with a decimal comma is fine too)",
    "int": "a whole number",
    "bool": "yes/no: true/false, 1/0, yes/no or ja/nein",
    "list[str]": "channels in order separated by '>', e.g. 'search > email > direct'",
    "string": "text",
}


# The columns that name a person: consent is given (or not) by a person, not by a row.
PERSON_IDS = ("customer_id", "lead_id", "unit_id")


@dataclass
class LoadResult:
    """A loaded table and the quality summary of the load.

    ``frame`` is a polars DataFrame, or for a table checked in its engine
    (``keep_in_engine``) the cleaned native frame (DuckDB relation, Spark DataFrame), lazy.
    ``without_consent`` holds the person ids (customer_id, lead_id or unit_id, pseudonymized
    like the frame) of the rows removed for lack of consent, or None when the table had no
    consent column. Other tables about the same people use it to drop those people too
    (a lead without consent in the lead table must not be analysed through its events).
    """

    frame: pl.DataFrame
    quality: DataQuality
    without_consent: pl.Series | None = None


@dataclass
class Failure:
    """A refusal's message: source, column, problem, count and up to five example rows.

    Shared by the file loader and the checks that run in an engine
    (:mod:`mkt_engineering.engines.checks`), which name rows by their key instead of a line.
    """

    source: str
    user: str
    contract_name: str
    problem: str
    total: int
    where: list[str]  # "line 4", or "row with customer_id 'c2'"
    values: list[str | None]

    def error(self, expected: str, fix: str, rows: list[int] | None = None) -> DataValidationError:
        quoted = [  # a cell of an unclosed quote can hold the rest of the file
            v if v is None or len(v) <= 80 else v[:79] + "…" for v in self.values
        ]
        named = f"column {self.user!r}" + (
            f" (contract column {self.contract_name!r})" if self.user != self.contract_name else ""
        )
        total = self.total
        lines = [
            f"{self.source}: {named} {self.problem} "
            f"({total:,} row{'s' if total != 1 else ''} affected)."
        ]
        lines += [
            f"  {w}: {'<empty>' if v is None else repr(v)}"
            for w, v in zip(self.where, quoted, strict=True)
        ]
        if total > len(self.where):
            lines.append(f"  ... and {total - len(self.where):,} more")
        lines.append(f"Expected: {expected}.")
        return validation_error(
            "\n".join(lines), source=self.source, column=self.user, rows=rows, fix=fix
        )


# What each refusal says (problem, expected, fix), shared by files and engine checks.
NOT_FINITE = (
    "has values that are not finite numbers (NaN, infinity, or too large such as 1e400)",
    EXPECTED["float"],
    "Replace these cells by real numbers in the source, or empty them if the value is "
    "unknown and the column is optional; a spreadsheet's #DIV/0! or an overflowing formula "
    "usually causes them.",
)
UNREADABLE = {
    "datetime": "has values that are not dates",
    "date": "has values that are not dates",
    "list[str]": "has empty or unreadable paths",
    "float": "has values that are not numbers",
    "int": "has values that are not whole numbers",
    "bool": "has values that are not yes/no",
}


def refusal(check: str, column: Column, why: str = "", window: str = "") -> tuple[str, str, str]:
    """(problem, expected, fix) of the refusal `check` for `column`.

    `check` is one of unreadable, empty, below, dates (with `why` and `window`), mixed
    (with the column's date format family as `why` and the other one as `window`).
    """
    if check == "mixed":
        return (
            f"mixes date formats: it starts with {why}, but some rows use {window}",
            EXPECTED[column.dtype],
            "Export all dates of the column in one format (re-export, or format the column in "
            "Excel as one date format); the loader does not guess which format a mixed row "
            "meant.",
        )
    if check == "unreadable":
        return (
            UNREADABLE.get(column.dtype, "has unreadable values"),
            EXPECTED[column.dtype],
            "Correct these cells in the source (or empty them if the column is optional), or "
            f"map another column onto {column.name}.",
        )
    if check == "empty":
        return (
            "is empty",
            f"a value in every row ({EXPECTED[column.dtype]})",
            f"Fill in {column.name} for these rows, or remove the rows in the source if they do "
            "not belong in the data.",
        )
    if check == "below":
        return (
            f"has values below {column.minimum:g}",
            f"{column.name} of {column.minimum:g} or more",
            f"Correct or remove these rows; {column.name} cannot be below {column.minimum:g} "
            "(refunds and cancellations: net them against their order before loading).",
        )
    if check == "dates":
        return (
            f"has dates before {EARLIEST_DATE:%Y-%m-%d} or after the export time ({why})",
            f"dates from {window} (the export time plus one day)",
            "Correct these dates in the source (typos such as 2999 or placeholders such as "
            "1900-01-01) or remove the rows; planned periods do not belong in the data.",
        )
    raise ValueError(f"unknown refusal {check}")


def not_allowed(column: Column, pairs: pl.DataFrame) -> tuple[str, str, str]:
    """(problem, expected, fix) for values outside `column.allowed`; `pairs` holds raw, value."""
    hints = {
        r: difflib.get_close_matches(v, column.allowed, n=1, cutoff=0.6)
        for r, v in pairs.iter_rows()
    }
    pasted = ", ".join(f'"{r}": "{h[0]}"' for r, h in hints.items() if h)
    bad_values = ", ".join(repr(r) for r in hints)
    return (
        f"has values outside the allowed list ({bad_values})",
        f"one of {', '.join(column.allowed)}",
        "Rename these values to the kit's names before loading"
        + (f", e.g. pl.col({column.name!r}).replace({{{pasted}}})" if pasted else "")
        + ", or remove the rows if they are not part of the process.",
    )


def date_bound(value: Any, end: bool, what: str = "date_range") -> dt.datetime:
    if isinstance(value, str):  # "2026-03-31" is a day (whole day included at the end)
        parsed, _, _ = formats.parse_datetime(pl.Series([value.strip()]))
        if parsed.item() is None:
            raise validation_error(
                f"{what}: cannot read {value!r} as a date.",
                fix="Write dates as YYYY-MM-DD or DD.MM.YYYY.",
            )
        value = parsed.item().date() if len(value.strip()) <= 10 else parsed.item()
    if isinstance(value, dt.datetime):
        return value
    day = dt.datetime.combine(value, dt.time())
    return day + dt.timedelta(days=1) - dt.timedelta(microseconds=1) if end else day
