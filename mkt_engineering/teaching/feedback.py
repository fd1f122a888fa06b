"""Friendly feedback for exercises: the core every ``check_*`` function builds on.

A check compares a learner's answer with the expected one and returns `Feedback`, which
shows as a green or amber box in Jupyter. It says what is right, names the likely
mistake with a hint, and never prints the solution.

Examples
--------
>>> fb = check_number(0.44, expected=4 / 9, label="conversion probability", tolerance=0.01)
>>> fb.passed
True
>>> fb = check_number(0.5, expected=4 / 9, label="conversion probability",
...                   mistakes={0.5: "Did you forget the non-converting paths?"})
>>> fb.passed, fb.hint
(False, 'Did you forget the non-converting paths?')
>>> check_number("0.44", expected=4 / 9, label="conversion probability").hint
'Your answer is text (in quotes). Remove the quotes so Python sees a number.'
"""

from __future__ import annotations

import difflib
import html
import math
import os
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mkt_engineering.errors import ParameterError
from mkt_engineering.teaching.german_feedback import german, sentence

# One setting per process, even when a test runner executes this module a second time.
_LANGUAGE: dict[str, str] = sys.modules.setdefault(
    "mkt_engineering.teaching._language",
    types.ModuleType("mkt_engineering.teaching._language"),
).__dict__.setdefault("setting", {"now": os.environ.get("MKT_LANGUAGE", "en")})

# The fixed words of a feedback box; each check's own hints are written in its module.
WORDS = {
    "en": {
        "passed": "Well done",
        "failed": "Not yet",
        "hint": "Hint",
        "reference": "Using the reference value for {name}, so the next cells can run.",
        "stuck": "Stuck? hint(1) gives a first hint, hint(2) a second one, "
        "hint(3) the worked answer.",
        "no_answer": "{label}: no answer yet.",
        "fill_in": "Replace the None with your calculation and run the cell again.",
    },
    "de": {
        "passed": "Gut gemacht",
        "failed": "Noch nicht",
        "hint": "Tipp",
        "reference": "Für {name} gilt vorerst der Referenzwert, damit die nächsten Zellen laufen.",
        "stuck": "Nicht weiter? hint(1) gibt einen ersten Tipp, hint(2) einen zweiten, "
        "hint(3) den Lösungsweg.",
        "no_answer": "{label}: noch keine Antwort.",
        "fill_in": "Ersetzen Sie das None durch Ihre Rechnung und führen Sie die "
        "Zelle noch einmal aus.",
    },
}


def set_language(language: str) -> None:
    """Speak English (``"en"``) or German (``"de"``) in feedback boxes and hints.

    Parameters
    ----------
    language : str
        ``"en"`` or ``"de"``. The environment variable ``MKT_LANGUAGE`` sets the default.

    Examples
    --------
    >>> set_language("de"); language()
    'de'
    >>> set_language("en")
    """
    if language not in WORDS:
        raise ParameterError(
            f"teaching.set_language: language must be 'en' or 'de', got {language!r}. "
            "Fix: set_language('en') or set_language('de')."
        )
    _LANGUAGE["now"] = language


def language() -> str:
    """The language feedback speaks now: ``"en"`` or ``"de"``."""
    return _LANGUAGE["now"] if _LANGUAGE["now"] in WORDS else "en"


def word(key: str, **values: Any) -> str:
    """A fixed phrase of the feedback box in the current language."""
    return WORDS[language()][key].format(**values)


def in_language(text: str | None) -> str | None:
    """A feedback text in the current language (German from `german_feedback`)."""
    if text is None or language() != "de":
        return text
    return sentence(german(text))


@dataclass
class Feedback:
    """The result of a check: passed or not, what was right, and a hint.

    A lesson check (see `ladder.exercise`) also records the learner's ``answer`` and a
    ``reference`` to continue with; `use` returns the one or the other.

    Parameters
    ----------
    passed : bool
        Whether the answer is right; ``bool(feedback)`` is the same.
    message : str
        One sentence on the answer, in English; a German learner reads its German.
    hint : str, optional
        What to try next, for an answer that is not right yet.
    right : list of str
        What is right already, shown as ticks.
    answer : Any
        The learner's answer, as given to the check.
    reference : callable, optional
        Returns the value later cells continue with when the answer is blank or wrong.
    name : str, optional
        The variable the learner fills in (``"rfm"``).
    blank : bool
        True when no answer was given yet.
    ladder : bool
        True when the exercise has a hint ladder (``hint(1)`` to ``hint(3)``).
    using_reference : bool
        Set by `use` when the reference value stands in for the answer.

    Examples
    --------
    >>> feedback = Feedback(False, "the total is too low.", hint="Add every week.")
    >>> bool(feedback), feedback.hint
    (False, 'Add every week.')
    """

    passed: bool
    message: str
    hint: str | None = None
    right: list[str] = field(default_factory=list)
    answer: Any = field(default=None, repr=False)
    reference: Callable[[], Any] | None = field(default=None, repr=False)
    name: str | None = None
    blank: bool = False
    ladder: bool = False
    using_reference: bool = False

    def __post_init__(self) -> None:
        self.localize()

    def localize(self) -> Feedback:
        """Put message, hint and what is right into the current language; returns self.

        The checks write English; a German learner reads the German of the same text. A
        check that adds to a hint after building the feedback calls this again (German
        text stays as it is).
        """
        if language() != "en":
            self.message = in_language(self.message)
            self.hint = in_language(self.hint)
            self.right = [german(item) for item in self.right]
        return self

    def __bool__(self) -> bool:
        return self.passed

    def use(self) -> Any:
        """Show this feedback; return the answer when right, else the reference value.

        A lesson continues with what this returns, so Run All goes on after a blank or
        wrong answer. The box then says that the reference value is used.
        """
        value = self.answer
        if not self.passed and self.reference is not None:
            value, self.using_reference = self.reference(), True
        _show(self)
        return value

    def _notes(self) -> list[str]:
        notes = []
        if self.using_reference:
            notes.append(word("reference", name=self.name or "this answer"))
        if self.ladder and not self.passed:
            notes.append(word("stuck"))
        return notes

    def __str__(self) -> str:
        lines = [("✅ " if self.passed else "🟠 ") + self.message]
        lines += [f"   ✓ {item}" for item in self.right]
        if self.hint:
            lines.append(f"   {word('hint')}: {self.hint}")
        lines += [f"   {note}" for note in self._notes()]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#E8F5E9" if self.passed else "#FFF3E0"
        border = "#2E7D32" if self.passed else "#E65100"
        # the emoji stays in the box: tests and trainers read it as the verdict
        mark = "✅" if self.passed else "🟠"
        body = "".join(f"<li>{html.escape(item)}</li>" for item in self.right)
        hint = f"<p><b>{word('hint')}:</b> {html.escape(self.hint)}</p>" if self.hint else ""
        notes = "".join(f"<p><i>{html.escape(note)}</i></p>" for note in self._notes())
        heading = word("passed" if self.passed else "failed")
        return (
            f'<div style="background:{colour};border-left:4px solid {border};padding:8px 12px">'
            f"{mark} <b>{heading}:</b> {html.escape(self.message)}"
            f"{f'<ul>{body}</ul>' if body else ''}{hint}{notes}</div>"
        )


def _show(feedback: Feedback) -> None:
    """Display in Jupyter (a box), print elsewhere (doctests, scripts)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        print(feedback)
        return
    if get_ipython() is None:
        print(feedback)
    else:
        display(feedback)


def _close(a: float, b: float, tolerance: float) -> bool:
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance * 1e-3)


def check_number(
    answer: Any,
    expected: float,
    *,
    label: str,
    tolerance: float = 1e-3,
    mistakes: Mapping[float, str] | None = None,
    hint: str | None = None,
) -> Feedback:
    """Check a numeric answer.

    Parameters
    ----------
    answer : Any
        What the learner computed.
    expected : float
        The right value (never shown).
    label : str
        What the number is, in words ("the conversion probability").
    tolerance : float
        Relative tolerance.
    mistakes : mapping of float to str
        Values that common mistakes produce, each with its own hint.
    hint : str, optional
        General hint when the answer matches no known mistake.

    Returns
    -------
    Feedback
        Passed when the answer is within the tolerance; else what is wrong (no answer,
        not a number, NaN, a known mistake, 100 times off, rounded, too high or too low).
    """
    type_problem = _number_type_problem(answer, label)
    if type_problem is not None:
        return type_problem
    value = float(answer.item() if hasattr(answer, "item") else answer)
    if math.isnan(value):
        return Feedback(
            False,
            f"{label} is NaN (not a number).",
            hint="A division by zero or an empty group gives NaN; check the rows you kept.",
        )
    if _close(value, expected, tolerance):
        return Feedback(True, f"{label} is right.")
    for wrong_value, mistake_hint in (mistakes or {}).items():
        if _close(value, wrong_value, tolerance):
            return Feedback(
                False,
                f"{label} is not right yet; this value comes from a common mistake.",
                hint=mistake_hint,
            )
    if expected != 0 and _close(value, 100 * expected, tolerance):
        return Feedback(
            False,
            f"{label} is 100 times too large.",
            hint="This looks like a percentage. Give the share as a number between 0 and 1.",
        )
    if expected != 0 and _close(value, expected / 100, tolerance):
        return Feedback(
            False,
            f"{label} is 100 times too small.",
            hint="The exercise asks for a percentage or an amount, not a share between 0 and 1.",
        )
    if not float(expected).is_integer() and _close(value, expected, max(50 * tolerance, 0.02)):
        return Feedback(
            False,
            f"{label} is close but not within the tolerance.",
            hint="Did you round an intermediate result? Keep full precision until the end.",
        )
    direction = "high" if value > expected else "low"
    return Feedback(False, f"{label} is too {direction}.", hint=hint)


def _number_type_problem(answer: Any, label: str) -> Feedback | None:
    """A feedback for an answer that is not a single number, or None when it is one."""
    if answer is None or answer is Ellipsis:
        return Feedback(False, word("no_answer", label=label), hint=word("fill_in"))
    if isinstance(answer, bool):
        return Feedback(
            False,
            f"{label}: expected a number, got True/False.",
            hint="A comparison gives True/False. Compute the number itself.",
        )
    if isinstance(answer, pl.LazyFrame):
        return Feedback(
            False,
            f"{label}: expected a number, got a LazyFrame (a plan, not a result).",
            hint="Run the plan with .collect(), then pick the single value with .item().",
        )
    if isinstance(answer, pl.DataFrame | pl.Series):
        return Feedback(
            False,
            f"{label}: expected a single number, got a {type(answer).__name__}.",
            hint="Pick the one value out, e.g. with .item() or frame['column'][0].",
        )
    if isinstance(answer, str):
        try:
            float(answer.replace(",", ".").strip().rstrip("%"))
        except ValueError:
            return Feedback(
                False,
                f"{label}: expected a number, got the text {answer[:30]!r}.",
                hint="Make sure the variable holds a calculation, not a label.",
            )
        return Feedback(
            False,
            f"{label}: expected a number, got text.",
            hint="Your answer is text (in quotes). Remove the quotes so Python sees a number.",
        )
    try:
        float(answer.item() if hasattr(answer, "item") else answer)
    except (TypeError, ValueError):
        return Feedback(
            False,
            f"{label}: expected a number, got {type(answer).__name__}.",
            hint="Make sure the cell ends with a number, not text or None.",
        )
    return None


def check_columns(frame: Any, required: Iterable[str], *, label: str = "your table") -> Feedback:
    """Check that an answer is a polars frame with the required columns.

    Parameters
    ----------
    frame : Any
        The learner's answer; ``None`` while not answered yet.
    required : iterable of str
        The column names the exercise asks for, spelled exactly.
    label : str
        What the table is, in words ("your RFM table").

    Returns
    -------
    Feedback
        Passed when every required column is there; else the missing ones, with a hint
        for a near miss ('Channel' for 'channel') or for an answer that is no DataFrame.

    Examples
    --------
    >>> import polars as pl
    >>> feedback = check_columns(pl.DataFrame({"Channel": ["search"]}), ["channel"])
    >>> feedback.message
    'your table lacks the column(s) channel.'
    >>> feedback.hint.startswith("Column names are exact: you have 'Channel'")
    True
    """
    required = list(required)
    if frame is None or frame is Ellipsis:
        return Feedback(False, word("no_answer", label=label), hint=word("fill_in"))
    if not isinstance(frame, pl.DataFrame):
        return Feedback(
            False,
            f"{label}: expected a polars DataFrame, got {type(frame).__name__}.",
            hint=_frame_type_hint(frame),
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        return Feedback(
            False,
            f"{label} lacks the column(s) {', '.join(missing)}.",
            hint=_column_name_hint(missing, frame.columns, required),
        )
    return Feedback(True, f"{label} has the right columns.")


def _frame_type_hint(answer: Any) -> str:
    if answer is None or answer is Ellipsis:
        return word("fill_in")
    if isinstance(answer, pl.LazyFrame):
        return "This is a LazyFrame (a plan). Run it with .collect() to get the table."
    if isinstance(answer, pl.Series):
        return (
            "This is a single column (a Series). Keep the table: use .select(...) or .to_frame()."
        )
    if type(answer).__module__.startswith("pandas"):
        return "This is a pandas table. Convert it with pl.from_pandas(...), or stay in polars."
    if isinstance(answer, int | float):
        return "This is a single number. The exercise asks for a table with one row per group."
    return "Did you forget .collect() on a LazyFrame, or return a single column?"


def _column_name_hint(missing: list[str], present: list[str], required: Iterable[str] = ()) -> str:
    """Point at the near miss ('Channel' for 'channel', 'revenue ' with a space).

    A column that is itself required is never offered as the near miss of another one:
    'frequency' is right as it is, not a misspelt 'recency'.
    """
    spare = [column for column in present if column not in set(required)]
    for name in missing:
        folded = {column.strip().casefold(): column for column in spare}
        if name.casefold() in folded:
            found = folded[name.casefold()]
            return (
                f"Column names are exact: you have {found!r}, the exercise asks for {name!r}. "
                "Rename with .rename({'old': 'new'}) or .alias('new')."
            )
        close = difflib.get_close_matches(name, spare, n=1, cutoff=0.6)
        if close:
            return (
                f"Is {close[0]!r} meant to be {name!r}? Name it exactly {name!r}, "
                "e.g. with .alias() in your expression or .rename()."
            )
    return (
        f"It has {', '.join(present)}; it also needs {', '.join(missing)}. Name your result "
        "columns with .alias('name'), or rename with .rename({'old': 'new'})."
    )


def check_frame(
    answer: Any,
    expected: pl.DataFrame,
    *,
    key: str,
    value: str,
    label: str = "your table",
    tolerance: float = 1e-3,
    mistakes: Mapping[str, Callable[[pl.DataFrame], bool]] | None = None,
) -> Feedback:
    """Check a frame of (key, value) rows against the expected one, order ignored.

    Parameters
    ----------
    answer : Any
        The learner's table; ``None`` while not answered yet.
    expected : pl.DataFrame
        The right table (never shown), with the columns ``key`` and ``value``.
    key : str
        The column that names each row (``"channel"``); each key must appear once.
    value : str
        The numeric column compared.
    label : str
        What the table is, in words.
    tolerance : float
        Allowed difference, relative to the expected value (absolute below 1).
    mistakes : mapping of str to callable, optional
        A hint for each predicate on the learner's frame that recognizes a common mistake
        (for example "credit sums to converting paths only").

    Returns
    -------
    Feedback
        Passed when every key has the expected value; else what is wrong: columns, text
        instead of numbers, keys repeated, missing or unexpected, empty values, a known
        mistake or the keys whose value is off.

    Examples
    --------
    >>> import polars as pl
    >>> expected = pl.DataFrame({"channel": ["search", "email"], "leads": [10.0, 4.0]})
    >>> answer = pl.DataFrame({"channel": ["search", "email"], "leads": [10.0, 5.0]})
    >>> check_frame(answer, expected, key="channel", value="leads").message
    'your table: leads is off for email.'
    """
    columns = check_columns(answer, [key, value], label=label)
    if not columns:
        return columns
    if not answer.schema[value].is_numeric():
        return Feedback(
            False,
            f"{label}: the column {value!r} holds {answer.schema[value]}, not numbers.",
            hint="Numbers read as text (e.g. '1.234,50') need converting: "
            "use .cast(pl.Float64), or read the file with the right decimal mark.",
            right=[columns.message],
        )
    if answer[key].is_duplicated().any():
        return Feedback(
            False,
            f"{label} has some {key} values more than once.",
            hint=f"Did you forget to group by {key!r} and aggregate? "
            f"Each {key} should appear exactly once.",
            right=[columns.message],
        )
    if answer.schema[key] != expected.schema[key]:
        try:
            answer = answer.with_columns(pl.col(key).cast(expected.schema[key]))
        except pl.exceptions.PolarsError:
            return Feedback(
                False,
                f"{label}: the column {key!r} holds {answer.schema[key]}, "
                f"expected {expected.schema[key]}.",
                hint=f"Keep {key!r} as it comes from the data; do not convert it.",
                right=[columns.message],
            )
    joined = expected.select(key, pl.col(value).alias("_expected"), _in_expected=True).join(
        answer.select(key, pl.col(value).cast(pl.Float64).alias("_answer"), _in_answer=True),
        on=key,
        how="full",
        coalesce=True,
    )
    # a key the answer has with an empty value is there, not missing: say what is empty
    missing_keys = joined.filter(pl.col("_in_answer").is_null())[key].to_list()
    extra_keys = joined.filter(pl.col("_in_expected").is_null())[key].to_list()
    if missing_keys or extra_keys:
        parts = []
        if missing_keys:
            parts.append(f"missing {', '.join(map(str, missing_keys[:5]))}")
        if extra_keys:
            parts.append(f"unexpected {', '.join(map(str, extra_keys[:5]))}")
        return Feedback(
            False,
            f"{label} has the wrong rows ({'; '.join(parts)}).",
            hint=f"Each {key} should appear exactly once.",
            right=[columns.message],
        )
    wrong = joined.filter(
        (
            (pl.col("_answer") - pl.col("_expected")).abs()
            > tolerance * pl.max_horizontal(pl.col("_expected").abs(), pl.lit(1.0))
        )
        | (pl.col("_answer").is_null() != pl.col("_expected").is_null())
        | pl.col("_answer").is_nan().fill_null(False)
    )
    if wrong.is_empty():
        return Feedback(True, f"{label} is right.", right=[columns.message])
    return _frame_mistake(answer, wrong, key=key, value=value, label=label, mistakes=mistakes)


def _frame_mistake(
    answer: pl.DataFrame,
    wrong: pl.DataFrame,
    *,
    key: str,
    value: str,
    label: str,
    mistakes: Mapping[str, Callable[[pl.DataFrame], bool]] | None,
) -> Feedback:
    """The feedback for a frame with the right rows and some wrong values."""
    right = [f"{label} has the right columns."]
    for mistake_hint, predicate in (mistakes or {}).items():
        if predicate(answer):
            return Feedback(
                False,
                f"{label}: {wrong.height} value(s) differ; this looks like a common mistake.",
                hint=mistake_hint,
                right=right,
            )
    empty = wrong.filter(pl.col("_answer").is_null() | pl.col("_answer").is_nan())
    if not empty.is_empty():
        return Feedback(
            False,
            f"{label}: {value} is empty (null or NaN) for "
            f"{', '.join(map(str, empty[key].to_list()[:5]))}.",
            hint="An average or a division over empty values gives null or NaN. "
            "Sum first, then divide; .fill_null(0) where a missing value means 0.",
            right=right,
        )
    return Feedback(
        False,
        f"{label}: {value} is off for {', '.join(map(str, wrong[key].to_list()[:5]))}.",
        right=right,
    )


_VEGA_TYPES = {"N": "nominal", "O": "ordinal", "Q": "quantitative", "T": "temporal"}
_CHANNEL_NAMES = {"x": "x axis (across)", "y": "y axis (up)", "color": "colour"}


def _parse_field(shorthand: str) -> dict[str, str]:
    """'sum(revenue):Q' -> {'field': 'revenue', 'aggregate': 'sum', 'type': 'quantitative'}."""
    text, _, kind = shorthand.partition(":")
    parsed: dict[str, str] = {}
    if kind:
        parsed["type"] = _VEGA_TYPES.get(kind.upper(), kind)
    if text.endswith(")") and "(" in text:
        parsed["aggregate"], text = text[:-1].split("(", 1)
    if text:
        parsed["field"] = text
    return parsed


def _chart_spec(answer: Any) -> dict | None:
    if isinstance(answer, dict):
        return answer
    if hasattr(answer, "to_dict"):
        import altair as alt

        with alt.data_transformers.disable_max_rows():
            spec = answer.to_dict()
        return spec if isinstance(spec, dict) and ("mark" in spec or "layer" in spec) else None
    return None


def check_chart(
    answer: Any,
    *,
    mark: str,
    x: str | None = None,
    y: str | None = None,
    color: str | None = None,
    label: str = "your chart",
) -> Feedback:
    """Check an altair chart: its mark and the fields on x, y and colour.

    Fields use altair's shorthand: ``"channel"``, ``"channel:N"``, ``"sum(revenue):Q"``.
    The type and the aggregate are only checked when given. A layered chart passes when
    one of its layers matches.

    Parameters
    ----------
    answer : Any
        The learner's chart (or its spec as a dict); ``None`` while not answered yet.
    mark : str
        The mark the exercise asks for (``"bar"``, ``"line"``).
    x, y, color : str, optional
        The field on each channel, in altair's shorthand; a channel not given is not checked.
    label : str
        What the chart is, in words.

    Returns
    -------
    Feedback
        Passed when the mark and the given fields match; else what differs (no chart, the
        mark, x and y swapped, another column, the aggregate or the data type).

    Examples
    --------
    >>> import altair as alt, polars as pl
    >>> data = pl.DataFrame({"channel": ["Search", "Email"], "revenue": [120.0, 80.0]})
    >>> bars = alt.Chart(data).mark_bar().encode(x="channel:N", y="revenue:Q")
    >>> check_chart(bars, mark="bar", x="channel", y="revenue:Q").passed
    True
    >>> check_chart(bars.mark_line(), mark="bar", x="channel", y="revenue").hint
    "Change the mark: .mark_line() draws lines; the exercise asks for 'bar' marks."
    """
    spec = _chart_spec(answer)
    if spec is None:
        hint = (
            "This is the data, not a chart. Start with alt.Chart(your_table), add a mark "
            "and .encode(...)."
            if isinstance(answer, pl.DataFrame | pl.LazyFrame)
            else "Build the chart with alt.Chart(table).mark_...().encode(...)."
        )
        return Feedback(
            False, f"{label}: expected an altair chart, got {type(answer).__name__}.", hint=hint
        )
    layers = spec.get("layer") or [spec]
    wanted = {
        name: _parse_field(shorthand)
        for name, shorthand in {"x": x, "y": y, "color": color}.items()
        if shorthand
    }
    results = [_check_layer(layer, mark, wanted, label) for layer in layers]
    passed = [result for result in results if result.passed]
    return passed[0] if passed else results[0]


def _check_layer(layer: dict, mark: str, wanted: dict[str, dict[str, str]], label: str) -> Feedback:
    got_mark = layer.get("mark")
    got_mark = got_mark.get("type") if isinstance(got_mark, dict) else got_mark
    if got_mark != mark:
        return Feedback(
            False,
            f"{label} draws {got_mark or 'no'} marks.",
            hint=f"Change the mark: .mark_{got_mark}() draws {got_mark}s; "
            f"the exercise asks for {mark!r} marks."
            if got_mark
            else f"Add a mark, e.g. .mark_{mark}().",
        )
    right = [f"the mark ({mark}) is right"]
    encoding = layer.get("encoding", {})
    fields = {name: (encoding.get(name) or {}).get("field") for name in ("x", "y", "color")}
    if (
        {"x", "y"} <= wanted.keys()
        and fields["x"] == wanted["y"].get("field")
        and fields["y"] == wanted["x"].get("field")
    ):
        return Feedback(
            False,
            f"{label}: x and y are swapped.",
            hint="Swap the two fields in .encode(x=..., y=...).",
            right=right,
        )
    for name, expected in wanted.items():
        problem = _encoding_problem(name, encoding.get(name) or {}, expected, label)
        if problem is not None:
            problem.right = right
            return problem
        right.append(f"the {_CHANNEL_NAMES[name]} is right")
    return Feedback(True, f"{label} is right.", right=right)


def _encoding_problem(
    name: str, got: dict, expected: dict[str, str], label: str
) -> Feedback | None:
    where = _CHANNEL_NAMES[name]
    if not got.get("field"):
        return Feedback(
            False,
            f"{label} has nothing on the {where}.",
            hint=f"Add {name}=... inside .encode(...) with the column to show there.",
        )
    if "field" in expected and got["field"] != expected["field"]:
        hint = (
            f"Column names are exact: check the spelling of {got['field']!r}."
            if got["field"].casefold() == expected["field"].casefold()
            else f"The {where} shows {got['field']!r}. Which column answers the question there?"
        )
        return Feedback(False, f"{label} shows a different column on the {where}.", hint=hint)
    if "aggregate" in expected and got.get("aggregate") != expected["aggregate"]:
        hint = (
            "Each row is drawn on its own. Add an aggregation such as sum() or mean() "
            "to show one value per group."
            if not got.get("aggregate")
            else f"The {where} uses {got['aggregate']}(); is that the summary the question asks "
            f"for?"
        )
        return Feedback(False, f"{label}: the {where} is not summarised as asked.", hint=hint)
    if "type" in expected and got.get("type") != expected["type"]:
        return Feedback(
            False,
            f"{label}: the {where} treats {got['field']!r} as {got.get('type')}.",
            hint="Set the data type after a colon: :Q numbers, :N categories, "
            ":O ordered categories, :T dates.",
        )
    return None
