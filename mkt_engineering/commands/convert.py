"""`mkt convert --preset NAME FILE OUTDIR`: reshape a tool's export into contract CSV files."""

from __future__ import annotations

from pathlib import Path

import typer


def convert(
    file: Path = typer.Argument(..., help="The tool's export (CSV or Parquet)."),
    outdir: Path = typer.Argument(..., help="Folder for the contract files (created)."),
    preset: str = typer.Option(
        ..., "--preset", help="The export's tool: shopify_orders or ga4_events."
    ),
) -> None:
    """Reshape an export that is no contract table yet (Shopify line items, GA4 events).

    Each table is checked against its contract before it is written; the command to run
    the report on the written files is printed.

    Example: mkt convert --preset ga4_events events.csv ga4/
    """
    from mkt_engineering.commands._reporting import fail
    from mkt_engineering.io import load_table
    from mkt_engineering.presets import convert as reshape
    from mkt_engineering.presets import get_preset

    try:
        chosen = get_preset(preset)
        tables = reshape(chosen, file)
        # the contract check of every table before anything is written
        checked = {name: load_table(frame, name) for name, frame in tables.items()}
    except ValueError as exc:
        raise fail(f"{file}: {exc}") from None
    outdir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in tables.items():
        target = outdir / f"{name}.csv"
        frame.write_csv(target)
        written[name] = target
        typer.echo(f"{target}: {checked[name].quality.rows:,} {name} rows")
    report = chosen.reports[0]
    data = " ".join(f"--data {name}={path}" for name, path in written.items())
    typer.echo(f"next: mkt run {report} {data}")


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
