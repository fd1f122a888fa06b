"""The data overview's answer first: what was read, how much, which period, what to fix.

Examples
--------
>>> import polars as pl
>>> tables = pl.DataFrame({"table": ["orders", "spend"], "rows": [15283, 144],
...                        "first": ["2024-01-01 02:53:50", "2026-01-05"],
...                        "last": ["2025-12-31 23:10:31", "2026-04-20"]})
>>> summarize(tables).headline
'2 tables, 15,427 rows, 01 Jan 2024 to 20 Apr 2026'
>>> summarize(tables, language="de").headline
'2 Tabellen, 15.427 Zeilen, 01.01.2024 bis 20.04.2026'
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mkt_engineering.answers import Card, Summary
from mkt_engineering.formatting import Language, count, date

# Tables an analysis joins: they should cover the same period.
PARTNERS = (("touchpoints", "conversions"), ("conversions", "spend"))
GAP_DAYS = 7  # ends further apart than a week mean an export cut at a different day


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def _day(text: str | None) -> dt.date | None:
    return dt.datetime.fromisoformat(text).date() if text else None


def _period(first: str | None, last: str | None, language: Language) -> str | None:
    start, end = _day(first), _day(last)
    if start is None or end is None:
        return None
    return f"{date(start, language)} {_t(language, 'to', 'bis')} {date(end, language)}"


def headline(tables: pl.DataFrame, unreadable: int = 0, language: Language = "en") -> str:
    """Tables, rows and the whole period; names the files that could not be read."""
    if tables.is_empty():
        return _t(language, "No table could be read", "Keine Tabelle lesbar")
    text = _t(
        language,
        f"{tables.height} {'table' if tables.height == 1 else 'tables'}, "
        f"{count(tables['rows'].sum())} rows",
        f"{tables.height} {'Tabelle' if tables.height == 1 else 'Tabellen'}, "
        f"{count(tables['rows'].sum(), 'de')} Zeilen",
    )
    firsts, lasts = tables["first"].drop_nulls(), tables["last"].drop_nulls()
    if firsts.len() and lasts.len():
        text += ", " + _period(firsts.min(), lasts.max(), language)
    if unreadable:
        text += _t(
            language, f"; {unreadable} file(s) unreadable", f"; {unreadable} Datei(en) unlesbar"
        )
    return text


def _gaps(tables: pl.DataFrame, language: Language) -> list[str]:
    ends = {row["table"]: _day(row["last"]) for row in tables.iter_rows(named=True)}
    lines = []
    for left, right in PARTNERS:
        if ends.get(left) is None or ends.get(right) is None:
            continue
        apart = abs((ends[left] - ends[right]).days)
        if apart > GAP_DAYS:
            lines.append(
                _t(
                    language,
                    f"{left} and {right} end {apart} days apart: check that both exports "
                    "cover the same period.",
                    f"{left} und {right} enden {apart} Tage auseinander: prüfen, ob beide "
                    "Exporte denselben Zeitraum abdecken.",
                )
            )
    return lines


def _table_bullet(row: dict, language: Language) -> str:
    period = _period(row["first"], row["last"], language)
    rows = count(row["rows"], language)
    text = f"{row['table']}: {rows} " + _t(language, "rows", "Zeilen")
    return text + (f", {period}" if period else "")


def summarize(
    tables: pl.DataFrame, problems: dict[str, str] | None = None, language: Language = "en"
) -> Summary:
    """The data overview's summary from its table of tables (``overview.summary_row`` rows).

    Parameters
    ----------
    tables : polars.DataFrame
        One row per table read: table, rows, first, last (ISO text or null).
    problems : dict, optional
        Table name -> why the file could not be read.
    language : {"en", "de"}

    Returns
    -------
    Summary
        Headline with tables, rows and period; cards; what to fix; one bullet per table
        (at most five) and any partner tables that end far apart.

    Examples
    --------
    >>> summarize(pl.DataFrame({"table": [], "rows": [], "first": [], "last": []}),
    ...           {"orders": "bad"}).action
    'Fix the files that could not be read: orders.'
    """
    problems = problems or {}
    cards = [
        Card(_t(language, "Tables read", "Gelesene Tabellen"), count(tables.height, language),
             _t(language, f"{len(problems)} unreadable", f"{len(problems)} unlesbar")
             if problems else None),
        Card(_t(language, "Rows", "Zeilen"), count(tables["rows"].sum() if tables.height else 0,
                                                   language)),
    ]  # fmt: skip
    if tables.height and tables["first"].drop_nulls().len():
        start, end = (
            _day(tables["first"].drop_nulls().min()),
            _day(tables["last"].drop_nulls().max()),
        )
        period = f"{date(start, language, 'month')} – {date(end, language, 'month')}"
        cards.append(Card(_t(language, "Period", "Zeitraum"), period))
    if problems:
        names = ", ".join(sorted(problems))
        action = _t(
            language,
            f"Fix the files that could not be read: {names}.",
            f"Diese Dateien reparieren, sie waren nicht lesbar: {names}.",
        )
    else:
        action = _t(
            language,
            "Every file could be read: run the analyses, or fix any period the bullets flag first.",
            "Alle Dateien sind lesbar: die Analysen starten, zuvor markierte Zeiträume prüfen.",
        )
    bullets = _gaps(tables, language)
    rows = list(tables.iter_rows(named=True))
    room = 5 - len(bullets)  # the last place names the tables that do not fit
    shown = rows if len(rows) <= room else rows[: room - 1]
    bullets += [_table_bullet(row, language) for row in shown]
    if len(shown) < len(rows):
        rest = ", ".join(row["table"] for row in rows[len(shown) :])
        bullets.append(_t(language, f"Also read: {rest} (see below).",
                          f"Außerdem gelesen: {rest} (siehe unten)."))  # fmt: skip
    return Summary(headline(tables, len(problems), language), tuple(cards), action,
                   tuple(bullets[:5]))  # fmt: skip
