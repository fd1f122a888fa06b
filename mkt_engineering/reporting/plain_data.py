"""Plain data: what a parameter value or a YAML file may hold (no code, no huge values).

Used by the parameter checks (`mkt_engineering.reporting.params`) and the YAML reader
(`mkt_engineering.reporting.yaml_files`), which both sit above it.

Examples
--------
>>> plain_problem({"a": [1, 2.5, None, True, "x"]}) is None
True
"""

from __future__ import annotations

import math
from typing import Any

# Bounds of one value: deeper, longer or bigger values are refused before a kernel starts
# (and before papermill writes them into the notebook).
MAX_DEPTH = 20
MAX_TEXT = 10_000
MAX_VALUES = 10_000
MAX_INT = 2**63 - 1


def short_value(value: Any, limit: int = 60) -> str:
    """A value for a message: its repr, cut (a 10 MB string must not become the message)."""
    text = repr(value) if not isinstance(value, str) or len(value) <= limit else repr(value[:limit])
    return text if len(text) <= limit + 2 else text[:limit] + "…"


def plain_problem(value: Any, max_values: int = MAX_VALUES) -> str | None:
    """Why `value` is not plain JSON-shaped data, or None when it is.

    Plain means None, bool, int (64-bit), finite float, str of at most 10,000 characters,
    and lists and dicts (with str keys) of them, nested at most 20 deep, with at most
    `max_values` values counted after shared parts (YAML aliases) are expanded.

    Examples
    --------
    >>> plain_problem({"a": [1, 2.5, None, True, "x"]}) is None
    True
    >>> print(plain_problem({"a": b"bytes"}))  # doctest: +NORMALIZE_WHITESPACE
    contains a bytes value (b'bytes'); only text, numbers, true/false, null, lists and mappings
    are allowed
    >>> plain_problem([float("nan")])
    'contains nan, which is not a finite number'
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_values:
            return f"holds more than {max_values:,} values (are aliases repeating parts?)"
        if depth > MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} levels deep"
        kind = type(item)
        if item is None or kind is bool:
            continue
        if kind is int:
            if abs(item) > MAX_INT:
                return f"contains the number {short_value(item)}, too large for a parameter"
        elif kind is float:
            if not math.isfinite(item):
                return f"contains {item}, which is not a finite number"
        elif kind is str:
            if len(item) > MAX_TEXT:
                return f"contains a text of {len(item):,} characters (at most {MAX_TEXT:,})"
        elif kind is list:
            stack.extend((element, depth + 1) for element in item)
        elif kind is dict:
            for key, element in item.items():
                if type(key) is not str:
                    return f"has a key {short_value(key)} that is not text; keys must be text"
                stack.append((key, depth + 1))
                stack.append((element, depth + 1))
        else:
            return (
                f"contains a {kind.__name__} value ({short_value(item)}); only text, numbers, "
                "true/false, null, lists and mappings are allowed"
            )
    return None
