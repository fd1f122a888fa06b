"""One test per rule of the number formatter (mkt_engineering.formatting)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mkt_engineering import formatting as fmt
from mkt_engineering.formatting import currency_for
from mkt_engineering.reporting.tables import human_table


def test_points_and_percent_are_kept_apart():
    # a rate from 9.58% to 11.19%: +1.6 points, or +16.8% relative to control
    assert fmt.points(0.1119 - 0.0958, signed=True) == "+1.6 points"
    assert fmt.change(0.1119 / 0.0958 - 1) == "+16.8%"
    assert fmt.points(-0.0161, signed=True, language="de") == "-1,6 Prozentpunkte"
    assert fmt.percent(0.0958) == "9.6%"
    assert fmt.points(0.018) == "1.8 points"  # unsigned, as the explain texts use it


def test_currency_follows_the_run_and_the_language():
    euro, dollar = currency_for("EUR"), currency_for("$")
    assert fmt.money(1234.56, currency=euro) == "€1,234.56"
    assert fmt.money(1234.56, currency=euro, language="de") == "1.234,56 €"
    assert fmt.money(236344, 0, dollar) == "$236,344"
    assert fmt.money(-5, currency=dollar) == "-$5.00"
    assert fmt.money(12.5, currency=currency_for("CHF")) == "CHF 12.50"
    assert fmt.money(12.5, currency=currency_for("")) == "12.50"  # no currency: no sign made up


def test_p_values_never_show_an_exponent():
    assert fmt.p_value(2.7e-18) == "p < 0.001"
    assert fmt.p_value(2.7e-18, language="de") == "p < 0,001"
    assert fmt.p_value(0.0383) == "p = 0.038"
    assert fmt.p_value(0.43) == "p = 0.43"
    assert fmt.p_value(float("nan")) == "p not computable"


def test_open_ended_bins_never_show_a_placeholder_edge():
    assert fmt.bin_labels([0, 7, 14, 10000], "days") == ["0–7 days", "7–14 days", "14+ days"]
    assert fmt.bin_label(72, float("inf"), "h") == "72+ h"
    assert [fmt.open_bin(x) for x in ("14–10000", "72–inf h", "80–101")] == ["14+", "72+ h", "80+"]


def test_german_numbers_throughout():
    assert fmt.count(1200, "de") == "1.200"
    assert fmt.number(236344.4, 0, "de") == "236.344"
    assert fmt.percent(0.38, 0, "de") == "38 %"
    assert fmt.bin_label(1.5, 2.5, "", "de") == "1,5–2,5"


def test_dates_in_each_language():
    day = dt.date(2025, 6, 30)
    assert fmt.date(day) == "30 Jun 2025"
    assert fmt.date(day, "de") == "30.06.2025"
    assert fmt.date(dt.datetime(2026, 3, 1, 12), "de", style="month") == "März 2026"


def test_counts_have_thousands_separators_and_missing_values_are_named():
    assert fmt.count(12345) == "12,345"
    assert fmt.number(float("nan")) == "–"
    assert fmt.percent(float("inf")) == "∞"
    assert fmt.number(-0.2, 0) == "0"  # never "-0"


def test_human_column_names_with_units():
    euro = currency_for("€")
    assert fmt.column_label("clv", currency=euro) == "CLV (€)"
    assert fmt.column_label("ltv_cac") == "LTV : CAC"
    assert fmt.column_label("acquisition_channel", "de") == "Kanal"
    assert fmt.column_label("payback_month") == "Payback month"


def test_human_table_changes_only_the_headers():
    frame = pl.DataFrame({"acquisition_channel": ["search"], "clv": [24.48036], "ltv_cac": [1.35]})
    html = human_table(frame, "de", currency_for("EUR"))._repr_html_()
    assert ">CLV (€)</th>" in html and ">LTV : CAC</th>" in html and ">Kanal</th>" in html
    assert "24,5" in html  # the cells keep the table formatter's rules (German, 3 digits)
    assert frame.columns == ["acquisition_channel", "clv", "ltv_cac"]  # the data are untouched


@pytest.mark.parametrize(
    ("kind", "language", "expected"),
    [
        (
            "points",
            "en",
            "(datum.value > 0 ? '+' : '') + format(datum.value * 100, '.1f') + ' points'",
        ),
        ("percent", "de", "format(datum.value * 100, ',.1f') + ' %'"),
        ("money", "en", "(datum.value < 0 ? '-' : '') + '€' + format(abs(datum.value), ',.2f')"),
    ],
)
def test_chart_axes_use_the_same_rules(kind, language, expected):
    assert fmt.vega_label_expr(kind, language=language, currency="€") == expected


def test_vega_count_axes_have_whole_ticks_only():
    assert fmt.vega_format("count")["tickMinStep"] == 1
    with pytest.raises(ValueError, match="vega_label_expr"):
        fmt.vega_format("points")
