"""DuckDB files and Parquet/CSV folders as lazy DuckDB relations (used by ``sources``)."""

from __future__ import annotations

import glob as globbing
import os
from pathlib import Path
from typing import Any

import duckdb

from mkt_engineering.formats import validation_error
from mkt_engineering.sources.common import Source, closest_table, duckdb_config, short_message

_PARQUET = (".parquet", ".pq")


def connect(path: str = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection under the kit's memory cap, spilling to a temporary folder."""
    config = duckdb_config()
    Path(config["temp_directory"]).mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(path, read_only=read_only, config=config)
    # Timestamps without a zone stay as written; ones with a zone read in UTC, like polars.
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def quote_name(name: str) -> str:
    """``schema.table`` quoted part by part, so any name is an identifier, never SQL."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def open_duckdb(source: Source) -> Any:
    """The table or query of a DuckDB file, opened read-only."""
    path = source.uri.removeprefix("duckdb://")
    if not Path(path).is_file():
        raise validation_error(
            f"{source.label}: the DuckDB file {path} does not exist. Check the path after "
            "duckdb:// (duckdb:///absolute/path.duckdb or duckdb://relative/path.duckdb).",
            source=source.label,
            fix="Check the path of the DuckDB file.",
        )
    try:
        connection = connect(path, read_only=True)
    except duckdb.Error as error:
        raise validation_error(
            f"{source.label}: DuckDB cannot open {path}: {short_message(error)}",
            source=source.label,
            fix="Check that the file is a DuckDB database written by DuckDB 1.x or newer, that "
            "no other program holds it open for writing, and that you may read it.",
        ) from error
    return relation(connection, source)


def relation(connection: duckdb.DuckDBPyConnection, source: Source) -> Any:
    """The source's table or query on ``connection``, with clear errors for both."""
    if source.table is not None:
        tables = table_names(connection)
        wanted = source.table.lower()
        if wanted not in {t.lower() for t in tables} and not _exists(connection, source.table):
            raise validation_error(
                f"{source.label}: there is no table {source.table}. "
                + closest_table(source.table, tables),
                source=source.label,
                fix="Name one of the tables there after '::'.",
            )
        # Quoted part by part: a name with spaces or capitals is a name, never SQL.
        return _sql(connection, f"select * from {quote_name(source.table)}", source)
    return _sql(connection, source.query, source)


def _exists(connection: duckdb.DuckDBPyConnection, table: str) -> bool:
    try:
        connection.execute(f"select * from {quote_name(table)} limit 0")
    except duckdb.Error:
        return False
    return True


def _sql(connection: duckdb.DuckDBPyConnection, query: str, source: Source) -> Any:
    try:
        return connection.sql(query)
    except duckdb.Error as error:
        raise validation_error(
            f"{source.label}: DuckDB refused the query: {short_message(error)}",
            source=source.label,
            fix="Correct the query after '::'.",
        ) from error


def table_names(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and views there, as ``table`` in the main schema and ``schema.table`` elsewhere."""
    rows = connection.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema not in ('information_schema', 'pg_catalog')"
    ).fetchall()
    return [name if schema == "main" else f"{schema}.{name}" for schema, name in rows]


def open_files(source: Source) -> Any:
    """A Parquet/CSV glob or folder (hive partitions ``key=value/`` become columns)."""
    pattern, kind, _ = _file_pattern(source)
    reader = "read_parquet" if kind == "parquet" else "read_csv"
    literal = "'" + pattern.replace("'", "''") + "'"
    connection = connect()
    query = f"select * from {reader}({literal}, hive_partitioning = true, union_by_name = true)"
    try:
        return connection.sql(query)
    except duckdb.Error as error:
        # DuckDB reads a folder of CSV files as UTF-8 with the header on the first line; the
        # kit's file reader (one file) also handles cp1252, title lines and other layouts.
        fix = (
            "A folder or glob of CSV files is read by DuckDB: UTF-8, the header on the first "
            "line. Give such an export one file at a time (the kit's reader handles encodings "
            "and title lines), or convert the files to Parquet."
            if kind == "csv"
            else "Check that every file is a complete Parquet file."
        )
        raise validation_error(
            f"{source.label}: DuckDB cannot read the files: {short_message(error)} {fix}",
            source=source.label,
            fix=fix,
        ) from error


#: Up to this many files, a folder of Parquet files of one schema is read by polars itself.
POLARS_READ_FILES = 1_000


def plain_parquet_files(source: Source) -> list[str] | None:
    """The files of a Parquet folder or glob that polars can read as they are, else None.

    DuckDB reads any folder (hive partitions ``key=value/`` as columns, files of different
    columns united by name) and hands the rows to polars through Arrow, which took twice as
    long as polars reading the files itself (1.1 s against 0.5 s for 10 million orders).
    Files without partition folders and with one schema need none of DuckDB's work, so
    they are read by polars; every other folder goes through DuckDB as before.

    Examples
    --------
    >>> import polars as pl, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> for part in (0, 1):
    ...     pl.DataFrame({"id": [part]}).write_parquet(os.path.join(folder, f"p{part}.parquet"))
    >>> [os.path.basename(f) for f in plain_parquet_files(Source("files", folder))]
    ['p0.parquet', 'p1.parquet']
    """
    _, kind, files = _file_pattern(source)
    if kind != "parquet":
        return None
    if not files or len(files) > POLARS_READ_FILES or any("=" in f for f in files):
        return None
    import polars as pl

    try:
        first = pl.read_parquet_schema(files[0])
        if any(pl.read_parquet_schema(f) != first for f in files[1:]):
            return None
    except Exception:  # noqa: BLE001 - a file polars cannot read: DuckDB says why
        return None
    return files


def _file_pattern(source: Source) -> tuple[str, str, list[str]]:
    """The glob to read, whether it is Parquet or CSV, and the files of that kind it finds
    (sorted); refuses an empty or mixed folder."""
    text = source.uri
    if globbing.has_magic(text):
        files = globbing.glob(text, recursive=True)
        pattern = text
    else:
        if not Path(text).is_dir():
            raise validation_error(
                f"{text}: the folder does not exist.", source=text, fix="Check the path."
            )
        files = [str(p) for p in Path(text).rglob("*") if p.is_file()]
        pattern = None
    data = [f for f in files if not Path(f).name.startswith((".", "_"))]
    parquet = [f for f in data if f.lower().endswith(_PARQUET)]
    csv = [f for f in data if f.lower().endswith((".csv", ".tsv", ".txt", ".csv.gz"))]
    if not parquet and not csv:
        raise validation_error(
            f"{text} is a folder, not a file, and holds no Parquet or CSV files."
            if pattern is None
            else f"{text}: no Parquet or CSV files match.",
            source=text,
            fix="Point to a folder or glob with .parquet or .csv files.",
        )
    kind = "parquet" if parquet else "csv"
    found = parquet if parquet else csv
    if pattern is None:
        if parquet and csv:
            raise validation_error(
                f"{text}: the folder holds both Parquet and CSV files; give a glob for one "
                f"kind (e.g. {os.path.join(text, '**', '*.parquet')}).",
                source=text,
                fix="Give a glob that matches one kind of file, e.g. folder/**/*.parquet.",
            )
        suffix = "*.parquet" if parquet else "*.csv"
        pattern = os.path.join(text, "**", suffix)
        # the files the pattern reads (a ".pq" or ".tsv" file is listed above, not read)
        found = [f for f in found if f.endswith(suffix[1:])]
    return pattern, kind, sorted(found)
