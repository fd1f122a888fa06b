"""Reductions that run where the data live: polars, DuckDB or Spark (see ``frames``)."""
