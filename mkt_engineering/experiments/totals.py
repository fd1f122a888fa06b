"""Experiments given as totals per arm, the way A/B testing tools show them.

A testing tool's results page (or its export) has one row per arm: units (visitors),
conversions, and often the revenue sum. Those totals are exactly the sufficient statistics
of the z-test and the sample-ratio check; with the sum of squared revenue per unit they
are those of the Welch test too. `totals_moments` turns them into the per-arm sums
`analyze` reduces unit rows to, and `analyze_totals` runs the same checks, tests,
corrections, Bayesian reading and verdict on them. What needs unit rows (CUPED, segments,
the view over time, the bootstrap) is not available from totals.

Examples
--------
>>> import polars as pl
>>> totals = pl.DataFrame({"variant": ["control", "treatment"], "units": [10_000, 10_000],
...                        "conversions": [1_000, 1_120]})
>>> result = analyze_totals(totals, AnalysisPlan("converted"))
>>> round(result.effects["effect"][0], 4), result.srm.blocked
(0.012, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from mkt_engineering.errors import DataValidationError
from mkt_engineering.experiments.analyze import AnalysisResult, analyze_arms, check_arms
from mkt_engineering.experiments.plan import AnalysisPlan
from mkt_engineering.io import LoadResult, Source, load_table, read_header

__all__ = ["TOTALS_COLUMNS", "analyze_totals", "load_totals", "totals_moments"]

# Names testing tools give the totals -> the experiment_totals contract. Used only for
# columns the file has and the user did not map, and only when the contract name is free.
TOTALS_COLUMNS = {
    "visitors": "units",
    "users": "units",
    "participants": "units",
    "sample_size": "units",
    "group": "variant",
    "arm": "variant",
    "variation": "variant",
    "converted": "conversions",
    "revenue_sum": "revenue",
    "revenue_squared": "revenue_sq",
    "revenue_sum_sq": "revenue_sq",
    "revenue_sum_of_squares": "revenue_sq",
}
CONVERTED = "converted"  # the unit-level 0/1 metric the conversions count
SQUARES = "_sq"


def load_totals(
    source: Source, columns: dict[str, str] | None = None, **options: Any
) -> LoadResult:
    """Read per-arm totals onto the ``experiment_totals`` contract.

    Parameters
    ----------
    source : path, DataFrame or LazyFrame
        One row per arm: variant, units, conversions, [revenue], [revenue_sq].
    columns : dict, optional
        Your column name -> contract name. Usual names (visitors, users, group, arm,
        variation, revenue_sum, revenue_squared) map without it.
    **options
        Passed to `io.load_table`.

    Returns
    -------
    LoadResult
        The totals on the contract (``frame``) and what loading found (``quality``);
        impossible totals raise `DataValidationError` naming their line.

    Examples
    --------
    >>> import polars as pl
    >>> export = pl.DataFrame({"Variation": ["A", "B"], "Visitors": [500, 510],
    ...                        "Conversions": [50, 61]})
    >>> load_totals(export).frame.columns
    ['variant', 'units', 'conversions']
    """
    mapping = {**_default_mapping(source, columns, options), **dict(columns or {})}
    result = load_table(source, "experiment_totals", mapping, **options)
    # impossible totals fail here, naming the file
    totals_moments(result.frame, source=result.quality.source)
    return result


def _default_mapping(
    source: Source, columns: dict[str, str] | None, options: dict[str, Any]
) -> dict[str, str]:
    try:
        header = read_header(source, **options)
    except Exception:  # unreadable: load_table reads it again and names the problem
        return {}
    given = dict(columns or {})
    normal = {name: name.strip().lower().replace(" ", "_") for name in header}
    taken = set(given.values()) | {n for n in normal.values() if n in TOTALS_COLUMNS.values()}
    mapping = {}
    for name in header:
        target = TOTALS_COLUMNS.get(normal[name])
        if name not in given and target and target not in taken:
            mapping[name] = target
            taken.add(target)
    return mapping


def totals_moments(
    totals: pl.DataFrame, variant: str = "variant", *, source: str = "experiment totals"
) -> pl.DataFrame:
    """Per-arm sums of the unit-level metrics, from the arm totals.

    Parameters
    ----------
    totals : DataFrame
        The ``experiment_totals`` contract: variant, units, conversions, [revenue,
        revenue_sq], and any further pair ``X``, ``X_sq``.
    variant : str
        The arm column.
    source : str
        The file the totals came from, for messages (rows are named by their line, the
        header being line 1).

    Returns
    -------
    DataFrame
        One row per arm in the layout `reduction.reduce_moments` gives for unit rows:
        ``n``, ``s|converted``, ``p|converted|converted`` (a 0/1 metric is its own square)
        and ``s|X``, ``p|X|X`` for every metric with its sum of squares.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"variant": ["a", "b"], "units": [4, 5], "conversions": [1.0, 2.0],
    ...                   "revenue": [10.0, 30.0], "revenue_sq": [100.0, 500.0]})
    >>> totals_moments(t).rows()
    [('a', 4, 1.0, 1.0, 10.0, 100.0), ('b', 5, 2.0, 2.0, 30.0, 500.0)]
    """
    _check_totals(totals, variant, source)
    metrics = _mean_metrics(totals)
    return totals.select(
        pl.col(variant).cast(pl.String),
        pl.col("units").cast(pl.Int64).alias("n"),
        pl.col("conversions").cast(pl.Float64).alias(f"s|{CONVERTED}"),
        pl.col("conversions").cast(pl.Float64).alias(f"p|{CONVERTED}|{CONVERTED}"),
        *[
            expression
            for m in metrics
            for expression in (
                pl.col(m).cast(pl.Float64).alias(f"s|{m}"),
                pl.col(m + SQUARES).cast(pl.Float64).alias(f"p|{m}|{m}"),
            )
        ],
    )


def _mean_metrics(totals: pl.DataFrame) -> list[str]:
    """Columns X with a sum of squares X_sq next to them: testable means."""
    return [c for c in totals.columns if c + SQUARES in totals.columns and c not in ("units",)]


def _check_totals(totals: pl.DataFrame, variant: str, source: str) -> None:
    """Totals that no set of units can have: more conversions than units, too small squares."""
    lines = totals.with_row_index("line", offset=2)  # line 1 is the header
    repeated = lines.filter(pl.col(variant).is_duplicated())
    problems = [
        (r["line"], variant, f"arm {r[variant]!r} has more than one row")
        for r in repeated.iter_rows(named=True)
    ]
    over = lines.filter(pl.col("conversions") > pl.col("units"))
    problems += [
        (r["line"], "conversions", f"{r['conversions']:,.0f} conversions from {r['units']:,} units")
        for r in over.iter_rows(named=True)
    ]
    for metric in _mean_metrics(totals):
        # Cauchy-Schwarz: sum(x^2) >= sum(x)^2 / n for any n numbers, so anything smaller is
        # no sum of squares (often it is the variance or the standard deviation)
        floor = pl.col(metric).cast(pl.Float64) ** 2 / pl.col("units")
        low = lines.filter(pl.col(metric + SQUARES) < floor * (1 - 1e-9))
        problems += [
            (
                r["line"],
                metric + SQUARES,
                f"{metric}{SQUARES} = {r[metric + SQUARES]:,.6g} is smaller than {metric}² / "
                f"units = {r[metric] ** 2 / r['units']:,.6g}, so it is no sum of squares",
            )
            for r in low.iter_rows(named=True)
        ]
    if problems:
        shown = "; ".join(f"line {line} ({column}): {text}" for line, column, text in problems[:5])
        raise DataValidationError(
            f"{source}: impossible experiment totals: {shown}.",
            source=source,
            column=problems[0][1],
            rows=[line for line, _, _ in problems[:5]],
            fix="Give one row per arm with conversions counted once per unit (units that "
            "converted) and, for a metric X, X_sq as the sum of the squared value per unit, "
            "not its variance or standard deviation.",
        )


def analyze_totals(
    totals: pl.DataFrame,
    plan: AnalysisPlan,
    *,
    variant: str = "variant",
    exploratory: Sequence[str] = (),
) -> AnalysisResult:
    """Analyze an experiment from its totals per arm, like `analyze` does from unit rows.

    Parameters
    ----------
    totals : DataFrame
        The ``experiment_totals`` contract (see `load_totals`).
    plan : AnalysisPlan
        As for `analyze`. Its metrics are ``converted`` (the conversion rate, from
        conversions) or a metric ``X`` whose ``X`` and ``X_sq`` totals are given
        (``revenue``). Covariates, segments and the day column need unit rows and are
        not used.
    variant, exploratory
        As in `analyze`.

    Returns
    -------
    AnalysisResult
        With empty ``segments``, ``over_time`` and ``balance``: they need unit rows.

    Examples
    --------
    >>> totals = pl.DataFrame({"variant": ["control", "treatment"], "units": [5000, 5000],
    ...                        "conversions": [500, 580]})
    >>> analyze_totals(totals, AnalysisPlan("converted", mde=0.01)).verdict.decision
    'ship'
    """
    declared = plan.roles(exploratory)
    moments = totals_moments(totals, variant)
    _check_metrics(moments, [m for m, _ in declared])
    check_arms(moments[variant].to_list(), moments["n"].to_list(), variant, plan.control)
    rows = {r[variant]: r for r in moments.iter_rows(named=True)}
    return analyze_arms(
        rows,
        {m: m == CONVERTED for m, _ in declared},
        declared,
        plan,
        covariates=[],
        segments=pl.DataFrame(),
        over_time=pl.DataFrame(),
        days_seen=None,
    )


def _check_metrics(moments: pl.DataFrame, metrics: list[str]) -> None:
    available = [c.removeprefix("s|") for c in moments.columns if c.startswith("s|")]
    for metric in metrics:
        if metric in available:
            continue
        if "/" in metric:
            reason = "a ratio metric needs each unit's numerator and denominator (unit rows)"
        else:
            reason = (
                f"its test needs the sum {metric!r} and the sum of squares {metric + SQUARES!r} "
                "per arm"
            )
        raise DataValidationError(
            f"experiment totals: metric {metric!r} cannot be tested from these totals: "
            f"{reason}. Metrics the totals give: {', '.join(available)}.",
            source="experiment totals",
            column=metric,
            fix=f"Add the column(s) to the totals file, or drop {metric!r} from the metrics.",
        )
