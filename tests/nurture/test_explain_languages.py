"""The nurture readings in English and German: German words for 'de', English unchanged, and
the user's own values (a persona in a Cox covariate) only as Markdown literals."""

from __future__ import annotations

import inspect

import polars as pl
import pytest

from mkt_engineering.nurture import explain

EXITS = pl.DataFrame(
    {"cause": ["qualified", "unsubscribed"], "day": [90, 90], "cumulative_incidence": [0.4, 0.1]}
)
RULE = pl.DataFrame(
    {
        "threshold": [60],
        "contacts_below": [263],
        "win_rate_below": [0.46],
        "win_rate_above": [0.64],
        "extra_wins": [48.2],
        "extra_wins_low": [17.4],
        "extra_wins_high": [78.0],
        "recommended": [True],
    }
)
HEAT = pl.DataFrame(
    {"weekday": ["Tue", "Sun"], "hour": [14, 17], "sends": [40, 30], "open_rate": [0.43, 0.03]}
)
COX = pl.DataFrame(
    {"covariate": ["persona=*cfo*"], "coef": [0.4], "hazard_ratio": [1.49], "p_value": [0.01]}
)
FORECAST = pl.DataFrame({"open_leads": [1200], "expected_mqls": [84.2], "sd": [8.1]})

# (call, English as before German came in, start of the German text)
CASES = {
    "explain_time_to_qualify": (
        lambda language: explain.explain_time_to_qualify(None, {}, language=language),
        "Fewer than half of all leads reach MQL, so there is no median time to MQL for all leads.",
        "Weniger als die Hälfte aller Leads erreicht MQL",
    ),
    "explain_cure": (
        lambda language: explain.explain_cure(0.61, 23.4, 1.4, language),
        "The cure model estimates that 61% of the leads will never reach MQL, however long they "
        "are nurtured. Those that do take a median of 23 days; readiness becomes more likely for "
        "a while and then fades.",
        "Das Cure-Modell schätzt, dass 61 % der Leads MQL nie erreichen",
    ),
    "explain_exits": (
        lambda language: explain.explain_exits(EXITS, 90, language),
        "After 90 days: 40% qualified, 10% unsubscribed. The rest are still in nurturing. These "
        "shares add up, unlike 1 − Kaplan-Meier per cause, which would count an unsubscribed "
        "lead as one that could still qualify.",
        "Nach 90 Tagen: 40 % qualifiziert, 10 % abgemeldet.",
    ),
    "explain_handoff_rule": (
        lambda language: explain.explain_handoff_rule(RULE, language),
        "Recommended: hand a lead to sales once its score reaches 60. Leads called below it won "
        "46%, leads at or above it 64%. Had the 263 calls below the threshold waited, about 48 "
        "more wins would follow (95% interval 17 to 78) if waiting lets them win like the "
        "others; an optimistic, observational estimate.",
        "Empfehlung: einen Lead an den Vertrieb übergeben, sobald sein Score 60 erreicht.",
    ),
    "explain_send_time": (
        lambda language: explain.explain_send_time(HEAT, language=language),
        "E-mails sent on Tue at 14:00 were opened most often (43%), those sent on Sun at 17:00 "
        "least (3%).",
        "E-Mails, die am Dienstag um 14:00 Uhr verschickt wurden, wurden am häufigsten geöffnet",
    ),
    "explain_forecast": (
        lambda language: explain.explain_forecast(FORECAST, 30, language),
        "Of the 1,200 leads still in nurturing, about 84 (± 16) should reach MQL in the next 30 "
        "days. New leads arriving meanwhile come on top.",
        "Von den 1.200 Leads, die noch im Nurturing sind, sollten etwa 84 (± 16)",
    ),
    "explain_cox": (
        lambda language: explain.explain_cox(COX, language),
        "Compared with the reference group, persona=\\*cfo\\*: 1.49 times the daily chance to "
        "qualify.",
        "Verglichen mit der Referenzgruppe: persona=\\*cfo\\*: 1,49-mal die tägliche Chance",
    ),
}


def test_every_reading_takes_language():
    for name, function in vars(explain).items():
        if name.startswith("explain_") and inspect.isfunction(function):
            assert "language" in inspect.signature(function).parameters, name


@pytest.mark.parametrize("name", sorted(CASES))
def test_english_is_unchanged_and_german_is_german(name):
    call, english, german = CASES[name]
    assert call("en") == english
    text = call("de")
    assert text.startswith(german)
    for word in (" the ", " of the ", " leads ", " days"):
        assert word not in text, (name, word)


def test_frequency_bins_read_with_decimal_commas_in_german():
    table = pl.DataFrame(
        {
            "emails_per_week": ["0–1.5", "2.5–4"],
            "per_1000_lead_days": [0.9, 9.0],
            "weekly_probability": [0.006, 0.09],
        }
    )
    assert explain.explain_unsubscribes(table, "en").startswith("At 0–1.5 e-mails a week")
    assert explain.explain_unsubscribes(table, "de").startswith(
        "Bei 0–1,5 E-Mails pro Woche melden sich 0,6 % der Leads je Woche ab; bei 2,5–4 sind"
    )


def test_empty_results_read_in_german():
    none = pl.DataFrame({"recommended": [False]})
    assert explain.explain_handoff_rule(none, "de").startswith("Kein Score-Schwellenwert")
    few = HEAT.with_columns(sends=pl.lit(1))
    assert explain.explain_send_time(few, language="de").startswith("Zu wenige Versände")
    insignificant = COX.with_columns(p_value=pl.lit(0.5))
    assert explain.explain_cox(insignificant, "de").startswith("Kein Merkmal")
