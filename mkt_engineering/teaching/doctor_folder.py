"""`mkt doctor PATH`: can the lessons in this workshop folder run here?

Two checks beside the machine's (`doctor`): the data beside the lessons is complete and as
built (every file the workshop build listed in its checksum file, unchanged), and the first
cells of each lesson run (the cells before its first exercise, at most `START_CELLS`, with
the folder as working folder, exactly as JupyterLab runs them).

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> result = check_lessons_start(folder)
>>> result.ok, result.detail.startswith("no lesson notebooks")
(False, True)
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from mkt_engineering.paths import DATASETS_DIR
from mkt_engineering.teaching import lesson_data
from mkt_engineering.teaching.doctor import CheckResult
from mkt_engineering.teaching.doctor_text import say

# The student folder's data folder, beside the lessons: the first place `lesson_data` looks.
DATA_DIRNAME = lesson_data.BESIDE_FOLDERS[0]
CHECKSUMS_FILE = "checksums.json"
# Enough for every cell before the first exercise of each lesson (lesson 00 has eleven)
START_CELLS = 12
# Lesson notebooks: NN_topic.ipynb, and NNx_topic.ipynb for one slotted in between (00b_...)
LESSON_GLOB = "[0-9][0-9]*_*.ipynb"
CELL_TIMEOUT_S = 180


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (data files may be larger than memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(data_dir: Path) -> Path:
    """List every file of ``data_dir`` with its size and SHA-256 in ``checksums.json``.

    Parameters
    ----------
    data_dir : Path
        The data folder of a student folder, written by the workshop build.

    Returns
    -------
    Path
        The checksum file, inside ``data_dir``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "leads.csv").write_text("lead_id\\n1\\n")
    >>> json.loads(write_checksums(folder).read_text())["leads.csv"]["bytes"]
    10
    """
    files = sorted(p for p in data_dir.rglob("*") if p.is_file() and p.name != CHECKSUMS_FILE)
    listing = {
        path.relative_to(data_dir).as_posix(): {
            "bytes": path.stat().st_size,
            "sha256": file_sha256(path),
        }
        for path in files
    }
    target = data_dir / CHECKSUMS_FILE
    target.write_text(json.dumps(listing, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


def _names(items: list[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + (f" (+{len(items) - limit})" if len(items) > limit else "")


def check_data(folder: Path, *, language: str = "en", kit_data: Path | None = None) -> CheckResult:
    """The data beside the lessons is complete and unchanged; else the kit's demo data.

    Parameters
    ----------
    folder : Path
        A workshop folder (the unzipped student kit) or the kit's lessons folder.
    language : str
        ``"en"`` or ``"de"``.
    kit_data : Path, optional
        The kit's own data folder, used when the folder has none; ``DATASETS_DIR``.

    Returns
    -------
    CheckResult
        Green with the file count; red naming missing or changed files and the fix.
    """
    name = say(language, "data")
    beside = [Path(folder) / sub for sub in lesson_data.BESIDE_FOLDERS]
    data_dir = next((path for path in beside if path.is_dir()), beside[0])
    if not data_dir.is_dir():
        kit_data = Path(kit_data or DATASETS_DIR)
        if kit_data.is_dir():
            count = sum(1 for p in kit_data.rglob("*.csv"))
            return CheckResult(
                name, True, say(language, "data_kit_ok", folder=kit_data, count=count)
            )
        return CheckResult(
            name,
            False,
            say(language, "data_no_folder", folder=folder),
            say(language, "data_no_folder_fix", data=DATA_DIRNAME),
        )
    listing_file = data_dir / CHECKSUMS_FILE
    if not listing_file.exists():  # a folder built before checksums: its files must be there
        count = sum(1 for p in data_dir.rglob("*.csv"))
        return CheckResult(name, count > 0, say(language, "data_ok", count=count, folder=data_dir))
    listing = json.loads(listing_file.read_text(encoding="utf-8"))
    missing = [key for key in listing if not (data_dir / key).is_file()]
    changed = [
        key
        for key, entry in listing.items()
        if key not in missing
        and (
            (data_dir / key).stat().st_size != entry["bytes"]
            or file_sha256(data_dir / key) != entry["sha256"]
        )
    ]
    if missing or changed:
        parts = [say(language, "data_missing", names=_names(missing))] if missing else []
        parts += [say(language, "data_changed", names=_names(changed))] if changed else []
        return CheckResult(
            name, False, "; ".join(parts), say(language, "data_fix", data=DATA_DIRNAME)
        )
    return CheckResult(name, True, say(language, "data_ok", count=len(listing), folder=data_dir))


def start_cells(notebook, limit: int = START_CELLS) -> list[int]:
    """Indices of the code cells a lesson runs before its first exercise (at most ``limit``).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    >>> exercise = new_code_cell("answer = None", metadata={"tags": ["exercise"]})
    >>> cells = [new_markdown_cell("# 00"), new_code_cell("import polars"), exercise]
    >>> start_cells(new_notebook(cells=cells))
    [1]
    """
    from mkt_engineering.teaching import student_edition as edition

    found: list[int] = []
    for index, cell in enumerate(notebook.cells):
        if edition.is_solution(cell) or edition.is_exercise(cell) or len(found) >= limit:
            break
        if cell.cell_type == "code" and cell.source.strip():
            found.append(index)
    return found


def _run_start(path: Path, folder: Path, limit: int) -> str:
    """The first cells of one lesson, run in ``folder``; '' or 'cell N: Error: message'."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    indices = start_cells(notebook, limit)
    trimmed = nbformat.v4.new_notebook(
        cells=[notebook.cells[i] for i in indices], metadata=notebook.metadata
    )
    client = NotebookClient(
        trimmed,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        failed = next(
            (
                position
                for position, cell in enumerate(trimmed.cells)
                if any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            ),
            len(trimmed.cells) - 1,
        )
        return f"{indices[failed] + 1}\t{error.ename}: {error.evalue}"
    return ""


def check_lessons_start(
    folder: Path, *, language: str = "en", limit: int = START_CELLS
) -> CheckResult:
    """The first cells of every lesson in ``folder`` run without an error.

    Parameters
    ----------
    folder : Path
        A workshop folder or the kit's lessons folder.
    language : str
        ``"en"`` or ``"de"``.
    limit : int
        At most this many code cells per lesson, all of them before its first exercise.

    Returns
    -------
    CheckResult
        Green naming the lessons; red naming each failing lesson, its cell (counted from 1,
        as JupyterLab shows them) and the error.
    """
    name = say(language, "lessons")
    folder = Path(folder)
    lessons = sorted(folder.glob(LESSON_GLOB))
    if not lessons:
        return CheckResult(
            name,
            False,
            say(language, "lessons_none", folder=folder),
            say(language, "lessons_none_fix"),
        )
    failures = []
    for path in lessons:
        try:
            outcome = _run_start(path, folder, limit)
        except Exception as error:  # the kernel did not start or answer: name it, go on
            failures.append(f"{path.stem}: {type(error).__name__}: {error}"[:300])
            continue
        if outcome:
            cell, error = outcome.split("\t", 1)
            error = error.strip().splitlines()[-1][:200] if error.strip() else error
            failures.append(
                say(language, "lesson_failed", lesson=path.stem, cell=cell, error=error)
            )
    if failures:
        return CheckResult(name, False, "; ".join(failures), say(language, "lessons_fix"))
    names = ", ".join(path.stem for path in lessons)
    return CheckResult(name, True, say(language, "lessons_ok", count=len(lessons), names=names))


def folder_checks(folder: Path, *, language: str = "en") -> list:
    """The folder's checks as argument-free callables, for `doctor.run_checks`."""
    return [
        functools.partial(check_data, folder, language=language),
        functools.partial(check_lessons_start, folder, language=language),
    ]
