"""docs/bring-your-own-data.md: every command in it is one that works.

Each `mkt run` line goes through the same checks `mkt run` applies before a kernel starts
(report, inputs, files, parameter types, layouts, presets); `mkt validate`, `mkt inspect`
and `mkt convert` lines run for real (convert into a temporary folder).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkt_engineering.presets import PRESETS

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "bring-your-own-data.md"


def _commands() -> list[list[str]]:
    blocks = re.findall(r"```bash\n(.*?)```", PAGE.read_text(), flags=re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.startswith("mkt ")]
    return [shlex.split(line) for line in lines]


def _check_run(argv: list[str], outdirs: dict[str, Path], reference: Path | None, tmp: Path):
    from mkt_engineering.commands._reporting import parse_param_args
    from mkt_engineering.layout import parse_layout_option
    from mkt_engineering.presets import apply_to_run
    from mkt_engineering.reporting.runner import prepare_run

    analysis, rest = argv[2], argv[3:]
    data, layouts, presets, extra = [], {}, [], []
    while rest:
        option, value, rest = rest[0], rest[1], rest[2:]
        if option == "--data":
            name, path = value.split("=", 1)
            folder = path.split("/")[0] + "/"
            if folder in outdirs:  # a file `mkt convert` wrote above
                path = str(outdirs[folder] / path.split("/", 1)[1])
            elif path == "CDNOW_sample.txt":
                if reference is None:
                    pytest.skip("reference data missing")
                path = str(reference / "cdnow" / path)
            data.append(f"{name}={path}")
        elif option == "--layout":
            layouts.update([parse_layout_option(value)])
        elif option == "--preset":
            presets.append(value)
        else:  # -p NAME VALUE
            extra += [option, value, rest[0]]
            rest = rest[1:]
    parameters = parse_param_args(extra)
    if layouts:
        parameters["layouts"] = layouts
    for name in presets:
        parameters = apply_to_run(name, parameters, data)
    prepare_run(analysis, parameters, data, tmp / "reports")  # raises on any problem


def test_every_command_of_the_page_works(tmp_path, monkeypatch):
    from mkt_engineering.cli import app
    from tests.conftest import REFERENCE_DIR

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MKT_PSEUDONYM_SALT", "docs-test")
    runner = CliRunner()
    outdirs: dict[str, Path] = {}
    commands = _commands()
    seen = {argv[1] for argv in commands}
    assert seen == {"inspect", "validate", "run", "convert"}
    for argv in commands:
        if argv[1] == "run":
            _check_run(argv, outdirs, REFERENCE_DIR, tmp_path)
            continue
        if argv[1] == "convert":  # write into a temporary folder, remembered for the runs
            outdirs[argv[-1]] = tmp_path / argv[-1]
            argv = [*argv[:-1], str(outdirs[argv[-1]])]
        done = runner.invoke(app, argv[1:])
        assert done.exit_code == 0, " ".join(argv) + "\n" + done.output


def test_the_page_covers_every_preset_and_shape():
    text = PAGE.read_text()
    runs = [" ".join(argv) for argv in _commands()]
    for name in PRESETS:
        assert any(f"--preset {name}" in line for line in runs), name
    for input_ in ("touchpoints", "conversions", "paths", "experiment", "totals"):
        assert any(f"--data {input_}=" in line for line in runs), input_
    for input_ in ("lead_events", "lifecycle", "orders", "spend"):
        assert any(f"--data {input_}=" in line for line in runs), input_
    assert "CDNOW" in text and "german_shop" in text


def test_readme_links_the_page():
    assert "(docs/bring-your-own-data.md)" in (ROOT / "README.md").read_text()
