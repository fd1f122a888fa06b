"""Plain-language readings of experiment results, one sentence per number.

Examples
--------
>>> explain_sample_size(1094, baseline=0.20, mde=0.05)
'To detect a change from 20.0% to 25.0% with 80% power at a 5% false-alarm rate, the test needs 1,094 units in each arm.'
"""

from __future__ import annotations

import math

import polars as pl

from mkt_engineering.experiments.checks import SrmResult
from mkt_engineering.experiments.verdict import describe_effect, what_is_missing
from mkt_engineering.text import markdown_literal, number, percent


def explain_sample_size(
    n: int,
    *,
    baseline: float,
    mde: float,
    power: float = 0.8,
    alpha: float = 0.05,
    language: str = "en",
) -> str:
    """How to read a sample size."""
    return (
        f"To detect a change from {percent(baseline, language=language)} to "
        f"{percent(baseline + mde, language=language)} with {percent(power, 0)} power at a "
        f"{percent(alpha, 0)} false-alarm rate, the test needs {number(n, language=language)} units in each arm."
    )


def explain_effect(row: dict, alpha: float = 0.05) -> str:
    """One effects row: what changed, how sure, and whether it counts."""
    # Markdown-literal: the metric name comes from the user's column. Only the first letter is
    # raised (str.capitalize would lower the rest: "ARPU" -> "Arpu").
    described = describe_effect(row, alpha)
    text = markdown_literal(described[:1].upper() + described[1:] + ".")
    if row["role"] == "exploratory":
        return (
            text
            + " This metric was not in the plan, so treat it as a hint for the next test, not a result."
        )
    missing = what_is_missing(row)
    if missing:
        return f"{text} {markdown_literal(missing[0].upper() + missing[1:])}."
    if row["significant"]:
        text += " The interval excludes zero, so the change is unlikely to be chance"
    else:
        text += " The interval includes zero, so the data cannot tell this change from chance"
    corrected = row.get("correction") not in (None, "none")
    if corrected and math.isfinite(row["p_value"]) and row["p_adjusted"] != row["p_value"]:
        text += f" (after correcting for {row['correction']} multiple comparisons)"
    return text + "."


def explain_srm(srm: SrmResult) -> str:
    """How to read the sample-ratio check."""
    if srm.blocked:
        return (
            f"The arms are not split as planned (p = {srm.p_value:.1e}). Something removed or added units in one "
            "arm (tracking, redirects, bots); the effects below cannot be trusted until the cause is found."
        )
    return (
        f"The arms are split as planned (largest deviation {percent(srm.max_deviation, 2)}, p = {srm.p_value:.2f}); "
        "assignment looks healthy."
    )


def explain_balance(balance: pl.DataFrame) -> str:
    """How to read the pre-period balance."""
    if balance.is_empty():
        return "No pre-period covariates were given, so balance was not checked."
    worst = balance["standardized_difference"].abs().max()
    verdict = (
        "well balanced"
        if worst < 0.1
        else "less balanced than randomization usually gives; check the assignment"
    )
    return (
        f"Before the test the arms differed by at most {number(worst, 3)} standard deviations on the "
        f"pre-period data: {verdict}. Units without pre-period data are kept and flagged, not dropped."
    )


def explain_cuped(effects: pl.DataFrame) -> str:
    """How much the pre-period data sharpened the estimates."""
    rows = effects.filter(pl.col("variance_reduction").is_not_null())
    if rows.is_empty():
        return "No pre-period adjustment (CUPED) was used."
    parts = [
        f"{markdown_literal(r['metric'])} by {percent(max(r['variance_reduction'], 0.0))}"
        for r in rows.iter_rows(named=True)
    ]
    return (
        "Using what each unit did before the test (CUPED) removed noise from the estimates: the variance fell for "
        + ", ".join(parts)
        + ". Less noise means narrower intervals for the same traffic."
    )


def explain_bayes(bayes: pl.DataFrame, rule_error_rates: dict[str, float] | None = None) -> str:
    """Chance to win and expected loss, with the rule's frequentist error rate beside it."""
    row = bayes.row(0, named=True)
    chance = row["chance_to_win"]
    chance_text = (
        "more than 99.9%"
        if chance > 0.999
        else "less than 0.1%"
        if chance < 0.001
        else percent(chance)
    )
    loss = row["expected_loss"]
    loss_text = "practically nothing (less than 0.00001)" if loss < 1e-5 else f"{loss:.5g}"
    text = (
        f"Given the data, the treatment has a {chance_text} chance of being better. If you ship it "
        f"and it is in fact worse, you lose on average {loss_text} on the metric."
    )
    if rule_error_rates:
        text += (
            f" Beware: the rule 'ship at 95% chance to win' declares a winner in "
            f"{percent(rule_error_rates['once'])} of tests without any effect when read once, and in "
            f"{percent(rule_error_rates['daily'])} when read every day."
        )
    return text


def explain_sequential(over_time: pl.DataFrame) -> str:
    """How to read the cumulative chart."""
    if over_time.is_empty():
        return "No day column was given, so the effect over time is not shown."
    last = over_time.row(-1, named=True)
    bounds = (last["always_valid_low"], last["always_valid_high"])
    if not all(math.isfinite(b) for b in bounds):
        return (
            f"After {number(last['units_per_arm'])} units per arm the always-valid interval "
            "cannot be computed: the metric has not varied yet (for a rate: no conversions), "
            "so the view over time says nothing either way."
        )
    inside = last["always_valid_low"] <= 0 <= last["always_valid_high"]
    return (
        f"After {number(last['units_per_arm'])} units per arm the always-valid interval runs from "
        f"{number(last['always_valid_low'], 4)} to {number(last['always_valid_high'], 4)}; it "
        + (
            "still includes zero, so looking early would not have justified stopping."
            if inside
            else "excludes zero, and this reading stays valid however often the results were checked."
        )
    )


def verdict_markdown(verdict, heading: str = "**") -> str:
    """The verdict's headline and reasons as Markdown, with metric names as literal text.

    Metric and variant names come from the user's columns, so every reason is escaped with
    :func:`~mkt_engineering.text.markdown_literal` (a metric named like a link stays text).

    Parameters
    ----------
    verdict : Verdict
        From ``analyze(...).verdict``.
    heading : str
        ``"**"`` for a bold first line, ``"###"`` for a heading.

    Returns
    -------
    str
        The headline, then one list item per reason.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> v = SimpleNamespace(headline="Verdict: ship", reasons=["[x](https://e.example) rose"])
    >>> print(verdict_markdown(v))
    **Verdict: ship**
    <BLANKLINE>
    - \\[x\\](https://e.example) rose
    """
    title = markdown_literal(verdict.headline)
    first = f"### {title}" if heading == "###" else f"**{title}**"
    return "\n".join([first, ""] + [f"- {markdown_literal(reason)}" for reason in verdict.reasons])


def explain_analysis(result, language: str = "en") -> str:
    """The verdict and the reading of each part of an `analyze` result, as markdown."""
    lines = [verdict_markdown(result.verdict)]
    lines += [
        "",
        explain_srm(result.srm),
        explain_balance(result.balance),
        explain_cuped(result.effects),
    ]
    lines += [explain_effect(r) for r in result.effects.iter_rows(named=True)]
    return "\n".join(lines)


def explain_segments(segments: pl.DataFrame, alpha: float = 0.05) -> str:
    """One Markdown line per segment column: does the effect differ between its groups?

    Parameters
    ----------
    segments : polars.DataFrame
        ``analyze(...).segments``, with ``segment`` and ``interaction_p_value``.
    alpha : float
        The level below which a difference between groups is called out.

    Returns
    -------
    str
        One list item per segment column; a p-value that cannot be computed (fewer than two
        groups with conversions) is said so, never printed as "nan".

    Examples
    --------
    >>> frame = pl.DataFrame({"segment": ["device", "country"],
    ...                       "interaction_p_value": [0.01, float("nan")]})
    >>> print(explain_segments(frame))
    - **device**: interaction p = 0.01; the effect seems to differ between the groups (exploratory, check in a new test).
    - **country**: no interaction p-value: fewer than two of its groups have the variation a test needs.
    """
    lines = []
    for name, part in segments.group_by("segment", maintain_order=True):
        label = f"- **{markdown_literal(name[0])}**"
        p = part["interaction_p_value"][0]
        if p is None or not math.isfinite(p):
            lines.append(
                f"{label}: no interaction p-value: fewer than two of its groups have the "
                "variation a test needs."
            )
        elif p < alpha:
            lines.append(
                f"{label}: interaction p = {p:.2f}; the effect seems to differ between the "
                "groups (exploratory, check in a new test)."
            )
        else:
            lines.append(
                f"{label}: interaction p = {p:.2f}; no sign the effect differs between the groups."
            )
    return "\n".join(lines)
