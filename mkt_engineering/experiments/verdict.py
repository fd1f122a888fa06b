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
from mkt_engineering.text import Language, number, percent, points

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
        "ship", "do not ship", "keep running" or "inconclusive" (the same in every
        language: it is what code and tables compare).
    reasons : list of str
        The reasons, the primary effect first.
    days_left : int, optional
        Expected days until the planned sample (for "keep running").
    headline : str
        One line for the report and the index.
    translations : dict
        Language -> the same verdict with its headline and reasons in that language
        (`decide` fills in German); read it with `in_language`.
    """

    decision: str
    reasons: list[str] = field(default_factory=list)
    days_left: int | None = None
    headline: str = ""
    translations: dict[str, Verdict] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        return f"{self.headline}\n" + "\n".join(f"- {r}" for r in self.reasons)

    def in_language(self, language: Language = "en") -> Verdict:
        """This verdict with its headline and reasons in `language` ("en" or "de").

        A verdict without a translation into `language` comes back as it is.
        """
        return self.translations.get(language, self)

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


DECISIONS_DE = {
    "ship": "ausrollen",
    "do not ship": "nicht ausrollen",
    "keep running": "weiterlaufen lassen",
    "inconclusive": "nicht eindeutig",
}


def _pick(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def describe_effect(row: dict, alpha: float = 0.05, language: Language = "en") -> str:
    """'conversion rose by 1.8 points, 95% interval 0.6 to 3.0' for one effects row.

    Parameters
    ----------
    row : dict
        One row of ``analyze(...).effects``.
    alpha : float
        1 - the interval's level.
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"metric": "converted", "kind": "proportion", "effect": 0.018,
    ...        "ci_low": 0.006, "ci_high": 0.03, "lift": 0.15}
    >>> describe_effect(row, language="de")
    'converted stieg um 1,8 Prozentpunkte, 95-%-Intervall 0,6 bis 3,0 Prozentpunkte'
    """
    level = f"{100 * (1 - alpha):.0f}"
    name = metric_name(row["metric"], language)
    effect = row["effect"]
    if language == "de":
        direction = "stieg" if effect > 0 else "fiel" if effect < 0 else "änderte sich"
    else:
        direction = "rose" if effect > 0 else "fell" if effect < 0 else "changed"
    unit = _pick(language, "points", "Prozentpunkte")
    if row["kind"] == "proportion":
        size = points(abs(effect), language=language)
        low, high = (number(100 * row[k], 1, language) for k in ("ci_low", "ci_high"))
        interval = _pick(language, f"{low} to {high} {unit}", f"{low} bis {high} {unit}")
    else:
        decimals = 4 if abs(effect) < 0.1 else 2
        size = number(abs(effect), decimals, language)
        if math.isfinite(row["lift"]):  # no lift when the control value is 0
            size += f" ({percent(abs(row['lift']), language=language)})"
        low, high = (number(row[k], decimals, language) for k in ("ci_low", "ci_high"))
        interval = _pick(language, f"{low} to {high}", f"{low} bis {high}")
    if language == "de":
        return f"{name} {direction} um {size}, {level}-%-Intervall {interval}"
    return f"{name} {direction} by {size}, {level}% interval {interval}"


def metric_name(metric: str, language: Language = "en") -> str:
    """'orders/sessions' -> 'orders per session' ('orders je session' in German).

    Parameters
    ----------
    metric : str
        A metric as declared (``"a/b"`` for a ratio).
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> metric_name("orders/sessions")
    'orders per session'
    """
    if "/" not in metric:
        return metric
    numerator, denominator = metric.split("/")
    return f"{numerator} {_pick(language, 'per', 'je')} {denominator.removesuffix('s')}"


def headline_effect(row: dict, language: Language = "en") -> str:
    """Short signed effect for the headline: 'converted +1.8 points' or 'revenue +4.2%'.

    Parameters
    ----------
    row : dict
        One row of ``analyze(...).effects``.
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> headline_effect({"metric": "converted", "kind": "proportion", "effect": 0.018})
    'converted +1.8 points'
    """
    sign = "+" if row["effect"] >= 0 else "−"
    if row["kind"] == "proportion":
        return f"{row['metric']} {sign}{points(abs(row['effect']), language=language)}"
    if not math.isfinite(row["lift"]):  # control value 0: no relative change exists
        return f"{row['metric']} {sign}{number(abs(row['effect']), 2, language)}"
    return f"{row['metric']} {sign}{percent(abs(row['lift']), language=language)}"


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
    """Apply the rule of the module docstring, in English with a German translation.

    Parameters
    ----------
    effects : DataFrame
        ``analyze``'s effects, corrected and with guardrail status.
    srm : SrmResult
        The sample-ratio check.
    over_time : DataFrame
        The cumulative view with always-valid bounds (empty without a day column).
    alpha : float
        The plan's level.
    mde : float, optional
        Minimum effect worth shipping (absolute).
    planned_units_per_arm : int, optional
        The planned sample; below it the test keeps running.
    arm_sizes : dict
        Units per arm.
    days_seen : int, optional
        Distinct assignment days, for the days left.

    Returns
    -------
    Verdict
        In English; ``verdict.in_language("de")`` gives the German one.
    """
    settings = dict(
        alpha=alpha,
        mde=mde,
        planned=planned_units_per_arm,
        smallest=min(arm_sizes.values()),
        days_seen=days_seen,
    )
    verdict = _decide(effects, srm, over_time, language="en", **settings)
    verdict.translations["de"] = _decide(effects, srm, over_time, language="de", **settings)
    return verdict


def _decide(effects, srm, over_time, *, language, alpha, mde, planned, smallest, days_seen):
    primaries = effects.filter(pl.col("role") == "primary").sort("p_adjusted")
    primary = primaries.row(0, named=True)
    guards = effects.filter(pl.col("role") == "guardrail")
    worse = guards.filter(pl.col("guardrail_status") == "worse")["metric"].to_list()
    unclear = guards.filter(pl.col("guardrail_status") == "unclear")["metric"].to_list()
    reasons = [describe_effect(primary, alpha, language)]
    guard_text = _guard_text(worse, unclear, guards.height, language)
    if guard_text:
        reasons.append(guard_text)
    if srm.blocked:
        p_value = _scientific(srm.p_value, language)
        reasons = [
            _pick(
                language,
                f"the split of units between arms is off (sample-ratio p = {p_value}); "
                "find the cause (tracking, redirects, bots) before reading any effect",
                f"die Aufteilung der Einheiten auf die Varianten stimmt nicht "
                f"(Stichprobenverhältnis-Fehler, p = {p_value}); erst die Ursache finden "
                "(Tracking, Weiterleitungen, Bots), dann Effekte lesen",
            )
        ] + reasons
        return _verdict("inconclusive", reasons, primary, language)
    p_value = number(srm.p_value, 2, language)
    reasons.append(
        _pick(
            language,
            f"sample ratio is fine (p = {p_value})",
            f"Stichprobenverhältnis in Ordnung (p = {p_value})",
        )
    )
    if planned and smallest < planned:
        return _interim(reasons, primary, over_time, planned, smallest, days_seen, worse, language)
    if worse:
        return _verdict("do not ship", reasons, primary, language)
    missing = what_is_missing(primary, language)
    if missing:
        reasons.append(missing)
        return _verdict("inconclusive", reasons, primary, language)
    significant = primary["significant"]
    if significant and primary["effect"] > 0:
        return _verdict("ship", reasons, primary, language)
    if significant and primary["effect"] < 0:
        return _verdict("do not ship", reasons, primary, language)
    if mde is not None and primary["ci_high"] < mde and primary["ci_low"] > -mde:
        reasons.append(
            _pick(
                language,
                "the interval rules out an effect as large as the minimum worth shipping",
                "das Intervall schließt einen Effekt von der Größe aus, die sich lohnen würde",
            )
        )
        return _verdict("do not ship", reasons, primary, language)
    reasons.append(
        _pick(
            language,
            "the planned sample is reached but the interval still includes no effect",
            "die geplante Stichprobe ist erreicht, aber das Intervall schließt keinen Effekt aus",
        )
    )
    return _verdict("inconclusive", reasons, primary, language)


def _scientific(value: float, language: Language) -> str:
    text = f"{value:.1e}"
    return text.replace(".", ",") if language == "de" else text


def what_is_missing(row: dict, language: Language = "en") -> str:
    """Why an effects row cannot carry a verdict, in words; "" when it can.

    Parameters
    ----------
    row : dict
        One row of ``analyze(...).effects``.
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"metric": "converted", "kind": "proportion", "control_value": 0.0,
    ...        "treatment_value": 0.0, "units_control": 100, "units_treatment": 100,
    ...        "p_value": float("nan"), "ci_low": -0.037, "ci_high": 0.037}
    >>> what_is_missing(row)
    'not enough conversions to judge: 0 in both groups (a rate test needs at least 5 in one group)'
    >>> what_is_missing(row, language="de").split(":")[0]
    'zu wenige Konversionen für ein Urteil'
    """
    if row["kind"] == "proportion":
        text = _too_few_events(row, language)
        if text:
            return text
    name = metric_name(row["metric"], language)
    if not all(math.isfinite(row[k]) for k in ("p_value", "ci_low", "ci_high")):
        return _pick(
            language,
            f"the {name} effect could not be computed (no variation in the data); no verdict "
            "can rest on it",
            f"der Effekt auf {name} ließ sich nicht berechnen (keine Streuung in den Daten); "
            "darauf kann kein Urteil beruhen",
        )
    if row["ci_high"] - row["ci_low"] <= 0:
        return _pick(
            language,
            f"the interval of {name} has zero width (every unit has the same value), which is "
            "no evidence either way",
            f"das Intervall von {name} hat die Breite null (jede Einheit hat denselben Wert) "
            "und spricht weder dafür noch dagegen",
        )
    return ""


def _too_few_events(row: dict, language: Language) -> str:
    arms = ("control", "treatment")
    events = {a: round(row[f"{a}_value"] * row[f"units_{a}"]) for a in arms}
    non_events = {a: row[f"units_{a}"] - events[a] for a in arms}
    words = {
        "conversions": _pick(language, "conversions", "Konversionen"),
        "non-conversions": _pick(language, "non-conversions", "Nicht-Konversionen"),
    }
    for counts, what in ((events, "conversions"), (non_events, "non-conversions")):
        if max(counts.values()) >= MIN_EVENTS:
            continue
        control, treatment = (number(counts[a], language=language) for a in arms)
        if counts["control"] == counts["treatment"]:
            found = _pick(language, f"{control} in both groups", f"{control} in beiden Gruppen")
        else:
            found = _pick(
                language,
                f"{control} in control and {treatment} in treatment",
                f"{control} in der Kontrollgruppe und {treatment} in der Testgruppe",
            )
        return _pick(
            language,
            f"not enough {words[what]} to judge: {found} "
            f"(a rate test needs at least {MIN_EVENTS} in one group)",
            f"zu wenige {words[what]} für ein Urteil: {found} "
            f"(ein Ratentest braucht mindestens {MIN_EVENTS} in einer Gruppe)",
        )
    return ""


def _interim(reasons, primary, over_time, planned, smallest, days_seen, worse, language):
    arm_rows = (
        over_time.filter(pl.col("variant") == primary["variant"]) if over_time.height else over_time
    )
    if arm_rows.height:
        last = arm_rows.row(-1, named=True)
        if last["always_valid_low"] > 0 and not worse:
            reasons.append(
                _pick(
                    language,
                    "the always-valid interval already excludes zero, so stopping early is safe",
                    "das immer gültige Intervall schließt null schon aus; früh zu stoppen ist "
                    "sicher",
                )
            )
            return _verdict("ship", reasons, primary, language)
        if last["always_valid_high"] < 0:
            reasons.append(
                _pick(
                    language,
                    "the always-valid interval already shows harm, so stopping early is safe",
                    "das immer gültige Intervall zeigt schon einen Schaden; früh zu stoppen ist "
                    "sicher",
                )
            )
            return _verdict("do not ship", reasons, primary, language)
    days_left = None
    if days_seen:
        daily = smallest / days_seen
        days_left = math.ceil((planned - smallest) / daily)
    so_far, total = number(smallest, language=language), number(planned, language=language)
    if language == "de":
        text = f"erst {so_far} von {total} geplanten Einheiten je Variante"
        text += f"; etwa {days_left} weitere Tag(e) nötig" if days_left is not None else ""
    else:
        text = f"only {so_far} of {total} planned units per arm so far"
        text += f"; about {days_left} more day(s) needed" if days_left is not None else ""
    reasons.append(text)
    verdict = _verdict("keep running", reasons, primary, language)
    verdict.days_left = days_left
    return verdict


def _guard_text(worse: list[str], unclear: list[str], total: int, language: Language) -> str:
    if not total:
        return ""
    if worse:
        return _pick(
            language,
            f"guardrail(s) got worse: {', '.join(worse)}",
            f"Leitplanke(n) verschlechtert: {', '.join(worse)}",
        )
    if unclear:
        return _pick(
            language,
            f"guardrail(s) not yet shown within the margin: {', '.join(unclear)}",
            f"Leitplanke(n) noch nicht sicher innerhalb der Toleranz: {', '.join(unclear)}",
        )
    return _pick(language, "no guardrail got worse", "keine Leitplanke hat sich verschlechtert")


def _verdict(decision: str, reasons: list[str], primary: dict, language: Language) -> Verdict:
    effect = headline_effect(primary, language)
    if language == "de":
        return Verdict(decision, reasons, headline=f"Urteil: {DECISIONS_DE[decision]} — {effect}")
    return Verdict(decision, reasons, headline=f"Verdict: {decision} — {effect}")
