"""The bad-file corpus in tests/data/bad/: every error path names the column and the fix.

Each case is (file, table, options, column the message must name, words of the fix). The
same files go through `mkt validate`, which must exit 1 without a traceback.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from mkt_engineering import DataValidationError
from mkt_engineering.cli import app
from mkt_engineering.io import load_table, read_table

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"

CASES = [
    # file, table, options, column named in the message, text of the fix, line numbers
    (
        "missing_column.csv",
        "touchpoints",
        {},
        "channel",
        'columns={"<your column>": "channel"}',
        [],
    ),
    (
        "misspelt_column.csv",
        "touchpoints",
        {},
        "custmer_id",
        '"custmer_id": "customer_id", "chanel": "channel"',
        [],
    ),
    ("wrong_type.csv", "conversions", {}, "value", "Correct these cells", [4, 5]),
    ("negative_revenue.csv", "orders", {}, "revenue", "refunds and cancellations", [3]),
    ("unparseable_date.csv", "touchpoints", {}, "timestamp", "Correct these cells", [3, 4]),
    ("mixed_date_formats.csv", "lead_events", {}, "timestamp", "in one format", [3]),
    ("empty.csv", "touchpoints", {}, "", "Export the data again", []),
    ("header_only.csv", "touchpoints", {}, "customer_id, timestamp, channel", "Export again", []),
    (
        "wrong_separator.csv",
        "touchpoints",
        {"separator": ","},
        "customer_id;timestamp;channel",
        "separator=';'",
        [],
    ),
    ("event_outside.csv", "lead_events", {}, "event", '"email_opened": "email_open"', [3, 4]),
    ("null_variant.csv", "experiment", {}, "variant", "Fill in variant", [3]),
    ("pii_in_id.csv", "touchpoints", {}, "customer_id", "pseudonymize=['customer_id']", []),
    ("bad_path.csv", "paths", {}, "path", "Correct these cells", [3]),
    ("unclosed_quote.csv", "touchpoints", {}, "", "Close the quote on line 2", [2]),
    ("not_a_spreadsheet.xlsx", "orders", {}, "", "opens in a spreadsheet program", []),
]


@pytest.mark.parametrize(
    ("name", "table", "options", "column", "fix", "lines"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_file_message_names_column_lines_and_fix(name, table, options, column, fix, lines):
    path = BAD / name
    with pytest.raises(DataValidationError) as caught:
        read_table(path, table, **options)
    error = caught.value
    message = str(error)
    assert str(path) in message  # the file
    assert column in message
    assert "Fix: " in message and fix in message
    assert fix in error.fix
    assert error.source == str(path)
    assert error.rows == lines
    for line in lines:  # each offending row is listed with its line number and raw value
        assert f"line {line}: " in message


def test_wrong_type_message_quotes_raw_values_and_expectation():
    message = str(
        pytest.raises(DataValidationError, read_table, BAD / "wrong_type.csv", "conversions").value
    )
    assert "line 4: 'zwölf'" in message and "line 5: 'n/a'" in message
    assert "Expected: a number" in message
    assert "(2 rows affected)" in message


def test_missing_column_lists_columns_found():
    message = str(
        pytest.raises(
            DataValidationError, read_table, BAD / "missing_column.csv", "touchpoints"
        ).value
    )
    assert "Columns found: 'customer_id', 'timestamp', 'campaign'" in message


def test_misspelt_column_suggests_closest_and_cli_map():
    error = pytest.raises(
        DataValidationError, read_table, BAD / "misspelt_column.csv", "touchpoints"
    ).value
    assert "Closest match for customer_id: 'custmer_id'" in str(error)
    assert "--map 'chanel=channel'" in error.fix
    # the suggestion is ready to paste
    frame = read_table(
        BAD / "misspelt_column.csv",
        "touchpoints",
        columns={"custmer_id": "customer_id", "chanel": "channel"},
    )
    assert frame.columns == ["customer_id", "timestamp", "channel"]


def test_mapping_names_a_column_the_file_lacks():
    error = pytest.raises(
        DataValidationError,
        read_table,
        BAD / "misspelt_column.csv",
        "touchpoints",
        columns={"customer": "customer_id"},
    ).value
    assert "'customer' (closest: 'custmer_id')" in str(error)


def test_user_column_name_and_contract_name_both_named():
    error = pytest.raises(
        DataValidationError,
        read_table,
        BAD / "negative_revenue.csv",
        "orders",
        columns={"revenue": "revenue"},
    ).value
    assert error.column == "revenue"
    frame = pl.read_csv(BAD / "negative_revenue.csv").rename({"revenue": "Umsatz"})
    error = pytest.raises(
        DataValidationError, read_table, frame, "orders", columns={"Umsatz": "revenue"}
    ).value
    assert "column 'Umsatz' (contract column 'revenue')" in str(error)
    assert "row index 1: '-15.0'" in str(error)  # a frame has no lines: 0-based row index


def test_duplicate_rows_are_counted_not_rejected():
    result = load_table(BAD / "duplicate_rows.csv", "touchpoints")
    assert result.frame.height == 6  # nothing dropped
    assert result.quality.duplicate_rows == 3  # one extra copy of c001, two of c002


def test_bom_and_cp1252_are_read_correctly():
    bom = read_table(BAD / "utf8_bom.csv", "touchpoints")
    assert bom.columns[0] == "customer_id"
    assert bom["channel"].to_list() == ["Suchmaschine", "Bürobesuch"]
    result = load_table(
        BAD / "cp1252_umlauts.csv",
        "touchpoints",
        columns={"Kunden-Nr": "customer_id", "Zeitpunkt": "timestamp", "Kanal": "channel"},
    )
    assert result.frame["channel"].to_list() == [
        "Filiale Köln",
        "Telefonverkauf Süd",
        "Katalog Frühjahr",
    ]
    assert result.quality.encoding == "cp1252"


def test_unknown_table_is_explained():
    error = pytest.raises(
        DataValidationError, read_table, BAD / "duplicate_rows.csv", "touchpoint"
    ).value
    assert "Known tables" in str(error)


def test_missing_file_is_explained():
    error = pytest.raises(DataValidationError, read_table, BAD / "no_such_file.csv", "orders").value
    assert "file not found" in str(error)


CLI_CASES = [(c[0], c[1], ["--separator", ","] if c[2] else [], c[3], c[4]) for c in CASES]


@pytest.mark.parametrize(
    ("name", "table", "extra", "column", "fix"), CLI_CASES, ids=[c[0] for c in CLI_CASES]
)
def test_cli_exits_1_without_traceback(name, table, extra, column, fix):
    result = CliRunner().invoke(app, ["validate", table, str(BAD / name), *extra])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert column in result.output and fix in result.output


def test_cli_valid_file_exits_0_and_prints_summary():
    result = CliRunner().invoke(
        app,
        [
            "validate",
            "touchpoints",
            str(BAD / "cp1252_umlauts.csv"),
            "--map",
            "Kunden-Nr=customer_id",
            "--map",
            "Zeitpunkt=timestamp",
            "--map",
            "Kanal=channel",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "cp1252" in result.output and "rows loaded" in result.output


def test_cli_reports_duplicates():
    result = CliRunner().invoke(app, ["validate", "touchpoints", str(BAD / "duplicate_rows.csv")])
    assert result.exit_code == 0
    assert "exact duplicate rows" in result.output


def test_cli_bad_map_syntax():
    result = CliRunner().invoke(
        app, ["validate", "touchpoints", str(BAD / "misspelt_column.csv"), "--map", "custmer_id"]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "user_column=contract_column" in result.output


def test_installed_command_has_no_traceback(project_root):
    import subprocess

    command = project_root / ".venv" / "bin" / "mkt"
    if not command.exists():
        pytest.skip("no installed mkt command")
    done = subprocess.run(
        [str(command), "validate", "orders", str(BAD / "negative_revenue.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "revenue" in done.stderr and "Fix:" in done.stderr


def test_german_synonyms_are_suggested_not_mapped():
    error = pytest.raises(
        DataValidationError, read_table, BAD / "cp1252_umlauts.csv", "orders"
    ).value
    assert (
        'columns={"Kunden-Nr": "customer_id", "Zeitpunkt": "order_date", '
        '"<your column>": "revenue"}' in error.fix
    )
