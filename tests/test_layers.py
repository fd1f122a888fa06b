"""The analyses sit below the report layer: no analysis module imports mkt_engineering.reporting.

An analysis (attribution, ltv, experiments, nurture) computes results and builds its
`mkt_engineering.answers.Summary`; the report layer shows them. An import the other way
(even inside a function) would tie every analysis to notebooks, papermill and HTML.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mkt_engineering"
ANALYSES = ["attribution", "ltv", "experiments", "nurture", "charts", "synthetic"]


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [(node.lineno, name) for name in [node.module, *names]]
    return found


@pytest.mark.parametrize("analysis", ANALYSES)
def test_an_analysis_never_imports_the_report_layer(analysis):
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted((PACKAGE / analysis).rglob("*.py"))
        for line, name in _imported_modules(path)
        if name == "mkt_engineering.reporting" or name.startswith("mkt_engineering.reporting.")
    ]
    assert not upward, "\n".join(upward)
