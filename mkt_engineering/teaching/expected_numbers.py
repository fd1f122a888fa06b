"""The numbers each exercise should give, taken by running the lessons' own solutions.

The trainer guide shows them next to each exercise, so a trainer can glance at a learner's
screen and say "right" without running anything. They are never typed by hand:
`run_solutions` executes every lesson notebook with its solutions and records, for each
exercise, the solution's answer, whether the check passed it, and the check's own reference
value computed from the lesson's inputs; `write_expected` stores them in
``expected_numbers.yaml`` beside this module (with the date and the command that made them),
and the guide reads that file.
tests/teaching/test_trainer_guide.py checks that every stored answer passed and equals the
check's reference value, and that the guide prints it.

Regenerate after changing a lesson or the demo data (about three minutes)::

    python -m mkt_engineering.teaching.expected_numbers

Examples
--------
>>> import polars as pl
>>> plain(pl.DataFrame({"channel": ["email", "search"], "conversions": [1.5, 2.5]}))
{'columns': ['channel', 'conversions'], 'rows': [['email', 1.5], ['search', 2.5]]}
>>> format_value(0.123456), format_value(1094.0), format_value(["display", "video"])
('0.1235', '1,094', 'display, video')
>>> format_value(0.123456, "de"), format_value(1094.0, "de")
('0,1235', '1.094')
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import yaml

from mkt_engineering.paths import NOTEBOOKS_DIR

EXPECTED_FILE = Path(__file__).with_name("expected_numbers.yaml")
LESSONS_DIR = NOTEBOOKS_DIR / "lessons"
MARKER = "EXPECTED-NUMBERS "
# a table with more rows than this is described by its size, not listed
SHOWN_ROWS = 12


def plain(value: Any) -> Any:
    """A JSON-ready picture of an answer: numbers, text, lists, small tables, chart marks.

    Parameters
    ----------
    value : Any
        What a solution cell stored (a number, a name, a list, a polars frame, a chart).

    Returns
    -------
    Any
        A float, str, list, ``{"columns", "rows"}`` (small tables), ``{"columns",
        "height"}`` (large ones), ``{"chart": mark}`` or None.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if hasattr(value, "to_dict") and hasattr(value, "mark"):  # an altair chart
        mark = value.to_dict().get("mark")
        return {"chart": mark.get("type") if isinstance(mark, dict) else mark}
    if hasattr(value, "columns") and hasattr(value, "rows"):  # a polars DataFrame
        if value.height > SHOWN_ROWS:
            return {"columns": list(value.columns), "height": value.height}
        return {"columns": list(value.columns), "rows": [list(map(plain, r)) for r in value.rows()]}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    try:
        number = float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError):
        return str(value)
    return None if math.isnan(number) else number


def format_value(value: Any, language: str = "en") -> str:
    """An expected value as the guide prints it (4 significant digits, thousands marks).

    Parameters
    ----------
    value : Any
        A value of `plain`.
    language : str
        ``"de"`` writes 0,1235 and 1.094.

    Returns
    -------
    str
        One line of text; a small table as Markdown table rows.
    """
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 100:
            text = f"{value:,.0f}"
        else:
            text = f"{value:.4g}" if abs(value) >= 1 else f"{value:.4f}"
        return text.translate(_GERMAN_DIGITS) if language == "de" else text
    if isinstance(value, list):
        empty = {"en": "(empty list)", "de": "(leere Liste)"}.get(language, "(empty list)")
        return ", ".join(format_value(item, language) for item in value) or empty
    if isinstance(value, dict) and "chart" in value:
        return _WORDS[language]["chart"].format(mark=value["chart"])
    if isinstance(value, dict) and "height" in value:
        rows = f"{value['height']:,}".translate(_GERMAN_DIGITS if language == "de" else {})
        return _WORDS[language]["table"].format(rows=rows, columns=", ".join(value["columns"]))
    if isinstance(value, dict):
        head = "| " + " | ".join(value["columns"]) + " |"
        rule = "|" + "---|" * len(value["columns"])
        rows = [
            "| " + " | ".join(format_value(cell, language) for cell in row) + " |"
            for row in value["rows"]
        ]
        return "\n".join([head, rule, *rows])
    return str(value)


_GERMAN_DIGITS = str.maketrans({".": ",", ",": "."})
_WORDS = {
    "en": {"chart": "a chart with {mark} marks", "table": "a table of {rows} rows: {columns}"},
    "de": {
        "chart": "ein Diagramm mit Marks vom Typ {mark}",
        "table": "eine Tabelle mit {rows} Zeilen: {columns}",
    },
}


# Runs first: every lesson check keeps the feedback it gave last (the answer, whether it
# passed, and its reference value computed from the lesson's own inputs).
_RECORD_CHECKS = """\
import mkt_engineering.teaching as _teaching
_feedback_of = {}
def _recording(_name, _check):
    def _recorded(*args, **kwargs):
        _feedback_of[_name] = _check(*args, **kwargs)
        return _feedback_of[_name]
    return _recorded
for _name in CHECKS:
    setattr(_teaching, _name, _recording(_name, getattr(_teaching, _name)))
"""
# Runs last: one line of JSON with what each check saw.
_REPORT = """\
import json as _json
from mkt_engineering.teaching.expected_numbers import plain as _plain
print(MARKER + _json.dumps({
    _name: {
        "answer": _plain(_fb.answer),
        "passed": bool(_fb.passed),
        "reference": _plain(_fb.reference()) if _fb.reference is not None else None,
    }
    for _name, _fb in _feedback_of.items()
}))
"""


def _recording_cells(checks: list[str]) -> tuple[Any, Any]:
    first = _RECORD_CHECKS.replace("CHECKS", repr(checks))
    last = _REPORT.replace("MARKER", repr(MARKER))
    return nbformat.v4.new_code_cell(first), nbformat.v4.new_code_cell(last)


def answer_names(lesson: Any) -> list[tuple[str, str]]:
    """(check, answer variable) of each exercise of a lesson, in order.

    Parameters
    ----------
    lesson : NotebookNode
        A lesson notebook (with its solutions).

    Returns
    -------
    list of (str, str)
        The check function's name and the variable it checks.
    """
    from mkt_engineering.teaching.catalog import lesson_checks
    from mkt_engineering.teaching.ladder import answer_names

    lesson_checks()  # loading every check module registers its answer name
    names = answer_names()
    found = []
    for cell in lesson.cells:
        for check in re.findall(r"teaching\.(check_\w+)\(", cell.source):
            if check in names and (check, names[check]) not in found:
                found.append((check, names[check]))
    return found


def run_lesson(path: Path) -> dict[str, dict[str, Any]]:
    """Run one lesson with its solutions; what each check saw.

    Parameters
    ----------
    path : Path
        The lesson notebook.

    Returns
    -------
    dict
        Check name -> ``{"variable", "answer", "passed", "reference"}``: the solution's
        answer and the check's own reference value (both `plain`), and the verdict.
    """
    from mkt_engineering.teaching import student_edition as edition

    lesson = edition.read_lesson(path)
    pairs = answer_names(lesson)
    first, last = _recording_cells([check for check, _ in pairs])
    lesson.cells = [first, *lesson.cells, last]
    executed = edition.execute(lesson, path.parent)
    text = edition.output_text(executed.cells[-1])
    seen = json.loads(text[text.index(MARKER) + len(MARKER) :].splitlines()[0])
    return {check: {"variable": name, **seen.get(check, {})} for check, name in pairs}


def run_solutions(lessons_dir: Path = LESSONS_DIR) -> dict[str, dict[str, Any]]:
    """Every lesson's expected answers: lesson stem -> check name -> value."""
    return {path.stem: run_lesson(path) for path in sorted(lessons_dir.glob("[0-9][0-9]*_*.ipynb"))}


def write_expected(path: Path = EXPECTED_FILE, lessons_dir: Path = LESSONS_DIR) -> Path:
    """Run the solutions and store their numbers for the trainer guide."""
    values = run_solutions(lessons_dir)
    header = (
        "# The answers of the lessons' own solutions, recorded by running them:\n"
        "#   python -m mkt_engineering.teaching.expected_numbers\n"
        f"# on {date.today().isoformat()}. Do not edit by hand; the trainer guide prints them and\n"
        "# tests/teaching/test_trainer_guide.py compares them with the checks' reference values.\n"
    )
    body = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + body, encoding="utf-8")
    return path


@cache
def load_expected(path: Path = EXPECTED_FILE) -> dict[str, dict[str, Any]]:
    """The stored expected answers (lesson -> check -> value); empty when not recorded."""
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


if __name__ == "__main__":  # pragma: no cover - the regeneration command
    print(f"wrote {write_expected()}")
