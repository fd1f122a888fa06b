"""The A/B readings in German: every explain function honours ``language="de"``."""

from __future__ import annotations

import pytest

from mkt_engineering.experiments import AnalysisPlan, analyze, explain, simulate_aa
from mkt_engineering.synthetic.experiment import generate

ENGLISH_WORDS = (" the ", " interval ", "Verdict", " units ")


@pytest.fixture(scope="module")
def result():
    units = generate(scale=0.3).tables["experiment"]
    plan = AnalysisPlan(
        "converted",
        secondary_metrics=["revenue"],
        guardrails=["sessions"],
        covariates=["pre_sessions"],
        segments=["device"],
        day_column="day",
        mde=0.015,
        planned_units_per_arm=20_000,
    )
    return analyze(units, plan)


def _readings(result, language):
    rates = {"once": 0.1, "daily": 0.3}
    return {
        "sample_size": explain.explain_sample_size(
            6693, baseline=0.1, mde=0.015, language=language
        ),
        "effect": explain.explain_effect(result.effects.row(0, named=True), language=language),
        "srm": explain.explain_srm(result.srm, language),
        "balance": explain.explain_balance(result.balance, language),
        "cuped": explain.explain_cuped(result.effects, language),
        "bayes": explain.explain_bayes(result.bayes, rates, language),
        "sequential": explain.explain_sequential(result.over_time, language),
        "segments": explain.explain_segments(result.segments, language=language),
        "verdict": explain.verdict_markdown(result.verdict, language=language),
        "analysis": explain.explain_analysis(result, language),
    }


def test_every_reading_is_german_for_de(result):
    english, german = _readings(result, "en"), _readings(result, "de")
    for name, text in german.items():
        assert text != english[name], name
        leftovers = [w for w in ENGLISH_WORDS if w in f" {text} "]
        assert not leftovers, (name, leftovers, text)


def test_the_german_verdict_keeps_the_decision_and_translates_the_reasons(result):
    german = result.verdict.in_language("de")
    assert german.decision == result.verdict.decision == "keep running"
    assert german.headline.startswith("Urteil: weiterlaufen lassen")
    assert german.days_left == result.verdict.days_left
    assert "geplanten Einheiten je Variante" in german.reasons[-1]
    assert result.explain("de").startswith("**Urteil:")


def test_the_reading_names_the_level_the_plan_tested_at():
    units = generate(scale=0.3).tables["experiment"]
    text = analyze(units, AnalysisPlan("converted", alpha=0.01)).explain()
    assert "99% interval" in text and "95% interval" not in text


def test_the_bayes_warning_uses_the_simulated_rates_in_german():
    table = simulate_aa(experiments=500, units_per_arm=500, looks=3)
    rates = dict(zip(table["procedure"], table["rejection_rate"], strict=True))
    once = rates["Bayesian 95% chance to win, once at the end"]
    bayes = analyze(generate(scale=0.2).tables["experiment"], AnalysisPlan("converted")).bayes
    text = explain.explain_bayes(bayes, {"once": once, "daily": 0.3}, language="de")
    assert f"{100 * once:.1f} %".replace(".", ",") in text and "Vorsicht" in text
