"""Pages of the trainer guide: a two-day agenda, the model memo, preparing 20 laptops.

The agenda splits every lesson into its exercises with minutes each; the model capstone memo
is written from the numbers the capstone's own solutions give (`expected_numbers`), never
typed by hand; the laptop page lists the install paths for a room with and without internet.
English and German.

Examples
--------
>>> rows = day_rows([("Welcome", 45, [("Exercise 1", 10)])], language="en")
>>> [(start, end, what) for start, end, what, _ in rows[:3]]
[('09:00', '09:15', 'Arrival, `mkt doctor` on every laptop'), ('09:15', '09:50', 'Welcome: \
explanations and demo cells'), ('09:50', '10:00', 'Welcome · Exercise 1')]
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mkt_engineering.teaching.expected_numbers import format_value

# Minutes a learner needs for an exercise, with its check cell and a first hint. The rest of
# a lesson's time is reading and running the explanation cells.
EXERCISE_MINUTES = {
    "check_search_leads": 5,
    "check_joined_spend": 12,
    "check_cost_per_lead": 10,
    "check_revenue_chart": 8,
    "check_conversion_probability": 5,
    "check_removal_effect": 15,
    "check_linear_credit": 8,
    "check_best_model": 5,
    "check_cohort_retention": 8,
    "check_average_order_value": 5,
    "check_rfm_table": 10,
    "check_holdout_error": 8,
    "check_new_customer_clv": 10,
    "check_sample_size": 8,
    "check_conversion_rates": 8,
    "check_peeking_rate": 5,
    "check_srm_p_value": 8,
    "check_verdict": 5,
    "check_naive_mean": 5,
    "check_censored_share": 8,
    "check_survival_input": 10,
    "check_share_not_qualified": 8,
    "check_early_win_rate": 10,
    "check_biggest_gain": 10,
    "check_losing_channels": 8,
    "check_conversion_effect": 8,
    "check_share_ready": 8,
}
DEFAULT_EXERCISE_MINUTES = 8

TEXT = {
    "en": {
        "arrival": "Arrival, `mkt doctor` on every laptop",
        "recap": "Recap of day 1, questions",
        "explain": "{lesson}: explanations and demo cells",
        "exercise": "{lesson} · {exercise}",
        "discussion": "{lesson}: discussion",
        "break": "Break",
        "lunch": "Lunch break",
        "memos": "Capstone memos: three learners read theirs, the room gives feedback",
        "own_data": "Your own data: `mkt validate` and `mkt run` on an export you brought",
        "close": "Wrap-up: what to try first at work",
        "questions": "Questions of the day, what comes tomorrow",
        "day": "Day {day}",
    },
    "de": {
        "arrival": "Ankommen, `mkt doctor` auf jedem Laptop",
        "recap": "Rückblick auf Tag 1, Fragen",
        "explain": "{lesson}: Erklärungen und Demo-Zellen",
        "exercise": "{lesson} · {exercise}",
        "discussion": "{lesson}: Diskussion",
        "break": "Pause",
        "lunch": "Mittagspause",
        "memos": "Memos des Abschlussprojekts: drei Teilnehmende lesen vor, der Raum gibt Feedback",
        "own_data": "Eigene Daten: `mkt validate` und `mkt run` auf einem mitgebrachten Export",
        "close": "Abschluss: Was probieren Sie bei der Arbeit zuerst aus?",
        "questions": "Fragen des Tages, Ausblick auf morgen",
        "day": "Tag {day}",
    },
}
DISCUSSION_MINUTES = 15
# in a room the explanation cells take longer than alone: at least this long per lesson
EXPLAIN_MINUTES = 20
# what follows the last lesson of each day
CLOSING = {1: [("own_data", 30), ("questions", 15)], 2: [("memos", 45), ("close", 15)]}


def exercise_minutes(checks: list[str]) -> int:
    """Minutes for one exercise (the longest of its checks).

    Parameters
    ----------
    checks : list of str
        The check functions of the exercise.

    Returns
    -------
    int
        Minutes, at least `DEFAULT_EXERCISE_MINUTES` for an exercise without a known check.

    Examples
    --------
    >>> exercise_minutes(["check_removal_effect"]), exercise_minutes([])
    (15, 8)
    """
    return max(
        (EXERCISE_MINUTES.get(check, DEFAULT_EXERCISE_MINUTES) for check in checks),
        default=DEFAULT_EXERCISE_MINUTES,
    )


def day_rows(
    lessons: list[tuple[str, int, list[tuple[str, int]]]],
    *,
    language: str = "en",
    first_day: bool = True,
    closing: list[tuple[str, int]] = (),
    start: str = "09:00",
) -> list[tuple[str, str, str, int]]:
    """One day of the workshop: (start, end, what, minutes) rows.

    Parameters
    ----------
    lessons : list of (title, minutes, exercises)
        Each lesson with its total minutes and its exercises as (name, minutes).
    language : str
        ``"en"`` or ``"de"``.
    first_day : bool
        Day 1 opens with the laptop check, day 2 with a recap.
    closing : list of (text key, minutes)
        Sessions after the last lesson (memos, own data, wrap-up).
    start : str
        Start time, ``"HH:MM"``.

    Returns
    -------
    list of tuple
        Rows in time order; a 15-minute break between lessons, one lunch hour after noon.
    """
    text = TEXT[language]
    clock, rows, lunch_done = datetime.strptime(start, "%H:%M"), [], False

    def add(label: str, minutes: int) -> None:
        nonlocal clock
        end = clock + timedelta(minutes=minutes)
        rows.append((clock.strftime("%H:%M"), end.strftime("%H:%M"), label, minutes))
        clock = end

    def pause() -> None:
        nonlocal lunch_done
        if not lunch_done and clock.hour >= 12:
            add(text["lunch"], 60)
            lunch_done = True
        else:
            add(text["break"], 15)

    add(text["arrival" if first_day else "recap"], 15)
    for index, (title, minutes, exercises) in enumerate(lessons):
        if index:
            pause()
        exercise_total = sum(m for _, m in exercises)
        add(text["explain"].format(lesson=title), max(minutes - exercise_total, EXPLAIN_MINUTES))
        for name, exercise_time in exercises:
            add(text["exercise"].format(lesson=title, exercise=name), exercise_time)
        add(text["discussion"].format(lesson=title), DISCUSSION_MINUTES)
    for index, (key, minutes) in enumerate(closing):
        if not index:  # a break between the last lesson and what closes the day
            pause()
        add(text[key], minutes)
    return rows


def two_day_agenda(docs: list[Any], *, language: str = "en") -> str:
    """The two-day agenda as Markdown: one table per day, minutes for every exercise.

    Lessons before the A/B lesson (03) fill day 1, which ends with the learners' own data;
    the rest fill day 2, which ends with the capstone memos and a wrap-up.

    Parameters
    ----------
    docs : list of LessonDoc
        The lessons, in order (title, minutes, exercises with their checks).
    language : str
        ``"en"`` or ``"de"``.

    Returns
    -------
    str
        Markdown: a heading and a table per day.
    """
    word = {
        "en": ("Start", "End", "Session", "Minutes"),
        "de": ("Beginn", "Ende", "Einheit", "Minuten"),
    }[language]
    exercise_word = {"en": "Exercise", "de": "Übung"}[language]
    plan = [
        (
            doc.title,
            doc.minutes,
            [
                (f"{exercise_word} {number}", exercise_minutes(exercise.checks))
                for number, exercise in enumerate(doc.exercises, start=1)
            ],
            doc.stem,
        )
        for doc in docs
    ]
    days = [
        [row[:3] for row in plan if row[3] < "03"],
        [row[:3] for row in plan if row[3] >= "03"],
    ]
    lines = []
    for day, lessons in enumerate(days, start=1):
        if not lessons and day == 1:
            continue
        rows = day_rows(lessons, language=language, first_day=day == 1, closing=CLOSING[day])
        lines += ["", f"### {TEXT[language]['day'].format(day=day)}", ""]
        lines += [f"| {' | '.join(word)} |", "|---|---|---|---|"]
        lines += [f"| {start} | {end} | {what} | {minutes} |" for start, end, what, minutes in rows]
    return "\n".join(lines).strip() + "\n"


# The model memo: four sentences for the head of marketing, one per capstone question. The
# numbers come from the capstone's own solutions (expected_numbers.yaml).
MEMO = {
    "en": (
        "- *Attribution:* last touch undervalues **{biggest_gain}**: its share of the "
        "conversions rises the most when the Markov model also credits the channels that "
        "open journeys. Fairly sure: it holds over all journeys of the export; the "
        "attribution report adds a bootstrap interval.\n"
        "- *Budget:* new customers from **{losing_channels}** are worth less than they cost to "
        "win (LTV:CAC below 1). Hold their budget and move it step by step to channels above "
        "1, measuring each step; the 12-month value is a model forecast, so treat it as a "
        "direction, not a promise.\n"
        "- *Landing page:* the new page changes the conversion rate by **{conversion_effect}** "
        "percentage points (new minus old). Roll it out if the verdict says ship, and plan "
        "with the lower end of its interval, the cautious case.\n"
        "- *Sales handoff:* **{share_ready_60}** of the leads are qualified within 60 days "
        "(Kaplan-Meier, counting the leads still open). Sales should call at MQL or when a "
        "lead takes the fast lane, not earlier: lesson 04 showed that early calls win less "
        "often (an observation, not an experiment)."
    ),
    "en_both": "\n- *One channel, two answers:* **{channel}** opens journeys that others close, "
    "yet its new customers cost more than they bring. Do not cut it on last-touch figures, "
    "and do not raise it on Markov credit: test a smaller budget with a holdout region first.",
    "de_both": "\n- *Ein Kanal, zwei Antworten:* **{channel}** eröffnet Journeys, die andere "
    "abschließen, doch seine Neukunden kosten mehr, als sie bringen. Kürzen Sie ihn nicht "
    "wegen der Last-Touch-Zahlen und erhöhen Sie ihn nicht wegen der Markov-Zuordnung: "
    "Testen Sie zuerst ein kleineres Budget mit einer Holdout-Region.",
    "de": (
        "- *Attribution:* Last Touch unterschätzt **{biggest_gain}**: Sein Anteil an den "
        "Conversions steigt am stärksten, wenn das Markov-Modell auch die Kanäle würdigt, die "
        "Journeys eröffnen. Ziemlich sicher: Das gilt über alle Journeys des Exports; der "
        "Attributionsbericht ergänzt ein Bootstrap-Intervall.\n"
        "- *Budget:* Neukunden aus **{losing_channels}** sind weniger wert, als ihre Gewinnung "
        "kostet (LTV:CAC unter 1). Halten Sie deren Budget und verschieben Sie es schrittweise "
        "zu Kanälen über 1, mit einer Messung nach jedem Schritt; der 12-Monats-Wert ist eine "
        "Modellprognose, also eine Richtung, kein Versprechen.\n"
        "- *Landingpage:* Die neue Seite ändert die Konversionsrate um **{conversion_effect}** "
        "Prozentpunkte (neu minus alt). Ausrollen, wenn das Urteil ship lautet, und mit dem "
        "unteren Ende des Intervalls planen, dem vorsichtigen Fall.\n"
        "- *Übergabe an den Vertrieb:* **{share_ready_60}** der Leads sind innerhalb von 60 "
        "Tagen qualifiziert (Kaplan-Meier, die noch offenen Leads mitgezählt). Der Vertrieb "
        "sollte beim MQL anrufen oder wenn ein Lead die Fast Lane nimmt, nicht früher: "
        "Lektion 04 hat gezeigt, dass frühe Anrufe seltener gewinnen (eine Beobachtung, kein "
        "Experiment)."
    ),
}


def model_memo(capstone: dict[str, Any], *, language: str = "en") -> str:
    """The model capstone memo, with the numbers of the capstone's solutions.

    Parameters
    ----------
    capstone : dict
        Check name -> recorded answer (``expected_numbers.load_expected()["05_capstone"]``).
    language : str
        ``"en"`` or ``"de"``.

    Returns
    -------
    str
        Four Markdown bullets; empty when the capstone's numbers are not recorded.

    Examples
    --------
    >>> memo = model_memo({"check_biggest_gain": {"answer": "display"},
    ...     "check_losing_channels": {"answer": ["affiliate"]},
    ...     "check_conversion_effect": {"answer": 0.0123},
    ...     "check_share_ready": {"answer": 0.41}})
    >>> "**display**" in memo and "**1.2**" in memo and "**41%**" in memo
    True
    >>> "two answers" in memo, "two answers" in model_memo({
    ...     "check_biggest_gain": {"answer": "display"},
    ...     "check_losing_channels": {"answer": ["display"]},
    ...     "check_conversion_effect": {"answer": 0.0123}, "check_share_ready": {"answer": 0.41}})
    (False, True)
    """
    try:
        gain = capstone["check_biggest_gain"]["answer"]
        losing = capstone["check_losing_channels"]["answer"]
        effect = 100 * float(capstone["check_conversion_effect"]["answer"])
        ready = float(capstone["check_share_ready"]["answer"])
    except (KeyError, TypeError):
        return ""
    none = {"en": "no channel", "de": "keinem Kanal"}[language]
    decimal = "," if language == "de" else "."
    # the same channel under-credited and losing money: the memo must say how both fit
    both = MEMO[f"{language}_both"].format(channel=gain) if gain in losing else ""
    return (
        MEMO[language].format(
            biggest_gain=gain,
            losing_channels=", ".join(losing) or none,
            conversion_effect=f"{effect:.1f}".replace(".", decimal),
            share_ready_60=f"{100 * ready:.0f}{' %' if language == 'de' else '%'}",
        )
        + both
    )


def laptops_page(language: str = "en") -> str:
    """The "Prepare 20 laptops" page (Markdown, from ``guide_laptops.<language>.md``).

    Examples
    --------
    >>> "install.bat" in laptops_page("de") and "mkt doctor workshop" in laptops_page("en")
    True
    """
    name = f"guide_laptops.{language if language in TEXT else 'en'}.md"
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


def expected_lines(
    recorded: dict, checks: list[str], label: dict[str, str], language: str = "en"
) -> list[str]:
    """The expected answer of an exercise, as the lesson's solution gives it."""
    lines = []
    for check in checks:
        if check in recorded:
            value = format_value(recorded[check].get("answer"), language)
            joiner = "\n\n" if value.startswith("|") else " "
            lines += [f"*{label['expected']}:*{joiner}{value}", ""]
    return lines


def clean_mistakes(mistakes: list[str], *, language: str = "en") -> list[str]:
    """The mistake hints a trainer can read out: complete sentences in the guide's language.

    Hints with a value filled in at run time ("…") make no sense without it and are left
    out; German comes from the checks' German feedback.

    Parameters
    ----------
    mistakes : list of str
        Hints as `check_hints` reads them from the checks.
    language : str
        ``"en"`` or ``"de"``.

    Returns
    -------
    list of str
        Unique hints, in their first order.

    Examples
    --------
    >>> clean_mistakes(["Choose one of ….", "This counts clicks; the question asks for leads."],
    ...                language="de")
    ['Das zählt Klicks; die Frage fragt nach Leads.']
    """
    from mkt_engineering.teaching.german_feedback import german

    kept = [text for text in mistakes if "…" not in text]
    if language == "de":
        kept = [german(text) for text in kept]
    return list(dict.fromkeys(kept))
