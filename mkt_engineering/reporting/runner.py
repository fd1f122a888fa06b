"""One report run: check parameters, execute with papermill, write the run folder atomically.

``reports/<analysis>/<YYYYmmdd-HHMMSS>-<hash6>/`` holds ``report.html``, ``executed.ipynb``,
``manifest.json`` and ``tables/``. Everything is written into a hidden temporary folder
beside it (``.tmp-...``) and renamed into place at the very end, so a run that crashes or is
killed never leaves a folder that looks like a finished report.

The work is overlapped rather than serialised: the kernel starts first, right after the
parameter checks, and pre-imports what every report imports while this process imports
papermill; nbconvert and the page template load in a thread while the notebook runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only light modules here: everything before the kernel starts is waited for. nbformat,
# papermill, nbconvert and polars load later, while the kernel boots or the notebook runs.
from mkt_engineering.paths import PROJECT_ROOT, REPORTS_DIR
from mkt_engineering.reporting.analyses import Analysis, find_analysis
from mkt_engineering.reporting.folders import (
    KERNEL_PREFIX,
    OWNER_FILE,
    TEMP_PREFIX,
    clean_stale_kernel_folders,
    clean_stale_temp,
    mark_owner,
    run_folder_name,
)
from mkt_engineering.reporting.manifest import (
    add_source_rows,
    describe_input,
    describe_source,
    package_versions,
    parameters_hash,
    write_manifest,
)
from mkt_engineering.reporting.notebook import RUN_DIR_ENV, STATE_FILE
from mkt_engineering.reporting.params import (
    ParameterError,
    assign_data,
    ensure_plain,
    missing_inputs_problem,
    validate,
)
from mkt_engineering.reporting.profiling import manifest_profile
from mkt_engineering.sources import is_source_uri

if TYPE_CHECKING:
    import nbformat

KERNEL = "python3"
# What report notebooks import first; the kernel imports it while it starts, at the same
# time as this process imports papermill, instead of in the notebook's first cells.
# the kit first: its __init__ spares altair's import a slow optional grammar
PRELOAD = ("mkt_engineering", "polars", "altair", "mkt_engineering.reporting", "mkt_engineering.io")


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
    folder_name: str = ""
    strict: bool = False  # a section that is not shown fails the run


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
    folder = next((c for c in candidates if c.is_dir()), None)
    if folder is not None:
        raise ParameterError(
            f"input file for '{name}': {value} is a folder; give one file in it, e.g. --data "
            f"{name.removesuffix('_file')}={Path(value) / 'export.csv'}"
        )
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise ParameterError(
            f"input file for '{name}' not found: {value} "
            f"(looked in {Path.cwd()} and the project folder)"
        )
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


def _describe(path: Path, name: str) -> dict[str, Any]:
    """`describe_input`, with an unreadable file as a one-line ParameterError."""
    try:
        return describe_input(path, name)
    except OSError as exc:
        raise ParameterError(
            f"input file for '{name}' cannot be read: {path} ({exc.strerror or exc}); "
            "check its permissions, or give another file with --data"
        ) from None


def prepare_run(
    analysis_name: str,
    parameters: dict[str, Any] | None = None,
    data: list[str] | None = None,
    out: Path | None = None,
    label: str = "",
    strict: bool = False,
) -> PreparedRun:
    """Check everything a run needs before any kernel starts.

    `strict` makes a report section that is not shown (its data were missing) fail the run.

    Raises
    ------
    ParameterError
        Unknown analysis or parameter, a wrong type, a required input not given, or a
        missing input file (one line).
    """
    analysis: Analysis = find_analysis(analysis_name)
    specs = analysis.parameters
    raw = dict(parameters or {})
    for name, path in assign_data(specs, list(data or []), analysis.name).items():
        raw[name] = path
    given = validate(specs, raw, analysis.name)
    if given.get("layouts"):  # per input; checked here so a typo costs no kernel start
        from mkt_engineering.layout import check_layouts

        given["layouts"] = check_layouts(
            given["layouts"], [s.input_name for s in specs if s.is_file]
        )
    inputs, present = [], set()
    for spec in specs:
        if not spec.is_file:
            continue
        if spec.name in given:
            if given[spec.name] in (None, ""):
                continue  # an optional input left out
            if is_source_uri(given[spec.name]):  # a table where it lives: no file to hash
                given[spec.name], entry = describe_source(
                    given[spec.name], spec.name, [Path.cwd(), PROJECT_ROOT]
                )
                inputs.append(entry)
                present.add(spec.input_name)
                continue
            given[spec.name] = _resolve_given_file(spec.name, given[spec.name])
            inputs.append(_describe(Path(given[spec.name]), spec.name))
        elif isinstance(spec.default, str) and spec.default:
            inputs.append(
                _describe(_default_file(spec.name, spec.default, spec.input_name), spec.name)
            )
        else:
            continue
        present.add(spec.input_name)
    # Inputs default to nothing: a required one left out is named here, before any kernel.
    problem = missing_inputs_problem(analysis.name, analysis.required_inputs, present)
    if problem:
        raise ParameterError(problem)
    effective = {**analysis.defaults(), **given}
    ensure_plain(given)  # what papermill will write; the notebook's own defaults stay as written
    language = str(effective.get("language") or "en")  # a German run's page has a German title
    return PreparedRun(
        analysis=analysis.name,
        notebook=analysis.path,
        title=analysis.title_in(language),
        description=analysis.description_in(language),
        given=given,
        parameters=effective,
        inputs=inputs,
        out=Path(out or REPORTS_DIR).resolve(),
        label=label or analysis.name,
        folder_name=run_folder_name(analysis.name),
        strict=strict,
    )


# A dead kernel says only "Kernel died"; nearly always the system stopped it for memory.
KERNEL_DIED = (
    "The report's Python process stopped in the middle of a cell (DeadKernelError), most "
    "often because it ran out of memory. Give it more memory, or let a database hold the "
    "data: a DuckDB file or folder of Parquet files with --memory (see "
    "docs/data-in-a-warehouse.md)."
)


def _error_line(exc: BaseException) -> str:
    if type(exc).__name__ == "DeadKernelError":
        return KERNEL_DIED
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


def kernel_arguments() -> list[str]:
    """Extra kernel options: no history file (as papermill's default) and the preload.

    The preload leaves no name behind in the notebook's namespace, so a notebook that
    forgets an import fails under `mkt run` just as it does in Jupyter.
    """
    names = ", ".join(repr(name) for name in PRELOAD)
    preload = (
        "import importlib as _mkt_i; "
        f"[_mkt_i.import_module(_mkt_m) for _mkt_m in ({names},)]; del _mkt_i"
    )
    return ["--HistoryManager.hist_file=:memory:", f"--IPKernelApp.exec_lines={preload}"]


@functools.cache
def _kernel_manager_class() -> type:
    from jupyter_client.manager import KernelManager

    class RunKernel(KernelManager):
        """The run's kernel, started before papermill and handed to it (``km=``).

        papermill leaves a kernel it did not start running, with its client connected;
        `stop` closes those clients and shuts the kernel down.
        """

        # nbclient runs the cells on an event loop and watches the kernel from a task on that
        # loop. A blocking client's wait for output blocked the whole loop, so when the
        # kernel died (killed for memory, say) nothing noticed: the run waited for minutes or
        # for ever. An async client lets the watch fail the cell within about a second.
        client_class = "jupyter_client.asynchronous.AsyncKernelClient"

        def client(self, **kwargs: Any) -> Any:
            client = super().client(**kwargs)
            self.opened_clients = [*getattr(self, "opened_clients", []), client]
            return client

        def stop(self) -> None:
            for client in getattr(self, "opened_clients", []):
                client.stop_channels()
            try:
                if self.has_kernel:
                    # The notebook has finished and written its files; a polite shutdown would
                    # wait about two seconds for the interpreter to tear polars and altair down.
                    self.shutdown_kernel(now=True)
            except RuntimeError:  # the kernel had died already (as nbclient tolerates it)
                self.cleanup_resources()
            if self.transport == "ipc":  # the private folder of the kernel's sockets
                shutil.rmtree(os.path.dirname(self.ip), ignore_errors=True)

    return RunKernel


def _kernel_specs() -> Any:
    """Where kernels are looked up: jupyter's folders and ``~/.ipython/kernels``, as by default.

    The default list asks IPython for its folder, and importing IPython costs a third of a
    second before the kernel can start; the folder is ``$IPYTHONDIR`` or ``~/.ipython``.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_core.paths import jupyter_path

    ipython_dir = os.path.expanduser(os.environ.get("IPYTHONDIR") or "~/.ipython")
    return KernelSpecManager(
        kernel_dirs=[*jupyter_path("kernels"), os.path.join(ipython_dir, "kernels")]
    )


def start_kernel(run: PreparedRun, temp: Path) -> Any:
    """Start the notebook's kernel now; it boots while this process loads papermill."""
    options: dict[str, Any] = {}
    if os.name == "posix":
        clean_stale_kernel_folders()
        # Unix sockets in a private folder: no open TCP port, and no "running over TCP
        # without encryption" warning from every kernel. The connection file goes there
        # too, so a killed run leaves one marked folder that the next run removes.
        private = Path(tempfile.mkdtemp(prefix=KERNEL_PREFIX))
        mark_owner(private)
        options = {
            "transport": "ipc",
            "ip": str(private / "kernel"),
            "connection_file": str(private / "connection.json"),
        }
    kernel = _kernel_manager_class()(
        kernel_name=KERNEL, kernel_spec_manager=_kernel_specs(), **options
    )
    # The notebook finds its run folder (tables, headline, quality) in MKT_RUN_DIR.
    env = {**os.environ, RUN_DIR_ENV: str(temp)}
    try:
        kernel.start_kernel(
            cwd=str(run.notebook.parent), env=env, extra_arguments=kernel_arguments()
        )
    except BaseException:
        kernel.stop()  # removes the socket folder; the run reports the error
        raise
    return kernel


def _prepare_page_in_background() -> threading.Thread:
    """Load nbconvert and compile the page template while the notebook runs."""

    def prepare() -> None:
        try:
            from mkt_engineering.reporting.html import report_exporter

            report_exporter()
        except Exception:  # noqa: BLE001 - the page step reports its own error later
            pass

    thread = threading.Thread(target=prepare, name="mkt-report-page", daemon=True)
    thread.start()
    return thread


def _execute(run: PreparedRun, temp: Path, progress_bar: bool, kernel: Any) -> str:
    """Run the notebook in papermill on the started kernel; returns '' or the error line."""
    import papermill

    # papermill's own parameter inference cannot read `str | None` lines and warns; the
    # parameters were checked against the cell already.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    _prepare_page_in_background()
    try:
        # The last guard: papermill writes values into the notebook as code, and only plain
        # data is written safely (bytes, for one, were written unescaped).
        ensure_plain(run.given)
        papermill.execute_notebook(
            str(run.notebook),
            str(temp / "executed.ipynb"),
            parameters=run.given,
            kernel_name=KERNEL,
            progress_bar=progress_bar,
            request_save_on_cell_execute=False,
            km=kernel,  # passed on to nbclient, which then uses this kernel
            # Waiting for the kernel now includes its preload (seconds on a busy machine).
            start_timeout=300,
        )
        return ""
    except Exception as exc:  # a failing notebook is a result, not a crash of the runner
        return _error_line(exc)


def _read_state(temp: Path) -> dict[str, Any]:
    """What the notebook recorded (headline, quality, tables); the manifest keeps it."""
    path = temp / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    path.unlink()
    return state


def strict_problem(sections: list[dict[str, Any]]) -> str:
    """The error of a ``--strict`` run whose report skipped sections ("" if none was skipped).

    Examples
    --------
    >>> strict_problem(
    ...     [{"name": "money", "status": "skipped", "reason": "no spend file was given"}]
    ... )
    'strict: 1 section not shown: money (no spend file was given)'
    >>> strict_problem([{"name": "money", "status": "shown", "reason": ""}])
    ''
    """
    skipped = [entry for entry in sections if entry.get("status") == "skipped"]
    if not skipped:
        return ""
    listed = "; ".join(
        f"{entry['name']} ({entry.get('reason') or 'no reason given'})" for entry in skipped
    )
    noun = "section" if len(skipped) == 1 else "sections"
    return f"strict: {len(skipped)} {noun} not shown: {listed}"


def _inputs_read(run: PreparedRun, state: dict[str, Any]) -> list[dict[str, Any]]:
    """Declared inputs plus any other file the notebook loaded (seen via show_quality)."""
    inputs = add_source_rows([dict(item) for item in run.inputs], state.get("quality", []))
    known = {item.get("path") for item in inputs}
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
    import nbformat

    from mkt_engineering.reporting.redact import redact_value

    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                nbformat.from_dict(redact_value(dict(output))) for output in cell.outputs
            ]
    nbformat.write(notebook, executed)
    return notebook


def _write_page(temp: Path, notebook: nbformat.NotebookNode, manifest: dict[str, Any]) -> None:
    try:
        from mkt_engineering.reporting.html import render_report

        page = render_report(notebook, manifest, manifest["quality"], {})
    except Exception as exc:  # keep executed.ipynb and say why there is no page
        manifest["status"], manifest["error"] = (
            "failed",
            f"report page could not be rendered: {_error_line(exc)}",
        )
        return
    (temp / "report.html.part").write_text(page, encoding="utf-8")
    os.replace(temp / "report.html.part", temp / "report.html")


def _wait_for_stop(kernel: Any, stopping: threading.Thread | None) -> None:
    """Make sure the run's kernel is gone (a batch worker must not pile kernels up)."""
    if stopping is not None:
        stopping.join()
    elif kernel is not None:
        kernel.stop()


def execute_run(
    run: PreparedRun,
    progress_bar: bool = False,
    on_kernel_started: Callable[[], None] | None = None,
) -> RunResult:
    """Execute a prepared run and move its complete folder into place.

    `on_kernel_started` is called once the kernel process is starting (e.g. to print a
    line); the kernel boots meanwhile, so whatever it loads costs no time.
    """
    ensure_plain(run.given)  # before anything starts, whoever prepared the run
    started_clock, started = time.perf_counter(), dt.datetime.now().astimezone()
    run_id = f"{started:%Y%m%d-%H%M%S}-{parameters_hash(run.parameters)}"
    parent = run.out / (run.folder_name or run_folder_name(run.analysis))
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temp(parent)
    temp = parent / f"{TEMP_PREFIX}{run_id}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    temp.mkdir()
    mark_owner(temp)
    kernel, stopping = None, None
    try:
        try:
            kernel = start_kernel(run, temp)
            if on_kernel_started is not None:
                on_kernel_started()
            error = _execute(run, temp, progress_bar, kernel)
        except Exception as exc:  # no kernel could start: a failed run, like a failing cell
            error = _error_line(exc)
        if kernel is not None:  # it exits while the page is written
            stopping = threading.Thread(target=kernel.stop, name="mkt-kernel-stop", daemon=True)
            stopping.start()
        state = _read_state(temp)
        sections = state.get("sections", [])
        if run.strict and not error:
            error = strict_problem(sections)
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
            "sections": sections,
            # where the time and memory went (seconds and peak MB per section and cell)
            "profile": manifest_profile(state.get("profile", [])),
            "chart_sizes": state.get("chart_rows", []),
            "strict": run.strict,
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
        (temp / OWNER_FILE).unlink()
        final = _final_folder(parent, run_id)
        os.rename(temp, final)
    except BaseException:
        _wait_for_stop(kernel, stopping)  # first, so the kernel cannot write into it again
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _wait_for_stop(kernel, stopping)
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
