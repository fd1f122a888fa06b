"""compare, journey_credit, bootstrap, truth, budget, charts and text on small data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mkt_engineering.attribution import (
    bootstrap,
    budget_table,
    charts,
    compare,
    explain,
    journey_credit,
    linear,
    lookback_sensitivity,
    markov,
    ranking_flips,
    truth_comparison,
    truth_error,
)
from mkt_engineering.synthetic.journeys import generate_additive

PATHS = pl.DataFrame(
    {
        "path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
        "conversions": [2.0, 0, 1, 1, 0],
        "non_conversions": [1.0, 2, 1, 0, 1],
        "value": [50.0, 0, 10, 40, 0],
    }
)


def test_compare_shares_sum_to_one_per_model():
    result = compare(PATHS, ["linear", "markov", ("markov", {"order": 2})])
    assert result.group_by("model").agg(pl.col("share").sum())["share"].to_list() == pytest.approx(
        [1.0] * 3
    )
    assert set(result["model"]) == {"linear", "markov", "markov(order=2)"}
    with pytest.raises(ValueError, match="unknown model"):
        compare(PATHS, ["magic"])


@pytest.mark.parametrize(
    "model",
    [
        "first_touch",
        "last_touch",
        "last_non_direct",
        "linear",
        "position_based",
        "shapley",
        "markov",
    ],
)
def test_journey_credit_adds_up_to_the_model(model):
    per_path = journey_credit(PATHS, model)
    summed = per_path.group_by("channel").agg(pl.col("conversions").sum())
    overall = compare(PATHS, [model])
    joined = overall.join(summed, on="channel", how="full", coalesce=True).fill_null(0.0)
    assert (joined["conversions"] - joined["conversions_right"]).abs().max() < 1e-9
    assert per_path["why"].str.contains(" gets ").all()
    assert per_path.group_by("path").agg(pl.col("weight").sum())[
        "weight"
    ].to_list() == pytest.approx([1.0] * 3)


def test_bootstrap_matches_a_slow_resampling_loop():
    rng = np.random.default_rng(0)
    paths = pl.DataFrame(
        {
            "path": [["a"], ["b"], ["a", "b"], ["c", "a"]],
            "conversions": [40.0, 20.0, 30.0, 10.0],
            "non_conversions": [200.0, 150.0, 90.0, 60.0],
            "value": [400.0, 200.0, 300.0, 100.0],
        }
    )
    fast = bootstrap(paths, "linear", n=300, seed=1)
    # independent check: expand to single journeys, resample with numpy, rerun linear
    journeys = []
    for path, conv, null in paths.select("path", "conversions", "non_conversions").iter_rows():
        journeys += [(path, 1.0)] * int(conv) + [(path, 0.0)] * int(null)
    draws = []
    for _ in range(300):
        pick = rng.integers(0, len(journeys), len(journeys))
        sample = pl.DataFrame(
            {"path": [journeys[i][0] for i in pick], "conversions": [journeys[i][1] for i in pick]}
        )
        credit = linear(sample.group_by("path").agg(pl.col("conversions").sum()))
        draws.append(dict(zip(credit["channel"], credit["conversions"], strict=True)))
    for channel, lower, upper in fast.select("channel", "lower", "upper").iter_rows():
        slow = np.percentile([d.get(channel, 0.0) for d in draws], [2.5, 97.5])
        assert lower == pytest.approx(slow[0], rel=0.15) and upper == pytest.approx(
            slow[1], rel=0.15
        )
    markov_interval = bootstrap(paths, "markov", n=20, seed=1)
    assert (markov_interval["lower"] <= markov_interval["upper"]).all()


def test_truth_error_is_total_variation_distance():
    comparison = truth_comparison(PATHS, {"A": 0.25, "B": 0.5, "C": 0.25}, ["first_touch"])
    # first touch: A 3/4, B 1/4 -> |0.5| + |0.25| + |0.25| = 1 -> TVD 0.5
    assert truth_error(PATHS, {"A": 0.25, "B": 0.5, "C": 0.25}, ["first_touch"])["error"][
        0
    ] == pytest.approx(0.5)
    assert comparison.filter(pl.col("channel") == "C")["share"][0] == 0.0


def test_markov_wins_on_markov_data_and_rules_do_not(tmp_path):
    from mkt_engineering.attribution import paths_from_touchpoints
    from mkt_engineering.synthetic.journeys import generate_markov

    data = generate_markov(seed=3, scale=1.0)
    paths = paths_from_touchpoints(data.tables["touchpoints"], data.tables["conversions"], 30)
    errors = dict(
        truth_error(
            paths, data.truth["true_share"], ["markov", "last_touch", "first_touch"]
        ).iter_rows()
    )
    assert errors["markov"] < 0.05 < errors["first_touch"] < errors["last_touch"]


def test_budget_and_flips():
    comparison = compare(PATHS, ["first_touch", "last_touch"])
    spend = pl.DataFrame({"channel": ["A", "B", "C"], "spend": [30.0, 20.0, 10.0]})
    table = budget_table(comparison, spend)
    row = table.filter((pl.col("model") == "first_touch") & (pl.col("channel") == "A")).row(
        0, named=True
    )
    assert row["cost_per_conversion"] == pytest.approx(30 / 3) and row["roas"] == pytest.approx(
        90 / 30
    )
    intervals = bootstrap(PATHS, "linear", n=50)
    with_interval = budget_table(linear(PATHS), spend, intervals)
    assert {"cost_per_conversion_low", "roas_high"} <= set(with_interval.columns)
    flips = ranking_flips(comparison, min_change=1)
    assert flips.filter(pl.col("channel") == "A")["flips"][0]


def test_charts_and_text_render():
    comparison = compare(PATHS, ["linear", "markov"])
    intervals = bootstrap(PATHS, "linear", n=30)
    from mkt_engineering.attribution import MarkovModel

    model = MarkovModel(1).fit(PATHS)
    data = generate_additive(seed=1, scale=0.05)
    sensitivity = lookback_sensitivity(
        data.tables["touchpoints"], data.tables["conversions"], [7, 30]
    )
    for chart in (
        charts.model_comparison_chart(comparison),
        charts.credit_interval_chart(intervals),
        charts.transition_heatmap(model.transition_matrix_),
        charts.path_flow_chart(PATHS),
        charts.top_paths_chart(PATHS),
        charts.lookback_chart(sensitivity),
        charts.truth_chart(truth_comparison(PATHS, {"A": 0.5, "B": 0.5}, ["linear"])),
    ):
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io")
    assert "B earns the most" in explain.explain_credit(markov(PATHS), "markov")
    assert "removal effect" in explain.explain_markov(model.conversion_probability_, model.credit_)
    assert "disagree most" in explain.explain_comparison(comparison)
    assert "95%" in explain.explain_interval(intervals)
