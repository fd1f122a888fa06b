"""Sniffing and value parsing, each checked against hand-written expectations."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mkt_engineering.formats import parse_bool, parse_datetime, parse_float, parse_path, sniff_text


@pytest.mark.parametrize(
    ("text", "separator", "decimal_comma"),
    [
        (
            'kunde;kommentar;umsatz\nc1;"gut, schnell";12,50\nc2;"ok";3\n',
            ";",
            True,
        ),  # commas inside quotes
        ("a,b,c\n1,2,3\n4,5,6\n", ",", False),
        ("a\tb\n1,5\t2\n", "\t", True),
        ("a|b|c\n1|2|3\n", "|", False),
        ("sep=;\na,b;c\n1;2\n", ";", False),  # Excel's separator line wins
        ("id;preis\nx;1.234\n", ";", False),  # 1.234 alone is not a decimal comma
    ],
)
def test_sniff(text, separator, decimal_comma):
    dialect = sniff_text(text)
    assert (dialect.separator, dialect.decimal_comma) == (separator, decimal_comma)


def test_sniff_header_and_skip():
    dialect = sniff_text("sep=;\nKunden-Nr ; Datum\n1;2\n")
    assert dialect.header == ["Kunden-Nr", "Datum"] and dialect.skip_lines == 1


def test_parse_datetime_families():
    german, family, mixed = parse_datetime(pl.Series(["31.12.2025 23:59", "01.01.2026", None]))
    assert german.to_list() == [dt.datetime(2025, 12, 31, 23, 59), dt.datetime(2026, 1, 1), None]
    assert family.startswith("DD.MM.YYYY") and mixed is None
    _, family, mixed = parse_datetime(pl.Series(["2026-01-02", "03.01.2026", "junk"]))
    assert family.startswith("YYYY-MM-DD") and mixed.to_list() == [False, True, False]


def test_parse_datetime_rejects_impossible_dates():
    parsed, _, mixed = parse_datetime(pl.Series(["2026-02-28", "2026-02-29", "31.04.2026"]))
    assert parsed.to_list() == [dt.datetime(2026, 2, 28), None, None] and mixed is None


@pytest.mark.parametrize(
    ("values", "comma", "expected"),
    [
        (["1.234.567,89", "-0,5", "12"], True, [1234567.89, -0.5, 12.0]),
        (["89.90", "1,234,567.5"], False, [89.9, 1234567.5]),
        (["12,5 €", "€ 3"], None, [12.5, 3.0]),
        (["1,234"], None, [1234.0]),  # three digits after the comma: thousands, not decimals
        (["abc", None], None, [None, None]),
    ],
)
def test_parse_float(values, comma, expected):
    assert parse_float(pl.Series(values, dtype=pl.String), comma).to_list() == expected


def test_parse_bool_and_path():
    assert parse_bool(pl.Series(["Ja", "NEIN", "1", "0", "yes", "no", "?"])).to_list() == [
        True,
        False,
        True,
        False,
        True,
        False,
        None,
    ]
    assert parse_path(pl.Series(["search>email > direct", None, "a >> b"])).to_list() == [
        ["search", "email", "direct"],
        None,
        ["a", "b"],
    ]
