"""`mkt list`: the analyses there are, one line each."""

from __future__ import annotations

import typer
from rich.table import Table

from mkt_engineering.commands._reporting import console


def list_command() -> None:
    """List the report analyses with a one-line description each."""
    from mkt_engineering.reporting.analyses import list_analyses, reports_dir

    analyses = list_analyses()
    if not analyses:
        console.print(f"No report notebooks in {reports_dir()}.")
        return
    table = Table(show_header=True)
    table.add_column("analysis")
    table.add_column("what it answers")
    for analysis in analyses:
        table.add_row(analysis.name, analysis.description or analysis.title)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("list")(list_command)
