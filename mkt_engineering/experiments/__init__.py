"""A/B tests: design, frequentist and Bayesian analysis, CUPED, sequential monitoring, SRM,
multiple testing, calibrated verdicts.

Start with an `AnalysisPlan` (what the analysis is fixed to before the data are read),
then `analyze` (unit rows -> results and a verdict) or `analyze_totals` (totals per arm,
as testing tools show them; read with `load_totals`), or with the single tests
(`proportion_test`, `mean_test`, `ratio_test`) when you already have per-arm sums.

Names
-----
The domain is called *experiments* wherever code is named: this package, the teaching
checks (`teaching/experiments_checks.py`) and the tests (`tests/experiments/`, one file per
topic, e.g. ``test_analysis_plan.py``, ``test_totals.py``, without repeating the folder).
The data speak of one *experiment*: the ``experiment`` table contract (one row per unit)
and ``experiment_totals``, the demo folder ``datasets/experiment/`` and the generator
`synthetic.experiment`. The user-facing names keep *A/B test*, because users type them:
the report and CLI name ``ab_test`` (``mkt run ab_test``) and the lesson
``03_ab_testing.ipynb``.
"""

from __future__ import annotations

from mkt_engineering.experiments.analyze import AnalysisResult, analyze
from mkt_engineering.experiments.bayesian import (
    beta_binomial,
    chance_to_win,
    normal_posterior,
    posterior_curves,
)
from mkt_engineering.experiments.bootstrap import poisson_bootstrap
from mkt_engineering.experiments.checks import SrmResult, balance_check, srm_test
from mkt_engineering.experiments.cuped import Moments, cuped_test, with_missing_indicator
from mkt_engineering.experiments.design import (
    duration,
    guardrail_status,
    mde,
    non_inferiority_sample_size,
    power_curve,
    sample_size,
)
from mkt_engineering.experiments.frequentist import (
    EffectEstimate,
    mann_whitney_test,
    mean_test,
    newcombe_interval,
    proportion_test,
    wilson_interval,
)
from mkt_engineering.experiments.multiple import adjust, benjamini_hochberg, bonferroni, holm
from mkt_engineering.experiments.plan import AnalysisPlan, outside_plan, plan_hash, plan_table
from mkt_engineering.experiments.ratio import ratio_test
from mkt_engineering.experiments.sequential import (
    confidence_sequence,
    group_sequential_bounds,
    group_sequential_test,
    msprt_p_values,
    spent_alpha,
)
from mkt_engineering.experiments.simulate import simulate_aa, simulate_means
from mkt_engineering.experiments.stats import RatioStats, SampleStats
from mkt_engineering.experiments.summary import summarize
from mkt_engineering.experiments.totals import analyze_totals, load_totals, totals_moments
from mkt_engineering.experiments.verdict import Verdict

__all__ = [
    "summarize",
    "AnalysisPlan",
    "AnalysisResult",
    "EffectEstimate",
    "Moments",
    "RatioStats",
    "SampleStats",
    "SrmResult",
    "Verdict",
    "adjust",
    "analyze",
    "analyze_totals",
    "balance_check",
    "benjamini_hochberg",
    "beta_binomial",
    "bonferroni",
    "chance_to_win",
    "confidence_sequence",
    "cuped_test",
    "duration",
    "group_sequential_bounds",
    "group_sequential_test",
    "guardrail_status",
    "holm",
    "load_totals",
    "mann_whitney_test",
    "mde",
    "mean_test",
    "msprt_p_values",
    "newcombe_interval",
    "non_inferiority_sample_size",
    "normal_posterior",
    "outside_plan",
    "plan_hash",
    "plan_table",
    "poisson_bootstrap",
    "posterior_curves",
    "power_curve",
    "proportion_test",
    "ratio_test",
    "sample_size",
    "simulate_aa",
    "simulate_means",
    "spent_alpha",
    "srm_test",
    "totals_moments",
    "wilson_interval",
    "with_missing_indicator",
]
