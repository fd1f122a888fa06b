"""Plain-language readings of the nurture results, in English or German.

Each function takes the frame (or model) of one analysis and returns one or a few
sentences a marketer can read without the table.

Examples
--------
>>> headline(23.4, 60)
'Median 23 days to MQL; hand over at score ≥ 60'
>>> headline(None, None)
'Fewer than half of the leads reach MQL; no handoff threshold stands out'
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.text import Language, markdown_literal, number, percent, points

OBSERVATIONAL_DE = (
    "Dies ist ein Beobachtungsvergleich: Niemand hat zufällig entschieden, wann der Vertrieb "
    "anrief, daher kann ein Teil des Unterschieds daher kommen, wie sich die Leads "
    "unterschieden. Nur ein Test (zum Beispiel die Hälfte der frühen Anrufe zurückzuhalten) "
    "kann den Effekt belegen."
)

# The fixed words of the analyses' frames (never user data), in German.
CAUSES_DE = {
    "qualified": "qualifiziert",
    "unsubscribed": "abgemeldet",
    "disqualified": "disqualifiziert",
    "fast_lane": "Fast Lane",
    "early_sales_contact": "früher Vertriebskontakt",
    "won_offline": "offline gewonnen",
}
REASONS_DE = {
    "no e-mail address": "keine E-Mail-Adresse",
    "persona not targeted": "Persona nicht angesprochen",
    "below the MQL score": "unter dem MQL-Score",
}
WEEKDAYS_DE = {
    "Mon": "Montag",
    "Tue": "Dienstag",
    "Wed": "Mittwoch",
    "Thu": "Donnerstag",
    "Fri": "Freitag",
    "Sat": "Samstag",
    "Sun": "Sonntag",
}

OBSERVATIONAL = (
    "This is an observational comparison: nobody decided at random when sales called, so part "
    "of the difference may come from how the leads differed. Only a test (for example, holding "
    "back half of the early calls) can prove the effect."
)


def headline(median_days: float | None, threshold: float | None) -> str:
    """The one line for the reports index.

    `median_days` is the median time to MQL of the leads that qualify (e.g. the cure
    model's latency median); `threshold` the recommended handoff score.
    """
    first = (
        f"Median {number(median_days)} days to MQL"
        if median_days is not None
        else "Fewer than half of the leads reach MQL"
    )
    second = (
        f"hand over at score ≥ {number(threshold)}"
        if threshold is not None
        else "no handoff threshold stands out"
    )
    return f"{first}; {second}"


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def _comma(label: str) -> str:
    """A bin label such as ``1.5–2.5`` with German decimal commas."""
    return label.replace(".", ",")


def explain_time_to_qualify(
    median_days: float | None,
    share_by: dict[float, float],
    *,
    naive_mean: float | None = None,
    median_of_qualifiers: float | None = None,
    language: Language = "en",
) -> str:
    """Median time to MQL from the Kaplan-Meier curve, and shares qualified by given days.

    Parameters
    ----------
    median_days : float or None
        The Kaplan-Meier median time to MQL of all leads; None when fewer than half qualify.
    share_by : dict of float to float
        Day -> share of the leads qualified by then.
    naive_mean : float, optional
        The plain average days of the qualified leads alone, to contrast.
    median_of_qualifiers : float, optional
        The cure model's median days among the leads that do qualify.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        A few sentences.

    Examples
    --------
    >>> explain_time_to_qualify(21.0, {30: 0.35}, language="de")[:56]
    'Die Hälfte aller Leads erreicht MQL innerhalb von 21 Tag'
    """
    n = lambda value: number(value, 0, language)  # noqa: E731 - local shorthand
    parts = []
    if median_days is None:
        parts.append(
            _t(
                language,
                "Fewer than half of all leads reach MQL, so there is no median time to MQL for "
                "all leads.",
                "Weniger als die Hälfte aller Leads erreicht MQL, daher gibt es keine mittlere "
                "Zeit bis MQL für alle Leads.",
            )
        )
    else:
        parts.append(
            _t(
                language,
                f"Half of all leads reach MQL within {n(median_days)} days "
                "(Kaplan-Meier, which also counts the leads still in nurturing).",
                f"Die Hälfte aller Leads erreicht MQL innerhalb von {n(median_days)} Tagen "
                "(Kaplan-Meier, das auch die Leads zählt, die noch im Nurturing sind).",
            )
        )
    day_word = _t(language, "by day", "bis Tag")
    shares = ", ".join(
        f"{percent(share, 0, language)} {day_word} {n(day)}" for day, share in share_by.items()
    )
    if shares:
        parts.append(_t(language, f"Qualified: {shares}.", f"Qualifiziert: {shares}."))
    if median_of_qualifiers is not None:
        parts.append(
            _t(
                language,
                "Among the leads that do qualify, half take less than "
                f"{n(median_of_qualifiers)} days (cure model, below).",
                "Von den Leads, die sich qualifizieren, braucht die Hälfte weniger als "
                f"{n(median_of_qualifiers)} Tage (Cure-Modell, unten).",
            )
        )
    if naive_mean is not None:
        parts.append(
            _t(
                language,
                f"The plain average of the converted leads alone, {n(naive_mean)} days, ignores "
                "the leads that are still waiting and the ones that never qualify.",
                f"Der einfache Durchschnitt nur der konvertierten Leads, {n(naive_mean)} Tage, "
                "übergeht die Leads, die noch warten, und die, die sich nie qualifizieren.",
            )
        )
    return " ".join(parts)


def explain_cure(
    cure_fraction: float, median_latency: float, shape: float, language: Language = "en"
) -> str:
    """Reading of the mixture cure model.

    Parameters
    ----------
    cure_fraction : float
        Share of the leads that will never qualify.
    median_latency : float
        Median days to qualify among those that will.
    shape : float
        Weibull shape of the latency (above 1: readiness rises, then fades).
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        Three sentences.

    Examples
    --------
    >>> explain_cure(0.6, 24.0, 1.4, language="de")[:62]
    'Das Cure-Modell schätzt, dass 60 % der Leads MQL nie erreichen'
    """
    share, days = percent(cure_fraction, 0, language), number(median_latency, 0, language)
    if language == "de":
        trend = (
            "wird eine Zeit lang wahrscheinlicher und lässt dann nach"
            if shape > 1
            else "ist direkt nach dem Einstieg am wahrscheinlichsten"
        )
        return (
            f"Das Cure-Modell schätzt, dass {share} der Leads MQL nie erreichen, egal wie lange "
            f"sie im Nurturing sind. Die übrigen brauchen im Median {days} Tage; die "
            f"Bereitschaft {trend}."
        )
    trend = (
        "becomes more likely for a while and then fades"
        if shape > 1
        else "is most likely right after entry"
    )
    return (
        f"The cure model estimates that {share} of the leads will never reach MQL, however long "
        f"they are nurtured. Those that do take a median of {days} days; readiness {trend}."
    )


def explain_exits(table: pl.DataFrame, day: float, language: Language = "en") -> str:
    """Cumulative incidence of each way out of nurturing at one day (from `incidence_at`).

    Parameters
    ----------
    table : DataFrame
        cause, day, cumulative_incidence (from `incidence_at`).
    day : float
        The day to read.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The share of each way out by that day.

    Examples
    --------
    >>> table = pl.DataFrame({"cause": ["qualified", "unsubscribed"], "day": [90, 90],
    ...                       "cumulative_incidence": [0.4, 0.1]})
    >>> explain_exits(table, 90, language="de")[:49]
    'Nach 90 Tagen: 40 % qualifiziert, 10 % abgemeldet'
    """
    at_day = table.filter(pl.col("day") == day).sort("cumulative_incidence", descending=True)
    names = (
        [CAUSES_DE.get(c, markdown_literal(c)) for c in at_day["cause"]]
        if language == "de"
        else [c.replace("_", " ") for c in at_day["cause"]]
    )
    parts = ", ".join(
        f"{percent(share, 0, language)} {name}"
        for share, name in zip(at_day["cumulative_incidence"], names, strict=True)
    )
    days = number(day, 0, language)
    return _t(
        language,
        f"After {days} days: {parts}. The rest are still in nurturing. These shares add up, "
        "unlike 1 − Kaplan-Meier per cause, which would count an unsubscribed lead as one that "
        "could still qualify.",
        f"Nach {days} Tagen: {parts}. Die übrigen sind noch im Nurturing. Diese Anteile "
        "addieren sich, anders als 1 − Kaplan-Meier je Ausgang, das einen abgemeldeten Lead "
        "als einen zählen würde, der sich noch qualifizieren könnte.",
    )


def explain_green_banana(effect: pl.DataFrame, language: Language = "en") -> str:
    """Green-banana comparison, always with the observational caveat.

    Parameters
    ----------
    effect : DataFrame
        measure, estimate, ci_low, ci_high, leads (from `green_banana_effect`).
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The win rates, the adjusted difference with its interval, and the caveat.
    """
    rows = {r["measure"]: r for r in effect.iter_rows(named=True)}
    early, ready = rows["win rate, called before ready"], rows["win rate, called when ready"]
    adjusted = rows["difference, adjusted"]
    odds = rows["odds ratio, adjusted"]
    early_rate, ready_rate = (
        percent(early["estimate"], 0, language),
        percent(ready["estimate"], 0, language),
    )
    leads, gap = number(early["leads"], 0, language), points(abs(adjusted["estimate"]), 0, language)
    low = number(100 * adjusted["ci_low"], 0, language)
    high, ratio = points(adjusted["ci_high"], 0, language), number(odds["estimate"], 2, language)
    if language == "de":
        direction = "niedrigeren" if adjusted["estimate"] < 0 else "höheren"
        return (
            f"Leads, die angerufen wurden, bevor sie bereit waren, wurden zu {early_rate} "
            f"gewonnen ({leads} Leads), Leads, die bereit angerufen wurden, zu {ready_rate}. "
            "Verglichen mit ähnlichen Leads (gleiche Persona, Quelle und Kundenstatus) geht ein "
            f"früher Anruf mit einer um {gap} {direction} Gewinnquote einher (95-%-Intervall des "
            f"Unterschieds {low} bis {high}; Odds Ratio {ratio}). {OBSERVATIONAL_DE}"
        )
    direction = "lower" if adjusted["estimate"] < 0 else "higher"
    return (
        f"Leads called before they were ready won {early_rate} of the time ({leads} leads), "
        f"leads called when ready {ready_rate}. Compared with similar leads (same persona, "
        f"source and customer status), an early call goes with a win rate {gap} {direction} "
        f"(95% interval of the difference {low} to {high}; odds ratio {ratio}). {OBSERVATIONAL}"
    )


def explain_handoff_rule(rule: pl.DataFrame, language: Language = "en") -> str:
    """The recommended score threshold and its expected gain.

    Parameters
    ----------
    rule : DataFrame
        The comparison of thresholds from `handoff_rule`.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The recommended threshold and its gain, or that none stands out.
    """
    chosen = rule.filter(pl.col("recommended"))
    if chosen.is_empty():
        return _t(
            language,
            "No score threshold separates early calls with clearly lower win rates; keep the "
            "current rule.",
            "Kein Score-Schwellenwert trennt frühe Anrufe mit klar niedrigeren Gewinnquoten ab; "
            "die bisherige Regel beibehalten.",
        )
    row = chosen.row(0, named=True)
    n = lambda column: number(row[column], 0, language)  # noqa: E731 - local shorthand
    below = percent(row["win_rate_below"], 0, language)
    above = percent(row["win_rate_above"], 0, language)
    return _t(
        language,
        f"Recommended: hand a lead to sales once its score reaches {n('threshold')}. Leads "
        f"called below it won {below}, leads at or above it {above}. Had the "
        f"{n('contacts_below')} calls below the threshold waited, about {n('extra_wins')} more "
        f"wins would follow (95% interval {n('extra_wins_low')} to {n('extra_wins_high')}) if "
        "waiting lets them win like the others; an optimistic, observational estimate.",
        f"Empfehlung: einen Lead an den Vertrieb übergeben, sobald sein Score {n('threshold')} "
        f"erreicht. Darunter angerufene Leads wurden zu {below} gewonnen, Leads ab diesem Score "
        f"zu {above}. Hätten die {n('contacts_below')} Anrufe unter dem Schwellenwert gewartet, "
        f"kämen etwa {n('extra_wins')} Gewinne hinzu (95-%-Intervall {n('extra_wins_low')} bis "
        f"{n('extra_wins_high')}), sofern sie nach dem Warten wie die anderen gewonnen würden; "
        "eine optimistische Schätzung aus Beobachtungsdaten.",
    )


def explain_speed_to_lead(table: pl.DataFrame, language: Language = "en") -> str:
    """How the fast-lane win rate falls with the hours until the call.

    Parameters
    ----------
    table : DataFrame
        hours, win_rate, log_odds_per_hour (from `speed_to_lead`).
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The win rates of the fastest and slowest call-backs and the odds per hour.
    """
    slope = table["log_odds_per_hour"][0]
    first, last = table.row(0, named=True), table.row(-1, named=True)
    fast, slow = percent(first["win_rate"], 0, language), percent(last["win_rate"], 0, language)
    # the last bin's lower edge: "24" of "24–72 h", "72" of the open "72+ h"
    after = last["hours"].split("–")[0].split("+")[0].strip()
    factor = number(2.718281828**slope, 3, language)
    return _t(
        language,
        f"Fast-lane requests called back within {first['hours']} won {fast}, those called after "
        f"{after} hours {slow}. Each hour of waiting multiplies the odds of winning by {factor}.",
        f"Fast-Lane-Anfragen mit Rückruf innerhalb von {first['hours']} wurden zu {fast} "
        f"gewonnen, Rückrufe nach {after} Stunden zu {slow}. Jede Stunde Warten multipliziert "
        f"die Gewinnchance (Odds) mit {factor}.",
    )


def explain_unsubscribes(table: pl.DataFrame, language: Language = "en") -> str:
    """Unsubscribe risk by e-mail frequency.

    Parameters
    ----------
    table : DataFrame
        emails_per_week, per_1000_lead_days, weekly_probability (from
        `unsubscribe_by_frequency`).
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The weekly unsubscribe risk at the lowest and the highest frequency.
    """
    low, high = table.row(0, named=True), table.row(-1, named=True)
    ratio = (
        high["per_1000_lead_days"] / low["per_1000_lead_days"]
        if low["per_1000_lead_days"]
        else float("inf")
    )
    low_risk = percent(low["weekly_probability"], 1, language)
    high_risk = percent(high["weekly_probability"], 1, language)
    times = number(ratio, 1, language)
    return _t(
        language,
        f"At {low['emails_per_week']} e-mails a week, {low_risk} of the leads unsubscribe per "
        f"week; at {high['emails_per_week']} it is {high_risk} ({times} times as many).",
        f"Bei {_comma(low['emails_per_week'])} E-Mails pro Woche melden sich {low_risk} der "
        f"Leads je Woche ab; bei {_comma(high['emails_per_week'])} sind es {high_risk} "
        f"({times}-mal so viele).",
    )


def explain_send_time(heat: pl.DataFrame, min_sends: int = 20, language: Language = "en") -> str:
    """Best and worst send slots.

    Parameters
    ----------
    heat : DataFrame
        weekday, hour, sends, open_rate (from `send_time_heatmap`).
    min_sends : int
        Slots with fewer sends are left out.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The slots with the highest and the lowest open rate.
    """
    enough = heat.filter(pl.col("sends") >= min_sends).sort("open_rate", descending=True)
    if enough.is_empty():
        return _t(
            language,
            "Too few sends per weekday and hour to compare send times.",
            "Zu wenige Versände je Wochentag und Stunde, um Versandzeiten zu vergleichen.",
        )
    best, worst = enough.row(0, named=True), enough.row(-1, named=True)
    top, bottom = percent(best["open_rate"], 0, language), percent(worst["open_rate"], 0, language)
    if language == "de":
        day = lambda row: WEEKDAYS_DE.get(row["weekday"], row["weekday"])  # noqa: E731
        return (
            f"E-Mails, die am {day(best)} um {best['hour']}:00 Uhr verschickt wurden, wurden am "
            f"häufigsten geöffnet ({top}), die am {day(worst)} um {worst['hour']}:00 Uhr "
            f"verschickten am seltensten ({bottom})."
        )
    return (
        f"E-mails sent on {best['weekday']} at {best['hour']}:00 were opened most often ({top}), "
        f"those sent on {worst['weekday']} at {worst['hour']}:00 least ({bottom})."
    )


def explain_forecast(expected: pl.DataFrame, horizon: float, language: Language = "en") -> str:
    """Expected MQLs from the open leads.

    Parameters
    ----------
    expected : DataFrame
        open_leads, expected_mqls, sd (from `expected_qualifications`).
    horizon : float
        Days ahead.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        The expected MQLs with about two standard deviations.

    Examples
    --------
    >>> expected = pl.DataFrame({"open_leads": [1200], "expected_mqls": [84.2], "sd": [8.1]})
    >>> explain_forecast(expected, 30, language="de")[:50]
    'Von den 1.200 Leads, die noch im Nurturing sind, s'
    """
    row = expected.row(0, named=True)
    leads, mqls = number(row["open_leads"], 0, language), number(row["expected_mqls"], 0, language)
    spread, days = number(2 * row["sd"], 0, language), number(horizon, 0, language)
    return _t(
        language,
        f"Of the {leads} leads still in nurturing, about {mqls} (± {spread}) should reach MQL in "
        f"the next {days} days. New leads arriving meanwhile come on top.",
        f"Von den {leads} Leads, die noch im Nurturing sind, sollten etwa {mqls} (± {spread}) in "
        f"den nächsten {days} Tagen MQL erreichen. Neue Leads, die inzwischen eintreffen, "
        "kommen noch hinzu.",
    )


def explain_exclusion(
    targeted: pl.DataFrame,
    conversions: pl.DataFrame,
    *,
    mql_score: float,
    personas: list[str] | None,
    require_email: bool,
    language: Language = "en",
) -> str:
    """A neutral paragraph on who the targeting rules leave out.

    Parameters
    ----------
    targeted : DataFrame
        The timeline after `apply_targeting`.
    conversions : DataFrame
        The wins of excluded leads (from `excluded_conversions`).
    mql_score : float
        The MQL score threshold of the rules.
    personas : list of str or None
        The targeted personas; None for all.
    require_email : bool
        Whether the rules need an e-mail address.
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        Who is excluded, by which rule, and what they still bought.
    """
    n = lambda value: number(value, 0, language)  # noqa: E731 - local shorthand
    excluded = int((~targeted["reaches_sales"]).sum())
    german = language == "de"
    rules = [_t(language, f"an MQL score of {n(mql_score)}", f"einem MQL-Score von {n(mql_score)}")]
    if personas:
        named = ", ".join(markdown_literal(p) for p in personas)
        rules.append(_t(language, f"the personas {named}", f"den Personas {named}"))
    if require_email:
        rules.append(
            _t(language, "an e-mail address for nurturing", "einer E-Mail-Adresse fürs Nurturing")
        )
    reasons = (
        targeted.filter(~pl.col("reaches_sales"))
        .group_by("exclusion_reason")
        .len()
        .sort("len", descending=True)
    )
    reason_text = "; ".join(
        f"{REASONS_DE.get(reason, reason) if german else reason}: {n(count)}"
        for reason, count in reasons.iter_rows()
    )
    wins = int(conversions["wins"].sum()) if conversions.height else 0
    share = percent(excluded / max(targeted.height, 1), 0, language)
    return _t(
        language,
        f"With {', '.join(rules)}, {n(excluded)} of {n(targeted.height)} leads ({share}) never "
        f"reach sales through nurturing ({reason_text}). They still produced {n(wins)} wins "
        "through the fast lane, sales calls or offline. Exclusion is not a judgement on these "
        "people: it follows from the rules, and the breakdown shows which groups each rule "
        "affects most, so the rules can be checked for fairness and missed demand.",
        f"Mit {', '.join(rules)} erreichen {n(excluded)} von {n(targeted.height)} Leads "
        f"({share}) den Vertrieb nie über das Nurturing ({reason_text}). Sie brachten dennoch "
        f"{n(wins)} Gewinne über die Fast Lane, Vertriebsanrufe oder offline. Der Ausschluss ist "
        "kein Urteil über diese Menschen: Er folgt aus den Regeln, und die Aufschlüsselung zeigt, "
        "welche Gruppen jede Regel am stärksten trifft, damit sich die Regeln auf Fairness und "
        "übersehene Nachfrage prüfen lassen.",
    )


def explain_cox(summary: pl.DataFrame, language: Language = "en") -> str:
    """The strongest significant hazard ratios of a Cox model.

    Covariate names hold the user's own values (``persona=cfo``), so they reach the text
    only as literals.

    Parameters
    ----------
    summary : DataFrame
        covariate, coef, hazard_ratio, p_value (from `CoxModel.summary`).
    language : {"en", "de"}
        Language and number format of the text.

    Returns
    -------
    str
        Up to three hazard ratios with p < 0.05, strongest first.

    Examples
    --------
    >>> summary = pl.DataFrame({"covariate": ["persona=*cfo*"], "coef": [0.4],
    ...                         "hazard_ratio": [1.49], "p_value": [0.01]})
    >>> print(explain_cox(summary, language="de"))
    Verglichen mit der Referenzgruppe: persona=\\*cfo\\*: 1,49-mal die tägliche Chance, sich zu qualifizieren.
    """  # noqa: E501 - doctest output is one line
    significant = (
        summary.filter(pl.col("p_value") < 0.05)
        .with_columns(strength=(pl.col("coef").abs()))
        .sort("strength", descending=True)
        .head(3)
    )
    if significant.is_empty():
        return _t(
            language,
            "No trait changes the speed to MQL clearly (all p-values at least 0.05).",
            "Kein Merkmal verändert die Geschwindigkeit bis MQL deutlich (alle p-Werte "
            "mindestens 0,05).",
        )
    parts = [
        _t(
            language,
            f"{markdown_literal(name)}: {number(ratio, 2, language)} times the daily chance to "
            "qualify",
            f"{markdown_literal(name)}: {number(ratio, 2, language)}-mal die tägliche Chance, "
            "sich zu qualifizieren",
        )
        for name, ratio in significant.select("covariate", "hazard_ratio").iter_rows()
    ]
    lead = _t(
        language, "Compared with the reference group, ", "Verglichen mit der Referenzgruppe: "
    )
    return lead + "; ".join(parts) + "."
