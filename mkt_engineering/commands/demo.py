"""`mkt demo` (what `make report` runs): demo data if absent, every report, the index."""

from __future__ import annotations

from pathlib import Path

import typer

from mkt_engineering.commands._reporting import console, results_table
from mkt_engineering.paths import DATASETS_DIR, REPORTS_DIR


def ensure_demo_data(datasets_dir: Path = DATASETS_DIR) -> list[str]:
    """Generate every available family whose folder has no CSV yet; returns those generated."""
    from mkt_engineering.synthetic.base import available_families, generator, write_family

    made = []
    for family in available_families():
        if any((datasets_dir / family).glob("*.csv")):
            continue
        with console.status(f"generating demo data: {family}"):
            write_family(generator(family)(), datasets_dir)
        made.append(family)
    return made


def demo(
    jobs: int = typer.Option(2, "--jobs", "-j", help="Reports run at the same time."),
    out: Path = typer.Option(REPORTS_DIR, "--out", help="Folder for the reports and index.html."),
    generate: bool = typer.Option(
        True, "--generate/--no-generate", help="Write missing demo datasets first."
    ),
) -> None:
    """Generate the demo data if absent, run every report on it, write reports/index.html.

    The demo files and the demo's plan are given to each report explicitly (see
    `mkt_engineering.reporting.demo_inputs`); a report never reads them by default.
    """
    from mkt_engineering.commands.batch import run_with_progress
    from mkt_engineering.reporting.analyses import list_analyses
    from mkt_engineering.reporting.batch import RunSpec
    from mkt_engineering.reporting.demo_inputs import demo_data, demo_parameters
    from mkt_engineering.reporting.index import write_index
    from mkt_engineering.teaching.workshop import render_lessons_page

    made = ensure_demo_data() if generate else []
    if made:
        console.print(f"demo data written: {', '.join(made)} → {DATASETS_DIR}", highlight=False)
    # The demo data are passed explicitly: no report reads them by default.
    specs = [
        RunSpec(
            analysis.name, analysis.name, demo_parameters(analysis.name), demo_data(analysis.name)
        )
        for analysis in list_analyses()
    ]
    if not specs:
        console.print("[red]no report notebooks found[/red]")
        raise typer.Exit(1)
    out = out.resolve()
    results = run_with_progress(specs, out, jobs, resume=False, title="demo reports")
    console.print(results_table(results))
    render_lessons_page(out / "lessons.html")
    index = write_index(out)
    console.print(f"Open {index}", highlight=False)
    print(index)
    if any(result.status != "ok" for result in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
