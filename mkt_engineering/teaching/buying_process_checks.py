"""Checks for lesson 00b (the digital buying process), on the demo leads.

Five exercises: where leads stall (the funnel step with the lowest conversion), how many
leads take the fast lane, what share of the leads sales called was recycled, how many
customers reach MQN again after an order, and how many leads the e-mail funnel excludes
because they have no address. Each check names the anticipated wrong answers with their own
hint; a blank answer gets "No answer yet" and the first rung of its hint ladder.

Examples
--------
>>> import polars as pl
>>> funnel = pl.DataFrame({"stage": ["created", "engaged", "qualified"],
...                        "from_previous": [1.0, 0.8, 0.4], "from_created": [1.0, 0.8, 0.3]})
>>> check_stall_stage("qualified", funnel).passed
True
>>> print(check_stall_stage(None, funnel).message)
No answer yet for stall_stage.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from mkt_engineering.teaching.feedback import Feedback, check_number
from mkt_engineering.teaching.ladder import exercise

# exercise 1 compares text, not numbers: its hints stand here, and MISTAKES lists them for
# the trainer guide and the German texts (feedback_de.yaml)
SIDE_ROAD = (
    "That is a side road, not a step of the funnel: its from_previous is empty, and an empty "
    "value sorts first. Drop the empty rows before sorting."
)
LOWEST_OVERALL = (
    "That stage has the smallest share of all created leads (from_created), which is always "
    "the last one. Compare each step with the one before: from_previous."
)
FIRST_STAGE = (
    "That is the first stage, where every lead starts. Sort by from_previous from small to "
    "large (the default), not the other way round."
)
STALL_HINT = "Sort the funnel steps by from_previous and take the stage of the first row."
MISTAKES = {"check_stall_stage": [SIDE_ROAD, LOWEST_OVERALL, FIRST_STAGE, STALL_HINT]}


def _stall_stage(funnel: pl.DataFrame) -> str:
    steps = funnel.filter(pl.col("from_previous").is_not_null())
    return str(steps.sort("from_previous")["stage"][0])


def _fast_lane_leads(timeline: pl.DataFrame) -> int:
    return int(timeline["fast_lane_at"].is_not_null().sum())


def _recycled_share(timeline: pl.DataFrame) -> float:
    called = timeline.filter(pl.col("first_contact_at").is_not_null())
    return float((called["recycled"] > 0).mean())


def _mqn_again(cycles: pl.DataFrame, events: pl.DataFrame | None = None) -> int:
    # takes the check's arguments (cycles, events); the count needs the cycles only
    return cycles.filter(pl.col("renurture") & pl.col("mqn_at").is_not_null()).height


def _no_email_leads(timeline: pl.DataFrame) -> int:
    return int((~timeline["has_email"]).sum())


@exercise(
    "stall_stage",
    ladder=(
        "The column from_previous is the share of the previous stage that reached this "
        "one. The smallest share is where most leads stall.",
        "Drop the side roads first (their from_previous is empty), then sort by "
        'from_previous and take the first stage: .sort("from_previous")["stage"][0].',
        'steps = funnel.filter(pl.col("from_previous").is_not_null())\n'
        'stall_stage = steps.sort("from_previous")["stage"][0]',
    ),
    reference=_stall_stage,
)
def check_stall_stage(answer: Any, funnel: pl.DataFrame) -> Feedback:
    """Exercise 1: the funnel stage with the lowest share reached from the stage before.

    Parameters
    ----------
    answer : Any
        The learner's ``stall_stage``: a stage name as text.
    funnel : DataFrame
        `nurture.stage_conversion` of the lead timeline.

    Returns
    -------
    Feedback
        Passed or not; a recognised mistake gets its own hint.
    """
    expected = _stall_stage(funnel)
    if not isinstance(answer, str):
        return Feedback(
            False,
            "The stage: expected the name of a stage as text.",
            hint="Take the value of the stage column, such as 'engaged', not a number or a table.",
        )
    given = answer.strip()
    if given == expected:
        return Feedback(True, "The stage where most leads stall is right.")
    side_roads = funnel.filter(pl.col("from_previous").is_null())["stage"].to_list()
    steps = funnel.filter(pl.col("from_previous").is_not_null())
    lowest_overall = str(steps.sort("from_created")["stage"][0])
    mistakes = {
        **dict.fromkeys(side_roads, SIDE_ROAD),
        lowest_overall: LOWEST_OVERALL,
        str(funnel["stage"][0]): FIRST_STAGE,
    }
    hint = mistakes.get(given, STALL_HINT)
    return Feedback(False, "The stage where most leads stall is not right yet.", hint=hint)


@exercise(
    "fast_lane_leads",
    ladder=(
        "A lead that asked for a call or a price has a date in fast_lane_at; the others "
        "have an empty value there.",
        'Count the filled values: timeline["fast_lane_at"].is_not_null().sum().',
        'fast_lane_leads = timeline["fast_lane_at"].is_not_null().sum()',
    ),
    reference=_fast_lane_leads,
)
def check_fast_lane_leads(answer: Any, timeline: pl.DataFrame) -> Feedback:
    """Exercise 2: how many leads took the sales fast lane.

    Parameters
    ----------
    answer : Any
        The learner's ``fast_lane_leads``: a count.
    timeline : DataFrame
        `nurture.stage_timeline` of the lead events, with the lead attributes attached.

    Returns
    -------
    Feedback
        Passed or not; a recognised mistake gets its own hint.
    """
    expected = _fast_lane_leads(timeline)
    mistakes = {
        float(timeline["fast_lane_at"].is_not_null().mean()): "That is the share of all leads. "
        "The exercise asks how many leads: use .sum() instead of .mean().",
        float(timeline["first_contact_at"].is_not_null().sum()): "That counts every lead "
        "sales spoke to. The fast lane is the lead's own request: count fast_lane_at.",
        float((timeline["nurture_exit"] == "sales_contact").sum()): "That counts the leads "
        "sales called before they were ready (the early calls). Count fast_lane_at instead.",
        float(timeline.height): "That is the number of all leads: an empty value is a value "
        "too for len(). Count only the filled ones with .is_not_null().sum().",
    }
    return check_number(
        answer,
        expected,
        label="the number of fast-lane leads",
        tolerance=1e-9,
        mistakes=mistakes,
        hint="Count the leads whose fast_lane_at is not empty.",
    )


@exercise(
    "recycled_share",
    ladder=(
        "Only a lead that sales spoke to can be sent back. Keep the leads with a "
        "first_contact_at first.",
        "Among those, recycled > 0 is True for a lead sent back at least once; the mean "
        "of True/False is the share.",
        'called = timeline.filter(pl.col("first_contact_at").is_not_null())\n'
        'recycled_share = (called["recycled"] > 0).mean()',
    ),
    reference=_recycled_share,
)
def check_recycled_share(answer: Any, timeline: pl.DataFrame) -> Feedback:
    """Exercise 3: the share of leads called by sales that went back to nurturing.

    Parameters
    ----------
    answer : Any
        The learner's ``recycled_share``: a share between 0 and 1.
    timeline : DataFrame
        `nurture.stage_timeline` of the lead events, with the lead attributes attached.

    Returns
    -------
    Feedback
        Passed or not; a recognised mistake gets its own hint.
    """
    expected = _recycled_share(timeline)
    called = timeline.filter(pl.col("first_contact_at").is_not_null())
    mistakes = {
        float((timeline["recycled"] > 0).mean()): "You divided by all leads. Only the leads "
        "sales spoke to can be recycled: keep those with a first_contact_at first.",
        float((timeline["recycled"] > 0).sum()): "That is how many leads were recycled. "
        "Divide by the leads sales called to get a share.",
        float((called["outcome"] == "lost").mean()): "That is the share lost. A recycled "
        "lead is not lost: sales sends it back to nurturing. Use the recycled column.",
    }
    return check_number(
        answer,
        expected,
        label="the share of called leads that were recycled",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Keep the leads with a first sales contact, then take the mean of recycled > 0.",
    )


@exercise(
    "mqn_again",
    ladder=(
        "In cycles, a row with renurture == True is the time after an order. A customer "
        "who became ready again has a date in mqn_at in such a row.",
        'Filter on both: pl.col("renurture") & pl.col("mqn_at").is_not_null(), then '
        "count the rows with .height.",
        'mqn_again = cycles.filter(pl.col("renurture") & pl.col("mqn_at").is_not_null()).height',
    ),
    reference=_mqn_again,
)
def check_mqn_again(answer: Any, cycles: pl.DataFrame, events: pl.DataFrame) -> Feedback:
    """Exercise 4: how many customers reach MQN again after an order.

    Parameters
    ----------
    answer : Any
        The learner's ``mqn_again``: a count.
    cycles : DataFrame
        `nurture.repeat_cycles` of the lead events.
    events : DataFrame
        The lead events (for the count of all MQN events, a common mistake).

    Returns
    -------
    Feedback
        Passed or not; a recognised mistake gets its own hint.
    """
    expected = _mqn_again(cycles)
    renurture = cycles.filter("renurture")
    mistakes = {
        float((events["event"] == "mqn").sum()): "That counts every MQN event, also the "
        "first MQN of leads that were customers already. Count only MQNs after an order: "
        "rows with renurture == True.",
        float(renurture.height): "That is how many customers ordered and went back into "
        "nurturing. Keep only those that reached MQN again (mqn_at not empty).",
        float(cycles.filter(~pl.col("renurture") & pl.col("mqn_at").is_not_null()).height): (
            "That counts the MQNs before any order (cycle 1). Re-nurturing starts after an "
            "order: use renurture == True."
        ),
        float(renurture["mqn_at"].is_not_null().mean()): "That is the share of the re-nurtured "
        "customers. The exercise asks how many: count the rows.",
    }
    return check_number(
        answer,
        expected,
        label="the number of customers with an MQN after an order",
        tolerance=1e-9,
        mistakes=mistakes,
        hint="Filter cycles on renurture and a filled mqn_at, then count the rows.",
    )


@exercise(
    "no_email_leads",
    ladder=(
        "The lead table says in has_email whether we have an address. ~ turns True into "
        "False and back.",
        'Count the leads without one: (~timeline["has_email"]).sum().',
        'no_email_leads = (~timeline["has_email"]).sum()',
    ),
    reference=_no_email_leads,
)
def check_no_email_leads(answer: Any, timeline: pl.DataFrame) -> Feedback:
    """Exercise 5: how many leads the e-mail funnel excludes because they have no address.

    Parameters
    ----------
    answer : Any
        The learner's ``no_email_leads``: a count.
    timeline : DataFrame
        `nurture.stage_timeline` of the lead events, with the lead attributes attached.

    Returns
    -------
    Feedback
        Passed or not; a recognised mistake gets its own hint.
    """
    expected = _no_email_leads(timeline)
    mistakes = {
        float(timeline["has_email"].sum()): "That counts the leads WITH an address. Turn "
        "the column round with ~ before summing.",
        float((~timeline["has_email"]).mean()): "That is the share. The exercise asks how "
        "many leads: use .sum().",
        float((timeline["emails_sent"] == 0).sum()): "That counts leads that got no e-mail, "
        "also those with an address that left before the first one. Use has_email.",
    }
    return check_number(
        answer,
        expected,
        label="the number of leads without an e-mail address",
        tolerance=1e-9,
        mistakes=mistakes,
        hint="Count the leads whose has_email is False.",
    )
