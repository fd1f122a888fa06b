"""The loader's contract checks as aggregate queries in the engine that holds the table.

:class:`Checks` builds one row mask per check (in the file loader's order), :func:`counts`
counts them all in one aggregate pass, and a refusal fetches its first offending rows
with a LIMIT query (:func:`examples`) for the file loader's message. Nothing collects
the table.

Examples
--------
>>> import duckdb
>>> import narwhals as nw
>>> relation = duckdb.sql("select * from (values (1.0), ('nan'::double), (null)) t(x)")
>>> counts(relation, {"not finite": ~nw.col("x").is_finite()})
{'__rows': 3, 'not finite': 1}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import polars as pl

from mkt_engineering import formats, privacy
from mkt_engineering import load_rules as rules
from mkt_engineering.engines import frames
from mkt_engineering.engines.convert import GERMAN, ISO, OTHER, RAW
from mkt_engineering.quality import DataQuality, german_day, german_window
from mkt_engineering.schemas import EARLIEST_DATE, FUTURE_SLACK, MOST_ROWS, Contract


def flag(mask: nw.Expr) -> nw.Expr:
    """A row mask as 0/1, NULL counted as 0, ready to be summed."""
    return mask.fill_null(False).cast(nw.Int64)


def counts(typed: Any, masks: dict[str, nw.Expr]) -> dict[str, int]:
    """Every mask's number of rows in one aggregate query (one pass over the table)."""
    exprs = [nw.len().alias("__rows")] + [flag(m).sum().alias(n) for n, m in masks.items()]
    row = frames.to_polars(frames.lazy(typed).select(exprs)).row(0, named=True)
    return {name: int(value or 0) for name, value in row.items()}


def examples(
    typed: Any, mask: nw.Expr, value: nw.Expr, column: str, keys: list[str], limit: int = 5
) -> tuple[list[str], list[str | None]]:
    """The first `limit` rows where `mask` holds: who they are (their key) and the value.

    Rows in an engine have no line numbers, so a row is named by its key columns
    ("row with customer_id 'c2'"), leaving out the `column` at fault.
    """
    keys = [k for k in keys if k != column]
    shown = frames.lazy(typed).filter(mask.fill_null(False))
    rows = frames.to_polars(shown.select(*keys, value.alias("__value")).head(limit))
    where = [
        "row with " + ", ".join(f"{k} {v!r}" for k, v in zip(keys, r[:-1], strict=True))
        if keys
        else "row"
        for r in rows.iter_rows()
    ]
    return where, rows.get_column("__value").to_list()


def consent_granted(name: str, dtype: Any) -> nw.Expr:
    """The engine's form of :func:`mkt_engineering.privacy.consent_mask`."""
    if dtype == nw.Boolean:
        return nw.col(name).fill_null(False)
    text = nw.col(name).cast(nw.String).str.strip_chars().str.to_lowercase()
    return text.is_in(list(privacy.CONSENT_TRUE)).fill_null(False)


def outside_dates(name: str, latest: dt.datetime, earliest: dt.datetime) -> nw.Expr:
    """Dates before `earliest` or after `latest` (NULL is not outside)."""
    values = nw.col(name).cast(nw.Datetime("us"))
    return ((values < earliest) | (values > latest)).fill_null(False)


def sample(native: Any, rows: int = privacy.SAMPLE_ROWS) -> pl.DataFrame:
    """The first rows of the table, to judge personal data by their values (a LIMIT query)."""
    return frames.to_polars(frames.lazy(native).head(rows))


@dataclass
class Checks:
    """The masks of one load, in the file loader's order, and what follows from their counts."""

    contract: Contract
    typed: nw.LazyFrame
    mapped: dict[str, str]  # source name -> name in the typed frame
    extras: list[str]
    consent: str | None
    options: dict[str, Any]
    label: str
    other_family: dict[str, str]  # text date column -> the family of its twin parse
    steps: dict[str, nw.Expr] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.schema = self.typed.collect_schema()
        self.present = [c for c in self.contract.columns if c.name in self.schema.names()]
        self.user = {m: u for u, m in self.mapped.items()}
        export = self.options["as_of"]
        export = (
            dt.datetime.now()
            if export is None
            else rules.date_bound(export, end=True, what="as_of")
        )
        self.latest = export + FUTURE_SLACK
        self.window = f"{EARLIEST_DATE:%Y-%m-%d} to {self.latest:%Y-%m-%d %H:%M}"
        self.window_de = german_window(EARLIEST_DATE, self.latest, start_time=False)
        looked_at = [RAW + c.name for c in self.present] + self.extras
        looked_at += [self.consent] if self.consent else []
        self.blank = nw.all_horizontal(
            *[nw.col(c).is_null() for c in looked_at], ignore_nulls=False
        )
        self.granted = (
            consent_granted(self.consent, self.schema[self.consent])
            if self.consent
            else nw.lit(True)
        )
        self.keep = ~self.blank & self.granted
        self.keys = [c for c in (*rules.PERSON_IDS, *self.contract.key) if c in self.schema.names()]
        self.keys = list(dict.fromkeys(self.keys))

    def masks(self) -> dict[str, nw.Expr]:
        """Every row mask to count, named check|column."""
        keep, steps = self.keep, {"blank": self.blank}
        if self.consent:
            steps["no_consent"] = ~self.blank & ~self.granted
        for column in self.present:
            value, raw = nw.col(column.name), nw.col(RAW + column.name)
            present = ~raw.is_null()
            if self.schema[RAW + column.name] == nw.String:
                present = present & (raw.str.len_chars() > 0)
            if column.name in self.other_family:  # parses only in the other family
                twin = nw.col(OTHER + column.name)
                steps[f"mixed|{column.name}"] = keep & value.is_null() & ~twin.is_null()
            if column.dtype == "float":
                steps[f"finite|{column.name}"] = keep & ~value.is_finite()
            steps[f"unreadable|{column.name}"] = keep & present & value.is_null()
            if not column.allows_null:
                steps[f"empty|{column.name}"] = keep & value.is_null()
            if column.minimum is not None:
                steps[f"below|{column.name}"] = keep & (value < column.minimum)
            if column.allowed is not None:
                allowed = ~value.is_null() & ~value.is_in(list(column.allowed))
                steps[f"allowed|{column.name}"] = keep & allowed
            if not column.required:
                steps[f"nulls|{column.name}"] = keep & value.is_null()
        for extra in self.extras:
            if self.schema[extra].is_float():
                steps[f"finite|{extra}"] = keep & ~nw.col(extra).is_finite()
            if self.schema[extra] == nw.String:
                steps[f"email|{extra}"] = nw.col(extra).str.contains("@")
        for column in self.present:
            if column.dtype in ("date", "datetime"):
                steps[f"before|{column.name}"] = keep
                out = keep & outside_dates(column.name, self.latest, EARLIEST_DATE)
                steps[f"dates|{column.name}"] = out
                keep = keep & ~out
        date_range, date_column = self.options["date_range"], self.contract.date_column
        if date_range is not None and date_column in self.schema.names():
            start = rules.date_bound(date_range[0], end=False)
            end = rules.date_bound(date_range[1], end=True)
            self.range_note = f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}"
            self.range_note_de = german_window(start, end)
            inside = nw.col(date_column).cast(nw.Datetime("us")).is_between(start, end)
            steps["range"] = keep & ~inside.fill_null(False)
            keep = keep & inside.fill_null(False)
        self.final, self.steps = keep, steps
        return steps

    def _refusal(
        self, check: str, name: str, counted: dict[str, int], texts: tuple[str, str, str]
    ) -> Exception:
        """The error for `check` on column `name`, quoting its first offending rows."""
        mask = self.steps[f"{check}|{name}"]
        value = nw.col(RAW + name if RAW + name in self.schema.names() else name)
        where, values = examples(self.typed, mask, value.cast(nw.String), name, self.keys)
        total = counted[f"{check}|{name}"]
        failure = rules.Failure(
            self.label, self.user.get(name, name), name, texts[0], total, where, values
        )
        return failure.error(texts[1], texts[2])

    def refuse(self, counted: dict[str, int]) -> None:
        """Raise the file loader's first error, in its order of"""
        for column in self.present:
            for check in ("mixed", "finite", "unreadable", "empty", "below", "allowed"):
                if not counted.get(f"{check}|{column.name}"):
                    continue
                if check == "mixed":
                    texts = self._mixed(column)
                elif check == "finite":
                    texts = rules.NOT_FINITE
                elif check == "allowed":
                    texts = rules.not_allowed(column, self._allowed_pairs(column.name))
                else:
                    texts = rules.refusal(check, column)
                raise self._refusal(check, column.name, counted, texts)
        for extra in self.extras:
            if counted.get(f"finite|{extra}"):
                raise self._refusal("finite", extra, counted, rules.NOT_FINITE)
        for column in self.present:
            out = counted.get(f"dates|{column.name}", 0)
            refused = self.contract.out_of_range_dates == "refuse"
            if out and (refused or out > MOST_ROWS * counted[f"before|{column.name}"]):
                why = (
                    f"the {self.contract.name} contract refuses such rows"
                    if refused
                    else "that is most of the rows, so the dates are probably misread"
                )
                texts = rules.refusal("dates", column, why, self.window)
                mask = self.steps[f"dates|{column.name}"]
                shown = nw.col(column.name).cast(nw.Datetime("us")).cast(nw.String)
                where, values = examples(self.typed, mask, shown, column.name, self.keys)
                failure = rules.Failure(
                    self.label, self.user.get(column.name, column.name), column.name,
                    texts[0], out, where, values,
                )  # fmt: skip
                raise failure.error(texts[1], texts[2])

    def _mixed(self, column) -> tuple[str, str, str]:
        """The file loader's texts for dates in two formats, naming the first stray one."""
        mask = self.steps[f"mixed|{column.name}"]
        raw = nw.col(RAW + column.name).cast(nw.String)
        _, values = examples(self.typed, mask, raw, column.name, [], limit=1)
        family = formats.family_of(str(values[0]).strip())
        return rules.refusal("mixed", column, self.facts_family(column.name), family)

    def facts_family(self, name: str) -> str:
        """The format family a text date column starts with (its twin parses the other)."""
        return GERMAN if self.other_family[name] == ISO else ISO

    def _allowed_pairs(self, name: str) -> pl.DataFrame:
        """Up to eight distinct values outside the allowed list, with their raw text."""
        bad = frames.lazy(self.typed).filter(self.steps[f"allowed|{name}"].fill_null(False))
        pairs = bad.select(
            nw.col(RAW + name).cast(nw.String).alias("raw"), nw.col(name).alias("value")
        ).unique(["value"], keep="any")
        return frames.to_polars(pairs.sort("value").head(8)).select("raw", "value")

    def record(self, counted: dict[str, int], quality: DataQuality) -> nw.LazyFrame:
        """Fill in the quality summary as the file loader does; return the cleaned frame."""
        quality.rows_read = rows = counted["__rows"]
        for column in self.present:
            if counted.get(f"nulls|{column.name}"):
                quality.add(
                    f"empty cells in {column.name}",
                    counted[f"nulls|{column.name}"],
                    "optional column; empty means unknown",
                )
        removed = 0
        if counted["blank"]:
            quality.add("empty rows removed", counted["blank"], "blank lines or rows in the source")
            removed += counted["blank"]
        if self.consent:
            quality.consent_removed = counted["no_consent"]
            quality.add("rows without consent removed", counted["no_consent"], self.consent)
            removed += counted["no_consent"]
        for column in self.present:
            out = counted.get(f"dates|{column.name}", 0)
            if out:
                quality.out_of_range_dates += out
                note, note_de = self._date_notes(column.name)
                quality.add("rows with impossible dates removed", out, note, note_de=note_de)
                removed += out
        if counted.get("range"):
            quality.outside_date_range = counted["range"]
            quality.add(
                "rows outside date range",
                counted["range"],
                self.range_note,
                note_de=self.range_note_de,
            )
            removed += counted["range"]
        kept = self._kept_extras(counted, quality)
        clean = frames.lazy(self.typed).filter(self.final.fill_null(False))
        clean = clean.select(*[c.name for c in self.present], *kept)
        if self.options["count_duplicates"]:
            _engine_duplicates(clean, self.contract.key, rows - removed, quality)
        quality.rows = rows - removed
        return clean

    def _date_notes(self, name: str) -> tuple[str, str]:
        """The note on rows with impossible dates, in English and German."""
        mask = self.steps[f"dates|{name}"]
        shown = nw.col(name).cast(nw.Datetime("us")).cast(nw.String).str.slice(0, 10)
        where, values = examples(self.typed, mask, shown, name, self.keys)
        pairs = list(zip(where, values, strict=True))
        user = self.user.get(name, name)
        english = ", ".join(f"{w}: {v}" for w, v in pairs)
        # "row with order_id 'o1'" names the row by its key: only the words change
        german = ", ".join(
            f"{'Zeile' + w.removeprefix('row').replace('with', 'mit', 1)}: {german_day(v)}"
            for w, v in pairs
        )
        return (
            f"{user} outside {self.window}; {english}",
            f"{user} außerhalb {self.window_de}; {german}",
        )

    def _kept_extras(self, counted: dict[str, int], quality: DataQuality) -> list[str]:
        """Extra columns to keep: numbers, yes/no and dates; an experiment's text segments."""
        with_email = [e for e in self.extras if counted.get(f"email|{e}")]
        if with_email:
            quality.pii_removed = quality.pii_removed + with_email
            quality.add("pii columns removed", len(with_email), ", ".join(with_email), share=False)
        text = [e for e in self.extras if self.schema[e] == nw.String and e not in with_email]
        segments = self.contract.name == "experiment"
        left = [] if segments else text
        kept = [e for e in self.extras if e not in with_email and e not in left]
        if self.consent and self.consent not in self.contract.names:
            kept.append(self.consent)  # as in files, where it is an extra column too
        if left:
            quality.add(
                "extra text columns left in the engine", len(left), ", ".join(left), share=False
            )
        if kept:
            quality.add("extra columns kept", len(kept), ", ".join(kept), share=False)
        return kept

    def without_consent(self) -> pl.Series | None:
        """The distinct person ids of rows without consent (a small query; None without consent)."""
        person = next((c for c in rules.PERSON_IDS if c in self.schema.names()), None)
        if self.consent is None or person is None:
            return None
        ids = frames.lazy(self.typed).filter(~self.granted).select(nw.col(person).cast(nw.String))
        ids = ids.filter(~nw.col(person).is_null()).unique()
        return frames.to_polars(ids).get_column(person)


def _engine_duplicates(
    clean: nw.LazyFrame, key: tuple[str, ...], rows: int, quality: DataQuality
) -> None:
    """Exact duplicate rows and repeated keys, counted with DISTINCT in the engine.

    The same counts as :func:`mkt_engineering.quality.count_duplicates`: rows that repeat
    exactly also repeat their key, so exact = rows - distinct rows, and the key repeats
    that are not exact duplicates are rows - distinct keys - exact.
    """
    if rows < 2:
        return
    names = clean.collect_schema().names()
    key = [c for c in key if c in names]

    def distinct(frame: nw.LazyFrame) -> int:
        return int(frames.to_polars(frame.unique().select(nw.len())).item())

    by_key = key and len(key) < len(names)
    repeated = rows - distinct(clean.select(key)) if by_key else None
    if repeated == 0:  # exact duplicates repeat their key too: none, so no full DISTINCT
        return
    exact = rows - distinct(clean)
    repeated = exact if repeated is None else repeated
    if exact:
        quality.add(
            "exact duplicate rows",
            exact,
            "identical rows kept; check whether the export repeats them",
        )
    if repeated - exact > 0:
        quality.add(
            "duplicate keys",
            repeated - exact,
            f"same {' + '.join(key)}, other values differ",
            note_de=f"gleiche {' + '.join(key)}, andere Werte verschieden",
        )
