"""Lesson 00 (welcome): a tiny campaign export, and the checks of its exercises.

The lesson works on two small files a marketer meets every week: a campaign results export
(CSV from the ad tools) and the media budget as a German Excel export from controlling.
Both are generated here from a fixed seed, so the lesson runs anywhere without the demo
datasets and every learner sees the same numbers.

Examples
--------
>>> results = campaign_results()
>>> results.shape
(32, 6)
>>> sorted(media_spend()["Kanal"].unique().to_list())
['display', 'search', 'social']
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from mkt_engineering.teaching.feedback import (
    Feedback,
    check_chart,
    check_columns,
    check_frame,
    check_number,
)
from mkt_engineering.teaching.ladder import exercise

CHANNELS = ["search", "social", "email", "display"]
# Email costs no media money, so it is not in the media budget export: a left join keeps it.
PAID_CHANNELS = ["search", "social", "display"]
WEEKS = [date(2026, 3, 2) + timedelta(weeks=k) for k in range(8)]
SPEND_COLUMNS = {"Kanal": "channel", "Woche ab": "period_start", "Kosten (€)": "spend"}


def campaign_results(seed: int = 7) -> pl.DataFrame:
    """Weekly results per channel as the ad tools export them (one row per channel and week)."""
    rng = np.random.default_rng(seed)
    base_clicks = np.repeat([900, 600, 400, 300], len(WEEKS))
    lead_rate = np.repeat([0.05, 0.03, 0.06, 0.02], len(WEEKS))
    clicks = rng.poisson(base_clicks)
    leads = rng.binomial(clicks, lead_rate)
    revenue = np.round(leads * rng.normal(120.0, 15.0, clicks.size), 2)
    return pl.DataFrame(
        {
            "week": WEEKS * len(CHANNELS),
            "channel": np.repeat(CHANNELS, len(WEEKS)),
            "campaign": np.repeat([f"spring_{c}" for c in CHANNELS], len(WEEKS)),
            "clicks": clicks,
            "leads": leads,
            "revenue": revenue,
        }
    )


def media_spend(seed: int = 7) -> pl.DataFrame:
    """The media budget per paid channel and week, with the German headers of the export."""
    rng = np.random.default_rng(seed + 1)
    base = np.repeat([1500.0, 900.0, 700.0], len(WEEKS))
    return pl.DataFrame(
        {
            "Kanal": np.repeat(PAID_CHANNELS, len(WEEKS)),
            "Woche ab": WEEKS * len(PAID_CHANNELS),
            "Kosten (€)": np.round(base * rng.uniform(0.8, 1.2, base.size), 2),
        }
    )


def write_campaign_export(folder: str | Path) -> Path:
    """Write ``campaign_results.csv`` and ``mediabudget.xlsx`` (German Excel) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    campaign_results().write_csv(folder / "campaign_results.csv")
    media_spend().write_excel(
        folder / "mediabudget.xlsx",
        worksheet="Mediabudget",
        dtype_formats={pl.Date: "dd.mm.yyyy"},
        column_formats={"Kosten (€)": "#,##0.00 €"},
        autofit=True,
    )
    return folder


def _joined() -> pl.DataFrame:
    spend = media_spend().rename(SPEND_COLUMNS)
    return campaign_results().join(
        spend, left_on=["channel", "week"], right_on=["channel", "period_start"], how="left"
    )


def _search_leads() -> int:
    return campaign_results().filter(pl.col("channel") == "search")["leads"].sum()


def _cost_per_lead() -> pl.DataFrame:
    totals = _joined().group_by("channel").agg(pl.col("spend").sum(), pl.col("leads").sum())
    return totals.select("channel", (pl.col("spend") / pl.col("leads")).alias("cost_per_lead"))


@exercise(
    "search_leads",
    ladder=(
        'First keep only the search rows: results.filter(pl.col("channel") == "search").',
        'From that smaller table take the leads column with ["leads"] and add it up with .sum().',
        'search_leads = results.filter(pl.col("channel") == "search")["leads"].sum()',
    ),
    reference=_search_leads,
)
def check_search_leads(answer: Any) -> Feedback:
    """Exercise 1: leads from the search channel over all eight weeks.

    Parameters
    ----------
    answer : Any
        The learner's ``search_leads``: a number; ``None`` while not answered yet.

    Returns
    -------
    Feedback
        Passed or not. A wrong number gets the hint of its likely mistake (all channels,
        clicks instead of leads, the average week, the number of weeks).
        ``.use()`` returns the answer when it is right, else the reference value.

    Examples
    --------
    >>> check_search_leads(None).message
    'No answer yet for search_leads.'
    """
    results = campaign_results()
    search = results.filter(pl.col("channel") == "search")
    return check_number(
        answer,
        search["leads"].sum(),
        label="Leads from search",
        tolerance=1e-9,
        mistakes={
            results[
                "leads"
            ].sum(): "This is the total of all channels: filter the search rows first.",
            search["clicks"].sum(): "This counts clicks; the question asks for leads.",
            search["leads"].mean(): "This is the average week. Sum the weeks with .sum().",
            search.height: "This counts rows (weeks), not leads. Sum the leads column.",
        },
        hint="Filter the rows of the search channel, then sum the leads column.",
    )


@exercise(
    "with_spend",
    ladder=(
        "Start from results and call .join(spend, ...): the results are the table whose rows "
        "you keep.",
        'Rows match on two columns with different names: left_on=["channel", "week"], '
        'right_on=["channel", "period_start"]; how="left" keeps the email weeks.',
        "with_spend = results.join(\n"
        '    spend, left_on=["channel", "week"], right_on=["channel", "period_start"], '
        'how="left"\n)',
    ),
    reference=_joined,
)
def check_joined_spend(answer: Any) -> Feedback:
    """Exercise 2: campaign results joined with the media budget, one row per channel and week.

    Parameters
    ----------
    answer : Any
        The learner's ``with_spend``: the campaign results joined with the media
        budget (a polars DataFrame); ``None`` while not answered yet.

    Returns
    -------
    Feedback
        Passed or not: names the lost email weeks of an inner join, rows multiplied by
        a join on the channel alone, and a wrong spend total. ``.use()`` returns the
        answer when it is right, else the reference table.

    Examples
    --------
    >>> check_joined_spend(42).passed
    False
    """
    columns = check_columns(answer, ["channel", "week", "leads", "spend"], label="The joined table")
    if not columns:
        return columns
    expected_rows = campaign_results().height
    if answer.height == expected_rows - len(WEEKS):
        return Feedback(
            False,
            "The joined table lost the email weeks.",
            hint="An inner join keeps only rows found in both files, and email has no "
            "media spend. Keep every results row with how='left'.",
            right=[columns.message],
        )
    if answer.height > expected_rows:
        return Feedback(
            False,
            f"The joined table has {answer.height} rows, more than the results export.",
            hint="Each week of a channel matched several spend rows. Join on the channel "
            "AND the week (left_on=[...], right_on=[...]).",
            right=[columns.message],
        )
    if answer.height != expected_rows:
        return Feedback(
            False,
            "The joined table should keep every row of the results export.",
            hint="Start from the results table and join the spend onto it.",
            right=[columns.message],
        )
    return check_number(
        answer["spend"].sum(),
        _joined()["spend"].sum(),
        label="The joined spend",
        hint="Check that the week of the results matches the 'Woche ab' of the budget.",
    )


@exercise(
    "cost_per_lead",
    ladder=(
        'Make one row per channel first: with_spend.group_by("channel").agg(...).',
        'Inside .agg, divide the two sums: (pl.col("spend").sum() / pl.col("leads").sum()), '
        'and name it with .alias("cost_per_lead").',
        "cost_per_lead = (\n"
        '    with_spend.group_by("channel")\n'
        '    .agg((pl.col("spend").sum() / pl.col("leads").sum()).alias("cost_per_lead"))\n'
        '    .sort("cost_per_lead")\n'
        ")",
    ),
    reference=_cost_per_lead,
)
def check_cost_per_lead(answer: Any) -> Feedback:
    """Exercise 3: media cost per lead by channel, total spend / total leads.

    Parameters
    ----------
    answer : Any
        The learner's ``cost_per_lead``: a frame with ``channel`` and
        ``cost_per_lead``; ``None`` while not answered yet.

    Returns
    -------
    Feedback
        Passed or not: recognises an average of weekly costs per lead and an upside-down
        division (leads per euro). ``.use()`` returns the answer when it is right, else
        the reference table.

    Examples
    --------
    >>> check_cost_per_lead(None).passed
    False
    """
    totals = _joined().group_by("channel").agg(pl.col("spend").sum(), pl.col("leads").sum())
    expected = _cost_per_lead()
    weekly_mean = (
        _joined()
        .group_by("channel")
        .agg((pl.col("spend").fill_null(0) / pl.col("leads")).mean().alias("cost_per_lead"))
    )
    leads_per_euro = totals.select(
        "channel", (pl.col("leads") / pl.col("spend")).alias("cost_per_lead")
    )

    def same_as(other: pl.DataFrame):
        def predicate(frame: pl.DataFrame) -> bool:
            joined = frame.join(other, on="channel", suffix="_other").drop_nulls()
            return bool(
                np.allclose(joined["cost_per_lead"], joined["cost_per_lead_other"], rtol=1e-6)
            )

        return predicate

    return check_frame(
        answer,
        expected,
        key="channel",
        value="cost_per_lead",
        label="Cost per lead",
        mistakes={
            "This averages the weekly cost per lead, so a quiet week counts as much as a busy one. "
            "Sum spend and leads per channel first, then divide.": same_as(weekly_mean),
            "The division is upside down: this is leads per euro.": same_as(leads_per_euro),
        },
    )


@exercise(
    "revenue_chart",
    ladder=(
        "Copy the leads chart above and change what goes up: the y axis shows revenue.",
        'alt.Chart(per_channel).mark_bar().encode(x="channel:N", y="revenue:Q") is all '
        "it takes; titles are optional.",
        "revenue_chart = alt.Chart(per_channel).mark_bar().encode(\n"
        '    x=alt.X("channel:N", sort="-y", title="Channel"),\n'
        '    y=alt.Y("revenue:Q", title="Revenue (€)"),\n'
        ")",
    ),
)
def check_revenue_chart(answer: Any) -> Feedback:
    """Exercise 4: a bar chart of revenue by channel.

    Parameters
    ----------
    answer : Any
        The learner's ``revenue_chart``: an altair chart; ``None`` while not answered yet.

    Returns
    -------
    Feedback
        Passed when the chart draws bars with the channel across and revenue up; else
        it names what differs (the mark, a swapped axis, another column).

    Examples
    --------
    >>> import altair as alt
    >>> lines = alt.Chart(campaign_results()).mark_line().encode(x="channel", y="revenue")
    >>> check_revenue_chart(lines).passed
    False
    """
    return check_chart(answer, mark="bar", x="channel", y="revenue", label="Your revenue chart")
