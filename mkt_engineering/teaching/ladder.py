"""Exercises that never stop Run All, and a hint ladder for learners working alone.

Every lesson check is wrapped with `exercise`. The wrapper does three things:

1. A blank answer (``None``, ``...``, an empty text, list or table) gets "No answer yet" in
   plain words, never a Python type name, and the first rung of the hint ladder.
2. The returned `Feedback` knows the exercise's reference value. ``Feedback.use()`` shows
   the feedback and returns the learner's answer when it is right, else the reference value,
   announced as such. A lesson writes ``rfm = teaching.check_rfm_table(rfm, ...).use()``
   where later cells need the answer, so a blank or wrong answer cannot stop them.
3. ``hint(n)`` climbs the ladder of the exercise checked last: ``hint(1)`` a first hint,
   ``hint(2)`` a second one, ``hint(3)`` the worked answer. ``hint(2, "check_rfm_table")``
   (or the check function itself) names another exercise.

Feedback and hints speak English or German: ``set_language("de")``, or the environment
variable ``MKT_LANGUAGE=de`` before the kernel starts.

Examples
--------
>>> from mkt_engineering.teaching.feedback import check_number
>>> @exercise("total", ladder=("Add them up.", "Use sum(...).", "total = sum(values)"),
...           reference=lambda values: sum(values))
... def check_total(answer, values):
...     return check_number(answer, sum(values), label="the total")
>>> feedback = check_total(None, [1, 2, 3])
>>> print(feedback.message)
No answer yet for total.
>>> feedback.use()
🟠 No answer yet for total.
   Hint: Add them up.
   Using the reference value for total, so the next cells can run.
   Stuck? hint(1) gives a first hint, hint(2) a second one, hint(3) the worked answer.
6
>>> print(hint(3))
Worked answer for total (hint 3 of 3):
total = sum(values)
>>> check_total(6, [1, 2, 3]).use()
✅ the total is right.
6
"""

from __future__ import annotations

import functools
import html
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mkt_engineering.errors import ParameterError
from mkt_engineering.teaching.feedback import Feedback, in_language, language

# A ladder is (first hint, second hint, worked answer), or one such tuple per language.
Ladder = Sequence[str] | Mapping[str, Sequence[str]]

# One registry per process, even when a test runner executes this module a second time
# (doctest collection): the checks register into it, hint() reads from it.
_SHARED = sys.modules.setdefault(
    "mkt_engineering.teaching._ladder_registry",
    types.ModuleType("mkt_engineering.teaching._ladder_registry"),
)
if not hasattr(_SHARED, "ladders"):
    _SHARED.ladders, _SHARED.names, _SHARED.state = {}, {}, {"last": None}
LADDERS: dict[str, Ladder] = _SHARED.ladders
_NAMES: dict[str, str] = _SHARED.names


def answer_names() -> dict[str, str]:
    """The variable each registered check looks at, by check name (a copy).

    Returns
    -------
    dict of str to str
        Check name -> the learner's variable it checks.
    """
    return dict(_NAMES)


_state: dict[str, str | None] = _SHARED.state

TEXT = {
    "en": {
        "no_answer": "No answer yet for {name}.",
        "fill_in": "Write your answer in the cell above (where it says None), run it, "
        "then run this check again.",
        "step": "Hint {step} of 3 for {name}:",
        "worked": "Worked answer for {name} (hint 3 of 3):",
        "which": "Run the check cell of an exercise first, or name the exercise: "
        "hint(1, 'check_search_leads').",
        "unknown": "There is no exercise {exercise!r}. Exercises: {names}.",
        "steps": "A hint has the number 1, 2 or 3 (3 is the worked answer); you gave {step!r}.",
        "reveal": "Predict, then check: {label}",
        "no_guess": "No guess written down; the data say {actual}. Next time, guess first.",
        "compare": "Your guess {guess}; the data say {actual}. ",
        "close": "Close: within {percent}%.",
        "higher": "Your guess was too high. What made you expect more?",
        "lower": "Your guess was too low. What made you expect less?",
    },
    "de": {
        "no_answer": "Noch keine Antwort für {name}.",
        "fill_in": "Schreiben Sie Ihre Antwort in die Zelle darüber (wo None steht), führen Sie "
        "sie aus und dann diese Prüfung noch einmal.",
        "step": "Tipp {step} von 3 für {name}:",
        "worked": "Lösungsweg für {name} (Tipp 3 von 3):",
        "which": "Führen Sie zuerst die Prüfzelle einer Übung aus, oder nennen Sie die Übung: "
        "hint(1, 'check_search_leads').",
        "unknown": "Es gibt keine Übung {exercise!r}. Übungen: {names}.",
        "steps": "Ein Tipp hat die Nummer 1, 2 oder 3 (3 ist der Lösungsweg); angegeben: {step!r}.",
        "reveal": "Erst schätzen, dann prüfen: {label}",
        "no_guess": "Keine Schätzung notiert; die Daten sagen {actual}. Nächstes Mal zuerst "
        "schätzen.",
        "compare": "Ihre Schätzung {guess}; die Daten sagen {actual}. ",
        "close": "Nah dran: innerhalb von {percent} %.",
        "higher": "Ihre Schätzung war zu hoch. Warum hatten Sie mehr erwartet?",
        "lower": "Ihre Schätzung war zu niedrig. Warum hatten Sie weniger erwartet?",
    },
}


def say(key: str, **values: Any) -> str:
    """A fixed sentence of the ladder in the current language."""
    return TEXT[language()][key].format(**values)


def is_blank(answer: Any) -> bool:
    """True for an answer not given yet: None, ``...``, empty text, a table without columns.

    A table with columns but no rows, or an empty list, is an answer (a filter that kept
    nothing, "no channel loses money"), not a blank.

    Examples
    --------
    >>> [is_blank(x) for x in (None, ..., "  ", [], 0, pl.DataFrame())]
    [True, True, True, False, False, True]
    """
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, pl.DataFrame):
        return answer.width == 0
    return False


def _rungs(exercise_name: str) -> Sequence[str]:
    ladder = LADDERS[exercise_name]
    if isinstance(ladder, Mapping):
        return ladder.get(language()) or ladder["en"]
    # hints 1 and 2 in German from feedback_de.yaml; the worked answer is code
    return [*map(in_language, ladder[:2]), *ladder[2:]] if language() == "de" else ladder


def exercise(
    name: str, *, ladder: Ladder, reference: Callable[..., Any] | None = None
) -> Callable[[Callable[..., Feedback]], Callable[..., Feedback]]:
    """Wrap a lesson check: blank answers, the reference value, the hint ladder.

    Parameters
    ----------
    name : str
        The variable the learner fills in (``"rfm"``); feedback names it.
    ladder : tuple of three str, or a mapping language -> tuple
        First hint, second hint, worked answer (code).
    reference : callable, optional
        Takes the check's arguments after the answer and returns the reference value that
        later cells continue with. It runs only when a lesson asks for it (``use()``).

    Returns
    -------
    callable
        A decorator for a ``check_*(answer, ...)`` function.
    """

    def decorate(check: Callable[..., Feedback]) -> Callable[..., Feedback]:
        LADDERS[check.__name__] = ladder
        _NAMES[check.__name__] = name

        @functools.wraps(check)
        def checked(answer: Any, *args: Any, **kwargs: Any) -> Feedback:
            _state["last"] = check.__name__
            if is_blank(answer):
                feedback = Feedback(
                    False, say("no_answer", name=name), hint=_rungs(check.__name__)[0]
                )
                feedback.blank = True
            else:
                # a check may add English to a hint after building it: translate again
                feedback = check(answer, *args, **kwargs).localize()
            feedback.answer, feedback.name, feedback.ladder = answer, name, True
            if reference is not None:
                feedback.reference = functools.partial(reference, *args, **kwargs)
            return feedback

        checked.hint = functools.partial(hint, exercise=check.__name__)
        return checked

    return decorate


@dataclass
class Hint:
    """One rung of a hint ladder; shows as text, and as a box in Jupyter."""

    heading: str
    text: str
    code: bool = False

    def __str__(self) -> str:
        return f"{self.heading}\n{self.text}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        body = (
            f"<pre>{html.escape(self.text)}</pre>"
            if self.code
            else f"<p>{html.escape(self.text)}</p>"
        )
        return (
            '<div style="background:#E3F2FD;border-left:4px solid #1565C0;padding:8px 12px">'
            f"<b>{html.escape(self.heading)}</b>{body}</div>"
        )


def hint(step: int = 1, exercise: str | Callable | None = None) -> Hint:
    """A hint for an exercise: 1 and 2 are hints, 3 is the worked answer.

    Parameters
    ----------
    step : int
        1, 2 or 3.
    exercise : str or callable, optional
        The check function or its name; by default the exercise checked last.

    Returns
    -------
    Hint
        The text (shown as a box in Jupyter).
    """
    key = getattr(exercise, "__name__", exercise) or _state["last"]
    if key is None:
        raise ParameterError(say("which"))
    if key not in LADDERS:
        raise ParameterError(say("unknown", exercise=key, names=", ".join(sorted(LADDERS))))
    if step not in (1, 2, 3):
        raise ParameterError(say("steps", step=step))
    name = _NAMES[key]
    rungs = _rungs(key)
    if step == 3:
        return Hint(say("worked", name=name), rungs[2], code=True)
    return Hint(say("step", step=step, name=name), rungs[step - 1])


def reveal(guess: Any, actual: float, *, label: str, tolerance: float = 0.1) -> Hint:
    """Predict, then check: compare the learner's guess with the number the data give.

    Parameters
    ----------
    guess : number or None
        What the learner wrote down before running the analysis (None: no guess).
    actual : float
        The number the analysis gives.
    label : str
        What the number is, in words.
    tolerance : float
        Relative distance that still counts as a good guess (0.1 is within 10%).

    Returns
    -------
    Hint
        A box with the guess, the number and how far apart they are.

    Examples
    --------
    >>> print(reveal(4000, 3841, label="users per arm"))
    Predict, then check: users per arm
    Your guess 4,000; the data say 3,841. Close: within 10%.
    """
    heading = say("reveal", label=label)
    if is_blank(guess) or isinstance(guess, bool):
        return Hint(heading, say("no_guess", actual=_number(actual)))
    try:
        guessed = float(guess)
    except (TypeError, ValueError):
        return Hint(heading, say("no_guess", actual=_number(actual)))
    close = abs(guessed - actual) <= tolerance * max(abs(actual), 1e-12)
    verdict = (
        say("close", percent=round(100 * tolerance))
        if close
        else say("higher" if guessed > actual else "lower")
    )
    return Hint(heading, say("compare", guess=_number(guessed), actual=_number(actual)) + verdict)


def _number(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
