"""`mkt doctor [PATH]`: a green/red checklist that says whether this laptop can run the kit,
and, given a workshop folder, whether its data and lessons work here."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()


def doctor(
    folder: Path = typer.Argument(
        None,
        help="Workshop folder to check (its data and the first cells of each lesson). "
        "Default: this folder when it holds lessons; else only this machine is checked.",
        show_default=False,
    ),
    lang: str = typer.Option(
        None, "--lang", help="Language of the checklist: en or de (default: MKT_LANGUAGE or en)."
    ),
) -> None:
    """Check Python, packages, the Jupyter kernel, folders, disk, notebooks and charts; with a
    workshop folder also its data and the first cells of each lesson."""
    from mkt_engineering.commands.lab import is_lesson_folder
    from mkt_engineering.teaching import doctor_folder
    from mkt_engineering.teaching.doctor import run_checks
    from mkt_engineering.teaching.doctor_text import default_language, say

    language = lang or default_language()
    if language not in ("en", "de"):
        console.print(f"[red]--lang must be en or de, got {escape(language)!r}.[/red]")
        raise typer.Exit(2)
    if folder is None and is_lesson_folder(Path.cwd()):
        folder = Path.cwd()
    if folder is not None and not Path(folder).is_dir():
        console.print(f"[red]{escape(say(language, 'lessons_none', folder=folder))}[/red]")
        console.print(f"[yellow]{escape(say(language, 'lessons_none_fix'))}[/yellow]")
        raise typer.Exit(2)
    with console.status(say(language, "status")):
        results = run_checks(language=language)
        if folder is not None:
            checks = doctor_folder.folder_checks(Path(folder), language=language)
            results += run_checks(checks, language=language)
    _print(results, language, folder)


def _print(results: list, language: str, folder: Path | None) -> None:
    from mkt_engineering.teaching.doctor_text import say

    if folder is not None:
        console.print(escape(say(language, "folder", folder=Path(folder).resolve())))
    table = Table(show_header=False, box=None, padding=(0, 1))
    for result in results:
        mark = "[green]✓[/green]" if result.ok else "[red]✗[/red]"
        table.add_row(mark, f"[bold]{escape(result.name)}[/bold]", escape(result.detail))
        if not result.ok and result.fix:
            table.add_row("", "", f"[yellow]{say(language, 'fix')}[/yellow] {escape(result.fix)}")
    console.print(table)
    red = [r for r in results if not r.ok]
    if red:
        console.print(f"[red]{escape(say(language, 'problems', count=len(red)))}[/red]")
        raise typer.Exit(1)
    console.print(f"[green]{escape(say(language, 'all_good'))}[/green]")


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
