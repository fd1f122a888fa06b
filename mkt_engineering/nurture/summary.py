"""The nurture report's answer first: a headline true for all leads, cards, action, bullets.

The headline speaks of all leads, not only those that qualify. When fewer than half of the
leads reach MQL, "median 29 days to MQL" would be false for all leads (there is no median);
it then says how many qualify within the time shown and how long those who do take:
"38% of leads reach MQL within 180 days; those who do take a median 29 days".

Examples
--------
>>> import polars as pl
>>> curve = pl.DataFrame({"time": [10.0, 20.0, 40.0, 200.0],
...                       "survival": [0.9, 0.8, 0.7, 0.7]})
>>> summarize(leads=100, curve=curve, horizon_days=180).headline
'30% of leads reach MQL within 180 days; those who do take a median 20 days'
>>> summarize(leads=100, curve=curve, horizon_days=180, language="de").headline
'30 % der Leads erreichen MQL innerhalb von 180 Tagen; wer es schafft, braucht im Median 20 Tage'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from mkt_engineering.answers import Card, Summary
from mkt_engineering.formatting import Language, count, number, open_bin, percent, points


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


@dataclass(frozen=True)
class TimeToMql:
    """What the Kaplan-Meier curve says about all leads up to `days`.

    share: leads qualified by `days`; low/high: its 95% interval (None without one);
    median_all: day by which half of all leads qualify (None when fewer than half do);
    median_qualifiers: day by which half of those qualifying by `days` have qualified.
    """

    days: float
    share: float
    low: float | None
    high: float | None
    median_all: float | None
    median_qualifiers: float | None


def time_to_mql(curve: pl.DataFrame, days: float) -> TimeToMql:
    """Read the share qualified by `days` and both medians from a Kaplan-Meier curve.

    Beyond the curve's last time nothing is known, so `days` is cut to it.

    Parameters
    ----------
    curve : polars.DataFrame
        ``nurture.kaplan_meier`` output (time, survival; optionally ci_low, ci_high).
    days : float
        The time the headline speaks of (the report's ``max_days``).

    Returns
    -------
    TimeToMql

    Examples
    --------
    >>> curve = pl.DataFrame({"time": [5.0, 9.0, 30.0], "survival": [0.6, 0.4, 0.3]})
    >>> result = time_to_mql(curve, 100)
    >>> result.days, round(result.share, 2), result.median_all, result.median_qualifiers
    (30.0, 0.7, 9.0, 5.0)
    """
    times = curve["time"].to_numpy()
    survival = curve["survival"].to_numpy()
    days = float(min(days, times.max())) if times.size else float(days)
    index = np.searchsorted(times, days, side="right") - 1  # the step in force at `days`
    share = 0.0 if index < 0 else 1.0 - float(survival[index])
    low = high = None
    if index >= 0 and {"ci_low", "ci_high"} <= set(curve.columns):
        low = 1.0 - float(curve["ci_high"][int(index)])
        high = 1.0 - float(curve["ci_low"][int(index)])
    qualified = 1.0 - survival
    return TimeToMql(
        days,
        share,
        low,
        high,
        _first_time(times, qualified, 0.5),
        _first_time(times, qualified, share / 2) if share > 0 else None,
    )


def _first_time(times: np.ndarray, qualified: np.ndarray, level: float) -> float | None:
    reached = np.flatnonzero(qualified >= level - 1e-12)
    return float(times[reached[0]]) if reached.size else None


def headline(time: TimeToMql | None, leads: int, language: Language = "en") -> str:
    """One sentence true for all leads (see the module docstring).

    Examples
    --------
    >>> headline(TimeToMql(180, 0.62, None, None, 23.0, 15.0), 1000)
    'Half of all leads reach MQL within 23 days; 62% within 180 days'
    """
    if time is None:
        return _t(
            language,
            f"{count(leads)} leads; the time to MQL could not be computed from this export",
            f"{count(leads, 'de')} Leads; die Zeit bis MQL lässt sich aus diesem Export "
            "nicht berechnen",
        )
    days = number(time.days, 0, language)
    if time.share <= 0:
        return _t(
            language,
            f"No lead reached MQL within {days} days",
            f"Kein Lead hat innerhalb von {days} Tagen MQL erreicht",
        )
    share = percent(time.share, 0, language)
    if time.median_all is not None:
        median = number(time.median_all, 0, language)
        return _t(
            language,
            f"Half of all leads reach MQL within {median} days; {share} within {days} days",
            f"Die Hälfte aller Leads erreicht MQL innerhalb von {median} Tagen; {share} "
            f"innerhalb von {days} Tagen",
        )
    median = number(time.median_qualifiers, 0, language)
    return _t(
        language,
        f"{share} of leads reach MQL within {days} days; those who do take a median {median} days",
        f"{share} der Leads erreichen MQL innerhalb von {days} Tagen; wer es schafft, "
        f"braucht im Median {median} Tage",
    )


def _time_card(time: TimeToMql, language: Language) -> Card:
    days = number(time.days, 0, language)
    interval = None
    if time.low is not None and time.high is not None:
        interval = _t(language, "95% interval: ", "95-%-Intervall: ") + (
            f"{percent(time.low, 0, language)} – {percent(time.high, 0, language)}"
        )
    return Card(
        _t(language, f"Leads reaching MQL within {days} days", f"Leads mit MQL in {days} Tagen"),
        percent(time.share, 0, language),
        _t(language, "of all leads, still-open ones counted", "aller Leads, offene mitgezählt"),
        interval,
    )


def _speed_card(time: TimeToMql, never: float | None, language: Language) -> Card | None:
    if time.median_qualifiers is None:
        return None
    comparison = None
    if never is not None:
        comparison = _t(
            language,
            f"cure model: {percent(never, 0, language)} never qualify",
            f"Heilungsmodell: {percent(never, 0, language)} qualifizieren sich nie",
        )
    return Card(
        _t(
            language,
            f"Median days to MQL, leads qualifying within {number(time.days, 0)} days",
            f"Median Tage bis MQL, Qualifizierte in {number(time.days, 0, 'de')} Tagen",
        ),
        number(time.median_qualifiers, 0, language) + _t(language, " days", " Tage"),
        comparison,
    )


def _early_call_card(effect: pl.DataFrame, language: Language) -> Card:
    rows = {row["measure"]: row for row in effect.iter_rows(named=True)}
    early = rows["win rate, called before ready"]
    adjusted = rows["difference, adjusted"]
    gap = points(adjusted["estimate"], 0, language, signed=True)
    low = number(100 * adjusted["ci_low"], 0, language)
    low = f"+{low}" if adjusted["ci_low"] > 0 else low
    high = points(adjusted["ci_high"], 0, language, signed=True)
    return Card(
        _t(language, "Win rate, called before ready", "Abschlussquote, zu früh angerufen"),
        percent(early["estimate"], 0, language),
        _t(language, f"{gap} vs similar leads called when ready",
           f"{gap} ggü. ähnlichen Leads, die reif angerufen wurden"),
        _t(language, f"95% interval: {low} to {high}", f"95-%-Intervall: {low} bis {high}"),
    )  # fmt: skip


def _forecast_card(expected: pl.DataFrame, days: float, language: Language) -> Card:
    row = expected.row(0, named=True)
    spread = number(2 * row["sd"], 0, language)
    return Card(
        _t(language, f"Expected MQLs, next {number(days, 0)} days",
           f"Erwartete MQLs, nächste {number(days, 0, 'de')} Tage"),
        number(row["expected_mqls"], 0, language),
        _t(language, f"from {count(row['open_leads'])} leads still in nurturing",
           f"aus {count(row['open_leads'], 'de')} Leads noch im Nurturing"),
        _t(language, f"about ± {spread}", f"etwa ± {spread}"),
    )  # fmt: skip


def action(handoff: pl.DataFrame | None, language: Language = "en") -> str:
    """The recommended handoff rule, or what is missing to give one.

    Examples
    --------
    >>> action(None)
    'No handoff advice yet: the data hold no sales calls whose outcome is known.'
    """
    if handoff is None:
        return _t(
            language,
            "No handoff advice yet: the data hold no sales calls whose outcome is known.",
            "Noch keine Empfehlung zur Übergabe: die Daten enthalten keine Vertriebsanrufe "
            "mit bekanntem Ausgang.",
        )
    chosen = handoff.filter(pl.col("recommended"))
    if chosen.is_empty():
        return _t(
            language,
            "Keep the current handoff rule: no score threshold separates calls with clearly "
            "lower win rates.",
            "Die bisherige Übergaberegel beibehalten: keine Score-Schwelle trennt Anrufe mit "
            "deutlich niedrigerer Abschlussquote.",
        )
    row = chosen.row(0, named=True)
    threshold, below, above = (
        number(row["threshold"], 0, language),
        percent(row["win_rate_below"], 0, language),
        percent(row["win_rate_above"], 0, language),
    )
    wins = [
        number(row[k], 0, language) for k in ("extra_wins", "extra_wins_low", "extra_wins_high")
    ]
    return _t(
        language,
        f"Hand leads to sales once their score reaches {threshold}: calls below it won "
        f"{below}, at or above it {above}. Waiting could bring about {wins[0]} more wins "
        f"(95% interval {wins[1]} to {wins[2]}; observational, so test it).",
        f"Leads ab einem Score von {threshold} an den Vertrieb übergeben: Anrufe darunter "
        f"gewannen {below}, ab der Schwelle {above}. Warten könnte etwa {wins[0]} Abschlüsse "
        f"mehr bringen (95-%-Intervall {wins[1]} bis {wins[2]}; beobachtet, also testen).",
    )


def _time_bullet(curve: pl.DataFrame, check_days, language: Language) -> str:
    from mkt_engineering.nurture.survival import survival_at

    shares = 1 - survival_at(curve, list(check_days))
    parts = [
        _t(language, f"{percent(s, 0)} by day {d:g}", f"{percent(s, 0, 'de')} bis Tag {d:g}")
        for d, s in zip(check_days, shares, strict=True)
    ]
    return _t(
        language,
        f"Qualified: {', '.join(parts)} (Kaplan-Meier, counting the leads still in nurturing).",
        f"Qualifiziert: {', '.join(parts)} (Kaplan-Meier, mit den Leads noch im Nurturing).",
    )


def _cure_bullet(never: float, latency: float | None, language: Language) -> str:
    text = _t(
        language,
        f"The cure model estimates that {percent(never, 0)} of the leads will never reach MQL",
        f"Das Heilungsmodell schätzt, dass {percent(never, 0, 'de')} der Leads nie MQL erreichen",
    )
    if latency is None:
        return text + "."
    return text + _t(
        language,
        f"; those that ever do take a median {number(latency, 0)} days.",
        f"; wer es je schafft, braucht im Median {number(latency, 0, 'de')} Tage.",
    )


def _fatigue_bullet(fatigue: pl.DataFrame, language: Language) -> str:
    low, high = fatigue.row(0, named=True), fatigue.row(-1, named=True)
    top = open_bin(high["emails_per_week"])
    if language == "de":
        top, bottom = top.replace(".", ","), low["emails_per_week"].replace(".", ",")
        return (
            f"Bei {top} E-Mails pro Woche melden sich "
            f"{percent(high['weekly_probability'], 1, 'de')} der Leads je Woche ab, bei "
            f"{bottom} sind es {percent(low['weekly_probability'], 1, 'de')}."
        )
    return (
        f"At {top} e-mails a week, {percent(high['weekly_probability'], 1)} of the leads "
        f"unsubscribe per week; at {low['emails_per_week']}, "
        f"{percent(low['weekly_probability'], 1)}."
    )


def _exclusion_bullet(targeted: pl.DataFrame, wins: pl.DataFrame, language: Language) -> str:
    excluded = int((~targeted["reaches_sales"]).sum())
    won = int(wins["wins"].sum()) if wins.height else 0
    share = percent(excluded / max(targeted.height, 1), 0, language)
    return _t(
        language,
        f"The targeting rules keep {count(excluded)} of {count(targeted.height)} leads "
        f"({share}) from reaching sales through nurturing; they still brought {count(won)} wins.",
        f"Die Zielgruppenregeln halten {count(excluded, 'de')} von {count(targeted.height, 'de')}"
        f" Leads ({share}) vom Vertrieb über das Nurturing fern; sie brachten trotzdem "
        f"{count(won, 'de')} Abschlüsse.",
    )


def summarize(
    *,
    leads: int,
    curve: pl.DataFrame | None = None,
    horizon_days: float = 180,
    check_days: tuple[float, ...] = (30, 60, 90),
    never_qualify: float | None = None,
    latency_days: float | None = None,
    green_banana: pl.DataFrame | None = None,
    handoff: pl.DataFrame | None = None,
    expected: pl.DataFrame | None = None,
    forecast_days: float = 30,
    fatigue: pl.DataFrame | None = None,
    targeted: pl.DataFrame | None = None,
    excluded_wins: pl.DataFrame | None = None,
    language: Language = "en",
) -> Summary:
    """The nurture report's summary from the results it computed (None: section not shown).

    Parameters
    ----------
    leads : int
        Leads in the timeline.
    curve : polars.DataFrame, optional
        Kaplan-Meier curve of time to MQL for all leads (``nurture.kaplan_meier``).
    horizon_days : float
        The days the headline speaks of (the report's ``max_days``).
    check_days : tuple of float
        Days at which the bullet reads the share qualified.
    never_qualify, latency_days : float, optional
        The cure model's share that never qualifies and the median days of those who do.
    green_banana, handoff : polars.DataFrame, optional
        ``green_banana_effect`` and ``handoff_rule`` results.
    expected : polars.DataFrame, optional
        ``expected_qualifications`` (open_leads, expected_mqls, sd) for `forecast_days`.
    fatigue : polars.DataFrame, optional
        ``unsubscribe_by_frequency`` result.
    targeted, excluded_wins : polars.DataFrame, optional
        ``apply_targeting`` and ``excluded_conversions`` results.
    language : {"en", "de"}

    Returns
    -------
    Summary
        Headline true for all leads, 1-4 cards, the handoff action, up to 5 bullets.

    Examples
    --------
    >>> summarize(leads=1200, language="de").headline
    '1.200 Leads; die Zeit bis MQL lässt sich aus diesem Export nicht berechnen'
    """
    time = time_to_mql(curve, horizon_days) if curve is not None and curve.height else None
    cards = []
    if time is not None:
        cards += [_time_card(time, language), _speed_card(time, never_qualify, language)]
    else:
        cards.append(Card(_t(language, "Leads", "Leads"), count(leads, language)))
    if green_banana is not None:
        cards.append(_early_call_card(green_banana, language))
    if expected is not None and expected.height:
        cards.append(_forecast_card(expected, forecast_days, language))
    bullets = []
    if time is not None:
        bullets.append(_time_bullet(curve, check_days, language))
    if never_qualify is not None:
        bullets.append(_cure_bullet(never_qualify, latency_days, language))
    if fatigue is not None and fatigue.height:
        bullets.append(_fatigue_bullet(fatigue, language))
    if targeted is not None and excluded_wins is not None:
        bullets.append(_exclusion_bullet(targeted, excluded_wins, language))
    return Summary(
        headline(time, leads, language),
        tuple(card for card in cards if card is not None)[:4],
        action(handoff, language),
        tuple(bullets[:5]),
    )
