"""File layouts the loader cannot detect, and the ones it now detects (issue 14, item 4).

Every expected value here is written by hand from the file's text, never computed by the
loader under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from mkt_engineering import DataValidationError
from mkt_engineering.errors import ParameterError
from mkt_engineering.io import Layout, load_table, read_table

GERMAN_SHOP = Path(__file__).parents[1] / "data" / "real_world" / "german_shop"
SHOP_MAP = {
    "Kundennummer": "customer_id",
    "Bestelldatum": "order_date",
    "Betrag": "revenue",
    "Bestellnummer": "order_id",
}
# Like CDNOW_sample.txt: no header, leading spaces, runs of spaces, Windows line ends.
WHITESPACE_ORDERS = (
    " 00004 0001 19970101  2   29.33\r\n"
    " 00004 0001 19970118  2   29.73\r\n"
    "\r\n"
    " 00021 0002 19970101  3   63.34\r\n"
)
CDNOW_NAMES = ["master_id", "customer_id", "order_date", "cds", "revenue"]


def _write(tmp_path: Path, text: str, name: str = "orders.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_whitespace_file_without_header(tmp_path):
    path = _write(tmp_path, WHITESPACE_ORDERS, "orders.txt")
    layout = {"header": False, "names": CDNOW_NAMES, "separator": "whitespace"}
    result = load_table(path, "orders", layout=layout)
    frame = result.frame
    assert frame["customer_id"].to_list() == ["0001", "0001", "0002"]  # ids keep their zeros
    assert frame["order_date"].to_list() == [
        dt.datetime(1997, 1, 1),
        dt.datetime(1997, 1, 18),
        dt.datetime(1997, 1, 1),
    ]
    assert frame["revenue"].to_list() == [29.33, 29.73, 63.34]
    assert frame["cds"].to_list() == [2, 2, 3]
    assert result.quality.date_formats == {"order_date": "YYYYMMDD"}  # detected
    assert result.quality.count("empty rows removed") == 1
    assert result.quality.layout["separator"] == "whitespace"


def test_whitespace_line_with_other_field_count_names_its_line(tmp_path):
    text = WHITESPACE_ORDERS + " 00022 0003 19970102  1\r\n"
    path = _write(tmp_path, text, "orders.txt")
    with pytest.raises(DataValidationError) as caught:
        read_table(
            path,
            "orders",
            layout=Layout(header=False, names=tuple(CDNOW_NAMES), separator="whitespace"),
        )
    assert caught.value.rows == [5] and "line 5" in str(caught.value)


def test_names_must_match_the_fields_of_a_headerless_csv(tmp_path):
    path = _write(tmp_path, "c1,2026-01-05,10.5\nc2,2026-01-06,3\n")
    frame = read_table(
        path, "orders", layout={"header": False, "names": ["customer_id", "order_date", "revenue"]}
    )
    assert frame["customer_id"].to_list() == ["c1", "c2"]  # the first line is data
    assert frame["revenue"].to_list() == [10.5, 3.0]
    with pytest.raises(DataValidationError, match="names 2 columns"):
        read_table(path, "orders", layout={"header": False, "names": ["customer_id", "x"]})


def test_title_line_above_the_header_is_skipped():
    """A German shop export: cp1252, ';', '1.234,50 €', a title line (see make_fixture.py)."""
    result = load_table(GERMAN_SHOP / "bestellungen_export.csv", "orders", SHOP_MAP)
    frame, quality = result.frame, result.quality
    # The first data line is: 100001;K-00282;01.09.2024;28,97 €;Kreditkarte;Deutschland
    assert frame.row(0, named=True)["customer_id"] == "K-00282"
    assert frame["order_date"][0] == dt.datetime(2024, 9, 1)
    assert frame["revenue"][0] == 28.97
    assert set(frame["Land"].unique()) == {"Deutschland", "Österreich", "Schweiz"}
    assert quality.encoding == "cp1252" and quality.separator == ";"
    assert quality.count("title lines skipped") == 1
    assert quality.currency_signs == {"revenue": "€"}


def test_amounts_with_thousands_dots_and_euro_signs_parse(tmp_path):
    text = (
        "Bestellungen Export 01.03.2026\nKunde;Datum;Betrag\n"
        "K1;01.02.2026;1.234,50 €\nK2;02.02.2026;89,90 €\n"
    )
    result = load_table(
        _write(tmp_path, text, encoding="cp1252"),
        "orders",
        {"Kunde": "customer_id", "Datum": "order_date", "Betrag": "revenue"},
    )
    assert result.frame["revenue"].to_list() == [1234.5, 89.9]
    # The file was read with decimal commas, so the summary says so (it said "no").
    assert result.quality.decimal_comma
    assert result.quality.to_dict()["decimal_comma"] is True


def test_a_ragged_header_is_no_title(tmp_path):
    """A header with fewer fields than the data is still an error naming line 2, not a title."""
    path = _write(tmp_path, "customer_id,order_date\nc1,2026-01-05,3\nc2,2026-01-06,4\n")
    with pytest.raises(DataValidationError) as caught:
        read_table(path, "orders")
    assert caught.value.rows == [2]


def test_skip_lines_and_explicit_date_format(tmp_path):
    text = (
        "Report generated by ShopTool\nfilters: none\n"
        "customer_id,order_date,revenue\n"
        "c1,03/01/2026 02:30 PM,10\nc2,12/24/2025 09:05 AM,5\n"
    )
    frame = read_table(
        _write(tmp_path, text),
        "orders",
        layout={"skip_lines": 2, "date_format": "%m/%d/%Y %I:%M %p"},
    )
    assert frame["order_date"].to_list() == [
        dt.datetime(2026, 3, 1, 14, 30),
        dt.datetime(2025, 12, 24, 9, 5),
    ]


def test_explicit_date_format_names_rows_in_another_format(tmp_path):
    text = "customer_id,order_date,revenue\nc1,20260105,1\nc2,2026-01-06,2\n"
    with pytest.raises(DataValidationError) as caught:
        read_table(_write(tmp_path, text), "orders", layout={"date_format": "%Y%m%d"})
    assert caught.value.rows == [3]


def test_iso_weeks_are_detected(tmp_path):
    text = "channel,period_start,spend\nsearch,2024-W05,100\nsearch,2024-W06,120\n"
    frame = read_table(_write(tmp_path, text), "spend")
    assert frame["period_start"].to_list() == [dt.date(2024, 1, 29), dt.date(2024, 2, 5)]


@pytest.mark.parametrize(
    ("cells", "layout", "expected"),
    [
        (['"1,234.50"', '"12,000.00"'], {}, [1234.5, 12000.0]),
        (["1'234.50", "12'000.00"], {"thousands": "'"}, [1234.5, 12000.0]),
        (['"1 234,50"', '"12 000,00"'], {"thousands": " ", "decimal": ","}, [1234.5, 12000.0]),
        (['"1.234"', '"12.000"'], {"thousands": "."}, [1234.0, 12000.0]),
    ],
)
def test_thousands_separators(tmp_path, cells, layout, expected):
    text = "customer_id,order_date,revenue\n" + "".join(
        f"c{i},2026-01-0{i + 1},{cell}\n" for i, cell in enumerate(cells)
    )
    frame = read_table(_write(tmp_path, text), "orders", layout=layout)
    assert frame["revenue"].to_list() == expected


def test_text_options_are_refused_for_tables():
    frame = pl.DataFrame({"customer_id": ["c"], "order_date": ["2026-01-01"], "revenue": [1.0]})
    with pytest.raises(DataValidationError, match="describe text"):
        read_table(frame, "orders", layout={"header": False, "names": ["a", "b", "c"]})
    assert read_table(frame, "orders", layout={"date_format": "%Y-%m-%d"}).height == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"seperator": ";"}, "did you mean 'separator'"),
        ({"names": ["a", "b"]}, "without header"),
        ({"header": False, "names": ["a", "a"]}, "repeats a"),
        ({"separator": ";;"}, "one character"),
        ({"date_format": "YYYYMMDD"}, "strptime"),
        ({"thousands": ",", "decimal": ","}, "differ"),
    ],
)
def test_layout_options_are_checked(value, message):
    with pytest.raises(ParameterError, match=message):
        Layout.from_value(value)


def test_validate_command_takes_layout_options(tmp_path):
    from mkt_engineering.cli import app

    path = _write(tmp_path, WHITESPACE_ORDERS, "orders.txt")
    result = CliRunner().invoke(
        app,
        [
            "validate",
            "orders",
            str(path),
            "--no-header",
            "--names",
            ",".join(CDNOW_NAMES),
            "--separator",
            "whitespace",
            "--date-format",
            "%Y%m%d",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "valid orders table (3 rows)" in result.output


def test_a_separator_at_every_line_end_makes_no_nameless_column(tmp_path):
    text = "customer_id;order_date;revenue;\nc1;2026-01-05;1;\nc2;2026-01-06;2;\n"
    result = load_table(_write(tmp_path, text), "orders")
    assert result.frame.columns == ["customer_id", "order_date", "revenue"]
    assert result.quality.count("empty columns without a name removed") == 1
    text = "customer_id,order_date,revenue,\nc1,2026-01-05,1,x\nc2,2026-01-06,2,\n"
    result = load_table(_write(tmp_path, text), "orders")
    assert result.frame["unnamed_1"].to_list() == ["x", None]


def test_whole_number_dates_in_a_table_read_as_yyyymmdd():
    frame = pl.DataFrame({"customer_id": ["c"], "order_date": [19970101], "revenue": [1.0]})
    assert read_table(frame, "orders")["order_date"].to_list() == [dt.datetime(1997, 1, 1)]


def test_data_overview_maps_columns_below_a_title_line_and_of_a_headerless_file(tmp_path):
    """The overview filtered the mapping by a header read with ',' and no title detection."""
    from mkt_engineering.reporting.overview import mapping_for

    mapping = {"Kundennummer": "customer_id", "Betrag": "revenue", "elsewhere": "channel"}
    assert mapping_for(GERMAN_SHOP / "bestellungen_export.csv", mapping) == {
        "Kundennummer": "customer_id",
        "Betrag": "revenue",
    }
    path = _write(tmp_path, WHITESPACE_ORDERS, "orders.csv")
    layout = {"header": False, "names": CDNOW_NAMES, "separator": "whitespace"}
    assert mapping_for(path, {"cds": "quantity", "x": "y"}, layout) == {"cds": "quantity"}
