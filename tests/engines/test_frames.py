"""The shared helpers give the same answer on every engine."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from mkt_engineering.engines.frames import day_number, engine_name, is_engine_frame, lazy, to_polars


def test_day_number_equals_python_date_arithmetic_on_every_engine(engine, as_engine):
    days = [date(1990, 1, 1), date(2000, 2, 29), date(2000, 3, 1), date(2024, 12, 31)]
    frame = pl.DataFrame({"d": days, "t": [datetime(d.year, d.month, d.day, 23, 59) for d in days]})
    native = as_engine(frame)
    assert engine_name(native) == engine
    assert is_engine_frame(native) == (engine != "polars")
    result = to_polars(lazy(native).select(day_number("d").alias("a"), day_number("t").alias("b")))
    expected = [(d - date(1970, 1, 1)).days for d in days]
    assert result["a"].to_list() == expected
    assert result["b"].to_list() == expected
