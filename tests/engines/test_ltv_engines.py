"""Lifetime-value reductions inside DuckDB and Spark equal the polars functions.

The polars path of each `mkt_engineering.ltv` function is the reference; the same rows as
a DuckDB relation or Spark DataFrame must give the same table: counts exact, floats within
1e-9 relative. Hand-made orders add values worked out by hand (same-day orders, a time of
day near midnight, one-order customers, an empty holdout, missing channels, ties).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mkt_engineering import ltv
from mkt_engineering.io import load_table

DATASETS = Path(__file__).resolve().parents[2] / "datasets" / "orders"
END, CUT = date(2025, 12, 31), date(2025, 6, 30)


def same(expected: pl.DataFrame, actual: pl.DataFrame) -> None:
    """Counts and dates exactly, floats within 1e-9 relative."""
    assert_frame_equal(expected, actual, rel_tol=1e-9, abs_tol=0.0)


@pytest.fixture(scope="module")
def demo() -> pl.DataFrame:
    return load_table(DATASETS / "orders.csv", table="orders").frame


@pytest.fixture(scope="module")
def spend() -> pl.DataFrame:
    return load_table(DATASETS / "spend.csv", table="spend").frame


@pytest.fixture(scope="module")
def edges() -> pl.DataFrame:
    """Four customers (worked out by hand in the tests below).

    a: two orders on 1 Jan (10:00 search, 23:59:59 display) and one at 00:00:01 on 2 Jan;
    b: one order, no channel; c: two orders at the same instant (social, email) on 1 Feb
    and one on 15 Mar; d: one order on 20 Mar, no channel.
    """
    return pl.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c", "c", "c", "d"],
            "order_date": [
                datetime(2024, 1, 1, 10),
                datetime(2024, 1, 1, 23, 59, 59),
                datetime(2024, 1, 2, 0, 0, 1),
                datetime(2024, 1, 10, 9),
                datetime(2024, 2, 1, 12),
                datetime(2024, 2, 1, 12),
                datetime(2024, 3, 15, 8),
                datetime(2024, 3, 20, 18),
            ],
            "revenue": [10.0, 5.0, 20.0, 30.0, 7.0, 8.0, 12.0, 5.0],
            "margin": [3.0, 1.5, 6.0, 9.0, 2.0, 2.5, 4.0, 1.0],
            "acquisition_channel": [
                "search",
                "display",
                "display",
                None,
                "social",
                "email",
                "email",
                None,
            ],
        }
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"calibration_end": CUT},
        {"time_unit": "D", "keep_first_purchase": True},
        {"time_unit": "M", "calibration_end": CUT, "keep_first_purchase": True},
    ],
    ids=["weeks", "holdout", "days-first", "months-holdout-first"],
)
def test_rfm_summary_on_the_demo_orders(demo, as_engine, options):
    same(ltv.rfm_summary(demo, END, **options), ltv.rfm_summary(as_engine(demo), END, **options))


def test_rfm_summary_of_hand_made_orders(edges, as_engine):
    orders = as_engine(edges)
    rfm = ltv.rfm_summary(orders, date(2024, 3, 31), "D", keep_first_purchase=True)
    # a: 1 Jan (10 + 5) and 2 Jan (20) are two purchase days; 23:59:59 is still 1 Jan.
    assert rfm.rows() == [
        ("a", 1, 1.0, 90.0, 20.0, date(2024, 1, 1)),
        ("b", 0, 0.0, 81.0, 0.0, date(2024, 1, 10)),
        ("c", 1, 43.0, 59.0, 12.0, date(2024, 2, 1)),
        ("d", 0, 0.0, 11.0, 0.0, date(2024, 3, 20)),
    ]
    holdout = ltv.rfm_summary(orders, date(2024, 3, 31), "D", calibration_end=date(2024, 2, 29))
    assert holdout.select("customer_id", "frequency_holdout", "monetary_value_holdout").rows() == [
        ("a", 0, 0.0),
        ("b", 0, 0.0),
        ("c", 1, 12.0),
    ]
    same(
        ltv.rfm_summary(edges, date(2024, 3, 31), "W", calibration_end=date(2024, 2, 29)),
        ltv.rfm_summary(orders, date(2024, 3, 31), "W", calibration_end=date(2024, 2, 29)),
    )
    assert ltv.rfm_dropped_customers(orders, date(2024, 2, 29)) == 1


def test_an_empty_holdout_gives_zero_holdout_purchases(edges, as_engine):
    rfm = ltv.rfm_summary(as_engine(edges), date(2024, 3, 31), calibration_end=date(2024, 3, 25))
    assert rfm["frequency_holdout"].to_list() == [0, 0, 0, 0]
    assert rfm["monetary_value_holdout"].to_list() == [0.0] * 4
    same(ltv.rfm_summary(edges, date(2024, 3, 31), calibration_end=date(2024, 3, 25)), rfm)


def test_dropped_customers_on_the_demo_orders(demo, as_engine):
    assert ltv.rfm_dropped_customers(as_engine(demo), CUT) == ltv.rfm_dropped_customers(demo, CUT)


@pytest.mark.parametrize("period", ["month", "quarter", "week"])
@pytest.mark.parametrize("by_channel", [False, True], ids=["all", "by-channel"])
def test_cohort_matrix_on_the_demo_orders(demo, as_engine, period, by_channel):
    orders = as_engine(demo)
    # customers and revenue_per_customer come from the same cells as retention and revenue.
    for metric in ("retention", "orders", "margin", "cumulative_revenue_per_customer"):
        expected = ltv.cohort_matrix(demo, period=period, metric=metric, by_channel=by_channel)
        actual = ltv.cohort_matrix(orders, period=period, metric=metric, by_channel=by_channel)
        same(expected, actual)


def test_cohort_matrix_by_day_with_an_end_inside_a_period(demo, as_engine):
    end = date(2025, 11, 20)
    for metric in ("retention", "orders"):
        expected = ltv.cohort_matrix(demo, "day", metric, observation_end=end)
        same(expected, ltv.cohort_matrix(as_engine(demo), "day", metric, observation_end=end))


def test_cohort_matrix_of_hand_made_orders(edges, as_engine):
    orders = as_engine(edges)
    retention = ltv.cohort_matrix(orders, by_channel=True, observation_end=date(2024, 3, 31))
    # Customers without a channel are cohorts of their own (they were null cells before);
    # c's two orders at the same instant give the alphabetically first channel, email.
    assert retention.select("acquisition_channel", "cohort", "period", "value").rows() == [
        (None, date(2024, 1, 1), 0, 1.0),
        (None, date(2024, 1, 1), 1, 0.0),
        (None, date(2024, 1, 1), 2, 0.0),
        (None, date(2024, 3, 1), 0, 1.0),
        (None, date(2024, 3, 1), 1, None),
        (None, date(2024, 3, 1), 2, None),
        ("email", date(2024, 2, 1), 0, 1.0),
        ("email", date(2024, 2, 1), 1, 1.0),
        ("email", date(2024, 2, 1), 2, None),
        ("search", date(2024, 1, 1), 0, 1.0),
        ("search", date(2024, 1, 1), 1, 0.0),
        ("search", date(2024, 1, 1), 2, 0.0),
    ]
    margin = ltv.cohort_matrix(orders, "week", "margin", observation_end=date(2024, 3, 20))
    # Week of Monday 1 Jan: a (3 + 1.5, and 6 on 2 Jan) and nothing else; b is in week 2.
    assert margin.filter(pl.col("cohort") == date(2024, 1, 1))["value"][0] == 10.5
    for period in ("month", "quarter", "week", "day"):
        for metric in ("customers", "revenue", "margin"):
            expected = ltv.cohort_matrix(edges, period, metric, by_channel=True)
            same(expected, ltv.cohort_matrix(orders, period, metric, by_channel=True))


def test_order_facts_and_margin_share(demo, edges, as_engine):
    facts = ltv.order_facts(as_engine(edges))
    assert (facts.orders, facts.customers) == (8, 4)
    assert (facts.first_day, facts.last_day) == (date(2024, 1, 1), date(2024, 3, 20))
    assert facts.margin_share == pytest.approx(29.0 / 97.0, rel=1e-12)
    demo_facts = ltv.order_facts(as_engine(demo))
    assert demo_facts.orders == demo.height
    assert demo_facts.customers == demo["customer_id"].n_unique()
    assert demo_facts.last_day == demo["order_date"].max().date()
    assert demo_facts.first_day == demo["order_date"].min().date()
    assert demo_facts.margin_share == pytest.approx(ltv.margin_share(demo), rel=1e-9)
    assert ltv.margin_share(as_engine(demo)) == pytest.approx(ltv.margin_share(demo), rel=1e-9)


def test_tracking_acquisition_cost_and_forecast(demo, spend, as_engine):
    orders = as_engine(demo)
    rfm = ltv.rfm_summary(demo, END)
    purchases, spending = ltv.BetaGeo().fit(rfm), ltv.GammaGamma().fit(rfm)
    same(ltv.tracking(purchases, demo, CUT, END), ltv.tracking(purchases, orders, CUT, END))
    same(ltv.acquisition_cost(spend, demo), ltv.acquisition_cost(spend, orders))
    same(
        ltv.cohort_revenue_forecast(purchases, spending, demo, END, acquisition_plan=50.0),
        ltv.cohort_revenue_forecast(purchases, spending, orders, END, acquisition_plan=50.0),
    )


def test_channel_value(demo, spend, engine, as_engine):
    if engine == "polars":
        pytest.skip("the polars run is the reference")
    expected = ltv.channel_value(demo, END, spend=spend)
    actual = ltv.channel_value(as_engine(demo), END, spend=spend)
    # The models are fitted by an optimiser on the (equal) RFM tables; refits on polars alone
    # already differ by ~1e-8 relative (sums in parallel), so the values are held to 1e-6.
    assert_frame_equal(expected, actual, rel_tol=1e-6)


def test_the_report_never_brings_the_order_rows_back(demo, spend, duckdb_connection, monkeypatch):
    """Every ltv function of the cohort_ltv report on a DuckDB relation: only aggregates leave.

    Each result DuckDB hands back is counted; none is as long as the orders, and the
    report's tables equal those of the polars run.
    """
    from narwhals._duckdb.dataframe import DuckDBLazyFrame

    heights: list[int] = []
    collect = DuckDBLazyFrame.collect

    def counted(self, *args, **kwargs):
        result = collect(self, *args, **kwargs)
        heights.append(len(result.native))
        return result

    monkeypatch.setattr(DuckDBLazyFrame, "collect", counted)
    orders = duckdb_connection.from_arrow(demo.to_arrow())
    results = _report_tables(orders, spend)
    expected = _report_tables(demo, spend)
    assert heights and max(heights) <= demo["customer_id"].n_unique() < demo.height
    for name in expected:
        if name in FITTED:
            assert_frame_equal(expected[name], results[name], rel_tol=1e-6)
        elif isinstance(expected[name], pl.DataFrame):
            same(expected[name], results[name])
        else:
            assert results[name] == expected[name], name


# Tables that hold values of a model fitted by an optimiser (see test_channel_value).
FITTED = {"tracking", "channels", "forecast"}


def _report_tables(orders, spend) -> dict:
    """The calls of notebooks/reports/cohort_ltv.ipynb on ``orders``, with its defaults."""
    facts = ltv.order_facts(orders)
    rfm = ltv.rfm_summary(orders, facts.last_day, "W")
    purchases, spending = ltv.BetaGeo().fit(rfm), ltv.GammaGamma().fit(rfm)
    calibration = ltv.rfm_summary(orders, facts.last_day, "W", calibration_end=CUT)
    tested = ltv.BetaGeo().fit(calibration)
    return {
        "facts": (facts.orders, facts.customers, facts.first_day, facts.last_day),
        "retention": ltv.cohort_matrix(orders, period="month", metric="retention"),
        "cumulative": ltv.cohort_matrix(
            orders, "quarter", "cumulative_revenue_per_customer", by_channel=True
        ),
        "calibration": calibration,
        "dropped": ltv.rfm_dropped_customers(orders, CUT),
        "tracking": ltv.tracking(tested, orders, CUT, facts.last_day, "W"),
        "rfm": rfm,
        "channels": ltv.channel_value(orders, facts.last_day, spend=spend),
        "forecast": ltv.cohort_revenue_forecast(purchases, spending, orders, facts.last_day),
    }


def test_zoned_order_times_count_the_utc_day(edges, as_engine):
    """Times in UTC: 23:59:59 and 00:00:01 stay on their two days on every engine."""
    zoned = as_engine(edges.with_columns(pl.col("order_date").dt.replace_time_zone("UTC")))
    end = date(2024, 3, 31)
    same(ltv.rfm_summary(edges, end, "D"), ltv.rfm_summary(zoned, end, "D"))
    same(
        ltv.cohort_matrix(edges, "week", "orders", by_channel=True),
        ltv.cohort_matrix(zoned, "week", "orders", by_channel=True),
    )
