"""Pieces the report commands share: reading -p options, one-line errors, the summary table.

rich loads on first use (``console``, ``error_console``): `mkt run` needs it only once its
kernel is starting, and everything imported before that start is waited for.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


@functools.cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr)


def __getattr__(name: str) -> Console:
    # `console` (stdout) and `error_console` (stderr), created on first use.
    if name in ("console", "error_console"):
        return _console(stderr=name == "error_console")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def escape(text: str) -> str:
    """Text shown as it is, even with [brackets] that rich would read as markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error (no traceback) and return the Exit to raise."""
    _console(stderr=True).print(
        f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True
    )
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
            raise ValueError(
                f"unexpected argument '{token}'; parameters are given as -p NAME VALUE"
            )
    return params


def set_engine_memory(value: str) -> str:
    """Check a ``--memory`` cap and hand it to the kernels this process starts.

    Kernels and batch workers inherit the environment; :func:`mkt_engineering.sources.
    memory_limit` reads it there and caps every DuckDB connection a source opens.

    Raises
    ------
    ParameterError
        A value without unit or outside 512MB..1TB (before any kernel starts).
    """
    import os

    from mkt_engineering.sources import MEMORY_ENV, check_memory

    os.environ[MEMORY_ENV] = checked = check_memory(value)
    return checked


def load_params_file(path: Path | None) -> dict[str, Any]:
    """Parameters from a YAML (or JSON) file: a mapping of name to value."""
    if path is None:
        return {}
    from mkt_engineering.reporting.yaml_files import read_yaml

    loaded = read_yaml(path, "parameters file")
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ValueError(f"parameters file {path} must map parameter names to values")
    return loaded


def results_table(results: list) -> Table:
    """run, status, duration, output path: the summary after a batch."""
    from rich.table import Table

    table = Table(title="Runs")
    for column in ("run", "status", "duration", "output"):
        table.add_column(column)
    colours = {"ok": "green", "failed": "red", "skipped": "yellow"}
    for result in results:
        where = str(result.folder / "report.html") if result.folder else result.error
        table.add_row(
            escape(result.label),
            f"[{colours.get(result.status, 'white')}]{result.status}[/]",
            f"{result.seconds:.1f} s",
            escape(str(where)),
        )
    return table


def result_line(result) -> str:
    """One line per finished run."""
    marks = {"ok": "[green]✓[/green]", "failed": "[red]✗[/red]", "skipped": "[yellow]↷[/yellow]"}
    detail = result.headline if result.status == "ok" else result.error
    mark = marks.get(result.status, "?")
    return f"{mark} {escape(result.label)} ({result.seconds:.1f} s) {escape(detail)}"
