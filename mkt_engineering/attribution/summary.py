"""The attribution report's answer first: headline, cards, action and bullets.

The headline names the channel with the most credit under the main model, and says so when
its lead over the next channel lies within the bootstrap intervals: a "top channel" that
chance could reorder is not a finding.

Examples
--------
>>> import polars as pl
>>> intervals = pl.DataFrame({"channel": ["search", "direct"], "conversions": [63.0, 56.0],
...                           "lower": [56.0, 48.0], "upper": [70.0, 63.0]})
>>> summarize(intervals, model="markov").headline
'Top channel under markov: search (53% of conversions), not clearly ahead of direct'
>>> summarize(intervals, model="markov", language="de").headline
'Stärkster Kanal unter markov: search (53 % der Conversions), nicht klar vor direct'
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.answers import Card, Summary
from mkt_engineering.formatting import Currency, Language, count, money, percent


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def _ranked(intervals: pl.DataFrame, merged: list[str]) -> pl.DataFrame:
    """Channels by credit; the merged long tail ("other (k channels)") is not a channel."""
    named = intervals.filter(~pl.col("channel").is_in(merged))
    return (named if named.height else intervals).sort("conversions", descending=True)


def headline(ranked: pl.DataFrame, total: float, model: str, language: Language = "en") -> str:
    """The top channel, its share, and whether chance could put the next one ahead.

    Examples
    --------
    >>> frame = pl.DataFrame({"channel": ["a", "b"], "conversions": [30.0, 10.0],
    ...                       "lower": [25.0, 8.0], "upper": [35.0, 12.0]})
    >>> headline(frame, 40.0, "linear")
    'Top channel under linear: a (75% of conversions)'
    """
    top = ranked.row(0, named=True)
    share = percent(top["conversions"] / total, 0, language)
    text = _t(
        language,
        f"Top channel under {model}: {top['channel']} ({share} of conversions)",
        f"Stärkster Kanal unter {model}: {top['channel']} ({share} der Conversions)",
    )
    if ranked.height > 1:
        second = ranked.row(1, named=True)
        if top["lower"] <= second["upper"]:  # the intervals overlap: the order is not settled
            text += _t(
                language,
                f", not clearly ahead of {second['channel']}",
                f", nicht klar vor {second['channel']}",
            )
    return text


def _channel_card(row: dict, total: float, label: str, language: Language) -> Card:
    conversions = count(row["conversions"], language)
    return Card(
        label,
        str(row["channel"]),
        _t(language, f"{percent(row['conversions'] / total, 0)} of conversions "
           f"({conversions} of {count(total)})",
           f"{percent(row['conversions'] / total, 0, 'de')} der Conversions "
           f"({conversions} von {count(total, 'de')})"),
        _t(language, "95% interval: ", "95-%-Intervall: ")
        + f"{count(row['lower'], language)} – {count(row['upper'], language)}",
    )  # fmt: skip


def _cost_card(budget: pl.DataFrame, currency, language: Language) -> Card | None:
    paid = budget.filter(pl.col("cost_per_conversion").is_not_null()).sort("cost_per_conversion")
    if paid.is_empty():
        return None
    cheap, dear = paid.row(0, named=True), paid.row(-1, named=True)
    interval = None
    if {"cost_per_conversion_low", "cost_per_conversion_high"} <= set(paid.columns):
        low, high = (
            money(cheap[f"cost_per_conversion_{end}"], 2, currency, language)
            for end in ("low", "high")
        )
        interval = _t(language, f"95% interval: {low} – {high}", f"95-%-Intervall: {low} – {high}")
    return Card(
        _t(language, f"Lowest cost per conversion: {cheap['channel']}",
           f"Niedrigste Kosten je Conversion: {cheap['channel']}"),
        money(cheap["cost_per_conversion"], 2, currency, language),
        _t(language, f"highest: {dear['channel']}, "
           f"{money(dear['cost_per_conversion'], 2, currency, language)}",
           f"höchste: {dear['channel']}, "
           f"{money(dear['cost_per_conversion'], 2, currency, language)}"),
        interval,
    )  # fmt: skip


def _disagreement(comparison: pl.DataFrame) -> dict:
    spread = (
        comparison.group_by("channel")
        .agg(
            low=pl.col("share").min(),
            high=pl.col("share").max(),
            low_model=pl.col("model").sort_by("share").first(),
            high_model=pl.col("model").sort_by("share").last(),
        )
        .with_columns(gap=pl.col("high") - pl.col("low"))
        .sort(["gap", "channel"], descending=[True, False])
    )
    return spread.row(0, named=True)


def _disagreement_bullet(comparison: pl.DataFrame, language: Language) -> str:
    row = _disagreement(comparison)
    low, high = percent(row["low"], 1, language), percent(row["high"], 1, language)
    return _t(
        language,
        f"The models disagree most about {row['channel']}: from {low} of the conversions "
        f"({row['low_model']}) to {high} ({row['high_model']}); the rule you pick decides.",
        f"Die Modelle sind am uneinigsten bei {row['channel']}: von {low} der Conversions "
        f"({row['low_model']}) bis {high} ({row['high_model']}); die gewählte Regel entscheidet.",
    )


def _credit_bullet(ranked: pl.DataFrame, total: float, model: str, language: Language) -> str:
    top = ranked.row(0, named=True)
    text = _t(
        language,
        f"Under the {model} model, {top['channel']} earns {count(top['conversions'])} of "
        f"{count(total)} conversions (95% interval {count(top['lower'])} to "
        f"{count(top['upper'])})",
        f"Unter dem Modell {model} erhält {top['channel']} {count(top['conversions'], 'de')} "
        f"von {count(total, 'de')} Conversions (95-%-Intervall {count(top['lower'], 'de')} bis "
        f"{count(top['upper'], 'de')})",
    )
    return text + "."


def _width_bullet(intervals: pl.DataFrame, total: float, language: Language) -> str:
    widest = float(((intervals["upper"] - intervals["lower"]) / total).max())
    return _t(
        language,
        f"The widest 95% interval spans {percent(widest, 1)} of all conversions: channels "
        "whose intervals overlap cannot be ranked with confidence.",
        f"Das breiteste 95-%-Intervall umfasst {percent(widest, 1, 'de')} aller Conversions: "
        "Kanäle mit überlappenden Intervallen lassen sich nicht sicher ordnen.",
    )


ACTION = {
    "en": "Before moving budget, test the leading channels with a holdout or geo experiment: "
    "attribution shares out past conversions; it does not say what extra spend would bring.",
    "de": "Vor einer Budgetverschiebung die führenden Kanäle mit einem Holdout- oder "
    "Geo-Experiment testen: Attribution verteilt vergangene Conversions, sie sagt nicht, "
    "was zusätzliches Budget bringt.",
}


def summarize(
    intervals: pl.DataFrame | None,
    *,
    model: str,
    comparison: pl.DataFrame | None = None,
    budget: pl.DataFrame | None = None,
    merged_channels: list[str] | None = None,
    currency: str | Currency = "",
    language: Language = "en",
) -> Summary:
    """The attribution report's summary from what it computed (None: section not shown).

    Parameters
    ----------
    intervals : polars.DataFrame or None
        ``attribution.bootstrap`` result (channel, conversions, lower, upper) of `model`.
    model : str
        The main model's name.
    comparison : polars.DataFrame, optional
        ``attribution.compare`` result (model, channel, share).
    budget : polars.DataFrame, optional
        ``attribution.budget_table`` with cost per conversion (and its interval).
    merged_channels : list of str, optional
        Names of merged long-tail groups, never called the top channel.
    currency : str or Currency
        The run's currency.
    language : {"en", "de"}

    Returns
    -------
    Summary

    Examples
    --------
    >>> summarize(None, model="markov").headline
    'No channel credit: the data hold no journey that can be credited (see the report)'
    """
    if intervals is None or intervals.is_empty() or intervals["conversions"].sum() <= 0:
        return Summary(
            _t(language,
               "No channel credit: the data hold no journey that can be credited (see the report)",
               "Keine Kanal-Zuordnung: die Daten enthalten keine zuordenbare Customer Journey "
               "(siehe Bericht)"),
            (),
            _t(language, "Check the inputs: the sections of the report say what is missing.",
               "Eingaben prüfen: die Abschnitte des Berichts nennen, was fehlt."),
            (),
        )  # fmt: skip
    total = float(intervals["conversions"].sum())
    ranked = _ranked(intervals, merged_channels or [])
    cards = [
        _channel_card(
            ranked.row(0, named=True),
            total,
            _t(language, "Top channel", "Stärkster Kanal"),
            language,
        )
    ]
    if ranked.height > 1:
        cards.append(
            _channel_card(
                ranked.row(1, named=True), total, _t(language, "Runner-up", "Zweiter"), language
            )
        )
    if budget is not None:
        cards.append(_cost_card(budget, currency, language))
    bullets = [
        _credit_bullet(ranked, total, model, language),
        _width_bullet(intervals, total, language),
    ]
    if comparison is not None and comparison.height:
        bullets.append(_disagreement_bullet(comparison, language))
    return Summary(
        headline(ranked, total, model, language),
        tuple(card for card in cards if card is not None),
        ACTION[language],
        tuple(bullets),
    )  # fmt: skip
