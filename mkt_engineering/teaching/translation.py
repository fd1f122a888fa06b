"""English left in a translated workshop: what `mkt workshop build --lang de` refuses or warns on.

A lesson is translated by ``notebooks/lessons/i18n/<language>/<lesson>.yaml`` (German text of
its markdown cells, keyed by cell id, see `student_edition.translate`); the hints of its
checks by the German rungs of each hint ladder (`ladder.exercise`). `untranslated` lists
every place where a learner of that language would still read English:

- a markdown cell with no translation (``missing``);
- a translation that is a copy of the English text (``copy``);
- a translation written from an older English text (``stale``: the English changed since);
- a translation whose cell is gone from the lesson (``orphan``);
- a lesson check whose hint ladder has no rungs in that language (``hints``).

Examples
--------
>>> untranslated("de", lessons=[])
[]
>>> untranslated("en")
[]
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat
import yaml

from mkt_engineering.errors import ParameterError
from mkt_engineering.paths import NOTEBOOKS_DIR
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
    paths = sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb")) if default else list(lessons)
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
    return problems


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
    >>> all(line.startswith("hints check_") for line in hint_problems("de"))
    True
    """
    import mkt_engineering.teaching  # noqa: F401  (registers every lesson check's ladder)
    from mkt_engineering.teaching.ladder import LADDERS

    problems = []
    for check, ladder in sorted(LADDERS.items()):
        rungs = ladder.get(language) if isinstance(ladder, dict) else None
        if not rungs or len(rungs) != 3 or not all(str(rung).strip() for rung in rungs[:2]):
            problems.append(f"hints {check}: no {language} hint ladder (hints 1 and 2 English)")
    return problems
