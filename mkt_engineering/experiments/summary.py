"""The A/B report's answer first, and its effects table for people.

Rates change in percentage points ("+1.6 points"), averages in percent of control
("+14.3%"); money metrics carry the run's currency; p-values read "p < 0.001".

Examples
--------
>>> row = {"metric": "converted", "kind": "proportion", "effect": 0.0161, "lift": 0.168,
...        "ci_low": 0.0077, "ci_high": 0.0244}
>>> effect_text(row), interval_text(row)
('+1.6 points', '+0.8 to +2.4 points')
>>> row = {"metric": "revenue", "kind": "mean", "effect": 1.02, "lift": 0.143,
...        "ci_low": 0.05, "ci_high": 1.99}
>>> effect_text(row, currency="€"), interval_text(row, currency="€", language="de")
('+14.3% (+€1.02)', '+0,05 € bis +1,99 €')
"""

from __future__ import annotations

import math
import re
from typing import Any

import polars as pl

from mkt_engineering.answers import Card, Summary
from mkt_engineering.formatting import (
    Currency,
    Language,
    change,
    count,
    money,
    number,
    p_value,
    percent,
    points,
)

# Metric names that hold amounts of money (shown with the run's currency).
MONEY_NAMES = re.compile(r"revenue|umsatz|value|wert|spend|sales|amount|aov|arpu|basket", re.I)

DECISIONS = {
    "ship": ("Ship the change", "Änderung ausrollen"),
    "do not ship": ("Do not ship the change", "Änderung nicht ausrollen"),
    "keep running": ("Keep the test running", "Test weiterlaufen lassen"),
    "inconclusive": ("No decision yet", "Noch keine Entscheidung"),
}
ACTIONS = {
    "ship": (
        "Roll the change out to everyone and keep watching the guardrails.",
        "Die Änderung für alle ausrollen und die Leitplanken weiter beobachten.",
    ),
    "do not ship": (
        "Keep the control version; use the segments to choose the next test.",
        "Die Kontrollversion behalten; die Segmente helfen, den nächsten Test zu wählen.",
    ),
    "keep running": (
        "Let the test run until the planned sample is reached; do not stop it early.",
        "Den Test bis zur geplanten Stichprobe laufen lassen; nicht vorher abbrechen.",
    ),
    "inconclusive": (
        "Do not decide on this test; fix what the bullets name and test again.",
        "Auf Basis dieses Tests nicht entscheiden; das Genannte beheben und neu testen.",
    ),
}


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def is_money(metric: str, money_metrics: list[str] | None = None) -> bool:
    """Whether a metric is an amount of money (its name, or the list given).

    Examples
    --------
    >>> is_money("revenue"), is_money("orders/sessions"), is_money("x", ["x"])
    (True, False, True)
    """
    if money_metrics is not None:
        return metric in money_metrics
    return "/" not in metric and bool(MONEY_NAMES.search(metric))


def _amount(value: float, row: dict, currency, language: Language, signed=False) -> str:
    if currency is not None and is_money(row["metric"], row.get("_money")):
        return money(value, 2, currency, language, signed=signed)
    text = number(value, 4 if abs(value) < 0.1 else 2, language)
    return "+" + text if signed and value > 0 else text


def effect_text(
    row: dict[str, Any],
    language: Language = "en",
    currency: str | Currency | None = None,
    short: bool = False,
) -> str:
    """The change of one effects row: '+1.6 points' for rates, '+14.3% (+€1.02)' otherwise.

    ``short``: the German unit abbreviated ('+1,6 Pp.'), for a card's large value.
    """
    if row["kind"] == "proportion":
        return points(row["effect"], 1, language, signed=True, short=short)
    absolute = _amount(row["effect"], row, currency, language, signed=True)
    if row.get("lift") is None or not math.isfinite(row["lift"]):
        return absolute  # control value 0: no relative change exists
    return f"{change(row['lift'], 1, language)} ({absolute})"


def interval_text(
    row: dict[str, Any], language: Language = "en", currency: str | Currency | None = None
) -> str:
    """The interval of the change in the same unit as `effect_text` ('+0.8 to +2.4 points')."""
    word = _t(language, "to", "bis")
    if row["kind"] == "proportion":
        low = number(100 * row["ci_low"], 1, language)
        high = points(row["ci_high"], 1, language, signed=True)
        return f"{'+' if row['ci_low'] > 0 else ''}{low} {word} {high}"
    low, high = (_amount(row[k], row, currency, language, True) for k in ("ci_low", "ci_high"))
    return f"{low} {word} {high}"


def _value_text(value: float, row: dict, currency, language: Language) -> str:
    if row["kind"] == "proportion":
        return percent(value, 1, language)
    return _amount(value, row, currency, language)


def _effect_card(row: dict, currency, language: Language) -> Card:
    role = {
        "primary": _t(language, "primary", "primär"),
        "secondary": _t(language, "secondary", "sekundär"),
        "guardrail": _t(language, "guardrail", "Leitplanke"),
    }.get(row["role"], row["role"])
    treated = _value_text(row["treatment_value"], row, currency, language)
    control = _value_text(row["control_value"], row, currency, language)
    p = p_value(row.get("p_adjusted", row["p_value"]), language)
    return Card(
        f"{row['metric']} ({role})",
        effect_text(row, language, currency, short=True),  # "+1,6 Prozentpunkte" wrapped
        _t(language, f"{treated} vs {control} in control; {p}",
           f"{treated} ggü. {control} in der Kontrolle; {p}"),
        _t(language, "95% interval: ", "95-%-Intervall: ") + interval_text(row, language, currency),
    )  # fmt: skip


def _guardrail_card(guards: pl.DataFrame, language: Language) -> Card:
    worse = guards.filter(pl.col("guardrail_status") == "worse")["metric"].to_list()
    unclear = guards.filter(pl.col("guardrail_status") == "unclear")["metric"].to_list()
    if worse:
        value, names = _t(language, f"{len(worse)} worse", f"{len(worse)} schlechter"), worse
    elif unclear:
        value, names = _t(language, f"{len(unclear)} unclear", f"{len(unclear)} unklar"), unclear
    else:
        value = _t(language, "none worse", "keine schlechter")
        names = guards["metric"].to_list()
    return Card(_t(language, "Guardrails", "Leitplanken"), value, ", ".join(names))


def _srm_bullet(srm, language: Language) -> str:
    p = p_value(srm.p_value, language)
    if srm.blocked:
        return _t(
            language,
            f"The arms are not split as planned ({p}): tracking, redirects or bots changed one "
            "arm, so no effect can be trusted until the cause is found.",
            f"Die Gruppen sind nicht wie geplant aufgeteilt ({p}): Tracking, Weiterleitungen "
            "oder Bots haben eine Gruppe verändert; kein Effekt ist belastbar, bis die Ursache "
            "gefunden ist.",
        )
    return _t(
        language,
        f"The arms are split as planned ({p}); the assignment looks healthy.",
        f"Die Gruppen sind wie geplant aufgeteilt ({p}); die Zuteilung wirkt gesund.",
    )


def _effect_bullet(row: dict, currency, language: Language) -> str:
    significant = bool(row.get("significant"))
    verdict = (
        _t(language, "unlikely to be chance", "kaum Zufall")
        if significant
        else _t(language, "not distinguishable from chance", "nicht von Zufall zu unterscheiden")
    )
    return _t(
        language,
        f"{row['metric']} ({row['variant']}): {effect_text(row, language, currency)}, 95% "
        f"interval {interval_text(row, language, currency)}; {verdict}.",
        f"{row['metric']} ({row['variant']}): {effect_text(row, language, currency)}, "
        f"95-%-Intervall {interval_text(row, language, currency)}; {verdict}.",
    )


def _bayes_bullet(bayes: pl.DataFrame, language: Language) -> str | None:
    if bayes is None or bayes.is_empty() or "chance_to_win" not in bayes.columns:
        return None
    chance = bayes["chance_to_win"][0]
    if chance > 0.999:
        text = _t(language, "more than 99.9%", "mehr als 99,9 %")
    elif chance < 0.001:
        text = _t(language, "less than 0.1%", "weniger als 0,1 %")
    else:
        text = percent(chance, 1, language)
    return _t(
        language,
        f"Read as a chance, the treatment is better with {text} probability.",
        f"Als Wahrscheinlichkeit gelesen ist die Variante mit {text} besser.",
    )


def _rows(effects: pl.DataFrame, money_metrics: list[str] | None) -> list[dict]:
    return [{**row, "_money": money_metrics} for row in effects.iter_rows(named=True)]


def summarize(
    result: Any,
    *,
    currency: str | Currency | None = None,
    money_metrics: list[str] | None = None,
    language: Language = "en",
) -> Summary:
    """The A/B report's summary from an `analyze` (or `analyze_totals`) result.

    Parameters
    ----------
    result : AnalysisResult or None
        None when the variants could not be compared (the summary then says so).
    currency : str or Currency, optional
        The run's currency, for metrics that hold money.
    money_metrics : list of str, optional
        The metrics that hold money; default: by name (revenue, value, spend, ...).
    language : {"en", "de"}

    Returns
    -------
    Summary
        The decision and the primary effect as headline; primary, secondary and guardrail
        cards; the action the decision implies; bullets on effects, split and chance.

    Examples
    --------
    >>> summarize(None).headline
    'Not analysed: the data do not allow a comparison of the variants (see the report)'
    """
    if result is None:
        return Summary(
            _t(language,
               "Not analysed: the data do not allow a comparison of the variants (see the report)",
               "Nicht ausgewertet: die Daten erlauben keinen Vergleich der Varianten "
               "(siehe Bericht)"),
            (), _t(language, "Fix the data first: the report says what is missing.",
                   "Zuerst die Daten beheben: der Bericht nennt, was fehlt."), (),
        )  # fmt: skip
    rows = _rows(result.effects, money_metrics)
    primaries = sorted((r for r in rows if r["role"] == "primary"), key=lambda r: r["p_adjusted"])
    primary = primaries[0]
    decision = result.verdict.decision
    headline = (
        f"{DECISIONS[decision][language == 'de']}: {primary['metric']} "
        f"{effect_text(primary, language, currency)} ("
        + _t(language, "95% interval ", "95-%-Intervall ")
        + f"{interval_text(primary, language, currency)})"
    )
    secondaries = [r for r in rows if r["role"] == "secondary"]
    cards = [_effect_card(r, currency, language) for r in [primary, *secondaries][:3]]
    guards = result.effects.filter(pl.col("role") == "guardrail")
    if guards.height:
        cards = [*cards[:3], _guardrail_card(guards, language)]
    action = ACTIONS[decision][language == "de"]
    if decision == "keep running" and result.verdict.days_left:
        days = count(result.verdict.days_left, language)
        action += _t(language, f" About {days} more days.", f" Etwa {days} Tage noch.")
    bullets = [_effect_bullet(r, currency, language) for r in [primary, *secondaries][:2]]
    bullets.append(_srm_bullet(result.srm, language))
    bullets.append(_bayes_bullet(getattr(result, "bayes", None), language))
    bullets.append(
        _t(language, "Segments and metrics outside the plan are exploratory: ideas for the "
           "next test, not reasons for this decision.",
           "Segmente und Metriken außerhalb des Plans sind explorativ: Ideen für den nächsten "
           "Test, keine Gründe für diese Entscheidung.")
    )  # fmt: skip
    return Summary(headline, tuple(cards), action, tuple(b for b in bullets if b)[:5])


def effects_table(
    effects: pl.DataFrame,
    language: Language = "en",
    currency: str | Currency | None = None,
    money_metrics: list[str] | None = None,
) -> pl.DataFrame:
    """The effects as people read them: points for rates, percent and currency, p < 0.001.

    For display only; the saved ``effects`` table keeps every digit.

    Examples
    --------
    >>> effects = pl.DataFrame({"metric": ["converted"], "role": ["primary"],
    ...     "variant": ["treatment"], "kind": ["proportion"], "control_value": [0.0958],
    ...     "treatment_value": [0.1118], "effect": [0.0161], "ci_low": [0.0077],
    ...     "ci_high": [0.0244], "p_value": [0.00017], "p_adjusted": [0.00017],
    ...     "lift": [0.168], "guardrail_status": [None]})
    >>> effects_table(effects).row(0)[3:8]
    ('9.6%', '11.2%', '+1.6 points', '+0.8 to +2.4 points', 'p < 0.001')
    """
    names = {"en": ["Metric", "Role", "Variant", "Control", "Treatment", "Change",
                    "95% interval", "p (adjusted)", "Guardrail"],
             "de": ["Metrik", "Rolle", "Variante", "Kontrolle", "Variante B", "Änderung",
                    "95-%-Intervall", "p (korrigiert)", "Leitplanke"]}[language]  # fmt: skip
    table = [
        (
            r["metric"],
            r["role"],
            r["variant"],
            _value_text(r["control_value"], r, currency, language),
            _value_text(r["treatment_value"], r, currency, language),
            effect_text(r, language, currency),
            interval_text(r, language, currency),
            p_value(r["p_adjusted"], language),
            r["guardrail_status"] or "–",
        )
        for r in _rows(effects, money_metrics)
    ]
    return pl.DataFrame(table, schema=names, orient="row")
