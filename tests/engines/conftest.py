"""The same polars test data on every engine: polars, DuckDB, and Spark (marker ``spark``).

Use the ``engine`` fixture and ``as_engine(frame, engine)`` in equality tests: polars and
DuckDB run in every ``make test``; Spark runs in ``make test-engines`` (it needs a Java
runtime and takes 10-30 s to start) and skips with the reason when Java is missing.
"""

from __future__ import annotations

import os
import shutil

import duckdb
import polars as pl
import pytest

ENGINES = ["polars", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session (2 cores, no UI) for the whole run."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark tests need a Java runtime (apt-get install -y default-jre-headless)")
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("mkt-engineering-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


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
