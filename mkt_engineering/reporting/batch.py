"""Many report runs from one YAML file, in parallel processes.

Config shape (``reports/examples/batch.yaml``)::

    jobs: 2                      # optional; default: number of cores
    strict: false                # optional: a report section not shown fails its run
    memory: 4GB                  # optional: the engine's memory cap (as --memory)
    runs:
      - analysis: data_overview  # a name from `mkt list`, or a path to a notebook
        name: overview-en        # optional label for progress and summary
        parameters: {language: en}
        data: {touchpoints: datasets/journeys/touchpoints.csv}   # optional, like --data
                                 # (a source URI too: orders: duckdb:///shop.duckdb::orders)
        grid:                    # optional: one run per combination
          language: [en, de]

Examples
--------
>>> expand_runs(
...     {"runs": [{"analysis": "a", "parameters": {"x": 1}, "grid": {"y": [1, 2]}}]}
... )  # doctest: +NORMALIZE_WHITESPACE
[RunSpec(analysis='a', label='a[y=1]', parameters={'x': 1, 'y': 1}, data=[], strict=False),
 RunSpec(analysis='a', label='a[y=2]', parameters={'x': 1, 'y': 2}, data=[], strict=False)]
"""

from __future__ import annotations

import ctypes
import itertools
import json
import math
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkt_engineering.reporting.manifest import find_previous_ok
from mkt_engineering.reporting.runner import PreparedRun, RunResult, execute_run, prepare_run
from mkt_engineering.reporting.yaml_files import read_yaml

MAX_RUNS = 1000


class BatchConfigError(ValueError):
    """The batch file cannot be read or has the wrong shape."""


@dataclass
class RunSpec:
    analysis: str
    label: str
    parameters: dict[str, Any] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)
    strict: bool = False


def _short(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _data_items(number: int, data: Any) -> list[str]:
    """``data:`` as --data items: a mapping NAME: PATH, a list of them, or one PATH."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return [f"{k}={v}" for k, v in data.items()]
    if isinstance(data, list) and all(isinstance(d, str) for d in data):
        return list(data)
    raise BatchConfigError(
        f"run {number}: 'data:' maps input names to file paths, "
        "e.g. data: {touchpoints: export.csv}"
    )


def _run_entry(number: int, run: Any) -> dict[str, Any]:
    """One entry of ``runs:``, checked for shape (values are checked by prepare_run)."""
    if not isinstance(run, dict) or not isinstance(run.get("analysis"), str):
        raise BatchConfigError(f"run {number}: each entry needs 'analysis: NAME'")
    unknown = set(run) - {"analysis", "name", "parameters", "data", "grid", "strict"}
    if unknown:
        raise BatchConfigError(
            f"run {number}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            "allowed: analysis, name, parameters, data, grid, strict"
        )
    if type(run.get("strict", False)) is not bool:
        raise BatchConfigError(f"run {number}: 'strict:' is true or false")
    if not isinstance(run.get("parameters") or {}, dict):
        raise BatchConfigError(
            f"run {number}: 'parameters:' maps names to values, e.g. parameters: {{language: de}}"
        )
    grid = run.get("grid") or {}
    if not isinstance(grid, dict) or any(not isinstance(v, list) or not v for v in grid.values()):
        raise BatchConfigError(
            f"run {number}: 'grid:' maps parameter names to non-empty lists of values"
        )
    if not isinstance(run.get("name") or "", str | int | float):
        raise BatchConfigError(f"run {number}: 'name:' is a short text")
    return run


def check_jobs(jobs: Any) -> int | None:
    """``jobs:`` (or --jobs): a whole number of parallel runs, 1 or more, or None.

    Examples
    --------
    >>> check_jobs(2), check_jobs(None)
    (2, None)
    """
    if jobs is None:
        return None
    if type(jobs) is not int or not 1 <= jobs <= 256:
        raise BatchConfigError(f"jobs: expects a whole number from 1 to 256, got {jobs!r}")
    return jobs


def expand_runs(config: dict[str, Any], strict: bool = False) -> list[RunSpec]:
    """One RunSpec per run, with every ``grid:`` combination spelled out.

    A run is strict when `strict` (``--strict``), the file's ``strict: true`` or the run's
    own ``strict: true`` says so.
    """
    runs = config.get("runs")
    if not isinstance(runs, list) or not runs:
        raise BatchConfigError(
            "the batch file needs a list 'runs:' with at least one entry (each with 'analysis:')"
        )
    specs: list[RunSpec] = []
    for number, entry in enumerate(runs, start=1):
        run = _run_entry(number, entry)
        combinations = math.prod(len(values) for values in (run.get("grid") or {}).values())
        if len(specs) + combinations > MAX_RUNS:
            raise BatchConfigError(
                f"run {number}: the batch would start more than {MAX_RUNS:,} runs; "
                "split it into several batch files"
            )
        data_items = _data_items(number, run.get("data") or {})
        grid = run.get("grid") or {}
        base = dict(run.get("parameters") or {})
        label = str(run.get("name") or run["analysis"])
        run_strict = strict or bool(config.get("strict")) or bool(run.get("strict"))
        combos = list(itertools.product(*grid.values())) if grid else [()]
        for combo in combos:
            chosen = dict(zip(grid, combo, strict=True))
            suffix = (
                "[" + ",".join(f"{k}={_short(v)}" for k, v in chosen.items()) + "]"
                if chosen
                else ""
            )
            specs.append(
                RunSpec(
                    str(run["analysis"]),
                    label + suffix,
                    {**base, **chosen},
                    data_items,
                    strict=run_strict,
                )
            )
    return specs


def load_config(path: Path) -> dict[str, Any]:
    """The batch file, read with the restricted YAML loader and checked for shape."""
    config = read_yaml(path, "batch file", BatchConfigError)
    if not isinstance(config, dict):
        raise BatchConfigError(f"batch file {path} must be a mapping with 'runs:'")
    unknown = set(config) - {"runs", "jobs", "out", "strict", "memory"}
    if unknown:
        raise BatchConfigError(
            f"batch file {path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            "allowed: runs, jobs, out, strict, memory"
        )
    if config.get("memory") is not None:
        from mkt_engineering.sources import check_memory

        try:
            check_memory(str(config["memory"]))
        except ValueError as error:
            raise BatchConfigError(f"batch file {path}: 'memory:' {error}") from None
    if type(config.get("strict", False)) is not bool:
        raise BatchConfigError(f"batch file {path}: 'strict:' is true or false")
    check_jobs(config.get("jobs"))
    if not isinstance(config.get("out") or "", str):
        raise BatchConfigError(f"batch file {path}: 'out:' is a folder path")
    return config


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Pool initializer: the worker ends when the batch process ends, even by ``kill -9``.

    Linux delivers SIGKILL to the worker when its parent dies (prctl PR_SET_PDEATHSIG);
    a kernel the worker started notices its parent is gone and exits too (ipykernel's
    parent poller). Elsewhere nothing changes.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            return
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _worker(run: PreparedRun) -> RunResult:
    try:
        return execute_run(run, progress_bar=False)
    except Exception as exc:  # never let one run take the pool down
        return RunResult(run.label, run.analysis, "failed", error=f"{type(exc).__name__}: {exc}")


def run_batch(
    specs: list[RunSpec],
    out: Path,
    jobs: int | None = None,
    resume: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Prepare every run (bad parameters fail only that run), skip unchanged ones, run the rest."""
    results: list[RunResult] = []
    pending: list[PreparedRun] = []
    for spec in specs:
        try:
            prepared = prepare_run(
                spec.analysis, spec.parameters, spec.data, out, label=spec.label, strict=spec.strict
            )
        except ValueError as exc:  # ParameterError and the like: only this run fails
            results.append(RunResult(spec.label, spec.analysis, "failed", error=str(exc)))
            continue
        previous = (
            find_previous_ok(prepared.out, prepared.analysis, prepared.parameters, prepared.inputs)
            if resume
            else None
        )
        if previous is not None:
            results.append(
                RunResult(
                    spec.label,
                    spec.analysis,
                    "skipped",
                    folder=previous,
                    error="unchanged since that run",
                )
            )
        else:
            pending.append(prepared)
    for result in results:
        if on_result:
            on_result(result)
    if on_start:
        on_start(len(pending))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))
    if jobs == 1:
        for run in pending:
            result = _worker(run)
            results.append(result)
            if on_result:
                on_result(result)
        return results
    # spawn: a clean interpreter per worker, no inherited threads or kernels.
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        futures = {pool.submit(_worker, run): run for run in pending}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # the worker process itself died (e.g. out of memory)
                run = futures[future]
                result = RunResult(
                    run.label,
                    run.analysis,
                    "failed",
                    error=f"worker died: {type(exc).__name__}: {exc}",
                )
            results.append(result)
            if on_result:
                on_result(result)
    return results
