"""Every public function and class (a name in a package's ``__all__``) has a numpy docstring.

Functions need a "Parameters" and a "Returns" section (or "Yields" for a generator); classes
need "Parameters" when their ``__init__`` takes arguments. A class without constructor
arguments (an exception with only a message, a plain namespace) needs only a docstring.
Dataclasses document their fields under "Parameters" too, as numpy's own dataclasses do.
A function without arguments needs no "Parameters" section.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import mkt_engineering

PACKAGES = sorted(
    ["mkt_engineering"]
    + [
        info.name
        for info in pkgutil.walk_packages(mkt_engineering.__path__, "mkt_engineering.")
        if info.ispkg
    ]
)


def _section(doc: str, title: str) -> bool:
    """Whether a numpy section header (title, then a dashed underline) is in the text."""
    return re.search(rf"^\s*{title}\s*\n\s*-{{3,}}\s*$", doc, flags=re.MULTILINE) is not None


def _has_arguments(function) -> bool:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # builtins without a signature: nothing to document
        return False
    return any(name not in {"self", "cls"} for name in signature.parameters)


def _returns_something(function) -> bool:
    """False for functions annotated ``-> None`` (they return nothing to document)."""
    annotation = inspect.signature(function).return_annotation
    return annotation not in (None, "None")


def _function_problems(name: str, function) -> list[str]:
    doc = inspect.getdoc(function) or ""
    if not doc:
        return [f"{name}: no docstring"]
    problems = []
    if _has_arguments(function) and not _section(doc, "Parameters"):
        problems.append(f"{name}: no Parameters section")
    result = "Yields" if inspect.isgeneratorfunction(function) else "Returns"
    if _returns_something(function) and not _section(doc, result):
        problems.append(f"{name}: no {result} section")
    return problems


def _class_problems(name: str, cls) -> list[str]:
    doc = cls.__dict__.get("__doc__") or ""
    if not doc.strip():
        return [f"{name}: no docstring"]
    init = cls.__init__
    takes_arguments = init is not object.__init__ and _has_arguments(init)
    if issubclass(cls, BaseException) and "__init__" not in vars(cls):
        takes_arguments = False  # an exception's message is its only argument
    if takes_arguments and not (_section(doc, "Parameters") or _section(doc, "Attributes")):
        return [f"{name}: no Parameters section"]
    return []


def _problems(package: str) -> list[str]:
    module = importlib.import_module(package)
    problems = []
    for public in getattr(module, "__all__", []):
        value = getattr(module, public)
        qualified = f"{package}.{public}"
        if inspect.isclass(value):
            problems += _class_problems(qualified, value)
        elif inspect.isfunction(value):
            problems += _function_problems(qualified, value)
    return problems


def test_the_walk_finds_the_analyses():
    assert {"mkt_engineering.attribution", "mkt_engineering.nurture"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_public_names_have_numpy_docstrings(package):
    problems = _problems(package)
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_missing_section():
    """A function documented without Returns is caught; one with both sections passes."""

    def documented(x):
        """Add one.

        Parameters
        ----------
        x : int
            A number.

        Returns
        -------
        int
        """
        return x + 1

    def undocumented(x):
        """Add one.

        Parameters
        ----------
        x : int
        """
        return x + 1

    assert _function_problems("documented", documented) == []
    assert _function_problems("undocumented", undocumented) == ["undocumented: no Returns section"]
