"""One number formatter for report text, tables, number cards and chart axes.

The rules, in English (``language="en"``) and German (``"de"``):

- counts get thousands separators ("12,345" / "12.345");
- a share is a percent ("31.3%" / "31,3 %"); a difference of two shares is in percentage
  points ("+1.6 points" / "+1,6 Prozentpunkte"); a relative change is a signed percent
  ("+12.3%"): the two are never mixed up;
- money carries the run's currency (`currency_for`): "€1,234.56" / "1.234,56 €";
- p-values read "p = 0.038" or "p < 0.001", never "2.7e-18";
- the last bin of a binned axis is open-ended: "14+ days", never "14–10000";
- dates read "30 Jun 2025" / "30.06.2025";
- table columns get human names with units (`column_label`: "clv" -> "CLV (€)"); reports
  show tables with them through `mkt_engineering.reporting.tables.human_table`.

Charts use the same rules through `vega_format` and `vega_label_expr` (see there).
Saved tables keep their full precision: this module only makes text for people.

Examples
--------
>>> percent(0.3127), percent(0.3127, language="de")
('31.3%', '31,3 %')
>>> points(0.0161, signed=True), change(0.123)
('+1.6 points', '+12.3%')
>>> money(1234.56, currency=currency_for("EUR")), money(1234.56, currency="€", language="de")
('€1,234.56', '1.234,56 €')
>>> p_value(2.7e-18), p_value(0.0383, language="de")
('p < 0.001', 'p = 0,038')
>>> bin_label(14, None, "days")
'14+ days'
>>> date(dt.date(2025, 6, 30)), date(dt.date(2025, 6, 30), language="de")
('30 Jun 2025', '30.06.2025')
>>> column_label("clv", currency=currency_for("€")), column_label("ltv_cac", language="de")
('CLV (€)', 'LTV : CAC')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "de"]
MISSING = "–"  # a value that does not exist (NaN, null): named as missing, never as 0

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.",
           "Nov.", "Dez."),
}  # fmt: skip


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _not_finite(value: float | None) -> str:
    """NaN and null as "–", infinities as "∞": shown as what they are, never as a number."""
    if value is None or math.isnan(value):
        return MISSING
    return "∞" if value > 0 else "-∞"


def number(value: float, decimals: int = 0, language: Language = "en") -> str:
    """A number with thousands separators in the reader's convention.

    Examples
    --------
    >>> number(1234567.891, 1), number(1234567.891, 1, "de"), number(float("nan"))
    ('1,234,567.9', '1.234.567,9', '–')
    """
    if not _finite(value):
        return _not_finite(value)
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.lstrip("-").replace(",", "") or 0) == 0:
        text = text[1:]  # -0.0 rounds to "0", not "-0"
    if language == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def count(value: float, language: Language = "en") -> str:
    """A count: whole, with thousands separators ("12,345" / "12.345")."""
    return number(value, 0, language)


def _signed(text: str, value: float, signed: bool) -> str:
    if signed and _finite(value) and not text.startswith("-") and value != 0:
        return "+" + text
    return text


def percent(
    share: float, decimals: int = 1, language: Language = "en", signed: bool = False
) -> str:
    """A share (0.25) as a percentage ('25.0%'; German puts a space before %).

    Examples
    --------
    >>> percent(0.25), percent(0.25, 0, "de"), percent(-0.007, signed=True)
    ('25.0%', '25 %', '-0.7%')
    """
    if not _finite(share):
        return _not_finite(share)
    text = _signed(number(100 * share, decimals, language), share, signed)
    return f"{text} %" if language == "de" else f"{text}%"


def change(relative: float, decimals: int = 1, language: Language = "en") -> str:
    """A relative change (treatment / control - 1) as a signed percent: '+12.3%'."""
    return percent(relative, decimals, language, signed=True)


def points(
    difference: float,
    decimals: int = 1,
    language: Language = "en",
    signed: bool = False,
    short: bool = False,
) -> str:
    """A difference of two shares in percentage points ('1.8 points', signed '+1.8 points').

    ``short`` abbreviates the German word ('+1,6 Pp.') where space is tight, as in a number
    card's large value; the English word is short already.

    Examples
    --------
    >>> points(0.018), points(0.016, signed=True, language="de")
    ('1.8 points', '+1,6 Prozentpunkte')
    >>> points(0.016, signed=True, language="de", short=True)
    '+1,6 Pp.'
    """
    word = ("Pp." if short else "Prozentpunkte") if language == "de" else "points"
    if not _finite(difference):
        return f"{_not_finite(difference)} {word}"
    return f"{_signed(number(100 * difference, decimals, language), difference, signed)} {word}"


@dataclass(frozen=True)
class Currency:
    """The currency amounts are shown in: its symbol and code, and where it came from.

    An empty symbol shows the code ("CHF 1,234.50"); empty both show plain numbers.
    `source` is "parameter", "data" (a sign in the revenue cells) or "none".
    """

    symbol: str = ""
    code: str = ""
    source: str = "none"

    @property
    def sign(self) -> str:
        """What is written next to an amount: the symbol, else the code, else nothing."""
        return self.symbol or self.code

    def unit(self) -> str:
        """' (EUR)' for axis titles and table headers; '' without a currency."""
        return f" ({self.code or self.symbol})" if self.sign else ""

    def describe(self, language: Language = "en") -> str:
        """One sentence saying the currency and how it was chosen."""
        name = f"{self.code} ({self.symbol})" if self.code and self.symbol else self.sign
        if language == "de":
            return {
                "parameter": f"Beträge in {name}, wie im Parameter currency angegeben.",
                "data": f"Beträge in {name}: das Zeichen {self.sign} steht in der Umsatzspalte.",
            }.get(self.source, "Beträge ohne Währung: die Daten nennen keine (Parameter currency).")
        return {
            "parameter": f"Amounts are in {name}, as given by the currency parameter.",
            "data": f"Amounts are in {name}: the revenue column is written with {self.sign}.",
        }.get(
            self.source,
            "Amounts carry no currency sign: the data name none (set the currency parameter "
            "to show one).",
        )


# Symbols and codes the kit knows; any other three-letter code is shown as it is.
_CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}


def currency_for(value: str = "", found: str | None = None) -> Currency:
    """The report currency from a parameter (symbol or code) or, when it is "", the data.

    Parameters
    ----------
    value : str
        "€", "EUR", "$", "USD", any three-letter code, or "" to use `found`.
    found : str, optional
        The sign or code the loader found in the revenue cells (``quality.currency_signs``).

    Returns
    -------
    Currency

    Raises
    ------
    ParameterError
        `value` is neither a known symbol nor a three-letter code.

    Examples
    --------
    >>> currency_for("EUR")
    Currency(symbol='€', code='EUR', source='parameter')
    >>> currency_for("", found="$").describe()
    'Amounts are in USD ($): the revenue column is written with $.'
    >>> money(12.5, currency=currency_for(""))
    '12.50'
    """
    from mkt_engineering.errors import ParameterError

    text, source = (value.strip(), "parameter") if value.strip() else (found or "", "data")
    if not text:
        return Currency()
    by_code = {code: symbol for symbol, code in _CURRENCIES.items()}
    if text in _CURRENCIES:
        code = _CURRENCIES[text]
        return Currency("" if code == text else text, code, source)
    if re.fullmatch(r"[A-Za-z]{3}", text):
        code = text.upper()
        symbol = by_code.get(code, "")
        return Currency("" if symbol == code else symbol, code, source)
    raise ParameterError(
        f"parameter 'currency': {text[:20]!r} is no currency; give a symbol (€, $, £) or a "
        'three-letter code (EUR, USD, CHF), or "" to take it from the data'
    )


def _sign_of(currency: str | Currency | None) -> str:
    if currency is None:
        return ""
    return currency.sign if isinstance(currency, Currency) else currency


def money(
    value: float,
    decimals: int = 2,
    currency: str | Currency = "€",
    language: Language = "en",
    signed: bool = False,
) -> str:
    """An amount of money: '€1,234.50' in English, '1.234,50 €' in German.

    A code instead of a symbol is set apart by a space ('CHF 1,234.50'); an empty currency
    gives the plain number. The minus sign comes first ('-€5.00').

    Examples
    --------
    >>> money(-5, currency="$"), money(1.02, currency="CHF", signed=True)
    ('-$5.00', '+CHF 1.02')
    """
    if not _finite(value):
        return _not_finite(value)
    text = number(abs(value), decimals, language)
    sign = _sign_of(currency)
    if sign and language == "de":
        text = f"{text} {sign}"
    elif sign:
        text = f"{sign} {text}" if sign.isalpha() else f"{sign}{text}"
    negative = value < 0 and number(abs(value), decimals) != number(0, decimals)
    return ("-" if negative else "+" if signed and value > 0 else "") + text


def p_value(p: float, language: Language = "en") -> str:
    """A p-value as people read it: 'p = 0.038', 'p < 0.001', never an exponent.

    Examples
    --------
    >>> p_value(0.43), p_value(1e-9), p_value(float("nan"))
    ('p = 0.43', 'p < 0.001', 'p not computable')
    """
    if not _finite(p):
        return "p nicht berechenbar" if language == "de" else "p not computable"
    if p < 0.001:
        return f"p < {number(0.001, 3, language)}"
    return f"p = {number(p, 2 if p >= 0.1 else 3, language)}"  # 0.43, 0.038, 0.004


def _edge(value: float, language: Language) -> str:
    decimals = 0 if float(value).is_integer() else len(f"{value:g}".partition(".")[2])
    return number(value, min(decimals, 3), language)


def bin_label(low: float, high: float | None, unit: str = "", language: Language = "en") -> str:
    """A bin between two edges; an open upper end (None, inf) reads '14+ days'.

    Examples
    --------
    >>> bin_label(7, 14, "days"), bin_label(72, float("inf"), "h"), bin_label(2.5, 4)
    ('7–14 days', '72+ h', '2.5–4')
    >>> bin_label(1.5, 2.5, "E-Mails pro Woche", language="de")
    '1,5–2,5 E-Mails pro Woche'
    """
    unit_text = f" {unit}" if unit else ""
    if high is None or math.isinf(high):
        return f"{_edge(low, language)}+{unit_text}"
    return f"{_edge(low, language)}–{_edge(high, language)}{unit_text}"


def bin_labels(edges: list[float], unit: str = "", language: Language = "en") -> list[str]:
    """Labels of the bins between consecutive edges; the last bin is open-ended.

    The last edge of a binning is a catch-all (10000 days, 100 e-mails, a score of 101), so it
    is never shown: the last bin reads "4+".

    Examples
    --------
    >>> bin_labels([0, 1.5, 2.5, 4, 100], "e-mails a week")
    ['0–1.5 e-mails a week', '1.5–2.5 e-mails a week', '2.5–4 e-mails a week', '4+ e-mails a week']
    """
    pairs = list(zip(edges[:-1], edges[1:], strict=True))
    return [
        bin_label(low, None if i == len(pairs) - 1 else high, unit, language)
        for i, (low, high) in enumerate(pairs)
    ]


_RANGE = re.compile(r"^\s*(-?[\d.,]+)\s*[–-]\s*(?:[\d.,]+|inf|∞)(\s*.*)$")


def open_bin(label: str) -> str:
    """The label of a last bin with its placeholder upper edge removed: '14–10000' -> '14+'.

    Examples
    --------
    >>> open_bin("72–inf h"), open_bin("80–101"), open_bin("4–100 e-mails")
    ('72+ h', '80+', '4+ e-mails')
    """
    match = _RANGE.match(str(label))
    return f"{match.group(1)}+{match.group(2)}" if match else str(label)


def date(value: dt.date | dt.datetime, language: Language = "en", style: str = "day") -> str:
    """A date: '30 Jun 2025' / '30.06.2025'; ``style="month"``: 'Jun 2025' / 'Juni 2025'.

    Examples
    --------
    >>> date(dt.date(2026, 3, 1), style="month"), date(dt.date(2026, 3, 1), "de", "month")
    ('Mar 2026', 'März 2026')
    """
    month = _MONTHS[language][value.month - 1]
    if style == "month":
        return f"{month} {value.year}"
    if language == "de":
        return f"{value.day:02d}.{value.month:02d}.{value.year}"
    return f"{value.day:02d} {month} {value.year}"


# --- Table columns --------------------------------------------------------------------

# name -> (English, German); "{money}" is replaced by the currency unit (" (€)").
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "channel": ("Channel", "Kanal"),
    "acquisition_channel": ("Channel", "Kanal"),
    "customers": ("Customers", "Kunden"),
    "clv": ("CLV{money}", "CLV{money}"),
    "clv_lower": ("CLV, low{money}", "CLV, unten{money}"),
    "clv_upper": ("CLV, high{money}", "CLV, oben{money}"),
    "cac": ("CAC{money}", "CAC{money}"),
    "spend": ("Spend{money}", "Ausgaben{money}"),
    "revenue": ("Revenue{money}", "Umsatz{money}"),
    "expected_revenue": ("Expected revenue{money}", "Erwarteter Umsatz{money}"),
    "cost_per_conversion": ("Cost per conversion{money}", "Kosten je Conversion{money}"),
    "ltv_cac": ("LTV : CAC", "LTV : CAC"),
    "roas": ("ROAS", "ROAS"),
    "payback_month": ("Payback month", "Amortisiert im Monat"),
    "fitted_on": ("Fitted on", "Geschätzt auf"),
    "parameter": ("Parameter", "Parameter"),
    "estimate": ("Estimate", "Schätzwert"),
    "standard_error": ("Standard error", "Standardfehler"),
    "se": ("Standard error", "Standardfehler"),
    "lower_95": ("95% low", "95 % unten"),
    "upper_95": ("95% high", "95 % oben"),
    "ci_low": ("95% low", "95 % unten"),
    "ci_high": ("95% high", "95 % oben"),
    "best_rank": ("Best rank", "Bester Rang"),
    "worst_rank": ("Worst rank", "Schlechtester Rang"),
    "best_model": ("Best under", "Am besten unter"),
    "worst_model": ("Worst under", "Am schlechtesten unter"),
    "flips": ("Moves 3+ places", "Springt 3+ Plätze"),
    "stage": ("Stage", "Stufe"),
    "leads": ("Leads", "Leads"),
    "from_previous": ("Of previous stage", "Von der Vorstufe"),
    "from_created": ("Of all leads", "Von allen Leads"),
    "part": ("Part", "Teil"),
    "term": ("Term", "Term"),
    "covariate": ("Trait", "Merkmal"),
    "coef": ("Coefficient", "Koeffizient"),
    "hazard_ratio": ("Hazard ratio", "Hazard Ratio"),
    "p_value": ("p", "p"),
    "p_adjusted": ("p (adjusted)", "p (korrigiert)"),
    "threshold": ("Score threshold", "Score-Schwelle"),
    "contacts_below": ("Calls below", "Anrufe darunter"),
    "win_rate_below": ("Win rate below", "Abschlussquote darunter"),
    "win_rate_above": ("Win rate at or above", "Abschlussquote ab Schwelle"),
    "extra_wins": ("Extra wins", "Zusätzliche Abschlüsse"),
    "extra_wins_low": ("Extra wins, 95% low", "Zusätzliche Abschlüsse, 95 % unten"),
    "extra_wins_high": ("Extra wins, 95% high", "Zusätzliche Abschlüsse, 95 % oben"),
    "recommended": ("Recommended", "Empfohlen"),
    "metric": ("Metric", "Metrik"),
    "role": ("Role", "Rolle"),
    "variant": ("Variant", "Variante"),
    "control_value": ("Control", "Kontrolle"),
    "treatment_value": ("Treatment", "Variante B"),
    "effect": ("Change", "Änderung"),
    "guardrail_status": ("Guardrail", "Leitplanke"),
}


def column_label(
    name: str, language: Language = "en", currency: str | Currency | None = None
) -> str:
    """The human header of a result column, with its unit: 'clv' -> 'CLV (€)'.

    Unknown names read as words ('days_in_nurturing' -> 'Days in nurturing'). Money columns
    name the currency when there is one (its symbol, else its code).

    Examples
    --------
    >>> column_label("cac", currency=currency_for("USD")), column_label("cac")
    ('CAC ($)', 'CAC')
    >>> column_label("days_in_nurturing")
    'Days in nurturing'
    """
    labels = COLUMN_LABELS.get(name)
    if labels is None:
        words = name.replace("_", " ").strip()
        return words[:1].upper() + words[1:]
    sign = _sign_of(currency)
    unit = f" ({sign})" if sign else ""
    return labels[language == "de"].replace("{money}", unit)


# --- Chart axes, legends and tooltips (Vega-Lite) -------------------------------------


def vega_label_expr(
    kind: str,
    field: str = "datum.value",
    language: Language = "en",
    currency: str | Currency | None = None,
    decimals: int | None = None,
) -> str:
    """A Vega expression that formats `field` by the rules above, for axes and tooltips.

    Use it as an axis ``labelExpr`` (``field="datum.value"``) or in a ``calculate``
    transform for a tooltip field (``field="datum.effect"``). Vega's ``format`` follows the
    chart's locale, which `mkt_engineering.charts.theme` sets per language, so separators
    come out German in German reports.

    Parameters
    ----------
    kind : {"count", "number", "percent", "points", "change", "money"}
        "percent" for shares (0.25 -> 25%), "points" for differences of shares,
        "change" for relative changes, "money" for amounts in `currency`.
    field : str
        The Vega expression of the value.
    decimals : int, optional
        Digits after the point (defaults: 0 for counts, 1 for percent and points, 2 for money).

    Returns
    -------
    str

    Examples
    --------
    >>> vega_label_expr("points")
    "(datum.value > 0 ? '+' : '') + format(datum.value * 100, '.1f') + ' points'"
    >>> vega_label_expr("money", language="de", currency="€", decimals=0)
    "format(datum.value, ',.0f') + ' €'"
    """
    places = {"count": 0, "money": 2}.get(kind, 1) if decimals is None else decimals
    plus = f"({field} > 0 ? '+' : '') + "
    if kind == "points":
        word = "Prozentpunkte" if language == "de" else "points"
        return f"{plus}format({field} * 100, '.{places}f') + ' {word}'"
    if kind in ("percent", "change"):
        space = " " if language == "de" else ""
        text = f"format({field} * 100, ',.{places}f') + '{space}%'"
        return plus + text if kind == "change" else text
    if kind == "money":
        sign = _sign_of(currency)
        text = f"format({field}, ',.{places}f')"
        if not sign:
            return text
        if language == "de":
            return f"{text} + ' {sign}'"
        gap = " " if sign.isalpha() else ""
        return f"({field} < 0 ? '-' : '') + '{sign}{gap}' + format(abs({field}), ',.{places}f')"
    return f"format({field}, ',.{places}f')"


def vega_format(kind: str, decimals: int | None = None) -> dict[str, object]:
    """``format`` and ``formatType`` for an axis, legend or tooltip, where d3 can say it.

    d3-format has no percentage points and no run currency: for "points" and "money" use
    `vega_label_expr` instead. Counts get whole ticks only (``tickMinStep``, axes only).

    Examples
    --------
    >>> vega_format("percent")
    {'format': '.1%', 'formatType': 'number'}
    >>> vega_format("count")
    {'format': ',d', 'formatType': 'number', 'tickMinStep': 1}
    """
    if kind == "count":
        return {"format": ",d", "formatType": "number", "tickMinStep": 1}
    if kind in ("percent", "change"):
        places = 1 if decimals is None else decimals
        return {"format": f"{'+' if kind == 'change' else ''}.{places}%", "formatType": "number"}
    if kind in ("points", "money"):
        raise ValueError(f"{kind!r} has no d3 format; use vega_label_expr({kind!r}, ...)")
    places = 2 if decimals is None else decimals
    return {"format": f",.{places}f", "formatType": "number"}
