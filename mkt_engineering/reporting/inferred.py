"""Settings a report infers from the data when the user left them empty, and says so.

A default that depends on the data (which variant is the control arm, where the model's
calibration period ends) is never a value from the demo: it is read from the user's data,
and the report states what it chose and how to change it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import narwhals as nw
import polars as pl

from mkt_engineering.engines.frames import columns, is_engine_frame, lazy, to_polars
from mkt_engineering.reporting.notebook import language
from mkt_engineering.text import markdown_literal

# Names that mark the control arm (compared case-insensitively).
CONTROL_NAMES = ("control", "baseline", "original", "a", "kontrolle", "kontrollgruppe")


def variants_in(frame: Any, variant_column: str) -> list[str]:
    """The distinct arms in ``variant_column``, missing values left out.

    A polars frame keeps the order of first appearance. A table in a database engine has no
    row order, so its arms come sorted by name (and the control note says "first by name").

    Examples
    --------
    >>> variants_in(pl.DataFrame({"variant": ["B", None, "A", "B"]}), "variant")
    ['B', 'A']
    """
    if not is_engine_frame(frame):
        values = frame[variant_column] if isinstance(frame, pl.DataFrame) else None
        if values is None:
            values = frame.select(variant_column).collect().to_series()
        return values.drop_nulls().cast(pl.String).unique(maintain_order=True).to_list()
    arms = (
        lazy(frame)
        .select(nw.col(variant_column).cast(nw.String))
        .drop_nulls()
        .unique()
        .sort(variant_column)
    )
    return to_polars(arms).to_series().to_list()


def control_arm(frame: Any, variant_column: str, given: str = "") -> tuple[str, str]:
    """The control arm: `given`, else the one variant named like a control, else the first.

    Parameters
    ----------
    frame : polars frame, DuckDB relation or Spark DataFrame
        One row per unit (or per variant), with `variant_column`.
    variant_column : str
        The column holding each unit's arm.
    given : str
        The user's choice; "" = infer it.

    Returns
    -------
    tuple of (str, str)
        The control arm and a Markdown sentence saying how it was chosen ("" when given,
        or when the column is missing: the analysis names that problem itself).

    Examples
    --------
    >>> units = pl.DataFrame({"variant": ["B", "A", "B"]})
    >>> control_arm(units, "variant")
    ('A', "Control: 'A' (the variant named like a control arm; set `-p control NAME` to change).")
    >>> control_arm(pl.DataFrame({"variant": ["new", "old"]}), "variant")[0]
    'new'
    >>> control_arm(units, "variant", "B")
    ('B', '')
    """
    if given or variant_column not in columns(frame):
        return given, ""
    variants = variants_in(frame, variant_column)
    if not variants:
        return given, ""
    named = [name for name in variants if name.strip().lower() in CONTROL_NAMES]
    german = language() == "de"
    if len(named) == 1:
        chosen = named[0]
        why = (
            "die Variante mit dem Namen einer Kontrollgruppe"
            if german
            else "the variant named like a control arm"
        )
    else:
        chosen = variants[0]
        if is_engine_frame(frame):  # a database table has no row order
            why = "die erste Variante nach Namen" if german else "the first variant by name"
        else:
            why = "die erste Variante in den Daten" if german else "the first variant in the data"
    if german:
        return chosen, (
            f"Kontrollgruppe: '{markdown_literal(chosen)}' ({why}; mit `-p control NAME` ändern)."
        )
    return (
        chosen,
        f"Control: '{markdown_literal(chosen)}' ({why}; set `-p control NAME` to change).",
    )


def calibration_note(cut: dt.date, given: str) -> str:
    """The sentence stating where the calibration period ends when it was inferred.

    Examples
    --------
    >>> print(calibration_note(dt.date(2025, 6, 30), ""))  # doctest: +NORMALIZE_WHITESPACE
    Calibration end: 30 Jun 2025 (the end of the month six months before the data end;
    set `-p calibration_end YYYY-MM-DD` to change).
    >>> calibration_note(dt.date(2025, 6, 30), "2025-06-30")
    ''
    """
    if given:
        return ""
    if language() == "de":
        return (
            f"Ende der Kalibrierung: {cut:%d.%m.%Y} (Monatsende sechs Monate vor dem Datenende; "
            "mit `-p calibration_end JJJJ-MM-TT` ändern)."
        )
    return (
        f"Calibration end: {cut:%d %b %Y} (the end of the month six months before the data end; "
        "set `-p calibration_end YYYY-MM-DD` to change)."
    )
