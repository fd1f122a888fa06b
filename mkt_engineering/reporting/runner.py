"""One report run: check parameters, execute with papermill, write the run folder atomically.

``reports/<analysis>/<YYYYmmdd-HHMMSS>-<hash6>/`` holds ``report.html``, ``executed.ipynb``,
``manifest.json`` and ``tables/``. Everything is written into a hidden temporary folder
beside it (``.tmp-...``) and renamed into place at the very end, so a run that crashes or is
killed never leaves a folder that looks like a finished report.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# jsonschema (under nbformat and papermill) imports rfc3987_syntax when it is installed,
# which builds a grammar at import: seconds per run, for IRI checks notebooks never need.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]

import nbformat  # noqa: E402

from mkt_engineering.paths import PROJECT_ROOT, REPORTS_DIR
from mkt_engineering.reporting.analyses import Analysis, find_analysis
from mkt_engineering.reporting.html import render_report
from mkt_engineering.reporting.manifest import (
    describe_input,
    package_versions,
    parameters_hash,
    write_manifest,
)
from mkt_engineering.reporting.notebook import RUN_DIR_ENV, STATE_FILE
from mkt_engineering.reporting.params import ParameterError, assign_data, validate
from mkt_engineering.reporting.redact import redact_value

KERNEL = "python3"
TEMP_PREFIX = ".tmp-"


@dataclass
class PreparedRun:
    """A run whose parameters passed every check; nothing has executed yet."""

    analysis: str
    notebook: Path
    title: str
    description: str
    given: dict[str, Any]
    parameters: dict[str, Any]
    inputs: list[dict[str, Any]]
    out: Path
    label: str = ""


@dataclass
class RunResult:
    label: str
    analysis: str
    status: str  # ok, failed, skipped
    folder: Path | None = None
    seconds: float = 0.0
    error: str = ""
    headline: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)


def _resolve_given_file(name: str, value: str) -> str:
    path = Path(value).expanduser()
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, PROJECT_ROOT / path]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise ParameterError(f"input file for '{name}' not found: {value} (looked in {Path.cwd()} and the project folder)")
    return str(found.resolve())


def _default_file(name: str, value: str, input_name: str) -> Path:
    path = Path(value).expanduser()
    path = path if path.is_absolute() else PROJECT_ROOT / path
    if not path.is_file():
        raise ParameterError(
            f"input file for '{name}' not found: the default {value} does not exist; "
            f"run `mkt datasets generate` or give your own with --data {input_name}=FILE"
        )
    return path


def prepare_run(
    analysis_name: str,
    parameters: dict[str, Any] | None = None,
    data: list[str] | None = None,
    out: Path | None = None,
    label: str = "",
) -> PreparedRun:
    """Check everything a run needs before any kernel starts.

    Raises
    ------
    ParameterError
        Unknown analysis or parameter, a wrong type, or a missing input file (one line).
    """
    analysis: Analysis = find_analysis(analysis_name)
    specs = analysis.parameters
    raw = dict(parameters or {})
    for name, path in assign_data(specs, list(data or []), analysis.name).items():
        raw[name] = path
    given = validate(specs, raw, analysis.name)
    inputs = []
    for spec in specs:
        if not spec.is_file:
            continue
        if spec.name in given:
            if given[spec.name] in (None, ""):
                continue  # an optional input left out
            given[spec.name] = _resolve_given_file(spec.name, given[spec.name])
            inputs.append(describe_input(Path(given[spec.name]), spec.name))
        elif isinstance(spec.default, str) and spec.default:
            inputs.append(describe_input(_default_file(spec.name, spec.default, spec.input_name), spec.name))
    effective = {**analysis.defaults(), **given}
    return PreparedRun(
        analysis=analysis.name,
        notebook=analysis.path,
        title=analysis.title,
        description=analysis.description,
        given=given,
        parameters=effective,
        inputs=inputs,
        out=Path(out or REPORTS_DIR).resolve(),
        label=label or analysis.name,
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temp(folder: Path) -> None:
    """Remove temporary folders of runs whose process is gone (a crash or a kill)."""
    for temp in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            pid = int(temp.name.split("-")[-2])
        except (ValueError, IndexError):
            continue
        if not _pid_alive(pid):
            shutil.rmtree(temp, ignore_errors=True)


def _error_line(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


def _execute(run: PreparedRun, temp: Path, progress_bar: bool) -> str:
    """Run the notebook in papermill; returns '' or the error line."""
    import papermill

    # papermill's own parameter inference cannot read `str | None` lines and warns; the
    # parameters were checked against the cell already.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    previous = os.environ.get(RUN_DIR_ENV)
    os.environ[RUN_DIR_ENV] = str(temp)
    try:
        papermill.execute_notebook(
            str(run.notebook),
            str(temp / "executed.ipynb"),
            parameters=run.given,
            kernel_name=KERNEL,
            cwd=str(run.notebook.parent),
            progress_bar=progress_bar,
            request_save_on_cell_execute=False,
        )
        return ""
    except Exception as exc:  # a failing notebook is a result, not a crash of the runner
        return _error_line(exc)
    finally:
        if previous is None:
            os.environ.pop(RUN_DIR_ENV, None)
        else:
            os.environ[RUN_DIR_ENV] = previous


def _read_state(temp: Path) -> dict[str, Any]:
    """What the notebook recorded (headline, quality, tables); the manifest keeps it."""
    path = temp / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    path.unlink()
    return state


def _inputs_read(run: PreparedRun, state: dict[str, Any]) -> list[dict[str, Any]]:
    """Declared inputs plus any other file the notebook loaded (seen via show_quality)."""
    inputs = list(run.inputs)
    known = {item["path"] for item in inputs}
    for record in state.get("quality", []):
        source = record.get("source")
        path = Path(str(source)) if source else None
        if path is not None and not path.is_absolute():
            path = run.notebook.parent / path
        if path is not None and path.is_file() and str(path.resolve()) not in known:
            inputs.append(describe_input(path))
            known.add(str(path.resolve()))
    return inputs


def _final_folder(parent: Path, run_id: str) -> Path:
    final, counter = parent / run_id, 2
    while final.exists():
        final, counter = parent / f"{run_id}-{counter}", counter + 1
    return final


def _redacted_copy(executed: Path) -> nbformat.NotebookNode:
    """The executed notebook with e-mail addresses replaced in every output (rewritten in place)."""
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(redact_value(dict(output))) for output in cell.outputs]
    nbformat.write(notebook, executed)
    return notebook


def _write_page(temp: Path, notebook: nbformat.NotebookNode, manifest: dict[str, Any]) -> None:
    try:
        page = render_report(notebook, manifest, manifest["quality"], {})
    except Exception as exc:  # keep executed.ipynb and say why there is no page
        manifest["status"], manifest["error"] = "failed", f"report page could not be rendered: {_error_line(exc)}"
        return
    (temp / "report.html.part").write_text(page, encoding="utf-8")
    os.replace(temp / "report.html.part", temp / "report.html")


def execute_run(run: PreparedRun, progress_bar: bool = False) -> RunResult:
    """Execute a prepared run and move its complete folder into place."""
    started_clock, started = time.perf_counter(), dt.datetime.now().astimezone()
    run_id = f"{started:%Y%m%d-%H%M%S}-{parameters_hash(run.parameters)}"
    parent = run.out / run.analysis
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temp(parent)
    temp = parent / f"{TEMP_PREFIX}{run_id}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    temp.mkdir()
    try:
        error = _execute(run, temp, progress_bar)
        state = _read_state(temp)
        manifest = {
            "analysis": run.analysis,
            "title": run.title,
            "description": run.description,
            "run_id": run_id,
            "status": "failed" if error else "ok",
            "error": error or None,
            "headline": state.get("headline"),
            "parameters": run.parameters,
            "parameters_given": run.given,
            "inputs": _inputs_read(run, state),
            "tables": state.get("tables", []),
            "quality": state.get("quality", []),
            "notebook": str(run.notebook),
            "packages": package_versions(),
            "started": started.isoformat(timespec="seconds"),
        }
        executed = temp / "executed.ipynb"
        notebook = _redacted_copy(executed) if executed.exists() else None
        finished = dt.datetime.now().astimezone()
        manifest["finished"] = finished.isoformat(timespec="seconds")
        manifest["duration_seconds"] = round(time.perf_counter() - started_clock, 2)
        if notebook is not None:
            _write_page(temp, notebook, manifest)
        write_manifest(temp, manifest)
        final = _final_folder(parent, run_id)
        os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return RunResult(
        label=run.label,
        analysis=run.analysis,
        status=manifest["status"],
        folder=final,
        seconds=manifest["duration_seconds"],
        error=manifest["error"] or "",
        headline=manifest["headline"] or "",
        manifest=manifest,
    )
