"""Result tables: CSV safe for spreadsheets, e-mail addresses removed, nothing else changed."""

from __future__ import annotations

import csv

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.redact import redact_frame, redact_text
from mkt_engineering.reporting.tables import escape_formulas, write_table

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_hyperlink_channel_comes_out_inert(tmp_path):
    frame = pl.DataFrame({"channel": [*DANGEROUS, "search"], "conversions": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]})
    csv_path, parquet_path = write_table(frame, tmp_path, "channels")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cells = [row["channel"] for row in rows]
    assert cells[0] == "'=HYPERLINK(\"http://x\",\"y\")"
    # No cell a spreadsheet would evaluate: every one starts with a plain character.
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert cells[-1] == "search"
    assert rows[0]["conversions"] == "-1.5"  # numbers stay numbers
    assert pl.read_parquet(parquet_path)["channel"].to_list() == frame["channel"].to_list()


@settings(deadline=None, max_examples=60)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_escaping_only_prefixes_and_never_leaves_a_formula(values):
    escaped = escape_formulas(pl.DataFrame({"v": values}))["v"].to_list()
    for original, cell in zip(values, escaped, strict=True):
        assert cell in (original, "'" + original)
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_redaction_of_text_and_frames():
    assert "anna@example.de" not in redact_text("Contact: anna@example.de.")
    frame, touched = redact_frame(pl.DataFrame({"who": ["x@y.com", "none"], "n": [1, 2]}))
    assert touched == ["who"] and frame["who"].to_list() == ["[e-mail removed]", "none"]


def test_save_table_writes_into_the_run_folder_only_when_run(tmp_path, monkeypatch):
    frame = pl.DataFrame({"channel": ["=1+1"], "email": ["a@b.de"]})
    monkeypatch.delenv(notebook.RUN_DIR_ENV, raising=False)
    assert save_and_list(frame, tmp_path) == []
    monkeypatch.setenv(notebook.RUN_DIR_ENV, str(tmp_path))
    assert sorted(save_and_list(frame, tmp_path)) == ["key.csv", "key.parquet"]
    text = (tmp_path / "tables" / "key.csv").read_text()
    assert "'=1+1" in text and "a@b.de" not in text


def save_and_list(frame, folder):
    notebook.save_table(frame, "key")
    return [p.name for p in (folder / "tables").glob("*")] if (folder / "tables").exists() else []
