"""Result tables: CSV safe for spreadsheets, e-mail addresses removed, nothing else changed."""

from __future__ import annotations

import contextlib
import csv

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.redact import redact_frame, redact_text
from mkt_engineering.reporting.tables import escape_formulas, write_table

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_hyperlink_channel_comes_out_inert(tmp_path):
    frame = pl.DataFrame(
        {"channel": [*DANGEROUS, "search"], "conversions": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]}
    )
    csv_path, parquet_path = write_table(frame, tmp_path, "channels")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cells = [row["channel"] for row in rows]
    assert cells[0] == '\'=HYPERLINK("http://x","y")'
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


def _cells(page: str) -> list[list[str]]:
    import re

    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)][
        1:
    ]


def test_tables_read_like_a_report_not_like_a_repr():
    from mkt_engineering.reporting.tables import frame_html

    funnel = pl.DataFrame(
        {
            "stage": ["MQL", "won <b>", None],
            "leads": [12345, 67, None],
            "from_created": [0.123456789, 0.5, None],
            "win_rate": [0.25, 0.0001, 1.0],
            "ci_low": [0.2, 0.0, 0.9],
            "days": [3.14159, 12345.678, float("nan")],
            "threshold": [30.0, 40.0, 50.0],
            "p_value": [0.0000012, 0.04321, 0.5],
            "year": [2024, 2025, 2026],
            "recommended": [True, False, None],
        }
    )
    page = frame_html(funnel)
    assert "&quot;" not in page and "null" not in page
    assert _cells(page)[0] == [
        "MQL",
        "12,345",
        "12.3%",
        "25.0%",
        "20.0%",
        "3.14",
        "30",
        "&lt; 0.001",
        "2024",
        "yes",
    ]
    assert _cells(page)[1] == [
        "won &lt;b&gt;",
        "67",
        "50.0%",
        "&lt;0.1%",
        "0.0%",
        "12,346",
        "40",
        "0.043",
        "2025",
        "no",
    ]
    assert _cells(page)[2] == ["–", "–", "–", "100.0%", "90.0%", "–", "50", "0.500", "2026", "–"]
    assert '<th class="num">from created</th>' in page  # readable headers, numbers right-aligned
    german = _cells(frame_html(funnel, language="de"))[0]
    assert german[1:5] == ["12.345", "12,3 %", "25,0 %", "20,0 %"] and german[-1] == "ja"


def test_interval_bounds_follow_their_estimate_and_long_tables_are_cut():
    from mkt_engineering.reporting.tables import frame_html

    cox = pl.DataFrame(
        {"hazard_ratio": [0.66, 2.08], "ci_low": [0.47, 1.65], "ci_high": [0.93, 2.63]}
    )
    assert _cells(frame_html(cox))[0] == ["0.660", "0.470", "0.930"]  # not percentages
    long = pl.DataFrame({"n": list(range(1000))})
    page = frame_html(long, max_rows=6)
    assert [row[0] for row in _cells(page)] == ["0", "1", "2", "…", "997", "998", "999"]
    assert "first and last 3 of 1,000 rows" in page


def test_setup_notebook_shows_every_frame_through_the_shared_formatter():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    # setup_notebook sets polars' display options process-wide; the context restores them,
    # so later doctests in the same pytest process print frames as polars does by default
    with pl.Config(), _cleared(shell):
        notebook.setup_notebook(language="en")
        shown, _ = shell.display_formatter.format(pl.DataFrame({"stage": ["MQL"], "share": [0.5]}))
        assert 'class="mkt-frame"' in shown["text/html"] and "50.0%" in shown["text/html"]
        assert (
            "MQL" in shown["text/plain"]
        )  # the plain view (and pinned notebook output) stays polars'


@contextlib.contextmanager
def _cleared(shell):
    try:
        yield shell
    finally:
        type(shell).clear_instance()
