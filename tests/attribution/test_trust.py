"""Attribution results that used to be silently wrong: budget columns, bootstrap seeds,
per-journey Markov credit, and many channels."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest

from mkt_engineering.attribution import bootstrap, budget_table

PATHS = pl.DataFrame(
    {
        "path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
        "conversions": [2.0, 0, 1, 1, 0],
        "non_conversions": [1.0, 2, 1, 0, 1],
        "value": [50.0, 0, 10, 40, 0],
    }
)

BOOTSTRAP_SCRIPT = """
import json
from mkt_engineering.attribution import bootstrap
from mkt_engineering.attribution.paths import paths_from_touchpoints
from mkt_engineering.io import load_table
from mkt_engineering.paths import DATASETS_DIR

folder = DATASETS_DIR / "journeys"
touches = load_table(folder / "touchpoints.csv", "touchpoints").frame
conversions = load_table(folder / "conversions.csv", "conversions").frame
paths = paths_from_touchpoints(touches, conversions)
result = bootstrap(paths, "linear", n=50, seed=3).sort("channel")
print(json.dumps(result.select("channel", "lower", "upper").rows()))
"""


def test_budget_from_the_bootstrap_frame_has_no_stray_join_columns():
    """The report passes the bootstrap frame as credit and as intervals; budget.csv used to
    carry lower_right / upper_right from the second join."""
    spend = pl.DataFrame({"channel": ["A", "B", "C"], "spend": [30.0, 20.0, 10.0]})
    intervals = bootstrap(PATHS, "linear", n=50)
    table = budget_table(intervals, spend, intervals)
    assert not [c for c in table.columns if c.endswith("_right")], table.columns
    assert not {"lower", "upper", "value_lower", "value_upper"} & set(table.columns)
    row = table.filter(pl.col("channel") == "A").row(0, named=True)
    upper_a = intervals.filter(pl.col("channel") == "A")["upper"][0]
    assert row["cost_per_conversion_low"] == pytest.approx(30 / upper_a)


def test_bootstrap_same_seed_same_numbers_in_separate_processes():
    """Path order from the parallel group-by differs per process; the seed must not."""
    outputs = {
        subprocess.run(
            [sys.executable, "-c", BOOTSTRAP_SCRIPT], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert len(outputs) == 1, outputs
    assert json.loads(outputs.pop())  # some channels came back


def test_bootstrap_does_not_depend_on_the_row_order():
    shuffled = PATHS.sample(fraction=1.0, shuffle=True, seed=5)
    first = bootstrap(PATHS, "linear", n=40, seed=2).sort("channel")
    second = bootstrap(shuffled, "linear", n=40, seed=2).sort("channel")
    assert first.equals(second)


@pytest.fixture(scope="module")
def demo_paths():
    from mkt_engineering.attribution.paths import paths_from_touchpoints
    from mkt_engineering.io import load_table
    from mkt_engineering.paths import DATASETS_DIR

    folder = DATASETS_DIR / "journeys_markov"
    touches = load_table(folder / "touchpoints.csv", "touchpoints").frame
    conversions = load_table(folder / "conversions.csv", "conversions").frame
    return paths_from_touchpoints(touches, conversions)


@pytest.mark.parametrize("spec", ["markov", ("markov", {"order": 2})])
def test_markov_journey_credit_adds_up_to_the_model(demo_paths, spec):
    """Per-journey Markov credit was off the channel totals by up to 39 of 404 conversions
    (and the model was refitted on converting journeys only)."""
    from mkt_engineering.attribution import compare, journey_credit

    per_journey = journey_credit(demo_paths, spec)
    summed = per_journey.group_by("channel").agg(pl.col("conversions", "value").sum())
    model = compare(demo_paths, [spec]).join(summed, on="channel", how="full", coalesce=True)
    total = demo_paths["conversions"].sum()
    assert (model["conversions"] - model["conversions_right"]).abs().max() < 1e-8 * total
    value_total = demo_paths["value"].sum()
    assert (model["value"] - model["value_right"]).abs().max() < 1e-8 * value_total
    # every journey still hands out exactly its own conversions, to channels on its path
    from mkt_engineering.attribution.paths import path_text

    own = demo_paths.filter(pl.col("conversions") > 0).select(
        path_text("path").alias("path"), "conversions"
    )
    per_path = per_journey.group_by("path").agg(pl.col("conversions").sum()).join(own, on="path")
    assert per_path.height == own.height
    assert (per_path["conversions"] - per_path["conversions_right"]).abs().max() < 1e-9
    on_path = per_journey.select(pl.col("path").str.contains(pl.col("channel"), literal=True))
    assert on_path.to_series().all()


@pytest.fixture(scope="module")
def many_channels():
    """Demo journeys whose touches are spread over 10,000 channel names (campaign ids as
    channels): touchpoints, conversions and spend."""
    import numpy as np

    from mkt_engineering.synthetic.journeys import generate_additive

    data = generate_additive(seed=3, scale=2.5)
    touches = data.tables["touchpoints"]
    rng = np.random.default_rng(0)
    codes = np.concatenate([np.arange(10_000), rng.integers(0, 10_000, touches.height - 10_000)])
    rng.shuffle(codes)
    touches = touches.with_columns(pl.Series("channel", [f"campaign_{c:05d}" for c in codes]))
    spend = (
        touches.group_by("channel")
        .agg(pl.len().alias("touches"))
        .select("channel", (pl.col("touches") * 1.5).alias("spend"))
    )
    return touches, data.tables["conversions"], spend


def _renders(chart) -> dict:
    """The chart as vega-lite (where altair's 5,000-row limit would raise)."""
    spec = chart.to_dict()
    rows = sum(len(d) for d in spec.get("datasets", {}).values())
    assert rows < 5000, rows
    return spec


def test_ten_thousand_channels_chart_as_top_channels_plus_other(many_channels):
    """Every attribution chart with one mark per channel, fed 10,000 channels unlimited."""
    from mkt_engineering.attribution import (
        aggregate_journeys,
        charts,
        compare,
        journeys_from_touchpoints,
        linear,
        lookback_sensitivity,
    )

    touches, conversions, spend = many_channels
    assert touches["channel"].n_unique() == 10_000
    paths = aggregate_journeys(journeys_from_touchpoints(touches, conversions, 30))
    comparison = compare(paths, ["first_touch", "linear", "shapley"])
    assert comparison.height > 5000  # one row per model and channel: over altair's limit
    intervals = bootstrap(paths, "linear", n=20)
    sensitivity = lookback_sensitivity(touches, conversions, [7, 30])
    money = budget_table(comparison, spend)
    for chart in (
        charts.model_comparison_chart(comparison),
        charts.credit_interval_chart(intervals),
        charts.path_flow_chart(paths),
        charts.lookback_chart(sensitivity),
        charts.budget_chart(money),
    ):
        text = json.dumps(_renders(chart))
        assert "other (" in text and " channels)" in text
    # the merged row keeps the totals: credit of 'other' = all credit minus the top channels
    spec = _renders(charts.credit_interval_chart(intervals))
    (values,) = spec["datasets"].values()
    assert sum(v["conversions"] for v in values) == pytest.approx(
        linear(paths)["conversions"].sum()
    )


def test_ten_thousand_channels_report_functions_complete(many_channels):
    """The package calls of the attribution report, in its order, with the long tail merged."""
    from mkt_engineering.attribution import (
        MarkovModel,
        aggregate_journeys,
        charts,
        compare,
        explain,
        group_channels,
        journeys_from_touchpoints,
        long_tail_rules,
        lookback_sensitivity,
    )

    touches, conversions, spend = many_channels
    rules, note = long_tail_rules(touches)
    limited = group_channels(touches, rules)
    assert limited["channel"].n_unique() == 100 and "10,000 channels" in note
    paths = aggregate_journeys(journeys_from_touchpoints(limited, conversions, 30))
    comparison = compare(paths)  # every model, Markov and Shapley included
    assert comparison.group_by("model").agg(pl.col("conversions").sum())[
        "conversions"
    ].to_list() == pytest.approx([paths["conversions"].sum()] * 7)
    model = MarkovModel(1).fit(paths)
    intervals = bootstrap(paths, "markov", n=10)
    sensitivity = lookback_sensitivity(limited, conversions, [7, 30], model="markov")
    money = budget_table(comparison, group_channels(spend, rules))
    # spend is grouped with the same rules, so the merged channel carries the tail's spend
    tail_spend = spend.filter(pl.col("channel").is_in(next(iter(rules.values()))))["spend"].sum()
    other = money.filter((pl.col("model") == "linear") & pl.col("channel").str.starts_with("other"))
    assert other["spend"].to_list() == pytest.approx([tail_spend])
    for chart in (
        charts.top_paths_chart(paths),
        charts.path_flow_chart(paths),
        charts.model_comparison_chart(comparison),
        charts.transition_heatmap(model.transition_matrix_),
        charts.credit_interval_chart(intervals),
        charts.lookback_chart(sensitivity),
        charts.budget_chart(money),
    ):
        _renders(chart)
    for text in (
        explain.explain_comparison(comparison),
        explain.explain_markov(model.conversion_probability_, model.credit_),
        explain.explain_interval(intervals),
        explain.explain_credit(intervals, "markov"),
    ):
        assert text


def test_a_channel_rule_that_is_no_regular_expression_names_the_parameter():
    from mkt_engineering.attribution import group_channels
    from mkt_engineering.errors import ParameterError

    frame = pl.DataFrame({"channel": ["paid_search", "email"]})
    with pytest.raises(ParameterError, match="channel_rules: the rule for 'paid'"):
        group_channels(frame, {"paid": "(unclosed"})
