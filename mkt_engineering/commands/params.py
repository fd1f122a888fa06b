"""`mkt params ANALYSIS`: the parameters a report takes: type, default, allowed values, help."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from mkt_engineering.commands._reporting import console, escape, fail


def params(
    analysis: str = typer.Argument(..., help="Analysis name (see `mkt list`) or a notebook path."),
) -> None:
    """List an analysis's parameters: name, type, default, allowed values, help."""
    from mkt_engineering.reporting.analyses import find_analysis

    try:
        found = find_analysis(analysis)
    except ValueError as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"{found.title} ({found.name})")
    for column in ("parameter", "type", "default", "allowed", "help"):
        table.add_column(column)
    for spec in found.parameters:
        default = (
            spec.default
            if isinstance(spec.default, str)
            else json.dumps(spec.default, ensure_ascii=False)
        )
        table.add_row(
            escape(spec.name),
            escape(spec.type_text),
            escape(default),
            escape(spec.allowed_text()),
            escape(spec.help),
        )
    console.print(table)
    inputs = [spec.input_name for spec in found.parameters if spec.is_file]
    if inputs:
        console.print(
            f"Inputs for --data NAME=PATH: {', '.join(inputs)} "
            f"(a bare --data PATH sets {inputs[0]}).",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command("params")(params)
