"""What the A/B report infers from the unit rows works where the rows live."""

from __future__ import annotations

import polars as pl

from mkt_engineering.reporting.inferred import control_arm, variants_in


def test_arms_and_control_are_read_in_the_engine(engine, as_engine):
    units = pl.DataFrame(
        {"variant": ["treatment", None, "control", "treatment"], "x": [1, 2, 3, 4]}
    )
    native = as_engine(units)
    assert sorted(variants_in(native, "variant")) == ["control", "treatment"]
    assert control_arm(native, "variant")[0] == "control"


def test_without_a_control_name_an_engine_table_takes_the_first_arm_by_name(engine, as_engine):
    native = as_engine(pl.DataFrame({"variant": ["new", "old", "new"]}))
    chosen, note = control_arm(native, "variant")
    if engine == "polars":  # a polars frame keeps its row order (the data's first arm)
        assert (chosen, "first variant in the data" in note) == ("new", True)
    else:
        assert (chosen, "first variant by name" in note) == ("new", True)
    reversed_rows = as_engine(pl.DataFrame({"variant": ["old", "new"]}))
    expected = "old" if engine == "polars" else "new"
    assert control_arm(reversed_rows, "variant")[0] == expected
