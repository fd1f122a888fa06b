"""Lesson 02 (cohort value): the checks of its exercises.

Each check recomputes the expected answer from the data or models the lesson passes in,
so it works for any seed, and recognizes the answers that common mistakes produce. No
check prints the expected value.

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> orders = pl.DataFrame({"customer_id": ["a", "a", "b"], "revenue": [10.0, 30.0, 20.0],
...                        "order_date": [date(2024, 1, 3), date(2024, 2, 5), date(2024, 1, 9)]})
>>> check_average_order_value(20.0, orders).passed
True
>>> check_average_order_value(30.0, orders).hint.startswith("That is revenue per customer")
True
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from mkt_engineering.teaching.feedback import Feedback, check_columns, check_number
from mkt_engineering.teaching.ladder import exercise


def _retention(orders: pl.DataFrame, cohort: date = date(2024, 1, 1)) -> float:
    from mkt_engineering.ltv import cohort_matrix

    retention = cohort_matrix(orders, metric="retention")
    return retention.filter((pl.col("cohort") == cohort) & (pl.col("period") == 1))["value"].item()


def _rfm(orders: pl.DataFrame, observation_end: date) -> pl.DataFrame:
    from mkt_engineering.ltv import rfm_summary

    return rfm_summary(orders, observation_end)


def _holdout_error(model, calibration: pl.DataFrame) -> float:
    from mkt_engineering.ltv import holdout_metrics

    return holdout_metrics(model, calibration)["aggregate_error"]


def _clv(purchases, spend_model, *, margin: float, discount_rate: float, horizon_months=12):
    from mkt_engineering.ltv import new_customer_value

    value = new_customer_value(
        purchases,
        spend_model,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin=margin,
    )
    return float(value["cumulative_value"][-1])


@exercise(
    "january_next_month",
    ladder=(
        "The retention table has one row per cohort and period. Keep the row of the January "
        "2024 cohort (cohort == date(2024, 1, 1)) in period 1.",
        'Two conditions in one filter: retention.filter((pl.col("cohort") == date(2024, 1, '
        '1)) & (pl.col("period") == 1)), then take ["value"].item().',
        "january_next_month = retention.filter(\n"
        '    (pl.col("cohort") == date(2024, 1, 1)) & (pl.col("period") == 1)\n'
        ')["value"].item()',
    ),
    reference=_retention,
)
def check_cohort_retention(
    answer: Any, orders: pl.DataFrame, cohort: date = date(2024, 1, 1)
) -> Feedback:
    """Exercise 1: share of a monthly cohort ordering again in the month after the first order.

    Parameters
    ----------
    answer : Any
        The learner's ``january_next_month``: a share between 0 and 1;
        ``None`` while not answered yet.
    orders : pl.DataFrame
        The demo orders (``customer_id``, ``order_date``, ``revenue``).
    cohort : date
        The first day of the cohort's month (January 2024 in the lesson).

    Returns
    -------
    Feedback
        Passed or not: recognises period 0 or 2 instead of 1, a count of customers and a
        percentage. ``.use()`` returns the answer when it is right, else the reference
        value.
    """
    from mkt_engineering.ltv import cohort_matrix

    retention = cohort_matrix(orders, metric="retention").filter(pl.col("cohort") == cohort)
    counts = cohort_matrix(orders, metric="customers").filter(pl.col("cohort") == cohort)
    expected = retention.filter(pl.col("period") == 1)["value"].item()
    mistakes = {
        1.0: "That is period 0, the month of the first order, where every customer buys by "
        "definition. Take period 1.",
        float(
            counts.filter(pl.col("period") == 1)["value"].item()
        ): "That is a number of customers. "
        "Divide by the cohort size, or read the retention metric directly.",
        100 * expected: "That looks like a percentage. Give the share as a number between 0 and 1.",
        float(
            retention.filter(pl.col("period") == 2)["value"].item()
        ): "That is two months after the first "
        "order (period 2). Period 1 is the month right after.",
    }
    return check_number(
        answer,
        expected,
        label=f"the share of the {cohort:%B %Y} cohort buying again a month later",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Filter the retention matrix to the cohort and period 1, then take value.",
    )


@exercise(
    "average_order_value",
    ladder=(
        "Each row of orders is one order, and revenue is its value.",
        'The average of a column is .mean(): orders["revenue"].mean().',
        'average_order_value = orders["revenue"].mean()',
    ),
    reference=lambda orders: float(orders["revenue"].mean()),
)
def check_average_order_value(answer: Any, orders: pl.DataFrame) -> Feedback:
    """Exercise 2: the average revenue of an order.

    Parameters
    ----------
    answer : Any
        The learner's ``average_order_value``: an amount; ``None`` while not answered yet.
    orders : pl.DataFrame
        The orders, one row per order with its ``revenue``.

    Returns
    -------
    Feedback
        Passed or not: recognises revenue per customer, the median order and the total
        revenue. ``.use()`` returns the answer when it is right, else the reference
        value.
    """
    expected = float(orders["revenue"].mean())
    mistakes = {
        float(
            orders["revenue"].sum() / orders["customer_id"].n_unique()
        ): "That is revenue per customer. "
        "The exercise asks for revenue per order: divide by the number of orders instead.",
        float(
            orders["revenue"].median()
        ): "That is the median order. The exercise asks for the mean (average).",
        float(
            orders["revenue"].sum()
        ): "That is the total revenue. Divide it by the number of orders.",
    }
    return check_number(
        answer,
        expected,
        label="the average order value",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Take the mean of the revenue column.",
    )


@exercise(
    "rfm",
    ladder=(
        "The kit builds the whole RFM table in one call: ltv.rfm_summary(orders, ...).",
        "Give the end of the data as a date: observation_end=date(2025, 12, 31) (year, month, "
        "day, without leading zeros).",
        "rfm = ltv.rfm_summary(orders, observation_end=date(2025, 12, 31))",
    ),
    reference=_rfm,
)
def check_rfm_table(answer: Any, orders: pl.DataFrame, observation_end: date) -> Feedback:
    """Exercise 3: the RFM summary (weeks) of the orders up to ``observation_end``.

    Parameters
    ----------
    answer : Any
        The learner's ``rfm``: a polars DataFrame as `ltv.rfm_summary` returns it;
        ``None`` while not answered yet.
    orders : pl.DataFrame
        The orders the table summarises.
    observation_end : date
        The last day of the data the exercise gives.

    Returns
    -------
    Feedback
        Passed or not: names missing columns, a LazyFrame, rows lost by a filter, a
        frequency that counts the first purchase, and days instead of weeks. ``.use()``
        returns the answer when it is right, else the reference table.
    """
    from mkt_engineering.ltv import rfm_summary

    if isinstance(answer, pl.LazyFrame):
        return Feedback(
            False,
            "your RFM table is a LazyFrame: it has not been computed yet.",
            hint="rfm_summary returns a DataFrame; call .collect() if you built it lazily.",
        )
    columns = check_columns(
        answer,
        ("customer_id", "frequency", "recency", "T", "monetary_value"),
        label="your RFM table",
    )
    if not columns:
        if isinstance(answer, pl.DataFrame):
            columns.hint = (
                f"{columns.hint} ltv.rfm_summary(orders, observation_end=...) makes all of them."
            )
        return columns
    expected = rfm_summary(orders, observation_end)
    if answer.height != expected.height:
        return Feedback(
            False,
            f"your RFM table has {answer.height:,} rows; it needs one row per customer.",
            hint="Did you filter orders, or pass a different observation_end?",
            right=[columns.message],
        )
    got, want = float(answer["frequency"].sum()), float(expected["frequency"].sum())
    if abs(got - want - expected.height) < 0.5:
        return Feedback(
            False,
            "frequency counts one purchase too many per customer.",
            hint="frequency counts repeat purchases only: the first purchase is not counted.",
            right=[columns.message],
        )
    if abs(got - want) > 0.5:
        return Feedback(
            False,
            "frequency is not right yet.",
            hint="Use rfm_summary: it merges same-day orders.",
            right=[columns.message],
        )
    ratio = float(answer["T"].mean() / expected["T"].mean())
    if abs(ratio - 7) < 0.05:
        return Feedback(
            False,
            "recency and T are in days; the lesson works in weeks.",
            hint="Pass time_unit='W' (the default) to rfm_summary.",
            right=[columns.message],
        )
    if abs(ratio - 1) > 1e-6:
        return Feedback(
            False,
            "T is not right yet.",
            hint="Use the observation_end the exercise gives.",
            right=[columns.message],
        )
    return Feedback(True, "your RFM table is right.", right=[columns.message])


@exercise(
    "holdout_error",
    ladder=(
        "ltv.holdout_metrics(tested, calibration) compares the forecast with the holdout "
        "months and returns a dict of numbers.",
        'Read one entry of the dict with square brackets: [..]["aggregate_error"].',
        'holdout_error = ltv.holdout_metrics(tested, calibration)["aggregate_error"]',
    ),
    reference=_holdout_error,
)
def check_holdout_error(answer: Any, model, calibration: pl.DataFrame) -> Feedback:
    """Exercise 4: the model's aggregate holdout error, (predicted - actual) / actual.

    Parameters
    ----------
    answer : Any
        The learner's ``holdout_error``: a signed share; ``None`` while not answered yet.
    model : BetaGeo
        The purchase model fitted on the calibration period.
    calibration : pl.DataFrame
        The RFM table with the holdout columns
        (``rfm_summary(..., calibration_end=...)``).

    Returns
    -------
    Feedback
        Passed or not: recognises a flipped sign, a percentage, the mean absolute error
        and the gap in purchases. ``.use()`` returns the answer when it is right, else
        the reference value.
    """
    from mkt_engineering.ltv import holdout_metrics

    metrics = holdout_metrics(model, calibration)
    expected = metrics["aggregate_error"]
    mistakes = {
        -expected: "The sign is flipped. Compute (predicted - actual) / actual: positive means the "
        "model expected more.",
        100 * expected: "That looks like a percentage. Give the error as a share (0.05 for 5%).",
        metrics["mae"]: "That is the mean absolute error per customer, not the aggregate error.",
        metrics["predicted_purchases"]
        - metrics["actual_purchases"]: "That is the gap in purchases. "
        "Divide it by the actual purchases to get a relative error.",
    }
    return check_number(
        answer,
        expected,
        label="the aggregate holdout error",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Use holdout_metrics(model, calibration) and read 'aggregate_error'.",
    )


@exercise(
    "new_customer_clv",
    ladder=(
        "ltv.new_customer_value(purchases, spend_model, ...) returns the value month by month; "
        "the last row of cumulative_value is the 12-month value.",
        "Pass horizon_months=12, discount_rate=0.10 and margin=margin, then take "
        '["cumulative_value"][-1].',
        "new_customer_clv = ltv.new_customer_value(\n"
        "    purchases, spend_model, horizon_months=12, discount_rate=0.10, margin=margin\n"
        ')["cumulative_value"][-1]',
    ),
    reference=_clv,
)
def check_new_customer_clv(
    answer: Any,
    purchases,
    spend_model,
    *,
    margin: float,
    discount_rate: float,
    horizon_months: int = 12,
) -> Feedback:
    """Exercise 5: the discounted margin value of an average new customer over the horizon.

    Parameters
    ----------
    answer : Any
        The learner's ``new_customer_clv``: an amount; ``None`` while not answered yet.
    purchases : BetaGeo
        The fitted purchase model.
    spend_model : GammaGamma
        The fitted spend model.
    margin : float
        The margin share the business keeps of each order.
    discount_rate : float
        Yearly discount rate (0.10 in the lesson).
    horizon_months : int
        Months of value counted.

    Returns
    -------
    Feedback
        Passed or not: recognises a value in revenue (no margin), an undiscounted value
        and a value without the first order. ``.use()`` returns the answer when it is
        right, else the reference value.
    """
    from mkt_engineering.ltv import new_customer_value

    def value(**changes) -> float:
        options = {
            "horizon_months": horizon_months,
            "discount_rate": discount_rate,
            "margin": margin,
            **changes,
        }
        return float(new_customer_value(purchases, spend_model, **options)["cumulative_value"][-1])

    mistakes = {
        value(
            margin=1.0
        ): "That is the value in revenue. Multiply by the margin share: the business keeps only "
        "the margin of each order.",
        value(
            discount_rate=0.0
        ): "That value is not discounted. Pass the discount rate: a euro next year is "
        "worth less than a euro today.",
        value(
            include_first_purchase=False
        ): "The first order is missing. A new customer's value starts with her "
        "first order (include_first_purchase=True, the default).",
    }
    return check_number(
        answer,
        value(),
        label=f"the {horizon_months}-month value of a new customer",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Use new_customer_value(...) and take the last cumulative_value.",
    )
