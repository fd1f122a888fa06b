"""`mkt workshop build|verify|index`: student editions, offline bundle, trainer guide, lessons
page."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from mkt_engineering.paths import REPORTS_DIR

console = Console()
workshop_app = typer.Typer(
    help="Workshops: student editions, trainer guide, lessons page.", no_args_is_help=True
)


@workshop_app.command("build")
def build(
    out: Path = typer.Option(
        ..., help="Folder to write (student/, trainer/, workshop-student.zip, offline/)."
    ),
    lessons: list[str] = typer.Option(
        None,
        help="Only these lessons, by number or name (repeatable), e.g. --lessons 00 "
        "--lessons 04_nurture_timing. Default: all.",
    ),
    lang: str = typer.Option("en", help="Language of the lesson text and the guide: en or de."),
    offline: bool = typer.Option(
        False,
        "--offline",
        help="Also write OUT/offline/: the locked wheels for each platform, the kit's wheel, "
        "the student zip and install scripts for a room without internet (downloads from "
        "PyPI now; a few hundred MB per platform).",
    ),
    platform: list[str] = typer.Option(
        None,
        help="With --offline: only these platforms (repeatable): linux-x86_64, macos-arm64, "
        "macos-x86_64, windows-amd64, or a prefix such as macos. Default: all.",
    ),
    python: list[str] = typer.Option(
        None, help="With --offline: the laptops' Python version(s) (repeatable). Default: 3.12."
    ),
) -> None:
    """Write student copies (no solutions), the trainer guide and a zip with the demo data;
    with --offline also the offline bundle."""
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
        f"  trainer guide   {result.trainer_dir / 'trainer_guide.html'} "
        "(keep it out of the student folder)"
    )
    _warn_lint_and_translations(result)
    if offline:
        _build_offline(Path(out), result.zip_path, platform, python, lang)


def _warn_lint_and_translations(result) -> None:
    from mkt_engineering.teaching.student_edition import read_lesson
    from mkt_engineering.teaching.workshop import LESSONS_DIR, lint_lesson

    for stem in result.lessons:
        for problem in lint_lesson(read_lesson(LESSONS_DIR / f"{stem}.ipynb")):
            console.print(f"[yellow]! {stem}: {problem}[/yellow]")
    for stem, cells in result.stale_translations.items():
        console.print(
            f"[yellow]! {stem}: German text may be out of date for cell(s) "
            f"{', '.join(cells)}[/yellow]"
        )
    for line in result.untranslated:
        console.print(f"[yellow]! still English: {escape(line)}[/yellow]")
    if result.untranslated:
        console.print(
            f"[yellow]! {len(result.untranslated)} place(s) of this edition are still English; "
            "add them to notebooks/lessons/i18n/ or teaching/feedback_de.yaml[/yellow]"
        )


def _build_offline(
    out: Path, student_zip: Path, platforms: list[str], pythons: list[str], language: str
) -> None:
    import subprocess

    from mkt_engineering.teaching.offline_bundle import DEFAULT_PYTHONS, build_bundle

    try:
        with console.status("downloading the locked wheels (a few minutes)"):
            bundle = build_bundle(
                out / "offline",
                student_zip,
                platforms=platforms or None,
                pythons=tuple(pythons or DEFAULT_PYTHONS),
                language=language,
            )
    except (ValueError, FileNotFoundError) as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    except subprocess.CalledProcessError as error:
        console.print(
            f"[red]pip failed ({escape(' '.join(error.cmd[:4]))} …, exit {error.returncode}). "
            "The bundle needs PyPI now: check the internet connection or proxy and run the "
            "build again; wheels already downloaded are kept.[/red]"
        )
        raise typer.Exit(1) from error
    wheels = len(list(bundle.wheels.glob("*.whl")))
    console.print(f"  offline bundle  {bundle.folder} ({wheels} wheels, install scripts)")
    for key, names in bundle.no_wheel.items():
        console.print(f"[yellow]! no wheel for {key}: {', '.join(names)}[/yellow]")


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
