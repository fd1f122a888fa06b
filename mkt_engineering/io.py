"""Reading user files onto the data contracts.

PLACEHOLDER: the full loader (type coercion, German exports, validation, DataQuality)
replaces this. The interface below is fixed; analyses and notebooks rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from mkt_engineering.paths import resolve_input


@dataclass
class DataQuality:
    """Counts of everything the loader noticed but did not reject."""

    source: str
    table: str
    rows: int
    issues: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LoadResult:
    frame: pl.DataFrame
    quality: DataQuality


def load_table(source: str | Path | pl.DataFrame, table: str, columns: dict[str, str] | None = None, **options: Any) -> LoadResult:
    path = resolve_input(source) if not isinstance(source, pl.DataFrame) else None
    frame = source if path is None else pl.read_csv(path, try_parse_dates=True)
    if columns:
        frame = frame.rename(columns)
    return LoadResult(frame, DataQuality(str(path or "<frame>"), table, frame.height))


def read_table(source: str | Path | pl.DataFrame, table: str, columns: dict[str, str] | None = None, **options: Any) -> pl.DataFrame:
    return load_table(source, table, columns, **options).frame
