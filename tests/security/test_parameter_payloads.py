"""Hostile parameter values through `mkt run -p`, `mkt run -f` and `mkt batch`.

papermill writes parameter values into the notebook as Python code. A value that is not
plain data (bytes from ``!!binary``, for one) was written unescaped, so a YAML value could
run code in the kernel. Each payload here must be refused with exit code 2 and a one-line
message before any kernel starts, and the marker file the payload would create must not
appear. Against the code before the fix the ``!!binary`` payload created the marker.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkt_engineering.cli import app
from mkt_engineering.reporting import runner
from mkt_engineering.reporting.demo_inputs import demo_data


def _binary_payload(marker: Path) -> str:
    """A ``!!binary`` value whose bytes close papermill's quotes and call os.system."""
    code = f'"+str(__import__("os").system("touch {marker}"))+"'
    return "!!binary " + base64.b64encode(code.encode()).decode()


def _billion_laughs() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "{" + ", ".join(lines) + "}"


def _payloads(marker: Path) -> dict[str, tuple[str, str, str]]:
    """name -> (parameter, value as YAML/JSON text, words the message must contain)."""
    deep = "[" * 1000 + "]" * 1000
    return {
        "binary": ("columns", f'{{"a": {_binary_payload(marker)}}}', "tag !!binary is not"),
        "python_apply": (
            "columns",
            f'{{"a": !!python/object/apply:os.system ["touch {marker}"]}}',
            "tag !!python/object/apply:os.system is not allowed",
        ),
        "python_name": (
            "columns",
            '{"a": !!python/name:os.system }',
            "tag !!python/name:os.system is not allowed",
        ),
        "set": ("channel_rules", "{a: !!set {x, y}}", "tag !!set is not allowed"),
        "timestamp": ("channel_rules", "{a: !!timestamp 2024-01-01}", "tag !!timestamp is not"),
        "billion_laughs": ("channel_rules", _billion_laughs(), "values"),
        "deep_nesting": ("channel_rules", f"{{a: {deep}}}", "levels deep"),
        "huge_string": ("columns", '{"a": "' + "x" * 10_000_000 + '"}', "characters"),
    }


@pytest.fixture
def kernel_starts(monkeypatch) -> list:
    """Every kernel start of this process (the kernel still starts, as it would for real)."""
    calls: list = []
    original = runner.start_kernel

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(runner, "start_kernel", spy)
    return calls


def _analysis(parameter: str) -> str:
    return "attribution" if parameter == "channel_rules" else "data_overview"


def _assert_refused(result, words: str, out: Path, marker: Path, kernels: list, started: float):
    assert result.exit_code == 2, result.output
    stderr_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(stderr_lines) == 1, result.stderr[:2000]
    assert words in result.stderr and len(result.stderr) < 1000
    assert "Traceback" not in result.output
    assert not kernels, "a kernel started"
    assert not marker.exists(), "the payload ran"
    assert not any(out.glob("*/*")) if out.exists() else True  # no run folder
    assert time.perf_counter() - started < 15  # no kernel start, no huge expansion


PAYLOADS = list(_payloads(Path("/m")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_through_command_line_is_refused(payload, tmp_path, kernel_starts):
    marker = tmp_path / "marker"
    parameter, value, words = _payloads(marker)[payload]
    out = tmp_path / "out"
    started = time.perf_counter()
    result = CliRunner().invoke(
        app, ["run", _analysis(parameter), "-p", parameter, value, "--out", str(out)]
    )
    _assert_refused(result, words, out, marker, kernel_starts, started)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_through_params_file_is_refused(payload, tmp_path, kernel_starts):
    marker = tmp_path / "marker"
    parameter, value, words = _payloads(marker)[payload]
    params = tmp_path / "params.yaml"
    params.write_text(f"{parameter}: {value}\n", encoding="utf-8")
    out = tmp_path / "out"
    started = time.perf_counter()
    result = CliRunner().invoke(
        app, ["run", _analysis(parameter), "-f", str(params), "--out", str(out)]
    )
    # A file of 10 MB is refused for its size, before it is parsed.
    _assert_refused(
        result, "bytes" if payload == "huge_string" else words, out, marker, kernel_starts, started
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_through_batch_is_refused(payload, tmp_path, kernel_starts):
    marker = tmp_path / "marker"
    parameter, value, words = _payloads(marker)[payload]
    config = tmp_path / "batch.yaml"
    config.write_text(
        f"runs:\n  - analysis: {_analysis(parameter)}\n    parameters:\n"
        f"      {parameter}: {value}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["batch", str(config), "--jobs", "1", "--out", str(out)])
    _assert_refused(
        result, "bytes" if payload == "huge_string" else words, out, marker, kernel_starts, started
    )


def test_the_last_guard_refuses_what_skipped_the_checks(tmp_path, kernel_starts):
    """A run built by hand with bytes in it never reaches papermill."""
    marker = tmp_path / "marker"
    prepared = runner.prepare_run(
        "data_overview", {}, demo_data("attribution")[2:], tmp_path / "out"
    )
    prepared.given["columns"] = {"a": base64.b64decode(_binary_payload(marker).split()[1])}
    with pytest.raises(runner.ParameterError, match="parameter 'columns' contains a bytes value"):
        runner.execute_run(prepared)
    assert not kernel_starts and not marker.exists()
