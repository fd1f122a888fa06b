"""The header facts of an orders table, computed where the orders live.

A report's first sentence names how many orders and customers it reads and the days they
span. `order_facts` asks the engine that holds the orders (polars, DuckDB, Spark) for
those few numbers in one query, so a report on a warehouse table never brings its rows
into memory just to count them.

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> orders = pl.DataFrame({
...     "customer_id": ["a", "a", "b"],
...     "order_date": [date(2024, 1, 1), date(2024, 1, 15), date(2024, 1, 8)],
...     "revenue": [10.0, 20.0, 30.0],
...     "margin": [3.0, 6.0, 6.0],
... })
>>> facts = order_facts(orders)
>>> facts.orders, facts.customers, facts.first_day, facts.last_day, facts.margin_share
(3, 2, datetime.date(2024, 1, 1), datetime.date(2024, 1, 15), 0.25)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from mkt_engineering.engines import frames
from mkt_engineering.engines import ltv as engine_ltv
from mkt_engineering.errors import DataValidationError, require_columns
from mkt_engineering.formatting import percent
from mkt_engineering.ltv.days import PurchaseDays


@dataclass(frozen=True)
class OrderFacts:
    """Counts and totals of an orders table (see `order_facts`).

    Parameters
    ----------
    orders, customers : int
        Rows and distinct customers.
    first_day, last_day : date
        The first and the last order day.
    revenue : float
        Total revenue.
    margin : float or None
        Total margin; None without a margin column.
    columns : tuple of str
        The columns of the orders.
    """

    orders: int
    customers: int
    first_day: date
    last_day: date
    revenue: float
    margin: float | None
    columns: tuple[str, ...]

    @property
    def margin_share(self) -> float | None:
        """Margin as a share of revenue (`ltv.margin_share`); None without a margin column."""
        if "margin" not in self.columns:
            return None
        if not math.isfinite(self.revenue) or self.revenue <= 0:
            raise DataValidationError(
                f"The revenue of the orders adds up to {self.revenue}, so margin cannot be "
                "a share of it.",
                source="orders",
                column="revenue",
                fix="Check the revenue column, or give the margin as a share (margin=0.3).",
            )
        return (self.margin or 0.0) / self.revenue

    def value_margin(self, given: float | None = None, language: str = "en") -> tuple[float, str]:
        """The margin share values are counted in, and a sentence when the data's is unusable.

        A margin given as a parameter wins. Otherwise the orders' margin column gives the
        share; when it is not a share between 0 and 1 (a margin column in percent, or
        margin above revenue) values are counted in revenue (1.0) and the sentence says
        so and how to fix it, so the report goes on instead of stopping.

        Parameters
        ----------
        given : float, optional
            The ``margin`` parameter (None or 0 = from the data).
        language : {"en", "de"}
            Language of the sentence.

        Returns
        -------
        (float, str)
            The share (1.0 = values in revenue) and "" or the sentence.

        Examples
        --------
        >>> facts = OrderFacts(3, 2, date(2024, 1, 1), date(2024, 2, 1), 100.0, 350.0,
        ...                    ("customer_id", "order_date", "revenue", "margin"))
        >>> share, note = facts.value_margin()
        >>> share, note.split(",")[0]
        (1.0, 'The margin column adds up to 350% of revenue')
        """
        if given:
            return float(given), ""
        share = self.margin_share
        if share is None:
            return 1.0, ""
        if math.isfinite(share) and 0 < share <= 1:
            return share, ""
        shown = percent(share, 0, language)
        if language == "de":
            note = (
                f"Die Spalte margin ergibt {shown} des Umsatzes, also keinen Anteil "
                "zwischen 0 und 1; die Werte unten sind deshalb Umsatz. Geben Sie die Marge "
                "je Bestellung in derselben Währung wie den Umsatz an oder setzen Sie den "
                "Parameter margin (z. B. 0.3)."
            )
        else:
            note = (
                f"The margin column adds up to {shown} of revenue, which is not a share "
                "between 0 and 1, so values below are in revenue. Give the margin per order "
                "in the same currency as revenue, or set the margin parameter (e.g. 0.3)."
            )
        return 1.0, note


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def order_facts(orders: Any) -> OrderFacts:
    """Rows, distinct customers, first and last order day, revenue and margin of ``orders``.

    Parameters
    ----------
    orders : DataFrame, LazyFrame, `PurchaseDays`, DuckDB relation or Spark DataFrame
        The ``orders`` contract: customer_id, order_date, revenue (+ margin), or the
        orders merged per customer and day (`ltv.purchase_days`), whose sums give the
        same facts without scanning the orders again.

    Returns
    -------
    OrderFacts
        orders, customers, first_day, last_day (dates; a time of day is dropped), revenue,
        margin (None without a margin column), columns, and ``margin_share``.
    """
    if isinstance(orders, PurchaseDays):
        return _from_days(orders)
    table = frames.lazy(orders)
    names = require_columns(
        table,
        ("customer_id", "order_date", "revenue"),
        source="orders",
        fix="Map your own names with columns={'your name': 'customer_id', ...} when reading.",
    )
    totals = engine_ltv.order_facts(table)
    return OrderFacts(
        orders=int(totals["orders"]),
        customers=int(totals["customers"]),
        first_day=_day(totals["first_order"]),
        last_day=_day(totals["last_order"]),
        revenue=float(totals["revenue"] or 0.0),
        margin=None if totals["margin"] is None else float(totals["margin"]),
        columns=tuple(names),
    )


def _from_days(days: PurchaseDays) -> OrderFacts:
    """The facts from the purchase days: order counts and amounts are their sums."""
    has_margin = "margin" in days.columns
    totals = days.frame.select(
        pl.col("orders").cast(pl.Int64).sum().alias("orders"),
        # Each customer has exactly one first purchase day.
        (pl.col("day") == pl.col("first")).sum().alias("customers"),
        pl.col("day").min().alias("first_day"),
        pl.col("day").max().alias("last_day"),
        pl.col("revenue").sum(),
        pl.col("margin").sum() if has_margin else pl.lit(None, pl.Float64).alias("margin"),
    ).row(0, named=True)
    return OrderFacts(
        orders=int(totals["orders"] or 0),
        customers=int(totals["customers"] or 0),
        first_day=totals["first_day"],
        last_day=totals["last_day"],
        revenue=float(totals["revenue"] or 0.0),
        margin=None if totals["margin"] is None else float(totals["margin"]),
        columns=days.columns,
    )
