"""Tables where they live: DuckDB files, Postgres, Spark, and folders of Parquet or CSV files.

A source is named by one line of text, the same in ``--data``, batch files, ``mkt validate``,
``mkt inspect`` and the Python API:

==============================================  ==============================================
``duckdb:///data/shop.duckdb::orders``          a table in a DuckDB file (opened read-only)
``duckdb://shop.duckdb::select * from orders``  a query on it (a relative path after ``//``)
``postgresql://me@db.example:5432/shop::public.orders``  a Postgres table (``postgres://`` too)
``postgresql://me@db/shop::select ...``         a Postgres query
``spark://sales.orders``                        a table of the active Spark session
``spark://select * from sales.orders``          a Spark SQL query
``data/orders/*.parquet``, ``data/orders/``     Parquet or CSV files by glob, or a folder
                                                (``year=2024/...`` folders become columns)
==============================================  ==============================================

The text after ``::`` (after ``spark://``) is a query when it starts with ``select``, ``with``,
``from`` or ``(``, otherwise a table name (``schema.table``). Passwords never go into the text:
it lands in the parameters, the manifest and the report. Postgres reads them from the
environment (``PGPASSWORD``, ``~/.pgpass``, ``PGSERVICE``), as every libpq program does.

Postgres is read through Apache Arrow's ADBC driver (libpq inside the wheel, no run-time
download) and streamed, batch by batch, into a table of a temporary DuckDB database, which
spills to disk under :func:`memory_limit`. Nothing else is collected: :func:`open_source`
returns a DuckDB relation or a Spark DataFrame.

Examples
--------
>>> parse_source("duckdb:///data/shop.duckdb::orders")
Source(kind='duckdb', uri='duckdb:///data/shop.duckdb', table='orders', query=None)
>>> parse_source("postgresql://me@localhost/shop::select id from orders").query
'select id from orders'
>>> is_source_uri("orders.csv"), is_source_uri("data/orders/*.parquet")
(False, True)
"""

from __future__ import annotations

import glob as globbing
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mkt_engineering.errors import ParameterError
from mkt_engineering.sources.common import (
    MEMORY_ENV,
    Source,
    check_memory,
    memory_limit,
    remove_stale_scratch,
    scratch_dir,
)

__all__ = [
    "MEMORY_ENV",
    "Source",
    "check_memory",
    "display_name",
    "is_source_uri",
    "memory_limit",
    "open_source",
    "parse_source",
    "remove_stale_scratch",
    "resolve_source",
    "scratch_dir",
]

_SCHEMES = {"duckdb": "duckdb", "postgresql": "postgresql", "postgres": "postgresql"}
_SCHEMES_TEXT = "duckdb://, postgresql://, spark://, or a Parquet/CSV glob or folder"
_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_QUERY_START = re.compile(r"^\s*((select|with|from|values)\b|\()", re.IGNORECASE)
_FILE_SUFFIXES = (".parquet", ".pq", ".csv", ".tsv", ".txt", ".csv.gz")
_PASSWORD_FIX = (
    "Remove it from the text and put it in PGPASSWORD or ~/.pgpass (or a PGSERVICE entry): "
    "the source text is written to the parameters, the manifest and the report."
)


def is_source_uri(text: Any) -> bool:
    """True when ``text`` names a source this module opens (not a single file).

    URIs with any ``scheme://`` count, and so do globs and folders (an unknown scheme or a
    glob of other files then gets a clear error from :func:`parse_source` instead of "file
    not found"). A single existing file stays with the kit's file reader.

    Parameters
    ----------
    text : object
        A parameter value (only text and paths can name a source).

    Returns
    -------
    bool
        Whether it names a source rather than a single file.

    Examples
    --------
    >>> [is_source_uri(t) for t in ["spark://db.orders", "mysql://x/y", "a.csv", "a/*.csv"]]
    [True, True, False, True]
    """
    if not isinstance(text, str | os.PathLike):
        return False
    text = os.fspath(text)
    if _URI.match(text):
        return True
    if Path(text).is_file():  # even one named like a glob: orders[2024].csv
        return False
    return globbing.has_magic(text) or text.endswith(("/", os.sep)) or Path(text).is_dir()


def parse_source(text: str) -> Source:
    """Read a source text into a :class:`Source`, refusing passwords and unknown schemes.

    Parameters
    ----------
    text : str
        A source URI, glob or folder (see the module docstring for the forms).

    Returns
    -------
    Source
        Kind, secret-free URI, and table or query.

    Raises
    ------
    ParameterError
        For a password in the text, an unknown scheme, or a URI without a table or query.

    Examples
    --------
    >>> parse_source("spark://select 1 as x")
    Source(kind='spark', uri='spark://', table=None, query='select 1 as x')
    >>> try:
    ...     parse_source("postgresql://me:secret@db/shop::orders")
    ... except ParameterError as error:
    ...     print(str(error)[:69])
    postgresql://me@db/shop::orders: the source text contains a password.
    """
    text = os.fspath(text).strip()
    match = _URI.match(text)
    if match is None:
        return _parse_files(text)
    scheme = match.group(1).lower()
    rest = text[match.end() :]
    if scheme == "spark":
        table, query = _table_or_query(rest, text)
        return Source("spark", "spark://", table, query)
    if scheme not in _SCHEMES:
        raise ParameterError(f"{scheme}://...: unknown kind of source. Use {_SCHEMES_TEXT}.")
    location, _, what = rest.partition("::")
    if scheme == "duckdb":
        table, query = _table_or_query(what, f"duckdb://{location}")
        return Source("duckdb", f"duckdb://{location}", table, query)
    uri = _postgres_uri(f"postgresql://{location}", what)
    table, query = _table_or_query(what, uri)
    return Source("postgresql", uri, table, query)


def _table_or_query(what: str, where: str) -> tuple[str | None, str | None]:
    what = what.strip()
    if not what:
        raise ParameterError(
            f"{where}: no table or query. Add '::table' or '::select ...' after the address "
            "(for Spark: spark://db.table or spark://select ...)."
        )
    if _QUERY_START.match(what):
        return None, what
    return what, None


def _postgres_uri(uri: str, what: str) -> str:
    """The Postgres address without secrets; refuses a password in it."""
    parts = urlsplit(uri)
    options = parse_qsl(parts.query, keep_blank_values=True)
    if parts.password is not None or any(k.lower() == "password" for k, _ in options):
        netloc = parts.netloc.rpartition("@")[2]
        user = f"{parts.username}@" if parts.username else ""
        kept = "&".join(f"{k}={v}" for k, v in options if k.lower() != "password")
        shown = f"postgresql://{user}{netloc}{parts.path}{'?' + kept if kept else ''}"
        raise ParameterError(
            f"{shown}{'::' + what if what else ''}: the source text contains a password. "
            + _PASSWORD_FIX
        )
    return uri


def _parse_files(text: str) -> Source:
    if globbing.has_magic(text):
        if not text.lower().endswith(_FILE_SUFFIXES):
            raise ParameterError(
                f"{text}: a glob must end in .parquet or .csv (e.g. data/orders/*.parquet)."
            )
        return Source("files", text)
    if text.endswith(("/", os.sep)) or Path(text).is_dir():
        return Source("files", text)
    raise ParameterError(
        f"{text}: not a source address. Use {_SCHEMES_TEXT}; a single file is read as a file."
    )


def resolve_source(text: str, roots: list[Path]) -> Source:
    """Parse ``text`` and make a local path in it absolute (the kernel runs elsewhere).

    A relative DuckDB file, glob or folder is looked up in each of ``roots`` in turn (the
    current folder, then the project), like a relative input file.

    Parameters
    ----------
    text : str
        The source text.
    roots : list of Path
        Folders to look up relative paths in, in order.

    Returns
    -------
    Source
        The parsed source with absolute local paths.

    Raises
    ------
    ParameterError
        The text is refused (see :func:`parse_source`), or the DuckDB file, the files of a
        glob or the folder are not there.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "shop.duckdb").write_bytes(b"")
    >>> resolve_source("duckdb://shop.duckdb::orders", [root]).uri == f"duckdb://{root}/shop.duckdb"
    True
    """
    source = parse_source(text)
    if source.kind not in ("duckdb", "files"):
        return source
    where = source.uri.removeprefix("duckdb://") if source.kind == "duckdb" else source.uri
    path = Path(where).expanduser()
    candidates = [path] if path.is_absolute() else [Path(root) / path for root in roots]
    if source.kind == "duckdb":
        found = next((c for c in candidates if c.is_file()), None)
    elif globbing.has_magic(where):
        found = next((c for c in candidates if globbing.glob(str(c), recursive=True)), None)
    else:
        found = next((c for c in candidates if c.is_dir()), None)
    if found is None:
        looked = ", ".join(str(root) for root in roots) if not path.is_absolute() else "-"
        what = "DuckDB file" if source.kind == "duckdb" else "files or folder"
        raise ParameterError(
            f"{source.label}: the {what} {where} cannot be found (looked in {looked}); "
            "check the path"
        )
    if source.kind == "files" and not _has_data_files(found):
        raise ParameterError(
            f"{text}: is a folder or glob with no Parquet or CSV files in it; give one file, "
            "or a folder or glob of .parquet or .csv files"
        )
    resolved = str(found.resolve()) if not globbing.has_magic(where) else str(found)
    if source.kind == "files" and where.endswith(("/", os.sep)):
        resolved += os.sep
    uri = f"duckdb://{resolved}" if source.kind == "duckdb" else resolved
    return Source(source.kind, uri, source.table, source.query)


def _has_data_files(found: Path) -> bool:
    """Whether a folder or glob holds a Parquet or CSV file (hidden and _SUCCESS ones aside)."""
    names = (
        found.rglob("*") if found.is_dir() else map(Path, globbing.glob(str(found), recursive=True))
    )
    return any(
        name.name.lower().endswith(_FILE_SUFFIXES) and not name.name.startswith((".", "_"))
        for name in names
    )


def display_name(text: str) -> str:
    """A short secret-free name for a report page: a DuckDB or files source without folders.

    Parameters
    ----------
    text : str
        A source text (URI, glob or folder).

    Returns
    -------
    str
        The short name.

    Examples
    --------
    >>> display_name("duckdb:///home/ana/shop.duckdb::orders")
    'shop.duckdb::orders'
    >>> display_name("/data/lake/orders/*.parquet")
    'orders/*.parquet'
    >>> display_name("postgresql://ana@db/shop::public.orders")
    'postgresql://ana@db/shop::public.orders'
    """
    source = parse_source(text)
    if source.kind == "duckdb":
        name = Path(source.uri.removeprefix("duckdb://")).name
        return f"{name}::{source.table or source.query}"
    if source.kind == "files":
        path = Path(source.uri)
        return f"{path.parent.name}/{path.name}" if globbing.has_magic(source.uri) else path.name
    return source.label


def open_source(
    source: str | Source, *, columns: list[str] | None = None, limit: int | None = None
) -> tuple[Any, Source]:
    """Open a source lazily: a DuckDB relation or a Spark DataFrame, nothing collected.

    Parameters
    ----------
    source : str or Source
        A source text (see the module docstring) or a parsed :class:`Source`.
    columns : list of str, optional
        Only these columns of a named table are needed (Postgres then transfers only them).
    limit : int, optional
        Only the first rows (``mkt inspect``): Postgres then transfers only these rows.

    Returns
    -------
    tuple
        The native lazy frame and the :class:`Source`.

    Raises
    ------
    DataValidationError
        Missing DuckDB file, missing table (with the tables there and the closest match), a
        query the engine refuses, Postgres unreachable, no active Spark session.

    Examples
    --------
    >>> import duckdb, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.duckdb")
    >>> with duckdb.connect(path) as con:
    ...     _ = con.execute("create table orders as select 1 as id, 9.5 as revenue")
    >>> relation, parsed = open_source(f"duckdb://{path}::orders")
    >>> relation.fetchall(), parsed.table
    ([(1, Decimal('9.5'))], 'orders')
    """
    parsed = source if isinstance(source, Source) else parse_source(source)
    if parsed.kind == "postgresql":
        from mkt_engineering.sources import postgres

        return postgres.open_postgres(parsed, columns, limit), parsed
    if parsed.kind == "spark":
        from mkt_engineering.sources.spark import open_spark

        native = open_spark(parsed)
    else:
        from mkt_engineering.sources import duckdb

        opener = duckdb.open_duckdb if parsed.kind == "duckdb" else duckdb.open_files
        native = opener(parsed)
    if columns:
        native = native.select(*columns)
    return (native if limit is None else native.limit(limit)), parsed
