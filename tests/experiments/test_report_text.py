"""The A/B report's own sentences: English as the report wrote them, German in full."""

from __future__ import annotations

import re

import polars as pl

from mkt_engineering.experiments import report_text

ENGLISH = re.compile(r"\b(the|and|of|is|with|which|units|per|to|once|daily|chance|win)\b")
SRM = pl.DataFrame({"variant": ["control", "treatment"], "units": [10000, 9938]})


def test_english_sentences_are_the_reports_own():
    assert report_text.explain_units(SRM) == "19,938 units: control 10,000, treatment 9,938."
    assert report_text.explain_power(6693, 0.015, 0.8) == (
        "With 6,693 units per arm, an effect of 1.5 points is detected with 80% probability."
    )
    assert report_text.explain_bootstrap("revenue", (0.05123, 1.99), (0.02, 2.0)) == (
        "- **revenue**: main interval 0.05123 to 1.99; bootstrap 0.02 to 2."
    )
    assert report_text.explain_plan("ab12", "Needs 6,000.", 6693, 6000) == (
        "Plan fingerprint: `ab12`. Needs 6,000. The plan asks for 6,693 per arm."
    )
    assert report_text.days_left(4) == "\n\nExpected days left: about 4."
    assert report_text.days_left(None) == ""
    assert report_text.no_verdict().startswith("### No verdict\n\n")


def test_german_sentences_hold_no_english():
    from mkt_engineering.experiments.simulate import simulate_aa

    simulation = simulate_aa(experiments=50, units_per_arm=200, baseline=0.1, looks=3)
    texts = [
        report_text.explain_units(SRM, "de"),
        report_text.explain_power(6693, 0.015, 0.8, "de"),
        report_text.explain_bootstrap("umsatz", (0.05, 1.99), (0.02, 2.0), "de"),
        report_text.explain_plan("ab12", "", 6693, 6000, "de"),
        report_text.no_mean_metrics("de"),
        report_text.days_left(4, "de"),
        report_text.no_verdict("de"),
        *report_text.procedure_names(simulation, "de")["procedure"].to_list(),
    ]
    for text in texts:
        assert not ENGLISH.findall(text), text
    assert texts[0] == "19.938 Einheiten: control 10.000, treatment 9.938."
    assert "der Größe 1,5 Prozentpunkte mit 80 % Wahrscheinlichkeit" in texts[1]
    row = {"metric": "revenue", "variant": "b", "interval_main": "1", "interval_bootstrap": "2"}
    assert report_text.bootstrap_table([row]).columns == list(row)
    assert "Hauptintervall" in report_text.bootstrap_table([row], "de").columns
    # every procedure of the simulation has a German name (a new one would show in English)
    assert set(simulation["procedure"]) == set(report_text.PROCEDURES_DE)
