"""Lesson 03 (A/B testing): the checks of its exercises.

Each check recomputes the expected answer from the lesson's own inputs and recognizes the
values that common mistakes produce. No check prints the expected value.

Examples
--------
>>> check_sample_size(3841).passed
True
>>> check_sample_size(7682).hint.startswith("That is both arms")
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.experiments.checks import srm_test
from mkt_engineering.experiments.design import sample_size
from mkt_engineering.teaching.feedback import Feedback, check_number
from mkt_engineering.teaching.ladder import exercise


def _rates(units: pl.DataFrame) -> pl.DataFrame:
    return (
        units.group_by("variant")
        .agg(pl.col("converted").mean().alias("conversion_rate"))
        .sort("variant")
    )


def _peeking(simulation: pl.DataFrame) -> float:
    daily = simulation.filter(pl.col("procedure") == "fixed-horizon z-test, checked daily")
    return daily["rejection_rate"].item()


@exercise(
    "users_per_arm",
    ladder=(
        "experiments.sample_size(baseline, mde) takes two shares: the rate today and the "
        "change to detect, both between 0 and 1.",
        "10% today is 0.10. From 10% to 12% is a change of 2 points, 0.02: the second number "
        "is the difference, not the target rate.",
        "users_per_arm = experiments.sample_size(0.10, 0.02)",
    ),
    reference=lambda baseline=0.10, mde=0.02: sample_size(baseline, mde),
)
def check_sample_size(answer: Any, baseline: float = 0.10, mde: float = 0.02) -> Feedback:
    """Exercise 1: units per arm to detect ``baseline`` -> ``baseline + mde``.

    The plan is the usual one: two-sided alpha 0.05, power 0.8.

    Parameters
    ----------
    answer : Any
        The learner's ``users_per_arm``: a number of units; ``None`` while not answered yet.
    baseline : float
        The conversion rate today, as a share (0.10 in the lesson).
    mde : float
        The smallest change to detect, as a difference of shares (0.02 for 10% -> 12%).

    Returns
    -------
    Feedback
        Passed or not: recognises both arms together, a relative lift, a one-sided test,
        90% power, a difference given in percent and the target rate in place of the
        difference. ``.use()`` returns the answer when it is right, else the reference value.

    Examples
    --------
    >>> check_sample_size(None).message
    'No answer yet for users_per_arm.'
    """
    expected = sample_size(baseline, mde)
    mistakes = {
        float(
            2 * expected
        ): "That is both arms together. The exercise asks for the units in EACH arm.",
        float(
            sample_size(baseline, mde, relative=True)
        ): "You passed the change as a relative lift. "
        "2 points (10% -> 12%) is an absolute difference: keep relative=False.",
        float(sample_size(baseline, mde, alpha=0.10)): "That is a one-sided test (or alpha 0.10). "
        "Keep the usual two-sided alpha = 0.05.",
        float(
            sample_size(baseline, mde, power=0.9)
        ): "That is for 90% power; the plan asks for 80%.",
        float(
            sample_size(baseline, mde / 100)
        ): "The difference is 0.02 (two points as a share), not 0.0002.",
    }
    target = round(baseline + mde, 10)
    if target < 1:
        # sample_size(0.10, 0.12): the target rate where the difference belongs
        mistakes.setdefault(
            float(sample_size(baseline, target)),
            f"The second number is the difference to detect, not the target rate: "
            f"{target:.2f} - {baseline:.2f} = {mde:.2f}, so sample_size({baseline:.2f}, "
            f"{mde:.2f}).",
        )
    return check_number(
        answer,
        float(expected),
        label="the sample size per arm",
        tolerance=1e-6,
        mistakes=mistakes,
        hint="Use sample_size(baseline, mde) with baseline and mde as shares.",
    )


@exercise(
    "rates",
    ladder=(
        'One row per variant: units.group_by("variant").agg(...). The share of a 0/1 '
        "column that is 1 is its mean.",
        'Inside .agg: pl.col("converted").mean().alias("conversion_rate").',
        'rates = units.group_by("variant").agg(pl.col("converted").mean()'
        '.alias("conversion_rate")).sort("variant")',
    ),
    reference=_rates,
)
def check_conversion_rates(answer: Any, units: pl.DataFrame) -> Feedback:
    """Exercise 2: a frame with one row per ``variant`` and its ``conversion_rate`` (a share).

    Parameters
    ----------
    answer : Any
        The learner's ``rates``: a frame with ``variant`` and ``conversion_rate``;
        ``None`` while not answered yet.
    units : pl.DataFrame
        The experiment, one row per unit with ``variant`` and the 0/1
        ``converted``.

    Returns
    -------
    Feedback
        Passed or not: names a LazyFrame, missing or misnamed columns, percentages and
        counts instead of rates. ``.use()`` returns the answer when it is right, else the
        reference table.
    """
    if isinstance(answer, pl.LazyFrame):
        return Feedback(
            False, "Expected a DataFrame, got a LazyFrame.", hint="Add .collect() at the end."
        )
    if not isinstance(answer, pl.DataFrame):
        return Feedback(
            False,
            f"Expected a polars DataFrame, got a {type(answer).__name__}.",
            hint="Start from units.group_by('variant').agg(...), which returns a DataFrame.",
        )
    if "variant" not in answer.columns:
        return Feedback(
            False,
            "The frame lacks the column variant.",
            hint="Keep the arm each rate belongs to: start from units.group_by('variant'), "
            "which keeps variant as a column.",
        )
    if "conversion_rate" not in answer.columns:
        # only a column that could be the rate is named; never the one that is right already
        candidates = [c for c in answer.columns if c != "variant" and answer[c].dtype.is_numeric()]
        yours = f" (yours is {candidates[0]!r})" if candidates else ""
        return Feedback(
            False,
            "The frame lacks the column conversion_rate.",
            hint="Name the rate column 'conversion_rate', e.g. "
            f"pl.col('converted').mean().alias('conversion_rate'){yours}.",
        )
    if not answer["conversion_rate"].dtype.is_numeric():
        return Feedback(
            False,
            f"conversion_rate holds {answer['conversion_rate'].dtype}, expected numbers.",
            hint="Compute the mean of the 0/1 column converted; do not format it as text.",
        )
    expected = units.group_by("variant").agg(pl.col("converted").mean().alias("conversion_rate"))
    joined = expected.join(
        answer.select("variant", pl.col("conversion_rate").alias("answer")),
        on="variant",
        how="left",
    )
    if joined["answer"].null_count():
        return Feedback(
            False, "Some variants are missing.", hint="Group by variant so each arm gets one row."
        )
    right, given = joined["conversion_rate"].to_numpy(), joined["answer"].to_numpy().astype(float)
    if np.allclose(given, right, rtol=1e-6):
        return Feedback(True, "The conversion rates are right.", right=["one row per variant"])
    if np.allclose(given, 100 * right, rtol=1e-6):
        return Feedback(
            False, "These look like percentages.", hint="Keep rates as shares between 0 and 1."
        )
    sums = units.group_by("variant").agg(pl.col("converted").sum()).sort("variant")
    if np.allclose(np.sort(given), np.sort(sums["converted"].to_numpy().astype(float))):
        return Feedback(
            False,
            "These are counts of conversions, not rates.",
            hint="Use .mean() of the 0/1 column instead of .sum().",
        )
    return Feedback(False, "The rates are off.", hint="Take the mean of converted per variant.")


@exercise(
    "peeking_rate",
    ladder=(
        "The simulation table has one row per procedure. Find the row of the fixed-horizon "
        "z-test checked daily; its rejection_rate is the false-alarm rate.",
        'Filter on the procedure\'s exact name, then take ["rejection_rate"].item().',
        'peeking_rate = simulation.filter(pl.col("procedure") == "fixed-horizon z-test, checked '
        'daily")["rejection_rate"].item()',
    ),
    reference=_peeking,
)
def check_peeking_rate(answer: Any, simulation: pl.DataFrame) -> Feedback:
    """Exercise 3: the false-positive rate of the fixed test checked every day (simulation).

    Parameters
    ----------
    answer : Any
        The learner's ``peeking_rate``: a share between 0 and 1; ``None`` while not answered yet.
    simulation : pl.DataFrame
        `experiments.simulate_aa`'s table: one row per ``procedure``
        with its ``rejection_rate``.

    Returns
    -------
    Feedback
        Passed or not: recognises the promised 0.05, the rate when read once, the
        always-valid test's rate and a percentage. ``.use()`` returns the answer when it
        is right, else the reference value.
    """
    rates = dict(zip(simulation["procedure"], simulation["rejection_rate"], strict=True))
    expected = rates["fixed-horizon z-test, checked daily"]
    mistakes = {
        0.05: "0.05 is what the test promises when read once. The exercise asks what actually "
        "happens when "
        "it is read every day: look it up in the simulation table.",
        rates[
            "fixed-horizon z-test, once at the end"
        ]: "That is the rate when the test is read once at the end. Pick the row 'checked daily'.",
        rates[
            "mSPRT always-valid test, checked daily"
        ]: "That is the always-valid test, which is built for peeking. "
        "Pick the fixed-horizon z-test checked daily.",
        100 * expected: "That looks like a percentage. Give the rate as a share between 0 and 1.",
    }
    return check_number(
        answer,
        expected,
        label="the false-positive rate under daily peeking",
        tolerance=1e-6,
        mistakes=mistakes,
        hint="Filter the table to the fixed-horizon z-test checked daily.",
    )


@exercise(
    "srm_p",
    ladder=(
        'experiments.srm_test takes the units per arm as a dict: {"control": 5000, '
        '"treatment": 5210}.',
        "The result has several fields; the p-value is .p_value (.blocked says whether the "
        "kit would stop the analysis).",
        'srm_p = experiments.srm_test({"control": 5000, "treatment": 5210}).p_value',
    ),
    reference=lambda counts: srm_test(counts).p_value,
)
def check_srm_p_value(answer: Any, counts: dict[str, int]) -> Feedback:
    """Exercise 4: the sample-ratio p-value of ``counts`` against a 50/50 plan.

    Parameters
    ----------
    answer : Any
        The learner's ``srm_p``: a p-value; ``None`` while not answered yet.
    counts : dict of str to int
        Units per arm, e.g. ``{"control": 5000, "treatment": 5210}``.

    Returns
    -------
    Feedback
        Passed or not: recognises ``.blocked`` (True/False) instead of the p-value, a test
        of the shares instead of the counts, and a one-sided p-value. ``.use()`` returns
        the answer when it is right, else the reference value.

    Examples
    --------
    >>> check_srm_p_value(True, {"control": 5000, "treatment": 5210}).hint
    'Take the .p_value attribute of the srm_test result, not .blocked.'
    """
    if isinstance(answer, bool):
        return Feedback(
            False,
            "Expected the p-value (a number), got True/False.",
            hint="Take the .p_value attribute of the srm_test result, not .blocked.",
        )
    expected = srm_test(counts).p_value
    observed = np.array(list(counts.values()), dtype=float)
    shares = observed / observed.sum()
    mistakes = {
        float(
            stats.chisquare(shares).pvalue
        ): "You tested the shares. The chi-square test needs the counts of units.",
        float(
            stats.binomtest(int(observed[0]), int(observed.sum())).pvalue / 2
        ): "That is a one-sided p-value; the check is two-sided.",
    }
    return check_number(
        answer,
        expected,
        label="the sample-ratio p-value",
        tolerance=1e-4,
        mistakes=mistakes,
        hint="Call experiments.srm_test(counts) and read .p_value.",
    )


@exercise(
    "decision",
    ladder=(
        "result.verdict holds the analysis' decision and its reasons; print(result.verdict) "
        "shows them.",
        "The decision alone is the field .decision of the verdict: result.verdict.decision.",
        "decision = result.verdict.decision",
    ),
    reference=lambda result: result.verdict.decision,
)
def check_verdict(answer: Any, result: Any) -> Feedback:
    """Exercise 5: the decision string of an `analyze` result.

    Parameters
    ----------
    answer : Any
        The learner's ``decision``: the decision as text, e.g. ``"ship"``;
        ``None`` while not answered yet.
    result : AnalysisResult
        What `experiments.analyze` returned; its ``verdict`` holds the
        decision.

    Returns
    -------
    Feedback
        Passed or not: names the whole verdict or headline instead of the decision, and a
        text that is none of the four decisions. ``.use()`` returns the answer when it is
        right, else the reference value.
    """
    if not isinstance(answer, str):
        kind = "the whole verdict" if hasattr(answer, "decision") else "no text"
        return Feedback(
            False,
            f"Expected text such as 'ship'; this is {kind}.",
            hint="Read result.verdict.decision.",
        )
    cleaned = answer.strip().lower()
    if cleaned == result.verdict.decision:
        return Feedback(True, "That is the verdict.")
    if cleaned.startswith("verdict"):
        return Feedback(
            False,
            "That is the whole headline.",
            hint="Give only the decision: result.verdict.decision.",
        )
    options = ("ship", "do not ship", "keep running", "inconclusive")
    if cleaned not in options:
        return Feedback(
            False,
            f"{answer!r} is not one of the four decisions.",
            hint=f"Use one of {', '.join(options)}.",
        )
    return Feedback(
        False,
        "Not the verdict the analysis reached.",
        hint="Read the reasons: is the primary metric's interval clear of zero, and is any "
        "guardrail worse?",
    )
