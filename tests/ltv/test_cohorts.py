"""Cohort matrices: hand examples, totals that must add up, masked future cells."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering import DataValidationError
from mkt_engineering.ltv.cohorts import cohort_matrix, to_wide

ORDERS = pl.DataFrame(
    {
        "customer_id": ["a", "a", "a", "b", "c", "c", "d"],
        "order_date": [
            date(2024, 1, 5),
            date(2024, 1, 25),
            date(2024, 3, 9),
            date(2024, 1, 20),
            date(2024, 2, 2),
            date(2024, 3, 30),
            date(2024, 3, 3),
        ],
        "revenue": [10.0, 5.0, 20.0, 15.0, 30.0, 12.0, 8.0],
        "margin": [3.0, 1.5, 6.0, 4.5, 9.0, 3.6, 2.4],
        "acquisition_channel": [
            "search",
            "social",
            "social",
            "social",
            "search",
            "search",
            "search",
        ],
    }
)

MARCH_END = date(2024, 3, 31)  # the data cover all of March (the last order is on the 30th)


def test_hand_computed_retention_and_revenue():
    retention = to_wide(cohort_matrix(ORDERS, metric="retention", observation_end=MARCH_END))
    # January cohort (a, b): month 1 nobody, month 2 a -> 0.5. February (c): month 1 c.
    assert retention.rows() == [
        (date(2024, 1, 1), 2, 1.0, 0.0, 0.5),
        (date(2024, 2, 1), 1, 1.0, 1.0, None),
        (date(2024, 3, 1), 1, 1.0, None, None),
    ]
    revenue = to_wide(cohort_matrix(ORDERS, metric="revenue", observation_end=MARCH_END))
    assert revenue.row(0) == (date(2024, 1, 1), 2, 30.0, 0.0, 20.0)
    cumulative = to_wide(
        cohort_matrix(ORDERS, metric="cumulative_revenue_per_customer", observation_end=MARCH_END)
    )
    assert cumulative.row(0) == (date(2024, 1, 1), 2, 15.0, 15.0, 25.0)


def test_unobservable_cells_are_null_not_zero():
    matrix = cohort_matrix(ORDERS, metric="orders", observation_end="2024-03-31")
    march = matrix.filter(pl.col("cohort") == date(2024, 3, 1))
    assert march["value"].to_list() == [1.0, None, None]


def test_totals_add_up_on_demo_data(project_root):
    orders = pl.read_csv(project_root / "datasets/orders/orders.csv", try_parse_dates=True)
    revenue = cohort_matrix(orders, metric="revenue")
    assert revenue["value"].sum() == pytest.approx(orders["revenue"].sum(), rel=1e-12)
    margin = cohort_matrix(orders, metric="margin", by_channel=True)
    assert margin["value"].sum() == pytest.approx(orders["margin"].sum(), rel=1e-12)
    sizes = cohort_matrix(orders, metric="customers").filter(pl.col("period") == 0)
    assert (sizes["value"] == sizes["cohort_size"].cast(pl.Float64)).all()
    assert sizes["cohort_size"].sum() == orders["customer_id"].n_unique()
    weekly = cohort_matrix(orders, period="week", metric="retention")
    assert weekly.filter(pl.col("period") == 0)["value"].min() == 1.0
    cumulative = cohort_matrix(orders, metric="cumulative_revenue_per_customer").drop_nulls()
    steps = cumulative.with_columns(
        pl.col("value").diff().over("cohort", order_by="period").alias("step")
    )
    assert steps["step"].drop_nulls().min() >= 0


def test_by_channel_uses_the_first_orders_channel():
    matrix = cohort_matrix(ORDERS, metric="customers", by_channel=True)
    january = matrix.filter((pl.col("cohort") == date(2024, 1, 1)) & (pl.col("period") == 0))
    assert dict(zip(january["acquisition_channel"], january["cohort_size"], strict=True)) == {
        "search": 1,
        "social": 1,
    }


def test_errors_name_the_fix():
    with pytest.raises(DataValidationError, match="period"):
        cohort_matrix(ORDERS, period="fortnight")
    with pytest.raises(DataValidationError, match="metric"):
        cohort_matrix(ORDERS, metric="profit")
    with pytest.raises(DataValidationError, match="acquisition_channel"):
        cohort_matrix(ORDERS.drop("acquisition_channel"), by_channel=True)
    with pytest.raises(DataValidationError, match="margin"):
        cohort_matrix(ORDERS.drop("margin"), metric="margin")


def test_a_partly_observed_last_period_is_masked_not_shown_as_a_drop(project_root):
    """The demo cut on 3 December read December retention as 1-1.5% against about 9% in
    earlier months: three days of December shown as a whole month."""
    orders = pl.read_csv(project_root / "datasets/orders/orders.csv", try_parse_dates=True)
    cut = orders.filter(pl.col("order_date").dt.date() <= date(2025, 12, 3))
    matrix = cohort_matrix(cut, metric="retention")
    december = matrix.filter(
        pl.col("cohort").dt.offset_by(pl.format("{}mo", pl.col("period"))) == date(2025, 12, 1)
    )
    cohorts = matrix["cohort"].n_unique()
    assert december.height == cohorts  # one cell per cohort, December's own included
    assert december["value"].is_null().all() and december["partial"].all()
    # the complete months are what the full data say about them (independent of the cut)
    full = cohort_matrix(orders, metric="retention").filter(
        pl.col("cohort").dt.offset_by(pl.format("{}mo", pl.col("period"))) == date(2025, 11, 1)
    )
    november = matrix.join(full, on=["cohort", "period"], suffix="_full")
    assert november.height == full.height == cohorts - 1
    assert (november["value"] == november["value_full"]).all()
    assert not matrix.filter(pl.col("value").is_not_null())["partial"].any()


@pytest.mark.parametrize(
    ("end", "masked"), [("2024-03-31", False), ("2024-03-30", True), ("2024-03-03", True)]
)
def test_only_a_period_that_goes_on_after_the_end_is_partial(end, masked):
    matrix = cohort_matrix(
        ORDERS.filter(pl.col("order_date") <= date(2024, 3, 3)), observation_end=end
    )
    march = matrix.filter((pl.col("cohort") == date(2024, 3, 1)) & (pl.col("period") == 0))
    assert march["partial"].to_list() == [masked]
    assert march["value"].is_null().to_list() == [masked]


def test_partial_weeks_are_masked_too():
    matrix = cohort_matrix(ORDERS, period="week", metric="orders", observation_end="2024-03-30")
    last_week = matrix.filter(pl.col("partial"))
    # 30 March 2024 is a Saturday: that week runs to Sunday 31 March
    assert last_week.height > 0 and last_week["value"].is_null().all()
    assert cohort_matrix(ORDERS, period="week", observation_end="2024-03-31")["partial"].sum() == 0


def test_chart_and_text_say_the_last_period_is_partial():
    from mkt_engineering.ltv.charts import cohort_heatmap
    from mkt_engineering.ltv.explain import explain_cohorts

    partial = cohort_matrix(ORDERS, observation_end="2024-03-30")
    complete = cohort_matrix(ORDERS, observation_end="2024-03-31")
    subtitle = cohort_heatmap(partial).to_dict()["title"]["subtitle"]
    assert "partly observed" in subtitle
    assert "partly observed" not in cohort_heatmap(complete).to_dict()["title"]["subtitle"]
    assert "had not ended" in explain_cohorts(partial)
    assert "had not ended" not in explain_cohorts(complete)


@pytest.mark.parametrize("period", ["month", "quarter", "week"])
def test_revenue_metrics_equal_an_independent_sum_and_share_the_cohort_sizes(period):
    """Revenue metrics skip the count of customers per cell: their cells must still equal
    a plain sum of the orders, and their cohort sizes those of retention."""
    import numpy as np

    rng = np.random.default_rng(5)
    n = 4_000
    orders = pl.DataFrame(
        {
            "customer_id": rng.integers(0, 300, n).astype(str),
            "order_date": pl.date_range(date(2024, 1, 1), date(2024, 12, 31), eager=True)
            .sample(n, with_replacement=True, seed=3)
            .to_list(),
            "revenue": rng.gamma(2.0, 20.0, n),
        }
    )
    end = date(2024, 12, 31)
    every = {"month": "1mo", "quarter": "1q", "week": "1w"}[period]
    cohort = pl.col("order_date").min().over("customer_id").dt.truncate(every)
    at = pl.col("order_date").dt.truncate(every)
    months = (at.dt.year() - cohort.dt.year()) * 12 + at.dt.month() - cohort.dt.month()
    index = {"month": months, "quarter": months // 3, "week": (at - cohort).dt.total_days() // 7}
    truth = orders.group_by(
        cohort.alias("cohort"), index[period].cast(pl.Int64).alias("period")
    ).agg(pl.col("revenue").sum().alias("expected"))
    revenue = cohort_matrix(orders, period, "revenue", observation_end=end)
    retention = cohort_matrix(orders, period, "retention", observation_end=end)
    assert revenue["cohort_size"].to_list() == retention["cohort_size"].to_list()
    sizes = revenue.filter(pl.col("period") == 0)["cohort_size"]
    assert sizes.sum() == orders["customer_id"].n_unique()
    got = revenue.drop_nulls("value").join(truth, on=["cohort", "period"], how="left")
    assert got.height >= 9  # quarters: 4 cohorts, 10 cells; weeks and months: more
    assert got["expected"].fill_null(0.0).to_list() == pytest.approx(got["value"].to_list())


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.dates(date(1950, 1, 1), date(2060, 12, 31)), st.integers(0, 4000)),
        min_size=1,
        max_size=50,
    ),
    period=st.sampled_from(["month", "quarter"]),
)
def test_month_numbers_give_the_calendar_cohorts_and_periods(pairs, period):
    # Cohorts and periods by month numbers, against polars' calendar truncation.
    from mkt_engineering.ltv.cohorts import PERIODS, _cohort_and_period, _cohort_start

    days = pl.DataFrame(
        {
            "first": [first for first, _ in pairs],
            "day": [first + timedelta(days=later) for first, later in pairs],
        }
    )
    cohort, index = _cohort_and_period(period)
    got = days.select(cohort.alias("cohort"), index.alias("period")).with_columns(
        _cohort_start(period)
    )
    every = PERIODS[period]
    start, current = pl.col("first").dt.truncate(every), pl.col("day").dt.truncate(every)
    months = (current.dt.year() - start.dt.year()) * 12 + current.dt.month() - start.dt.month()
    expected = days.select(start.alias("cohort"), (months // (3 if period == "quarter" else 1)))
    assert got["cohort"].to_list() == expected["cohort"].to_list()
    assert got["period"].to_list() == expected.to_series(1).to_list()
