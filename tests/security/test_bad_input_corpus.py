"""Zero tracebacks on the bad-input and fault corpus (``tests/data/bad_input/``).

Every case of ``cases.yaml`` runs as a subprocess of the installed ``mkt`` command, as a
user would type it, and must end in one of two ways:

- ``error``: a non-zero exit with the kit's own short message (at most ~2,000 characters
  besides the progress bar), no Python traceback, no internal exception name such as
  ``ZeroDivisionError``, ``ComputeError`` or ``MaxRowsError``, and the expected words (the
  column, the file, the parameter);
- ``report``: exit 0 and, for `mkt run`, a report.html without a failed step, which says what
  it skipped where the case expects that.

Cases run two at a time in a thread pool (each is a separate process, most take well under a
second; the ``r_`` cases start a kernel and take a few seconds). Each case is one test id, so a
failure names its case; the message shows the command, the exit code, the end of the output
and, for a traceback, its last line and the frame it came from.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_input"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
MKT = Path(sys.executable).with_name("mkt")
DATASETS = CORPUS.parents[2] / "datasets"

TRACEBACK = "Traceback (most recent call last)"
# Exception names that are the kit's own way of saying what is wrong with the input.
KIT_ERRORS = {"DataValidationError", "ParameterError", "BatchConfigError"}
EXCEPTION_NAME = re.compile(r"\b([A-Z][A-Za-z0-9]*(?:Error|Exception))\b")
# A failed run's line names the exception the notebook raised: "✗ attribution (6.4 s) error: ..."
# (re.error, say, has a lower-case name).
FAILED_RUN = re.compile(r"✗ \S+ \([0-9.]+ s\) ([A-Za-z_][A-Za-z0-9_.]*):")
# `mkt validate` prints this when the check itself crashed (a bug in the kit, not the data).
KIT_BUG = "problem in the kit"
# The page marks a failed cell with this class (its style sheet names it on every page).
FAILED_CELL = re.compile(r'class="[^"]*\bcelltag_mkt-error\b')
MAX_ERROR_CHARS = 2_000
FAST_TIMEOUT, KERNEL_TIMEOUT = 90, 300
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Outcome:
    """What one case did: exit code, output, and the folder its reports went to."""

    returncode: int | None
    stdout: str
    stderr: str
    out: Path
    folder: Path
    seconds: float
    timed_out: bool = False


def _load_make_binary():
    spec = importlib.util.spec_from_file_location(
        "bad_input_make_binary", CORPUS / "make_binary.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _needs_kernel(case: dict) -> bool:
    return case["id"].startswith("r_")


def _params():
    for case in CASES:
        marks = [pytest.mark.slow] if _needs_kernel(case) else []
        yield pytest.param(case, id=case["id"], marks=marks)


def _run(case: dict, root: Path, work: Path) -> Outcome:
    """Run one case's command in its own process group (so a timeout ends its kernel too)."""
    folder, out = root / case["id"], work / "out"
    folder.mkdir(exist_ok=True)
    out.mkdir(parents=True)
    fill = {"{case}": str(folder), "{out}": str(out), "{datasets}": str(DATASETS)}
    argv = [re.sub(r"\{case\}|\{out\}|\{datasets\}", lambda m: fill[m[0]], a) for a in case["argv"]]
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"}
    process = subprocess.Popen(
        [str(MKT), *argv],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    timeout = KERNEL_TIMEOUT if _needs_kernel(case) else FAST_TIMEOUT
    started = time.perf_counter()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        timed_out = True
    return Outcome(
        process.returncode,
        stdout.decode("utf-8", "replace"),
        stderr.decode("utf-8", "replace"),
        out,
        folder,
        round(time.perf_counter() - started, 1),
        timed_out,
    )


@pytest.fixture(scope="session")
def corpus_outcomes(request, tmp_path_factory) -> dict[str, Future]:
    """Start every selected case at once (two at a time, kernel cases first)."""
    if not MKT.exists():
        pytest.fail(f"the mkt command is not installed next to {sys.executable}: run make setup")
    root = _load_make_binary().materialize(tmp_path_factory.mktemp("bad_input"))
    selected = [
        item.callspec.params["bad_input_case"]
        for item in request.session.items
        if "bad_input_case" in getattr(getattr(item, "callspec", None), "params", {})
    ]
    selected.sort(key=lambda case: not _needs_kernel(case))
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bad-input")
    request.addfinalizer(lambda: pool.shutdown(wait=True, cancel_futures=True))
    return {
        case["id"]: pool.submit(_run, case, root, tmp_path_factory.mktemp(case["id"]))
        for case in selected
    }


def without_progress(text: str) -> str:
    """The output without tqdm's progress bar (``Executing: 40%|...| 11/28 [...]``)."""
    parts = re.split(r"[\r\n]", ANSI.sub("", text))
    return "\n".join(p for p in parts if p.strip() and "cell/s]" not in p and "Executing:" not in p)


def flat(text: str) -> str:
    """Whitespace collapsed, so a message wrapped by the console still matches."""
    return " ".join(text.split())


def traceback_summary(text: str) -> str:
    """The last line of the last traceback in `text` and the file:line of its last frame."""
    tail = text[text.rfind(TRACEBACK) :]
    frames = re.findall(r'File "([^"]+)", line (\d+)', tail)
    lines = [line for line in tail.splitlines() if line.strip()]
    last_line = next(
        (line.strip() for line in reversed(lines) if EXCEPTION_NAME.search(line.split(":")[0])),
        lines[-1].strip() if lines else "",
    )
    where = f"{frames[-1][0]}:{frames[-1][1]}" if frames else "no frame"
    return f"{last_line}  [at {where}]"


def internal_errors(text: str) -> list[str]:
    """Exception names in the output that are not the kit's own errors."""
    names = {*EXCEPTION_NAME.findall(text), *FAILED_RUN.findall(text)}
    return sorted(name for name in names if name not in KIT_ERRORS)


def written_files(out: Path) -> tuple[list[Path], list[Path]]:
    """report.html pages and tables/*.csv files a run wrote below `out`."""
    return sorted(out.rglob("report.html")), sorted(out.rglob("tables/*.csv"))


def page_text(page: str) -> str:
    """The visible text of a page (tags dropped, entities decoded), for message matching."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def formula_cells(table: Path) -> list[str]:
    """Cells of a written CSV that a spreadsheet would run as a formula."""
    import csv

    with table.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row if cell.startswith("=")]


def _describe(case: dict, outcome: Outcome) -> str:
    output = without_progress(outcome.stdout + "\n" + outcome.stderr)
    head = f"mkt {' '.join(case['argv'])}\nexit code {outcome.returncode} after {outcome.seconds} s"
    if TRACEBACK in outcome.stdout + outcome.stderr:
        head += f"\ntraceback: {traceback_summary(outcome.stdout + outcome.stderr)}"
    return f"{head}\n--- output (end) ---\n{output[-1500:]}"


def check_error(case: dict, outcome: Outcome, problems: list[str]) -> None:
    output = without_progress(outcome.stdout + "\n" + outcome.stderr)
    if outcome.returncode == 0:
        problems.append("exit code 0, but the case expects the kit's error")
    if len(output) > MAX_ERROR_CHARS:
        problems.append(f"error output is {len(output):,} characters (at most {MAX_ERROR_CHARS:,})")
    if internal := internal_errors(output):
        problems.append(f"internal error name(s) in the message: {', '.join(internal)}")
    if KIT_BUG in flat(output):
        problems.append("the kit reports a problem in itself instead of in the input")


def check_report(case: dict, outcome: Outcome, problems: list[str]) -> str:
    """Checks for exit 0; returns the text the case's message may be found in."""
    pages, _ = written_files(outcome.out)
    text = outcome.stdout + "\n" + outcome.stderr
    if case["argv"][0] in ("run", "batch"):
        if not pages:
            problems.append("exit code 0 but no report.html was written")
        for page_path in pages:
            page = page_path.read_text(encoding="utf-8", errors="replace")
            if FAILED_CELL.search(page):
                problems.append(f"{page_path.name} shows a failed step (celltag_mkt-error)")
            if TRACEBACK in page:
                problems.append(f"{page_path.name} contains a traceback")
            text += "\n" + page_text(page)
    return text


def check_written(case: dict, outcome: Outcome, problems: list[str]) -> None:
    """`absent` strings in the pages, `absent_tables` in the tables, formula cells."""
    pages, tables = written_files(outcome.out)
    for key, paths in (("absent", pages), ("absent_tables", tables)):
        for path in paths:
            content = path.read_text(encoding="utf-8", errors="replace")
            problems.extend(
                f"{path.relative_to(outcome.out)} contains {needle!r}"
                for needle in case.get(key, [])
                if needle in content
            )
    if case.get("no_formula_cells"):
        for table in tables:
            if cells := formula_cells(table):
                problems.append(f"{table.name} has formula cells, e.g. {cells[0][:60]!r}")


@pytest.mark.parametrize("bad_input_case", list(_params()))
def test_bad_input_case(bad_input_case: dict, corpus_outcomes: dict[str, Future]) -> None:
    case = bad_input_case
    outcome = corpus_outcomes[case["id"]].result()
    everything = outcome.stdout + outcome.stderr
    problems: list[str] = []
    if outcome.timed_out:
        problems.append("timed out")
    if TRACEBACK in everything:
        problems.append(f"traceback: {traceback_summary(everything)}")
    expect = case["expect"]
    if expect == "either":
        expect = "report" if outcome.returncode == 0 else "error"
    searchable = everything
    if expect == "error":
        check_error(case, outcome, problems)
    else:
        if outcome.returncode != 0:
            problems.append(f"exit code {outcome.returncode}, but the case expects a report")
        searchable = check_report(case, outcome, problems)
    if "exit" in case and outcome.returncode != case["exit"]:
        problems.append(f"exit code {outcome.returncode}, expected {case['exit']}")
    # The case's folders are named after its id, which would match its own message ("2999").
    searchable = ANSI.sub("", searchable).replace(str(outcome.folder), "{case}")
    searchable = flat(searchable.replace(str(outcome.out.parent), "{work}"))
    messages = case.get("message", [])
    for message in [messages] if isinstance(messages, str) else messages:
        if not re.search(message, searchable, re.I):
            problems.append(f"no match for {message!r} in the {expect}")
    check_written(case, outcome, problems)
    assert not problems, f"{case['id']}: " + "; ".join(problems) + "\n" + _describe(case, outcome)


def test_corpus_is_complete() -> None:
    """At least 60 cases with unique ids; no folder or generator without its case."""
    ids = [case["id"] for case in CASES]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)
    assert all(case["expect"] in ("error", "report", "either") for case in CASES)
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(ids), folders - set(ids)
    assert set(_load_make_binary().MAKERS) <= set(ids)
