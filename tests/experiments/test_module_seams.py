"""Where the experiments modules meet: documented public names, no private reach-through."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from mkt_engineering import experiments
from mkt_engineering.experiments import explain

PACKAGE = Path(experiments.__file__).parent
EXPLAIN = [name for name in dir(explain) if name.startswith("explain_")]


@pytest.mark.parametrize("name", experiments.__all__)
def test_every_public_name_has_a_numpy_docstring(name):
    target = getattr(experiments, name)
    doc = inspect.getdoc(target) or ""
    if inspect.isclass(target):
        assert "Parameters\n---" in doc or "Attributes\n---" in doc, name
    else:
        for section in ("Parameters", "Returns", "Examples"):
            assert f"{section}\n---" in doc, f"{name} has no {section} section"


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} imports {alias.name} from {node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


def test_no_module_imports_a_private_name_of_another():
    found = [line for path in sorted(PACKAGE.glob("*.py")) for line in _private_imports(path)]
    assert found == []


@pytest.mark.parametrize("name", EXPLAIN)
def test_every_explain_function_takes_a_language(name):
    assert "language" in inspect.signature(getattr(explain, name)).parameters, name
