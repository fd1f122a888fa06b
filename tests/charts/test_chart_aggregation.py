"""What the large-data charts keep when they bin or thin: readable edges, true values.

Each check compares with an independent computation on the full input (numpy's histogram,
the unthinned curve), never with the chart function's own output.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import polars as pl
import pytest

from mkt_engineering.ltv import charts as ltv_charts
from mkt_engineering.nurture import charts as nu_charts
from mkt_engineering.nurture.survival import kaplan_meier


def chart_data(chart: alt.TopLevelMixin) -> list[list[dict]]:
    with alt.data_transformers.disable_max_rows():
        return list(chart.to_dict()["datasets"].values())


@pytest.mark.parametrize("scale", [1.0, 40.0, 0.01, 1234.5])
def test_clv_histogram_has_round_edges_and_counts_every_customer(scale):
    values = np.random.default_rng(1).lognormal(3.0, 1.0, 100_000) * scale
    bars = max(chart_data(ltv_charts.clv_distribution(pl.DataFrame({"clv": values}))), key=len)
    starts = np.array([bar["start"] for bar in bars])
    ends = np.array([bar["end"] for bar in bars])
    assert 20 <= len(bars) <= 50  # about the 40 asked for
    width = ends[0] - starts[0]
    mantissa = width / 10 ** np.floor(np.log10(width))
    assert round(mantissa, 9) in (1.0, 2.0, 2.5, 5.0)  # a width a marketer reads at a glance
    np.testing.assert_allclose(ends - starts, width)
    np.testing.assert_allclose(starts / width, np.round(starts / width), atol=1e-9)
    assert starts[0] == 0.0
    # numpy's histogram over the same edges, the top 1% counted in the last bar
    cap = np.quantile(values, 0.99)
    assert ends[-2] < cap <= ends[-1]
    expected, _ = np.histogram(np.clip(values, None, cap), bins=np.append(starts, ends[-1]))
    assert [bar["customers"] for bar in bars] == expected.tolist()


def test_clv_histogram_of_equal_values_and_negative_values():
    same = chart_data(ltv_charts.clv_distribution(pl.DataFrame({"clv": [0.0] * 10})))
    assert sum(bar["customers"] for bar in max(same, key=len)) == 10
    mixed = pl.DataFrame({"clv": [-30.0, -1.0, 0.0, 5.0, 80.0, None]})
    bars = max(chart_data(ltv_charts.clv_distribution(mixed)), key=len)
    assert bars[0]["start"] <= -30.0 and sum(bar["customers"] for bar in bars) == 5


def test_clv_histogram_names_values_that_are_not_finite():
    frame = pl.DataFrame({"clv": [1.0, 2.0, 3.0, float("nan"), float("inf"), 4.0]})
    chart = ltv_charts.clv_distribution(frame)
    bars = max(chart_data(chart), key=len)
    assert sum(bar["customers"] for bar in bars) == 4
    mean = min(chart_data(chart), key=len)[0]["mean"]
    assert mean == pytest.approx(2.5)
    # one subtitle line per note, so a German report translates each on its own
    assert "2 values that are not finite" in chart.to_dict()["title"]["subtitle"][1]


def test_thinned_survival_curve_keeps_true_values_and_the_last_point():
    rng = np.random.default_rng(2)
    durations = rng.exponential(60.0, 50_000)
    events = (rng.random(50_000) < 0.7).astype(int)
    groups = np.asarray(["a", "b", "c"])[rng.integers(0, 3, 50_000)]
    curve = kaplan_meier(durations, events, groups)
    data = max(chart_data(nu_charts.survival_chart(curve)), key=len)
    shown = pl.DataFrame(data).select("group", "time", "survival")
    assert shown.height <= 3 * (nu_charts.POINTS_PER_CURVE + 2)  # the start and the bins
    # every point drawn is a point of the exact curve (or the start at 1)
    exact = curve.select("group", "time", "survival")
    joined = shown.filter(pl.col("time") > 0).join(exact, on=["group", "time"], how="left")
    assert joined["survival_right"].null_count() == 0
    np.testing.assert_array_equal(joined["survival"], joined["survival_right"])
    # each curve still ends where the exact one ends
    last = exact.group_by("group").agg(pl.col("time").max(), pl.col("survival").last())
    ends = shown.group_by("group").agg(pl.col("time").max(), pl.col("survival").last())
    assert last.sort("group").equals(ends.sort("group"))


def test_cut_at_max_days_comes_before_thinning():
    durations = np.arange(1, 20_001, dtype=float) / 10  # 0.1 to 2,000 days
    curve = kaplan_meier(durations, np.ones_like(durations))
    data = max(chart_data(nu_charts.survival_chart(curve, max_days=180)), key=len)
    times = [row["time"] for row in data]
    assert max(times) == 180.0
    assert len(times) > 150  # the shown 180 days get the points, not the whole 2,000


def test_a_curve_whose_first_step_is_beyond_max_days_still_starts():
    curve = kaplan_meier([5.0, 8.0, 400.0, 500.0], [1, 1, 1, 1], ["fast", "fast", "slow", "slow"])
    data = max(chart_data(nu_charts.survival_chart(curve, max_days=180)), key=len)
    assert {(row["group"], row["time"], row["survival"]) for row in data} == {
        ("fast", 0.0, 1.0),
        ("fast", 5.0, 0.5),
        ("fast", 8.0, 0.0),
        ("slow", 0.0, 1.0),
    }


def test_weekly_cohort_heatmap_shows_every_kth_cohort_with_its_own_values():
    cohorts = [dt.date(2022, 1, 3) + dt.timedelta(weeks=w) for w in range(120)]
    matrix = (
        pl.DataFrame({"cohort": cohorts})
        .join(pl.DataFrame({"period": np.arange(120)}), how="cross")
        .with_columns(cohort_size=pl.lit(100))
        .with_columns(
            value=pl.when(pl.col("period") + pl.col("cohort").rank("dense") <= 121)
            .then(1.0 / (pl.col("period") + 1))
            .otherwise(None)
        )
    )
    chart = ltv_charts.cohort_heatmap(matrix, "retention")
    rows = [row for data in chart_data(chart) for row in data if "cohort_label" in row]
    assert len(rows) <= 4000
    labels = {row["cohort_label"] for row in rows}
    assert "2024-04-15" in labels  # the newest cohort (week 119) is always shown
    assert len(labels) == 60  # 7,140 observed cells (period 0 left out): every 2nd of 120
    assert chart.to_dict()["title"]["subtitle"][1].startswith("Every 2nd cohort shown")
    for row in rows:
        if row.get("value") is not None:
            assert row["value"] == pytest.approx(1.0 / (row["period"] + 1), rel=1e-15)
    # the curves: a triangle of 7,260 points, old cohorts longer than new ones
    curves = [row for data in chart_data(ltv_charts.cohort_curves(matrix)) for row in data]
    assert len(curves) <= ltv_charts.MAX_COHORT_CELLS
    assert "2024-04-15" in {row["cohort_label"] for row in curves}


def test_thinned_tracking_keeps_values_and_the_calibration_end():
    days = 4_000
    tracked = pl.DataFrame(
        {
            "period": np.arange(1, days + 1),
            "date": pl.date_range(
                dt.date(2015, 1, 1), dt.date(2015, 1, 1) + dt.timedelta(days - 1), eager=True
            ),
            "actual_cumulative": np.arange(days, dtype=float) ** 1.1,
            "predicted_cumulative": np.arange(days, dtype=float) ** 1.09,
        }
    ).with_columns(
        phase=pl.when(pl.col("period") <= 3_333)
        .then(pl.lit("calibration"))
        .otherwise(pl.lit("holdout"))
    )
    data = chart_data(ltv_charts.tracking_chart(tracked))
    lines = pl.DataFrame(max(data, key=len)).filter(pl.col("series") == "actual")
    assert lines.height <= ltv_charts.MAX_TRACKING_PERIODS + 2
    assert {1, 3_333, 3_334, days} <= set(lines["period"].to_list())
    exact = tracked.select("period", "actual_cumulative")
    joined = lines.join(exact, on="period")
    np.testing.assert_array_equal(joined["purchases"], joined["actual_cumulative"])
    rule = min(data, key=len)
    last_calibration_day = dt.date(2015, 1, 1) + dt.timedelta(days=3_332)
    assert rule[0]["date"].startswith(str(last_calibration_day))  # the dotted line, as before


def test_exclusion_chart_merges_the_long_tail_of_a_dimension():
    rng = np.random.default_rng(4)
    sources = 6_000  # a source per campaign
    leads = rng.integers(1, 500, sources)
    excluded = (leads * rng.random(sources)).astype(int)
    breakdown = pl.concat(
        [
            pl.DataFrame(
                {
                    "dimension": "persona",
                    "value": ["cfo", "developer", "it_manager", "procurement"],
                    "leads": [400, 300, 200, 100],
                    "excluded": [40, 60, 20, 50],
                }
            ),
            pl.DataFrame(
                {
                    "dimension": "source",
                    "value": [f"campaign {i}" for i in range(sources)],
                    "leads": leads,
                    "excluded": excluded,
                }
            ),
        ]
    ).with_columns(share_excluded=pl.col("excluded") / pl.col("leads"))
    shown = pl.DataFrame(max(chart_data(nu_charts.exclusion_chart(breakdown)), key=len))
    # the chart's own fields: lead_attribute (the dimension) and attribute_value
    assert shown.filter(pl.col("lead_attribute") == "persona").height == 4  # kept whole
    source = shown.filter(pl.col("lead_attribute") == "source")
    assert source.height == 12
    order = np.argsort(-leads, kind="stable")
    top, rest = order[:11], order[11:]
    assert set(source["attribute_value"][:11]) == {f"campaign {i}" for i in top}
    merged = source.row(11, named=True)
    assert merged["attribute_value"] == "other (5989 values)"
    assert merged["leads"] == leads[rest].sum()
    assert merged["share_excluded"] == pytest.approx(excluded[rest].sum() / leads[rest].sum())


def test_segment_forest_shows_the_most_precise_levels_of_a_segment_with_thousands():
    from mkt_engineering.experiments import charts as ex_charts

    rng = np.random.default_rng(6)
    zips = 6_000  # a zip code per few units: a level per unit, nearly
    half_width = rng.uniform(0.01, 0.5, zips)
    effect = rng.normal(0, 0.05, zips)
    segments = pl.DataFrame(
        {
            "segment": ["device"] * 3 + ["zip"] * zips,
            "level": ["mobile", "desktop", "tablet"] + [f"{i:05d}" for i in range(zips)],
            "effect": np.concatenate([[0.01, 0.02, 0.0], effect]),
            "ci_low": np.concatenate([[-0.01, 0.0, -0.05], effect - half_width]),
            "ci_high": np.concatenate([[0.03, 0.04, 0.05], effect + half_width]),
            "p_adjusted": 0.5,
        }
    )
    chart = ex_charts.segment_forest(segments)
    shown = pl.DataFrame(max(chart_data(chart), key=len))
    assert shown.filter(pl.col("segment") == "device").height == 3
    expected = {f"{i:05d}" for i in np.argsort(half_width)[:25]}
    assert set(shown.filter(pl.col("segment") == "zip")["level"]) == expected
    assert "5,975 levels left out" in chart.to_dict()["title"]["subtitle"][1]
