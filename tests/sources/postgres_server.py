"""A real PostgreSQL server for the tests, started in a temporary folder (marker ``postgres``).

The fixture runs ``initdb`` and ``pg_ctl`` from PATH or ``/usr/lib/postgresql/*/bin`` on a
free local port, with its socket in the temporary folder and password authentication (the
password reaches libpq through ``PGPASSWORD`` only, as a user's would). As root the server
runs as the ``postgres`` user, which owns the folder. Without server binaries the tests skip
and say why.

Other folders load it by path under one module name, so one server serves the whole run
(the tests are not a package); see ``tests/sources/conftest.py``.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class PostgresServer:
    """Where the test server listens and how to log in (the password goes in PGPASSWORD)."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def uri(self) -> str:
        """The address without the password, as a user writes it in ``--data``."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    def load(self, table: str, frame) -> None:
        """Create ``table`` from a polars frame (replacing it), through the ADBC driver."""
        import adbc_driver_postgresql.dbapi as driver

        schema, _, name = table.rpartition(".")
        uri = f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.database}"
        with driver.connect(uri) as connection, connection.cursor() as cursor:
            if schema:
                cursor.execute(f'create schema if not exists "{schema}"')
            cursor.adbc_ingest(
                name, frame.to_arrow(), mode="replace", db_schema_name=schema or None
            )
            connection.commit()


def _binaries() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    found = [Path(f) for f in folders if (Path(f) / "initdb").exists()]
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    # initdb refuses to run as root; the postgres user owns the folder instead.
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def binaries_or_skip() -> Path:
    """The folder of initdb and pg_ctl; without them the test skips and says why."""
    binaries = _binaries()
    if binaries is None:
        pytest.skip(
            "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in "
            "/usr/lib/postgresql/*/bin: apt-get install -y postgresql"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
    return binaries


@pytest.fixture(scope="session")
def postgres_server():
    """Start a PostgreSQL server for the session; yield a :class:`PostgresServer`."""
    binaries = binaries_or_skip()
    folder = Path(tempfile.mkdtemp(prefix="mkt-postgres-"))
    server = PostgresServer("127.0.0.1", _free_port(), "mkt", secrets.token_hex(8), "postgres")
    (folder / "password").write_text(server.password)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(folder / "password", "postgres")
    data, log = folder / "data", folder / "server.log"
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "initdb"),
                "-D", str(data), "-U", server.user, "--no-sync",
                "--auth=scram-sha-256", f"--pwfile={folder / 'password'}",
            ]
        ),
        **run,
    )  # fmt: skip
    options = (
        f"-p {server.port} -k {folder} -c listen_addresses={server.host} -c fsync=off "
        "-c full_page_writes=off -c synchronous_commit=off"
    )
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data)]
    subprocess.run(_as_server_user([*pg_ctl, "-o", options, "-l", str(log), "-w", "start"]), **run)
    try:
        yield server
    finally:
        subprocess.run(
            _as_server_user([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True, timeout=60
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_env(postgres_server, monkeypatch):
    """The password in PGPASSWORD (never in the URI), as a user sets it up."""
    monkeypatch.setenv("PGPASSWORD", postgres_server.password)
    return postgres_server
