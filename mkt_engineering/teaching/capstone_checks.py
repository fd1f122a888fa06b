"""Lesson 05 (capstone): the checks of its exercises.

Each check recomputes the expected answer with the package's public functions from the
object the lesson built (the model comparison, the channel values, the experiment result,
the lead timeline), so it follows the demo data, and never prints the expected value.

Examples
--------
>>> import polars as pl
>>> comparison = pl.DataFrame({"model": ["last_touch"] * 2 + ["markov"] * 2,
...                            "channel": ["search", "display"] * 2, "share": [0.8, 0.2, 0.6, 0.4]})
>>> check_biggest_gain("display", comparison).passed
True
>>> check_biggest_gain("search", comparison).hint
'search loses share under Markov. Which channel gains the most?'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from mkt_engineering.teaching.feedback import Feedback, check_number
from mkt_engineering.teaching.ladder import exercise


def _choice(
    answer: Any,
    expected: str,
    *,
    label: str,
    options: Iterable[str],
    mistakes: Mapping[str, str],
    hint: str,
) -> Feedback:
    """A one-word answer (a channel name), compared without regard to case and spaces."""
    options = list(options)
    if answer is None:
        return Feedback(
            False,
            f"{label}: there is no answer yet (the variable is None).",
            hint="Replace the None with the channel name, in quotes.",
        )
    if isinstance(answer, pl.DataFrame | pl.Series | list | tuple):
        return Feedback(
            False,
            f"{label}: expected one channel name, got a {type(answer).__name__}.",
            hint="Pick the single name out, e.g. with frame['channel'][0] after sorting.",
        )
    text = str(answer).strip().casefold()
    if text == expected.casefold():
        return Feedback(True, f"{label} is right.")
    if text not in {option.casefold() for option in options}:
        return Feedback(
            False,
            f"{label}: {str(answer)[:30]!r} is not one of the channels.",
            hint=f"The channels are: {', '.join(sorted(options))}.",
        )
    for wrong, mistake_hint in mistakes.items():
        if text == wrong.casefold():
            return Feedback(
                False,
                f"{label} is not right yet; this comes from a common mistake.",
                hint=mistake_hint,
            )
    return Feedback(False, f"{label} is not right yet.", hint=hint)


def _not_yet(timeline: pl.DataFrame, days: float) -> float:
    from mkt_engineering import nurture

    curve = nurture.kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    return float(nurture.survival_at(curve, [days])[0])


def _shares(comparison: pl.DataFrame) -> pl.DataFrame:
    wide = comparison.filter(pl.col("model").is_in(["last_touch", "markov"])).pivot(
        on="model", index="channel", values="share"
    )
    return wide.with_columns((pl.col("markov") - pl.col("last_touch")).alias("gain"))


@exercise(
    "biggest_gain",
    ladder=(
        'comparison.pivot(on="model", index="channel", values="share") gives one row per '
        "channel and a column per model.",
        'Sort that table by pl.col("markov") - pl.col("last_touch"), largest first '
        '(descending=True), and take ["channel"][0].',
        'shares = comparison.pivot(on="model", index="channel", values="share")\n'
        'biggest_gain = shares.sort(pl.col("markov") - pl.col("last_touch"), '
        'descending=True)["channel"][0]',
    ),
    reference=lambda comparison: _shares(comparison).sort("gain", descending=True)["channel"][0],
)
def check_biggest_gain(answer: Any, comparison: pl.DataFrame) -> Feedback:
    """Exercise 1: the channel whose share of conversions rises most from last touch to Markov.

    Parameters
    ----------
    answer : Any
        The learner's ``biggest_gain``: a channel name; ``None`` while not answered yet.
    comparison : pl.DataFrame
        `attribution.compare`'s table: ``model``, ``channel`` and
        ``share``, with the models ``last_touch`` and ``markov``.

    Returns
    -------
    Feedback
        Passed or not: recognises the channel with the largest Markov share (not the
        largest change) and the channel that loses most. ``.use()`` returns the answer
        when it is right, else the reference value.
    """
    shares = _shares(comparison)
    by_gain = shares.sort("gain", descending=True)["channel"].to_list()
    top_markov = shares.sort("markov", descending=True)["channel"][0]
    mistakes = {}
    if top_markov != by_gain[0]:
        mistakes[top_markov] = (
            "That channel has the largest Markov share. The question is about the "
            "change: Markov share minus last-touch share."
        )
    # the channel that loses most gets the loser's hint, even when it also leads under Markov
    mistakes[by_gain[-1]] = f"{by_gain[-1]} loses share under Markov. Which channel gains the most?"
    return _choice(
        answer,
        by_gain[0],
        label="The channel that gains most",
        options=shares["channel"],
        mistakes=mistakes,
        hint="Put the two models side by side (pivot), subtract last touch from Markov, sort.",
    )


@exercise(
    "losing_channels",
    ladder=(
        "A channel loses money when its customers bring back less than they cost: ltv_cac below 1.",
        'channel_values.filter(pl.col("ltv_cac") < 1), then ["acquisition_channel"].to_list() '
        "gives the names as a list.",
        'losing_channels = channel_values.filter(pl.col("ltv_cac") < 1)'
        '["acquisition_channel"].to_list()',
    ),
    reference=lambda channel_values: channel_values.filter(pl.col("ltv_cac") < 1)[
        "acquisition_channel"
    ].to_list(),
)
def check_losing_channels(answer: Any, channel_values: pl.DataFrame) -> Feedback:
    """Exercise 2: the acquisition channels whose new customers are worth less than they cost.

    Parameters
    ----------
    answer : Any
        The learner's ``losing_channels``: a list of channel names; ``None`` while not answered yet.
    channel_values : pl.DataFrame
        `ltv.channel_value`'s table with ``acquisition_channel``
        and ``ltv_cac``.

    Returns
    -------
    Feedback
        Passed or not: names the channels the other way round, a list that is too long,
        and an answer that is no list. ``.use()`` returns the answer when it is right,
        else the reference value.

    Examples
    --------
    >>> import polars as pl
    >>> values = pl.DataFrame({"acquisition_channel": ["search", "display"],
    ...                        "ltv_cac": [1.8, 0.6]})
    >>> check_losing_channels(["search"], values).message
    'The channels that lose money: these are the other way round.'
    """
    expected = set(channel_values.filter(pl.col("ltv_cac") < 1)["acquisition_channel"].to_list())
    label = "The channels that lose money"
    if isinstance(answer, pl.Series):
        answer = answer.to_list()
    if answer is None or isinstance(answer, str | pl.DataFrame):
        return Feedback(
            False,
            f"{label}: expected a list of channel names.",
            hint="Filter the table, then take the column as a list with .to_list().",
        )
    given = {str(item).strip().casefold() for item in answer}
    if given == {name.casefold() for name in expected}:
        return Feedback(True, f"{label}: right.")
    winners = set(channel_values.filter(pl.col("ltv_cac") >= 1)["acquisition_channel"].to_list())
    if given and given == {name.casefold() for name in winners}:
        return Feedback(
            False,
            f"{label}: these are the other way round.",
            hint="An LTV:CAC below 1 means a customer brings less margin than it cost to win.",
        )
    if given >= {name.casefold() for name in expected}:
        return Feedback(
            False,
            f"{label}: the list is too long.",
            hint="Keep only channels whose lifetime value is below the acquisition cost.",
        )
    return Feedback(
        False,
        f"{label}: not right yet.",
        hint="Compare the column ltv_cac with 1 (value of a customer / cost to win one).",
    )


@exercise(
    "conversion_effect",
    ladder=(
        "result.effects is a table with one row per metric; the row of converted holds the "
        "effect on the conversion rate.",
        'Filter it with pl.col("metric") == "converted" and take ["effect"][0].',
        'conversion_effect = result.effects.filter(pl.col("metric") == "converted")["effect"][0]',
    ),
    reference=lambda result: result.effects.filter(pl.col("metric") == "converted")["effect"][0],
)
def check_conversion_effect(answer: Any, result: Any) -> Feedback:
    """Exercise 3: the effect of the new page on the conversion rate (a difference of shares).

    Parameters
    ----------
    answer : Any
        The learner's ``conversion_effect``: a difference of two shares;
        ``None`` while not answered yet.
    result : AnalysisResult
        What `experiments.analyze` returned; ``result.effects`` has one
        row per metric.

    Returns
    -------
    Feedback
        Passed or not: recognises the relative lift, the new page's rate alone and the
        effect on revenue. ``.use()`` returns the answer when it is right, else the
        reference value.
    """
    effects = result.effects.filter(pl.col("metric") == "converted").row(0, named=True)
    revenue = result.effects.filter(pl.col("metric") == "revenue")
    mistakes = {
        effects[
            "lift"
        ]: "That is the relative lift (change / control rate). The exercise asks for the "
        "difference in conversion rate, the column effect.",
        effects[
            "treatment_value"
        ]: "That is the conversion rate of the new page alone. Subtract the control "
        "rate: the column effect holds the difference.",
    }
    if not revenue.is_empty():
        mistakes[revenue["effect"][0]] = (
            "That is the effect on revenue. Filter the row of the metric converted."
        )
    return check_number(
        answer,
        effects["effect"],
        label="The effect on conversion",
        tolerance=1e-6,
        mistakes=mistakes,
        hint="Filter result.effects to the metric converted and take its effect.",
    )


@exercise(
    "share_ready_60",
    ladder=(
        "The curve is the share NOT yet qualified. The share that is qualified is 1 minus it.",
        "nurture.survival_at(curve, [60])[0] is the share not yet qualified after 60 days.",
        "share_ready_60 = 1 - nurture.survival_at(curve, [60])[0]",
    ),
    reference=lambda timeline, days=60: 1 - _not_yet(timeline, days),
)
def check_share_ready(answer: Any, timeline: pl.DataFrame, days: float = 60) -> Feedback:
    """Exercise 4: the share of leads qualified within ``days`` days (1 - Kaplan-Meier survival).

    Parameters
    ----------
    answer : Any
        The learner's ``share_ready_60``: a share between 0 and 1; ``None`` while not answered yet.
    timeline : pl.DataFrame
        One row per lead with ``days_in_nurturing`` and ``qualified``.
    days : float
        The horizon in days (60 in the lesson).

    Returns
    -------
    Feedback
        Passed or not: recognises the share not yet qualified, a count that ignores
        censoring and the share qualified at any time. ``.use()`` returns the answer when
        it is right, else the reference value.
    """
    from mkt_engineering import nurture

    curve = nurture.kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    not_yet = float(nurture.survival_at(curve, [days])[0])
    within = timeline.filter((pl.col("qualified") == 1) & (pl.col("days_in_nurturing") <= days))
    mistakes = {
        not_yet: "That is the share NOT yet qualified. The question asks for the share that is "
        "ready: 1 minus it.",
        within.height
        / timeline.height: "That counts every lead as if it had been watched for the whole time. "
        "Recent leads have not had the time yet: read the Kaplan-Meier curve.",
        float(
            timeline["qualified"].mean()
        ): "That is the share qualified at any time, not within the days asked.",
    }
    return check_number(
        answer,
        1 - not_yet,
        label=f"The share of leads ready within {days:g} days",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="nurture.survival_at(curve, [days]) gives the share not yet qualified.",
    )
