"""docs/data-in-a-warehouse.md: every source it shows is one the kit reads.

Each source of the page (the table of forms and every ``--data`` or ``mkt validate`` in its
commands) goes through `sources.parse_source`; a form the parser refuses, or that it reads
as another kind, fails here. The DuckDB recipe runs for real: the page's Python block
builds the file from the demo orders, and its ``mkt validate`` line passes.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from mkt_engineering.sources import is_source_uri, parse_source

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "data-in-a-warehouse.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", PAGE.read_text(), flags=re.S | re.M)


def _commands() -> list[list[str]]:
    commands = []
    for block in _blocks("bash"):
        joined = block.replace("\\\n", " ")
        commands += [shlex.split(line) for line in joined.splitlines() if line.startswith("mkt ")]
    return commands


def _sources_in_commands() -> list[str]:
    found = []
    for argv in _commands():
        found += [v.split("=", 1)[1] for o, v in zip(argv, argv[1:], strict=False) if o == "--data"]
        if argv[1] == "validate":
            found.append(argv[3])
    return found


def _sources_in_table() -> list[str]:
    """The second column of the table under '## Sources'."""
    section = PAGE.read_text().split("## Sources", 1)[1].split("\n## ", 1)[0]
    cells = [line.split("|")[2] for line in section.splitlines() if line.startswith("| ")]
    return [form for cell in cells for form in re.findall(r"`([^`]+)`", cell)]


def _kind(text: str) -> str:
    scheme = text.split("://", 1)[0] if "://" in text else "files"
    return {"postgres": "postgresql"}.get(scheme, scheme)


def test_the_page_shows_every_kind_of_source():
    kinds = {_kind(text) for text in _sources_in_table() + _sources_in_commands()}
    assert kinds == {"duckdb", "postgresql", "spark", "files"}


@pytest.mark.parametrize("text", sorted(set(_sources_in_table() + _sources_in_commands())))
def test_every_source_of_the_page_parses_as_its_kind(text):
    assert is_source_uri(text), text
    # parse_source also refuses a password in the text, as the page tells users.
    assert parse_source(text).kind == _kind(text)


def test_the_duckdb_recipe_runs(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from mkt_engineering.cli import app

    (recipe,) = [block for block in _blocks("python") if "duckdb.connect" in block]
    monkeypatch.chdir(tmp_path)
    exec(recipe.replace("datasets/", f"{ROOT}/datasets/"), {})  # noqa: S102 - the page's code
    validate = [argv for argv in _commands() if argv[1] == "validate"]
    assert validate, "the page has no mkt validate line"
    for argv in validate:
        result = CliRunner().invoke(app, argv[1:])
        assert result.exit_code == 0, result.output
        assert "valid orders table" in result.output
