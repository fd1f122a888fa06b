"""Turn the results into a decision a marketer can act on, with the reasons in plain words.

The rule, in order:

1. Sample-ratio mismatch -> **inconclusive**: the split is broken, no number can be trusted.
2. Planned sample not reached -> **keep running** (with the expected days left), unless the
   always-valid interval, valid under daily peeking, already excludes zero.
3. A guardrail significantly worse -> **do not ship**.
4. The primary effect cannot be judged -> **inconclusive**, naming what is missing: fewer
   than `MIN_EVENTS` conversions (or non-conversions) in every arm, a p-value that could
   not be computed, or an interval of zero width. No verdict rests on such numbers.
5. Primary metric significantly better (after the correction across arms) -> **ship**.
6. Primary metric significantly worse -> **do not ship**.
7. Otherwise: if the interval rules out the minimum effect worth shipping (MDE) ->
   **do not ship** (whatever the effect is, it is too small to matter); else **inconclusive**.

Examples
--------
>>> Verdict("ship", ["conversion rose"], headline="Verdict: ship").decision
'ship'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from mkt_engineering.experiments.checks import SrmResult
from mkt_engineering.text import number, percent, points

MIN_EVENTS = 5
"""Conversions (and non-conversions) one arm at least needs before a rate test is judged.

The usual rule of thumb for the normal approximation behind the z-test; below it in every
arm, the data say too little either way (0 of 100 in both arms rules nothing in or out).
"""


@dataclass
class Verdict:
    """The decision on an experiment and why.

    Attributes
    ----------
    decision : str
        "ship", "do not ship", "keep running" or "inconclusive".
    reasons : list of str
        The reasons, the primary effect first.
    days_left : int, optional
        Expected days until the planned sample (for "keep running").
    headline : str
        One line for the report and the index.
    """

    decision: str
    reasons: list[str] = field(default_factory=list)
    days_left: int | None = None
    headline: str = ""

    def __str__(self) -> str:
        return f"{self.headline}\n" + "\n".join(f"- {r}" for r in self.reasons)

    def to_frame(self) -> pl.DataFrame:
        """One row: decision, days_left, reasons (joined by "; ") and headline."""
        return pl.DataFrame(
            {
                "decision": [self.decision],
                "days_left": [self.days_left],
                "reasons": ["; ".join(self.reasons)],
                "headline": [self.headline],
            }
        )


def describe_effect(row: dict, alpha: float = 0.05) -> str:
    """'conversion rose by 1.8 points, 95% interval 0.6 to 3.0' for one effects row."""
    level = f"{100 * (1 - alpha):.0f}%"
    name = metric_name(row["metric"])
    direction = "rose" if row["effect"] > 0 else "fell" if row["effect"] < 0 else "changed"
    if row["kind"] == "proportion":
        size = points(abs(row["effect"]))
        interval = f"{number(100 * row['ci_low'], 1)} to {number(100 * row['ci_high'], 1)} points"
    else:
        decimals = 4 if abs(row["effect"]) < 0.1 else 2
        size = number(abs(row["effect"]), decimals)
        if math.isfinite(row["lift"]):  # no lift when the control value is 0
            size += f" ({percent(abs(row['lift']))})"
        interval = f"{number(row['ci_low'], decimals)} to {number(row['ci_high'], decimals)}"
    return f"{name} {direction} by {size}, {level} interval {interval}"


def metric_name(metric: str) -> str:
    """'orders/sessions' -> 'orders per session'."""
    if "/" not in metric:
        return metric
    numerator, denominator = metric.split("/")
    return f"{numerator} per {denominator.removesuffix('s')}"


def headline_effect(row: dict) -> str:
    """Short signed effect for the headline: 'converted +1.8 points' or 'revenue +4.2%'."""
    sign = "+" if row["effect"] >= 0 else "−"
    if row["kind"] == "proportion":
        return f"{row['metric']} {sign}{points(abs(row['effect']))}"
    if not math.isfinite(row["lift"]):  # control value 0: no relative change exists
        return f"{row['metric']} {sign}{number(abs(row['effect']), 2)}"
    return f"{row['metric']} {sign}{percent(abs(row['lift']))}"


def decide(
    effects: pl.DataFrame,
    srm: SrmResult,
    over_time: pl.DataFrame,
    *,
    alpha: float,
    mde: float | None,
    planned_units_per_arm: int | None,
    arm_sizes: dict[str, int],
    days_seen: int | None,
) -> Verdict:
    """Apply the rule of the module docstring; see there."""
    primaries = effects.filter(pl.col("role") == "primary").sort("p_adjusted")
    primary = primaries.row(0, named=True)
    guards = effects.filter(pl.col("role") == "guardrail")
    worse = guards.filter(pl.col("guardrail_status") == "worse")["metric"].to_list()
    unclear = guards.filter(pl.col("guardrail_status") == "unclear")["metric"].to_list()
    reasons = [describe_effect(primary, alpha)]
    guard_text = _guard_text(worse, unclear, guards.height)
    if guard_text:
        reasons.append(guard_text)
    if srm.blocked:
        reasons = [
            f"the split of units between arms is off (sample-ratio p = {srm.p_value:.1e}); "
            "find the cause (tracking, redirects, bots) before reading any effect"
        ] + reasons
        return _verdict("inconclusive", reasons, primary)
    reasons.append(f"sample ratio is fine (p = {srm.p_value:.2f})")
    smallest = min(arm_sizes.values())
    if planned_units_per_arm and smallest < planned_units_per_arm:
        return _interim(
            reasons, primary, over_time, planned_units_per_arm, smallest, days_seen, worse
        )
    if worse:
        return _verdict("do not ship", reasons, primary)
    missing = what_is_missing(primary)
    if missing:
        reasons.append(missing)
        return _verdict("inconclusive", reasons, primary)
    significant = primary["significant"]
    if significant and primary["effect"] > 0:
        return _verdict("ship", reasons, primary)
    if significant and primary["effect"] < 0:
        return _verdict("do not ship", reasons, primary)
    if mde is not None and primary["ci_high"] < mde and primary["ci_low"] > -mde:
        reasons.append("the interval rules out an effect as large as the minimum worth shipping")
        return _verdict("do not ship", reasons, primary)
    reasons.append("the planned sample is reached but the interval still includes no effect")
    return _verdict("inconclusive", reasons, primary)


def what_is_missing(row: dict) -> str:
    """Why an effects row cannot carry a verdict, in words; "" when it can.

    Examples
    --------
    >>> row = {"metric": "converted", "kind": "proportion", "control_value": 0.0,
    ...        "treatment_value": 0.0, "units_control": 100, "units_treatment": 100,
    ...        "p_value": float("nan"), "ci_low": -0.037, "ci_high": 0.037}
    >>> what_is_missing(row)
    'not enough conversions to judge: 0 in both groups (a rate test needs at least 5 in one group)'
    """
    if row["kind"] == "proportion":
        text = _too_few_events(row)
        if text:
            return text
    if not all(math.isfinite(row[k]) for k in ("p_value", "ci_low", "ci_high")):
        return (
            f"the {metric_name(row['metric'])} effect could not be computed (no variation "
            "in the data); no verdict can rest on it"
        )
    if row["ci_high"] - row["ci_low"] <= 0:
        return (
            f"the interval of {metric_name(row['metric'])} has zero width (every unit has "
            "the same value), which is no evidence either way"
        )
    return ""


def _too_few_events(row: dict) -> str:
    arms = ("control", "treatment")
    events = {a: round(row[f"{a}_value"] * row[f"units_{a}"]) for a in arms}
    non_events = {a: row[f"units_{a}"] - events[a] for a in arms}
    for counts, what in ((events, "conversions"), (non_events, "non-conversions")):
        if max(counts.values()) >= MIN_EVENTS:
            continue
        if counts["control"] == counts["treatment"]:
            found = f"{number(counts['control'])} in both groups"
        else:
            found = (
                f"{number(counts['control'])} in control and "
                f"{number(counts['treatment'])} in treatment"
            )
        return (
            f"not enough {what} to judge: {found} "
            f"(a rate test needs at least {MIN_EVENTS} in one group)"
        )
    return ""


def _interim(reasons, primary, over_time, planned, smallest, days_seen, worse) -> Verdict:
    arm_rows = (
        over_time.filter(pl.col("variant") == primary["variant"]) if over_time.height else over_time
    )
    if arm_rows.height:
        last = arm_rows.row(-1, named=True)
        if last["always_valid_low"] > 0 and not worse:
            reasons.append(
                "the always-valid interval already excludes zero, so stopping early is safe"
            )
            return _verdict("ship", reasons, primary)
        if last["always_valid_high"] < 0:
            reasons.append(
                "the always-valid interval already shows harm, so stopping early is safe"
            )
            return _verdict("do not ship", reasons, primary)
    days_left = None
    if days_seen:
        daily = smallest / days_seen
        days_left = math.ceil((planned - smallest) / daily)
    reasons.append(
        f"only {number(smallest)} of {number(planned)} planned units per arm so far"
        + (f"; about {days_left} more day(s) needed" if days_left is not None else "")
    )
    verdict = _verdict("keep running", reasons, primary)
    verdict.days_left = days_left
    return verdict


def _guard_text(worse: list[str], unclear: list[str], total: int) -> str:
    if not total:
        return ""
    if worse:
        return f"guardrail(s) got worse: {', '.join(worse)}"
    if unclear:
        return f"guardrail(s) not yet shown within the margin: {', '.join(unclear)}"
    return "no guardrail got worse"


def _verdict(decision: str, reasons: list[str], primary: dict) -> Verdict:
    return Verdict(decision, reasons, headline=f"Verdict: {decision} — {headline_effect(primary)}")
