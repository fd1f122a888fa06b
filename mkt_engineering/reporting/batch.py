"""Many report runs from one YAML file, in parallel processes.

Config shape (``reports/examples/batch.yaml``)::

    jobs: 2                      # optional; default: number of cores
    runs:
      - analysis: data_overview  # a name from `mkt list`, or a path to a notebook
        name: overview-en        # optional label for progress and summary
        parameters: {language: en}
        data: {touchpoints: datasets/journeys/touchpoints.csv}   # optional, like --data
        grid:                    # optional: one run per combination
          language: [en, de]

Examples
--------
>>> expand_runs({"runs": [{"analysis": "a", "parameters": {"x": 1}, "grid": {"y": [1, 2]}}]})
[RunSpec(analysis='a', label='a[y=1]', parameters={'x': 1, 'y': 1}, data=[]), RunSpec(analysis='a', label='a[y=2]', parameters={'x': 1, 'y': 2}, data=[])]
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkt_engineering.reporting.manifest import find_previous_ok
from mkt_engineering.reporting.params import ParameterError
from mkt_engineering.reporting.runner import PreparedRun, RunResult, execute_run, prepare_run
from mkt_engineering.reporting.yaml_files import read_yaml


class BatchConfigError(ValueError):
    """The batch file cannot be read or has the wrong shape."""


@dataclass
class RunSpec:
    analysis: str
    label: str
    parameters: dict[str, Any] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)


def _short(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def expand_runs(config: dict[str, Any]) -> list[RunSpec]:
    """One RunSpec per run, with every ``grid:`` combination spelled out."""
    runs = config.get("runs")
    if not isinstance(runs, list) or not runs:
        raise BatchConfigError(
            "the batch file needs a list 'runs:' with at least one entry (each with 'analysis:')"
        )
    specs = []
    for number, run in enumerate(runs, start=1):
        if not isinstance(run, dict) or "analysis" not in run:
            raise BatchConfigError(f"run {number}: each entry needs 'analysis: NAME'")
        unknown = set(run) - {"analysis", "name", "parameters", "data", "grid"}
        if unknown:
            raise BatchConfigError(
                f"run {number}: unknown key(s) {', '.join(sorted(unknown))}; allowed: analysis, name, parameters, data, grid"
            )
        data = run.get("data") or {}
        data_items = (
            [f"{k}={v}" for k, v in data.items()]
            if isinstance(data, dict)
            else [str(d) for d in data]
        )
        grid = run.get("grid") or {}
        if not isinstance(grid, dict) or any(not isinstance(v, list) for v in grid.values()):
            raise BatchConfigError(f"run {number}: 'grid:' maps parameter names to lists of values")
        base = dict(run.get("parameters") or {})
        label = str(run.get("name") or run["analysis"])
        combos = list(itertools.product(*grid.values())) if grid else [()]
        for combo in combos:
            chosen = dict(zip(grid, combo, strict=True))
            suffix = (
                "[" + ",".join(f"{k}={_short(v)}" for k, v in chosen.items()) + "]"
                if chosen
                else ""
            )
            specs.append(
                RunSpec(str(run["analysis"]), label + suffix, {**base, **chosen}, data_items)
            )
    return specs


def load_config(path: Path) -> dict[str, Any]:
    config = read_yaml(path, "batch file", BatchConfigError)
    if not isinstance(config, dict):
        raise BatchConfigError(f"batch file {path} must be a mapping with 'runs:'")
    return config


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
            prepared = prepare_run(spec.analysis, spec.parameters, spec.data, out, label=spec.label)
        except ParameterError as exc:
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
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn")
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
