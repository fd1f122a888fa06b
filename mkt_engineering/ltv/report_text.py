"""The report's own sentences around the lifetime-value analyses, in English and German.

What the data hold, whom the model's test learns from, the acquisition plan the forecast
includes, and the calibration fit beside the refit. `mkt_engineering.ltv.explain` re-exports
every name, so a report calls them all as ``explain.<name>``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from mkt_engineering.formatting import Language, date, number, percent
from mkt_engineering.text import markdown_literal


def _t(language: Language, english: str, german: str) -> str:
    """The sentence in the reader's language (English unless ``"de"``)."""
    return german if language == "de" else english


def fit_comparison(calibration_model, full_model) -> pl.DataFrame:
    """The purchase model fitted on the calibration period beside the refit on all orders.

    Published results (CDNOW: Fader, Hardie & Lee 2005) are fits on a calibration period,
    so the first column is the one to compare with them; the report's values use the second.

    Parameters
    ----------
    calibration_model, full_model : fitted purchase models
        The same model class, fitted on the calibration period and on all orders.

    Returns
    -------
    polars.DataFrame
        quantity (each parameter, then log_likelihood and customers), calibration_fit,
        all_data_fit.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> early = SimpleNamespace(params_={"r": 0.2426, "alpha": 4.4136}, log_likelihood_=-9582.43,
    ...                         n_customers_=2357)
    >>> late = SimpleNamespace(params_={"r": 0.25, "alpha": 4.1}, log_likelihood_=-12000.0,
    ...                        n_customers_=2357)
    >>> fit_comparison(early, late)["calibration_fit"].to_list()
    [0.2426, 4.4136, -9582.43, 2357.0]
    """
    names = list(calibration_model.params_)

    def column(model) -> list[float]:
        customers = getattr(model, "n_customers_", None)
        return [float(model.params_[name]) for name in names] + [
            float(model.log_likelihood_),
            float(customers) if customers is not None else None,
        ]

    return pl.DataFrame(
        {
            "quantity": [*names, "log_likelihood", "customers"],
            "calibration_fit": column(calibration_model),
            "all_data_fit": column(full_model),
        }
    )


def explain_fit_comparison(
    table: pl.DataFrame, calibration_end, model_name: str = "BG/NBD", language: Language = "en"
) -> str:
    """The calibration fit's parameters and log-likelihood in words, beside the refit.

    Examples
    --------
    >>> table = pl.DataFrame({"quantity": ["r", "log_likelihood"],
    ...                       "calibration_fit": [0.2426, -9582.43],
    ...                       "all_data_fit": [0.25, -12000.0]})
    >>> print(explain_fit_comparison(table, dt.date(1997, 9, 30)))  # doctest: +NORMALIZE_WHITESPACE
    Fitted on the orders up to 30 Sep 1997 (the calibration period), the BG/NBD model has
    r = 0.2426, log-likelihood -9,582.43. Refitted on all orders, which the values below use:
    r = 0.2500, log-likelihood -12,000.00. Compare published results with the calibration fit:
    they are fits to a calibration period too.
    """

    def listed(column: str) -> str:
        parts = []
        for quantity, value in zip(table["quantity"], table[column], strict=True):
            if quantity == "customers" or value is None:
                continue
            if quantity == "log_likelihood":
                parts.append(
                    _t(language, "log-likelihood ", "Log-Likelihood ") + number(value, 2, language)
                )
            else:
                parts.append(f"{quantity} = {number(value, 4, language)}")
        return ", ".join(parts)

    end = date(calibration_end, language)
    return _t(
        language,
        f"Fitted on the orders up to {end} (the calibration period), the {model_name} model "
        f"has {listed('calibration_fit')}. Refitted on all orders, which the values below use: "
        f"{listed('all_data_fit')}. Compare published results with the calibration fit: they "
        "are fits to a calibration period too.",
        f"Angepasst an die Bestellungen bis {end} (den Kalibrierungszeitraum), hat das "
        f"{model_name}-Modell {listed('calibration_fit')}. Neu angepasst an alle Bestellungen, "
        f"die die Werte unten verwenden: {listed('all_data_fit')}. Vergleichen Sie "
        "veröffentlichte Ergebnisse mit der Anpassung an den Kalibrierungszeitraum: Auch sie "
        "sind an einen Kalibrierungszeitraum angepasst.",
    )


def explain_orders(
    orders: int,
    customers: int,
    first_day: dt.date,
    last_day: dt.date,
    margin: float,
    language: Language = "en",
) -> str:
    """What the report reads: orders, customers, the dates they span, and what values count.

    Parameters
    ----------
    orders, customers : int
        Orders and distinct customers in the data.
    first_day, last_day : datetime.date
        The first and last order day.
    margin : float
        The margin share the values count (1 = revenue).
    language : {"en", "de"}
        The reader's language.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> first, last = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
    >>> print(explain_orders(15283, 7381, first, last, 0.312))  # doctest: +NORMALIZE_WHITESPACE
    15,283 orders of 7,381 customers, from 01 Jan 2024 to 31 Dec 2025. Values below are in
    margin (31.2% of revenue).
    >>> print(explain_orders(15283, 7381, first, last, 1.0, "de"))
    ... # doctest: +NORMALIZE_WHITESPACE
    15.283 Bestellungen von 7.381 Kunden, vom 01.01.2024 bis 31.12.2025. Die Werte unten
    zählen den Umsatz.
    """
    counts = number(orders, 0, language), number(customers, 0, language)
    first, last = date(first_day, language), date(last_day, language)
    share = percent(margin, 1, language)
    if language == "de":
        basis = f"den Deckungsbeitrag ({share} des Umsatzes)" if margin < 1 else "den Umsatz"
        return (
            f"{counts[0]} Bestellungen von {counts[1]} Kunden, vom {first} bis {last}. "
            f"Die Werte unten zählen {basis}."
        )
    basis = f"margin ({share} of revenue)" if margin < 1 else "revenue"
    return (
        f"{counts[0]} orders of {counts[1]} customers, from {first} to {last}. "
        f"Values below are in {basis}."
    )


def explain_calibration_sample(
    customers: int, calibration_end: dt.date, later: int, language: Language = "en"
) -> str:
    """Who the model's test learns from: customers up to the calibration end, and who is left out.

    Parameters
    ----------
    customers : int
        Customers in the calibration period.
    calibration_end : datetime.date
        The last day the model learns from.
    later : int
        Customers whose first order came after it.
    language : {"en", "de"}
        The reader's language.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> print(explain_calibration_sample(5282, dt.date(2025, 6, 30), 2099, "de"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Das Modell lernt aus 5.282 Kunden bis zum 30.06.2025; 2.099 Kunden haben erst später zum
    ersten Mal bestellt und fehlen im Test.
    """
    learned, left_out = number(customers, 0, language), number(later, 0, language)
    end = date(calibration_end, language)
    return _t(
        language,
        f"The model learns from {learned} customers up to {end}; {left_out} customers first "
        "ordered later and are left out of the test.",
        f"Das Modell lernt aus {learned} Kunden bis zum {end}; {left_out} Kunden haben erst "
        "später zum ersten Mal bestellt und fehlen im Test.",
    )


def explain_planned_acquisition(plan: dict[str, float], language: Language = "en") -> str:
    """The new cohorts of the acquisition plan that the forecast includes.

    Parameters
    ----------
    plan : dict of str to float
        New customers per month by channel (the user's own plan).
    language : {"en", "de"}
        The reader's language.

    Returns
    -------
    str
        Markdown (channel names as literal text).

    Examples
    --------
    >>> print(explain_planned_acquisition({"search": 1200, "social": 60}, "de"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Die Prognose oben enthält die neuen Kohorten des Akquiseplans: search 1.200 im Monat,
    social 60 im Monat.
    """
    per_month = _t(language, "a month", "im Monat")
    listed = ", ".join(
        f"{markdown_literal(name)} {number(count, 0, language)} {per_month}"
        for name, count in plan.items()
    )
    return _t(
        language,
        f"The forecast above includes the new cohorts of the acquisition plan: {listed}.",
        f"Die Prognose oben enthält die neuen Kohorten des Akquiseplans: {listed}.",
    )
