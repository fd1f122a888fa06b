"""`mkt inspect FILE`: which contract or preset fits a file or source, and the command to run."""

from __future__ import annotations

import typer


def inspect_file(
    file: str = typer.Argument(
        ...,
        help="CSV, Parquet or Excel file, or a source: duckdb:///shop.duckdb::orders, "
        "postgresql://user@host/db::schema.table, spark://db.table, a Parquet/CSV glob or "
        "folder (only the first rows are read).",
    ),
    top: int = typer.Option(3, "--top", min=1, max=20, help="How many candidates to show."),
) -> None:
    """Guess which contract or tool preset FILE fits; print the mapping and the next command.

    Example: mkt inspect export.csv, mkt inspect duckdb:///data/shop.duckdb::orders
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
