"""Analyze an experiment end to end, from unit rows to a verdict with reasons.

`analyze` makes one lazy pass over the units (sufficient statistics per arm, segment and
day), then runs the checks (sample ratio, balance), the tests of every declared metric with
CUPED adjustment when covariates are given, the multiple-testing corrections, the
sequential reading over days, the Bayesian reading, and finally the verdict.

Examples
--------
>>> from mkt_engineering.synthetic.experiment import generate
>>> units = generate(scale=0.5).tables["experiment"]
>>> plan = AnalysisPlan("converted", secondary_metrics=["revenue"], covariates=["pre_sessions"])
>>> analyze(units, plan).verdict.decision
'ship'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.engines import experiments as engine
from mkt_engineering.engines import frames
from mkt_engineering.engines.frames import is_engine_frame
from mkt_engineering.errors import DataValidationError, ParameterError, require_columns
from mkt_engineering.experiments.bayesian import beta_binomial, normal_posterior
from mkt_engineering.experiments.breakdowns import effects_over_time, segment_effects
from mkt_engineering.experiments.checks import SrmResult, srm_test
from mkt_engineering.experiments.cuped import Moments, cuped_test
from mkt_engineering.experiments.design import guardrail_status
from mkt_engineering.experiments.frequentist import EffectEstimate, mean_test, proportion_test
from mkt_engineering.experiments.multiple import adjust
from mkt_engineering.experiments.plan import AnalysisPlan
from mkt_engineering.experiments.ratio import ratio_test
from mkt_engineering.experiments.reduction import (
    MISSING,
    covariate_columns,
    prepare,
    product,
    reduce_moments,
)
from mkt_engineering.experiments.stats import RatioStats, SampleStats
from mkt_engineering.experiments.verdict import MIN_EVENTS, Verdict, decide


@dataclass
class AnalysisResult:
    """Everything `analyze` found. Frames are plain polars DataFrames.

    Attributes
    ----------
    effects : DataFrame
        One row per metric and arm: effect, interval, p-values (raw and adjusted), lift.
    segments : DataFrame
        Exploratory effect of the primary metric per segment level, with BH and an
        interaction (heterogeneity) test.
    srm : SrmResult
        The sample-ratio check.
    balance : DataFrame
        Pre-period covariates per arm.
    over_time : DataFrame
        Cumulative primary effect per day with always-valid bounds (if a day column).
    bayes : DataFrame
        Chance to win and expected loss of the primary metric.
    verdict : Verdict
        The decision with its reasons.
    settings : dict
        Primary metric, level, minimum effect, 0/1 metrics, control, covariates, planned
        units per arm.
    plan : AnalysisPlan
        The plan the analysis followed.
    primary_totals : dict
        Arm -> (sum of the primary metric, units): conversions and units for a rate, as
        the posterior chart needs them (empty for a ratio metric).
    """

    effects: pl.DataFrame
    segments: pl.DataFrame
    srm: SrmResult
    balance: pl.DataFrame
    over_time: pl.DataFrame
    bayes: pl.DataFrame
    verdict: Verdict
    settings: dict = field(default_factory=dict)
    plan: AnalysisPlan | None = None
    primary_totals: dict[str, tuple[float, int]] = field(default_factory=dict)

    def to_frame(self) -> pl.DataFrame:
        """The effects table (one row per metric and arm)."""
        return self.effects

    def explain(self, language: str = "en") -> str:
        """The verdict and the reading of each part, as Markdown (``"en"`` or ``"de"``)."""
        from mkt_engineering.experiments.explain import explain_analysis

        return explain_analysis(self, language=language)

    def chart(self):
        """The effects chart (one bar with its interval per metric and arm)."""
        from mkt_engineering.experiments.charts import effects_chart

        return effects_chart(self.effects)


def analyze(
    units: Any,
    plan: AnalysisPlan,
    *,
    variant: str = "variant",
    exploratory: Sequence[str] = (),
) -> AnalysisResult:
    """Run the whole analysis of an experiment, as its plan fixes it.

    Parameters
    ----------
    units : DataFrame, LazyFrame, DuckDB relation or Spark DataFrame
        One row per randomized unit (the ``experiment`` contract). An engine frame is
        reduced in its engine (sums per arm, segment and day); only those come back.
    plan : AnalysisPlan
        The metrics and their roles, level, minimum effect, planned sample and split,
        covariates for CUPED, segments, day column, control arm and correction. Empty
        covariate cells mean "no pre-period data" and get a missing-indicator (units are
        never dropped).
    variant : str
        The column holding each unit's arm (a property of the data, not of the plan).
    exploratory : sequence of str
        Metrics looked at outside the plan: reported, labelled, never part of the verdict.

    Returns
    -------
    AnalysisResult
        Effects, segments, sample-ratio and balance checks, the view over time, the
        Bayesian reading and the verdict.

    Examples
    --------
    >>> from mkt_engineering.synthetic.experiment import generate
    >>> units = generate(scale=0.5).tables["experiment"]
    >>> plan = AnalysisPlan("converted", secondary_metrics=["revenue"], covariates=["pre_sessions"])
    >>> analyze(units, plan).verdict.decision
    'ship'
    """
    declared = plan.roles(exploratory)
    covariates, segments = list(plan.covariates), list(plan.segments)
    day = plan.day_column or None
    # Checked before `prepare` casts the covariates to numbers: a text covariate must get the
    # "expected numbers" message, not a failed cast from inside polars.
    _check_columns(units, variant, declared, covariates, segments, day)
    # an engine frame (DuckDB, Spark) is reduced where it lives; only the sums come back
    on_engine = is_engine_frame(units)
    lazy = engine.prepare(units, covariates) if on_engine else prepare(units, covariates)
    reduce = engine.reduce_moments if on_engine else reduce_moments
    columns, pairs = _moment_spec(declared, covariates)
    arms = reduce(lazy, by=[variant], columns=columns, pairs=pairs)
    names = arms[variant].cast(pl.String).to_list()
    check_arms(names, arms["n"].to_list(), variant, plan.control)
    rows = {str(r[variant]): r for r in arms.iter_rows(named=True)}
    binary = engine.binary_metrics(lazy, [m for m, _ in declared if "/" not in m])
    primary = plan.primary_metric
    control, alpha = plan.control, plan.alpha
    return analyze_arms(
        rows,
        binary,
        declared,
        plan,
        covariates=covariates,
        segments=segment_effects(
            reduce, lazy, variant, control, primary, binary.get(primary, False), segments, alpha
        ),
        over_time=effects_over_time(
            reduce,
            lazy,
            variant,
            control,
            primary,
            day,
            alpha,
            plan.mde,
            plan.planned_units_per_arm,
        ),
        days_seen=engine.distinct_count(lazy, day) if day else None,
    )


def check_arms(names: list[str], sizes: list[int], variant: str, control: str) -> None:
    """Refuse data with fewer than two arms, or without the plan's control arm.

    Parameters
    ----------
    names, sizes : list
        The arms found in the data and their units.
    variant : str
        The arm column, for the message.
    control : str
        The plan's control arm; ``""`` (left to the data) is refused with the arms found.

    Returns
    -------
    None

    Examples
    --------
    >>> check_arms(["control", "treatment"], [10, 12], "variant", "control")
    """
    if len(names) < 2:
        raise DataValidationError(
            f"analyze: column {variant!r} holds only one variant, {names[0]!r} "
            f"({sizes[0]:,} units); an experiment compares at least two groups.",
            column=variant,
            fix="Load the file with every arm in it (control and treatment), or point "
            "`variant` at the column that holds the assignment.",
        )
    found = sorted(map(str, names))
    if not control:
        raise ParameterError(
            f"parameter 'control': the plan names no control arm; the data have {found}. "
            "Name it with AnalysisPlan(control=...) or plan.with_control(...)."
        )
    if control not in names:
        raise DataValidationError(
            f"analyze: the control arm {control!r} is not in column {variant!r}; found {found}.",
            column=variant,
            fix="Set `control` in the plan to the name your data uses for the control group.",
        )


def analyze_arms(
    rows: dict[str, dict],
    binary: dict[str, bool],
    declared: list[tuple[str, str]],
    plan: AnalysisPlan,
    *,
    covariates: list[str],
    segments: pl.DataFrame,
    over_time: pl.DataFrame,
    days_seen: int | None,
) -> AnalysisResult:
    """The analysis from the per-arm sums: checks, effects, corrections, Bayes, verdict.

    Parameters
    ----------
    rows : dict
        Each arm's sums as `reduction.reduce_moments` writes them (``n``, ``s|metric``,
        ``p|a|b``), whether reduced from unit rows (`analyze`) or read from the totals a
        testing tool exports (`totals.analyze_totals`).
    binary : dict
        Metric -> whether it is a 0/1 metric (tested as a rate).
    declared : list of (str, str)
        Metric and role, the primary metric first.
    plan : AnalysisPlan
        Level, minimum effect, planned sample and split, control arm, correction.
    covariates : list of str
        The covariates whose sums `rows` holds (none for totals).
    segments, over_time : DataFrame
        The segment and over-time tables, computed from unit rows (empty for totals).
    days_seen : int, optional
        Distinct assignment days, for the days left of a running test.

    Returns
    -------
    AnalysisResult
    """
    primary, control, alpha = declared[0][0], plan.control, plan.alpha
    effects = _effects(rows, control, declared, covariates, binary, alpha, plan.guardrail_margin)
    effects = _adjust(effects, plan.correction, alpha)
    srm = srm_test(
        {k: rows[k]["n"] for k in rows},
        dict(plan.planned_split) or None,
        min_deviation=plan.min_srm_deviation,
    )
    bayes = _bayes(rows, control, primary, binary.get(primary, False), effects, alpha)
    verdict = decide(
        effects,
        srm,
        over_time,
        alpha=alpha,
        mde=plan.mde,
        planned_units_per_arm=plan.planned_units_per_arm,
        arm_sizes={k: rows[k]["n"] for k in rows},
        days_seen=days_seen,
    )
    settings = {
        "primary": primary,
        "alpha": alpha,
        "mde": plan.mde,
        "binary": binary,
        "control": control,
        "covariates": covariates,
        "planned_units_per_arm": plan.planned_units_per_arm,
    }
    return AnalysisResult(
        effects,
        segments,
        srm,
        _balance(rows, control, covariates),
        over_time,
        bayes,
        verdict,
        settings,
        plan,
        _primary_totals(rows, primary),
    )


def _primary_totals(rows: dict[str, dict], primary: str) -> dict[str, tuple[float, int]]:
    """Sum of the primary metric and units per arm (none for a ratio metric)."""
    if "/" in primary:
        return {}
    return {arm: (row[f"s|{primary}"], row["n"]) for arm, row in rows.items()}


def _check_columns(units, variant, declared, covariates, segments, day) -> None:
    """Columns, their types and the arm column, as aggregate queries (any engine)."""
    lazy = frames.lazy(units)
    schema = lazy.collect_schema()
    wanted = (
        [variant]
        + [c for m, _ in declared for c in m.split("/")]
        + covariates
        + segments
        + ([day] if day else [])
    )
    require_columns(
        lazy,
        wanted,
        source="analyze",
        fix="Check the analysis plan's metric names or map your columns with `columns=`.",
    )
    numeric = [c for m, _ in declared for c in m.split("/")] + covariates
    text = [c for c in dict.fromkeys(numeric) if not schema[c].is_numeric()]
    if text:
        example = engine.example_value(lazy, text[0])
        raise DataValidationError(
            f"analyze: metric or covariate column {text[0]!r} holds {schema[text[0]]} values "
            f"(e.g. {example!r}), expected numbers.",
            column=text[0],
            fix="Use numeric metrics (0/1 for conversions); text columns belong in `segments`.",
        )
    nulls = engine.null_count(lazy, variant)
    if nulls:
        raise DataValidationError(
            f"analyze: {nulls:,} unit(s) have no value in {variant!r}; every unit needs its arm.",
            column=variant,
            fix="Drop units that were never assigned, or load the file with read_table, which "
            "checks this.",
        )


def _moment_spec(declared, covariates) -> tuple[list[str], list[tuple[str, str]]]:
    model = covariate_columns(covariates)
    columns, pairs = list(model), [(a, b) for i, a in enumerate(model) for b in model[i:]]
    for metric, _ in declared:
        parts = metric.split("/")
        columns += parts
        pairs += [(a, b) for i, a in enumerate(parts) for b in parts[i:]]
        if len(parts) == 1:
            pairs += [(metric, c) for c in model]
    return list(dict.fromkeys(columns)), list(dict.fromkeys(pairs))


def _arm_test(row_c, row_t, metric, covariates, binary, alpha, relative) -> EffectEstimate:
    if "/" in metric:
        num, den = metric.split("/")
        stats_c, stats_t = (
            RatioStats(
                r["n"],
                r[f"s|{num}"],
                r[f"s|{den}"],
                product(r, num, num),
                product(r, den, den),
                product(r, num, den),
            )
            for r in (row_c, row_t)
        )
        return ratio_test(stats_c, stats_t, relative=relative, alpha=alpha)
    if covariates and not (binary and _few_events(row_c, row_t, metric)):
        return cuped_test(
            *(_moments(r, metric, covariates) for r in (row_c, row_t)),
            relative=relative,
            alpha=alpha,
        )
    if binary and not relative:
        return proportion_test(
            (row_c[f"s|{metric}"], row_c["n"]), (row_t[f"s|{metric}"], row_t["n"]), alpha=alpha
        )
    stats_c, stats_t = (
        SampleStats(r["n"], r[f"s|{metric}"], product(r, metric, metric)) for r in (row_c, row_t)
    )
    return mean_test(stats_c, stats_t, relative=relative, alpha=alpha)


def _few_events(row_c: dict, row_t: dict, metric: str) -> bool:
    """Too few conversions or non-conversions in an arm for a normal-theory interval.

    CUPED's regression interval is a Wald interval and collapses like one (0 conversions
    in both arms gives [0, 0]), so a 0/1 metric with so few events is tested without the
    adjustment, with Newcombe's interval, which stays honest at small counts.
    """
    events = [r[f"s|{metric}"] for r in (row_c, row_t)]
    non_events = [r["n"] - e for r, e in zip((row_c, row_t), events, strict=True)]
    return min(events + non_events) < MIN_EVENTS


def _moments(row: dict, metric: str, covariates: list[str]) -> Moments:
    names = [metric] + covariate_columns(covariates)
    sums = np.array([row[f"s|{c}"] for c in names])
    cross = np.array([[product(row, a, b) for b in names] for a in names])
    return Moments(row["n"], sums, cross)


def _effects(rows, control, declared, covariates, binary, alpha, margin) -> pl.DataFrame:
    records = []
    for arm in (a for a in rows if a != control):
        for metric, role in declared:
            absolute = _arm_test(
                rows[control], rows[arm], metric, covariates, binary.get(metric), alpha, False
            )
            lift = _arm_test(
                rows[control], rows[arm], metric, covariates, binary.get(metric), alpha, True
            )
            status = (
                guardrail_status(lift.ci_low, lift.ci_high, margin=margin)
                if role == "guardrail"
                else None
            )
            records.append(
                {
                    "metric": metric,
                    "role": role,
                    "variant": arm,
                    "kind": _kind(metric, binary.get(metric)),
                    "method": absolute.method,
                    "control_value": absolute.control_value,
                    "treatment_value": absolute.treatment_value,
                    "effect": absolute.effect,
                    "ci_low": absolute.ci_low,
                    "ci_high": absolute.ci_high,
                    "p_value": absolute.p_value,
                    "lift": lift.effect,
                    "lift_low": lift.ci_low,
                    "lift_high": lift.ci_high,
                    "variance_reduction": absolute.extra.get("variance_reduction"),
                    "guardrail_status": status,
                    "units_control": rows[control]["n"],
                    "units_treatment": rows[arm]["n"],
                }
            )
    return pl.DataFrame(
        records, schema_overrides={"variance_reduction": pl.Float64, "guardrail_status": pl.String}
    )


def _kind(metric: str, binary: bool | None) -> str:
    return "ratio" if "/" in metric else "proportion" if binary else "mean"


def _adjust(effects: pl.DataFrame, correction: str, alpha: float) -> pl.DataFrame:
    """Holm across arms for the primary metric, across arms x metrics for secondaries.

    Guardrails are not corrected (a correction would make harm harder to see), and
    exploratory metrics get BH, as they are not part of any decision.
    """
    families = {
        "primary": correction,
        "secondary": correction,
        "guardrail": "none",
        "exploratory": "bh",
    }
    parts = []
    for role, method in families.items():
        part = effects.filter(pl.col("role") == role)
        if part.height:
            parts.append(
                part.with_columns(
                    pl.Series("p_adjusted", adjust(part["p_value"].to_numpy(), method)),
                    pl.lit(method).alias("correction"),
                )
            )
    out = pl.concat(parts)
    # significant needs the p-value AND the interval: at small counts the z-test's p can dip
    # under alpha while Newcombe's interval still includes zero (0/100 against 4/100); a NaN
    # p-value (nothing to test) is never significant
    excludes_zero = (pl.col("ci_low") > 0) | (pl.col("ci_high") < 0)
    return out.with_columns(
        ((pl.col("p_adjusted") < alpha) & excludes_zero).fill_null(False).alias("significant")
    )


def _bayes(rows, control, metric, binary, effects, alpha) -> pl.DataFrame:
    frames = []
    for arm in (a for a in rows if a != control):
        if binary:
            frame = beta_binomial(
                (rows[control][f"s|{metric}"], rows[control]["n"]),
                (rows[arm][f"s|{metric}"], rows[arm]["n"]),
                alpha=alpha,
            )
        else:
            row = effects.filter((pl.col("metric") == metric) & (pl.col("variant") == arm)).row(
                0, named=True
            )
            z = stats.norm.ppf(1 - alpha / 2)
            frame = normal_posterior(
                row["effect"], (row["ci_high"] - row["ci_low"]) / (2 * z), alpha=alpha
            )
        frames.append(
            frame.with_columns(pl.lit(arm).alias("variant"), pl.lit(metric).alias("metric"))
        )
    return pl.concat(frames)


def _balance(rows, control, covariates) -> pl.DataFrame:
    """Pre-period covariates per arm, from the same sums (no extra pass over the data)."""
    records = []
    for arm in rows:
        for c in covariates:
            r = rows[arm]
            present = r["n"] - r[f"s|{c}{MISSING}"]
            mean = r[f"s|{c}"] / present if present else None
            variance = (
                (product(r, c, c) - present * mean**2) / (present - 1) if present > 1 else None
            )
            records.append(
                {
                    "covariate": c,
                    "variant": arm,
                    "mean": mean,
                    "sd": variance**0.5 if variance else None,
                    "missing_share": r[f"s|{c}{MISSING}"] / r["n"],
                }
            )
    frame = pl.DataFrame(
        records,
        schema={
            "covariate": pl.String,
            "variant": pl.String,
            "mean": pl.Float64,
            "sd": pl.Float64,
            "missing_share": pl.Float64,
        },
    )
    base = frame.filter(pl.col("variant") == control).select("covariate", mean_c="mean", sd_c="sd")
    return (
        frame.join(base, on="covariate")
        .with_columns(
            (
                (pl.col("mean") - pl.col("mean_c"))
                / ((pl.col("sd") ** 2 + pl.col("sd_c") ** 2) / 2).sqrt()
            ).alias("standardized_difference")
        )
        .drop("mean_c", "sd_c")
    )
