"""The A/B summary and effects table: points for rates, percent and currency, p < 0.001."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl

from mkt_engineering.experiments.summary import effects_table, summarize
from mkt_engineering.formatting import currency_for

EFFECTS = pl.DataFrame(
    {
        "metric": ["converted", "revenue", "sessions"],
        "role": ["primary", "secondary", "guardrail"],
        "variant": ["treatment"] * 3,
        "kind": ["proportion", "mean", "mean"],
        "control_value": [0.09577, 7.1824, 3.9895],
        "treatment_value": [0.11183, 8.2061, 3.9628],
        "effect": [0.016062, 1.023746, -0.0267],
        "ci_low": [0.007697, 0.052736, -0.092976],
        "ci_high": [0.024427, 1.994757, 0.039614],
        "p_value": [0.0001675, 0.03879, 0.430234],
        "p_adjusted": [0.0001675, 0.03879, 0.430234],
        "lift": [0.167717, 0.142535, -0.00669],
        "guardrail_status": [None, None, "fine"],
        "significant": [True, True, False],
    }
)


def _result(decision="ship", blocked=False, days_left=None):
    return SimpleNamespace(
        effects=EFFECTS,
        verdict=SimpleNamespace(decision=decision, days_left=days_left),
        srm=SimpleNamespace(p_value=0.38, blocked=blocked),
        bayes=pl.DataFrame({"chance_to_win": [0.9999]}),
    )


def test_headline_and_cards_keep_points_and_percent_apart():
    summary = summarize(_result(), currency=currency_for("EUR"))
    assert summary.headline == (
        "Ship the change: converted +1.6 points (95% interval +0.8 to +2.4 points)"
    )
    primary, revenue, guard = summary.cards
    assert (primary.value, primary.comparison) == (
        "+1.6 points",
        "11.2% vs 9.6% in control; p < 0.001",
    )
    assert revenue.value == "+14.3% (+€1.02)"
    assert revenue.interval == "95% interval: +€0.05 to +€1.99"
    assert (guard.label, guard.value) == ("Guardrails", "none worse")
    assert 3 <= len(summary.bullets) <= 5


def test_german_summary_uses_german_words_and_formats():
    summary = summarize(_result("keep running", days_left=4), currency="€", language="de")
    assert summary.headline.startswith("Test weiterlaufen lassen: converted +1,6 Prozentpunkte")
    assert summary.cards[1].value == "+14,3 % (+1,02 €)"
    # the card's large value abbreviates the unit (the full word wrapped in its box)
    assert summary.cards[0].value == "+1,6 Pp."
    assert summary.cards[0].interval.endswith("Prozentpunkte")
    assert summary.action.endswith("Etwa 4 Tage noch.")
    assert "p < 0,001" in summary.cards[0].comparison


def test_effects_table_for_people():
    table = effects_table(EFFECTS, currency=currency_for("USD"))
    assert table.columns[5:8] == ["Change", "95% interval", "p (adjusted)"]
    assert table["Change"].to_list() == ["+1.6 points", "+14.3% (+$1.02)", "-0.7% (-0.0267)"]
    assert table["Control"].to_list()[:2] == ["9.6%", "$7.18"]
    assert table["p (adjusted)"].to_list() == ["p < 0.001", "p = 0.039", "p = 0.43"]


def test_no_comparison_gives_an_honest_summary():
    assert summarize(None, language="de").headline.startswith("Nicht ausgewertet")


def test_a_real_totals_result_reads_in_both_languages():
    from pathlib import Path

    from mkt_engineering.experiments import AnalysisPlan, analyze_totals, load_totals

    fixture = Path(__file__).parents[1] / "data" / "real_world" / "ab_totals_per_variant.csv"
    totals = load_totals(fixture).frame
    result = analyze_totals(totals, AnalysisPlan("converted", secondary_metrics=["revenue"]))
    for language in ("en", "de"):
        summary = summarize(result, currency="€", language=language)
        assert summary.headline.split(":")[1].strip().startswith("converted ")
        assert 2 <= len(summary.cards) <= 4 and 3 <= len(summary.bullets) <= 5
    assert "€" in summary.cards[1].value  # revenue, in German
