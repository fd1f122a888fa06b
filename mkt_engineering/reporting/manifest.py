"""What a run records about itself: inputs with SHA-256, package versions, timings, status.

Sources (database tables, queries, folders of files; see :mod:`mkt_engineering.sources`)
are recorded by URI without secrets, table or query, and row counts instead of a hash.

``manifest.json`` lets anyone see exactly what a report was made from, and lets
``mkt batch --resume`` skip a run whose parameters and inputs are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
PACKAGES = (
    "mkt-engineering",
    "polars",
    "numpy",
    "scipy",
    "statsmodels",
    "altair",
    "vl-convert-python",
    "papermill",
    "nbconvert",
    "ipykernel",
)


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, read in chunks so big exports need little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def describe_input(path: Path, parameter: str | None = None) -> dict[str, Any]:
    """Path, size and hash of one input file."""
    path = Path(path).resolve()
    return {
        "parameter": parameter,
        "path": str(path),
        "bytes": path.stat().st_size,
        "sha256": sha256(path),
    }


def describe_source(
    text: str, parameter: str | None, roots: list[Path]
) -> tuple[str, dict[str, Any]]:
    """A source given for an input, checked before any kernel starts: its text and record.

    A table in a database has no file hash: the manifest records the URI without secrets,
    the table or the query, and (after the run) the rows read and loaded, which
    :func:`add_source_rows` takes from the notebook's data-quality summaries.

    Returns
    -------
    tuple
        The source text to hand to the notebook (local paths made absolute) and the
        manifest record.

    Examples
    --------
    >>> text, record = describe_source("postgresql://ana@db/shop::public.orders", "orders_file", [])
    >>> record["source"], record["table"], record["rows"]
    ('postgresql://ana@db/shop::public.orders', 'public.orders', None)
    """
    from mkt_engineering.errors import ParameterError
    from mkt_engineering.sources import resolve_source

    source = resolve_source(text, roots)
    if source.kind == "spark" and not os.environ.get("SPARK_REMOTE"):
        # A report's kernel is a fresh process: no session of the user's is active there.
        raise ParameterError(
            f"{source.label}: a report runs in its own kernel, where no Spark session is "
            "active; set SPARK_REMOTE to a Spark Connect URL (e.g. sc://spark.example:15002), "
            "or call the kit's functions in a notebook that has the session"
        )
    record = {
        "parameter": parameter,
        "source": source.label,
        "uri": source.uri,
        "kind": source.kind,
        "table": source.table,
        "query": source.query,
        "rows_read": None,
        "rows": None,
    }
    return source.label, record


def add_source_rows(inputs: list[dict[str, Any]], quality: list[dict[str, Any]]) -> list:
    """Fill the rows read and loaded of each source input (and whether it stayed in its engine).

    Examples
    --------
    >>> inputs = [{"source": "s", "uri": "duckdb:///a", "table": "t", "query": None}]
    >>> quality = [{"source": "duckdb:///a", "source_table": "t", "query": None, "rows": 9,
    ...             "rows_read": 10}]
    >>> add_source_rows(inputs, quality)[0]["rows"]
    9
    """
    for item in inputs:
        if "source" not in item:
            continue
        key = (item["uri"], item["table"], item["query"])
        for record in quality:
            if (record.get("source"), record.get("source_table"), record.get("query")) == key:
                item["rows_read"], item["rows"] = record.get("rows_read"), record.get("rows")
                # checked and reduced where it lives (True), or its rows came into the kernel
                item["in_engine"] = bool(record.get("in_engine"))
    return inputs


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def parameters_hash(parameters: dict[str, Any]) -> str:
    """Six hex digits of the canonical JSON of the parameters (the run id's suffix).

    Examples
    --------
    >>> parameters_hash({"b": 1, "a": [1, 2]}) == parameters_hash({"a": [1, 2], "b": 1})
    True
    >>> len(parameters_hash({}))
    6
    """
    text = json.dumps(parameters, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    path = folder / MANIFEST
    path.write_text(
        json.dumps(manifest, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def all_manifests(out_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every finished run under `out_dir` (``<analysis>/<run-id>/manifest.json``), newest first."""
    found = []
    for path in Path(out_dir).glob(f"*/*/{MANIFEST}"):
        if path.parent.name.startswith("."):
            continue  # a run still being written (or one that crashed)
        manifest = read_manifest(path.parent)
        if manifest is not None:
            found.append((path.parent, manifest))
    return sorted(found, key=lambda item: str(item[1].get("started", "")), reverse=True)


def inputs_unchanged(manifest: dict[str, Any]) -> bool:
    """Whether every input the manifest lists still has the recorded size and hash.

    A source (a database table, a query) has no hash and can change at any time: a run
    that read one never counts as unchanged.
    """
    for item in manifest.get("inputs", []):
        if "source" in item:
            return False
        path = Path(item["path"])
        if (
            not path.exists()
            or path.stat().st_size != item.get("bytes")
            or sha256(path) != item.get("sha256")
        ):
            return False
    return True


def find_previous_ok(
    out_dir: Path, analysis: str, parameters: dict[str, Any], inputs: list[dict[str, Any]]
) -> Path | None:
    """A finished OK run of `analysis` with the same parameters and unchanged inputs, if any.

    `inputs` are the files the new run declares; each must appear in the old manifest with
    the same hash, and every other input the old run read must be unchanged too.
    """
    if any("source" in item for item in inputs):
        return None  # a database table may have changed since; it has no hash to compare
    wanted = json.dumps(parameters, sort_keys=True, default=str)
    for folder, manifest in all_manifests(Path(out_dir)):
        if manifest.get("analysis") != analysis or manifest.get("status") != "ok":
            continue
        if json.dumps(manifest.get("parameters", {}), sort_keys=True, default=str) != wanted:
            continue
        recorded = {item.get("path"): item.get("sha256") for item in manifest.get("inputs", [])}
        if any(recorded.get(item["path"]) != item["sha256"] for item in inputs):
            continue
        if inputs_unchanged(manifest) and (folder / "report.html").exists():
            return folder
    return None
