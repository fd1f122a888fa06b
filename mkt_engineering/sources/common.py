"""What every source engine shares: the parsed source, the memory cap, the scratch folder,
and the wording of engine errors.

The engine modules (:mod:`~mkt_engineering.sources.duckdb`,
:mod:`~mkt_engineering.sources.postgres`, :mod:`~mkt_engineering.sources.spark`) build on
this module and :mod:`mkt_engineering.sources` dispatches to them, so the imports run one
way: ``sources`` -> engine module -> ``sources.common``.
"""

from __future__ import annotations

import atexit
import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkt_engineering.errors import ParameterError

#: Environment variable through which ``mkt run --memory`` hands the cap to the kernel.
MEMORY_ENV = "MKT_ENGINE_MEMORY"
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(MB|GB|TB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_UNIT_BYTES = {"mb": 10**6, "gb": 10**9, "tb": 10**12, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_MEMORY_RANGE = (512 * 10**6, 10**12)


@dataclass(frozen=True)
class Source:
    """One table or query where it lives.

    Attributes
    ----------
    kind : str
        ``duckdb``, ``postgresql``, ``spark`` or ``files`` (a Parquet/CSV glob or folder).
    uri : str
        The display form, without secrets and without the table or query: it goes to the
        manifest and the report.
    table : str or None
        The table (``schema.table``), when one was named.
    query : str or None
        The SQL query, when one was given.
    """

    kind: str
    uri: str
    table: str | None = None
    query: str | None = None

    @property
    def label(self) -> str:
        """The whole source as one secret-free line (URI, then table or query)."""
        what = self.table or self.query
        if self.kind in ("files",) or what is None:
            return self.uri
        if self.kind == "spark":
            return f"spark://{what}"
        return f"{self.uri}::{what}"


def memory_limit() -> str | None:
    """The DuckDB memory cap in force (``mkt run --memory 4GB``), or None for DuckDB's default.

    Returns
    -------
    str or None
        The normalised cap from ``MKT_ENGINE_MEMORY``, or None when it is not set.

    Examples
    --------
    >>> os.environ[MEMORY_ENV] = "4gb"
    >>> memory_limit()
    '4GB'
    >>> del os.environ[MEMORY_ENV]
    >>> memory_limit() is None
    True
    """
    value = os.environ.get(MEMORY_ENV, "").strip()
    return check_memory(value) if value else None


def check_memory(value: str) -> str:
    """Check a memory cap like ``4GB`` or ``512MB`` (512 MB to 1 TB); return it normalised.

    Parameters
    ----------
    value : str
        The cap as given, e.g. ``" 1.5 gb "``.

    Returns
    -------
    str
        The cap normalised (``1.5GB``, ``512MiB``).

    Raises
    ------
    ParameterError
        For another form or a value outside the range.

    Examples
    --------
    >>> check_memory(" 1.5 gb ")
    '1.5GB'
    >>> try:
    ...     check_memory("4")
    ... except ParameterError as error:
    ...     print(error)
    --memory 4: give a size with a unit between 512MB and 1TB, e.g. --memory 4GB.
    """
    match = _MEMORY.match(str(value))
    fix = "give a size with a unit between 512MB and 1TB, e.g. --memory 4GB."
    if match is None:
        raise ParameterError(f"--memory {value}: {fix}")
    number, unit = match.group(1), match.group(2)
    size = float(number) * _UNIT_BYTES[unit.lower()]
    if not _MEMORY_RANGE[0] <= size <= _MEMORY_RANGE[1]:
        raise ParameterError(f"--memory {value.strip()}: {fix}")
    unit = unit.upper() if len(unit) == 2 else unit[0].upper() + "iB"
    return f"{number}{unit}"


def duckdb_config() -> dict[str, str]:
    """Settings for every DuckDB connection a source opens: memory cap and a spill folder."""
    # Row order is never read from an engine (results are sorted in polars), and without
    # keeping it DuckDB streams and spills more of a query under a memory cap.
    config = {"temp_directory": str(scratch_dir() / "spill"), "preserve_insertion_order": "false"}
    limit = memory_limit()
    if limit is not None:
        config["memory_limit"] = limit
    return config


_SCRATCH: list[Path] = []


def scratch_dir() -> Path:
    """One temporary folder per process for spilled data and copied Postgres tables.

    The folders live in one parent per user, named by process id: a report's kernel is
    ended without running exit handlers, so each new folder first removes those of
    processes that are gone.

    Returns
    -------
    Path
        This process's scratch folder (created on first use, removed at exit).
    """
    if not _SCRATCH:
        parent = Path(tempfile.gettempdir()) / f"mkt-sources-{os.getuid()}"
        parent.mkdir(mode=0o700, exist_ok=True)
        remove_stale_scratch(parent)
        path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=parent))
        atexit.register(shutil.rmtree, path, True)
        _SCRATCH.append(path)
    return _SCRATCH[0]


def remove_stale_scratch(parent: Path) -> list[Path]:
    """Remove the scratch folders (``PID-...``) of processes that no longer run.

    Parameters
    ----------
    parent : Path
        The per-user parent of the scratch folders.

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    for folder in parent.glob("*-*"):
        pid = folder.name.partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    return True


def closest_table(name: str, tables: list[str]) -> str:
    """The sentence that lists the tables there and the closest match to ``name``."""
    close = difflib.get_close_matches(name.lower(), [t.lower() for t in tables], n=1)
    found = next((t for t in tables if close and t.lower() == close[0]), None)
    listed = ", ".join(sorted(tables)[:20]) or "none"
    hint = f" Did you mean {found}?" if found else ""
    return f"Tables there: {listed}.{hint}"


def short_message(error: BaseException, limit: int = 300) -> str:
    """The engine's own message, first lines only, for an error the user can act on."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    text = " ".join(lines[:3])
    return text if len(text) <= limit else text[: limit - 1] + "…"
