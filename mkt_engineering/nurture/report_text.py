"""The nurture report's own sentences around the analyses, in English and German.

What the event log holds, how to read a table or chart, and the lines the report adds to
an analysis' reading; the report calls them as ``report_text.<name>``. Fixed sentences are
in `TEXTS` (read with `text`); sentences with numbers are functions.

Examples
--------
>>> text("durations", "de").split(",")[0]
'Jeder Balken umfasst die mittlere Hälfte der Leads'
"""

from __future__ import annotations

import datetime as dt

from mkt_engineering.formatting import Language, date, number, p_value, percent
from mkt_engineering.text import markdown_literal

# Fixed sentences: key -> (English, German).
TEXTS: dict[str, tuple[str, str]] = {
    "won": (
        "Of all leads, {won} have been won so far; the table gives the share reaching each stage.",
        "Von allen Leads wurden bisher {won} gewonnen; die Tabelle zeigt den Anteil, der jede "
        "Stufe erreicht.",
    ),
    "durations": (
        "Each bar spans the middle half of the leads, the black tick marks the median, the line "
        "the 5th to 95th percentile. Only completed steps appear here, which makes them look "
        "faster than they are: the next section corrects for that.",
        "Jeder Balken umfasst die mittlere Hälfte der Leads, der schwarze Strich markiert den "
        "Median, die Linie das 5. bis 95. Perzentil. Hier erscheinen nur abgeschlossene "
        "Schritte, dadurch wirken sie schneller, als sie sind: Der nächste Abschnitt "
        "korrigiert das.",
    ),
    "cure_table": (
        "In the table, *incidence* terms are on the log-odds scale of ever qualifying (above 0: "
        "more likely than the reference group); *latency* terms on the log scale of the days "
        "needed (above 0: slower).",
        "In der Tabelle stehen die Terme der *Inzidenz* auf der Log-Odds-Skala der "
        "Qualifizierung überhaupt (über 0: wahrscheinlicher als die Referenzgruppe), die Terme "
        "der *Latenz* auf der Log-Skala der benötigten Tage (über 0: langsamer).",
    ),
    "no_time_varying": (
        " No trait's effect changes clearly over time.",
        " Die Wirkung keines Merkmals ändert sich deutlich über die Zeit.",
    ),
    "call_bars": (
        "The first bar holds the calls made before the lead qualified; the others by days "
        "between MQL and the call.",
        "Der erste Balken enthält die Kontakte, bevor sich der Lead qualifiziert hatte; die "
        "anderen sind nach Tagen zwischen MQL und Kontakt geordnet.",
    ),
    "rate_points": (
        " Points are rates, lines their 95% intervals.",
        " Punkte sind Raten, Linien ihre 95-%-Intervalle.",
    ),
    "recycled_title": (
        "Recycled leads not yet ready again",
        "Recycelte Leads, noch nicht wieder reif",
    ),
    "recycled_axis": ("days since recycling", "Tage seit dem Recycling"),
}


def text(key: str, language: Language = "en") -> str:
    """A fixed sentence of `TEXTS` in the reader's language.

    Examples
    --------
    >>> text("rate_points")
    ' Points are rates, lines their 95% intervals.'
    """
    english, german = TEXTS[key]
    return german if language == "de" else english


def explain_leads(
    leads: int,
    events: int,
    first_day: dt.date,
    last_day: dt.date,
    open_leads: int,
    language: Language = "en",
) -> str:
    """What the event log holds: leads, events, the dates, and leads still in nurturing.

    Examples
    --------
    >>> first, last = dt.date(2025, 1, 1), dt.date(2026, 3, 30)
    >>> print(explain_leads(1800, 17724, first, last, 447, "de"))
    ... # doctest: +NORMALIZE_WHITESPACE
    1.800 Leads mit 17.724 Ereignissen, angelegt ab dem 01.01.2025; die Daten enden am
    30.03.2026. 447 Leads sind noch im Nurturing.
    """
    counts = [number(value, 0, language) for value in (leads, events, open_leads)]
    first, last = date(first_day, language), date(last_day, language)
    if language == "de":
        return (
            f"{counts[0]} Leads mit {counts[1]} Ereignissen, angelegt ab dem {first}; die Daten "
            f"enden am {last}. {counts[2]} Leads sind noch im Nurturing."
        )
    return (
        f"{counts[0]} leads with {counts[1]} events, created from {first}; the data end on "
        f"{last}. {counts[2]} leads are still in nurturing."
    )


def explain_won(won: float, language: Language = "en") -> str:
    """The share of all leads won so far, above the funnel table."""
    return text("won", language).format(won=percent(won, 1, language))


def explain_log_rank(group_by: str, p: float, language: Language = "en") -> str:
    """The log-rank test between the groups' curves, with its p-value.

    Examples
    --------
    >>> print(explain_log_rank("persona", 2.7e-18))  # doctest: +NORMALIZE_WHITESPACE
    Curves by persona. The log-rank test asks whether the groups could share one curve:
    p < 0.001 (they clearly differ).
    """
    name, shown = markdown_literal(group_by), p_value(p, language)
    if language == "de":
        verdict = "(sie unterscheiden sich klar)." if p < 0.05 else "(kein klarer Unterschied)."
        return (
            f"Kurven nach {name}. Der Log-Rank-Test fragt, ob die Gruppen eine gemeinsame Kurve "
            f"haben könnten: {shown} {verdict}"
        )
    verdict = "(they clearly differ)." if p < 0.05 else "(no clear difference)."
    return (
        f"Curves by {name}. The log-rank test asks whether the groups could share one curve: "
        f"{shown} {verdict}"
    )


def group_chart_title(group_by: str, language: Language = "en") -> str:
    """The title of the survival chart by group."""
    if language == "de":
        return f"Anteil noch nicht qualifiziert, nach {group_by}"
    return f"Share not yet qualified, by {group_by}"


def explain_time_varying(flagged: list[str], language: Language = "en") -> str:
    """The traits whose Cox effect changes over time (appended to the Cox reading)."""
    if not flagged:
        return text("no_time_varying", language)
    names = ", ".join(markdown_literal(name) for name in flagged)
    if language == "de":
        return (
            f" Die Wirkung von {names} ändert sich über die Zeit; lesen Sie das Verhältnis als "
            "Durchschnitt."
        )
    return f" The effect of {names} changes over time; read its ratio as an average."


def explain_open_half_life(hours: float, language: Language = "en") -> str:
    """Half of all opens come within this many hours of the send."""
    shown = number(hours, 0, language)
    if language == "de":
        return f" Die Hälfte aller Öffnungen kommt innerhalb von {shown} Stunden nach dem Versand."
    return f" Half of all opens come within {shown} hours of the send."


def explain_recycling(recyclings: int, ready_again: float | None, language: Language = "en") -> str:
    """How many leads were recycled, and when half of them are ready again.

    Examples
    --------
    >>> print(explain_recycling(210, 94.2, "de"))  # doctest: +NORMALIZE_WHITESPACE
    210 Recyclings: Die Hälfte der recycelten Leads ist innerhalb von 94 Tagen wieder
    reif.
    """
    count = number(recyclings, 0, language)
    if language == "de":
        if ready_again is None:
            return (
                f"{count} Recyclings: Bisher ist weniger als die Hälfte der recycelten Leads "
                "wieder reif geworden."
            )
        days = number(ready_again, 0, language)
        return (
            f"{count} Recyclings: Die Hälfte der recycelten Leads ist innerhalb von {days} Tagen "
            "wieder reif."
        )
    if ready_again is None:
        return (
            f"{count} recyclings: fewer than half of the recycled leads have become ready again "
            "so far."
        )
    days = number(ready_again, 0, language)
    return f"{count} recyclings: half of the recycled leads are ready again within {days} days."


def explain_reach_precision(row: dict, language: Language = "en") -> str:
    """At the chosen score: the leads passed to sales, the share won, and their share of wins."""
    score = number(row["threshold"], 0, language)
    reach, precision, wins = (
        percent(row[key], 0, language) for key in ("reach", "precision", "share_of_wins")
    )
    if language == "de":
        return (
            f"Bei Score {score} gehen {reach} der Leads an den Vertrieb, und {precision} davon "
            f"werden gewonnen; sie stehen für {wins} aller Abschlüsse. Eine höhere Schwelle gibt "
            "weniger Leads weiter und gewinnt einen größeren Anteil davon."
        )
    return (
        f"At score {score}, {reach} of the leads are passed to sales and {precision} of them are "
        f"won; they account for {wins} of all wins. A higher threshold passes fewer leads and "
        "wins a larger share of them."
    )
