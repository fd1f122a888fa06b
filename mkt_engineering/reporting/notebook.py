"""PLACEHOLDER notebook-side reporting API; the report pipeline replaces the bodies."""

from __future__ import annotations

from typing import Any

import polars as pl

from mkt_engineering.charts.theme import use_theme


def setup_notebook(language: str = "en") -> None:
    use_theme(language)  # type: ignore[arg-type]


def show_quality(quality: Any) -> None:
    print(quality)


def save_table(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame


def set_headline(text: str) -> str:
    return text
