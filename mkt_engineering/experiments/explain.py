"""Plain-language readings of experiment results, one sentence per number, in English or
German (``language="de"``).

Examples
--------
>>> from textwrap import fill
>>> print(fill(explain_sample_size(1094, baseline=0.20, mde=0.05), 90))
To detect a change from 20.0% to 25.0% with 80% power at a 5% false-alarm rate, the test
needs 1,094 units in each arm.
>>> print(fill(explain_sample_size(1094, baseline=0.20, mde=0.05, language="de"), 90))
Um eine Änderung von 20,0 % auf 25,0 % mit 80 % Teststärke bei 5 % Fehlalarmrate zu
erkennen, braucht der Test 1.094 Einheiten je Variante.
"""

from __future__ import annotations

import math

import polars as pl

from mkt_engineering.experiments.checks import SrmResult
from mkt_engineering.experiments.verdict import describe_effect, what_is_missing
from mkt_engineering.text import Language, markdown_literal, number, percent


def _pick(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def explain_sample_size(
    n: int,
    *,
    baseline: float,
    mde: float,
    power: float = 0.8,
    alpha: float = 0.05,
    language: Language = "en",
) -> str:
    """How to read a sample size.

    Parameters
    ----------
    n : int
        Units per arm, from `design.sample_size`.
    baseline, mde, power, alpha : float
        What the sample size was computed for.
    language : {"en", "de"}

    Returns
    -------
    str
        One sentence (printed above across two lines).
    """
    before, after = (percent(r, language=language) for r in (baseline, baseline + mde))
    power_text, alpha_text = (percent(v, 0, language) for v in (power, alpha))
    units = number(n, language=language)
    return _pick(
        language,
        f"To detect a change from {before} to {after} with {power_text} power at a "
        f"{alpha_text} false-alarm rate, the test needs {units} units in each arm.",
        f"Um eine Änderung von {before} auf {after} mit {power_text} Teststärke bei "
        f"{alpha_text} Fehlalarmrate zu erkennen, braucht der Test {units} Einheiten je "
        "Variante.",
    )


def explain_effect(row: dict, alpha: float = 0.05, language: Language = "en") -> str:
    """One effects row: what changed, how sure, and whether it counts.

    Parameters
    ----------
    row : dict
        One row of ``analyze(...).effects``.
    alpha : float
        The plan's level.
    language : {"en", "de"}

    Returns
    -------
    str
        Markdown; the metric name is escaped (it comes from the user's column).

    Examples
    --------
    >>> row = {"metric": "converted", "role": "primary", "kind": "proportion",
    ...        "effect": 0.018, "ci_low": 0.006, "ci_high": 0.03, "lift": 0.15,
    ...        "control_value": 0.1, "treatment_value": 0.118, "units_control": 5000,
    ...        "units_treatment": 5000, "p_value": 0.003, "p_adjusted": 0.003,
    ...        "significant": True, "correction": "holm"}
    >>> from textwrap import fill
    >>> print(fill(explain_effect(row, language="de"), 90))
    Converted stieg um 1,8 Prozentpunkte, 95-%-Intervall 0,6 bis 3,0 Prozentpunkte. Das
    Intervall schließt null aus; die Änderung ist also kaum Zufall.
    """
    # Markdown-literal: the metric name comes from the user's column. Only the first letter is
    # raised (str.capitalize would lower the rest: "ARPU" -> "Arpu").
    described = describe_effect(row, alpha, language)
    text = markdown_literal(described[:1].upper() + described[1:] + ".")
    if row["role"] == "exploratory":
        return text + _pick(
            language,
            " This metric was not in the plan, so treat it as a hint for the next test, not a "
            "result.",
            " Diese Metrik stand nicht im Plan: ein Hinweis für den nächsten Test, kein Ergebnis.",
        )
    missing = what_is_missing(row, language)
    if missing:
        return f"{text} {markdown_literal(missing[0].upper() + missing[1:])}."
    if row["significant"]:
        text += _pick(
            language,
            " The interval excludes zero, so the change is unlikely to be chance",
            " Das Intervall schließt null aus; die Änderung ist also kaum Zufall",
        )
    else:
        text += _pick(
            language,
            " The interval includes zero, so the data cannot tell this change from chance",
            " Das Intervall schließt null ein; die Daten können diese Änderung nicht vom "
            "Zufall unterscheiden",
        )
    corrected = row.get("correction") not in (None, "none")
    if corrected and math.isfinite(row["p_value"]) and row["p_adjusted"] != row["p_value"]:
        text += _pick(
            language,
            f" (after correcting for {row['correction']} multiple comparisons)",
            f" (nach Korrektur für mehrere Vergleiche, {row['correction']})",
        )
    return text + "."


def explain_srm(srm: SrmResult, language: Language = "en") -> str:
    """How to read the sample-ratio check.

    Parameters
    ----------
    srm : SrmResult
        From `checks.srm_test` or ``analyze(...).srm``.
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> from mkt_engineering.experiments.checks import srm_test
    >>> from textwrap import fill
    >>> srm = srm_test({"control": 5000, "treatment": 5040})
    >>> print(fill(explain_srm(srm, language="de"), 90))
    Die Varianten sind wie geplant aufgeteilt (größte Abweichung 0,20 %, p = 0,69); die
    Zuteilung sieht gesund aus.
    """
    if srm.blocked:
        p_value = f"{srm.p_value:.1e}"
        return _pick(
            language,
            f"The arms are not split as planned (p = {p_value}). Something removed or added "
            "units in one arm (tracking, redirects, bots); the effects below cannot be trusted "
            "until the cause is found.",
            f"Die Varianten sind nicht wie geplant aufgeteilt (p = {p_value.replace('.', ',')})."
            " Etwas hat in einer Variante Einheiten entfernt oder hinzugefügt (Tracking, "
            "Weiterleitungen, Bots); den Effekten unten ist nicht zu trauen, bis die Ursache "
            "gefunden ist.",
        )
    deviation = percent(srm.max_deviation, 2, language)
    p_value = number(srm.p_value, 2, language)
    return _pick(
        language,
        f"The arms are split as planned (largest deviation {deviation}, p = {p_value}); "
        "assignment looks healthy.",
        f"Die Varianten sind wie geplant aufgeteilt (größte Abweichung {deviation}, "
        f"p = {p_value}); die Zuteilung sieht gesund aus.",
    )


def explain_balance(balance: pl.DataFrame, language: Language = "en") -> str:
    """How to read the pre-period balance.

    Parameters
    ----------
    balance : DataFrame
        ``analyze(...).balance``, with ``standardized_difference``.
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> from textwrap import fill
    >>> balance = pl.DataFrame({"standardized_difference": [0.02, -0.04]})
    >>> print(fill(explain_balance(balance), 90))
    Before the test the arms differed by at most 0.040 standard deviations on the pre-period
    data: well balanced. Units without pre-period data are kept and flagged, not dropped.
    """
    if balance.is_empty():
        return _pick(
            language,
            "No pre-period covariates were given, so balance was not checked.",
            "Es wurden keine Vorperioden-Kovariaten angegeben; die Balance wurde nicht geprüft.",
        )
    worst = balance["standardized_difference"].abs().max()
    if worst < 0.1:
        verdict = _pick(language, "well balanced", "gut ausbalanciert")
    else:
        verdict = _pick(
            language,
            "less balanced than randomization usually gives; check the assignment",
            "weniger ausgewogen, als Zufallszuteilung es meist ergibt; die Zuteilung prüfen",
        )
    worst_text = number(worst, 3, language)
    return _pick(
        language,
        f"Before the test the arms differed by at most {worst_text} standard deviations on "
        f"the pre-period data: {verdict}. Units without pre-period data are kept and flagged, "
        "not dropped.",
        f"Vor dem Test unterschieden sich die Varianten in den Vorperioden-Daten um höchstens "
        f"{worst_text} Standardabweichungen: {verdict}. Einheiten ohne Vorperioden-Daten "
        "bleiben drin und werden markiert, nicht entfernt.",
    )


def explain_cuped(effects: pl.DataFrame, language: Language = "en") -> str:
    """How much the pre-period data sharpened the estimates.

    Parameters
    ----------
    effects : DataFrame
        ``analyze(...).effects``, with ``variance_reduction``.
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> effects = pl.DataFrame({"metric": ["revenue"], "variance_reduction": [0.31]})
    >>> explain_cuped(effects, language="de").split(": ")[1].split(".")[0]
    'die Varianz sank für revenue um 31,0 %'
    """
    rows = effects.filter(pl.col("variance_reduction").is_not_null())
    if rows.is_empty():
        return _pick(
            language,
            "No pre-period adjustment (CUPED) was used.",
            "Es wurde keine Vorperioden-Anpassung (CUPED) verwendet.",
        )
    by = _pick(language, "by", "um")
    parts = ", ".join(
        f"{markdown_literal(r['metric'])} {by} "
        f"{percent(max(r['variance_reduction'], 0.0), language=language)}"
        for r in rows.iter_rows(named=True)
    )
    return _pick(
        language,
        "Using what each unit did before the test (CUPED) removed noise from the estimates: "
        f"the variance fell for {parts}. Less noise means narrower intervals for the same "
        "traffic.",
        "Was jede Einheit vor dem Test tat (CUPED), nahm Rauschen aus den Schätzungen: die "
        f"Varianz sank für {parts}. Weniger Rauschen heißt engere Intervalle bei gleichem "
        "Traffic.",
    )


def explain_bayes(
    bayes: pl.DataFrame,
    rule_error_rates: dict[str, float] | None = None,
    language: Language = "en",
) -> str:
    """Chance to win and expected loss, with the rule's frequentist error rate beside it.

    Parameters
    ----------
    bayes : DataFrame
        ``analyze(...).bayes`` (its first row is read).
    rule_error_rates : dict, optional
        ``"once"`` and ``"daily"``: how often "ship at 95% chance to win" fires in A/A
        tests (from `simulate.simulate_aa`).
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> bayes = pl.DataFrame({"chance_to_win": [0.97], "expected_loss": [0.0002]})
    >>> from textwrap import fill
    >>> print(fill(explain_bayes(bayes, language="de"), 90))
    Nach den Daten ist die Testvariante mit 97,0 % Wahrscheinlichkeit besser. Wer sie ausrollt
    und sie ist doch schlechter, verliert im Mittel 0,0002 auf der Metrik.
    """
    row = bayes.row(0, named=True)
    chance = row["chance_to_win"]
    if chance > 0.999:
        chance_text = _pick(language, "more than 99.9%", "mehr als 99,9 %")
    elif chance < 0.001:
        chance_text = _pick(language, "less than 0.1%", "weniger als 0,1 %")
    else:
        chance_text = percent(chance, language=language)
    loss = row["expected_loss"]
    if loss < 1e-5:
        loss_text = _pick(
            language,
            "practically nothing (less than 0.00001)",
            "praktisch nichts (weniger als 0,00001)",
        )
    else:
        loss_text = f"{loss:.5g}".replace(".", "," if language == "de" else ".")
    text = _pick(
        language,
        f"Given the data, the treatment has a {chance_text} chance of being better. If you "
        f"ship it and it is in fact worse, you lose on average {loss_text} on the metric.",
        f"Nach den Daten ist die Testvariante mit {chance_text} Wahrscheinlichkeit besser. "
        f"Wer sie ausrollt und sie ist doch schlechter, verliert im Mittel {loss_text} auf "
        "der Metrik.",
    )
    if rule_error_rates:
        once, daily = (percent(rule_error_rates[k], language=language) for k in ("once", "daily"))
        text += _pick(
            language,
            f" Beware: the rule 'ship at 95% chance to win' declares a winner in {once} of "
            f"tests without any effect when read once, and in {daily} when read every day.",
            f" Vorsicht: Die Regel „ausrollen ab 95 % Gewinnchance“ erklärt in {once} der "
            f"Tests ohne jeden Effekt einen Gewinner, wenn einmal gelesen wird, und in {daily}, "
            "wenn täglich gelesen wird.",
        )
    return text


def explain_sequential(over_time: pl.DataFrame, language: Language = "en") -> str:
    """How to read the cumulative chart.

    Parameters
    ----------
    over_time : DataFrame
        ``analyze(...).over_time`` (its last row is read).
    language : {"en", "de"}

    Returns
    -------
    str

    Examples
    --------
    >>> print(explain_sequential(pl.DataFrame(), language="de"))
    Es wurde keine Tagesspalte angegeben; der Verlauf des Effekts wird nicht gezeigt.
    """
    if over_time.is_empty():
        return _pick(
            language,
            "No day column was given, so the effect over time is not shown.",
            "Es wurde keine Tagesspalte angegeben; der Verlauf des Effekts wird nicht gezeigt.",
        )
    last = over_time.row(-1, named=True)
    units = number(last["units_per_arm"], language=language)
    bounds = (last["always_valid_low"], last["always_valid_high"])
    if not all(math.isfinite(b) for b in bounds):
        return _pick(
            language,
            f"After {units} units per arm the always-valid interval cannot be computed: the "
            "metric has not varied yet (for a rate: no conversions), so the view over time "
            "says nothing either way.",
            f"Nach {units} Einheiten je Variante lässt sich das immer gültige Intervall nicht "
            "berechnen: die Metrik hat noch nicht gestreut (bei einer Rate: keine "
            "Konversionen), der Verlauf sagt also weder dafür noch dagegen etwas.",
        )
    low, high = (number(b, 4, language) for b in bounds)
    inside = bounds[0] <= 0 <= bounds[1]
    if language == "de":
        reading = (
            "es schließt null noch ein; ein früher Blick hätte kein Stoppen gerechtfertigt."
            if inside
            else "es schließt null aus, und diese Lesart gilt, wie oft auch immer die "
            "Ergebnisse angesehen wurden."
        )
        return (
            f"Nach {units} Einheiten je Variante reicht das immer gültige Intervall von {low} "
            f"bis {high}; {reading}"
        )
    reading = (
        "still includes zero, so looking early would not have justified stopping."
        if inside
        else "excludes zero, and this reading stays valid however often the results were checked."
    )
    return (
        f"After {units} units per arm the always-valid interval runs from {low} to {high}; "
        f"it {reading}"
    )


def verdict_markdown(verdict, heading: str = "**", language: Language = "en") -> str:
    """The verdict's headline and reasons as Markdown, with metric names as literal text.

    Metric and variant names come from the user's columns, so every reason is escaped with
    :func:`~mkt_engineering.text.markdown_literal` (a metric named like a link stays text).

    Parameters
    ----------
    verdict : Verdict
        From ``analyze(...).verdict``.
    heading : str
        ``"**"`` for a bold first line, ``"###"`` for a heading.
    language : {"en", "de"}
        The verdict's language (a verdict from `analyze` carries German too).

    Returns
    -------
    str
        The headline, then one list item per reason.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> v = SimpleNamespace(headline="Verdict: ship", reasons=["[x](https://e.example) rose"])
    >>> print(verdict_markdown(v))
    **Verdict: ship**
    <BLANKLINE>
    - \\[x\\](https://e.example) rose
    """
    if hasattr(verdict, "in_language"):
        verdict = verdict.in_language(language)
    title = markdown_literal(verdict.headline)
    first = f"### {title}" if heading == "###" else f"**{title}**"
    return "\n".join([first, ""] + [f"- {markdown_literal(reason)}" for reason in verdict.reasons])


def explain_analysis(result, language: Language = "en") -> str:
    """The verdict and the reading of each part of an `analyze` result, as Markdown.

    Parameters
    ----------
    result : AnalysisResult
        From `analyze` or `analyze_totals`.
    language : {"en", "de"}

    Returns
    -------
    str
        The verdict, the trust checks, CUPED and one line per effect.

    Examples
    --------
    >>> from mkt_engineering.experiments import AnalysisPlan, analyze
    >>> from mkt_engineering.synthetic.experiment import generate
    >>> result = analyze(generate(scale=0.2).tables["experiment"], AnalysisPlan("converted"))
    >>> explain_analysis(result, language="de").splitlines()[0].split(" — ")[0]
    '**Urteil: nicht eindeutig'
    """
    alpha = (result.settings or {}).get("alpha", 0.05)
    lines = [verdict_markdown(result.verdict, language=language)]
    lines += [
        "",
        explain_srm(result.srm, language),
        explain_balance(result.balance, language),
        explain_cuped(result.effects, language),
    ]
    lines += [explain_effect(r, alpha, language) for r in result.effects.iter_rows(named=True)]
    return "\n".join(lines)


def explain_segments(segments: pl.DataFrame, alpha: float = 0.05, language: Language = "en") -> str:
    """One Markdown line per segment column: does the effect differ between its groups?

    Parameters
    ----------
    segments : polars.DataFrame
        ``analyze(...).segments``, with ``segment`` and ``interaction_p_value``.
    alpha : float
        The level below which a difference between groups is called out.
    language : {"en", "de"}

    Returns
    -------
    str
        One list item per segment column; a p-value that cannot be computed (fewer than two
        groups with conversions) is said so, never printed as "nan".

    Examples
    --------
    >>> frame = pl.DataFrame({"segment": ["device", "country"],
    ...                       "interaction_p_value": [0.01, float("nan")]})
    >>> for line in explain_segments(frame).splitlines():  # doctest: +ELLIPSIS
    ...     print(line.split(": ", 1)[1])
    interaction p = 0.01; the effect seems to differ between the groups (exploratory, check...
    no interaction p-value: fewer than two of its groups have the variation a test needs.
    >>> print(explain_segments(frame[:1], language="de"))  # doctest: +ELLIPSIS
    - **device**: Interaktions-p = 0,01; der Effekt scheint sich zwischen den Gruppen zu...
    """
    lines = []
    for name, part in segments.group_by("segment", maintain_order=True):
        label = f"- **{markdown_literal(name[0])}**"
        p = part["interaction_p_value"][0]
        if p is None or not math.isfinite(p):
            text = _pick(
                language,
                "no interaction p-value: fewer than two of its groups have the variation a "
                "test needs.",
                "kein Interaktions-p-Wert: weniger als zwei ihrer Gruppen haben die Streuung, "
                "die ein Test braucht.",
            )
        elif p < alpha:
            text = _pick(
                language,
                f"interaction p = {p:.2f}; the effect seems to differ between the groups "
                "(exploratory, check in a new test).",
                f"Interaktions-p = {number(p, 2, language)}; der Effekt scheint sich zwischen "
                "den Gruppen zu unterscheiden (explorativ, in einem neuen Test prüfen).",
            )
        else:
            text = _pick(
                language,
                f"interaction p = {p:.2f}; no sign the effect differs between the groups.",
                f"Interaktions-p = {number(p, 2, language)}; kein Zeichen, dass sich der "
                "Effekt zwischen den Gruppen unterscheidet.",
            )
        lines.append(f"{label}: {text}")
    return "\n".join(lines)
