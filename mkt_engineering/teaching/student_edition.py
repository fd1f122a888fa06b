"""Student copies of a lesson: solutions out, checks in, outputs stripped, text translated.

A lesson marks each exercise with a code cell tagged ``solution`` followed by a check cell
calling ``teaching.check_*``. The student copy replaces the solution by a stub that keeps
the instruction (leading comment lines, or the cell's ``instruction`` metadata) and sets
every variable the solution assigned to ``None``, so the check cell still runs and answers
with a friendly "not yet" instead of a NameError.

Examples
--------
>>> source = "# total leads of search\\nsearch_leads = results['leads'].sum()\\nsearch_leads"
>>> print(solution_stub(source))
# total leads of search
search_leads = None  # YOUR ANSWER HERE
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
import warnings
from pathlib import Path
from typing import Any

import nbformat
import yaml

SOLUTION_TAG = "solution"
# The tag a solution cell gets in the student copy; its id becomes "answer-N" (N from 1).
EXERCISE_TAG = "exercise"
STUB_MARKER = {"en": "# YOUR ANSWER HERE", "de": "# IHRE LÖSUNG HIER"}
# Links from a lesson to the glossary, rewritten to the copy bundled next to the notebooks.
_GLOSSARY_LINK = re.compile(r"\]\((?:\.\./)*(?:docs/)?glossary\.md")


def is_solution(cell: Any) -> bool:
    return cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", [])


def is_check(cell: Any) -> bool:
    return cell.cell_type == "code" and (
        "teaching.check_" in cell.source or "check" in cell.metadata.get("tags", [])
    )


def assigned_names(source: str) -> list[str]:
    """Names a cell assigns or defines at top level, in order (``a, b = ...`` gives a and b)."""
    # IPython magics (%time, !pip) are not Python; leave them out before parsing
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []

    def collect(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                collect(element)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                collect(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            collect(node.target)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
    return list(dict.fromkeys(names))


def solution_stub(source: str, *, instruction: str | None = None, language: str = "en") -> str:
    """The student's version of a solution cell: instruction, then ``name = None`` stubs."""
    lines = source.splitlines()
    leading = []
    for line in lines:
        if not line.strip().startswith("#") or "NBVAL" in line:
            break
        leading.append(line)
    header = [f"# {line}" for line in instruction.splitlines()] if instruction else leading
    marker = STUB_MARKER.get(language, STUB_MARKER["en"])
    names = assigned_names(source)
    body = [f"{name} = None  {marker}" for name in names] or [marker]
    return "\n".join(header + body)


def code_lines(source: str) -> set[str]:
    """Distinctive code lines of a cell: no blanks, comments, lone brackets or bare names."""
    found = set()
    for line in source.splitlines():
        text = line.split("  #")[0].strip()
        if (
            len(text) > 3
            and not text.startswith("#")
            and any(ch.isalnum() for ch in text)
            and not text.isidentifier()
        ):
            found.add(text)
    return found


def leaked_lines(lesson: Any, student: Any) -> list[str]:
    """Solution lines of ``lesson`` found anywhere in ``student`` (cells, outputs, metadata).

    Only lines that appear in solution cells alone count: a line the lesson also shows in
    a demo cell or in its text is no secret.
    """
    secret: set[str] = set()
    for cell in lesson.cells:
        if is_solution(cell):
            secret.update(code_lines(cell.source))
    # a line the lesson shows outside its solutions (demo code, a tip in the text) is public
    public = "\n".join(cell.source for cell in lesson.cells if not is_solution(cell))
    secret = {line for line in secret if line not in public}
    corpus = "\n".join(_strings(student))
    return sorted(line for line in secret if line in corpus)


def _strings(node: Any) -> list[str]:
    """Every text in a notebook: sources, outputs, metadata of cells and of the notebook."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for key, value in node.items() for text in _strings(key) + _strings(value)]
    if isinstance(node, list | tuple):
        return [text for value in node for text in _strings(value)]
    return []


def translation_path(lesson_path: Path, language: str) -> Path:
    return lesson_path.parent / "i18n" / language / f"{lesson_path.stem}.yaml"


def source_hash(text: str) -> str:
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:12]


def load_translation(lesson_path: Path, language: str) -> dict[str, dict[str, str]]:
    """Cell id -> {'text': ..., 'source_sha': ...} for a lesson, or {} when there is none."""
    path = translation_path(lesson_path, language)
    if language == "en" or not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("cells", {})


def translate(lesson: Any, cells: dict[str, dict[str, str]], *, name: str = "lesson") -> list[str]:
    """Replace markdown cells by their translation in place; returns the cell ids whose
    translation may be out of date.

    A cell is matched by its id, or, when the lesson was regenerated with new ids, by the
    hash of the English text the translation was written from. A translation whose English
    text changed since is used but reported, and so is one that matches no cell.
    """
    by_hash = {
        entry.get("source_sha"): entry for entry in cells.values() if entry.get("source_sha")
    }
    used, stale = set(), []
    for cell in lesson.cells:
        if cell.cell_type != "markdown":
            continue
        entry = cells.get(cell.get("id", "")) or by_hash.get(source_hash(cell.source))
        if entry is None:
            continue
        used.add(id(entry))
        if entry.get("source_sha") and entry["source_sha"] != source_hash(cell.source):
            stale.append(cell.id)
        cell.source = entry["text"].strip()
    stale += [key for key, entry in cells.items() if id(entry) not in used]
    if stale:
        warnings.warn(
            f"{name}: the translation of cell(s) {', '.join(stale)} may be out of date "
            "(the English text changed, or the cell is gone).",
            stacklevel=2,
        )
    return stale


def strip_outputs(notebook: Any) -> None:
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.source = "\n".join(
                line for line in cell.source.splitlines() if "NBVAL_CHECK_OUTPUT" not in line
            )
        cell.metadata.pop("execution", None)


def student_copy(lesson: Any, *, language: str = "en", translation: dict | None = None) -> Any:
    """A student edition of a lesson notebook (the input is not changed)."""
    student = copy.deepcopy(lesson)
    if translation:
        translate(student, translation)
    taken = {cell.get("id") for cell in student.cells if not is_solution(cell)}
    exercise = 0
    for cell in student.cells:
        if is_solution(cell):
            exercise += 1
            cell.source = solution_stub(
                cell.source, instruction=cell.metadata.get("instruction"), language=language
            )
            tags = [tag for tag in cell.metadata.get("tags", []) if tag != SOLUTION_TAG]
            # Only the tags stay: other metadata (an instruction, a note for the trainer)
            # and the lesson's cell id may give the answer away ("solution-sum-by-channel").
            cell.metadata = nbformat.NotebookNode({"tags": [*tags, EXERCISE_TAG]})
            cell.id = _free_id(f"answer-{exercise}", taken)
        if cell.cell_type == "markdown":
            cell.source = _GLOSSARY_LINK.sub("](glossary.md", cell.source)
    _link_glossary(student, language)
    _speak(student, language, taken)
    strip_outputs(student)
    return student


FEEDBACK_CELL = {
    "en": "# The checks below answer in English\n",
    "de": "# Die Prüfzellen antworten auf Deutsch\n",
}


def _speak(notebook: Any, language: str, taken: set) -> None:
    """Make the checks speak the edition's language: a cell before the first code cell
    sets it (the kernel would otherwise follow MKT_LANGUAGE, English by default)."""
    if not any(is_check(cell) for cell in notebook.cells):
        return
    first_code = next(
        (index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"), 0
    )
    cell = nbformat.v4.new_code_cell(
        FEEDBACK_CELL.get(language, FEEDBACK_CELL["en"])
        + f"from mkt_engineering import teaching\n\nteaching.set_language({language!r})"
    )
    cell.id = _free_id("feedback-language", taken)
    notebook.cells.insert(first_code, cell)


GLOSSARY_LINE = {
    "en": "More terms, in German and English: [glossary](glossary.md).",
    "de": "Weitere Begriffe, deutsch und englisch: [Glossar](glossary.md).",
}


def _link_glossary(notebook: Any, language: str) -> None:
    """Every student copy links the bundled glossary, also when the lesson itself does not."""
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    if not markdown or any("glossary.md" in cell.source for cell in markdown):
        return
    target = next(
        (
            cell
            for cell in reversed(markdown)
            if re.search(r"^#+ .*glossar", cell.source, re.IGNORECASE | re.MULTILINE)
        ),
        markdown[-1],
    )
    target.source = (
        target.source.rstrip() + "\n\n" + GLOSSARY_LINE.get(language, GLOSSARY_LINE["en"])
    )


def is_exercise(cell: Any) -> bool:
    """A stub cell of a student copy (a solution cell of the lesson before)."""
    return cell.cell_type == "code" and EXERCISE_TAG in cell.metadata.get("tags", [])


def _free_id(wanted: str, taken: set) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... when another cell has that id."""
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    taken.add(candidate)
    return candidate


def fill_solutions(student: Any, lesson: Any) -> Any:
    """The student copy with the lesson's solutions put back, the n-th exercise cell getting
    the n-th solution (the student copy renames their ids; see `student_copy`).

    Parameters
    ----------
    student : nbformat.NotebookNode
        A student copy made by `student_copy`.
    lesson : nbformat.NotebookNode
        The lesson it was made from.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook; ``student`` is not changed.
    """
    solutions = [cell.source for cell in lesson.cells if is_solution(cell)]
    filled = copy.deepcopy(student)
    exercises = [cell for cell in filled.cells if is_exercise(cell)]
    if len(exercises) != len(solutions):
        raise ValueError(
            f"the student copy has {len(exercises)} exercise cell(s), the lesson "
            f"{len(solutions)} solution cell(s): build the student copy from this lesson again"
        )
    for cell, source in zip(exercises, solutions, strict=True):
        cell.source = source
    return filled


def read_lesson(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def execute(notebook: Any, folder: Path, *, timeout: int = 600) -> Any:
    """Run a notebook in ``folder`` (its working directory) with the python3 kernel."""
    from nbclient import NotebookClient

    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return notebook


def output_text(cell: Any) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [str(value) for value in output.get("data", {}).values()]
        if output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "\n".join(parts)


def check_results(notebook: Any) -> dict[str, bool]:
    """Check cell id -> passed (its output shows a green tick and no amber 'not yet')."""
    return {
        cell.id: "✅" in output_text(cell) and "🟠" not in output_text(cell)
        for cell in notebook.cells
        if is_check(cell)
    }
