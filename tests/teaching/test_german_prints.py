"""The German edition prints German sentences with German numbers, and the A/B lesson's
chart reads in percentage points.

A print in a lesson is translated piece by piece (`teaching.translation.translate_code`
replaces the text right after an opening quote), so a sentence printed as one f-string is
only German up to its first ``{``: the learner read "Durchschnitt 35 days to MQL (120 leads)".
The lessons print each English fragment as a string of its own and format their numbers
with `mkt_engineering.formatting` in the edition's language (``:.4f`` always writes
"0.0164", never "0,0164"). These tests build the German edition and read every text a print
shows in every student lesson.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from mkt_engineering.teaching.workshop import build_workshop, lesson_paths

# English words a German sentence of the kit never uses (case-sensitive: "Leads" is German)
ENGLISH = re.compile(
    r"\b(days|leads|to|interval|of|average|and|with|the|still|without|distinct|model)\b"
)


@pytest.fixture(scope="module")
def german_lessons(tmp_path_factory) -> list[Path]:
    """The German student edition (without the data: only the code cells are read)."""
    out = tmp_path_factory.mktemp("workshop_de")
    result = build_workshop(out, language="de", datasets_dir=out / "no-data")
    return sorted(result.student_dir.glob("[0-9][0-9]*_*.ipynb"))


def _prints(source: str) -> list[ast.expr]:
    """The arguments of every print in a code cell (IPython magics and shell lines dropped)."""
    source = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    return [
        argument
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
        for argument in node.args
    ]


def _printed_texts(source: str) -> list[str]:
    """The literal text of every print: plain strings and the text parts of f-strings (not
    the code inside ``{...}``, whose column names are no sentence)."""
    texts = []
    for argument in _prints(source):
        parts = argument.values if isinstance(argument, ast.JoinedStr) else [argument]
        texts += [
            part.value
            for part in parts
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        ]
    return texts


def _number_formats(source: str) -> list[str]:
    """The format specs of printed f-string values (``{x:.4f}``, ``{n:,}``): English digits."""
    return [
        ast.unparse(value)
        for argument in _prints(source)
        if isinstance(argument, ast.JoinedStr)
        for value in argument.values
        if isinstance(value, ast.FormattedValue) and value.format_spec is not None
    ]


def test_the_scan_reads_the_text_and_number_formats_of_prints():
    source = (
        "%matplotlib inline\n"
        'print(f"average {x:.0f} days to MQL ({n} leads)")\n'
        'print("Durchschnitt", number(x, 0, language()), "Tage bis zum MQL")\n'
        "print(f\"{t.filter(pl.col('exit') == 'none').height}\")\n"
    )
    assert _printed_texts(source) == [
        "average ",
        " days to MQL (",
        " leads)",
        "Durchschnitt",
        "Tage bis zum MQL",
    ]
    assert _number_formats(source) == ["{x:.0f}"]


def _cells(paths: list[Path]):
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                yield f"{path.stem} cell {cell.get('id')}", cell.source


def test_the_german_edition_prints_no_english_words(german_lessons):
    assert {path.stem for path in german_lessons} == {path.stem for path in lesson_paths()}
    english = [
        f"{where}: {text!r}"
        for where, source in _cells(german_lessons)
        for text in _printed_texts(source)
        if ENGLISH.search(text)
    ]
    assert english == [], "\n".join(english)


def test_the_lessons_print_numbers_in_the_editions_language(german_lessons):
    english = [
        f"{where}: {spec}"
        for where, source in _cells(german_lessons)
        for spec in _number_formats(source)
    ]
    assert english == [], "use mkt_engineering.formatting with language():\n" + "\n".join(english)


# ---- lesson 03's cumulative chart ----------------------------------------------------


def _run_cell(lesson: Path, cell_id: str, namespace: dict) -> object:
    """Run one code cell of a lesson in ``namespace``; return its last expression's value."""
    cells = nbformat.read(lesson, as_version=4).cells
    tree = ast.parse(next(cell.source for cell in cells if cell.get("id") == cell_id))
    last = tree.body.pop()
    exec(compile(tree, f"{lesson.stem} {cell_id}", "exec"), namespace)  # noqa: S102
    return eval(compile(ast.Expression(last.value), cell_id, "eval"), namespace)  # noqa: S307


def test_the_ab_lessons_cumulative_chart_reads_in_points():
    """A conversion rate's change reads "+1.6 points" on the axis, as in the A/B report."""
    from mkt_engineering import experiments
    from mkt_engineering.experiments import charts
    from mkt_engineering.io import read_table
    from mkt_engineering.teaching import data_path

    units = read_table(data_path("experiment/experiment.csv"), table="experiment")
    namespace = {"experiments": experiments, "charts": charts, "units": units}
    lesson = {path.stem: path for path in lesson_paths()}["03_ab_testing"]
    chart = _run_cell(lesson, "e24755bc", namespace)
    axis_labels = re.findall(r'"labelExpr": "([^"]*)"', json.dumps(chart.to_dict()))
    assert any("points" in label for label in axis_labels), axis_labels
