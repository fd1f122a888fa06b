"""Spark tables and queries: the active session, or Spark Connect via ``SPARK_REMOTE``.

Nothing is collected: the Spark DataFrame goes to the loader and the reductions, and only
their aggregates leave the cluster.
"""

from __future__ import annotations

import os
from typing import Any

from mkt_engineering.formats import validation_error
from mkt_engineering.sources.common import Source, short_message


def open_spark(source: Source) -> Any:
    """The table or query of the active Spark session, or of Spark Connect (SPARK_REMOTE)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise validation_error(
            f"{source.label}: Spark sources need pyspark. Install the kit's spark extra "
            "(pip install 'mkt-engineering[spark]').",
            source=source.label,
            fix="pip install 'mkt-engineering[spark]' (or uv sync --extra spark), then run again.",
        ) from error
    session = SparkSession.getActiveSession()
    if session is None and os.environ.get("SPARK_REMOTE"):
        session = SparkSession.builder.remote(os.environ["SPARK_REMOTE"]).getOrCreate()
    if session is None:
        raise validation_error(
            f"{source.label}: there is no active Spark session. Start one in the notebook "
            "(SparkSession.builder.getOrCreate()) or set SPARK_REMOTE to a Spark Connect URL "
            "(sc://host:15002).",
            source=source.label,
            fix="Start a Spark session or set SPARK_REMOTE.",
        )
    try:
        return session.sql(source.query) if source.query else session.table(source.table)
    except Exception as error:  # noqa: BLE001 - Spark raises many kinds; the message is what helps
        raise validation_error(
            f"{source.label}: Spark refused it: {short_message(error)}",
            source=source.label,
            fix="Check the table name or the query in Spark SQL against the same session "
            "(spark.sql(...)); the message above is Spark's own.",
        ) from error
