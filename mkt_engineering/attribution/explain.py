"""Plain-language readings of attribution results.

Examples
--------
>>> import polars as pl
>>> credit = pl.DataFrame({"channel": ["search", "email"], "conversions": [30.0, 10.0], "value": [2400.0, 500.0]})
>>> explain_credit(credit, model="markov")
'Under the markov model, search earns the most conversions: 30 of 40 (75.0%). email follows with 10 (25.0%).'
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.text import Language, markdown_literal, money, number, percent

MODEL_WORDS = {
    "first_touch": "gives all credit to the channel that opened the journey",
    "last_touch": "gives all credit to the channel that closed the journey",
    "last_non_direct": "gives all credit to the last channel that was not a direct visit",
    "linear": "splits each conversion equally over all touches",
    "position_based": "gives fixed shares to the first and last touch and splits the rest",
    "time_decay": "gives more credit to touches close to the conversion",
    "markov": "credits each channel by how many conversions would be lost without it (removal effect)",
    "shapley": "splits each conversion equally over the distinct channels of the journey (Shapley value)",
}


def explain_credit(credit: pl.DataFrame, model: str = "", language: Language = "en") -> str:
    """One or two sentences on who earns the conversions."""
    credit = credit.sort("conversions", descending=True)
    total = credit["conversions"].sum()
    if credit.height == 0 or total <= 0:
        return "No conversions in these journeys, so no channel earns credit."
    top = credit.row(0, named=True)
    text = (f"Under the {model} model, " if model else "") + (
        f"{markdown_literal(top['channel'])} earns the most conversions: {number(top['conversions'], 0, language)} of "
        f"{number(total, 0, language)} ({percent(top['conversions'] / total, 1, language)})."
    )
    if credit.height > 1:
        second = credit.row(1, named=True)
        text += (
            f" {markdown_literal(second['channel'])} follows with {number(second['conversions'], 0, language)} "
            f"({percent(second['conversions'] / total, 1, language)})."
        )
    return text


def explain_model(model: str) -> str:
    """What a model does, in one sentence."""
    base = model.split("(")[0]
    return f"The {model} model {MODEL_WORDS.get(base, 'assigns credit by its own rule')}."


def explain_comparison(comparison: pl.DataFrame) -> str:
    """Where the models agree and where they disagree."""
    spread = (
        comparison.group_by("channel")
        .agg(
            low=pl.col("share").min(),
            high=pl.col("share").max(),
            low_model=pl.col("model").sort_by("share").first(),
            high_model=pl.col("model").sort_by("share").last(),
        )
        .with_columns(gap=pl.col("high") - pl.col("low"))
        .sort("gap", descending=True)
    )
    widest = spread.row(0, named=True)
    narrowest = spread.row(spread.height - 1, named=True)
    return (
        f"The models disagree most about {markdown_literal(widest['channel'])}: from {percent(widest['low'])} of the "
        f"conversions ({widest['low_model']}) to {percent(widest['high'])} ({widest['high_model']}). "
        f"They agree most about {markdown_literal(narrowest['channel'])} ({percent(narrowest['low'])} to "
        f"{percent(narrowest['high'])}). Where models disagree, the rule you pick decides the answer, "
        "so read those channels with care."
    )


def explain_interval(intervals: pl.DataFrame, level: float = 0.95) -> str:
    """How sure the credit is, from `bootstrap` output."""
    top = intervals.sort("conversions", descending=True).row(0, named=True)
    widths = (intervals["upper"] - intervals["lower"]) / intervals["conversions"].sum()
    return (
        f"{markdown_literal(top['channel'])} earns {number(top['conversions'], 0)} conversions; resampling the journeys puts "
        f"this between {number(top['lower'], 0)} and {number(top['upper'], 0)} in {percent(level, 0)} of cases. "
        f"The widest interval spans {percent(float(widths.max()))} of all conversions: "
        "channels whose intervals overlap cannot be ranked with confidence."
    )


def explain_markov(conversion_probability: float, credit: pl.DataFrame) -> str:
    """The removal effects in words."""
    top = credit.sort("removal_effect", descending=True).row(0, named=True)
    return (
        f"A journey converts with probability {percent(conversion_probability)}. Without {markdown_literal(top['channel'])}, "
        f"{percent(top['removal_effect'])} of the conversions would be lost: its removal effect. "
        "Removal effects overlap (a journey can need two channels), so they add up to more than 100% "
        "and are scaled to share out the conversions."
    )


def explain_budget(table: pl.DataFrame) -> str:
    """The cheapest and dearest channel per attributed conversion."""
    paid = table.filter(pl.col("cost_per_conversion").is_not_null()).sort("cost_per_conversion")
    if paid.height == 0:
        return "No channel has both spend and attributed conversions."
    cheap, dear = paid.row(0, named=True), paid.row(paid.height - 1, named=True)
    return (
        f"{markdown_literal(cheap['channel'])} costs the least per attributed conversion ({money(cheap['cost_per_conversion'])}), "
        f"{markdown_literal(dear['channel'])} the most ({money(dear['cost_per_conversion'])}). This ranks channels by their "
        "share of past conversions; it does not say what extra spend would bring."
    )
