"""`mkt batch CONFIG.yaml`: many reports in parallel, one progress bar, a summary table."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mkt_engineering.commands._reporting import (
    console,
    fail,
    result_line,
    results_table,
    set_engine_memory,
)
from mkt_engineering.paths import REPORTS_DIR


def run_with_progress(
    specs: list, out: Path, jobs: int | None, resume: bool, title: str = "reports"
) -> list:
    """Run specs with one overall progress bar and a line per finished run."""
    from mkt_engineering.reporting.batch import run_batch

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(title, total=None)
        running = {"started": False}

        def started(count: int) -> None:
            running["started"] = True
            progress.update(task, total=count)

        def finished(result) -> None:
            # Skipped and invalid runs are reported before the pool starts;
            # the bar counts executions.
            progress.console.print(result_line(result), highlight=False)
            if running["started"]:
                progress.advance(task)

        results = run_batch(
            specs, out, jobs=jobs, resume=resume, on_start=started, on_result=finished
        )
    return results


def batch(
    config: Path = typer.Argument(
        ..., help="YAML file listing the runs (see reports/examples/batch.yaml)."
    ),
    jobs: int = typer.Option(
        None, "--jobs", "-j", help="Runs at the same time (default: number of cores)."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Skip runs whose last OK run had the same parameters and inputs."
    ),
    out: Path = typer.Option(
        None, "--out", help="Folder for the reports (default: the config's out:, else reports/)."
    ),
    replace_index: bool = typer.Option(
        False,
        "--replace-index",
        help="Overwrite an index.html in --out that the kit did not write.",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Fail every run that leaves a report section out (as 'strict: true' in the file).",
    ),
    memory: str = typer.Option(
        None,
        "--memory",
        help="Memory cap of the engine in every run, e.g. 4GB (as 'memory: 4GB' in the file).",
    ),
) -> None:
    """Run many reports; a failing run does not stop the others. Exit 1 if any failed."""
    from mkt_engineering.reporting.batch import check_jobs, expand_runs, load_config
    from mkt_engineering.reporting.folders import check_out_folder
    from mkt_engineering.reporting.index import write_index

    try:
        loaded = load_config(config)
        specs = expand_runs(loaded, strict=strict)
        # --jobs 0 is refused (it fell through to the default before, silently)
        jobs = check_jobs(jobs if jobs is not None else loaded.get("jobs"))
        if memory or loaded.get("memory"):  # the workers and their kernels inherit it
            set_engine_memory(str(memory or loaded.get("memory")))
        out = Path(out or loaded.get("out") or REPORTS_DIR).resolve()
        check_out_folder(out, replace_index)
    except ValueError as exc:  # BatchConfigError, ParameterError: one line, exit 2
        raise fail(str(exc)) from None
    try:
        results = run_with_progress(specs, out, jobs, resume, title=f"{len(specs)} run(s)")
        console.print(results_table(results))
        console.print(f"index: {write_index(out)}", highlight=False)
    except OSError as exc:  # a full disk, a folder that became read-only
        raise fail(
            f"could not write the reports into {out}: {exc.strerror or exc}; "
            "free some space or choose another --out",
            code=1,
        ) from None
    if any(result.status == "failed" for result in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
