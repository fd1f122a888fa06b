"""A/B-test reductions on polars, DuckDB and Spark equal the polars path of today.

The reference is `analyze` / `poisson_bootstrap` on a polars frame; the same rows as a
DuckDB relation or a Spark DataFrame must give the same tables: counts exact, floats
within 1e-9 relative. Bucket numbers are checked against Python's own md5.
"""

from __future__ import annotations

import hashlib

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mkt_engineering.engines import experiments as engine_experiments
from mkt_engineering.errors import DataValidationError
from mkt_engineering.experiments import AnalysisPlan, analyze, poisson_bootstrap
from mkt_engineering.experiments.bootstrap import bucket_sums
from mkt_engineering.experiments.reduction import arm_totals
from mkt_engineering.io import load_table

PLAN = AnalysisPlan(
    "converted",
    secondary_metrics=["revenue", "orders/sessions"],
    covariates=["pre_sessions", "pre_revenue"],
    segments=["device", "country"],
    guardrails=["sessions"],
    day_column="day",
    planned_units_per_arm=3000,
)


@pytest.fixture(scope="module")
def demo_units() -> pl.DataFrame:
    return load_table("datasets/experiment/experiment.csv", table="experiment").frame


def assert_same(expected: pl.DataFrame, actual: pl.DataFrame) -> None:
    """Counts exact, floats within 1e-9 relative, NaN where the reference has NaN."""
    assert_frame_equal(expected, actual, check_exact=False, rel_tol=1e-9, abs_tol=0.0)


def assert_same_analysis(expected, actual) -> None:
    for table in ("effects", "segments", "balance", "over_time", "bayes"):
        assert_same(getattr(expected, table), getattr(actual, table))
    assert_same(expected.srm.table, actual.srm.table)
    assert expected.verdict.decision == actual.verdict.decision
    assert expected.verdict.reasons == actual.verdict.reasons
    assert expected.settings == actual.settings


def test_analyze_on_the_demo_experiment_equals_polars(engine, as_engine, demo_units):
    expected = analyze(demo_units, PLAN)
    actual = analyze(as_engine(demo_units), PLAN)
    assert expected.segments.height and expected.over_time.height  # the paths ran
    assert_same_analysis(expected, actual)


def test_analyze_without_covariates_or_segments_as_the_report_runs_it(
    engine, as_engine, demo_units
):
    # The A/B report's default plan declares no covariates: nothing to prepare, no error.
    plan = AnalysisPlan("converted", planned_units_per_arm=3000)
    assert_same_analysis(analyze(demo_units, plan), analyze(as_engine(demo_units), plan))


def test_edge_cases_empty_segment_cells_nulls_and_one_sided_levels(engine, as_engine):
    # level "tv" has treatment units only, "print" control only; a segment cell and a
    # covariate are empty; the metric is missing for one unit (counted in n, not in sums)
    units = pl.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(12)],
            "variant": ["control", "treatment"] * 6,
            "device": ["web", "web", "app", "app", None, "tv", "print", "web", "app", "tv"]
            + ["web", None],
            "day": [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4],
            "revenue": [0.0, 5.5, 3.25, None, 1.0, 8.0, 0.0, 2.0, 4.0, 0.5, 7.0, 1.5],
            "converted": [0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1],
            "pre_revenue": [None, 1.0, 2.0, 3.0, None, 0.0, 4.0, 1.5, None, 2.5, 1.0, 0.0],
        }
    )
    plan = AnalysisPlan(
        "revenue",
        secondary_metrics=["converted"],
        covariates=["pre_revenue"],
        segments=["device"],
        day_column="day",
    )
    expected = analyze(units, plan)
    actual = analyze(as_engine(units), plan)
    assert_same_analysis(expected, actual)
    # assignment days as calendar dates (DuckDB DATE, Spark DateType) give the same days
    dated = units.with_columns(pl.col("day").cast(pl.Date))
    dated_result = analyze(as_engine(dated), plan)
    assert_same(expected.over_time.drop("day"), dated_result.over_time.drop("day"))
    assert dated_result.over_time["day"].dtype == pl.Date
    levels = set(expected.segments["level"].to_list())
    assert "tv" not in levels and "print" not in levels  # one-sided levels have no effect


def test_moments_equal_a_hand_count(engine, as_engine):
    units = pl.DataFrame({"variant": ["b", "a", "a", "b", "b"], "y": [2.0, 1.0, None, 3.0, 0.5]})
    reduced = engine_experiments.reduce_moments(
        as_engine(units), by=["variant"], columns=["y"], pairs=[("y", "y")]
    )
    # a: 2 units, sum 1, sum of squares 1; b: 3 units, 5.5 and 4 + 9 + 0.25
    assert reduced.rows() == [("a", 2, 1.0, 1.0), ("b", 3, 5.5, 13.25)]


def test_binary_detection_and_days_seen_are_aggregate_queries(engine, as_engine):
    units = pl.DataFrame(
        {"a": [0, 1, None], "b": [0, 2, 1], "c": [None, None, None], "d": [1, None, 1]},
        schema={"a": pl.Int64, "b": pl.Int64, "c": pl.Float64, "d": pl.Int64},
    )
    native = as_engine(units)
    # empty cells aside only 0/1; an all-empty column counts as binary, as polars' all() does
    assert engine_experiments.binary_metrics(native, ["a", "b", "c"]) == {
        "a": True,
        "b": False,
        "c": True,
    }
    assert engine_experiments.distinct_count(native, "d") == 2  # 1 and the empty cell
    assert engine_experiments.null_count(native, "d") == 1


def test_errors_name_the_column_on_every_engine(engine, as_engine, demo_units):
    with pytest.raises(DataValidationError, match="expected numbers") as error:
        analyze(as_engine(demo_units), AnalysisPlan("device"))
    assert error.value.column == "device" and "desktop" in str(error.value)
    gap = demo_units.with_columns(
        pl.when(pl.col("unit_id") == "u000003")
        .then(None)
        .otherwise(pl.col("variant"))
        .alias("variant")
    )
    with pytest.raises(DataValidationError, match="1 unit") as error:
        analyze(as_engine(gap), AnalysisPlan("converted"))
    assert error.value.column == "variant"


def python_bucket(unit_id: str, buckets: int) -> int:
    """The independent reference: Python's md5, one id at a time."""
    return int(hashlib.md5(unit_id.encode()).hexdigest()[:15], 16) % buckets


def test_bucket_is_the_md5_of_the_id_on_every_engine(engine, as_engine):
    ids = ["u000000", "u000001", "Kunde-ä", "", "42", "x" * 200]
    units = pl.DataFrame({"unit_id": ids, "variant": ["a"] * 6, "y": [1.0] * 6})
    buckets = engine_experiments.with_bucket(as_engine(units), "unit_id", 7)
    found = dict(engine_experiments.to_polars(buckets.select("unit_id", "_bucket")).iter_rows())
    assert found == {i: python_bucket(i, 7) for i in ids}


def test_integer_ids_hash_as_their_decimal_text(engine, as_engine):
    units = pl.DataFrame({"unit_id": [7, 123456789012], "variant": ["a", "a"], "y": [1.0, 2.0]})
    buckets = engine_experiments.with_bucket(as_engine(units), "unit_id", 1000)
    found = dict(engine_experiments.to_polars(buckets.select("unit_id", "_bucket")).iter_rows())
    assert found == {7: python_bucket("7", 1000), 123456789012: python_bucket("123456789012", 1000)}


def test_polars_bucket_sums_use_the_portable_hash(demo_units):
    sums = bucket_sums(demo_units, variant="variant", metric="revenue", buckets=50)
    reference = (
        demo_units.with_columns(
            _bucket=pl.Series([python_bucket(i, 50) for i in demo_units["unit_id"]])
        )
        .group_by("variant", "_bucket")
        .agg(
            pl.col("revenue").sum().alias("numerator"),
            pl.len().cast(pl.Float64).alias("denominator"),
        )
        .sort("variant", "_bucket")
    )
    assert_same(reference, sums)


def test_bootstrap_equals_polars_on_every_engine(engine, as_engine, demo_units):
    options = {"variant": "variant", "control": "control", "replicates": 500}
    for metric, denominator in (("revenue", None), ("orders", "sessions")):
        expected = poisson_bootstrap(demo_units, metric=metric, denominator=denominator, **options)
        actual = poisson_bootstrap(
            as_engine(demo_units), metric=metric, denominator=denominator, **options
        )
        for name in ("effect", "ci_low", "ci_high", "p_value", "standard_error"):
            assert getattr(actual, name) == pytest.approx(getattr(expected, name), rel=1e-9)


def test_arm_totals_for_the_posterior_chart(engine, as_engine):
    units = pl.DataFrame({"variant": ["b", "a", "a", "b", "b"], "converted": [1, 0, 1, 1, 0]})
    totals = arm_totals(as_engine(units), "variant", "converted")
    assert totals == {"a": (1.0, 2), "b": (2.0, 3)}
