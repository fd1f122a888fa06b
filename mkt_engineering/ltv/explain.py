"""Plain-language readings of the lifetime-value results, one sentence per number.

Examples
--------
>>> print(explain_holdout({"aggregate_error": -0.05, "mae": 0.61, "actual_purchases": 1882.0,
...                        "predicted_purchases": 1788.0, "large_error": False}))
... # doctest: +NORMALIZE_WHITESPACE
In the holdout period customers made 1,882 repeat purchases; the model expected 1,788, 5.0%
fewer. Per customer the prediction was off by 0.61 purchases on average. That is close enough
to trust the forecasts below.
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.text import Currency, Language, markdown_literal, money, number, percent

Money = str | Currency  # a symbol ("€") or a report's Currency (text.currency_for)


def explain_cohorts(
    matrix: pl.DataFrame, metric: str = "retention", language: Language = "en"
) -> str:
    """What the cohort table says: size of the cohorts and how many come back."""
    sizes = matrix.filter(pl.col("period") == 0)
    text = (
        f"The table follows {sizes.height} cohorts of on average "
        f"{number(sizes['cohort_size'].mean(), 0, language)} new customers each, from the "
        "period of their first order onwards."
    )
    if metric == "retention":
        second = matrix.filter(pl.col("period") == 1).drop_nulls("value")
        later = matrix.filter(pl.col("period") == 6).drop_nulls("value")
        if second.height:
            text += (
                " In the period after their first order, "
                f"{percent(second['value'].mean(), 1, language)} of a cohort buy again"
            )
            text += (
                f"; six periods later it is {percent(later['value'].mean(), 1, language)}."
                if later.height
                else "."
            )
    text += " Grey cells lie in the future: they are not zero, just not observed yet."
    if "partial" in matrix.columns and matrix["partial"].any():
        text += (
            " The last period had not ended when the data stop, so its cells are grey too: "
            "a few days of a period would read as a false drop."
        )
    return text


def explain_model(model, time_unit: str = "week", language: Language = "en") -> str:
    """The fitted purchase model's parameters in words."""
    name = type(model).__name__
    p = model.params_
    if name in ("BetaGeo", "ModifiedBetaGeo"):
        rate, leave = p["r"] / p["alpha"], p["a"] / (p["a"] + p["b"])
        return (
            f"While active, the average customer buys {number(rate, 3, language)} times per "
            f"{time_unit} (about {number(rate * 52 if time_unit == 'week' else rate, 1, language)} "
            "times a year). After each "
            f"purchase, the average chance of never buying again is {percent(leave, 1, language)}. "
            "Customers differ a lot around these averages; the model uses the spread too."
        )
    if name == "ParetoNBD":
        rate, death = p["r"] / p["alpha"], p["s"] / p["beta"]
        return (
            f"While active, the average customer buys {number(rate, 3, language)} times per "
            f"{time_unit}; the average chance of leaving in a given {time_unit} is about "
            f"{percent(death, 2, language)}."
        )
    return f"{name}: " + ", ".join(f"{k} = {number(v, 3, language)}" for k, v in p.items())


def explain_spend(
    spend_model,
    check: pl.DataFrame | None = None,
    language: Language = "en",
    currency: Money = "€",
) -> str:
    """The spend model's average order value and the independence check."""
    text = (
        "A typical repeat order is worth "
        f"{money(spend_model.population_mean_spend(), 2, currency, language)}; customers with "
        "few orders are pulled towards that average, since their own mean is less certain."
    )
    if check is not None:
        rho = check.filter(pl.col("method") == "spearman")["correlation"].item()
        ok = abs(rho) < 0.3
        text += (
            f" Spend per order and number of orders are {'hardly' if ok else 'clearly'} related "
            f"(rank correlation {number(rho, 2, language)}), "
            + (
                "so the spend model's main assumption holds."
                if ok
                else "so the spend model's assumption is doubtful: read spend forecasts with care."
            )
        )
    return text


def explain_holdout(metrics: dict, language: Language = "en") -> str:
    """How well the model predicted the holdout period; warns when the error is large."""
    error = metrics["aggregate_error"]
    direction = "more" if error > 0 else "fewer"
    text = (
        "In the holdout period customers made "
        f"{number(metrics['actual_purchases'], 0, language)} repeat purchases; "
        f"the model expected {number(metrics['predicted_purchases'], 0, language)}, "
        f"{percent(abs(error), 1, language)} {direction}. Per customer the prediction was off by "
        f"{number(metrics['mae'], 2, language)} purchases on average."
    )
    if metrics["large_error"]:
        return text + (
            " ⚠️ That gap is large: the values below may be off by as much. Check for seasonality, "
            "a change in the business, or try another model."
        )
    return text + " That is close enough to trust the forecasts below."


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
    basis = "margin" if margin < 1 else "revenue"
    text = (
        f"Over the next {horizon_months} months an existing customer is worth "
        f"{money(values.mean(), 2, currency, language)} in discounted {basis} on average, "
        f"{money(total, 0, currency, language)} for all "
        f"{number(values.len(), 0, language)} customers. "
        f"The top 10% of customers bring {percent(top_share, 0, language)} of that value."
    )
    if "clv_lower" in clv.columns:
        text += (
            f" With the uncertainty of the model's estimates, the total lies between "
            f"{money(clv['clv_lower'].sum(), 0, currency, language)} and "
            f"{money(clv['clv_upper'].sum(), 0, currency, language)}."
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
    return (
        f"An average new customer is worth {money(value, 2, currency, language)} in the first "
        f"{horizon_months} months, first order included, discounted to today (likely between "
        f"{money(lower, 2, currency, language)} and "
        f"{money(upper, 2, currency, language)}). Set this against what it costs to acquire one."
    )


def explain_channels(channels: pl.DataFrame, language: Language = "en") -> str:
    """Best and worst channel by LTV:CAC, and payback."""
    ranked = channels.drop_nulls("ltv_cac").sort("ltv_cac", descending=True)
    if ranked.is_empty():
        return (
            "No channel has both a lifetime value and an acquisition cost, so no ratio can be "
            "shown."
        )
    best, worst = ranked.row(0, named=True), ranked.row(-1, named=True)
    text = (
        f"{markdown_literal(best['acquisition_channel'])} brings "
        f"{number(best['ltv_cac'], 1, language)} in value for every unit spent on acquisition"
    )
    text += (
        f", paying back in month {best['payback_month']}."
        if best["payback_month"] is not None
        else "."
    )
    text += (
        f" {markdown_literal(worst['acquisition_channel'])} returns "
        f"{number(worst['ltv_cac'], 1, language)}"
        + ("; it does not pay back within the horizon." if worst["payback_month"] is None else ".")
        + " A ratio below 1 means the customers cost more than they bring."
    )
    return text


def explain_forecast(
    forecast: pl.DataFrame, language: Language = "en", currency: Money = "€"
) -> str:
    """Total expected revenue, split into existing and planned customers."""
    totals = dict(forecast.group_by("kind").agg(pl.col("expected_revenue").sum()).iter_rows())
    months = forecast["month"].n_unique()
    text = (
        "Customers already won are expected to bring "
        f"{money(totals.get('existing', 0.0), 0, currency, language)} in the next {months} months."
    )
    if "planned" in totals:
        text += (
            f" The acquisition plan adds {money(totals['planned'], 0, currency, language)}, "
            "first orders included."
        )
    return text


def explain_retention(model, language: Language = "en") -> str:
    """sBG: churn heterogeneity in words."""
    rates = model.retention_rate(5)
    return (
        f"Of customers who start, {percent(rates[0], 0, language)} renew after the first period; "
        f"among those still there in period 5, {percent(rates[-1], 0, language)} renew. "
        "Retention rises because the customers most likely to leave leave first, not because "
        "anyone grows more loyal."
    )


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
    >>> import datetime as dt
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
                parts.append(f"log-likelihood {number(value, 2, language)}")
            else:
                parts.append(f"{quantity} = {number(value, 4, language)}")
        return ", ".join(parts)

    return (
        f"Fitted on the orders up to {calibration_end:%d %b %Y} (the calibration period), the "
        f"{model_name} model has {listed('calibration_fit')}. Refitted on all orders, which the "
        f"values below use: {listed('all_data_fit')}. Compare published results with the "
        "calibration fit: they are fits to a calibration period too."
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
