"""DataQuality: counts checked against brute-force counts, and its four views."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.io import load_table
from mkt_engineering.quality import DataQuality, count_duplicates


def _orders() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2", "c2", "c3", "c4"],
            "order_date": [
                "2026-01-05",
                "2026-01-05",
                "2026-01-06",
                "2026-01-06",
                "2026-01-07",
                "2026-01-08",
            ],
            "revenue": [10.0, 10.0, 5.0, 5.0, 7.5, 3.0],
            "order_id": ["o1", "o1", "o2", "o2", "o2", None],
            "margin": [1.0, 1.0, None, None, 2.0, None],
        }
    )


def test_counts_match_brute_force():
    frame = _orders()
    quality = load_table(frame, "orders").quality
    rows = frame.rows()
    exact_brute = len(rows) - len(set(rows))
    assert quality.duplicate_rows == exact_brute == 2
    keys = frame["order_id"].to_list()
    repeated_keys_brute = len(keys) - len(set(keys))  # None counts as one key value
    assert quality.duplicate_keys == repeated_keys_brute - exact_brute == 1
    assert quality.nulls == {"order_id": 1, "margin": 3}
    assert quality.rows == quality.rows_read == 6


def test_views_agree():
    quality = load_table(_orders(), "orders").quality
    table = quality.to_frame()
    assert table.columns == ["check", "count", "share"] + ["note"]
    duplicates = table.filter(pl.col("check") == "exact duplicate rows")
    assert duplicates["count"].item() == 2 and abs(duplicates["share"].item() - 2 / 6) < 1e-12
    markdown = quality.to_markdown()
    assert "| exact duplicate rows | 2 | 33.3% |" in markdown
    html = quality._repr_html_()
    assert "<table>" in html and "exact duplicate rows" in html
    sentences = quality.explain()
    assert any(s.startswith("2 of 6 rows (33.3%) repeat an earlier row exactly") for s in sentences)
    assert any("margin is empty in 3 rows" in s for s in sentences)


def test_clean_load_says_so():
    quality = load_table(
        pl.DataFrame({"unit_id": ["u1", "u2"], "variant": ["A", "B"]}), "experiment"
    ).quality
    assert quality.explain() == [
        "All 2 rows passed the experiment checks; nothing needed attention."
    ]


def test_html_escapes_names():
    quality = DataQuality("<script>.csv", "orders", rows=1, rows_read=1)
    assert "<script>" not in quality._repr_html_()


def test_to_dict_is_json_safe_and_explained():
    import json

    record = load_table(
        _orders(), "orders", date_range=("2026-01-06", "2026-01-08")
    ).quality.to_dict()
    assert json.loads(json.dumps(record)) == record
    assert record["rows_read"] == 6 and record["rows"] == 4 and record["rows_removed"] == 2
    messages = [issue["message"] for issue in record["issues"]]
    assert any("outside the date range" in m for m in messages)


@settings(deadline=None, max_examples=60)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["o1", "o2", "o3", None]),
            st.integers(0, 2),
            st.sampled_from(["a", "b"]),
        ),
        max_size=25,
    )
)
def test_duplicate_counts_match_python_sets(rows):
    frame = pl.DataFrame(
        rows, schema={"order_id": pl.String, "revenue": pl.Int64, "note": pl.String}, orient="row"
    )
    quality = DataQuality("x", "orders", rows=len(rows), rows_read=len(rows))
    count_duplicates(frame, ("order_id",), quality)
    exact = len(rows) - len(set(rows))
    repeated_keys = len(rows) - len({r[0] for r in rows})
    assert quality.duplicate_rows == exact
    assert quality.duplicate_keys == repeated_keys - exact
