"""`io.read_raw` and `io.read_header`: the one path by which analyses peek at a user's file
(an export's header, a column outside the contract) before `load_table` loads it."""

from __future__ import annotations

import polars as pl

from mkt_engineering.io import read_header, read_raw


def test_header_of_csv_parquet_and_frames(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("Kunde;Datum;Umsatz\nc1;01.03.2026;89,90\n", encoding="utf-8")
    assert read_header(csv) == ["Kunde", "Datum", "Umsatz"]
    parquet = tmp_path / "export.parquet"
    pl.DataFrame({"lead_id": ["a"], "E-Mail": ["x@example.com"]}).write_parquet(parquet)
    assert read_header(parquet) == ["lead_id", "E-Mail"]
    assert read_header(pl.LazyFrame({"a": [1], "b": [2]})) == ["a", "b"]


def test_load_table_options_apply_as_load_table_reads_them(tmp_path):
    """The reading options of load_table apply; its other options are ignored, not refused."""
    text = tmp_path / "no_header.txt"
    text.write_text("c1  0012\nc2  0007\n", encoding="utf-8")
    layout = {"header": False, "names": ["customer_id", "code"], "separator": "whitespace"}
    raw = read_raw(text, text_columns=True, layout=layout, columns={"x": "y"}, allow_pii=True)
    assert raw.columns == ["customer_id", "code"]
    assert raw["code"].to_list() == ["0012", "0007"]  # as written: text, leading zeros kept
    assert read_header(text, layout=layout, pseudonymize=["customer_id"]) == raw.columns
