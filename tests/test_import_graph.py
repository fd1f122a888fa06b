"""The package's import graph has no cycle and no module reaches into another's private names.

The graph is built from the source with :mod:`ast`, so it sees imports at module level and
inside functions alike (an import moved into a function to dodge a cycle is still a cycle).
A name starting with one underscore is private to its module: another module may not import
it (``from x import _y``) nor use it as an attribute (``x._y`` where ``x`` is an imported
module). Dunder names (``__version__``) are public.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mkt_engineering

PACKAGE = "mkt_engineering"
ROOT = Path(mkt_engineering.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


MODULES = _modules()


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _internal(name: str) -> str | None:
    """The package module a dotted name refers to (longest known prefix), or None."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return None


class _Imports(ast.NodeVisitor):
    """Collect a module's imports (every level) and its private reach-through."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.targets: set[str] = set()
        self.aliases: dict[str, str] = {}
        self.private: list[str] = []

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            target = _internal(alias.name)
            if target is None:
                continue
            self.targets.add(target)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                # `import a.b.c` binds `a`; attribute chains are resolved below.
                self.aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = _absolute(self.module, node)
        source_module = _internal(source)
        if source_module is None:
            return
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            if submodule in MODULES:
                self.targets.add(submodule)
                self.aliases[alias.asname or alias.name] = submodule
                continue
            self.targets.add(source_module)
            if _is_private(alias.name) and source_module != self.module:
                self.private.append(
                    f"{self.module}:{node.lineno} from {source} import {alias.name}"
                )

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = _dotted(node.value)
        if dotted and _is_private(node.attr):
            head, _, rest = dotted.partition(".")
            if head in self.aliases:
                full = ".".join(filter(None, [self.aliases[head], rest]))
                if full in MODULES and full != self.module:
                    self.private.append(f"{self.module}:{node.lineno} {full}.{node.attr}")
        self.generic_visit(node)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _scan() -> dict[str, _Imports]:
    found = {}
    for module, path in MODULES.items():
        visitor = _Imports(module)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        visitor.targets.discard(module)
        found[module] = visitor
    return found


SCAN = _scan()


def _edges() -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in its code).

    Importing a submodule makes Python run its parents' ``__init__`` first; that is the
    language's doing, not a dependency the code chose, so it is no edge. An explicit import
    of a package (``from mkt_engineering import nurture`` inside ``nurture.cadence``) is.
    """
    return {module: set(visitor.targets) for module, visitor in SCAN.items()}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_the_graph_sees_the_package():
    assert "mkt_engineering.nurture.cox" in MODULES
    assert SCAN["mkt_engineering.nurture.cox"].targets, "cox imports nothing from the package?"


def test_no_import_cycle():
    cycles = _cycles(_edges())
    described = [" <-> ".join(cycle) for cycle in cycles]
    assert not cycles, "import cycles:\n" + "\n".join(described)


def test_no_private_name_used_across_modules():
    reach = sorted(line for visitor in SCAN.values() for line in visitor.private)
    assert not reach, "private names used across modules:\n" + "\n".join(reach)


def test_the_checks_catch_what_they_should():
    """The two checks find a planted cycle and a planted private import (guards the guard)."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    visitor = _Imports("mkt_engineering.nurture.cox")
    visitor.visit(
        ast.parse(
            "def f():\n"
            "    from mkt_engineering.privacy import _planted\n"
            "    from mkt_engineering import errors\n"
            "    return errors._planted_too\n"
        )
    )
    assert len(visitor.private) == 2
    assert "mkt_engineering.privacy" in visitor.targets
