"""data_overview fails, naming each input and why, when none of the given inputs could be
read (it used to exit 0 with status ok and "No tables found")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkt_engineering.errors import DataValidationError
from mkt_engineering.reporting.overview import TableFile, require_readable


def test_require_readable_names_each_input_and_reason():
    tables = [
        TableFile("orders", Path("/data/orders.csv"), "orders"),
        TableFile("spend", Path("/data/spend.csv"), "spend"),
    ]
    problems = {"orders": "binary data, not text\nmore", "spend": "missing column spend"}
    with pytest.raises(DataValidationError) as error:
        require_readable(tables, [], problems)
    message = str(error.value)
    assert "none of the 2 given input(s) could be read" in message
    assert "orders (orders.csv): binary data, not text" in message
    assert "spend (spend.csv): missing column spend" in message
    assert "more" not in message  # one line per input, not the whole loader message
    assert error.value.fix


def test_require_readable_passes_when_something_was_read():
    table = TableFile("orders", Path("orders.csv"), "orders")
    require_readable([table], [{"table": "orders"}], {"other": "broken"})
    require_readable([table], [{"table": "orders"}], {})


def test_run_with_only_an_unreadable_input_fails(tmp_path):
    bad = tmp_path / "orders.csv"
    bad.write_bytes(b"\x00\x01\x02binary\xff\xfe")
    result = subprocess.run(
        [sys.executable, "-m", "mkt_engineering.cli", "run", "data_overview"]
        + ["-p", "orders_file", str(bad), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode != 0, result.stdout
    output = result.stdout + result.stderr
    assert "could be read" in output and "orders.csv" in output
    assert "Traceback" not in output
    (manifest,) = tmp_path.glob("data_overview/*/manifest.json")
    assert json.loads(manifest.read_text())["status"] == "failed"
