"""The lesson's exercise checks: pass the right answer, name the common mistakes, never leak it."""

from __future__ import annotations

import polars as pl

from mkt_engineering import teaching
from mkt_engineering.experiments import AnalysisPlan, analyze, sample_size, simulate_aa, srm_test
from mkt_engineering.synthetic.experiment import generate

UNITS = generate(scale=0.2).tables["experiment"]


def test_sample_size_check():
    assert teaching.check_sample_size(sample_size(0.10, 0.02)).passed
    both = teaching.check_sample_size(2 * sample_size(0.10, 0.02))
    assert not both.passed and "both arms" in both.hint
    assert "relative" in teaching.check_sample_size(sample_size(0.10, 0.02, relative=True)).hint
    wrong_type = teaching.check_sample_size(pl.DataFrame({"n": [1]}))
    assert not wrong_type.passed and "single number" in wrong_type.message
    assert str(sample_size(0.10, 0.02)) not in str(teaching.check_sample_size(1000))


def test_conversion_rate_check():
    right = UNITS.group_by("variant").agg(pl.col("converted").mean().alias("conversion_rate"))
    assert teaching.check_conversion_rates(right, UNITS).passed
    renamed = UNITS.group_by("variant").agg(pl.col("converted").mean())
    assert "conversion_rate" in teaching.check_conversion_rates(renamed, UNITS).hint
    percent = right.with_columns(pl.col("conversion_rate") * 100)
    assert "percentages" in teaching.check_conversion_rates(percent, UNITS).message
    counts = UNITS.group_by("variant").agg(pl.col("converted").sum().alias("conversion_rate"))
    assert "counts" in teaching.check_conversion_rates(counts, UNITS).message
    assert "collect" in teaching.check_conversion_rates(right.lazy(), UNITS).hint
    text = right.with_columns(pl.col("conversion_rate").cast(pl.String))
    assert not teaching.check_conversion_rates(text, UNITS).passed


def test_peeking_and_srm_and_verdict_checks():
    table = simulate_aa(experiments=2000, seed=1)
    daily = table.filter(pl.col("procedure") == "fixed-horizon z-test, checked daily")[
        "rejection_rate"
    ][0]
    assert teaching.check_peeking_rate(daily, table).passed
    assert "promises" in teaching.check_peeking_rate(0.05, table).hint
    counts = {"control": 5000, "treatment": 5210}
    assert teaching.check_srm_p_value(srm_test(counts).p_value, counts).passed
    assert ".p_value" in teaching.check_srm_p_value(True, counts).hint
    result = analyze(UNITS, AnalysisPlan("converted"))
    assert teaching.check_verdict(result.verdict.decision.upper(), result).passed
    assert not teaching.check_verdict(3, result).passed
