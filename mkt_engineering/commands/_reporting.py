"""Pieces the report commands share: reading -p options, one-line errors, the summary table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()
error_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error (no traceback) and return the Exit to raise."""
    error_console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def parse_param_args(args: list[str]) -> dict[str, str]:
    """``-p name value`` pairs from the extra command-line arguments.

    Examples
    --------
    >>> parse_param_args(["-p", "days", "30", "--param", "regions", "[DE]"])
    {'days': '30', 'regions': '[DE]'}
    """
    params: dict[str, str] = {}
    position = 0
    while position < len(args):
        token = args[position]
        if token in ("-p", "--param"):
            if position + 2 >= len(args):
                raise ValueError(f"{token} needs a name and a value: -p NAME VALUE")
            params[args[position + 1]] = args[position + 2]
            position += 3
        else:
            raise ValueError(f"unexpected argument '{token}'; parameters are given as -p NAME VALUE")
    return params


def load_params_file(path: Path | None) -> dict[str, Any]:
    """Parameters from a YAML (or JSON) file: a mapping of name to value."""
    if path is None:
        return {}
    try:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"parameters file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"parameters file {path} is not valid YAML: {' '.join(str(exc).split())}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ValueError(f"parameters file {path} must map parameter names to values")
    return loaded


def results_table(results: list) -> Table:
    """run, status, duration, output path: the summary after a batch."""
    table = Table(title="Runs")
    for column in ("run", "status", "duration", "output"):
        table.add_column(column)
    colours = {"ok": "green", "failed": "red", "skipped": "yellow"}
    for result in results:
        where = str(result.folder / "report.html") if result.folder else result.error
        table.add_row(escape(result.label), f"[{colours.get(result.status, 'white')}]{result.status}[/]", f"{result.seconds:.1f} s", escape(str(where)))
    return table


def result_line(result) -> str:
    """One line per finished run."""
    marks = {"ok": "[green]✓[/green]", "failed": "[red]✗[/red]", "skipped": "[yellow]↷[/yellow]"}
    detail = result.headline if result.status == "ok" else result.error
    return f"{marks.get(result.status, '?')} {escape(result.label)} ({result.seconds:.1f} s) {escape(detail)}"
