"""`mkt workshop build` and `mkt workshop index`: student editions, trainer guide, lessons page."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from mkt_engineering.paths import REPORTS_DIR

console = Console()
workshop_app = typer.Typer(
    help="Workshops: student editions, trainer guide, lessons page.", no_args_is_help=True
)


@workshop_app.command("build")
def build(
    out: Path = typer.Option(
        ..., help="Folder to write (student/, trainer/, workshop-student.zip)."
    ),
    lessons: list[str] = typer.Option(
        None,
        help="Only these lessons, by number or name (repeatable), e.g. --lessons 00 --lessons 04_nurture_timing. Default: all.",
    ),
    lang: str = typer.Option("en", help="Language of the lesson text and the guide: en or de."),
) -> None:
    """Write student copies (no solutions), the trainer guide and a zip with the demo data."""
    from mkt_engineering.teaching.workshop import build_workshop

    if lang not in ("en", "de"):
        console.print(f"[red]--lang must be en or de, got {lang!r}.[/red]")
        raise typer.Exit(2)
    try:
        result = build_workshop(out, lessons=lessons or None, language=lang)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    console.print(f"[green]✓[/green] {len(result.lessons)} lesson(s): {', '.join(result.lessons)}")
    console.print(f"  student folder  {result.student_dir}")
    console.print(f"  zip for learners {result.zip_path}")
    console.print(
        f"  trainer guide   {result.trainer_dir / 'trainer_guide.html'} (keep it out of the student folder)"
    )
    from mkt_engineering.teaching.student_edition import read_lesson
    from mkt_engineering.teaching.workshop import LESSONS_DIR, lint_lesson

    for stem in result.lessons:
        for problem in lint_lesson(read_lesson(LESSONS_DIR / f"{stem}.ipynb")):
            console.print(f"[yellow]! {stem}: {problem}[/yellow]")
    for stem, cells in result.stale_translations.items():
        console.print(
            f"[yellow]! {stem}: German text may be out of date for cell(s) {', '.join(cells)}[/yellow]"
        )


@workshop_app.command("verify")
def verify(
    lessons: list[str] = typer.Option(None, help="Only these lessons (repeatable). Default: all."),
) -> None:
    """Run every student copy with the solutions filled in; show time and checks per lesson."""
    from rich.table import Table

    from mkt_engineering.teaching.workshop import verify_lessons

    try:
        with console.status("running the lessons (about half a minute each)"):
            rows = verify_lessons(lessons or None)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    table = Table("lesson", "seconds", "checks passed", "problem")
    for row in rows:
        ok = not row["error"] and not row["failed"] and row["checks"] > 0
        problem = row["error"] or (
            f"not passed: {', '.join(row['failed'])}" if row["failed"] else ""
        )
        table.add_row(
            ("[green]✓[/green] " if ok else "[red]✗[/red] ") + row["lesson"],
            f"{row['seconds']:.1f}",
            f"{row['passed']}/{row['checks']}",
            problem or ("no check cells" if not row["checks"] else ""),
        )
    console.print(table)
    if any(row["error"] or row["failed"] or not row["checks"] for row in rows):
        raise typer.Exit(1)


@workshop_app.command("index")
def index(
    out: Path = typer.Option(REPORTS_DIR / "lessons.html", help="Where to write the lessons page."),
) -> None:
    """Write the lessons page (learning path, goals, times, what each lesson unlocks) as HTML."""
    from mkt_engineering.teaching.workshop import render_lessons_page

    render_lessons_page(out)
    console.print(f"[green]✓[/green] lessons page → {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(workshop_app, name="workshop")
