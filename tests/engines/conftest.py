"""The same polars test data on every engine: polars, DuckDB, and Spark (marker ``spark``).

Use the ``engine`` fixture and ``as_engine(frame, engine)`` in equality tests: polars and
DuckDB run in every ``make test``; Spark runs in ``make test-engines`` (it needs a Java
runtime and takes 10-30 s to start) and skips with the reason when Java is missing.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

ENGINES = ["polars", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="session")
def duckdb_connection():
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    yield connection
    connection.close()


@pytest.fixture(params=ENGINES)
def engine(request):
    """The name of the engine a test runs on."""
    return request.param


@pytest.fixture
def as_engine(request, engine):
    """``as_engine(polars_frame)`` -> the same rows as a native frame of the test's engine."""

    def convert(frame: pl.DataFrame):
        if engine == "polars":
            return frame.lazy()
        if engine == "duckdb":
            connection = request.getfixturevalue("duckdb_connection")
            return connection.from_arrow(frame.to_arrow())
        spark = request.getfixturevalue("spark_session")
        # From Arrow, not pandas: pandas turns integers with gaps into floats and NaN into null.
        return spark.createDataFrame(frame.to_arrow())

    return convert
