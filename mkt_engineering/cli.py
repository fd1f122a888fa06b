"""The `mkt` command.

Each sub-command lives in ``mkt_engineering/commands/<name>.py`` (the module is named like
the command) and exposes ``register(app)``; this module only assembles them, so command
modules stay small and independent.

``mkt run`` waits for everything imported before its kernel starts, so `main` imports only
the module of the command being run. ``from mkt_engineering.cli import app`` gives the
complete app (every command), e.g. for typer's test runner.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

import mkt_engineering.commands as commands

_app = typer.Typer(
    name="mkt",
    help="Marketing Engineering Notebook Kit: run reports, validate data, build workshops.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_registered: set[str] = set()


@_app.callback()
def _always_a_group() -> None:
    # With a callback typer keeps `mkt COMMAND ...` even when only one command is loaded.
    pass


def command_names() -> list[str]:
    """Every sub-command module (one per command), sorted."""
    return sorted(
        m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")
    )


def _register(names: list[str]) -> typer.Typer:
    for name in names:
        if name not in _registered:
            importlib.import_module(f"{commands.__name__}.{name}").register(_app)
            _registered.add(name)
    return _app


def _requested(argv: list[str]) -> list[str]:
    """The command named on the command line, or every command (help, a typo)."""
    names = command_names()
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return [first] if first in names else names


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return _register(command_names())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point of the `mkt` console script."""
    _register(_requested(sys.argv[1:]))()


if __name__ == "__main__":
    main()
