"""Reading the YAML files users write (parameters files, batch files) with one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def read_yaml(path: Path, what: str, error: type[Exception] = ValueError) -> Any:
    """The content of a YAML (or JSON) file; a missing or invalid file raises ``error``.

    ``what`` names the file in the message ("parameters file", "batch file").

    Examples
    --------
    >>> read_yaml(Path("no-such.yaml"), "batch file")
    Traceback (most recent call last):
    ValueError: batch file not found: no-such.yaml
    """
    import yaml  # here: `mkt run` waits for every import made before its kernel starts

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise error(f"{what} not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise error(f"{what} {path} is not valid YAML: {' '.join(str(exc).split())}") from exc
