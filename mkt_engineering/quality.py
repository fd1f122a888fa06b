"""The data-quality summary of a load: everything the loader noticed but did not reject.

Reports show it with ``reporting.show_quality``; notebooks display it directly (it has an
HTML view), and ``explain()`` reads it out in plain sentences.

Examples
--------
>>> quality = DataQuality("orders.csv", "orders", rows=200, rows_read=200)
>>> quality.add("exact duplicate rows", 4, "identical rows kept; check the export")
>>> quality.to_frame().select("check", "count", "share").row(-1)
('exact duplicate rows', 4, 0.02)
>>> print(quality.explain()[0])  # doctest: +NORMALIZE_WHITESPACE
4 of 200 rows (2.0%) repeat an earlier row exactly; they are kept, check whether the export
repeats them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mkt_engineering import formatting
from mkt_engineering.text import percent

# Sentences for explain(); {count}, {total}, {share} and {note} are filled in.
_SENTENCES = {
    "exact duplicate rows": (
        "{count:,} of {total:,} rows ({share}) repeat an earlier row exactly; they are kept, "
        "check whether the export repeats them."
    ),
    "extra columns kept": (
        "Columns that are not part of the contract were kept as they are: {note}."
    ),
    "extra text columns left in the engine": (
        "Text columns that are not part of the contract stayed in the engine, unread (they "
        "could hold personal data, and the analyses do not use them): {note}."
    ),
    "duplicate keys": (
        "{count:,} row(s) ({share}) repeat the key of another row ({note}); they are kept."
    ),
    "empty rows removed": "{count:,} completely empty row(s) were skipped.",
    "rows outside date range": (
        "{count:,} row(s) ({share}) fall outside the date range {note} and were removed."
    ),
    "rows with impossible dates removed": (
        "{count:,} row(s) ({share}) were dated before 1990 or after the export time and were "
        "removed: {note}."
    ),
    "rows without consent removed": (
        "{count:,} row(s) ({share}) had no marketing consent in column {note} and were removed."
    ),
    "pii columns removed": "Columns with personal data were removed before analysis: {note}.",
    "cells with personal data masked": (
        "{count:,} cell(s) held e-mail addresses, phone numbers or IP addresses and were "
        "replaced by placeholders such as [e-mail 1] before analysis: {note}."
    ),
    "pii columns kept": (
        "Columns with personal data were kept because allow_pii=True: {note}. Do not show them "
        "in reports."
    ),
    "pseudonymized columns": "These id columns were replaced by salted SHA-256 pseudonyms: {note}.",
    "title lines skipped": "{count:,} title line(s) above the header were skipped: {note}.",
    "empty columns without a name removed": (
        "{count:,} empty column(s) without a name were removed: {note}."
    ),
    "columns without a name kept": (
        "{count:,} column(s) without a name hold values and were kept as {note}."
    ),
}

# The German twins, keyed by the same checks. {count}, {total} and {share} arrive formatted
# the German way (1.234, 12,5 %); {note} is the German note when the call site gave one. A
# template without {note} says in German what the fixed English note says.
_SENTENCES_DE = {
    "exact duplicate rows": (
        "{count} von {total} Zeilen ({share}) wiederholen eine frühere Zeile genau; sie "
        "bleiben erhalten, prüfen Sie, ob der Export sie doppelt schreibt."
    ),
    "extra columns kept": (
        "Spalten, die nicht zum Datenvertrag gehören, bleiben unverändert erhalten: {note}."
    ),
    "extra text columns left in the engine": (
        "Textspalten, die nicht zum Datenvertrag gehören, blieben ungelesen in der Engine (sie "
        "könnten personenbezogene Daten enthalten, und die Analysen nutzen sie nicht): {note}."
    ),
    "duplicate keys": (
        "{count} Zeile(n) ({share}) wiederholen den Schlüssel einer anderen Zeile ({note}); "
        "sie bleiben erhalten."
    ),
    "empty rows removed": "{count} vollständig leere Zeile(n) wurden übersprungen.",
    "rows outside date range": (
        "{count} Zeile(n) ({share}) liegen außerhalb des Zeitraums {note} und wurden entfernt."
    ),
    "rows with impossible dates removed": (
        "{count} Zeile(n) ({share}) waren vor 1990 oder nach dem Exportzeitpunkt datiert und "
        "wurden entfernt: {note}."
    ),
    "rows without consent removed": (
        "{count} Zeile(n) ({share}) hatten in Spalte {note} keine Marketing-Einwilligung und "
        "wurden entfernt."
    ),
    "pii columns removed": (
        "Spalten mit personenbezogenen Daten wurden vor der Analyse entfernt: {note}."
    ),
    "cells with personal data masked": (
        "{count} Zelle(n) enthielten E-Mail-Adressen, Telefonnummern oder IP-Adressen und "
        "wurden vor der Analyse durch Platzhalter wie [e-mail 1] ersetzt: {note}."
    ),
    "pii columns kept": (
        "Spalten mit personenbezogenen Daten blieben erhalten, weil allow_pii=True gesetzt "
        "ist: {note}. Zeigen Sie sie nicht in Berichten."
    ),
    "pseudonymized columns": (
        "Diese ID-Spalten wurden durch gesalzene SHA-256-Pseudonyme ersetzt: {note}."
    ),
    "title lines skipped": (
        "{count} Titelzeile(n) über der Kopfzeile wurden übersprungen: {note}."
    ),
    "empty columns without a name removed": (
        "{count} leere Spalte(n) ohne Namen wurden entfernt: die Kopfzeile hat eine leere "
        "Zelle, meist ein Trennzeichen am Ende jeder Zeile."
    ),
    "columns without a name kept": (
        "{count} Spalte(n) ohne Namen enthalten Werte und bleiben erhalten als {note}."
    ),
    # Checks of other loaders (paths, lead tables); in English they read in the general form.
    "path separator": "{count} Pfade wurden am Trennzeichen {note} in Kanäle zerlegt.",
    "lead events from stage dates": (
        "{count} Lead-Ereignisse wurden aus den Stufendaten gebildet: {note}."
    ),
    "creation dates moved to an earlier stage date": (
        "Bei {count} Lead(s) ({share}) lag ein Stufendatum vor dem Anlagedatum (importierte "
        "oder zusammengeführte Kontakte); der Lead gilt als am frühesten Stufendatum angelegt."
    ),
    "leads without an attribute row": (
        "{count} Lead(s) ({share}) haben keine Zeile in der Lead-Tabelle: {note}."
    ),
    "attribute rows without events": (
        "{count} Zeile(n) der Lead-Tabelle haben keine Ereignisse im Ereignisprotokoll und "
        "werden nicht verwendet."
    ),
    "events of leads without consent removed": (
        "{count} Ereignis(se) ({share}) von Leads ohne Einwilligung wurden entfernt: {note}."
    ),
}
_EMPTY_CELLS = "empty cells in "
_EMPTY_CELLS_SENTENCE = {
    "en": (
        "Optional column {column} is empty in {{count:,}} rows ({{share}}); analyses treat "
        "those as unknown."
    ),
    "de": (
        "Die optionale Spalte {column} ist in {{count}} Zeilen leer ({{share}}); die Analysen "
        "behandeln diese Werte als unbekannt."
    ),
}
_OTHER_SENTENCE = {
    "en": "{check}: {count:,} ({share}). {note}",
    "de": "{check}: {count} ({share}). {note}",
}
_CLEAN_SENTENCE = {
    "en": "All {rows:,} rows passed the {table} checks; nothing needed attention.",
    "de": "Alle {rows} Zeilen haben die Prüfungen für {table} bestanden; nichts fiel auf.",
}


@dataclass
class DataQuality:
    """Counts of everything the loader noticed but did not reject.

    Attributes
    ----------
    source, table : str
        The file (or ``<data frame>``) and the contract it was read as.
    rows : int
        Rows in the returned frame.
    issues : list of dict
        One dict per finding with keys check, count, share, note.
    rows_read : int
        Rows found in the source before any were removed (empty, no consent, outside range).
    encoding, separator : str or None
        What was detected in a text file.
    decimal_comma : bool
        Whether numbers were read with a decimal comma (found while sniffing the file, or
        while parsing a number column such as ``1.234,50 €``).
    currency_signs : dict
        Column -> the currency sign or code its cells were written with (``€``, ``USD``).
    layout : dict
        The layout options the file was read with (only those given; see ``Layout``).
    column_mapping : dict
        Source column name -> contract name, for every column that was renamed.
    pii_found : dict
        Column -> kind (email, phone, name) of columns that looked like personal data.
    pii_removed : list of str
        Columns dropped because they held personal data.
    pii_masked : dict
        Column -> cells whose e-mail address, phone number or IP address was masked.
    out_of_range_dates : int
        Rows removed because their date lay before 1990 or after the export time.
    engine : str or None
        The engine that held the table (duckdb, spark, postgresql, files), None for a file
        or a polars frame. ``source`` is then the URI without secrets (or
        ``<duckdb relation>``) and takes the place of a file hash in manifests.
    source_table, query : str or None
        The table named in the source URI, or the SQL query that gave the rows.
    in_engine : bool
        True when the checks ran in the engine and the frame stayed there (not collected).
    """

    source: str
    table: str
    rows: int
    issues: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    encoding: str | None = None
    separator: str | None = None
    decimal_comma: bool = False
    date_formats: dict[str, str] = field(default_factory=dict)
    column_mapping: dict[str, str] = field(default_factory=dict)
    pii_found: dict[str, str] = field(default_factory=dict)
    pii_removed: list[str] = field(default_factory=list)
    consent_removed: int = 0
    outside_date_range: int = 0
    out_of_range_dates: int = 0
    pii_masked: dict[str, int] = field(default_factory=dict)
    currency_signs: dict[str, str] = field(default_factory=dict)
    layout: dict[str, Any] = field(default_factory=dict)
    engine: str | None = None
    source_table: str | None = None
    query: str | None = None
    in_engine: bool = False

    def add(
        self,
        check: str,
        count: int,
        note: str = "",
        *,
        total: int | None = None,
        share: bool = True,
        note_de: str | None = None,
    ) -> None:
        """Record a finding; the share is taken of `total` (default: rows read).

        Parameters
        ----------
        check : str
            The finding's key (a key of the sentence templates, or ``empty cells in <col>``).
        count : int
            Rows, cells or columns concerned.
        note : str
            Details in English: column names, example rows, the reason.
        total : int, optional
            What the share is taken of (default: rows read).
        share : bool
            False for counts of columns or cells, which have no share of rows.
        note_de : str, optional
            The note in German, when it holds words and not only names and values; the
            German sentence falls back to `note`.
        """
        total = total if total is not None else (self.rows_read or self.rows)
        share = ((count / total) if total else 0.0) if share else None
        issue = {"check": check, "count": int(count), "share": share, "note": note}
        if note_de is not None:
            issue["note_de"] = note_de
        self.issues.append(issue)

    def count(self, check: str) -> int:
        """The count recorded for `check` (0 when it was not found)."""
        return sum(issue["count"] for issue in self.issues if issue["check"] == check)

    @property
    def duplicate_rows(self) -> int:
        return self.count("exact duplicate rows")

    @property
    def duplicate_keys(self) -> int:
        return self.count("duplicate keys")

    @property
    def nulls(self) -> dict[str, int]:
        """Empty cells per optional column."""
        prefix = "empty cells in "
        return {
            i["check"][len(prefix) :]: i["count"]
            for i in self.issues
            if i["check"].startswith(prefix)
        }

    def _format_facts(self) -> list[dict[str, Any]]:
        facts = [
            {
                "check": "rows loaded",
                "count": self.rows,
                "share": (self.rows / self.rows_read) if self.rows_read else 1.0,
                "note": f"of {self.rows_read:,} read",
            }
        ]
        if self.engine:
            read = f"table {self.source_table}" if self.source_table else "a query"
            how = "checked in the engine" if self.in_engine else "collected"
            note = f"{self.engine}, {read if self.source_table or self.query else 'a frame'}, {how}"
            facts.append({"check": "engine", "count": None, "share": None, "note": note})
        if self.encoding or self.separator:
            sep = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
                self.separator or "", self.separator
            )
            note = f"encoding {self.encoding}, separator {sep}" + (
                ", decimal comma" if self.decimal_comma else ""
            )
            facts.append({"check": "file format", "count": None, "share": None, "note": note})
        if self.date_formats:
            note = ", ".join(f"{c}: {f}" for c, f in self.date_formats.items())
            facts.append({"check": "date formats", "count": None, "share": None, "note": note})
        if self.currency_signs:
            note = ", ".join(f"{c}: {sign}" for c, sign in self.currency_signs.items())
            facts.append({"check": "currency signs", "count": None, "share": None, "note": note})
        if self.layout:
            note = ", ".join(f"{k}={v!r}" for k, v in self.layout.items())
            facts.append({"check": "file layout", "count": None, "share": None, "note": note})
        if self.column_mapping:
            note = ", ".join(f"{u} → {c}" for u, c in self.column_mapping.items())
            facts.append(
                {
                    "check": "column mapping",
                    "count": len(self.column_mapping),
                    "share": None,
                    "note": note,
                }
            )
        return facts

    def to_frame(self) -> pl.DataFrame:
        """One row per fact and finding: check, count, share, note."""
        rows = self._format_facts() + [_public(issue) for issue in self.issues]
        return pl.DataFrame(
            rows,
            schema={"check": pl.String, "count": pl.Int64, "share": pl.Float64, "note": pl.String},
            orient="row",
        )

    def _cells(self) -> list[tuple[str, str, str, str]]:
        cells = []
        for row in self.to_frame().iter_rows(named=True):
            count = "" if row["count"] is None else f"{row['count']:,}"
            share = "" if row["share"] is None else percent(row["share"])
            cells.append((row["check"], count, share, row["note"] or ""))
        return cells

    def to_markdown(self) -> str:
        """The summary as a markdown table (for reports and the CLI)."""
        lines = [
            f"**Data quality: {self.table}** from `{self.source}`",
            "",
            "| check | count | share | note |",
            "|---|---:|---:|---|",
        ]
        lines += [
            f"| {c} | {n} | {s} | {note.replace('|', '/')} |" for c, n, s, note in self._cells()
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("check", "count", "share", "note"))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in cells) + "</tr>"
            for cells in self._cells()
        )
        table, source = html.escape(self.table), html.escape(self.source)
        title = f"<p><b>Data quality: {table}</b> from <code>{source}</code></p>"
        return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __str__(self) -> str:
        return self.to_markdown()

    def _sentence(self, issue: dict[str, Any], language: str = "en") -> str:
        if language == "de":
            return _german_sentence(issue, self.rows_read or self.rows)
        total = self.rows_read or self.rows
        share = percent(issue["share"]) if issue["share"] is not None else ""
        template = _SENTENCES.get(issue["check"])
        if template is None and issue["check"].startswith(_EMPTY_CELLS):
            column = issue["check"].removeprefix(_EMPTY_CELLS)
            template = _EMPTY_CELLS_SENTENCE["en"].format(column=column)
        if template is None:
            template = _OTHER_SENTENCE["en"]
        return template.format(
            count=issue["count"], total=total, share=share, note=issue["note"], check=issue["check"]
        ).strip()

    def explain(self, language: str = "en") -> list[str]:
        """One plain sentence per finding; a clean load says so.

        Parameters
        ----------
        language : {"en", "de"}
            Language and number format of the sentences.

        Returns
        -------
        list of str
            One sentence per finding, in the order they were found.

        Examples
        --------
        >>> quality = DataQuality("orders.csv", "orders", rows=1200, rows_read=1200)
        >>> quality.add("exact duplicate rows", 150, "identical rows kept")
        >>> quality.explain(language="de")[0][:48]
        '150 von 1.200 Zeilen (12,5 %) wiederholen eine f'
        """
        _check_language(language)
        sentences = [self._sentence(issue, language) for issue in self.issues]
        if not sentences:
            rows = formatting.count(self.rows, "de") if language == "de" else self.rows
            sentences.append(_CLEAN_SENTENCE[language].format(rows=rows, table=self.table))
        return sentences

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """JSON-safe summary for report manifests; each issue carries its plain sentence.

        Parameters
        ----------
        language : {"en", "de"}
            Language of the issues' ``message`` (the report's language).

        Returns
        -------
        dict
            Facts of the load, and ``issues`` with check, count, share, note and message.
        """
        _check_language(language)
        return {
            "source": self.source,
            "table": self.table,
            "rows": self.rows,
            "rows_read": self.rows_read,
            "rows_removed": self.rows_read - self.rows,
            "encoding": self.encoding,
            "separator": self.separator,
            "decimal_comma": self.decimal_comma,
            "date_formats": dict(self.date_formats),
            "column_mapping": dict(self.column_mapping),
            "pii_found": dict(self.pii_found),
            "pii_removed": list(self.pii_removed),
            "pii_masked": dict(self.pii_masked),
            "out_of_range_dates": self.out_of_range_dates,
            "currency_signs": dict(self.currency_signs),
            "layout": dict(self.layout),
            "engine": self.engine,
            "source_table": self.source_table,
            "query": self.query,
            "in_engine": self.in_engine,
            "issues": [
                _public(issue) | {"message": self._sentence(issue, language)}
                for issue in self.issues
            ],
        }


def german_window(start: Any, end: Any, *, start_time: bool = True) -> str:
    """A date window in German notes: '01.01.1990 bis 01.07.2026 23:59'.

    Examples
    --------
    >>> import datetime as dt
    >>> german_window(dt.datetime(1990, 1, 1), dt.datetime(2026, 7, 1, 23, 59), start_time=False)
    '01.01.1990 bis 01.07.2026 23:59'
    """
    first = f"{start:%d.%m.%Y %H:%M}" if start_time else f"{start:%d.%m.%Y}"
    return f"{first} bis {end:%d.%m.%Y %H:%M}"


def german_day(iso: str | None) -> str:
    """An ISO day ('2026-07-01', as example rows show it) the German way: '01.07.2026'.

    Examples
    --------
    >>> german_day("1900-01-01"), german_day(None)
    ('01.01.1900', 'None')
    """
    text = str(iso)
    if len(text) == 10 and text[4] == text[7] == "-":
        return f"{text[8:10]}.{text[5:7]}.{text[:4]}"
    return text


def _public(issue: dict[str, Any]) -> dict[str, Any]:
    """An issue as tables and manifests show it: check, count, share and the English note."""
    return {key: value for key, value in issue.items() if key != "note_de"}


def _check_language(language: str) -> None:
    if language not in ("en", "de"):
        from mkt_engineering.errors import ParameterError

        raise ParameterError(f"language must be 'en' or 'de', got {language!r}")


def _german_sentence(issue: dict[str, Any], total: int) -> str:
    """The German sentence of one finding, numbers written the German way."""
    check = issue["check"]
    template = _SENTENCES_DE.get(check)
    if template is None and check.startswith(_EMPTY_CELLS):
        template = _EMPTY_CELLS_SENTENCE["de"].format(column=check.removeprefix(_EMPTY_CELLS))
    share = issue["share"]
    return (
        (template or _OTHER_SENTENCE["de"])
        .format(
            count=formatting.count(issue["count"], "de"),
            total=formatting.count(total, "de"),
            share="" if share is None else formatting.percent(share, 1, "de"),
            note=issue.get("note_de", issue["note"]),
            check=check,
        )
        .strip()
    )


def count_duplicates(frame: pl.DataFrame, key: tuple[str, ...], quality: DataQuality) -> None:
    """Count exact duplicate rows and rows repeating `key` into `quality`, without sorting.

    Rows are hashed (64-bit; a chance collision among 10 million rows has odds of about
    one in 370,000) and distinct hashes counted. The key is hashed first: rows can only be
    exact duplicates if their keys repeat, so the full rows are hashed only for those.

    Examples
    --------
    >>> quality = DataQuality("x", "orders", rows=4, rows_read=4)
    >>> frame = pl.DataFrame({"order_id": ["o1", "o1", "o1", "o2"], "revenue": [5, 5, 7, 1]})
    >>> count_duplicates(frame, ("order_id",), quality)
    >>> quality.duplicate_rows, quality.duplicate_keys
    (1, 1)
    """
    if frame.height < 2:
        return
    key = [c for c in key if c in frame.columns]
    if not key or len(key) == frame.width:
        distinct = frame.hash_rows().unique().len()
        if frame.height - distinct:
            quality.add(
                "exact duplicate rows",
                frame.height - distinct,
                "identical rows kept; check whether the export repeats them",
            )
        return
    key_hash = frame.select(key).hash_rows()
    repeated_keys = frame.height - key_hash.unique().len()
    if not repeated_keys:
        return
    suspects = frame.filter(key_hash.is_duplicated())
    exact = suspects.height - suspects.hash_rows().unique().len()
    if exact:
        quality.add(
            "exact duplicate rows",
            exact,
            "identical rows kept; check whether the export repeats them",
        )
    if repeated_keys - exact > 0:
        quality.add(
            "duplicate keys",
            repeated_keys - exact,
            f"same {' + '.join(key)}, other values differ",
            note_de=f"gleiche {' + '.join(key)}, andere Werte verschieden",
        )
