"""Lesson 04 (nurture timing): the checks of its exercises.

Each check recomputes the expected answer from the lesson's own lead timeline, so it
works for any seed, and recognizes the answers that common mistakes produce. No check
prints the expected value.

Examples
--------
>>> import polars as pl
>>> timeline = pl.DataFrame({"lead_id": ["a", "b", "c", "d"],
...                          "days_in_nurturing": [10.0, 20.0, 5.0, 40.0],
...                          "qualified": [1, 1, 0, 0],
...                          "nurture_exit": ["qualified", "qualified", "none", "none"]})
>>> check_naive_mean(15.0, timeline).passed
True
>>> check_naive_mean(18.75, timeline).hint.startswith("You averaged over all leads")
True
"""

from __future__ import annotations

from typing import Any

import polars as pl

from mkt_engineering.teaching.feedback import Feedback, check_number
from mkt_engineering.teaching.ladder import exercise


def _survival_input(timeline: pl.DataFrame) -> pl.DataFrame:
    return timeline.select(
        pl.col("days_in_nurturing").alias("days"), pl.col("qualified").alias("mql")
    )


def _share_not_qualified(timeline: pl.DataFrame, day: float = 30.0) -> float:
    from mkt_engineering.nurture.survival import kaplan_meier, survival_at

    curve = kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    return float(survival_at(curve, [day])[0])


def _early_win_rate(timeline: pl.DataFrame, follow_up_days: float = 90.0) -> float:
    from mkt_engineering.nurture.handoff import sales_contacts

    contacts = sales_contacts(timeline, follow_up_days=follow_up_days)
    return float(contacts.filter(pl.col("contacted_before_ready"))["won"].mean())


@exercise(
    "naive_mean",
    ladder=(
        'First keep the leads that qualified: timeline.filter(pl.col("qualified") == 1).',
        "Then take the days_in_nurturing column of that table and its average: "
        '["days_in_nurturing"].mean().',
        'naive_mean = timeline.filter(pl.col("qualified") == 1)["days_in_nurturing"].mean()',
    ),
    reference=lambda timeline: float(
        timeline.filter(pl.col("qualified") == 1)["days_in_nurturing"].mean()
    ),
)
def check_naive_mean(answer: Any, timeline: pl.DataFrame) -> Feedback:
    """Exercise 1: the plain average days to MQL of the leads that qualified.

    Parameters
    ----------
    answer : Any
        The learner's ``naive_mean``: a number of days; ``None`` while not answered yet.
    timeline : pl.DataFrame
        One row per lead (`nurture.stage_timeline`) with
        ``days_in_nurturing`` and ``qualified``.

    Returns
    -------
    Feedback
        Passed or not: recognises the average over all leads, the median and the number
        of qualified leads. ``.use()`` returns the answer when it is right, else the
        reference value.
    """
    qualified = timeline.filter(pl.col("qualified") == 1)["days_in_nurturing"]
    mistakes = {
        float(
            timeline["days_in_nurturing"].mean()
        ): "You averaged over all leads. Keep only the qualified ones "
        "(qualified == 1) first: this exercise is about what the converted leads alone suggest.",
        float(qualified.median()): "That is the median. The exercise asks for the mean (average).",
        float(qualified.len()): "That is how many leads qualified, not how long they took.",
    }
    return check_number(
        answer,
        float(qualified.mean()),
        label="the average days to MQL of qualified leads",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Filter the timeline to qualified == 1, then take the mean of days_in_nurturing.",
    )


@exercise(
    "censored_share",
    ladder=(
        'A comparison on a column, (timeline["nurture_exit"] == "none"), gives True or False '
        "for every lead.",
        "The mean of True/False values is the share of True: put .mean() after the comparison.",
        'censored_share = (timeline["nurture_exit"] == "none").mean()',
    ),
    reference=lambda timeline: float((timeline["nurture_exit"] == "none").mean()),
)
def check_censored_share(answer: Any, timeline: pl.DataFrame) -> Feedback:
    """Exercise 2: the share of leads still in nurturing (censored at the end of the data).

    Parameters
    ----------
    answer : Any
        The learner's ``censored_share``: a share between 0 and 1; ``None`` while not answered yet.
    timeline : pl.DataFrame
        One row per lead with ``nurture_exit`` and ``qualified``.

    Returns
    -------
    Feedback
        Passed or not: recognises the share not qualified, a count of leads and a
        percentage. ``.use()`` returns the answer when it is right, else the reference
        value.
    """
    still = timeline["nurture_exit"] == "none"
    mistakes = {
        float(
            1 - timeline["qualified"].mean()
        ): "That is the share NOT qualified. It also counts leads that left "
        "another way (unsubscribed, disqualified, fast lane, early call). Look at nurture_exit == "
        "'none'.",
        float(
            still.sum()
        ): "That is a count of leads. Divide by the number of all leads to get a share.",
        float(
            100 * still.mean()
        ): "That looks like a percentage. Give the share as a number between 0 and 1.",
    }
    return check_number(
        answer,
        float(still.mean()),
        label="the share of leads still in nurturing",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Count the leads whose nurture_exit is 'none' and divide by all leads.",
    )


@exercise(
    "survival_input",
    ladder=(
        'timeline.select(...) keeps one row per lead; inside it, pl.col("old")'
        '.alias("new") takes a column under a new name.',
        'Two columns: pl.col("days_in_nurturing").alias("days") and '
        'pl.col("qualified").alias("mql").',
        'survival_input = timeline.select(pl.col("days_in_nurturing").alias("days"), '
        'pl.col("qualified").alias("mql"))',
    ),
    reference=_survival_input,
)
def check_survival_input(answer: Any, timeline: pl.DataFrame) -> Feedback:
    """Exercise 3: a frame with one row per lead, ``days`` (float) and ``mql`` (0/1).

    Parameters
    ----------
    answer : Any
        The learner's ``survival_input``: a frame with ``days`` and ``mql``;
        ``None`` while not answered yet.
    timeline : pl.DataFrame
        One row per lead with ``days_in_nurturing`` and ``qualified``.

    Returns
    -------
    Feedback
        Passed or not: names a LazyFrame, columns to rename, wrong types, only the
        qualified leads, every lead marked as qualified and other days. ``.use()``
        returns the answer when it is right, else the reference table.
    """
    if not isinstance(answer, pl.DataFrame):
        lazy = isinstance(answer, pl.LazyFrame)
        hint = (
            "Did you forget .collect() on a LazyFrame?"
            if lazy
            else "Build it with timeline.select(...), which returns a table."
        )
        kind = "a plan (LazyFrame)" if lazy else "not a table"
        return Feedback(False, f"Expected a polars table (DataFrame); this is {kind}.", hint=hint)
    missing = [c for c in ("days", "mql") if c not in answer.columns]
    if missing:
        renames = {"days_in_nurturing": "days", "qualified": "mql"}
        found = [
            f"'{old}' → '{new}'"
            for old, new in renames.items()
            if old in answer.columns and new in missing
        ]
        hint = (
            f"Rename the columns: {', '.join(found)}, e.g. with .alias(...) inside select."
            if found
            else f"The frame has {', '.join(answer.columns)}; name the columns exactly 'days' and "
            f"'mql'."
        )
        return Feedback(False, f"The frame lacks the column(s) {', '.join(missing)}.", hint=hint)
    right = ["the frame has the columns days and mql"]
    if answer["days"].dtype not in (pl.Float64, pl.Float32, pl.Int64, pl.Int32):
        return Feedback(
            False,
            f"'days' has the type {answer['days'].dtype}, expected a number of days.",
            hint="Use the days_in_nurturing column (a float), not a date or a duration.",
            right=right,
        )
    if answer["mql"].dtype == pl.String:
        return Feedback(
            False,
            "'mql' holds text, expected 1 (qualified) or 0 (censored).",
            hint="Use the qualified column, which is already 1 or 0.",
            right=right,
        )
    if answer.height < timeline.height and answer.height == int(timeline["qualified"].sum()):
        return Feedback(
            False,
            "The frame holds only the qualified leads.",
            hint="Keep every lead: the leads that have not qualified (yet) are what makes the "
            "curve honest.",
            right=right,
        )
    if answer.height != timeline.height:
        return Feedback(
            False,
            f"The frame has {answer.height:,} rows; it needs one row per lead.",
            hint="Select from the lead timeline without filtering or grouping.",
            right=right,
        )
    if int(answer["mql"].cast(pl.Int64).sum()) == answer.height:
        return Feedback(
            False,
            "Every lead has mql = 1.",
            hint="mql must be 0 for leads that have not qualified; take it from the qualified "
            "column.",
            right=right,
        )
    if (
        abs(float(answer["days"].sum()) - float(timeline["days_in_nurturing"].sum()))
        > 1e-6 * timeline.height
    ):
        return Feedback(
            False,
            "The days differ from the days in nurturing.",
            hint="Use days_in_nurturing: for censored leads it is the time until they left or the "
            "data ended.",
            right=right,
        )
    return Feedback(
        True,
        "Your survival input is right: one row per lead, days and the event flag.",
        right=right,
    )


@exercise(
    "share_30",
    ladder=(
        "The curve gives, for every day, the share of leads not yet qualified. "
        "nurture.survival_at(curve, [30]) reads it at day 30.",
        "survival_at returns an array with one value per day you ask for; take the first with [0].",
        "share_30 = nurture.survival_at(curve, [30])[0]",
    ),
    reference=_share_not_qualified,
)
def check_share_not_qualified(answer: Any, timeline: pl.DataFrame, day: float = 30.0) -> Feedback:
    """Exercise 4: the Kaplan-Meier share of leads not yet qualified after `day` days.

    Parameters
    ----------
    answer : Any
        The learner's ``share_30``: a share between 0 and 1; ``None`` while not answered yet.
    timeline : pl.DataFrame
        One row per lead with ``days_in_nurturing`` and ``qualified``.
    day : float
        The day the curve is read at (30 in the lesson).

    Returns
    -------
    Feedback
        Passed or not: recognises the share that has qualified, a count that ignores
        censoring and a percentage. ``.use()`` returns the answer when it is right, else
        the reference value.
    """
    from mkt_engineering.nurture.survival import kaplan_meier, survival_at

    curve = kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    expected = float(survival_at(curve, [day])[0])
    naive = float(
        1 - ((timeline["qualified"] == 1) & (timeline["days_in_nurturing"] <= day)).mean()
    )
    mistakes = {
        1 - expected: "That is the share that HAS qualified. The curve gives the share not yet "
        "qualified.",
        naive: "That counts every lead as if it had been watched for the full time. Leads that "
        "left early or "
        "arrived recently were not; read the value off the Kaplan-Meier curve instead.",
        100 * expected: "That looks like a percentage. Give the share as a number between 0 and 1.",
    }
    return check_number(
        answer,
        expected,
        label=f"the share not yet qualified after {day:g} days",
        tolerance=2e-3,
        mistakes=mistakes,
        hint="Use nurture.survival_at(curve, [30])[0] on the Kaplan-Meier curve.",
    )


@exercise(
    "early_win_rate",
    ladder=(
        "Start from contacts = nurture.sales_contacts(timeline): it keeps the calls whose "
        "outcome is known.",
        'Keep the early calls with .filter(pl.col("contacted_before_ready")), then the mean '
        "of the 0/1 column won is the win rate.",
        "contacts = nurture.sales_contacts(timeline)\n"
        'early_win_rate = contacts.filter(pl.col("contacted_before_ready"))["won"].mean()',
    ),
    reference=_early_win_rate,
)
def check_early_win_rate(
    answer: Any, timeline: pl.DataFrame, follow_up_days: float = 90.0
) -> Feedback:
    """Exercise 5: the win rate of leads called before they were ready.

    Parameters
    ----------
    answer : Any
        The learner's ``early_win_rate``: a share between 0 and 1; ``None`` while not answered yet.
    timeline : pl.DataFrame
        One row per lead with its sales contact and outcome.
    follow_up_days : float
        Days after a call before its outcome counts as known.

    Returns
    -------
    Feedback
        Passed or not: recognises calls without enough follow-up, the win rate of the
        calls when ready, of all calls, and a percentage. ``.use()`` returns the answer
        when it is right, else the reference value.
    """
    from mkt_engineering.nurture.handoff import sales_contacts

    contacts = sales_contacts(timeline, follow_up_days=follow_up_days)
    expected = float(contacts.filter(pl.col("contacted_before_ready"))["won"].mean())
    all_early = timeline.filter(pl.col("contacted_before_ready"))
    mistakes = {
        float(
            (all_early["outcome"] == "won").mean()
        ): "You kept calls from the last weeks too, whose outcome is not "
        "known yet. Start from nurture.sales_contacts(timeline), which keeps calls with enough "
        "follow-up.",
        float(
            contacts.filter(~pl.col("contacted_before_ready"))["won"].mean()
        ): "That is the win rate of the leads "
        "called when ready. Filter on contacted_before_ready being true.",
        float(
            contacts["won"].mean()
        ): "That is the win rate of all calls. Keep only the early ones.",
        100 * expected: "That looks like a percentage. Give the rate as a number between 0 and 1.",
    }
    return check_number(
        answer,
        expected,
        label="the win rate of early calls",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Filter the sales contacts on contacted_before_ready, then take the mean of won.",
    )
