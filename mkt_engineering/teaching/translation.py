"""English left in a translated workshop: what `mkt workshop build --lang de` refuses or warns on.

A lesson is translated by ``notebooks/lessons/i18n/<language>/<lesson>.yaml`` (German text of
its markdown cells, keyed by cell id, see `student_edition.translate`); the hints of its
checks by the German rungs of each hint ladder (`ladder.exercise`). `untranslated` lists
every place where a learner of that language would still read English:

- a markdown cell with no translation (``missing``);
- a translation that is a copy of the English text (``copy``);
- a translation written from an older English text (``stale``: the English changed since);
- a translation whose cell is gone from the lesson (``orphan``);
- text a learner reads in a code cell (a comment, a ``label="..."``, the words a ``print``
  starts with) with no entry under ``code:`` in the translation file (``code``);
  `translate_code` puts those entries into the code cells of an edition;
- a lesson check whose hints 1 and 2, or one of whose mistake hints, have no text in that
  language (``hints``; German comes from ``feedback_de.yaml``).

Examples
--------
>>> untranslated("de", lessons=[])
[]
>>> untranslated("en")
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat
import yaml

from mkt_engineering.errors import ParameterError
from mkt_engineering.paths import NOTEBOOKS_DIR
from mkt_engineering.teaching.catalog import lesson_checks
from mkt_engineering.teaching.student_edition import source_hash, translation_path

LESSONS_DIR = NOTEBOOKS_DIR / "lessons"
LANGUAGES = ("en", "de")


def untranslated(language: str = "de", *, lessons: Iterable[Path] | None = None) -> list[str]:
    """Every place of the lessons and their hints still in English for ``language``.

    Parameters
    ----------
    language : str
        The edition to check: ``"de"``. English (``"en"``) is the original and never
        lacks anything.
    lessons : iterable of Path, optional
        Lesson notebooks to check; by default every ``NN_*.ipynb`` in ``notebooks/lessons``.
        The hint ladders are checked only in the default case (they belong to the kit).

    Returns
    -------
    list of str
        One line per problem, ``"<lesson> cell <id>: <what>"`` or
        ``"hints <check>: <what>"``; empty when the edition is complete.

    Examples
    --------
    >>> problems = untranslated("de")
    >>> all(line.split()[0] for line in problems)
    True
    """
    if language not in LANGUAGES:
        raise ParameterError(
            f"untranslated: language must be one of {', '.join(LANGUAGES)}, got {language!r}. "
            "Fix: untranslated('de')."
        )
    if language == "en":
        return []
    default = lessons is None
    paths = sorted(LESSONS_DIR.glob("[0-9][0-9]*_*.ipynb")) if default else list(lessons)
    problems = [line for path in paths for line in lesson_problems(Path(path), language)]
    if default:
        problems += hint_problems(language)
    return problems


def lesson_problems(lesson_path: Path, language: str = "de") -> list[str]:
    """The untranslated, copied, stale and orphaned markdown cells of one lesson.

    Parameters
    ----------
    lesson_path : Path
        The lesson notebook (English).
    language : str
        The language of the translation file beside it (``i18n/<language>/``).

    Returns
    -------
    list of str
        ``"<lesson> cell <id>: <what>"`` per problem.
    """
    notebook = nbformat.read(lesson_path, as_version=4)
    entries = _entries(lesson_path, language)
    by_hash = {entry.get("source_sha"): key for key, entry in entries.items()}
    name, problems, used = lesson_path.stem, [], set()
    for cell in notebook.cells:
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        key = cell.get("id") if cell.get("id") in entries else by_hash.get(source_hash(cell.source))
        if key is None:
            problems.append(f"{name} cell {cell.get('id')}: no {language} text (still English)")
            continue
        used.add(key)
        entry = entries[key]
        if entry.get("text", "").strip() == cell.source.strip():
            problems.append(f"{name} cell {cell.get('id')}: the {language} text is the English one")
        elif entry.get("source_sha") != source_hash(cell.source):
            problems.append(
                f"{name} cell {cell.get('id')}: stale, the English changed since it was "
                f"translated (update the text and source_sha {source_hash(cell.source)})"
            )
    problems += [
        f"{name} cell {key}: orphan, no such cell in the lesson" for key in entries.keys() - used
    ]
    code = _code_entries(lesson_path, language)
    problems += [
        f"{name} cell {cell.get('id')}: code text {fragment!r} still English "
        "(add it under code: in the translation)"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for fragment in code_fragments(cell.source)
        if fragment not in code
    ]
    return problems


# what a learner reads inside code: a comment, a label="...", the words a print() starts with
_LABEL = re.compile(r"label=\"([^\"]+)\"")
_PRINT = re.compile(r"print\(f?\"([^\"{]*[A-Za-z][^\"{]*)")


def code_fragments(source: str) -> list[str]:
    """The English a code cell shows a learner: comments of two words or more, labels and
    the text a print starts with (not code, not ``# NBVAL_...`` markers).

    Parameters
    ----------
    source : str
        A code cell's source.

    Returns
    -------
    list of str
        The fragments, in order.

    Examples
    --------
    >>> code_fragments('x = 1  # euros per lead\\nprint(f"share: {x}")\\n# NBVAL_CHECK_OUTPUT')
    ['euros per lead', 'share: ']
    """
    found = []
    for line in source.splitlines():
        if "NBVAL" in line:
            continue
        code, mark, comment = line.partition("#")
        # a '#' inside a string literal is no comment
        if mark and code.count('"') % 2 == 0 and len(comment.split()) >= 2:
            found.append(comment.strip())
        found += _LABEL.findall(line) + _PRINT.findall(line)
    return found


def _code_entries(lesson_path: Path, language: str) -> dict[str, str]:
    path = translation_path(lesson_path, language)
    if not path.exists():
        return {}
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("code") or {}


def translate_code(notebook: Any, lesson_path: Path, language: str = "de") -> int:
    """Put the translated comments, labels and print texts into a lesson's code cells.

    Only text after ``# `` or right after an opening quote is replaced, so code stays code.

    Parameters
    ----------
    notebook : NotebookNode
        The lesson (changed in place), e.g. before `student_edition.student_copy`.
    lesson_path : Path
        The English lesson, whose translation file holds the ``code:`` entries.
    language : str
        ``"de"``.

    Returns
    -------
    int
        How many fragments were replaced.
    """
    entries = _code_entries(lesson_path, language)
    replaced = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for english, translated in entries.items():
            for before, after in (
                (f"# {english}", f"# {translated}"),
                (f'"{english}', f'"{translated}'),
            ):
                replaced += cell.source.count(before)
                cell.source = cell.source.replace(before, after)
    return replaced


def _entries(lesson_path: Path, language: str) -> dict[str, dict[str, str]]:
    path = translation_path(lesson_path, language)
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("cells") or {}


def hint_problems(language: str = "de") -> list[str]:
    """Lesson checks whose hint ladder has no rungs in ``language``.

    Parameters
    ----------
    language : str
        ``"de"``.

    Returns
    -------
    list of str
        ``"hints <check>: <what>"`` per check.

    Examples
    --------
    >>> hint_problems("de")
    []
    """
    from mkt_engineering.teaching.german_feedback import german
    from mkt_engineering.teaching.ladder import LADDERS

    if language == "en":
        return []
    problems = []
    for check in _lesson_checks():
        ladder = LADDERS[check]
        if isinstance(ladder, dict):
            rungs = ladder.get(language) or ()
            missing = [] if len(rungs) == 3 and all(str(r).strip() for r in rungs) else [1, 2]
        else:  # English rungs, German from feedback_de.yaml (hint 3 is code)
            missing = [step for step, rung in enumerate(ladder[:2], 1) if german(rung) == rung]
        if missing:
            steps = " and ".join(map(str, missing))
            problems.append(
                f"hints {check}: hint {steps} has no {language} text (feedback_de.yaml)"
            )
    problems += [
        f"hints {check}: mistake hint has no {language} text: {text!r}"
        for check, text in _check_texts()
        if german(text) == text
    ]
    return problems


def _check_texts() -> list[tuple[str, str]]:
    """(check, hint) for every mistake hint the trainer guide reads from the checks' source."""
    from mkt_engineering.teaching.trainer_guide import check_hints

    checks = lesson_checks()
    return [(check, text) for check in _lesson_checks() for text in check_hints(checks[check])]


def _lesson_checks() -> list[str]:
    """The checks of the lesson modules (not an example a doctest registered)."""
    from mkt_engineering.teaching.ladder import LADDERS

    checks = lesson_checks()  # loading every check module registers its ladder
    return sorted(check for check in LADDERS if check in checks)
