"""Every lesson in a real JupyterLab, the way learners run it: Run All in Chromium.

The student zip is unzipped into a room folder, and `mkt lab` serves it with a copy of the
kit's package that has no ``datasets/`` beside it (and ``MKT_DATASETS_DIR`` pointing
nowhere), so a lesson finds its data only in the zip. Each lesson is opened in Chromium,
run with the menu "Run > Run All Cells" and saved; the saved notebook must show an
execution count in every code cell and no error. In the student edition every check says
"no answer yet"; in the solved edition (the student copy with the solutions filled back
in) every check passes. English and German.

One server and one browser serve all lessons. The whole module takes about 15 minutes on
a 2-core machine, so it runs with ``make test-workshop`` (marker ``workshop``), not with
``make test``. Without Chromium or playwright it is skipped with the reason. Set
``MKT_LAB_SCREENSHOTS=folder`` to keep a screenshot of each lesson after its run.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

from mkt_engineering.paths import PACKAGE_DIR
from mkt_engineering.teaching import student_edition as edition
from mkt_engineering.teaching.doctor_folder import LESSON_GLOB
from mkt_engineering.teaching.workshop import build_workshop

pytestmark = [pytest.mark.workshop, pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
LANGUAGES = ["en", "de"]
EDITIONS = ["student", "solved"]
# What a check prints for a blank answer (teaching.feedback's "no_answer" phrase).
NO_ANSWER = {"en": "no answer yet", "de": "noch keine antwort"}
LESSON_TIMEOUT_S = 420
# JupyterLab settings: every cell in the page (no virtual scrolling), no calls home.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}
KERNEL_IDLE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return Boolean(kernel && kernel.status === 'idle' && panel.content.widgets.length);
}"""
# The run is over when the kernel is idle and no cell waits or runs ('[*]').
RUN_STATE_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = panel.content.model.cells;
    const code = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type === 'code') code.push(cell.executionState);
    }
    return {kernel: panel.sessionContext.session.kernel.status,
            running: code.filter(state => state === 'running').length};
}"""
SAVE_AND_SHUT_DOWN_JS = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.context.save();
    await panel.sessionContext.shutdown();
    panel.dispose();
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unzip_student_kit(zip_path: Path, folder: Path) -> Path:
    """The zip as a learner unzips it: one ``workshop/`` folder."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder / "workshop"


def _solved_copy(student_dir: Path, solutions_dir: Path, folder: Path) -> Path:
    """The unzipped student folder with each lesson's solutions filled back in."""
    shutil.copytree(student_dir, folder)
    for path in sorted(folder.glob(LESSON_GLOB)):
        student = nbformat.read(path, as_version=4)
        lesson = edition.read_lesson(solutions_dir / path.name)
        nbformat.write(edition.fill_solutions(student, lesson), path)
    return folder


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """room/<language>/<edition>/ for both languages and editions; the kit without data."""
    base = tmp_path_factory.mktemp("room")
    for language in LANGUAGES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # German text that may be out of date
            built = build_workshop(base / f"build-{language}", language=language)
        student = _unzip_student_kit(built.zip_path, base / "unzipped" / language)
        shutil.move(student, base / "room" / language / "student")
        _solved_copy(
            base / "room" / language / "student",
            built.trainer_dir / "solutions",
            base / "room" / language / "solved",
        )
    # The kit's package alone: its PROJECT_ROOT (kit/) has no datasets/ folder.
    kit = base / "kit"
    shutil.copytree(PACKAGE_DIR, kit / "mkt_engineering", ignore=shutil.ignore_patterns("__py*"))
    env = dict(os.environ)
    env.update(PYTHONPATH=str(kit), MKT_DATASETS_DIR=str(kit / "no-datasets-here"))
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mkt_engineering.paths as p; print(p.PACKAGE_DIR, p.DATASETS_DIR.exists())",
        ],
        env=env,
        cwd=base,  # not the checkout: a working folder holding mkt_engineering/ would win
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == [str(kit / "mkt_engineering"), "False"], probe.stdout
    return base / "room", env


@pytest.fixture(scope="module")
def lab(room, tmp_path_factory):
    """`mkt lab` serving the room on a free port of localhost; yields (url, token)."""
    folder, env = room
    state = tmp_path_factory.mktemp("lab-state")
    for name, values in LAB_SETTINGS.items():
        target = state / "settings" / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    env = dict(
        env,
        JUPYTERLAB_SETTINGS_DIR=str(state / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(state / "runtime"),
    )
    port, token = _free_port(), secrets.token_hex(16)
    mkt = Path(sys.executable).with_name("mkt")
    command = [str(mkt)] if mkt.exists() else [sys.executable, "-m", "mkt_engineering.cli"]
    command += [
        "lab",
        str(folder),
        "--no-browser",
        f"--port={port}",
        f"--ServerApp.token={token}",
        "--LabApp.expose_app_in_browser=True",  # lets the test read the kernel's state
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    log = state / "lab.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            env=env,
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the teardown stops all of it
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(server, f"{url}/api/status?token={token}", log)
        yield url, token
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    """Stop `mkt lab` (JupyterLab itself, it replaces the mkt process) and its kernels."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def _wait_for_server(server: subprocess.Popen, status_url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`mkt lab` exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(status_url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within 120 s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def page(lab, tmp_path_factory):
    """One Chromium page; any request that leaves localhost is blocked and recorded."""
    if CHROMIUM is None:
        pytest.skip("no Chromium: install it (apt-get install chromium) to run JupyterLab tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    outside: list[str] = []

    def only_localhost(route):
        if route.request.url.startswith(lab[0]):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.route("**/*", only_localhost)
        tab.outside_requests = outside
        yield tab
        browser.close()


def _run_all_in_lab(page, url: str, token: str, notebook: str, screenshot: Path) -> None:
    """Open a notebook, Run > Run All Cells, wait for the kernel, save, shut the kernel down."""
    page.goto(f"{url}/lab/tree/{notebook}?reset&token={token}")
    page.wait_for_function(KERNEL_IDLE_JS, timeout=120_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    started = time.monotonic()
    time.sleep(1)
    while True:
        state = page.evaluate(RUN_STATE_JS)
        if state["kernel"] == "idle" and state["running"] == 0:
            break
        if time.monotonic() - started > LESSON_TIMEOUT_S:
            page.screenshot(path=str(screenshot))
            pytest.fail(f"{notebook}: still running after {LESSON_TIMEOUT_S} s ({state})")
        time.sleep(1)
    # the screenshot shows the first check's answer, the part a learner reads
    first_check = page.locator(".jp-OutputArea-output", has_text="🟠").or_(
        page.locator(".jp-OutputArea-output", has_text="✅")
    )
    if first_check.count():
        first_check.first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot))
    page.evaluate(SAVE_AND_SHUT_DOWN_JS)


def lesson_problems(notebook, *, edition_name: str, language: str) -> list[str]:
    """What is wrong with a notebook run in JupyterLab (empty when everything is right)."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        label = f"cell {index} ({cell.get('id')})"
        if cell.get("execution_count") is None:
            problems.append(f"{label} did not run")
        # a cell tagged raises-exception shows an error on purpose (how to read one);
        # JupyterLab's Run All goes on after it
        expected = "raises-exception" in cell.metadata.get("tags", [])
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not expected:
                problems.append(f"{label}: {output.get('ename')}: {output.get('evalue')}")
        if edition.is_check(cell):
            text = edition.output_text(cell)
            if edition_name == "student" and NO_ANSWER[language] not in text.lower():
                problems.append(f"{label}: the check does not say {NO_ANSWER[language]!r}")
            if edition_name == "solved" and not ("✅" in text and "🟠" not in text):
                problems.append(f"{label}: the check does not pass: {text[:200]!r}")
    return problems


@pytest.mark.parametrize("edition_name", EDITIONS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_lesson_runs_all_in_jupyterlab(room, lab, page, language, edition_name, tmp_path):
    folder = room[0] / language / edition_name
    lessons = sorted(folder.glob(LESSON_GLOB))
    assert lessons, f"no lessons in {folder}"
    # MKT_LAB_SCREENSHOTS keeps the screenshots (one per lesson) for a look by eye
    shots = Path(os.environ.get("MKT_LAB_SCREENSHOTS") or tmp_path) / f"{language}-{edition_name}"
    shots.mkdir(parents=True, exist_ok=True)
    problems = {}
    for path in lessons:
        relative = path.relative_to(room[0]).as_posix()
        _run_all_in_lab(page, *lab, relative, shots / f"{path.stem}.png")
        executed = nbformat.read(path, as_version=4)
        found = lesson_problems(executed, edition_name=edition_name, language=language)
        if found:
            problems[path.stem] = found
    assert not page.outside_requests, f"requests left localhost: {page.outside_requests[:5]}"
    assert not problems, f"screenshots in {shots}:\n" + json.dumps(problems, indent=1)


def test_lesson_problems_sees_a_cell_that_did_not_run_and_an_error():
    """The judge itself: a cell without a count, an error and a silent check are named."""
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    check = new_code_cell("teaching.check_number(answer, 4)", execution_count=2)
    check.outputs = [new_output("stream", name="stdout", text="answer: no answer yet.")]
    broken = new_code_cell("1 / 0", execution_count=3)
    broken.outputs = [new_output("error", ename="ZeroDivisionError", evalue="division by zero")]
    on_purpose = new_code_cell("leads / lead", execution_count=4)
    on_purpose.metadata["tags"] = ["raises-exception"]
    on_purpose.outputs = [new_output("error", ename="NameError", evalue="name 'lead'")]
    notebook = new_notebook(cells=[new_code_cell("answer = None"), check, broken, on_purpose])
    problems = lesson_problems(notebook, edition_name="student", language="en")
    assert problems == [
        f"cell 0 ({notebook.cells[0].id}) did not run",
        f"cell 2 ({notebook.cells[2].id}): ZeroDivisionError: division by zero",
    ]
    solved = lesson_problems(notebook, edition_name="solved", language="de")
    assert any("does not pass" in problem for problem in solved)


def test_stopping_mkt_lab_stops_jupyterlab(tmp_path):
    """A stop signal to `mkt lab` reaches JupyterLab: no server is left running."""
    port, token = _free_port(), secrets.token_hex(8)
    mkt = Path(sys.executable).with_name("mkt")
    command = [str(mkt)] if mkt.exists() else [sys.executable, "-m", "mkt_engineering.cli"]
    command += ["lab", str(tmp_path), "--no-browser", f"--port={port}"]
    command += [f"--ServerApp.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log = tmp_path / "lab.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for_server(server, f"http://127.0.0.1:{port}/api/status?token={token}", log)
        server.terminate()
        server.wait(timeout=60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    return
            time.sleep(0.5)
        pytest.fail(f"JupyterLab still answers on port {port} after `mkt lab` was stopped")
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)  # whatever is left of the group
        except ProcessLookupError:
            pass
