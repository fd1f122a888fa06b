"""Lesson 01 (attribution): the checks of its exercises.

Each check recomputes the expected answer from the paths the lesson passes in, recognizes
the answers common mistakes produce, and never prints the expected value.

Examples
--------
>>> import polars as pl
>>> paths = pl.DataFrame({"path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
...     "conversions": [2.0, 0, 1, 1, 0], "non_conversions": [1.0, 2, 1, 0, 1]})
>>> check_conversion_probability(4 / 9, paths).passed
True
>>> check_conversion_probability(0.8, paths).hint.startswith("You divided by the non-converting")
True
"""

from __future__ import annotations

from typing import Any

import polars as pl

from mkt_engineering.teaching.feedback import Feedback, check_frame, check_number
from mkt_engineering.teaching.ladder import exercise


def _probability(paths: pl.DataFrame) -> float:
    conversions = float(paths["conversions"].sum())
    return conversions / (conversions + float(paths["non_conversions"].sum()))


def _removal_effect(paths: pl.DataFrame, channel: str) -> float:
    from mkt_engineering.attribution import MarkovModel

    credit = MarkovModel(1).fit(paths).credit_
    return float(credit.filter(pl.col("channel") == channel)["removal_effect"].item())


def _linear(paths: pl.DataFrame) -> pl.DataFrame:
    from mkt_engineering.attribution import linear

    return linear(paths).select("channel", "conversions")


def _best(errors: pl.DataFrame) -> str:
    return errors.sort("error")["model"][0]


def _route_mistakes(model, paths: pl.DataFrame, channel: str) -> dict[float, str]:
    """Hand calculations of the lesson's removal of A that go wrong at one step.

    Only for the lesson's toy paths (channels A, B, C); other data get none.
    """
    if channel != "A":
        return {}
    step = {
        (a, b): q
        for a, b, q in model.transition_matrix_.select(
            "from_state", "to_state", "probability"
        ).iter_rows()
    }
    try:
        b_converts = step[("B", "(conversion)")]
        via_b, via_c, c_to_b = step[("(start)", "B")], step[("(start)", "C")], step[("C", "B")]
    except KeyError:
        return {}
    alone = paths.filter(pl.col("path") == ["B"])
    if alone.is_empty():
        return {}
    # the journeys that are only "B": a share of them converts, but that is not the step B -> end
    half = float(
        alone["conversions"].sum() / (alone["conversions"] + alone["non_conversions"]).sum()
    )
    probability = model.conversion_probability_

    def removal(without: float) -> float:
        return 1 - without / probability

    return {
        removal(via_b * half + via_c * c_to_b * half): "From B, the chain's step to a conversion "
        "counts every visit of B, also inside longer paths: 4 of the 6 steps out of B convert "
        "(4/6), not the half of the journeys that are only B.",
        removal(via_b * b_converts): "You left out the route through C: start -> C -> B -> "
        "conversion still converts without A. Add it.",
        removal(via_b + via_c * c_to_b): "You forgot that B itself converts only part of the "
        "time: multiply each route by the step B -> conversion.",
    }


@exercise(
    "probability",
    ladder=(
        "A row of paths can stand for several journeys. Add up the conversions column, and "
        "the non_conversions column.",
        "All journeys = conversions + non-conversions. Divide the conversions by that total: "
        'paths["conversions"].sum() / (... + ...).',
        'probability = paths["conversions"].sum() / (paths["conversions"].sum() + '
        'paths["non_conversions"].sum())',
    ),
    reference=_probability,
)
def check_conversion_probability(answer: Any, paths: pl.DataFrame) -> Feedback:
    """Exercise 1: probability that a journey from the start ends in a conversion.

    Parameters
    ----------
    answer : Any
        The learner's ``probability``: a share between 0 and 1; ``None`` while not answered yet.
    paths : pl.DataFrame
        The lesson's paths (``path``, ``conversions``, ``non_conversions``).

    Returns
    -------
    Feedback
        Passed or not: recognises a division by the non-converting journeys or by the
        number of path rows, and a percentage. ``.use()`` returns the answer when it is
        right, else the reference value.
    """
    conversions = float(paths["conversions"].sum())
    failures = float(paths["non_conversions"].sum())
    expected = conversions / (conversions + failures)
    candidates = [
        (
            conversions / failures,
            "You divided by the non-converting journeys only. Divide by all journeys: "
            "converting plus non-converting.",
        ),
        (
            conversions / paths.height,
            "You divided by the number of distinct paths. A path row can stand for "
            "several journeys: add up conversions and non-conversions.",
        ),
        (
            100 * expected,
            "That looks like a percentage. Give the probability as a number between 0 and 1.",
        ),
    ]
    mistakes: dict[float, str] = {}
    for wrong, hint in candidates:  # when two mistakes give the same number, the first hint stays
        mistakes.setdefault(wrong, hint)
    return check_number(
        answer,
        expected,
        label="the conversion probability",
        tolerance=1e-3,
        mistakes=mistakes,
        hint="Count all journeys that converted and divide by all journeys.",
    )


@exercise(
    "removal_effect_a",
    ladder=(
        "Without A, only two routes reach a conversion: start -> B -> conversion and "
        "start -> C -> B -> conversion. Multiply the step probabilities along each route.",
        "Read the steps from model.transition_matrix_ (from_state, to_state, probability), "
        "add the two routes, then removal effect = 1 - without_a / "
        "model.conversion_probability_.",
        "matrix = model.transition_matrix_\n"
        'p = {(a, b): q for a, b, q in matrix.select("from_state", "to_state", '
        '"probability").iter_rows()}\n'
        'b_converts = p[("B", "(conversion)")]\n'
        'without_a = p[("(start)", "B")] * b_converts + p[("(start)", "C")] * '
        'p[("C", "B")] * b_converts\n'
        "removal_effect_a = 1 - without_a / model.conversion_probability_",
    ),
    reference=_removal_effect,
)
def check_removal_effect(answer: Any, paths: pl.DataFrame, channel: str) -> Feedback:
    """Exercise 2: removal effect of one channel in the first-order Markov chain.

    Parameters
    ----------
    answer : Any
        The learner's ``removal_effect_a``: a share between 0 and 1;
        ``None`` while not answered yet.
    paths : pl.DataFrame
        The lesson's paths, fitted here with a first-order `MarkovModel`.
    channel : str
        The channel removed (``"A"`` in the lesson).

    Returns
    -------
    Feedback
        Passed or not: recognises the surviving share, the probability without the
        channel, the unscaled drop, the credit share and, for the lesson's toy paths,
        hand calculations that go wrong at one step. ``.use()`` returns the answer when
        it is right, else the reference value.
    """
    from mkt_engineering.attribution import MarkovModel

    model = MarkovModel(1).fit(paths)
    row = model.credit_.filter(pl.col("channel") == channel)
    expected = float(row["removal_effect"].item())
    probability = model.conversion_probability_
    mistakes = {
        1 - expected: "That is the share of conversions that survive without the channel. The "
        "removal "
        "effect is the share that is lost: 1 minus that.",
        probability
        * (1 - expected): "That is the conversion probability without the channel. Compare it "
        "with the probability with all channels: 1 - (without / with).",
        probability
        * expected: "That is the drop in conversion probability itself. Divide it by the "
        "probability with all channels to get the share lost.",
        float(row["conversions"].item())
        / float(paths["conversions"].sum()): "That is the channel's share "
        "of the credit (removal effects scaled to add up to 1). The removal effect is before "
        "scaling.",
    }
    for wrong, mistake_hint in _route_mistakes(model, paths, channel).items():
        mistakes.setdefault(wrong, mistake_hint)
    return check_number(
        answer,
        expected,
        label=f"the removal effect of {channel}",
        tolerance=2e-3,
        mistakes=mistakes,
        hint=f"Send every step into {channel} to 'null', recompute the conversion probability, "
        "and compare it with the original one.",
    )


@exercise(
    "linear_credit",
    ladder=(
        "Linear credit splits each conversion equally over every touch of its path. The kit "
        "has it: at.linear(paths).",
        "at.linear(paths) returns more columns than asked; keep two with "
        '.select("channel", "conversions").',
        'linear_credit = at.linear(paths).select("channel", "conversions")',
    ),
    reference=_linear,
)
def check_linear_credit(answer: Any, paths: pl.DataFrame) -> Feedback:
    """Exercise 3: a frame of channel and conversions under the linear model.

    Parameters
    ----------
    answer : Any
        The learner's ``linear_credit``: a frame with ``channel`` and ``conversions``;
        ``None`` while not answered yet.
    paths : pl.DataFrame
        The lesson's paths.

    Returns
    -------
    Feedback
        Passed or not: recognises shares instead of counts, credit for path rows instead
        of conversions, and a split over distinct channels (Shapley's). ``.use()``
        returns the answer when it is right, else the reference table.
    """
    from mkt_engineering.attribution import linear, shapley

    expected = linear(paths).select("channel", "conversions")
    total = float(paths["conversions"].sum())
    converting_rows = paths.filter(pl.col("conversions") > 0).height
    distinct = dict(shapley(paths).select("channel", "conversions").iter_rows())

    def sums_to(value: float):
        return lambda frame: abs(float(frame["conversions"].sum()) - value) < 1e-6

    def equals_distinct(frame: pl.DataFrame) -> bool:
        got = dict(frame.select("channel", "conversions").iter_rows())
        return all(abs(got.get(c, 0.0) - v) < 1e-6 for c, v in distinct.items())

    mistakes = {
        "The credit adds up to 1: those are shares. Multiply by the conversions to get "
        "counts.": sums_to(1.0),
        "The credit adds up to the number of converting path rows, not conversions: weight each "
        "path by "
        "its conversions.": sums_to(float(converting_rows))
        if converting_rows != total
        else (lambda frame: False),
        "You split each journey over its distinct channels. Linear counts every touch, so a "
        "channel "
        "touched twice gets two shares.": equals_distinct,
    }
    return check_frame(
        answer,
        expected,
        key="channel",
        value="conversions",
        label="your linear credit",
        tolerance=1e-6,
        mistakes=mistakes,
    )


@exercise(
    "best_model",
    ladder=(
        "The error is the share of credit put with the wrong channels: the smallest error wins.",
        "Sort the table by error, smallest first, and take the first model: "
        'markov_errors.sort("error")["model"][0].',
        'best_model = markov_errors.sort("error")["model"][0]',
    ),
    reference=_best,
)
def check_best_model(answer: Any, errors: pl.DataFrame) -> Feedback:
    """Exercise 4: name the model with the smallest error against the truth.

    Parameters
    ----------
    answer : Any
        The learner's ``best_model``: a model's name as text; ``None`` while not answered yet.
    errors : pl.DataFrame
        One row per model with its ``error`` against the known truth.

    Returns
    -------
    Feedback
        Passed when the name is the model with the smallest error; else it says whether
        the answer is no model name, the worst model, or not a text at all.

    Examples
    --------
    >>> import polars as pl
    >>> errors = pl.DataFrame({"model": ["linear", "markov"], "error": [0.2, 0.1]})
    >>> check_best_model("linear", errors).message
    'That model is the furthest from the truth.'
    """
    names = errors["model"].to_list()
    if isinstance(answer, pl.DataFrame | pl.Series):
        return Feedback(
            False,
            "Give one model's name as text; you gave a table or a column.",
            hint='Pick the first name out of the sorted table: ...["model"][0].',
        )
    if not isinstance(answer, str):
        return Feedback(
            False,
            f"Give the model's name as text, e.g. {names[-1]!r}; you gave a number or another "
            "kind of value.",
            hint="Put the name in quotes.",
        )
    best = errors.sort("error").row(0, named=True)["model"]
    worst = errors.sort("error").row(errors.height - 1, named=True)["model"]
    if answer.strip() == best:
        return Feedback(True, "Right: that model's credit is closest to the truth on this data.")
    if answer.strip() not in names:
        return Feedback(
            False, f"{answer!r} is not one of the models compared.", hint=f"Choose one of {names}."
        )
    if answer.strip() == worst:
        return Feedback(
            False,
            "That model is the furthest from the truth.",
            hint="The error is the share of credit with the wrong channels: smaller is better.",
        )
    return Feedback(
        False,
        "That model is not the closest to the truth.",
        hint="Sort the error table by error, smallest first.",
    )
