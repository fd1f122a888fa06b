"""`mkt inspect FILE`: which contract or preset fits a file, and the command to run next."""

from __future__ import annotations

from pathlib import Path

import typer


def inspect_file(
    file: Path = typer.Argument(..., help="CSV, Parquet or Excel file."),
    top: int = typer.Option(3, "--top", min=1, max=20, help="How many candidates to show."),
) -> None:
    """Guess which contract or tool preset FILE fits; print the mapping and the next command.

    Example: mkt inspect export.csv
    """
    from mkt_engineering.commands._reporting import fail
    from mkt_engineering.guess import guess

    try:
        guesses = guess(file, top=top)
    except ValueError as exc:  # DataValidationError: unreadable, empty, binary
        raise fail(str(exc)) from None
    if not guesses:
        raise fail(
            f"{file}: no contract or preset fits its columns; see docs/bring-your-own-data.md "
            'and map your columns with -p columns \'{"YOUR COLUMN": "contract_column"}\'',
            code=1,
        )
    typer.echo(f"{file}: best guesses")
    for number, found in enumerate(guesses, 1):
        typer.echo(f"{number}. {found.kind} {found.name} (confidence {found.confidence:.0%})")
        for source, target in found.mapping.items():
            typer.echo(f"     {source} -> {target}")
        typer.echo(f"   {found.command}")
    typer.echo(f"next: {guesses[0].command}")


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect_file)
