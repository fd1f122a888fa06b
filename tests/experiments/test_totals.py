"""A/B totals per variant (as testing tools show them) give the unit-row results.

Two references for every number: the same experiment as unit rows through `analyze` (the
per-unit path, built from the totals), and the textbook formulas via scipy (the unpooled
two-proportion z-test, Welch's t-test from summary statistics, the chi-square SRM test).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats

from mkt_engineering.errors import DataValidationError
from mkt_engineering.experiments import AnalysisPlan, analyze, analyze_totals, load_totals

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "real_world" / "ab_totals_per_variant.csv"


def _units_from_totals(totals: pl.DataFrame) -> pl.DataFrame:
    """One row per unit: the first `conversions` units of an arm converted (0/1)."""
    return (
        totals.select(
            "variant",
            pl.int_ranges(0, "units").alias("i"),
            pl.col("conversions"),
        )
        .explode("i")
        .select(
            pl.format("{}-{}", "variant", "i").alias("unit_id"),
            "variant",
            (pl.col("i") < pl.col("conversions")).cast(pl.Int64).alias("converted"),
        )
    )


def test_fixture_maps_with_no_hand_mapping():
    loaded = load_totals(FIXTURE)
    assert loaded.frame.columns == ["variant", "units", "conversions", "revenue", "revenue_sq"]
    assert loaded.frame["units"].to_list() == [10250, 10318]


def test_conversion_totals_give_the_same_z_test_and_srm_as_unit_rows():
    totals = load_totals(FIXTURE).frame
    from_totals = analyze_totals(totals, AnalysisPlan("converted"))
    from_units = analyze(_units_from_totals(totals), AnalysisPlan("converted"))
    columns = ["effect", "ci_low", "ci_high", "p_value", "lift", "lift_low", "lift_high"]
    for column in columns:
        assert from_totals.effects[column][0] == pytest.approx(
            from_units.effects[column][0], rel=1e-12, abs=1e-15
        ), column
    assert from_totals.srm.statistic == pytest.approx(from_units.srm.statistic, rel=1e-12)
    assert from_totals.srm.p_value == pytest.approx(from_units.srm.p_value, rel=1e-12)
    assert from_totals.verdict.decision == from_units.verdict.decision
    # the textbook formulas
    (n_c, n_t), (x_c, x_t) = totals["units"].to_list(), totals["conversions"].to_list()
    p_c, p_t = x_c / n_c, x_t / n_t
    z = (p_t - p_c) / np.sqrt(p_c * (1 - p_c) / n_c + p_t * (1 - p_t) / n_t)
    assert from_totals.effects["p_value"][0] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)
    chi = stats.chisquare([n_c, n_t])
    assert from_totals.srm.p_value == pytest.approx(chi.pvalue, rel=1e-12)


def test_revenue_sum_and_squares_give_the_same_welch_test_as_unit_rows():
    rng = np.random.default_rng(14)
    sizes = {"control": 3000, "treatment": 3100}
    units = pl.concat(
        pl.DataFrame(
            {
                "unit_id": [f"{arm}{i}" for i in range(n)],
                "variant": arm,
                # whole euros: every sum below is exact, whichever way it is added up
                "revenue": rng.poisson(3.0 + (arm == "treatment"), n).astype(float),
            }
        )
        for arm, n in sizes.items()
    ).with_columns(converted=(pl.col("revenue") > 0).cast(pl.Int64))
    totals = units.group_by("variant", maintain_order=True).agg(
        units=pl.len(),
        conversions=pl.col("converted").sum(),
        revenue=pl.col("revenue").sum(),
        revenue_sq=(pl.col("revenue") ** 2).sum(),
    )
    from_totals = analyze_totals(totals, AnalysisPlan("converted", secondary_metrics=["revenue"]))
    from_units = analyze(units, AnalysisPlan("converted", secondary_metrics=["revenue"]))
    for metric in ("converted", "revenue"):
        left, right = (
            r.effects.filter(pl.col("metric") == metric).row(0, named=True)
            for r in (from_totals, from_units)
        )
        for column in ("effect", "ci_low", "ci_high", "p_value", "p_adjusted", "lift"):
            assert left[column] == pytest.approx(right[column], rel=1e-12), (metric, column)
    control, treatment = (units.filter(pl.col("variant") == arm)["revenue"] for arm in sizes)
    welch = stats.ttest_ind(treatment.to_numpy(), control.to_numpy(), equal_var=False)
    revenue = from_totals.effects.filter(pl.col("metric") == "revenue")
    assert revenue["p_value"][0] == pytest.approx(welch.pvalue, rel=1e-9)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("treatment,100,120,,", "conversions"),  # more conversions than units
        ("treatment,100,10,500,30.5", "revenue_sq"),  # a standard deviation, not a sum of squares
    ],
)
def test_impossible_totals_are_refused_with_their_line(tmp_path, row, column):
    export = tmp_path / "totals.csv"
    export.write_text(f"variant,visitors,conversions,revenue,revenue_sq\ncontrol,100,10,,\n{row}\n")
    with pytest.raises(DataValidationError, match="line 3") as caught:
        load_totals(export)
    assert caught.value.column == column and caught.value.rows == [3]
    assert str(export) in str(caught.value)


@pytest.mark.parametrize("metric", ["revenue", "orders/sessions"])
def test_metrics_the_totals_cannot_give_are_named(metric):
    totals = pl.DataFrame(
        {
            "variant": ["control", "b"],
            "units": [10, 10],
            "conversions": [1.0, 2.0],
            "revenue": [5.0, 9.0],
        }
    )
    with pytest.raises(DataValidationError, match="cannot be tested from these totals"):
        analyze_totals(totals, AnalysisPlan("converted", secondary_metrics=[metric]))


def test_report_runs_on_totals_alone(run_report):
    """`mkt run ab_test --data totals=…` with no hand editing: complete, unit-row parts named."""
    run = run_report(
        "ab_test", "--data", f"totals={FIXTURE}", "-p", "secondary_metrics", "[revenue]"
    )
    manifest = json.loads((run / "manifest.json").read_text())
    assert [item["path"] for item in manifest["inputs"]] == [str(FIXTURE)]
    html = (run / "report.html").read_text(encoding="utf-8")
    # what needs unit rows says so, with the way to get it, even where nothing asked for it
    for section in ("CUPED", "the bootstrap cross-check", "the effect over time", "segments"):
        assert f"Not shown: {section}, because" in html, section
    skipped = {s["name"]: s["reason"] for s in manifest["sections"] if s["status"] == "skipped"}
    assert set(skipped) == {"cuped", "bootstrap_check", "over_time", "segments"}
    assert all("totals per variant" in reason for reason in skipped.values()), skipped
    effects = pl.read_csv(run / "tables" / "effects.csv")
    assert effects["metric"].to_list() == ["converted", "revenue"]
    cells = json.loads((run / "executed.ipynb").read_text(encoding="utf-8"))["cells"]
    assert not [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
