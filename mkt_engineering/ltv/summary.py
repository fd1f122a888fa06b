"""The cohort lifetime-value report's answer first: headline, cards, action and bullets.

Every amount is in the run's currency (`mkt_engineering.formatting.currency_for`) and in the
reader's number format ("€17.30" / "17,30 €").

Examples
--------
>>> from mkt_engineering.formatting import currency_for
>>> summary = summarize(customers=7381, new_customer=(17.3, 16.82, 17.92),
...                     currency=currency_for("EUR"))
>>> summary.headline
'12-month CLV of an average new customer: €17.30'
>>> summarize(customers=7381, new_customer=(17.3, 16.82, 17.92), currency=currency_for("EUR"),
...           language="de").cards[0].interval
'wahrscheinlich 16,82 € bis 17,92 €'
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mkt_engineering.answers import Card, Summary
from mkt_engineering.formatting import Currency, Language, count, date, money, number, percent


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def _basis(margin: float, language: Language) -> str:
    if margin < 1:
        return _t(language, "margin", "Deckungsbeitrag")
    return _t(language, "revenue", "Umsatz")


def _new_customer_card(value, months, margin, discount, currency, language) -> Card:
    amount, low, high = (money(v, 2, currency, language) for v in value)
    return Card(
        _t(language, f"{months}-month value of a new customer",
           f"Wert eines Neukunden, {months} Monate"),
        amount,
        _t(language, f"{_basis(margin, language)}, first order included, discounted "
           f"{percent(discount, 0)} a year",
           f"{_basis(margin, language)}, erste Bestellung inklusive, abgezinst mit "
           f"{percent(discount, 0, 'de')} pro Jahr"),
        _t(language, f"likely {low} to {high}", f"wahrscheinlich {low} bis {high}"),
    )  # fmt: skip


def _existing_card(clv: pl.DataFrame, months, currency, language) -> Card:
    total = money(clv["clv"].sum(), 0, currency, language)
    average = money(clv["clv"].mean(), 2, currency, language)
    interval = None
    if {"clv_lower", "clv_upper"} <= set(clv.columns):
        low, high = (money(clv[c].sum(), 0, currency, language) for c in ("clv_lower", "clv_upper"))
        interval = _t(language, f"likely {low} to {high}", f"wahrscheinlich {low} bis {high}")
    return Card(
        _t(language, f"Existing customers, next {months} months",
           f"Bestandskunden, nächste {months} Monate"),
        total,
        _t(language, f"{count(clv.height)} customers, {average} each on average",
           f"{count(clv.height, 'de')} Kunden, im Schnitt {average}"),
        interval,
    )  # fmt: skip


def _ranked(channels: pl.DataFrame) -> pl.DataFrame:
    return (
        channels.drop_nulls("ltv_cac")
        .filter(pl.col("ltv_cac").is_finite())
        .sort("ltv_cac", descending=True)
    )


def _channel_card(channels: pl.DataFrame, language: Language) -> Card | None:
    ranked = _ranked(channels)
    if ranked.is_empty():
        return None
    best = ranked.row(0, named=True)
    payback = best.get("payback_month")
    back = (
        _t(language, f"pays back in month {payback}", f"amortisiert im Monat {payback}")
        if payback is not None
        else _t(language, "no payback within the horizon", "keine Amortisation im Horizont")
    )
    return Card(
        _t(language, "Best LTV : CAC", "Bestes LTV : CAC"),
        number(best["ltv_cac"], 1, language),
        f"{best['acquisition_channel']}; {back}",
    )


def _holdout_card(metrics: dict, calibration_end, language: Language) -> Card:
    error = metrics["aggregate_error"]
    direction = _t(language, "more", "mehr") if error > 0 else _t(language, "fewer", "weniger")
    return Card(
        _t(language, "Model error on unseen months", "Modellfehler auf ungesehenen Monaten"),
        percent(abs(error), 1, language),
        _t(language, f"predicted {direction} repeat purchases than made after "
           f"{date(calibration_end)}",
           f"{direction} Wiederkäufe vorhergesagt als nach dem {date(calibration_end, 'de')} "
           "getätigt"),
    )  # fmt: skip


def action(
    channels: pl.DataFrame | None,
    metrics: dict | None,
    new_customer: tuple[float, float, float] | None,
    currency: str | Currency,
    language: Language = "en",
) -> str:
    """What to do: fix the model first, else move acquisition budget by LTV : CAC.

    Examples
    --------
    >>> action(None, None, (17.3, 16.8, 17.9), "€")
    'Keep the cost of acquiring a customer below €17.30, the value of an average new one.'
    """
    if metrics is not None and metrics.get("large_error"):
        return _t(
            language,
            f"Do not plan with these values yet: the model was off by "
            f"{percent(abs(metrics['aggregate_error']), 1)} on unseen months; check for "
            "seasonality or try another model.",
            f"Noch nicht mit diesen Werten planen: das Modell lag auf ungesehenen Monaten um "
            f"{percent(abs(metrics['aggregate_error']), 1, 'de')} daneben; Saisonalität "
            "prüfen oder ein anderes Modell versuchen.",
        )
    ranked = _ranked(channels) if channels is not None else pl.DataFrame()
    if ranked.height:
        best = ranked.row(0, named=True)
        losing = ranked.filter(pl.col("ltv_cac") < 1)["acquisition_channel"].to_list()
        text = _t(
            language,
            f"Shift acquisition budget towards {best['acquisition_channel']} "
            f"(LTV : CAC {number(best['ltv_cac'], 1)})",
            f"Akquisebudget zu {best['acquisition_channel']} verlagern "
            f"(LTV : CAC {number(best['ltv_cac'], 1, 'de')})",
        )
        if losing:
            names = ", ".join(losing)
            return text + _t(
                language,
                f" and review {names}: its customers cost more than they bring.",
                f" und {names} prüfen: die Kunden kosten dort mehr, als sie bringen.",
            )
        return text + "."
    if new_customer is not None:
        value = money(new_customer[0], 2, currency, language)
        return _t(
            language,
            f"Keep the cost of acquiring a customer below {value}, the value of an average "
            "new one.",
            f"Die Kosten je gewonnenem Kunden unter {value} halten, dem Wert eines "
            "durchschnittlichen Neukunden.",
        )
    return _t(
        language,
        "No advice: no value could be computed from these orders (see the report).",
        "Keine Empfehlung: aus diesen Bestellungen ließ sich kein Wert berechnen (siehe Bericht).",
    )


def _holdout_bullet(metrics: dict, calibration_end, language: Language) -> str:
    off = percent(abs(metrics["aggregate_error"]), 1, language)
    if metrics["large_error"]:
        verdict = _t(language, "too much to rely on", "zu viel, um sich darauf zu verlassen")
    else:
        verdict = _t(language, "close enough to plan with", "genau genug für die Planung")
    return _t(
        language,
        f"Tested on the orders after {date(calibration_end)}, the model was off by {off} in "
        f"total: {verdict}.",
        f"Auf den Bestellungen nach dem {date(calibration_end, 'de')} lag das Modell insgesamt "
        f"um {off} daneben: {verdict}.",
    )


def _forecast_bullet(forecast: pl.DataFrame, currency, language: Language) -> str:
    totals = dict(forecast.group_by("kind").agg(pl.col("expected_revenue").sum()).iter_rows())
    months = forecast["month"].n_unique()
    existing = money(totals.get("existing", 0.0), 0, currency, language)
    text = _t(
        language,
        f"Customers already won are expected to bring {existing} in revenue in the next "
        f"{months} months",
        f"Bestehende Kunden bringen in den nächsten {months} Monaten voraussichtlich "
        f"{existing} Umsatz",
    )
    if "planned" in totals:
        planned = money(totals["planned"], 0, currency, language)
        text += _t(language, f"; the acquisition plan adds {planned}", f"; der Akquiseplan "
                   f"bringt {planned} dazu")  # fmt: skip
    return text + "."


def _channel_bullet(channels: pl.DataFrame, language: Language) -> str | None:
    ranked = _ranked(channels)
    if ranked.height < 2:
        return None
    worst = ranked.row(-1, named=True)
    return _t(
        language,
        f"{worst['acquisition_channel']} returns the least per unit of acquisition cost "
        f"(LTV : CAC {number(worst['ltv_cac'], 1)}); below 1 a customer costs more than "
        "she brings.",
        f"{worst['acquisition_channel']} bringt am wenigsten je Einheit Akquisekosten "
        f"(LTV : CAC {number(worst['ltv_cac'], 1, 'de')}); unter 1 kostet ein Kunde mehr, "
        "als er bringt.",
    )


def summarize(
    *,
    customers: int,
    horizon_months: int = 12,
    discount_rate: float = 0.10,
    margin: float = 1.0,
    new_customer: tuple[float, float, float] | None = None,
    holdout: dict | None = None,
    calibration_end: dt.date | None = None,
    clv: pl.DataFrame | None = None,
    channels: pl.DataFrame | None = None,
    forecast: pl.DataFrame | None = None,
    currency: str | Currency = "",
    language: Language = "en",
) -> Summary:
    """The cohort_ltv report's summary from what it computed (None: section not shown).

    Parameters
    ----------
    customers : int
        Customers in the orders.
    horizon_months, discount_rate, margin : int, float, float
        The report's horizon, yearly discount rate and margin share (1 = revenue).
    new_customer : tuple of float, optional
        Value of an average new customer with its low and high bound.
    holdout : dict, optional
        ``ltv.holdout_metrics`` (aggregate_error, large_error) for `calibration_end`.
    clv, channels, forecast : polars.DataFrame, optional
        Per-customer CLV (clv, clv_lower, clv_upper), ``channel_value`` and
        ``cohort_revenue_forecast``.
    currency : str or Currency
        The run's currency.
    language : {"en", "de"}

    Returns
    -------
    Summary

    Examples
    --------
    >>> summarize(customers=1200, language="de").headline
    '1.200 Kunden; kein Kundenwert berechenbar (siehe Bericht)'
    """
    months = horizon_months
    if new_customer is not None:
        headline = _t(
            language,
            f"{months}-month CLV of an average new customer: "
            f"{money(new_customer[0], 2, currency, language)}",
            f"{months}-Monats-CLV eines durchschnittlichen Neukunden: "
            f"{money(new_customer[0], 2, currency, language)}",
        )
    else:
        headline = _t(
            language,
            f"{count(customers)} customers; no lifetime value could be computed (see the report)",
            f"{count(customers, 'de')} Kunden; kein Kundenwert berechenbar (siehe Bericht)",
        )
    cards: list[Card | None] = []
    if new_customer is not None:
        cards.append(
            _new_customer_card(new_customer, months, margin, discount_rate, currency, language)
        )
    if clv is not None and clv.height:
        cards.append(_existing_card(clv, months, currency, language))
    if channels is not None:
        cards.append(_channel_card(channels, language))
    if holdout is not None and calibration_end is not None:
        cards.append(_holdout_card(holdout, calibration_end, language))
    if not any(cards):
        cards.append(Card(_t(language, "Customers", "Kunden"), count(customers, language)))
    bullets: list[str | None] = []
    if new_customer is not None:
        bullets.append(_new_customer_bullet(new_customer, months, margin, currency, language))
    if holdout is not None and calibration_end is not None:
        bullets.append(_holdout_bullet(holdout, calibration_end, language))
    if clv is not None and clv.height:
        bullets.append(_concentration_bullet(clv, language))
    if forecast is not None and forecast.height:
        bullets.append(_forecast_bullet(forecast, currency, language))
    if channels is not None:
        bullets.append(_channel_bullet(channels, language))
    return Summary(
        headline,
        tuple(card for card in cards if card is not None)[:4],
        action(channels, holdout, new_customer, currency, language),
        tuple(bullet for bullet in bullets if bullet)[:5],
    )


def _new_customer_bullet(value, months, margin, currency, language: Language) -> str:
    amount = money(value[0], 2, currency, language)
    return _t(
        language,
        f"An average new customer is worth {amount} in {_basis(margin, language)} over "
        f"{months} months, first order included; set it against the cost of acquiring one.",
        f"Ein durchschnittlicher Neukunde ist in {months} Monaten {amount} "
        f"{_basis(margin, language)} wert, erste Bestellung inklusive; dem stehen die Kosten "
        "seiner Gewinnung gegenüber.",
    )


def _concentration_bullet(clv: pl.DataFrame, language: Language) -> str:
    values = clv["clv"].sort(descending=True)
    total = values.sum()
    top = values.head(max(1, values.len() // 10)).sum() / total if total else 0.0
    return _t(
        language,
        f"The top 10% of existing customers carry {percent(top, 0)} of their value.",
        f"Die besten 10 % der Bestandskunden tragen {percent(top, 0, 'de')} ihres Werts.",
    )
