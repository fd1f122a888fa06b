"""The plain-language readings of attribution results, in English and German."""

from __future__ import annotations

import inspect

import polars as pl
import pytest

from mkt_engineering.attribution import explain

CREDIT = pl.DataFrame({"channel": ["search", "email"], "conversions": [30.0, 10.0]})
COMPARISON = pl.DataFrame(
    {
        "model": ["linear"] * 3 + ["markov"] * 3,
        "channel": ["search", "email", "direct"] * 2,
        "share": [0.4, 0.4, 0.2, 0.7, 0.2, 0.1],
    }
)
INTERVALS = pl.DataFrame(
    {
        "channel": ["search", "email"],
        "conversions": [1200.0, 800.0],
        "lower": [1100.0, 700.0],
        "upper": [1300.0, 900.0],
    }
)
REMOVAL = pl.DataFrame({"channel": ["search", "email"], "removal_effect": [0.6, 0.3]})
BUDGET = pl.DataFrame({"channel": ["search", "email"], "cost_per_conversion": [1250.0, 8.5]})

CALLS = {
    "explain_credit": lambda language: explain.explain_credit(CREDIT, "markov", language),
    "explain_model": lambda language: explain.explain_model("markov", language=language),
    "explain_comparison": lambda language: explain.explain_comparison(COMPARISON, language),
    "explain_interval": lambda language: explain.explain_interval(INTERVALS, language=language),
    "explain_markov": lambda language: explain.explain_markov(0.0425, REMOVAL, language),
    "explain_budget": lambda language: explain.explain_budget(BUDGET, language),
}


def test_every_explain_function_is_covered_and_takes_language():
    functions = {
        name
        for name, value in vars(explain).items()
        if name.startswith("explain_") and inspect.isfunction(value)
    }
    assert functions == set(CALLS)
    for name in functions:
        assert "language" in inspect.signature(getattr(explain, name)).parameters, name


# The English readings as they were before German came in: they must not change.
ENGLISH = {
    "explain_credit": "Under the markov model, search earns the most conversions: 30 of 40 "
    "(75.0%). email follows with 10 (25.0%).",
    "explain_model": "The markov model credits each channel by how many conversions would be "
    "lost without it (removal effect).",
    "explain_comparison": "The models disagree most about search: from 40.0% of the "
    "conversions (linear) to 70.0% (markov). They agree most about direct (10.0% to 20.0%). "
    "Where models disagree, the rule you pick decides the answer, so read those channels "
    "with care.",
    "explain_interval": "search earns 1,200 conversions; resampling the journeys puts this "
    "between 1,100 and 1,300 in 95% of cases. The widest interval spans 10.0% of all "
    "conversions: channels whose intervals overlap cannot be ranked with confidence.",
    "explain_markov": "A journey converts with probability 4.2%. Without search, 60.0% of the "
    "conversions would be lost: its removal effect. Removal effects overlap (a journey can "
    "need two channels), so they add up to more than 100% and are scaled to share out the "
    "conversions.",
    "explain_budget": "email costs the least per attributed conversion (€8.50), search the most "
    "(€1,250.00). This ranks channels by their share of past conversions; it does not say "
    "what extra spend would bring.",
}

GERMAN = {
    "explain_credit": "Im Modell markov erhält search die meisten Conversions: 30 von 40 "
    "(75,0 %). Es folgt email mit 10 (25,0 %).",
    "explain_model": "Das Modell markov bewertet jeden Kanal danach, wie viele Conversions "
    "ohne ihn verloren gingen (Removal-Effekt).",
    "explain_comparison": "Am stärksten widersprechen sich die Modelle bei search: von 40,0 % "
    "der Conversions (linear) bis 70,0 % (markov). Am meisten einig sind sie sich bei direct "
    "(10,0 % bis 20,0 %).",
    "explain_interval": "search erhält 1.200 Conversions; bei wiederholter "
    "Stichprobenziehung aus den Journeys liegt dieser Wert in 95 % der Fälle zwischen 1.100 "
    "und 1.300.",
    "explain_markov": "Eine Journey führt mit Wahrscheinlichkeit 4,2 % zur Conversion. Ohne "
    "search gingen 60,0 % der Conversions verloren",
    "explain_budget": "email kostet am wenigsten je zugeordneter Conversion (8,50 €), search am "
    "meisten (1.250,00 €).",
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_english_reading_is_unchanged(name):
    assert CALLS[name]("en") == ENGLISH[name]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_german_reading_is_german(name):
    text = CALLS[name]("de")
    assert text.startswith(GERMAN[name])
    # no English sentence left over in the German text
    for english in (" the ", " of the ", " with ", " would ", " earns ", " costs "):
        assert english not in text, (name, english)


def test_no_conversions_and_no_spend_read_in_german():
    none = pl.DataFrame({"channel": ["a"], "conversions": [0.0]})
    assert explain.explain_credit(none, language="de").startswith("Diese Journeys haben keine")
    unpaid = pl.DataFrame({"channel": ["a"], "cost_per_conversion": [None]}, strict=False)
    assert explain.explain_budget(unpaid, language="de").startswith("Kein Kanal hat")
