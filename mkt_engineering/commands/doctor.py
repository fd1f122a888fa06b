"""`mkt doctor`: a green/red checklist that says whether this laptop can run the kit."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def doctor() -> None:
    """Check Python, packages, the Jupyter kernel, folders, disk, notebooks and charts."""
    from mkt_engineering.teaching.doctor import run_checks

    with console.status("checking this machine (about 20 seconds)"):
        results = run_checks()
    table = Table(show_header=False, box=None, padding=(0, 1))
    for result in results:
        mark = "[green]✓[/green]" if result.ok else "[red]✗[/red]"
        table.add_row(mark, f"[bold]{result.name}[/bold]", result.detail)
        if not result.ok and result.fix:
            table.add_row("", "", f"[yellow]fix:[/yellow] {result.fix}")
    console.print(table)
    red = [r for r in results if not r.ok]
    if red:
        console.print(
            f"[red]{len(red)} problem(s); fix the red lines and run `mkt doctor` again.[/red]"
        )
        raise typer.Exit(1)
    console.print("[green]All good: this machine is ready for the workshop.[/green]")


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
