"""Good paths of read_table: German exports, Excel, Parquet, frames, type coercion."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mkt_engineering import DataValidationError
from mkt_engineering.io import load_table, read_table

GERMAN_ORDERS = (
    "Kunden-Nr;Bestelldatum;Umsatz;Bestell-Nr;Kanal;Marge\n"
    "K-001;05.01.2026;1.234,50;A1;Suchmaschine;370,35\n"
    "K-002;06.01.2026 14:30;89,90;A2;Bürobesuch;26,97\n"
    "K-003;07.01.2026;0,00;A3;Katalog;\n"
)
GERMAN_MAP = {
    "Kunden-Nr": "customer_id",
    "Bestelldatum": "order_date",
    "Umsatz": "revenue",
    "Bestell-Nr": "order_id",
    "Kanal": "acquisition_channel",
    "Marge": "margin",
}


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
def test_german_csv(tmp_path, encoding):
    path = tmp_path / "bestellungen.csv"
    path.write_bytes(GERMAN_ORDERS.encode(encoding))
    result = load_table(path, "orders", GERMAN_MAP)
    frame = result.frame
    assert frame.columns == [
        "customer_id",
        "order_date",
        "revenue",
        "order_id",
        "acquisition_channel",
        "margin",
    ]
    assert frame["revenue"].to_list() == [1234.5, 89.9, 0.0]
    assert frame["order_date"].to_list() == [
        dt.datetime(2026, 1, 5),
        dt.datetime(2026, 1, 6, 14, 30),
        dt.datetime(2026, 1, 7),
    ]
    assert frame.schema["order_date"] == pl.Datetime("us")
    assert frame["acquisition_channel"].to_list() == ["Suchmaschine", "Bürobesuch", "Katalog"]
    assert frame["margin"].to_list() == [370.35, 26.97, None]
    quality = result.quality
    assert quality.separator == ";" and quality.decimal_comma
    assert quality.encoding == ("cp1252" if encoding == "cp1252" else "utf8")
    assert quality.nulls == {"margin": 1}
    assert quality.column_mapping == GERMAN_MAP


def test_excel_sep_line_and_cp1252_late_umlaut(tmp_path):
    # Excel writes "sep=;" first; a cp1252 byte far beyond the sniffing sample still works.
    rows = "".join(f"c{i};2026-03-01 10:00:00;search\n" for i in range(30_000))
    path = tmp_path / "touch.csv"
    path.write_bytes(
        (
            "sep=;\ncustomer_id;timestamp;channel\n" + rows + "c9;2026-03-02 10:00:00;Bürobesuch\n"
        ).encode("cp1252")
    )
    result = load_table(path, "touchpoints")
    assert result.frame.height == 30_001
    assert result.frame["channel"][-1] == "Bürobesuch"
    assert result.quality.encoding == "cp1252"


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_separators_are_sniffed(tmp_path, separator):
    path = tmp_path / "spend.csv"
    path.write_text(
        separator.join(["channel", "period_start", "spend"])
        + "\n"
        + separator.join(["search", "2026-03-02", "1250"])
        + "\n"
    )
    result = load_table(path, "spend")
    assert result.quality.separator == separator
    assert result.frame.row(0) == ("search", dt.date(2026, 3, 2), 1250.0)


def test_excel(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "orders.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Bestellungen")
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, ["Kunde", "Datum", "Umsatz", "Kunde seit"])
    sheet.write_row(1, 0, [1001, None, 49.9, "ja"])
    sheet.write_datetime(1, 1, dt.datetime(2026, 1, 5), date_format)
    sheet.write_row(2, 0, [1002, None, "12,50", "nein"])
    sheet.write_datetime(2, 1, dt.datetime(2026, 1, 6), date_format)
    sheet = book.add_worksheet("Text")  # dates typed as text, German style
    sheet.write_row(0, 0, ["Kunde", "Datum", "Umsatz"])
    sheet.write_row(1, 0, ["K1", "05.01.2026", "1.234,50"])
    book.close()
    text = read_table(
        path,
        "orders",
        {"Kunde": "customer_id", "Datum": "order_date", "Umsatz": "revenue"},
        sheet="Text",
    )
    assert text.row(0) == ("K1", dt.datetime(2026, 1, 5), 1234.5)
    frame = read_table(
        path, "orders", {"Kunde": "customer_id", "Datum": "order_date", "Umsatz": "revenue"}
    )
    assert frame["customer_id"].to_list() == ["1001", "1002"]  # not "1001.0"
    assert frame["revenue"].to_list() == [49.9, 12.5]
    assert frame["order_date"].to_list() == [dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 6)]


def test_excel_error_names_sheet_row(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "bad.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["customer_id", "order_date", "revenue"])
    sheet.write_row(1, 0, ["c1", "2026-01-05", 10])
    sheet.write_row(2, 0, ["c2", "2026-01-06", -3])
    book.close()
    error = pytest.raises(DataValidationError, read_table, path, "orders").value
    assert error.rows == [3]  # spreadsheet row 3: header is row 1
    assert "row 3" in str(error)


def test_parquet_and_frames_keep_types(tmp_path):
    frame = pl.DataFrame(
        {
            "customer_id": [1, 2],
            "timestamp": pl.Series(
                [dt.datetime(2026, 3, 1, 9), dt.datetime(2026, 3, 2)]
            ).dt.cast_time_unit("ns"),
            "value": [10, 20],
        }
    )
    path = tmp_path / "conv.parquet"
    frame.write_parquet(path)
    for source in (path, frame, frame.lazy()):
        out = read_table(source, "conversions")
        assert out.schema == pl.Schema(
            {"customer_id": pl.String, "timestamp": pl.Datetime("us"), "value": pl.Float64}
        )
        assert out["customer_id"].to_list() == ["1", "2"]


def test_bool_and_path_coercion():
    events = pl.DataFrame(
        {
            "lead_id": ["l1"] * 6,
            "timestamp": [f"2026-02-0{i} 10:00" for i in range(1, 7)],
            "event": ["created", "Email Open", "MQL", "sales_contact", "won", "email_click"],
            "is_customer": ["ja", "nein", "TRUE", "0", "yes", None],
        }
    )
    out = read_table(events, "lead_events")
    assert out["is_customer"].to_list() == [True, False, True, False, True, None]
    assert out["event"].to_list()[:3] == ["created", "email_open", "mql"]
    paths = read_table(
        pl.DataFrame({"path": ["search > email >direct", "display"], "conversions": ["3", "1,5"]}),
        "paths",
    )
    assert paths["path"].to_list() == [["search", "email", "direct"], ["display"]]
    assert paths["conversions"].to_list() == [3.0, 1.5]


def test_bool_rejects_unknown_words():
    events = pl.DataFrame(
        {
            "lead_id": ["l1"],
            "timestamp": ["2026-02-01"],
            "event": ["created"],
            "is_customer": ["vielleicht"],
        }
    )
    error = pytest.raises(DataValidationError, read_table, events, "lead_events").value
    assert error.column == "is_customer" and "vielleicht" in str(error)


def test_column_names_matched_case_insensitively():
    result = load_table(
        pl.DataFrame({"Customer ID": ["c1"], "Timestamp": ["2026-03-01"], "Channel": ["search"]}),
        "touchpoints",
    )
    assert result.frame.columns == ["customer_id", "timestamp", "channel"]
    assert result.quality.column_mapping == {
        "Customer ID": "customer_id",
        "Timestamp": "timestamp",
        "Channel": "channel",
    }


def test_two_columns_mapped_onto_one_is_an_error():
    frame = pl.DataFrame({"a": ["c1"], "b": ["c2"], "timestamp": ["2026-03-01"], "channel": ["x"]})
    error = pytest.raises(
        DataValidationError,
        read_table,
        frame,
        "touchpoints",
        {"a": "customer_id", "b": "customer_id"},
    ).value
    assert "customer_id" in str(error)


def test_date_range_counts_and_removes_rows():
    frame = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "timestamp": ["2026-02-28 23:59", "2026-03-01", "2026-03-31 23:00", "2026-04-01"],
            "channel": ["x"] * 4,
        }
    )
    result = load_table(frame, "touchpoints", date_range=("2026-03-01", "2026-03-31"))
    assert result.frame["customer_id"].to_list() == ["b", "c"]
    assert result.quality.outside_date_range == 2
    assert result.quality.rows == 2 and result.quality.rows_read == 4


def test_blank_lines_are_counted_and_line_numbers_stay_right(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("customer_id,order_date,revenue\nc1,2026-01-05,10\n\nc2,2026-01-06,-1\n")
    error = pytest.raises(DataValidationError, read_table, path, "orders").value
    assert error.rows == [4]
    path.write_text("customer_id,order_date,revenue\nc1,2026-01-05,10\n\nc2,2026-01-06,1\n")
    result = load_table(path, "orders")
    assert result.frame.height == 2 and result.quality.count("empty rows removed") == 1


def test_more_than_five_offending_rows_are_summarised():
    frame = pl.DataFrame(
        {"customer_id": ["c"] * 8, "order_date": ["2026-01-01"] * 8, "revenue": [-1.0] * 8}
    )
    error = pytest.raises(DataValidationError, read_table, frame, "orders").value
    assert error.rows == [0, 1, 2, 3, 4]
    assert "... and 3 more" in str(error)


def test_extra_columns_kept_after_contract_columns():
    frame = pl.DataFrame(
        {
            "converted": [1, 0],
            "variant": ["A", "B"],
            "unit_id": ["u1", "u2"],
            "device": ["mobile", "desktop"],
        }
    )
    result = load_table(frame, "experiment")
    assert result.frame.columns == ["unit_id", "variant", "converted", "device"]
    assert result.quality.count("extra columns kept") == 2


def test_iso_variants_in_one_column_and_utc_z():
    frame = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "timestamp": [
                "2026-03-01",
                "2026-03-01 10:15",
                "2026-03-01T10:15:30.250",
                "2026-03-01T10:15:30Z",
            ],
            "channel": ["x"] * 4,
        }
    )
    out = read_table(frame, "touchpoints")
    assert out["timestamp"].to_list() == [
        dt.datetime(2026, 3, 1),
        dt.datetime(2026, 3, 1, 10, 15),
        dt.datetime(2026, 3, 1, 10, 15, 30, 250_000),
        dt.datetime(2026, 3, 1, 10, 15, 30),
    ]


def test_empty_text_in_a_frame_is_an_empty_cell_not_an_unreadable_value():
    """Frames, Parquet and Excel may hold "" where a CSV file has an empty cell."""
    frame = pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "timestamp": ["2026-01-01 10:00", "2026-01-02 11:00", ""],
            "channel": ["search", "email", "display"],
            "campaign": ["spring", "", None],
        }
    )
    with pytest.raises(DataValidationError, match="is empty"):
        read_table(frame, table="touchpoints")
    result = load_table(
        frame.with_columns(timestamp=pl.lit("2026-01-01 10:00")), table="touchpoints"
    )
    assert result.frame["campaign"].null_count() == 2
    assert "empty cells in campaign" in str(result.quality)


def test_event_labels_mapped_through_their_distinct_values():
    """Thousands of rows with a few spellings (and empty cells): each row gets its own
    spelling's name, as Python's own string functions give it row by row."""
    import re

    spellings = ["Email Open", " MQL ", "email-open", "Sales  Contact", "created", None]
    rows = [spellings[(i * 7) % len(spellings)] for i in range(3000)]
    frame = pl.DataFrame(
        {
            "lead_id": [f"l{i}" for i in range(3000)],
            "timestamp": [dt.datetime(2025, 1, 1)] * 3000,
            "event": rows,
        }
    )
    expected = [None if v is None else re.sub(r"[\s-]+", "_", v.strip().lower()) for v in rows]
    out = read_table(frame.drop_nulls(), "lead_events")
    assert out["event"].to_list() == [v for v in expected if v is not None]
