"""Trust checks before reading any effect: sample-ratio mismatch and pre-period balance.

A sample-ratio mismatch (SRM) means the split of units between arms differs from the
planned split by more than chance allows. It almost always signals a bug (lost tracking,
redirects, bots), and then no effect estimate can be trusted.

Examples
--------
>>> srm = srm_test({"control": 1000, "treatment": 1200})
>>> f"{srm.p_value:.4e}", srm.blocked
('2.0079e-05', True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from mkt_engineering.errors import DataValidationError


@dataclass
class SrmResult:
    """Outcome of the sample-ratio check.

    Attributes
    ----------
    table : DataFrame
        variant, units, share, expected_share.
    statistic, p_value : float
        Chi-square goodness-of-fit statistic and its p-value.
    max_deviation : float
        Largest absolute gap between observed and planned share.
    threshold : float
        The p-value below which the check blocks.
    blocked : bool
        True when the verdict must not be trusted (p below threshold and, if given, the
        deviation at least ``min_deviation``).
    """

    table: pl.DataFrame
    statistic: float
    p_value: float
    max_deviation: float
    threshold: float
    blocked: bool

    def to_frame(self) -> pl.DataFrame:
        """The split table with the p-value and whether the check blocks."""
        return self.table.with_columns(
            pl.lit(self.p_value).alias("p_value"), pl.lit(self.blocked).alias("blocked")
        )


def srm_test(
    counts: dict[str, int],
    weights: dict[str, float] | None = None,
    *,
    threshold: float = 0.001,
    min_deviation: float | None = None,
) -> SrmResult:
    """Chi-square test of the observed split against the planned split.

    Parameters
    ----------
    counts : dict
        Units per variant.
    weights : dict, optional
        Planned share (or relative weight) per variant; equal split by default.
    threshold : float
        p-value below which the check blocks the verdict (0.001, so a healthy test
        raises a false alarm only once in a thousand runs).
    min_deviation : float, optional
        With millions of units a harmless 0.1-point imbalance is "significant"; give a
        minimum share deviation (e.g. 0.005) that must also be exceeded to block.

    Returns
    -------
    SrmResult
        The split table, the chi-square statistic and p-value, the largest deviation and
        whether the check blocks the verdict.

    Examples
    --------
    >>> srm_test({"a": 500_500, "b": 499_500}, min_deviation=0.005).blocked
    False
    """
    names = list(counts)
    observed = np.array([counts[v] for v in names], dtype=float)
    planned = np.array(
        [(weights or {}).get(v, 1.0) if weights else 1.0 for v in names], dtype=float
    )
    if weights and set(weights) != set(names):
        raise DataValidationError(
            f"srm_test: planned weights name {sorted(weights)} but the data has variants "
            f"{sorted(names)}.",
            column="variant",
            fix="Give one weight per variant, spelt as in the data.",
        )
    expected_share = planned / planned.sum()
    expected = expected_share * observed.sum()
    statistic, p_value = stats.chisquare(observed, expected)
    share = observed / observed.sum()
    deviation = float(np.abs(share - expected_share).max())
    blocked = bool(p_value < threshold and (min_deviation is None or deviation >= min_deviation))
    table = pl.DataFrame(
        {
            "variant": names,
            "units": observed.astype(int),
            "share": share,
            "expected_share": expected_share,
        }
    )
    return SrmResult(table, float(statistic), float(p_value), deviation, threshold, blocked)


def balance_check(
    units: pl.DataFrame | pl.LazyFrame, *, variant: str, covariates: list[str], control: str
) -> pl.DataFrame:
    """Compare pre-period covariates between arms: randomization should leave them equal.

    Parameters
    ----------
    units : DataFrame or LazyFrame
        One row per unit.
    variant : str
        The arm column.
    covariates : list of str
        Pre-period columns; empty cells are units without pre-period data.
    control : str
        The control arm.

    Returns
    -------
    DataFrame
        Per covariate and treatment arm: the means, the standardized mean difference (SMD,
        in pooled standard deviations; above 0.1 is a warning sign), the Welch p-value, and
        the share of units without pre-period data in each arm.

    Examples
    --------
    >>> df = pl.DataFrame({"variant": ["a", "a", "b", "b"], "x": [1.0, 3.0, 2.0, None]})
    >>> check = balance_check(df, variant="variant", covariates=["x"], control="a")
    >>> check["missing_treatment"].to_list()
    [0.5]
    """
    lazy = units.lazy()
    aggregates = [pl.len().alias("n")]
    for c in covariates:
        aggregates += [
            pl.col(c).mean().alias(f"{c}__mean"),
            pl.col(c).var().alias(f"{c}__var"),
            pl.col(c).count().alias(f"{c}__count"),
            pl.col(c).null_count().alias(f"{c}__null"),
        ]
    arms = lazy.group_by(variant).agg(aggregates).collect()
    if control not in arms[variant].to_list():
        raise DataValidationError(
            f"balance_check: control variant {control!r} not found in column {variant!r}.",
            column=variant,
            fix=f"Use one of {arms[variant].to_list()}.",
        )
    base = arms.filter(pl.col(variant) == control).row(0, named=True)
    rows = []
    for arm in arms.filter(pl.col(variant) != control).iter_rows(named=True):
        for c in covariates:
            mc, mt = base[f"{c}__mean"], arm[f"{c}__mean"]
            vc, vt = base[f"{c}__var"] or 0.0, arm[f"{c}__var"] or 0.0
            nc, nt = base[f"{c}__count"], arm[f"{c}__count"]
            se = np.sqrt(vc / nc + vt / nt) if nc > 1 and nt > 1 else 0.0
            smd = (mt - mc) / np.sqrt((vc + vt) / 2) if (vc + vt) > 0 else np.nan
            rows.append(
                {
                    "covariate": c,
                    "variant": arm[variant],
                    "mean_control": mc,
                    "mean_treatment": mt,
                    "standardized_difference": float(smd),
                    "p_value": float(2 * stats.norm.sf(abs((mt - mc) / se))) if se > 0 else np.nan,
                    "missing_control": base[f"{c}__null"] / base["n"],
                    "missing_treatment": arm[f"{c}__null"] / arm["n"],
                }
            )
    return pl.DataFrame(rows)
