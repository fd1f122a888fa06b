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
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass
class Feedback:
    """The result of a check: passed or not, what was right, and a hint."""

    passed: bool
    message: str
    hint: str | None = None
    right: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = [("✅ " if self.passed else "🟠 ") + self.message]
        lines += [f"   ✓ {item}" for item in self.right]
        if self.hint:
            lines.append(f"   Hint: {self.hint}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#E8F5E9" if self.passed else "#FFF3E0"
        border = "#2E7D32" if self.passed else "#E65100"
        body = "".join(f"<li>{html.escape(item)}</li>" for item in self.right)
        hint = f"<p><b>Hint:</b> {html.escape(self.hint)}</p>" if self.hint else ""
        return (
            f'<div style="background:{colour};border-left:4px solid {border};padding:8px 12px">'
            f"<b>{'Well done' if self.passed else 'Not yet'}:</b> {html.escape(self.message)}"
            f"{f'<ul>{body}</ul>' if body else ''}{hint}</div>"
        )


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
    """
    if isinstance(answer, pl.DataFrame | pl.Series):
        return Feedback(False, f"{label}: expected a single number, got a {type(answer).__name__}.",
                        hint="Pick the one value out, e.g. with .item() or frame['column'][0].")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"{label}: expected a number, got {type(answer).__name__}.",
                        hint="Make sure the cell ends with a number, not text or None.")
    if _close(value, expected, tolerance):
        return Feedback(True, f"{label} is right.")
    for wrong_value, mistake_hint in (mistakes or {}).items():
        if _close(value, wrong_value, tolerance):
            return Feedback(False, f"{label} is not right yet; this value comes from a common mistake.", hint=mistake_hint)
    direction = "high" if value > expected else "low"
    return Feedback(False, f"{label} is too {direction}.", hint=hint)


def check_columns(frame: Any, required: Iterable[str], *, label: str = "your table") -> Feedback:
    """Check that an answer is a polars frame with the required columns."""
    required = list(required)
    if not isinstance(frame, pl.DataFrame):
        return Feedback(False, f"{label}: expected a polars DataFrame, got {type(frame).__name__}.",
                        hint="Did you forget .collect() on a LazyFrame, or return a single column?")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        return Feedback(False, f"{label} lacks the column(s) {', '.join(missing)}.",
                        hint=f"It has {', '.join(frame.columns)}. Rename with .rename({{'old': 'new'}}).")
    return Feedback(True, f"{label} has the right columns.")


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

    ``mistakes`` maps a hint to a predicate on the learner's frame that recognizes a
    common mistake (for example "credit sums to converting paths only").
    """
    columns = check_columns(answer, [key, value], label=label)
    if not columns:
        return columns
    joined = expected.select(key, pl.col(value).alias("_expected")).join(
        answer.select(key, pl.col(value).cast(pl.Float64).alias("_answer")), on=key, how="full", coalesce=True
    )
    missing_keys = joined.filter(pl.col("_answer").is_null())[key].to_list()
    extra_keys = joined.filter(pl.col("_expected").is_null())[key].to_list()
    if missing_keys or extra_keys:
        parts = []
        if missing_keys:
            parts.append(f"missing {', '.join(map(str, missing_keys[:5]))}")
        if extra_keys:
            parts.append(f"unexpected {', '.join(map(str, extra_keys[:5]))}")
        return Feedback(False, f"{label} has the wrong rows ({'; '.join(parts)}).",
                        hint=f"Each {key} should appear exactly once.", right=[columns.message])
    wrong = joined.filter(
        (pl.col("_answer") - pl.col("_expected")).abs() > tolerance * pl.max_horizontal(pl.col("_expected").abs(), pl.lit(1.0))
    )
    if wrong.is_empty():
        return Feedback(True, f"{label} is right.", right=[columns.message])
    for mistake_hint, predicate in (mistakes or {}).items():
        if predicate(answer):
            return Feedback(False, f"{label}: {wrong.height} value(s) differ; this looks like a common mistake.",
                            hint=mistake_hint, right=[columns.message])
    return Feedback(False, f"{label}: {value} is off for {', '.join(map(str, wrong[key].to_list()[:5]))}.",
                    right=[columns.message])
