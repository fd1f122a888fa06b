"""What the data-overview report shows: which tables exist and what is in each.

No raw values of text columns are shown (they can hold e-mail addresses or names); text
columns are described by how many values are filled and distinct.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from mkt_engineering.charts.overview import (
    binned_chart,
    category_counts,
    histogram,
    rows_over_time,
    value_counts_chart,
    weekly_rows_chart,
)
from mkt_engineering.engines import overview as in_engine
from mkt_engineering.engines.frames import is_engine_frame
from mkt_engineering.formatting import date, number
from mkt_engineering.paths import DATASETS_DIR
from mkt_engineering.reporting.redact import looks_like_email_column
from mkt_engineering.schemas import CONTRACTS
from mkt_engineering.text import markdown_literal

TEMPORAL = (pl.Date, pl.Datetime)


@dataclass
class TableFile:
    """One file to summarise: its name in the report, its path and its contract (if any)."""

    name: str
    path: Path | str  # a file, or a source URI kept as text (a Path would fold its "//")
    contract: str | None

    @property
    def file_name(self) -> str:
        """The file's name, or the source's short name without folders or secrets."""
        if isinstance(self.path, Path):
            return self.path.name
        from mkt_engineering.sources import display_name

        return display_name(self.path)


def demo_tables(datasets_dir: Path = DATASETS_DIR) -> list[TableFile]:
    """Every demo table that exists: ``datasets/<family>/<table>.csv``.

    Examples
    --------
    >>> demo_tables(Path("/nonexistent"))
    []
    """
    files = sorted(Path(datasets_dir).glob("*/*.csv"))
    return [
        TableFile(f"{p.parent.name}/{p.stem}", p, p.stem if p.stem in CONTRACTS else None)
        for p in files
    ]


def given_tables(files: dict[str, str | None]) -> list[TableFile]:
    """Tables the user named (``touchpoints_file="export.csv"`` -> contract touchpoints)."""
    from mkt_engineering.sources import is_source_uri

    tables = []
    for parameter, value in files.items():
        if value:
            name = parameter.removesuffix("_file")
            source = value if is_source_uri(value) else Path(value)
            tables.append(TableFile(name, source, name if name in CONTRACTS else None))
    return tables


def mapping_for(path: Path, columns: dict[str, str], layout: Any = None) -> dict[str, str]:
    """The part of a column mapping whose user columns appear in this file's header.

    The header is sniffed as the loader reads it (separator, title line, `layout`).
    """
    if not columns:
        return {}
    header = list(columns)
    if isinstance(path, Path) and path.suffix == ".csv":
        from mkt_engineering import formats
        from mkt_engineering.layout import Layout

        try:
            header = formats.sniff_file(path, Layout.from_value(layout)).header
        except Exception:  # noqa: BLE001 - load_table reads the file again and explains it
            header = list(columns)
    return {user: canonical for user, canonical in columns.items() if user in header}


def _is_categorical(series: pl.Series) -> bool:
    if series.dtype not in (pl.String, pl.Categorical, pl.Enum, pl.Boolean):
        return False
    distinct = series.n_unique()
    sample = series.drop_nulls().head(200).to_list()
    return 1 < distinct <= 30 and not looks_like_email_column(sample)


def profile(frame: Any) -> pl.DataFrame:
    """One row per column: type, filled, empty, distinct, and smallest/largest.

    Smallest and largest are given for numbers and dates.

    Examples
    --------
    >>> frame = pl.DataFrame({"a": [1, None, 3], "b": ["x", "y", "y"]})
    >>> profile(frame).to_dicts()[0]  # doctest: +NORMALIZE_WHITESPACE
    {'column': 'a', 'type': 'whole number', 'filled': 2, 'empty': 1, 'distinct': 3,
     'smallest': '1', 'largest': '3'}
    """
    # One aggregate query, the same for a polars frame and a table in its engine.
    return in_engine.table_profile(frame)


def date_range(frame: pl.DataFrame) -> tuple[str | None, Any, Any]:
    """(column, first, last) of the first date/time column; (None, None, None) if there is none."""
    if is_engine_frame(frame):
        column = in_engine.first_date_column(frame)
        return (column, *in_engine.first_and_last(frame, column)) if column else (None,) * 3
    column = next(
        (name for name, dtype in frame.schema.items() if isinstance(dtype, TEMPORAL)), None
    )
    if column is None:
        return None, None, None
    return column, frame.get_column(column).min(), frame.get_column(column).max()


def overview_chart(frame: pl.DataFrame, title: str) -> alt.Chart | None:
    """The most telling single chart for a table: rows over time, else a category, else a number."""
    if is_engine_frame(frame):
        return _engine_chart(frame, title)
    column, _, _ = date_range(frame)
    if column is not None:
        return rows_over_time(frame, column, title)  # per day, week or month
    category = next(
        (name for name in frame.columns if _is_categorical(frame.get_column(name))), None
    )
    if category is not None:
        return category_counts(frame, category, f"{title}: rows per {category}")
    number = next((name for name, dtype in frame.schema.items() if dtype.is_numeric()), None)
    if number is not None:
        return histogram(frame, number, f"{title}: distribution of {number}")
    return None


def _engine_chart(frame: Any, title: str) -> alt.Chart | None:
    """`overview_chart` for a table in its engine: the counts are made there."""
    column = in_engine.first_date_column(frame)
    if column is not None:
        counts = in_engine.rows_per_week(frame, column)
        # weeks the data's first and last moments cut are marked, as `rows_over_time` does
        first, last = in_engine.cut_weeks_range(frame, column)
        return weekly_rows_chart(counts, f"{title}: rows per week", first=first, last=last)
    table = in_engine.table_profile(frame)
    for row in table.iter_rows(named=True):
        if row["type"] in ("text", "yes/no") and 1 < row["distinct"] <= 30:
            if not looks_like_email_column(in_engine.sample_values(frame, row["column"])):
                name = row["column"]
                counts = in_engine.rows_per_value(frame, name)
                return value_counts_chart(counts, name, f"{title}: rows per {name}")
    number = next((r["column"] for r in table.iter_rows(named=True) if "number" in r["type"]), None)
    if number is not None:
        counts = in_engine.histogram_counts(frame, number)
        return binned_chart(counts, number, f"{title}: distribution of {number}")
    return None


def shape(frame: Any) -> tuple[int, int]:
    """(rows, columns) of a polars frame or of a table in its engine (counted there)."""
    if is_engine_frame(frame):
        return in_engine.table_shape(frame)
    return frame.height, frame.width


def summary_row(table: TableFile, frame: pl.DataFrame) -> dict[str, Any]:
    column, first, last = date_range(frame)
    rows, width = shape(frame)
    return {
        "table": table.name,
        "contract": table.contract or "(none)",
        "rows": rows,
        "columns": width,
        "date_column": column,
        "first": str(first) if first is not None else None,
        "last": str(last) if last is not None else None,
    }


def describe(table: TableFile, frame: pl.DataFrame, language: str = "en") -> str:
    """One plain-language sentence about a table (markdown; file and column names literal).

    ``language="de"`` gives the German sentence, with German numbers and dates.
    """
    column, first, last = date_range(frame)
    rows, width = shape(frame)
    name, file = markdown_literal(table.name), markdown_literal(table.file_name)
    dated = bool(column) and hasattr(first, "strftime")
    if language == "de":
        span = (
            f", datiert vom {date(first, 'de')} bis {date(last, 'de')} "
            f"(Spalte {markdown_literal(column)})"
            if dated
            else ""
        )
        contract = (
            f"geprüft gegen den Vertrag **{table.contract}**"
            if table.contract
            else "kein Datenvertrag, so gelesen, wie sie ist"
        )
        return (
            f"**{name}** ({file}): {number(rows, 0, 'de')} Zeilen und {width} Spalten{span}; "
            f"{contract}."
        )
    span = (
        f", dated {first:%Y-%m-%d} to {last:%Y-%m-%d} (column {markdown_literal(column)})"
        if dated
        else ""
    )
    contract = (
        f"checked against the **{table.contract}** contract"
        if table.contract
        else "no data contract, read as it is"
    )
    return f"**{name}** ({file}): {rows:,} rows and {width} columns{span}; {contract}."


def tables_line(tables: list[TableFile], language: str = "en") -> str:
    """The tables the overview reads, named: "3 table(s): orders, ..." / "3 Tabelle(n): ..."."""
    names = ", ".join(markdown_literal(table.name) for table in tables)
    return f"{len(tables)} {'Tabelle(n)' if language == 'de' else 'table(s)'}: {names}"


def unreadable_line(language: str = "en") -> str:
    """The bold line under a table whose file could not be read."""
    return (
        "**Diese Datei konnte nicht gelesen werden.**"
        if language == "de"
        else "**This file could not be read.**"
    )


def headline(summary: pl.DataFrame) -> str:
    """The overview's one line for the reports index."""
    if summary.is_empty():
        return "No tables found"
    firsts = summary.get_column("first").drop_nulls()
    lasts = summary.get_column("last").drop_nulls()
    span = f", {firsts.min()[:10]} to {lasts.max()[:10]}" if len(firsts) and len(lasts) else ""
    return f"{summary.height} tables, {summary.get_column('rows').sum():,} rows{span}"


def load(
    table: TableFile, columns: dict[str, str], layout: Any = None
) -> tuple[pl.DataFrame | None, Any, str | None]:
    """(frame, quality, problem) for one table; a file the loader rejects gives its message.

    Contract tables go through `mkt_engineering.io.load_table` (validation, PII removal).
    Other files (helper tables of the demo data) are read as they are, without e-mail columns.
    """
    from mkt_engineering.errors import DataValidationError, ParameterError
    from mkt_engineering.io import load_table

    if table.contract is None:
        frame = pl.read_csv(table.path, try_parse_dates=True, infer_schema_length=10_000)
        hidden = [
            name
            for name in frame.columns
            if looks_like_email_column(frame.get_column(name).head(200).to_list())
        ]
        issues = (
            [{"check": "e-mail columns left out", "count": len(hidden), "note": ", ".join(hidden)}]
            if hidden
            else []
        )
        quality = {
            "source": str(table.path),
            "table": table.name,
            "rows": frame.height,
            "issues": issues,
            "contract": "none (read as it is)",
        }
        return frame.drop(hidden), quality, None
    try:
        loaded = load_table(
            table.path,
            table=table.contract,
            columns=mapping_for(table.path, columns, layout),
            layout=layout,
        )
    except (DataValidationError, ParameterError) as exc:  # a bad layout option too
        return None, None, str(exc)
    return loaded.frame, loaded.quality, None


def require_readable(
    tables: list[TableFile], summaries: list[dict], problems: dict[str, str]
) -> None:
    """Fail the run when inputs were given and not one of them could be read.

    A report that says "No tables found" with status ok hides the real problem; the
    error names each input and why it could not be read.

    Parameters
    ----------
    tables : list of TableFile
        The tables the report tried.
    summaries : list of dict
        One summary per table that was read.
    problems : dict
        Table name -> the loader's message, for each table that could not be read.

    Raises
    ------
    DataValidationError
        When ``problems`` is not empty and ``summaries`` is.

    Examples
    --------
    >>> table = TableFile("orders", Path("orders.csv"), "orders")
    >>> require_readable(
    ...     [table], [], {"orders": "orders.csv: not a CSV file\\n(details)"}
    ... )  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.DataValidationError: data_overview: none of the 1 given input(s) could
    be read. orders (orders.csv): orders.csv: not a CSV file
    """
    from mkt_engineering.errors import DataValidationError

    if summaries or not problems:
        return
    paths = {table.name: table.file_name for table in tables}
    details = "; ".join(
        f"{name} ({paths.get(name, '?')}): {_first_line(problem)}"
        for name, problem in problems.items()
    )
    raise DataValidationError(
        f"data_overview: none of the {len(problems)} given input(s) could be read. {details}",
        source=", ".join(str(table.path) for table in tables),
        fix="Check that each file exists, is readable and is a table (CSV, Excel or Parquet); "
        "the reason for each file is given above.",
    )


def _first_line(text: str, limit: int = 300) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no reason given"
    return line if len(line) <= limit else line[: limit - 1] + "…"
