"""Plain-language readings of the lifetime-value results, one sentence per number.

Every ``explain_*`` reads in English (``language="en"``) or German (``"de"``), numbers,
money and dates included; the German terms are the glossary's (teaching/glossary.yaml).

Examples
--------
>>> print(explain_holdout({"aggregate_error": -0.05, "mae": 0.61, "actual_purchases": 1882.0,
...                        "predicted_purchases": 1788.0, "large_error": False}))
... # doctest: +NORMALIZE_WHITESPACE
In the holdout period customers made 1,882 repeat purchases; the model expected 1,788, 5.0%
fewer. Per customer the prediction was off by 0.61 purchases on average. That is close enough
to trust the forecasts below.
>>> print(explain_holdout({"aggregate_error": -0.05, "mae": 0.61, "actual_purchases": 1882.0,
...                        "predicted_purchases": 1788.0, "large_error": False}, "de"))
... # doctest: +NORMALIZE_WHITESPACE
Im Testzeitraum (Holdout) tätigten die Kunden 1.882 Wiederkäufe; das Modell erwartete 1.788,
5,0 % weniger. Je Kunde lag die Vorhersage im Mittel um 0,61 Käufe daneben. Das ist nah
genug, um den Prognosen unten zu vertrauen.
"""

from __future__ import annotations

import math

import polars as pl

# The report's own sentences around the analyses (data, test sample, plan, fit comparison).
from mkt_engineering.ltv.report_text import (  # noqa: F401 - re-exported
    explain_calibration_sample,
    explain_fit_comparison,
    explain_orders,
    explain_planned_acquisition,
    fit_comparison,
)
from mkt_engineering.text import Currency, Language, markdown_literal, money, number, percent

Money = str | Currency  # a symbol ("€") or a report's Currency (text.currency_for)

# The model's time unit as the sentences name it.
_UNITS = {"en": {"week": "week", "day": "day"}, "de": {"week": "Woche", "day": "Tag"}}


def _t(language: Language, english: str, german: str) -> str:
    """The sentence in the reader's language (English unless ``"de"``)."""
    return german if language == "de" else english


def explain_cohorts(
    matrix: pl.DataFrame, metric: str = "retention", language: Language = "en"
) -> str:
    """What the cohort table says: size of the cohorts and how many come back."""
    sizes = matrix.filter(pl.col("period") == 0)
    cohorts, size = sizes.height, number(sizes["cohort_size"].mean(), 0, language)
    text = _t(
        language,
        f"The table follows {cohorts} cohorts of on average {size} new customers each, from "
        "the period of their first order onwards.",
        f"Die Tabelle verfolgt {cohorts} Kohorten mit durchschnittlich je {size} Neukunden, "
        "ab dem Zeitraum ihrer ersten Bestellung.",
    )
    if metric == "retention":
        text += _returning(matrix, language)
    text += _t(
        language,
        " Grey cells lie in the future: they are not zero, just not observed yet.",
        " Graue Zellen liegen in der Zukunft: Sie sind nicht null, nur noch nicht beobachtet.",
    )
    if "partial" in matrix.columns and matrix["partial"].any():
        text += _t(
            language,
            " The last period had not ended when the data stop, so its cells are grey too: "
            "a few days of a period would read as a false drop.",
            " Der letzte Zeitraum war noch nicht vorbei, als die Daten enden, daher sind auch "
            "seine Zellen grau: Wenige Tage eines Zeitraums sähen wie ein falscher Einbruch aus.",
        )
    return text


def _returning(matrix: pl.DataFrame, language: Language) -> str:
    """The share of a cohort buying again one and six periods after the first order."""
    second = matrix.filter(pl.col("period") == 1).drop_nulls("value")
    later = matrix.filter(pl.col("period") == 6).drop_nulls("value")
    if not second.height:
        return ""
    share = percent(second["value"].mean(), 1, language)
    text = _t(
        language,
        f" In the period after their first order, {share} of a cohort buy again",
        f" Im Zeitraum nach ihrer ersten Bestellung kaufen {share} einer Kohorte erneut",
    )
    if not later.height:
        return text + "."
    share = percent(later["value"].mean(), 1, language)
    return text + _t(
        language,
        f"; six periods later it is {share}.",
        f"; sechs Zeiträume später sind es {share}.",
    )


def explain_model(model, time_unit: str = "week", language: Language = "en") -> str:
    """The fitted purchase model's parameters in words.

    Parameters
    ----------
    model : fitted purchase model
        BetaGeo, ModifiedBetaGeo or ParetoNBD (others list their parameters).
    time_unit : {"week", "day"}
        The model's time unit.
    language : {"en", "de"}
        The reader's language.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> BetaGeo = type("BetaGeo", (), {})
    >>> model = BetaGeo()
    >>> model.params_ = {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}
    >>> print(explain_model(model, language="de"))  # doctest: +NORMALIZE_WHITESPACE
    Solange er aktiv ist, kauft der durchschnittliche Kunde 0,055-mal pro Woche (etwa 2,8-mal
    im Jahr). Nach jedem Kauf liegt die durchschnittliche Wahrscheinlichkeit, nie wieder zu
    kaufen, bei 24,8 %. Die Kunden weichen stark von diesen Durchschnitten ab; das Modell nutzt
    auch diese Streuung.
    """
    name = type(model).__name__
    p = model.params_
    unit = _UNITS["de" if language == "de" else "en"].get(time_unit, time_unit)
    if name in ("BetaGeo", "ModifiedBetaGeo"):
        rate, leave = p["r"] / p["alpha"], p["a"] / (p["a"] + p["b"])
        per_unit = number(rate, 3, language)
        yearly = number(rate * 52 if time_unit == "week" else rate, 1, language)
        leave = percent(leave, 1, language)
        return _t(
            language,
            f"While active, the average customer buys {per_unit} times per {unit} (about "
            f"{yearly} times a year). After each purchase, the average chance of never buying "
            f"again is {leave}. Customers differ a lot around these averages; the model uses "
            "the spread too.",
            f"Solange er aktiv ist, kauft der durchschnittliche Kunde {per_unit}-mal pro {unit} "
            f"(etwa {yearly}-mal im Jahr). Nach jedem Kauf liegt die durchschnittliche "
            f"Wahrscheinlichkeit, nie wieder zu kaufen, bei {leave}. Die Kunden weichen stark "
            "von diesen Durchschnitten ab; das Modell nutzt auch diese Streuung.",
        )
    if name == "ParetoNBD":
        per_unit = number(p["r"] / p["alpha"], 3, language)
        death = percent(p["s"] / p["beta"], 2, language)
        return _t(
            language,
            f"While active, the average customer buys {per_unit} times per {unit}; the "
            f"average chance of leaving in a given {unit} is about {death}.",
            f"Solange er aktiv ist, kauft der durchschnittliche Kunde {per_unit}-mal pro {unit}; "
            f"die durchschnittliche Wahrscheinlichkeit abzuwandern liegt bei etwa {death} "
            f"je {unit}.",
        )
    return f"{name}: " + ", ".join(f"{k} = {number(v, 3, language)}" for k, v in p.items())


def explain_spend(
    spend_model,
    check: pl.DataFrame | None = None,
    language: Language = "en",
    currency: Money = "€",
) -> str:
    """The spend model's average order value and the independence check."""
    mean = spend_model.population_mean_spend()
    typical = money(mean, 2, currency, language)
    text = _t(
        language,
        f"A typical repeat order is worth {typical}; customers with few orders are pulled "
        "towards that average, since their own mean is less certain.",
        f"Ein typischer Wiederkauf ist {typical} wert; Kunden mit wenigen Bestellungen werden "
        "zu diesem Durchschnitt hingezogen, da ihr eigener Mittelwert unsicherer ist.",
    )
    if not math.isfinite(mean):  # q <= 1: the fit has no average order value
        text = _t(
            language,
            "Spend per order is so heavy-tailed that the spend model finds no finite average "
            "order value; values of customers with few orders cannot be computed. Check "
            "the revenue column for outliers.",
            "Die Bestellwerte streuen so stark, dass das Bestellwertmodell keinen endlichen "
            "durchschnittlichen Bestellwert findet; Werte von Kunden mit wenigen Bestellungen "
            "lassen sich nicht berechnen. Prüfen Sie die Umsatzspalte auf Ausreißer.",
        )
    if check is None:
        return text
    rho = check.filter(pl.col("method") == "spearman")["correlation"].item()
    rank = number(rho, 2, language)
    if abs(rho) < 0.3:
        return text + _t(
            language,
            " Spend per order and number of orders are hardly related "
            f"(rank correlation {rank}), so the spend model's main assumption holds.",
            " Bestellwert und Zahl der Bestellungen hängen kaum zusammen "
            f"(Rangkorrelation {rank}), die Hauptannahme des Bestellwertmodells hält also.",
        )
    return text + _t(
        language,
        " Spend per order and number of orders are clearly related "
        f"(rank correlation {rank}), so the spend model's assumption is doubtful: read spend "
        "forecasts with care.",
        " Bestellwert und Zahl der Bestellungen hängen deutlich zusammen "
        f"(Rangkorrelation {rank}), die Annahme des Bestellwertmodells ist also zweifelhaft: "
        "Lesen Sie die Prognosen der Bestellwerte mit Vorsicht.",
    )


def explain_holdout(metrics: dict, language: Language = "en") -> str:
    """How well the model predicted the holdout period; warns when the error is large."""
    error = metrics["aggregate_error"]
    actual = number(metrics["actual_purchases"], 0, language)
    predicted = number(metrics["predicted_purchases"], 0, language)
    gap, mae = percent(abs(error), 1, language), number(metrics["mae"], 2, language)
    text = _t(
        language,
        f"In the holdout period customers made {actual} repeat purchases; the model expected "
        f"{predicted}, {gap} {'more' if error > 0 else 'fewer'}. Per customer the prediction "
        f"was off by {mae} purchases on average.",
        f"Im Testzeitraum (Holdout) tätigten die Kunden {actual} Wiederkäufe; das Modell "
        f"erwartete {predicted}, {gap} {'mehr' if error > 0 else 'weniger'}. Je Kunde lag die "
        f"Vorhersage im Mittel um {mae} Käufe daneben.",
    )
    if metrics["large_error"]:
        return text + _t(
            language,
            " ⚠️ That gap is large: the values below may be off by as much. Check for "
            "seasonality, a change in the business, or try another model.",
            " ⚠️ Diese Abweichung ist groß: Die Werte unten können ebenso weit danebenliegen. "
            "Prüfen Sie Saisonalität und Veränderungen im Geschäft, oder versuchen Sie ein "
            "anderes Modell.",
        )
    return text + _t(
        language,
        " That is close enough to trust the forecasts below.",
        " Das ist nah genug, um den Prognosen unten zu vertrauen.",
    )


def explain_clv(
    clv: pl.DataFrame,
    horizon_months: int,
    margin: float,
    language: Language = "en",
    currency: Money = "€",
) -> str:
    """Average and concentration of the customers' values."""
    values = clv["clv"].sort(descending=True)
    total = values.sum()
    top_share = values.head(max(1, values.len() // 10)).sum() / total if total else 0.0
    mean, summed = money(values.mean(), 2, currency, language), money(total, 0, currency, language)
    customers, top = number(values.len(), 0, language), percent(top_share, 0, language)
    text = _t(
        language,
        f"Over the next {horizon_months} months an existing customer is worth {mean} in "
        f"discounted {'margin' if margin < 1 else 'revenue'} on average, {summed} for all "
        f"{customers} customers. The top 10% of customers bring {top} of that value.",
        f"In den nächsten {horizon_months} Monaten ist ein Bestandskunde im Durchschnitt {mean} "
        f"an abgezinstem {'Deckungsbeitrag' if margin < 1 else 'Umsatz'} wert, {summed} für "
        f"alle {customers} Kunden. Die besten 10 % der Kunden bringen {top} dieses Werts.",
    )
    if "clv_lower" in clv.columns:
        low = money(clv["clv_lower"].sum(), 0, currency, language)
        high = money(clv["clv_upper"].sum(), 0, currency, language)
        text += _t(
            language,
            f" With the uncertainty of the model's estimates, the total lies between {low} and "
            f"{high}.",
            f" Mit der Unsicherheit der Modellschätzungen liegt die Summe zwischen {low} und "
            f"{high}.",
        )
    return text


def explain_new_customer(
    value: float,
    lower: float,
    upper: float,
    horizon_months: int,
    language: Language = "en",
    currency: Money = "€",
) -> str:
    """The headline number: value of an average new customer, with its interval."""
    worth, low, high = (money(amount, 2, currency, language) for amount in (value, lower, upper))
    return _t(
        language,
        f"An average new customer is worth {worth} in the first {horizon_months} months, first "
        f"order included, discounted to today (likely between {low} and {high}). Set this "
        "against what it costs to acquire one.",
        f"Ein durchschnittlicher Neukunde ist in den ersten {horizon_months} Monaten {worth} "
        f"wert, die erste Bestellung eingeschlossen, abgezinst auf heute (wahrscheinlich "
        f"zwischen {low} und {high}). Stellen Sie dem gegenüber, was die Gewinnung eines "
        "Neukunden kostet.",
    )


def explain_channels(channels: pl.DataFrame, language: Language = "en") -> str:
    """Best and worst channel by LTV:CAC, and payback."""
    ranked = channels.drop_nulls("ltv_cac").sort("ltv_cac", descending=True)
    if ranked.is_empty():
        return _t(
            language,
            "No channel has both a lifetime value and an acquisition cost, so no ratio can be "
            "shown.",
            "Kein Kanal hat sowohl einen Kundenwert als auch Akquisekosten, daher lässt sich "
            "kein Verhältnis zeigen.",
        )
    best, worst = ranked.row(0, named=True), ranked.row(-1, named=True)
    best_name, worst_name = (markdown_literal(r["acquisition_channel"]) for r in (best, worst))
    best_ratio, worst_ratio = (number(r["ltv_cac"], 1, language) for r in (best, worst))
    text = _t(
        language,
        f"{best_name} brings {best_ratio} in value for every unit spent on acquisition",
        f"{best_name} bringt {best_ratio} an Wert für jede Einheit, die in die Akquise fließt",
    )
    if best["payback_month"] is not None:
        month = best["payback_month"]
        text += _t(
            language,
            f", paying back in month {month}.",
            f", und amortisiert sich im Monat {month}.",
        )
    else:
        text += "."
    text += _t(
        language, f" {worst_name} returns {worst_ratio}", f" {worst_name} bringt {worst_ratio}"
    )
    if worst["payback_month"] is None:
        text += _t(
            language,
            "; it does not pay back within the horizon.",
            "; der Kanal amortisiert sich nicht innerhalb des Zeitraums.",
        )
    else:
        text += "."
    return text + _t(
        language,
        " A ratio below 1 means the customers cost more than they bring.",
        " Ein Verhältnis unter 1 bedeutet: Die Kunden kosten mehr, als sie bringen.",
    )


def explain_forecast(
    forecast: pl.DataFrame, language: Language = "en", currency: Money = "€"
) -> str:
    """Total expected revenue, split into existing and planned customers."""
    totals = dict(forecast.group_by("kind").agg(pl.col("expected_revenue").sum()).iter_rows())
    months = forecast["month"].n_unique()
    existing = money(totals.get("existing", 0.0), 0, currency, language)
    text = _t(
        language,
        f"Customers already won are expected to bring {existing} in the next {months} months.",
        f"Die bereits gewonnenen Kunden bringen in den nächsten {months} Monaten "
        f"voraussichtlich {existing}.",
    )
    if "planned" in totals:
        planned = money(totals["planned"], 0, currency, language)
        text += _t(
            language,
            f" The acquisition plan adds {planned}, first orders included.",
            f" Der Akquiseplan fügt {planned} hinzu, erste Bestellungen eingeschlossen.",
        )
    return text


def explain_retention(model, language: Language = "en") -> str:
    """sBG: churn heterogeneity in words."""
    rates = model.retention_rate(5)
    first, fifth = percent(rates[0], 0, language), percent(rates[-1], 0, language)
    return _t(
        language,
        f"Of customers who start, {first} renew after the first period; among those still "
        f"there in period 5, {fifth} renew. Retention rises because the customers most likely "
        "to leave leave first, not because anyone grows more loyal.",
        f"Von den Kunden, die beginnen, verlängern {first} nach dem ersten Zeitraum; von denen, "
        f"die in Zeitraum 5 noch dabei sind, verlängern {fifth}. Die Kundenbindungsrate steigt, "
        "weil die Kunden, die am ehesten gehen, zuerst gehen, nicht weil jemand treuer wird.",
    )


# Columns of the lifetime-value tables that hold amounts of money.
MONEY_COLUMNS = ("clv", "clv_lower", "clv_upper", "cac", "spend", "revenue", "expected_revenue")


def with_currency(table: pl.DataFrame, currency: Money | None) -> pl.DataFrame:
    """A table for display whose money columns name the currency: ``clv`` -> ``clv (USD)``.

    Saved tables keep the plain names, so scripts that read them do not depend on it.

    Examples
    --------
    >>> from mkt_engineering.text import currency_for
    >>> table = pl.DataFrame({"acquisition_channel": ["search"], "clv": [30.0]})
    >>> with_currency(table, currency_for("USD")).columns
    ['acquisition_channel', 'clv (USD)']
    """
    unit = (
        currency.unit()
        if isinstance(currency, Currency)
        else (f" ({currency})" if currency else "")
    )
    if not unit:
        return table
    return table.rename({c: c + unit for c in table.columns if c in MONEY_COLUMNS})
