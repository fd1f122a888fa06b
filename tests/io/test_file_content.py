"""What a file holds, not what its name says: UTF-16 text is read, binary files and
unreadable paths give a short DataValidationError instead of a traceback or a
20,000-character dump of garbage."""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import polars as pl
import pytest

from mkt_engineering import DataValidationError, formats
from mkt_engineering.io import load_table, read_table

GERMAN = "Kunde;Datum;Umsatz\nMüller-Brot;01.03.2026;89,90\nKöln Süd;02.03.2026;1.234,50\n"
EXPECTED = {
    "customer_id": ["Müller-Brot", "Köln Süd"],
    "order_date": [dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 2)],
    "revenue": [89.9, 1234.5],
}
COLUMNS = {"Kunde": "customer_id", "Datum": "order_date", "Umsatz": "revenue"}


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_utf16_files_are_detected_and_read(tmp_path, codec, bom):
    path = tmp_path / "orders.csv"
    path.write_bytes(bom + GERMAN.encode(codec))
    result = load_table(path, "orders", COLUMNS)
    assert result.frame.to_dict(as_series=False) == EXPECTED
    assert result.quality.encoding == codec and result.quality.decimal_comma


def test_utf16_from_python_with_its_bom_and_a_separator_override(tmp_path):
    path = tmp_path / "orders.txt"
    path.write_bytes(GERMAN.replace(";", "|").encode("utf-16"))  # Python writes LE with a BOM
    frame = read_table(path, "orders", COLUMNS, separator="|")
    assert frame["customer_id"].to_list() == EXPECTED["customer_id"]


def _png(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 80)


def _zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sheet.xml", "<row>" * 5000)


def _random(path):
    path.write_bytes(os.urandom(20_000))


def _nul_text(path):
    path.write_bytes(b"customer_id,order_date,revenue\n" + b"c1\x00\x00\x01,2026,\x02\n" * 2000)


@pytest.mark.parametrize(
    ("write", "kind"),
    [(_png, "PNG image"), (_zip, "zip archive"), (_random, "binary"), (_nul_text, "binary")],
)
def test_binary_files_give_one_short_error(tmp_path, write, kind):
    path = tmp_path / "orders.csv"
    write(path)
    with pytest.raises(DataValidationError) as caught:
        read_table(path, "orders")
    message = str(caught.value)
    assert kind in message and str(path) in message
    assert len(message) < 300
    assert all(line.isprintable() for line in message.splitlines())
    assert len(message.splitlines()) == 2


def test_long_garbage_in_a_reader_error_is_cut(tmp_path):
    path = tmp_path / "orders.parquet"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(DataValidationError, match="could not be read") as caught:
        read_table(path, "orders")
    assert len(str(caught.value)) < 400


def test_one_column_header_of_a_huge_line_is_quoted_short(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("a" * 20_000 + "\n" + "b" * 20_000 + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_table(path, "orders")
    assert len(str(caught.value)) < 800


def test_a_folder_is_named_as_a_folder(tmp_path):
    folder = tmp_path / "orders.csv"
    folder.mkdir()
    with pytest.raises(DataValidationError, match="is a folder, not a file") as caught:
        read_table(folder, "orders")
    assert caught.value.source == str(folder) and "Fix:" in str(caught.value)


@pytest.mark.parametrize("name", ["orders.csv", "orders.parquet"])
def test_a_file_without_read_permission_gives_the_kit_error(tmp_path, monkeypatch, name):
    path = tmp_path / name
    pl.DataFrame(EXPECTED).write_csv(path) if name.endswith("csv") else pl.DataFrame(
        EXPECTED
    ).write_parquet(path)
    real_open = open

    def denied(file, *args, **kwargs):  # root may read anything, so chmod proves nothing here
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", denied)
    monkeypatch.setattr(
        pl, "read_parquet", lambda *a, **k: denied(path)
    )  # polars opens files in Rust
    with pytest.raises(DataValidationError, match="no permission") as caught:
        read_table(path, "orders")
    assert str(path) in str(caught.value) and "chmod" in str(caught.value)


def test_detect_encoding_leaves_plain_text_alone():
    assert formats.detect_encoding(b"a,b\n1,2\n") == ("utf8", 0)
    assert formats.detect_encoding(b"\xef\xbb\xbfa,b") == ("utf8", 3)
    assert formats.detect_encoding("Kunde;Umsatz".encode("cp1252")) == ("utf8", 0)


def test_one_stray_control_character_does_not_make_a_file_binary(tmp_path):
    # found by the load_table fuzz: one control character in a cell of a small export
    path = tmp_path / "orders.csv"
    path.write_bytes(b"customer_id,order_date,revenue\nc1\x14,2026-03-01,5\n")
    assert read_table(path, "orders")["revenue"].to_list() == [5.0]


def test_a_ragged_line_is_named_with_its_text(tmp_path):
    path = tmp_path / "conversions.csv"
    path.write_text(
        "customer_id,timestamp,value\nc1,2026-01-13 04:47:31,45.70\nc2,2026-01-13 10:08:10,26,72\n"
    )
    with pytest.raises(
        DataValidationError, match="line 3 has 4 fields, the header has 3"
    ) as caught:
        read_table(path, "conversions")
    assert caught.value.rows == [3] and "decimal comma" in str(caught.value)
    assert "line 3: 'c2,2026-01-13 10:08:10,26,72'" in str(caught.value)


def test_an_unclosed_quote_is_named_by_the_line_it_opens_on(tmp_path):
    path = tmp_path / "touchpoints.csv"
    path.write_text(
        "sep=,\ncustomer_id,timestamp,channel\nc1,2026-01-05 13:48:08,display\n"
        'c2,2026-01-07 16:19:04,"email\nc3,2026-01-08 10:00:00,social,x\n'
    )
    with pytest.raises(DataValidationError, match="quote opened on line 4") as caught:
        read_table(path, "touchpoints")
    assert caught.value.rows == [4]


def test_a_contract_column_named_twice_is_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("customer_id,order_date,revenue,customer_id\nc1,2026-01-05,5,c2\n")
    with pytest.raises(DataValidationError, match="'customer_id' appears more than once"):
        read_table(path, "orders")


def test_a_missing_excel_sheet_lists_the_sheets(tmp_path):
    path = tmp_path / "orders.xlsx"
    pl.DataFrame(EXPECTED).write_excel(path, worksheet="Bestellungen")
    with pytest.raises(
        DataValidationError, match="no sheet 'Nope'; the workbook has 'Bestellungen'"
    ):
        read_table(path, "orders", sheet="Nope")


def test_a_json_file_is_named_as_unsupported(tmp_path):
    path = tmp_path / "orders.json"
    path.write_text('[{"customer_id": "c1", "order_date": "2026-01-05", "revenue": 5}]')
    with pytest.raises(DataValidationError, match=".json files are not supported"):
        read_table(path, "orders")


def test_an_unknown_encoding_option_is_refused(tmp_path):
    path = tmp_path / "orders.csv"
    pl.DataFrame(EXPECTED).write_csv(path)
    with pytest.raises(DataValidationError, match="encoding 'klingon' is not one the kit reads"):
        read_table(path, "orders", encoding="klingon")
    assert read_table(path, "orders", encoding="UTF-8").height == 2
