"""The `mkt` command.

Each sub-command lives in ``mkt_engineering/commands/<name>.py`` and exposes
``register(app)``; this module only assembles them, so command modules stay small
and independent.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import mkt_engineering.commands as commands

app = typer.Typer(
    name="mkt",
    help="Marketing Engineering Notebook Kit: run reports, validate data, build workshops.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(app)


_register_commands()


def main() -> None:
    """Entry point of the `mkt` console script."""
    app()


if __name__ == "__main__":
    main()
