"""The parameters cell of a report notebook: parse it, then check and convert user values.

A report notebook's first code cell is tagged ``parameters``; each line is an annotated
assignment with a help comment::

    lookback_days: int = 30  # days of touches before a conversion that count

Everything is checked here, before a kernel starts, so a typo costs a second and gives a
one-line message instead of a traceback from inside the notebook.

Examples
--------
>>> specs = parse_parameters('days: int = 30  # how far back\\nregions: list[str] = []  # which')
>>> [(s.name, s.type_text, s.default, s.help) for s in specs]
[('days', 'int', 30, 'how far back'), ('regions', 'list[str]', [], 'which')]
>>> convert(specs[0], "45")
45
>>> convert(specs[1], "[DE, AT]")
['DE', 'AT']
>>> convert(specs[0], "many")
Traceback (most recent call last):
...
mkt_engineering.errors.ParameterError: parameter 'days' expects a whole number (int, e.g. 30), got 'many'
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import io
import json
import tokenize
from dataclasses import dataclass
from typing import Any

from mkt_engineering.errors import ParameterError

FILE_SUFFIX = "_file"

_TYPE_WORDS = {
    "int": "a whole number (int, e.g. 30)",
    "float": "a number (float, e.g. 0.05)",
    "str": "text (str)",
    "bool": "true or false (bool)",
    "list": 'a list (e.g. ["a", "b"])',
    "list[str]": 'a list of text (e.g. ["DE", "AT"])',
    "list[int]": "a list of whole numbers (e.g. [7, 30])",
    "list[float]": "a list of numbers (e.g. [0.1, 0.2])",
    "dict": 'a mapping (e.g. {"Kanal": "channel"})',
    "dict[str, str]": 'a mapping of text to text (e.g. {"Kanal": "channel"})',
}


@dataclass(frozen=True)
class ParameterSpec:
    """One line of a parameters cell."""

    name: str
    type_text: str
    default: Any
    help: str = ""

    @property
    def optional(self) -> bool:
        """Whether None is allowed (``X | None``)."""
        return _split_optional(self.type_text)[1]

    @property
    def is_file(self) -> bool:
        return self.name.endswith(FILE_SUFFIX)

    @property
    def input_name(self) -> str:
        """``touchpoints_file`` -> ``touchpoints`` (the name ``--data`` uses)."""
        return self.name.removesuffix(FILE_SUFFIX)

    def describe_type(self) -> str:
        base, optional = _split_optional(self.type_text)
        words = _TYPE_WORDS.get(base, base)
        return f"{words} or None" if optional else words


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return comments


def parse_parameters(source: str) -> list[ParameterSpec]:
    """Read the annotated assignments of a parameters cell (without running it)."""
    tree = ast.parse(source)
    comments = _comments_by_line(source)
    specs = []
    for node in tree.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        try:
            default = ast.literal_eval(node.value) if node.value is not None else None
        except ValueError:
            default = ast.unparse(node.value)  # an expression; shown as written
        lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        help_text = next((comments[line] for line in lines if line in comments), "")
        specs.append(
            ParameterSpec(node.target.id, ast.unparse(node.annotation), default, help_text)
        )
    return specs


def _split_optional(type_text: str) -> tuple[str, bool]:
    text = type_text.replace(" ", "")
    if text.startswith("Optional[") and text.endswith("]"):
        return text[len("Optional[") : -1], True
    parts = [part for part in text.split("|")]
    if "None" in parts and len(parts) > 1:
        return "|".join(p for p in parts if p != "None"), True
    return text, False


def _parse_text(text: str) -> Any:
    """A command-line value: JSON first, then YAML (so `[DE, AT]` works unquoted)."""
    try:
        return json.loads(text)
    except ValueError:
        import yaml  # here: `mkt run` without such values starts its kernel sooner

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return text


_TRUE = {"true", "yes", "1", "on", "ja"}
_FALSE = {"false", "no", "0", "off", "nein"}


def _check(base: str, value: Any) -> tuple[bool, Any]:
    """Whether `value` (already parsed) fits the type `base`; returns (ok, converted)."""
    if isinstance(value, dt.date | dt.datetime) and base == "str":
        return True, value.isoformat()
    if base in ("bool",):
        return isinstance(value, bool), value
    if base == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return ok, value
    if base == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok, float(value) if ok else value
    if base == "str":
        return isinstance(value, str), value
    if base.startswith("list"):
        if not isinstance(value, list):
            return False, value
        inner = base[5:-1] if base.startswith("list[") else ""
        if inner:
            checked = [_check(inner, item) for item in value]
            return all(ok for ok, _ in checked), [item for _, item in checked]
        return True, value
    if base.startswith("dict"):
        return isinstance(value, dict), value
    return True, value  # an annotation we do not know: pass through unchecked


def convert(spec: ParameterSpec, value: Any) -> Any:
    """Check one value against its spec; text from the command line is parsed first.

    Raises
    ------
    ParameterError
        One line naming the parameter and what it accepts.
    """
    base, optional = _split_optional(spec.type_text)
    if isinstance(value, str) and value.strip().lower() in ("none", "null") and optional:
        return None
    if value is None:
        if optional:
            return None
        raise ParameterError(f"parameter '{spec.name}' expects {spec.describe_type()}, got None")
    candidate = value
    if isinstance(value, str) and base != "str":
        lowered = value.strip().lower()
        if base == "bool" and lowered in _TRUE | _FALSE:
            candidate = lowered in _TRUE
        elif base == "float":
            try:
                candidate = (
                    float(value.strip().replace(",", ".")) if value.count(",") <= 1 else value
                )
            except ValueError:
                candidate = value
        else:
            candidate = _parse_text(value)
    ok, converted = _check(base, candidate)
    if not ok:
        raise ParameterError(
            f"parameter '{spec.name}' expects {spec.describe_type()}, got {value!r}"
        )
    return converted


def unknown_parameter_message(name: str, specs: list[ParameterSpec], analysis: str) -> str:
    """One line: the unknown name, the closest match and every allowed name."""
    names = [spec.name for spec in specs]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return (
        f"unknown parameter '{name}' for {analysis}.{hint} Allowed: {', '.join(names) or '(none)'}"
    )


def validate(specs: list[ParameterSpec], given: dict[str, Any], analysis: str) -> dict[str, Any]:
    """Check every given value; return them converted to their declared types."""
    by_name = {spec.name: spec for spec in specs}
    checked = {}
    for name, value in given.items():
        if name not in by_name:
            raise ParameterError(unknown_parameter_message(name, specs, analysis))
        checked[name] = convert(by_name[name], value)
    return checked


def assign_data(specs: list[ParameterSpec], data: list[str], analysis: str) -> dict[str, str]:
    """Map ``--data [name=]PATH`` options onto the ``*_file`` parameters.

    Examples
    --------
    >>> specs = parse_parameters('touchpoints_file: str = "a.csv"\\nspend_file: str = "b.csv"')
    >>> assign_data(specs, ["mine.csv", "spend=budget.csv"], "attribution")
    {'touchpoints_file': 'mine.csv', 'spend_file': 'budget.csv'}
    """
    files = [spec for spec in specs if spec.is_file]
    inputs = {spec.input_name: spec.name for spec in files}
    assigned: dict[str, str] = {}
    for item in data:
        name, sep, path = item.partition("=")
        if sep and name in inputs:
            assigned[inputs[name]] = path
        elif sep and name.endswith(FILE_SUFFIX) and name in inputs.values():
            assigned[name] = path
        elif sep and "/" not in name and "\\" not in name and "." not in name:
            allowed = ", ".join(inputs) or "(none)"
            raise ParameterError(
                f"--data {item}: {analysis} has no input '{name}'. Its inputs are: {allowed}"
            )
        else:
            if not files:
                raise ParameterError(f"--data {item}: {analysis} takes no input files")
            if files[0].name in assigned:
                raise ParameterError(
                    f"--data {item}: '{files[0].input_name}' is already given; name the input, e.g. --data {files[-1].input_name}=PATH"
                )
            assigned[files[0].name] = item
    return assigned
