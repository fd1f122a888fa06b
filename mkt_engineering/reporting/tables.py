"""Result tables as files: CSV safe to open in a spreadsheet, plus Parquet with full types.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel and LibreOffice ("CSV injection"): a channel called
``=HYPERLINK("http://x","y")`` would become a live link. Such text cells get a leading
apostrophe, which spreadsheets show as plain text. Numbers are left alone, so ``-3.5`` stays a
number.

Examples
--------
>>> frame = pl.DataFrame({"channel": ['=HYPERLINK("http://x","y")', "search", "-x"], "value": [-1.5, 2.0, 3.0]})
>>> escape_formulas(frame).to_dicts()[0]
{'channel': '\\'=HYPERLINK("http://x","y")', 'value': -1.5}
>>> escape_formulas(frame)["channel"][2]
"'-x"
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical, pl.Enum)]
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    escaped = frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text_columns
    )
    # Lists and structs have no CSV form; their JSON text is escaped the same way.
    for name in nested:
        as_text = escaped[name].map_elements(_nested_text, return_dtype=pl.String)
        escaped = escaped.with_columns(
            pl.when(as_text.str.contains(FORMULA_START)).then(pl.lit("'") + as_text).otherwise(as_text).alias(name)
        )
    return escaped


def _nested_text(value: object) -> str:
    import json

    return json.dumps(value, default=str, ensure_ascii=False)


def safe_table_name(name: str) -> str:
    """A file-name-safe version of a table name (``Top channels`` -> ``Top_channels``)."""
    cleaned = SAFE_NAME.sub("_", name.strip()).strip("._")
    return cleaned or "table"


def write_table(frame: pl.DataFrame, folder: Path, name: str) -> list[Path]:
    """Write ``<name>.csv`` (formula-escaped) and ``<name>.parquet`` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_table_name(name)
    csv_path, parquet_path = folder / f"{stem}.csv", folder / f"{stem}.parquet"
    escape_formulas(frame).write_csv(csv_path)
    frame.write_parquet(parquet_path)
    return [csv_path, parquet_path]
