"""Hypothesis round trips: whatever a valid table looks like, writing and reading it back
(English or German conventions) gives the same values."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering.formats import parse_float
from mkt_engineering.io import read_table

ids = st.text(alphabet="abcdefghijkmnopqrstuvwxyzäöüß0123456789-_", min_size=1, max_size=8)
money = st.decimals(
    min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False
).map(float)
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
orders = st.lists(st.tuples(ids, moments, money), min_size=1, max_size=30)


def _german_number(value: float) -> str:
    return f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@settings(deadline=None, max_examples=40)
@given(rows=orders, german=st.booleans(), bom=st.booleans())
def test_orders_round_trip(tmp_path_factory, rows, german, bom):
    folder = tmp_path_factory.mktemp("roundtrip")
    if german:
        text = "Kunde;Datum;Umsatz\n" + "".join(
            f"{c};{d:%d.%m.%Y %H:%M:%S};{_german_number(v)}\n" for c, d, v in rows
        )
        columns = {"Kunde": "customer_id", "Datum": "order_date", "Umsatz": "revenue"}
        data = text.encode("cp1252")
    else:
        text = "customer_id,order_date,revenue\n" + "".join(
            f"{c},{d:%Y-%m-%d %H:%M:%S},{v:.2f}\n" for c, d, v in rows
        )
        columns, data = None, text.encode("utf-8")
    path = folder / "orders.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom and not german else b"") + data)
    frame = read_table(path, "orders", columns, as_of="2036-01-01")  # moments run to 2035
    assert frame["customer_id"].to_list() == [c for c, _, _ in rows]
    assert frame["order_date"].to_list() == [d for _, d, _ in rows]
    assert frame["revenue"].to_list() == [v for _, _, v in rows]


@settings(deadline=None, max_examples=40)
@given(frame_rows=orders)
def test_parquet_round_trip_is_identity(tmp_path_factory, frame_rows):
    frame = pl.DataFrame(
        frame_rows,
        schema={"customer_id": pl.String, "order_date": pl.Datetime("us"), "revenue": pl.Float64},
        orient="row",
    )
    path = tmp_path_factory.mktemp("parquet") / "orders.parquet"
    frame.write_parquet(path)
    assert read_table(path, "orders", as_of="2036-01-01").equals(frame)


@settings(deadline=None, max_examples=60)
@given(value=st.decimals(min_value=-1e9, max_value=1e9, places=2, allow_nan=False).map(float))
def test_parse_float_german_and_english(value):
    german = _german_number(value)
    english = f"{value:,.2f}"
    parsed = parse_float(pl.Series([german]), decimal_comma=True).item()
    assert abs(parsed - value) < 1e-6
    assert abs(parse_float(pl.Series([english]), decimal_comma=False).item() - value) < 1e-6
