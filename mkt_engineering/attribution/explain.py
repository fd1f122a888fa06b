"""Plain-language readings of attribution results, in English or German.

Every function takes ``language="en"`` or ``"de"``: the words and the number format follow
it. Channel names come from the user's data and reach the text only through
:func:`~mkt_engineering.text.markdown_literal`.

Examples
--------
>>> import polars as pl
>>> credit = pl.DataFrame({"channel": ["search", "email"], "conversions": [30.0, 10.0]})
>>> explain_credit(credit, model="markov")
'Under the markov model, search earns the most conversions: 30 of 40 (75.0%). email follows with 10 (25.0%).'
>>> explain_credit(credit, model="markov", language="de")
'Im Modell markov erhält search die meisten Conversions: 30 von 40 (75,0 %). Es folgt email mit 10 (25,0 %).'
"""  # noqa: E501 - doctest output is one line

from __future__ import annotations

import polars as pl

from mkt_engineering.formatting import Currency
from mkt_engineering.text import Language, markdown_literal, money, number, percent

MODEL_WORDS = {
    "en": {
        "first_touch": "gives all credit to the channel that opened the journey",
        "last_touch": "gives all credit to the channel that closed the journey",
        "last_non_direct": "gives all credit to the last channel that was not a direct visit",
        "linear": "splits each conversion equally over all touches",
        "position_based": "gives fixed shares to the first and last touch and splits the rest",
        "time_decay": "gives more credit to touches close to the conversion",
        "markov": "credits each channel by how many conversions would be lost without it "
        "(removal effect)",
        "shapley": "splits each conversion equally over the distinct channels of the journey "
        "(Shapley value)",
    },
    "de": {
        "first_touch": "gibt den ganzen Anteil dem Kanal, der die Journey eröffnet hat",
        "last_touch": "gibt den ganzen Anteil dem Kanal, der die Journey abgeschlossen hat",
        "last_non_direct": "gibt den ganzen Anteil dem letzten Kanal, der kein Direktaufruf war",
        "linear": "verteilt jede Conversion gleichmäßig auf alle Kontakte",
        "position_based": "gibt dem ersten und letzten Kontakt feste Anteile und verteilt den Rest",
        "time_decay": "gibt Kontakten kurz vor der Conversion mehr Anteil",
        "markov": "bewertet jeden Kanal danach, wie viele Conversions ohne ihn verloren gingen "
        "(Removal-Effekt)",
        "shapley": "verteilt jede Conversion gleichmäßig auf die verschiedenen Kanäle der "
        "Journey (Shapley-Wert)",
    },
}


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def explain_credit(credit: pl.DataFrame, model: str = "", language: Language = "en") -> str:
    """One or two sentences on which channels earn the most conversions.

    Parameters
    ----------
    credit : DataFrame
        channel and conversions per channel (a model's credit).
    model : str, optional
        The model's name, said first when given.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The top channel with its share, and the runner-up.

    Examples
    --------
    >>> explain_credit(pl.DataFrame({"channel": ["a"], "conversions": [0.0]}), language="de")
    'Diese Journeys haben keine Conversions, daher erhält kein Kanal einen Anteil.'
    """
    credit = credit.sort("conversions", descending=True)
    total = credit["conversions"].sum()
    if credit.height == 0 or total <= 0:
        return _t(
            language,
            "No conversions in these journeys, so no channel earns credit.",
            "Diese Journeys haben keine Conversions, daher erhält kein Kanal einen Anteil.",
        )
    top = credit.row(0, named=True)
    name, share = markdown_literal(top["channel"]), percent(top["conversions"] / total, 1, language)
    count, all_ = number(top["conversions"], 0, language), number(total, 0, language)
    if language == "de":
        text = (f"Im Modell {model} erhält " if model else "") + (
            f"{name} die meisten Conversions: {count} von {all_} ({share})."
        )
        text = text if model else text[0].upper() + text[1:]
    else:
        text = (f"Under the {model} model, " if model else "") + (
            f"{name} earns the most conversions: {count} of {all_} ({share})."
        )
    if credit.height > 1:
        second = credit.row(1, named=True)
        runner, count = (
            markdown_literal(second["channel"]),
            number(second["conversions"], 0, language),
        )
        share = percent(second["conversions"] / total, 1, language)
        text += _t(
            language,
            f" {runner} follows with {count} ({share}).",
            f" Es folgt {runner} mit {count} ({share}).",
        )
    return text


def explain_model(model: str, language: Language = "en") -> str:
    """What a model does, in one sentence.

    Parameters
    ----------
    model : str
        A model name such as ``"markov"`` or ``"time_decay(7)"``.
    language : {"en", "de"}
        Language of the text.

    Returns
    -------
    str
        The sentence.

    Examples
    --------
    >>> explain_model("linear")
    'The linear model splits each conversion equally over all touches.'
    >>> explain_model("linear", language="de")
    'Das Modell linear verteilt jede Conversion gleichmäßig auf alle Kontakte.'
    """
    words = MODEL_WORDS["de" if language == "de" else "en"]
    what = words.get(
        model.split("(")[0],
        _t(language, "assigns credit by its own rule", "vergibt Anteile nach eigener Regel"),
    )
    return _t(language, f"The {model} model {what}.", f"Das Modell {model} {what}.")


def explain_comparison(comparison: pl.DataFrame, language: Language = "en") -> str:
    """Where the models agree and where they disagree.

    Parameters
    ----------
    comparison : DataFrame
        model, channel and share (of the conversions) per model and channel, as
        :func:`~mkt_engineering.attribution.compare` returns.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The channel with the widest and the one with the narrowest spread of shares.

    Examples
    --------
    >>> comparison = pl.DataFrame({"model": ["a", "b", "a", "b"], "channel": ["x", "x", "y", "y"],
    ...                            "share": [0.2, 0.6, 0.5, 0.55]})
    >>> print(explain_comparison(comparison, language="de"))  # doctest: +NORMALIZE_WHITESPACE
    Am stärksten widersprechen sich die Modelle bei x: von 20,0 % der Conversions (a) bis
    60,0 % (b). Am meisten einig sind sie sich bei y (50,0 % bis 55,0 %). Wo die Modelle sich
    widersprechen, entscheidet die gewählte Regel über die Antwort; diese Kanäle daher mit
    Vorsicht lesen.
    """
    spread = (
        comparison.group_by("channel")
        .agg(
            low=pl.col("share").min(),
            high=pl.col("share").max(),
            low_model=pl.col("model").sort_by("share").first(),
            high_model=pl.col("model").sort_by("share").last(),
        )
        .with_columns(gap=pl.col("high") - pl.col("low"))
        .sort("gap", "channel", descending=[True, False])
    )
    wide, narrow = spread.row(0, named=True), spread.row(spread.height - 1, named=True)
    wide_name, narrow_name = markdown_literal(wide["channel"]), markdown_literal(narrow["channel"])
    low, high = percent(wide["low"], 1, language), percent(wide["high"], 1, language)
    n_low, n_high = percent(narrow["low"], 1, language), percent(narrow["high"], 1, language)
    return _t(
        language,
        f"The models disagree most about {wide_name}: from {low} of the conversions "
        f"({wide['low_model']}) to {high} ({wide['high_model']}). They agree most about "
        f"{narrow_name} ({n_low} to {n_high}). Where models disagree, the rule you pick decides "
        "the answer, so read those channels with care.",
        f"Am stärksten widersprechen sich die Modelle bei {wide_name}: von {low} der Conversions "
        f"({wide['low_model']}) bis {high} ({wide['high_model']}). Am meisten einig sind sie "
        f"sich bei {narrow_name} ({n_low} bis {n_high}). Wo die Modelle sich widersprechen, "
        "entscheidet die gewählte Regel über die Antwort; diese Kanäle daher mit Vorsicht lesen.",
    )


def explain_interval(
    intervals: pl.DataFrame, level: float = 0.95, language: Language = "en"
) -> str:
    """How sure the credit is, from `bootstrap` output.

    Parameters
    ----------
    intervals : DataFrame
        channel, conversions, lower and upper per channel (:func:`bootstrap`).
    level : float
        The intervals' confidence level.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The top channel's interval and the widest interval's span.

    Examples
    --------
    >>> intervals = pl.DataFrame({"channel": ["x", "y"], "conversions": [60.0, 40.0],
    ...                           "lower": [50.0, 30.0], "upper": [70.0, 45.0]})
    >>> print(explain_interval(intervals, language="de"))  # doctest: +NORMALIZE_WHITESPACE
    x erhält 60 Conversions; bei wiederholter Stichprobenziehung aus den Journeys liegt dieser
    Wert in 95 % der Fälle zwischen 50 und 70. Das breiteste Intervall umfasst 20,0 % aller
    Conversions: Kanäle, deren Intervalle sich überlappen, lassen sich nicht sicher reihen.
    """
    top = intervals.sort("conversions", descending=True).row(0, named=True)
    widths = (intervals["upper"] - intervals["lower"]) / intervals["conversions"].sum()
    name = markdown_literal(top["channel"])
    count, lower, upper = (number(top[c], 0, language) for c in ("conversions", "lower", "upper"))
    level_text, widest = percent(level, 0, language), percent(float(widths.max()), 1, language)
    return _t(
        language,
        f"{name} earns {count} conversions; resampling the journeys puts this between {lower} "
        f"and {upper} in {level_text} of cases. The widest interval spans {widest} of all "
        "conversions: channels whose intervals overlap cannot be ranked with confidence.",
        f"{name} erhält {count} Conversions; bei wiederholter Stichprobenziehung aus den "
        f"Journeys liegt dieser Wert in {level_text} der Fälle zwischen {lower} und {upper}. "
        "Das breiteste Intervall "
        f"umfasst {widest} aller Conversions: Kanäle, deren Intervalle sich überlappen, lassen "
        "sich nicht sicher reihen.",
    )


def explain_markov(
    conversion_probability: float, credit: pl.DataFrame, language: Language = "en"
) -> str:
    """The removal effects in words.

    Parameters
    ----------
    conversion_probability : float
        The probability that a journey converts (the fitted Markov model's).
    credit : DataFrame
        channel and removal_effect per channel.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The conversion probability and the largest removal effect.

    Examples
    --------
    >>> credit = pl.DataFrame({"channel": ["x", "y"], "removal_effect": [0.6, 0.5]})
    >>> print(explain_markov(0.04, credit, language="de"))  # doctest: +NORMALIZE_WHITESPACE
    Eine Journey führt mit Wahrscheinlichkeit 4,0 % zur Conversion. Ohne x gingen 60,0 % der
    Conversions verloren: sein Removal-Effekt. Removal-Effekte überlappen sich (eine Journey
    kann zwei Kanäle brauchen), daher ergeben sie zusammen mehr als 100 % und werden
    skaliert, um die Conversions aufzuteilen.
    """
    top = credit.sort("removal_effect", descending=True).row(0, named=True)
    name, effect = markdown_literal(top["channel"]), percent(top["removal_effect"], 1, language)
    probability = percent(conversion_probability, 1, language)
    return _t(
        language,
        f"A journey converts with probability {probability}. Without {name}, {effect} of the "
        "conversions would be lost: its removal effect. Removal effects overlap (a journey can "
        "need two channels), so they add up to more than 100% and are scaled to share out the "
        "conversions.",
        f"Eine Journey führt mit Wahrscheinlichkeit {probability} zur Conversion. Ohne {name} "
        f"gingen {effect} der Conversions verloren: sein Removal-Effekt. Removal-Effekte "
        "überlappen sich (eine Journey kann zwei Kanäle brauchen), daher ergeben sie zusammen "
        "mehr als 100 % und werden skaliert, um die Conversions aufzuteilen.",
    )


def explain_budget(
    table: pl.DataFrame, language: Language = "en", currency: str | Currency = "€"
) -> str:
    """The cheapest and dearest channel per attributed conversion.

    Parameters
    ----------
    table : DataFrame
        channel and cost_per_conversion (null for channels without spend or credit).
    language : {"en", "de"}
        Language and money format of the text.
    currency : str or Currency
        The run's currency (``formatting.currency_for(currency)`` of the report parameter);
        "" shows plain numbers.

    Returns
    -------
    str
        The cheapest and the dearest channel, with what the ranking does not say.

    Examples
    --------
    >>> table = pl.DataFrame({"channel": ["x", "y"], "cost_per_conversion": [12.5, 40.0]})
    >>> print(explain_budget(table, language="de"))  # doctest: +NORMALIZE_WHITESPACE
    x kostet am wenigsten je zugeordneter Conversion (12,50 €), y am meisten (40,00 €). Das
    reiht Kanäle nach ihrem Anteil an vergangenen Conversions; es sagt nicht, was zusätzliche
    Ausgaben bringen würden.
    """
    paid = table.filter(pl.col("cost_per_conversion").is_not_null()).sort("cost_per_conversion")
    if paid.height == 0:
        return _t(
            language,
            "No channel has both spend and attributed conversions.",
            "Kein Kanal hat sowohl Ausgaben als auch zugeordnete Conversions.",
        )
    cheap, dear = paid.row(0, named=True), paid.row(paid.height - 1, named=True)
    cheap_name, dear_name = markdown_literal(cheap["channel"]), markdown_literal(dear["channel"])
    low = money(cheap["cost_per_conversion"], currency=currency, language=language)
    high = money(dear["cost_per_conversion"], currency=currency, language=language)
    return _t(
        language,
        f"{cheap_name} costs the least per attributed conversion ({low}), {dear_name} the most "
        f"({high}). This ranks channels by their share of past conversions; it does not say "
        "what extra spend would bring.",
        f"{cheap_name} kostet am wenigsten je zugeordneter Conversion ({low}), {dear_name} am "
        f"meisten ({high}). Das reiht Kanäle nach ihrem Anteil an vergangenen Conversions; es "
        "sagt nicht, was zusätzliche Ausgaben bringen würden.",
    )
