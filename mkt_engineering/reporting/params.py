"""The parameters cell of a report notebook: parse it, then check and convert user values.

A report notebook's first code cell is tagged ``parameters``; each line is an annotated
assignment with a help comment, optionally followed by what is allowed::

    lookback_days: int = 30  # days of touches before a conversion that count; range: 1..365
    language: str = "en"  # number formats; choices: en, de
    lookback_windows: list[int] = [7, 30]  # windows to compare; range: 1..365; length: 1..20

``range: LOW..HIGH`` (inclusive; either end may be left open) bounds a number, each item
of a list and each value of a mapping; ``choices: a, b`` lists the allowed texts (of a
text, or of each item of a list); ``length: LOW..HIGH`` bounds the number of items.

Everything is checked here, before a kernel starts, so a typo costs a second and gives a
one-line message instead of a traceback from inside the notebook. Values must be plain
JSON-shaped data (text, finite numbers, true/false, null, lists, mappings with text keys):
only such values can be written into the parameters cell safely.

Examples
--------
>>> specs = parse_parameters(
...     'days: int = 30  # how far back; range: 1..365\\n'
...     'regions: list[str] = []  # which'
... )
>>> [(s.name, s.type_text, s.default, s.help, s.allowed_text()) for s in specs]
[('days', 'int', 30, 'how far back', '1..365'), ('regions', 'list[str]', [], 'which', '')]
>>> convert(specs[0], "45")
45
>>> convert(specs[1], "[DE, AT]")
['DE', 'AT']
>>> convert(specs[0], "many")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
mkt_engineering.errors.ParameterError: parameter 'days' expects a whole number (int, e.g. 30),
got 'many'
>>> convert(specs[0], "-5")
Traceback (most recent call last):
...
mkt_engineering.errors.ParameterError: parameter 'days' must be between 1 and 365, got -5
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import re
import tokenize
from dataclasses import dataclass
from typing import Any

from mkt_engineering.errors import ParameterError
from mkt_engineering.reporting.plain_data import (
    MAX_DEPTH,
    plain_problem,
    short_value,
)

FILE_SUFFIX = "_file"
# Bounds of one parameter value (deeper, longer or bigger values are refused before a kernel
# starts) live in plain_data. Command-line text longer than this is not parsed at all.
MAX_ARGUMENT = 100_000

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
    "dict[str, float]": 'a mapping of text to numbers (e.g. {"search": 0.5})',
    "dict[str, int]": 'a mapping of text to whole numbers (e.g. {"search": 120})',
}
_ALLOWED = re.compile(r";\s*(range|choices|length):\s*([^;]*)")

Bounds = tuple[float | None, float | None]


@dataclass(frozen=True)
class ParameterSpec:
    """One line of a parameters cell: name, type, default, help and what is allowed."""

    name: str
    type_text: str
    default: Any
    help: str = ""
    value_range: Bounds | None = None
    choices: tuple[str, ...] = ()
    length: Bounds | None = None

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
        words = _TYPE_WORDS.get(base, _TYPE_WORDS.get(base.replace(",", ", "), base))
        return f"{words} or None" if optional else words

    def allowed_text(self) -> str:
        """What the parameter allows beyond its type, as `mkt params` shows it."""
        parts = []
        if self.value_range:
            parts.append(_bounds_text(self.value_range))
        if self.choices:
            parts.append(", ".join(self.choices))
        if self.length:
            parts.append(f"{_bounds_text(self.length)} items")
        return "; ".join(parts)


def _bounds_text(bounds: Bounds) -> str:
    low, high = bounds
    return (
        f"{'' if low is None else _number_text(low)}..{'' if high is None else _number_text(high)}"
    )


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return comments


def _parse_bounds(text: str, where: str) -> Bounds:
    low, sep, high = text.strip().partition("..")
    try:
        if not sep:
            raise ValueError
        return (float(low) if low.strip() else None, float(high) if high.strip() else None)
    except ValueError:
        raise ParameterError(f"{where}: cannot read '{text.strip()}'; write e.g. 1..365") from None


def split_help(comment: str, where: str = "parameters cell") -> dict[str, Any]:
    """The help text and the ``range:``, ``choices:`` and ``length:`` clauses of a comment.

    Examples
    --------
    >>> split_help("significance level; range: 0.0001..0.5")
    {'help': 'significance level', 'value_range': (0.0001, 0.5)}
    >>> split_help("number format; choices: en, de")
    {'help': 'number format', 'choices': ('en', 'de')}
    """
    found = list(_ALLOWED.finditer(comment))
    parts: dict[str, Any] = {"help": comment[: found[0].start()].strip() if found else comment}
    for match in found:
        key, text = match.group(1), match.group(2)
        if key == "choices":
            parts["choices"] = tuple(word.strip() for word in text.split(",") if word.strip())
        else:
            parts["value_range" if key == "range" else "length"] = _parse_bounds(
                text, f"{where}: {key}"
            )
    return parts


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
        comment = next((comments[line] for line in lines if line in comments), "")
        name = node.target.id
        specs.append(
            ParameterSpec(name, ast.unparse(node.annotation), default, **split_help(comment, name))
        )
    return specs


def _split_optional(type_text: str) -> tuple[str, bool]:
    text = type_text.replace(" ", "")
    if text.startswith("Optional[") and text.endswith("]"):
        return text[len("Optional[") : -1], True
    parts = text.split("|")
    if "None" in parts and len(parts) > 1:
        return "|".join(p for p in parts if p != "None"), True
    return text, False


def ensure_plain(parameters: dict[str, Any]) -> None:
    """Refuse anything but plain values: the last check before papermill writes the cell.

    Raises
    ------
    ParameterError
        Naming the parameter and what it contains.

    Examples
    --------
    >>> ensure_plain({"days": 30, "regions": ["DE"]})
    >>> ensure_plain({"days": {1, 2}})  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.ParameterError: parameter 'days' contains a set value ({1, 2});
    only text, numbers, true/false, null, lists and mappings are allowed
    """
    for name, value in parameters.items():
        if type(name) is not str or not name.isidentifier():
            raise ParameterError(f"parameter name {short_value(name)} is not a valid name")
        problem = plain_problem(value)
        if problem:
            raise ParameterError(f"parameter '{name}' {problem}")


def _parse_text(name: str, text: str) -> Any:
    """A command-line value: JSON first, then YAML (so `[DE, AT]` works unquoted)."""
    if len(text) > MAX_ARGUMENT:
        raise ParameterError(
            f"parameter '{name}' is {len(text):,} characters long (at most {MAX_ARGUMENT:,})"
        )
    try:
        return json.loads(text)
    except RecursionError:
        raise ParameterError(
            f"parameter '{name}' is nested more than {MAX_DEPTH} levels deep"
        ) from None
    except ValueError:
        pass
    # here: `mkt run` without such values starts its kernel sooner
    from mkt_engineering.reporting.yaml_files import PlainYamlError, load_plain_yaml

    try:
        return load_plain_yaml(text)
    except PlainYamlError as exc:
        if str(exc).startswith("not valid YAML"):
            return text  # plain words: the type check names what was expected
        raise ParameterError(f"parameter '{name}': {exc}") from None


_TRUE = {"true", "yes", "1", "on", "ja"}
_FALSE = {"false", "no", "0", "off", "nein"}


def _inner_types(base: str) -> list[str]:
    """``list[int]`` -> ``['int']``, ``dict[str, float]`` -> ``['str', 'float']``."""
    inner = base[base.index("[") + 1 : -1] if "[" in base and base.endswith("]") else ""
    parts, level, start = [], 0, 0
    for position, char in enumerate(inner):
        level += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and level == 0:
            parts.append(inner[start:position])
            start = position + 1
    return [*parts, inner[start:]] if inner else []


def _check(type_text: str, value: Any) -> tuple[bool, Any]:
    """Whether `value` (already parsed) fits the type; returns (ok, converted).

    Recursive: ``list[int]`` checks every item, ``dict[str, float]`` every key and value.
    """
    base, optional = _split_optional(type_text)
    if value is None:
        return optional, None
    if base == "bool":
        return type(value) is bool, value
    if base == "int":
        return type(value) is int, value
    if base == "float":
        ok = type(value) in (int, float)
        return ok, float(value) if ok else value
    if base == "str":
        return type(value) is str, value
    if base.startswith("list"):
        inner = _inner_types(base)
        if type(value) is not list:
            return False, value
        checked = [_check(inner[0], item) for item in value] if inner else []
        if inner and not all(ok for ok, _ in checked):
            return False, value
        return True, [item for _, item in checked] if inner else value
    if base.startswith("dict"):
        inner = _inner_types(base)
        if type(value) is not dict:
            return False, value
        if len(inner) != 2:
            return True, value
        keys = [_check(inner[0], key) for key in value]
        items = [_check(inner[1], item) for item in value.values()]
        if not all(ok for ok, _ in keys + items):
            return False, value
        return True, dict(zip([k for _, k in keys], [v for _, v in items], strict=True))
    return True, value  # an annotation we do not know: plain data, checked by plain_problem


def _within(number: float, bounds: Bounds) -> bool:
    low, high = bounds
    return (low is None or number >= low) and (high is None or number <= high)


def _between(bounds: Bounds) -> str:
    low, high = bounds
    if low is not None and high is not None:
        return f"between {_number_text(low)} and {_number_text(high)}"
    return f"at least {_number_text(low)}" if low is not None else f"at most {_number_text(high)}"


def _allowed_problem(spec: ParameterSpec, value: Any) -> str | None:
    """What in a type-checked value lies outside the declared range, choices or length."""
    if value is None:
        return None
    if isinstance(value, list | dict):
        if spec.length and not _within(len(value), spec.length):
            return f"needs {_between(spec.length)} items, got {len(value)}"
        items, what = (
            (list(value.values()), "values") if isinstance(value, dict) else (value, "items")
        )
    else:
        items, what = [value], ""
    for item in items:
        number = type(item) in (int, float)
        if number and spec.value_range and not _within(item, spec.value_range):
            return (
                f"{what + ' ' if what else ''}must be {_between(spec.value_range)}, "
                f"got {short_value(item)}"
            )
        if type(item) is str and spec.choices and item not in spec.choices:
            close = difflib.get_close_matches(item, spec.choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return (
                f"{what + ' ' if what else ''}must be one of {', '.join(spec.choices)}; "
                f"got {short_value(item)}{hint}"
            )
    return None


def convert(spec: ParameterSpec, value: Any) -> Any:
    """Check one value against its spec; text from the command line is parsed first.

    The value must be plain data (`plain_problem`), fit the declared type (recursively)
    and lie inside the declared range, choices and length.

    Raises
    ------
    ParameterError
        One line naming the parameter and what it accepts.
    """
    base, optional = _split_optional(spec.type_text)
    if isinstance(value, str) and value.strip().lower() in ("none", "null") and optional:
        return None
    if value is None and not optional:
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
            candidate = _parse_text(spec.name, value)
    problem = plain_problem(candidate)
    if problem:
        raise ParameterError(f"parameter '{spec.name}' {problem}")
    ok, converted = _check(spec.type_text, candidate)
    if not ok:
        raise ParameterError(
            f"parameter '{spec.name}' expects {spec.describe_type()}, got {short_value(value)}"
        )
    problem = _allowed_problem(spec, converted)
    if problem:
        raise ParameterError(f"parameter '{spec.name}' {problem}")
    return converted


def unknown_parameter_message(name: str, specs: list[ParameterSpec], analysis: str) -> str:
    """One line: the unknown name, the closest match and every allowed name."""
    names = [spec.name for spec in specs]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return (
        f"unknown parameter {short_value(name)} for {analysis}.{hint} "
        f"Allowed: {', '.join(names) or '(none)'}"
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

    An input given twice is refused: which of two files the user meant cannot be guessed.

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
            target = inputs[name]
        elif sep and name.endswith(FILE_SUFFIX) and name in inputs.values():
            target = name
        elif sep and "/" not in name and "\\" not in name and "." not in name:
            allowed = ", ".join(inputs) or "(none)"
            raise ParameterError(
                f"--data {item}: {analysis} has no input '{name}'. Its inputs are: {allowed}"
            )
        else:
            if not files:
                raise ParameterError(f"--data {item}: {analysis} takes no input files")
            target, path = files[0].name, item
        if target in assigned:
            input_name = target.removesuffix(FILE_SUFFIX)
            raise ParameterError(
                f"--data {item}: '{input_name}' is given twice ({assigned[target]} and {path}); "
                f"give each input once, e.g. --data {input_name}=PATH"
            )
        assigned[target] = path
    return assigned


def missing_inputs_problem(
    analysis: str, groups: list[list[str]], present: set[str] | list[str]
) -> str | None:
    """Why a run lacks a required input, in one line naming the ``--data`` option; or None.

    `groups` are the analysis's required inputs (every input of at least one group).

    Examples
    --------
    >>> groups = [["touchpoints", "conversions"], ["paths"]]
    >>> text = missing_inputs_problem("attribution", groups, ["touchpoints"])
    >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
    attribution needs conversions too: give it with --data conversions=FILE
    (or instead: --data paths=FILE)
    >>> missing_inputs_problem("cohort_ltv", [["orders"]], [])
    'cohort_ltv needs orders: give it with --data orders=FILE'
    >>> missing_inputs_problem("data_overview", [["orders"], ["spend"]], [])
    'data_overview needs at least one input: give one with --data orders=FILE or --data spend=FILE'
    >>> missing_inputs_problem("cohort_ltv", [["orders"]], ["orders"]) is None
    True
    """
    present = set(present)
    if not groups or any(set(group) <= present for group in groups):
        return None
    if all(len(group) == 1 for group in groups) and len(groups) > 1:
        options = " or ".join(f"--data {group[0]}=FILE" for group in groups)
        return f"{analysis} needs at least one input: give one with {options}"
    best = max(groups, key=lambda group: len(set(group) & present))  # first of the best
    missing = [name for name in best if name not in present]
    too = " too" if set(best) & present else ""
    options = " ".join(f"--data {name}=FILE" for name in missing)
    pronoun = "it" if len(missing) == 1 else "them"
    text = f"{analysis} needs {' and '.join(missing)}{too}: give {pronoun} with {options}"
    others = [group for group in groups if group is not best]
    if others:
        alternatives = " or ".join(
            " ".join(f"--data {name}=FILE" for name in group) for group in others
        )
        text += f" (or instead: {alternatives})"
    return text


def date_parameter(name: str, text: str):
    """A date parameter written YYYY-MM-DD as a ``datetime.date``; one clear error otherwise.

    Raises
    ------
    ParameterError
        Naming the parameter, the value and the format.

    Examples
    --------
    >>> date_parameter("calibration_end", "1997-09-30")
    datetime.date(1997, 9, 30)
    >>> date_parameter("calibration_end", "2025-12-03 18:00")
    datetime.date(2025, 12, 3)
    >>> try:
    ...     date_parameter("calibration_end", "03/12/2025")
    ... except ParameterError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    parameter 'calibration_end' must be a date written YYYY-MM-DD (e.g. 2025-12-03),
    got '03/12/2025'
    """
    from mkt_engineering.values import as_date  # the kit's one date reader

    try:
        return as_date(str(text), name)
    except ValueError:
        raise ParameterError(
            f"parameter '{name}' must be a date written YYYY-MM-DD (e.g. 2025-12-03), "
            f"got {short_value(text)}"
        ) from None
