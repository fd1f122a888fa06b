"""Reading the YAML users write (parameters files, batch files, ``-p`` values), safely.

One restricted loader reads every YAML the kit takes from a user. It builds plain data
only: text, numbers, true/false, null, lists and mappings. It refuses every explicit tag
(``!!binary``, ``!!set``, ``!!timestamp``, ``!!python/...``, ``!foo``), so no bytes, sets,
dates or Python objects can reach a report's parameters cell. An unquoted date such as
``start: 2024-01-01`` stays the text ``"2024-01-01"``: a parameter that wants a date
declares ``str`` and reads the text, which is what a user typing a date expects.

It also bounds what a file can make the kit do: nesting depth, the number of aliases, the
file size, and (through `mkt_engineering.reporting.plain_data.plain_problem`) the length of
each text and the number of values after aliases are expanded ("billion laughs").

Examples
--------
>>> load_plain_yaml("start: 2024-01-01\\nregions: [DE, AT]")
{'start': '2024-01-01', 'regions': ['DE', 'AT']}
>>> load_plain_yaml("key: !!binary aGk=")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
mkt_engineering.reporting.yaml_files.PlainYamlError: line 1: the YAML tag !!binary is not allowed;
write plain text, numbers, true/false, lists or mappings
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from mkt_engineering.reporting.plain_data import plain_problem

MAX_DEPTH = 20
MAX_ALIASES = 100
MAX_FILE_BYTES = 1_000_000
# A whole file may hold more values than one parameter (a batch of many runs).
MAX_FILE_VALUES = 100_000
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PLAIN_TAGS = ("null", "bool", "int", "float", "str", "seq", "map")


class PlainYamlError(ValueError):
    """YAML that holds more than plain data, or is too big or too deep (one line)."""


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


@functools.cache
def _loader_class() -> type:
    """The restricted loader (built on first use: importing yaml costs before a kernel starts)."""
    import yaml
    from yaml.events import AliasEvent

    safe = yaml.SafeLoader

    class PlainLoader(safe):
        """SafeLoader without timestamps, explicit tags, deep nesting or many aliases."""

        yaml_constructors = {
            **{
                f"tag:yaml.org,2002:{name}": safe.yaml_constructors[f"tag:yaml.org,2002:{name}"]
                for name in _PLAIN_TAGS
            },
            None: safe.construct_undefined,
        }
        # Without the timestamp resolver an unquoted date is a plain string.
        yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
            for first, resolvers in safe.yaml_implicit_resolvers.items()
        }

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.depth, self.aliases = 0, 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            line = event.start_mark.line + 1
            if isinstance(event, AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise PlainYamlError(
                        f"line {line}: more than {MAX_ALIASES} aliases (*name); "
                        "write the values out"
                    )
                return super().compose_node(parent, index)
            if event.tag not in (None, "!"):
                raise PlainYamlError(
                    f"line {line}: the YAML tag {_short_tag(event.tag)} is not allowed; "
                    "write plain text, numbers, true/false, lists or mappings"
                )
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise PlainYamlError(
                    f"line {line}: nested more than {MAX_DEPTH} levels deep; flatten the values"
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return PlainLoader


def load_plain_yaml(text: str) -> Any:
    """Parse YAML text into plain data with the restricted loader.

    Parameters
    ----------
    text : str
        The YAML (JSON is YAML too).

    Returns
    -------
    Any
        None, bool, int, float, str, list or dict (string keys are not enforced here;
        `mkt_engineering.reporting.plain_data.plain_problem` checks the result).

    Raises
    ------
    PlainYamlError
        A tag, too deep nesting, too many aliases, or invalid YAML (one line).

    Examples
    --------
    >>> load_plain_yaml("days: 30")
    {'days': 30}
    """
    import yaml

    loader = _loader_class()(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise PlainYamlError(f"not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise PlainYamlError(f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def _read_text(path: Path, what: str, error: type[Exception]) -> str:
    if path.is_dir():
        raise error(f"{what} {path} is a folder; give the YAML file itself")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{what} not found: {path}") from None
    except OSError as exc:
        raise error(f"{what} {path} cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise error(f"{what} {path} is larger than {MAX_FILE_BYTES:,} bytes; is it the right file?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{what} {path} is not UTF-8 text; save it as UTF-8") from None


def read_yaml(path: Path, what: str, error: type[Exception] = ValueError) -> Any:
    """The plain content of a YAML (or JSON) file; anything wrong raises ``error`` (one line).

    ``what`` names the file in the message ("parameters file", "batch file").

    Examples
    --------
    >>> read_yaml(Path("no-such.yaml"), "batch file")
    Traceback (most recent call last):
    ValueError: batch file not found: no-such.yaml
    """
    path = Path(path)
    text = _read_text(path, what, error)
    try:
        loaded = load_plain_yaml(text)
    except PlainYamlError as exc:
        raise error(f"{what} {path}: {exc}") from None
    problem = plain_problem(loaded, max_values=MAX_FILE_VALUES)
    if problem:
        raise error(f"{what} {path}: the content {problem}")
    return loaded
