"""Attribution: which channels earn the conversions and the revenue?

Build journeys (`paths_from_touchpoints`, `paths_from_strings`, or read a path export with
`load_paths`), credit them with rule-based
models, exact Markov removal effects or Shapley values, compare models (`compare`), add
intervals (`bootstrap`), check against known truth (`truth_error`) and join spend
(`budget_table`). Charts live in `attribution.charts`, plain-language text in
`attribution.explain`.
"""

from mkt_engineering.attribution.budget import LIMITS, budget_table, ranking_flips
from mkt_engineering.attribution.channels import MAX_CHANNELS, long_tail_rules
from mkt_engineering.attribution.compare import DEFAULT_MODELS, MODELS, compare, journey_credit
from mkt_engineering.attribution.heuristics import (
    first_touch,
    last_non_direct,
    last_touch,
    linear,
    position_based,
    time_decay,
    time_decay_from_touchpoints,
)
from mkt_engineering.attribution.markov import MarkovModel, markov
from mkt_engineering.attribution.path_files import load_paths, reshape_paths
from mkt_engineering.attribution.paths import (
    aggregate_journeys,
    group_channels,
    journeys_from_touchpoints,
    paths_from_strings,
    paths_from_touchpoints,
)
from mkt_engineering.attribution.shapley import shapley
from mkt_engineering.attribution.summary import summarize
from mkt_engineering.attribution.truth import load_truth, truth_comparison, truth_error
from mkt_engineering.attribution.uncertainty import bootstrap, lookback_sensitivity

__all__ = [
    "summarize",
    "DEFAULT_MODELS",
    "LIMITS",
    "MAX_CHANNELS",
    "MODELS",
    "MarkovModel",
    "aggregate_journeys",
    "bootstrap",
    "budget_table",
    "compare",
    "first_touch",
    "group_channels",
    "journey_credit",
    "journeys_from_touchpoints",
    "long_tail_rules",
    "last_non_direct",
    "last_touch",
    "linear",
    "load_paths",
    "load_truth",
    "lookback_sensitivity",
    "markov",
    "paths_from_strings",
    "paths_from_touchpoints",
    "position_based",
    "ranking_flips",
    "reshape_paths",
    "shapley",
    "time_decay",
    "time_decay_from_touchpoints",
    "truth_comparison",
    "truth_error",
]
