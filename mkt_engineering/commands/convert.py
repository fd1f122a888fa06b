"""`mkt convert --preset NAME FILE OUTDIR`: reshape a tool's export into contract CSV files."""

from __future__ import annotations

from pathlib import Path

import typer


def convert(
    file: Path = typer.Argument(..., help="The tool's export (CSV or Parquet)."),
    outdir: Path = typer.Argument(..., help="Folder for the contract files (created)."),
    preset: str = typer.Option(
        ...,
        "--preset",
        help="The export's tool: shopify_orders, ga4_events or salesforce_lead_history.",
    ),
    statuses: str = typer.Option(
        "",
        "--statuses",
        help="salesforce_lead_history: JSON Lead Status -> lead event, over the default "
        'picklist mapping, e.g. \'{"Sales Accepted": "sales_contact"}\' ("" drops a status).',
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
        notes: list[str] = []
        tables = reshape(chosen, file, statuses=_statuses(statuses), notes=notes)
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
    for note in notes:
        typer.echo(f"{file}: {note}")
    report = chosen.reports[0]
    data = " ".join(f"--data {name}={path}" for name, path in written.items())
    typer.echo(f"next: mkt run {report} {data}")


def _statuses(value: str) -> dict[str, str] | None:
    """The --statuses JSON as a dict (None when not given)."""
    import json

    from mkt_engineering.errors import ParameterError

    if not value.strip():
        return None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ParameterError(f"--statuses is no JSON object ({exc.msg}): {value!r}") from None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        raise ParameterError(
            f"--statuses must map each Lead Status to a lead event name, got {value!r}"
        )
    return parsed


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
