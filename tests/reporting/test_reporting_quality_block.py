"""The data-quality block of a report says truthfully whether rows were removed."""

from mkt_engineering.reporting.notebook import quality_html


def test_quality_block_reports_removed_rows():
    text = quality_html(
        {
            "table": "touchpoints",
            "rows": 8,
            "rows_removed": 2,
            "issues": [{"message": "2 rows without marketing consent were removed."}],
        }
    )
    assert "2 row(s) removed" in text
    assert "no rows removed" not in text


def test_quality_block_without_removals():
    text = quality_html(
        {
            "table": "orders",
            "rows": 8,
            "rows_removed": 0,
            "issues": [{"message": "3 duplicate rows (kept)."}],
        }
    )
    assert "no rows removed" in text


def test_index_links_the_lessons_page_once_it_exists(tmp_path):
    from mkt_engineering.reporting.index import write_index
    from mkt_engineering.teaching.workshop import render_lessons_page

    assert 'href="lessons.html"' not in write_index(tmp_path).read_text()
    render_lessons_page(tmp_path / "lessons.html")
    assert 'href="lessons.html"' in write_index(tmp_path).read_text()


def test_loader_facts_read_as_words_and_grouped_numbers():
    text = quality_html(
        {
            "table": "lead_events",
            "rows": 17724,
            "rows_read": 17724,
            "decimal_comma": False,
            "separator": ",",
            "issues": [],
        }
    )
    assert "rows read: 17,724" in text and "decimal comma: no" in text and "separator: ," in text


def test_facts_that_do_not_apply_are_left_out_not_shown_as_dashes():
    """A database table has no encoding or separator, a file no engine or query."""
    from mkt_engineering.reporting.notebook import quality_html

    record = {
        "source": "duckdb:///shop.duckdb",
        "table": "orders",
        "rows": 10,
        "issues": [],
        "encoding": None,
        "separator": None,
        "engine": "duckdb",
        "query": None,
        "in_engine": True,
    }
    block = quality_html(record)
    assert "encoding" not in block and "separator" not in block and "query" not in block
    assert "<li>engine: duckdb</li>" in block and "<li>in engine: yes</li>" in block
