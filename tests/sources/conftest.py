"""Fixtures for the source tests: the real PostgreSQL server (see ``postgres_server.py``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _postgres_plugin():
    # One module object per run, whichever test folder loads it first: one server per session.
    name = "mkt_tests_postgres_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("postgres_server.py")
        )
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


postgres_server = _postgres_plugin().postgres_server
postgres_env = _postgres_plugin().postgres_env
