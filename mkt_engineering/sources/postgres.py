"""Postgres tables and queries, streamed through ADBC into a temporary DuckDB database.

Why ADBC: Apache Arrow's driver ships libpq inside its wheel and hands Arrow record batches
over directly, so it works offline, needs no system library and no run-time download
(DuckDB's postgres extension downloads itself when first used). The batches go into a table
of a DuckDB file in a temporary folder: DuckDB spills it to disk under the memory cap, so a
table larger than memory is copied without holding it in Python.
"""

from __future__ import annotations

import itertools
import re
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkt_engineering.errors import DataValidationError
from mkt_engineering.formats import validation_error
from mkt_engineering.sources.common import Source, closest_table, scratch_dir, short_message
from mkt_engineering.sources.duckdb import connect, quote_name

_COPIES = itertools.count(1)
_UNDEFINED_TABLE = "42P01"


def open_postgres(
    source: Source, columns: list[str] | None = None, limit: int | None = None
) -> Any:
    """Copy the table or the query's rows into DuckDB: only ``columns`` and ``limit`` rows."""
    driver = _driver(source)
    try:
        connection = driver.connect(source.uri)
    except driver.Error as error:
        fix = (
            "Check host, port, user and database; the password comes from PGPASSWORD or ~/.pgpass."
        )
        raise validation_error(
            f"{source.label}: cannot connect to Postgres at {_where(source.uri)}: "
            f"{short_message(error)}. {fix}",
            source=source.label,
            fix=fix,
        ) from error
    try:
        return _copy(connection, driver, source, columns, limit)
    finally:
        connection.close()


def _driver(source: Source) -> Any:
    try:
        import adbc_driver_postgresql.dbapi as driver
    except ImportError as error:
        raise validation_error(
            f"{source.label}: Postgres sources need the ADBC driver. Install the kit's postgres "
            "extra (pip install 'mkt-engineering[postgres]').",
            source=source.label,
            fix="pip install 'mkt-engineering[postgres]' (or uv sync --extra postgres), then run "
            "again.",
        ) from error
    return driver


def _where(uri: str) -> str:
    """Host and port (or the socket folder) of a Postgres URI, for messages: no secrets.

    Examples
    --------
    >>> _where("postgresql://me@db.example:5433/shop"), _where("postgresql:///shop?host=/run/pg")
    ('db.example:5433', '/run/pg:5432')
    >>> _where("postgresql://me@h1:5432,h2:5433/shop")  # several hosts: as written
    'h1:5432,h2:5433'
    """
    parts = urlsplit(uri)
    hosts = parts.netloc.rpartition("@")[2]
    try:
        port = parts.port
    except ValueError:  # several hosts, or a port libpq will name the problem of
        return hosts
    host = parts.hostname or dict(
        pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair
    ).get("host", "localhost (default socket)")
    return f"{host}:{port or 5432}"


def _select(source: Source, columns: list[str] | None, limit: int | None) -> str:
    wanted = ", ".join(quote_name(c) for c in columns) if columns else "*"
    rows = "" if limit is None else f" limit {int(limit)}"
    if source.query is not None:
        if not columns and limit is None:
            return source.query
        return f"select {wanted} from ({source.query}) as source_query{rows}"
    return f"select {wanted} from {quote_name(source.table)}{rows}"


def _copy(
    connection: Any, driver: Any, source: Source, columns: list[str] | None, limit: int | None
) -> Any:
    cursor = connection.cursor()
    try:
        cursor.execute(_select(source, columns, limit))
        batches = cursor.fetch_record_batch()
    except driver.Error as error:
        raise _refused(connection, source, error) from error
    path = scratch_dir() / f"postgres-{next(_COPIES)}.duckdb"
    target = connect(str(path))
    # The copy can be as large as the table: gone with the last relation that reads it, not
    # only when the process ends (a notebook may load a table many times).
    weakref.finalize(target, _remove_copy, path)
    try:
        # DuckDB reads the Arrow stream batch by batch; Python never holds the whole table.
        target.register("postgres_rows", batches)
        target.execute("create table source_rows as select * from postgres_rows")
        target.unregister("postgres_rows")
    except Exception as error:  # noqa: BLE001 - Postgres fails mid-stream, or a type DuckDB lacks
        raise validation_error(
            f"{source.label}: the rows could not be copied from Postgres: {short_message(error)}",
            source=source.label,
            fix="Select the columns you need, cast unusual types (e.g. ::text) in a query.",
        ) from error
    finally:
        cursor.close()
    return target.table("source_rows")


def _remove_copy(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _refused(connection: Any, source: Source, error: Exception) -> DataValidationError:
    """The error for a missing table (with the tables there) or a query Postgres refused."""
    state = getattr(error, "sqlstate", None) or ""
    if source.table is not None and (
        state == _UNDEFINED_TABLE or re.search(r"relation .* does not exist", str(error))
    ):
        tables = _tables(connection)
        return validation_error(
            f"{source.label}: there is no table {source.table}. "
            + closest_table(source.table, tables),
            source=source.label,
            fix="Name one of the tables there after '::' (schema.table).",
        )
    return validation_error(
        f"{source.label}: Postgres refused the query: {short_message(error)}",
        source=source.label,
        fix="Correct the table or query after '::'.",
    )


def _tables(connection: Any) -> list[str]:
    connection.rollback()
    cursor = connection.cursor()
    cursor.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema not in ('information_schema', 'pg_catalog')"
    )
    rows = cursor.fetchall()
    cursor.close()
    return [name if schema == "public" else f"{schema}.{name}" for schema, name in rows]
