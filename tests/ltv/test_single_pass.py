"""One scan of the orders for every table: `purchase_days` and the tables read from it.

Each table made from the purchase days (and from the orders, which go the same way) is
checked against a brute-force computation per customer written out in plain Python below,
on hand-made orders with the cases a wrong single-pass aggregate gets wrong: several
purchase days of one customer in one period (a customer counts once), same-day orders (one
purchase), a first order after the calibration end, ties of channels at the first instant
and customers without a channel.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mkt_engineering import ltv
from mkt_engineering.ltv.cohorts import cohort_matrix
from mkt_engineering.ltv.days import PurchaseDays, purchase_days
from mkt_engineering.ltv.rfm import rfm_dropped_customers, rfm_summaries, rfm_summary
from mkt_engineering.ltv.validation import holdout_by_frequency, holdout_metrics, tracking

END, CUT = date(2024, 12, 31), date(2024, 8, 31)


def _orders() -> pl.DataFrame:
    """Hand-made cases first, then 400 seeded random orders of 40 customers."""
    rows = [
        # a: two purchase days in January (one customer in the cell), two orders on 5 Jan.
        ("a", datetime(2024, 1, 5, 9), 10.0, "search"),
        ("a", datetime(2024, 1, 5, 18), 5.0, "social"),
        ("a", datetime(2024, 1, 20, 12), 7.0, "social"),
        ("a", datetime(2024, 9, 3, 8), 11.0, None),
        # b: two channels at the same first instant: the alphabetically first one counts.
        ("b", datetime(2024, 2, 1, 12), 20.0, "social"),
        ("b", datetime(2024, 2, 1, 12), 4.0, "email"),
        # c: first order after the calibration end (left out of the calibration table).
        ("c", datetime(2024, 10, 2, 10), 30.0, "search"),
        ("c", datetime(2024, 12, 30, 10), 3.0, "search"),
        # d: no channel at all.
        ("d", datetime(2024, 3, 31, 23, 59, 59), 8.0, None),
        ("d", datetime(2024, 4, 1, 0, 0, 1), 9.0, None),
    ]
    generator = random.Random(16)
    channels = ["search", "social", "email", None]
    for _ in range(400):
        day = date(2024, 1, 1) + timedelta(days=generator.randrange(366))
        moment = datetime(day.year, day.month, day.day, generator.randrange(24))
        customer = f"r{generator.randrange(40):02d}"
        revenue = round(generator.uniform(1, 90), 2)
        rows.append((customer, moment, revenue, generator.choice(channels)))
    frame = pl.DataFrame(
        rows, schema=["customer_id", "order_date", "revenue", "acquisition_channel"], orient="row"
    )
    return frame.with_columns((pl.col("revenue") * 0.3).alias("margin"))


ORDERS = _orders()


def _period_start(day: date, period: str) -> date:
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day


def _periods_between(start: date, later: date, period: str) -> int:
    if period in ("month", "quarter"):
        months = (later.year - start.year) * 12 + later.month - start.month
        return months // 3 if period == "quarter" else months
    days = (later - start).days
    return days // 7 if period == "week" else days


def _brute_cells(orders: pl.DataFrame, period: str, by_channel: bool) -> dict:
    """(channel, cohort, period) -> (customers, orders, revenue), one customer at a time."""
    per_customer = defaultdict(list)
    for customer, moment, revenue, channel, _ in orders.iter_rows():
        per_customer[customer].append((moment, channel or "~", revenue))
    cells = {}
    for own in per_customer.values():
        first_moment, first_channel, _ = min(own)  # earliest instant, then channel (nulls last)
        channel = None if first_channel == "~" else first_channel
        cohort = _period_start(first_moment.date(), period)
        seen = set()
        for moment, _, revenue in own:
            index = _periods_between(cohort, _period_start(moment.date(), period), period)
            key = (channel if by_channel else None, cohort, index)
            customers, count, total = cells.get(key, (0, 0, 0.0))
            cells[key] = (customers + (key not in seen), count + 1, total + revenue)
            seen.add(key)
    return cells


@pytest.mark.parametrize("period", ["month", "quarter", "week", "day"])
@pytest.mark.parametrize("by_channel", [False, True])
def test_cohort_cells_equal_a_count_per_customer(period, by_channel):
    expected = _brute_cells(ORDERS, period, by_channel)
    if period == "week":  # END is a Tuesday: the cells of its week are masked (partial)
        last = (_period_start(END, "week") - date(2024, 1, 1)).days // 7
        expected = {k: v for k, v in expected.items() if
                    _periods_between(date(2024, 1, 1), k[1], "week") + k[2] != last}  # fmt: skip
    days = purchase_days(ORDERS)
    for source in (days, ORDERS):
        values = {}
        for metric in ("customers", "orders", "revenue"):
            matrix = cohort_matrix(
                source, period, metric, by_channel=by_channel, observation_end=END
            ).filter(pl.col("value") > 0)
            for row in matrix.iter_rows(named=True):
                key = (row.get("acquisition_channel"), row["cohort"], row["period"])
                values.setdefault(key, []).append(row["value"])
        assert set(values) == set(expected)
        for key, (customers, count, total) in expected.items():
            assert values[key] == pytest.approx([customers, count, total], rel=1e-12)


def test_cohort_sizes_and_cumulative_revenue_per_customer():
    days = purchase_days(ORDERS)
    matrix = cohort_matrix(days, "quarter", "cumulative_revenue_per_customer", observation_end=END)
    firsts = ORDERS.group_by("customer_id").agg(pl.col("order_date").min().dt.date())
    sizes = defaultdict(int)
    for _, first in firsts.iter_rows():
        sizes[_period_start(first, "quarter")] += 1
    for row in matrix.filter(pl.col("period") == 0).iter_rows(named=True):
        assert row["cohort_size"] == sizes[row["cohort"]]
    cells = _brute_cells(ORDERS, "quarter", False)
    january = [cells.get((None, date(2024, 1, 1), i), (0, 0, 0.0))[2] for i in range(4)]
    expected = np.cumsum(january) / sizes[date(2024, 1, 1)]
    actual = matrix.filter(pl.col("cohort") == date(2024, 1, 1))["value"].to_numpy()
    assert actual == pytest.approx(expected, rel=1e-12)


def _brute_rfm(orders: pl.DataFrame, end: date, cut: date | None) -> dict:
    """customer -> (frequency, recency and T in days, mean repeat spend[, holdout days, value])."""
    spend = defaultdict(lambda: defaultdict(float))
    for customer, moment, revenue, *_ in orders.iter_rows():
        spend[customer][moment.date()] += revenue
    limit = cut or end
    table = {}
    for customer, by_day in spend.items():
        calibration = sorted(d for d in by_day if d <= limit)
        if not calibration:
            continue
        repeats = calibration[1:]
        value = sum(by_day[d] for d in repeats) / len(repeats) if repeats else 0.0
        row = (len(repeats), (calibration[-1] - calibration[0]).days,
               (limit - calibration[0]).days, value)  # fmt: skip
        if cut is not None:
            later = [d for d in by_day if cut < d <= end]
            mean = sum(by_day[d] for d in later) / len(later) if later else 0.0
            row += (len(later), mean)
        table[customer] = row
    return table


def _as_dict(rfm: pl.DataFrame, holdout: bool) -> dict:
    columns = ["frequency", "recency", "T", "monetary_value"]
    columns += ["frequency_holdout", "monetary_value_holdout"] if holdout else []
    scaled = rfm.with_columns(pl.col("recency", "T") * 7)
    return {row[0]: tuple(row[1:]) for row in scaled.select("customer_id", *columns).iter_rows()}


def test_calibration_and_full_rfm_from_one_pass_equal_a_count_per_customer():
    days = purchase_days(ORDERS)
    calibration, full = rfm_summaries(days, END, calibration_end=CUT)
    for table, expected, holdout in (
        (calibration, _brute_rfm(ORDERS, END, CUT), True),
        (full, _brute_rfm(ORDERS, END, None), False),
    ):
        actual = _as_dict(table, holdout)
        assert set(actual) == set(expected)
        for customer, row in expected.items():
            assert actual[customer] == pytest.approx(row, rel=1e-12), customer
    assert "c" in full["customer_id"] and "c" not in calibration["customer_id"]
    # The same tables as one rfm_summary call each, on the orders or on the purchase days.
    for source in (ORDERS, days):
        assert_frame_equal(rfm_summary(source, END, calibration_end=CUT), calibration)
        assert_frame_equal(rfm_summary(source, END, keep_first_purchase=True).drop(
            "first_purchase"), full)  # fmt: skip


def test_facts_and_dropped_customers_from_the_purchase_days():
    days = purchase_days(ORDERS)
    assert isinstance(days, PurchaseDays)
    facts, direct = ltv.order_facts(days), ltv.order_facts(ORDERS)
    assert (facts.orders, facts.customers, facts.first_day, facts.last_day, facts.columns) == (
        direct.orders,
        direct.customers,
        direct.first_day,
        direct.last_day,
        direct.columns,
    )
    assert facts.revenue == pytest.approx(ORDERS["revenue"].sum(), rel=1e-12)
    assert facts.margin_share == pytest.approx(0.3, rel=1e-12)
    later = sum(
        1 for row in _brute_rfm(ORDERS, END, None) if row not in _brute_rfm(ORDERS, END, CUT)
    )
    assert rfm_dropped_customers(days, CUT) == rfm_dropped_customers(ORDERS, CUT) == later


class Counting(ltv.BetaGeo):
    """BG/NBD that records how many rows each conditional expectation is asked for."""

    rows: list[int]

    def conditional_purchases(self, t, x, tx, T, params=None):
        self.rows.append(len(x))
        return super().conditional_purchases(t, x, tx, T, params)


@pytest.fixture(scope="module")
def fitted() -> tuple[Counting, pl.DataFrame]:
    many = pl.concat([ORDERS.with_columns(pl.col("customer_id") + f"-{i}") for i in range(30)])
    calibration = rfm_summary(many, END, calibration_end=CUT)
    model = Counting().fit(calibration)
    return model, calibration


def test_holdout_checks_evaluate_distinct_rows_and_equal_the_per_customer_means(fitted):
    model, calibration = fitted
    x, tx, T = (calibration[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    actual = calibration["frequency_holdout"].to_numpy().astype(float)
    predicted = ltv.BetaGeo.__new__(ltv.BetaGeo)
    predicted.__dict__.update(model.__dict__)
    per_customer = predicted.conditional_purchases(
        float(calibration["duration_holdout"][0]), x, tx, T
    )
    model.rows = []
    metrics = holdout_metrics(model, calibration)
    distinct = calibration.select("frequency", "recency", "T", "frequency_holdout").unique().height
    assert model.rows == [distinct] and distinct * 10 < calibration.height
    assert metrics["mae"] == pytest.approx(np.abs(actual - per_customer).mean(), rel=1e-12)
    assert metrics["predicted_purchases"] == pytest.approx(per_customer.sum(), rel=1e-12)
    assert metrics["actual_purchases"] == actual.sum()
    assert metrics["customers"] == calibration.height
    table = holdout_by_frequency(model, calibration, max_frequency=3)
    bucket = np.minimum(x, 3)
    for row, level in zip(table.iter_rows(named=True), range(4), strict=True):
        chosen = bucket == level
        assert row["customers"] == chosen.sum()
        assert row["actual"] == pytest.approx(actual[chosen].mean(), rel=1e-12)
        assert row["predicted"] == pytest.approx(per_customer[chosen].mean(), rel=1e-12)


def test_tracking_counts_repeat_purchase_days_of_customers_acquired_by_the_cut(fitted):
    model, _ = fitted
    days = sorted({(c, m.date()) for c, m, *_ in ORDERS.iter_rows()})
    first = {}
    for customer, day in days:
        first.setdefault(customer, day)
    start = min(first.values())
    result = tracking(model, purchase_days(ORDERS), CUT, END, "D")
    assert_frame_equal(result, tracking(model, ORDERS, CUT, END, "D"))
    for row in result.iter_rows(named=True):
        edge = start + timedelta(days=row["period"])  # counts purchases before this day
        expected = sum(1 for c, d in days if first[c] <= CUT and first[c] < d < edge)
        assert row["actual_cumulative"] == expected


def test_an_engine_table_is_passed_through_and_reduced_in_its_engine():
    duckdb = pytest.importorskip("duckdb")
    relation = duckdb.from_arrow(ORDERS.drop("margin").to_arrow())
    assert purchase_days(relation) is relation
    calibration, full = rfm_summaries(purchase_days(relation), END, calibration_end=CUT)
    assert_frame_equal(calibration, rfm_summary(ORDERS, END, calibration_end=CUT), rel_tol=1e-9)
    assert_frame_equal(full, rfm_summary(ORDERS, END), rel_tol=1e-9)
