"""The report renderer records each chart's data rows and refuses a chart over 5,000."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import polars as pl
import pytest

from mkt_engineering.reporting import notebook
from mkt_engineering.reporting.notebook import (
    MAX_CHART_ROWS,
    ChartTooLargeError,
    chart_sizes,
    spec_rows,
    svg_renderer,
)


@pytest.fixture(autouse=True)
def fresh_record(monkeypatch, tmp_path):
    monkeypatch.setitem(notebook._state, "chart_rows", [])
    monkeypatch.setenv(notebook.RUN_DIR_ENV, str(tmp_path))


def points(n: int) -> pl.DataFrame:
    return pl.DataFrame({"x": np.arange(n, dtype=float), "y": np.arange(n, dtype=float) ** 2})


def test_spec_rows_counts_datasets_and_inline_values_in_layers_and_concats():
    spec = {
        "datasets": {"a": [{"x": 1}] * 7, "b": [{"x": 2}] * 3},
        "hconcat": [
            {"layer": [{"data": {"values": [{"y": 0}] * 5}, "mark": "rule"}, {"mark": "bar"}]},
            {"data": {"name": "a"}, "mark": "point"},
            {"facet": {"row": {"field": "f"}}, "spec": {"data": {"values": [{"z": 1}]}}},
        ],
    }
    assert spec_rows(spec) == 7 + 3 + 5 + 1


def test_each_rendered_chart_is_recorded_with_title_rows_and_seconds(tmp_path):
    line = alt.Chart(points(120)).mark_line().encode(x="x:Q", y="y:Q").properties(title="Curve")
    rule = alt.Chart(pl.DataFrame({"x": [3.0]})).mark_rule().encode(x="x:Q")
    svg_renderer((line + rule).to_dict())
    svg_renderer(alt.Chart(points(4)).mark_bar().encode(x="x:Q", y="y:Q").to_dict())
    record = chart_sizes()
    assert [(r["chart"], r["rows"]) for r in record] == [("Curve", 121), ("untitled bar", 4)]
    assert all(r["seconds"] > 0 for r in record)
    # the state `mkt run` reads back holds the same list
    state = json.loads((tmp_path / notebook.STATE_FILE).read_text(encoding="utf-8"))
    assert state["chart_rows"] == record


def test_a_chart_over_the_limit_fails_loudly_and_is_still_recorded():
    with alt.data_transformers.disable_max_rows():
        spec = (
            alt.Chart(points(MAX_CHART_ROWS + 1))
            .mark_point()
            .encode(x="x:Q", y="y:Q")
            .properties(title="Every customer")
            .to_dict()
        )
    with pytest.raises(ChartTooLargeError, match=r"'Every customer' carries 5,001 data rows"):
        svg_renderer(spec)
    assert chart_sizes() == [{"chart": "Every customer", "rows": 5001, "seconds": None}]


def test_a_chart_at_the_limit_renders():
    with alt.data_transformers.disable_max_rows():
        spec = alt.Chart(points(MAX_CHART_ROWS)).mark_line().encode(x="x:Q", y="y:Q").to_dict()
    assert svg_renderer(spec)["image/svg+xml"].startswith("<svg")
    assert chart_sizes()[0]["rows"] == MAX_CHART_ROWS


def test_in_a_report_the_kits_check_is_the_one_that_refuses_and_records(monkeypatch):
    """After setup_notebook, a chart over the limit reaches the renderer (altair's own
    MaxRowsError raised before it, so the run's record never named the chart)."""
    import IPython.core.interactiveshell  # noqa: F401 - setup_notebook registers cell hooks

    monkeypatch.setattr(notebook, "_write_state", lambda: None)
    monkeypatch.setattr("mkt_engineering.reporting.profiling.start", lambda *args: None)
    transformer, theme = alt.data_transformers.active, alt.theme.active
    try:
        with pl.Config():  # setup_notebook sets polars' display formats: put them back
            notebook.setup_notebook()
        chart = alt.Chart(points(MAX_CHART_ROWS + 1), title="Too many").mark_point()
        spec = chart.encode(x="x:Q").to_dict()  # no MaxRowsError here any more
        with pytest.raises(ChartTooLargeError, match="Too many"):
            svg_renderer(spec)
    finally:
        alt.data_transformers.enable(transformer)
        alt.theme.enable(theme)
    assert chart_sizes()[-1] == {"chart": "Too many", "rows": MAX_CHART_ROWS + 1, "seconds": None}
