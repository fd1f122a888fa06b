"""The shared shape of all generators and the writer that turns them into files."""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl


@dataclass
class SyntheticData:
    """What a generator returns.

    Attributes
    ----------
    family : str
        Folder name under ``datasets/`` (e.g. ``journeys``).
    tables : dict of str to DataFrame
        File stem -> frame, e.g. ``{"touchpoints": ..., "conversions": ...}``. Stems that
        are contract names are checked against that contract in the tests.
    truth : dict
        JSON-serializable ground truth: the parameters and effects the data was made from.
    contracts : dict of str to str
        File stem -> contract name, for stems that differ from their contract.
    """

    family: str
    tables: dict[str, pl.DataFrame]
    truth: dict[str, Any]
    contracts: dict[str, str] = field(default_factory=dict)

    def contract_of(self, stem: str) -> str | None:
        from mkt_engineering.schemas import CONTRACTS

        name = self.contracts.get(stem, stem)
        return name if name in CONTRACTS else None


# family name -> "module:function"; modules import lazily so one broken generator
# cannot stop the others from being written.
FAMILIES: dict[str, str] = {
    "journeys": "mkt_engineering.synthetic.journeys:generate_additive",
    "journeys_markov": "mkt_engineering.synthetic.journeys:generate_markov",
    "orders": "mkt_engineering.synthetic.orders:generate",
    "experiment": "mkt_engineering.synthetic.experiment:generate",
    "leads": "mkt_engineering.synthetic.leads:generate",
}


def generator(family: str) -> Callable[..., SyntheticData]:
    """Return the generator function of a family."""
    module_name, function_name = FAMILIES[family].split(":")
    return getattr(importlib.import_module(module_name), function_name)


def available_families() -> list[str]:
    """Families whose generator module exists in this install."""
    found = []
    for family, target in FAMILIES.items():
        try:
            importlib.import_module(target.split(":")[0])
        except ModuleNotFoundError:
            continue
        found.append(family)
    return found


def generate_all(*, seed: int = 42, scale: float = 1.0) -> dict[str, SyntheticData]:
    """Run every available generator.

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives the same data.
    scale : float
        Size relative to the demo data (1.0).

    Returns
    -------
    dict of str to SyntheticData
        Family name -> its tables and truth.
    """
    return {family: generator(family)(seed=seed, scale=scale) for family in available_families()}


TRUTH_DIGITS = 12
"""Significant digits of the floats in ``truth.json``.

Solved truth values (a linear solve through BLAS/LAPACK) differ in the last one or two of
their 17 digits between CPU kernels (``0.19611702877615025`` on Haswell, ``...023`` on
SkylakeX). Twelve significant digits are far more than any test or report needs and are the
same on every platform, so the file is reproducible byte for byte.
"""


def round_floats(value: Any, digits: int = TRUTH_DIGITS) -> Any:
    """Round every float in a nested truth structure to ``digits`` significant digits.

    Parameters
    ----------
    value : dict, list, tuple, float or other
        A JSON-shaped structure; numpy floats are rounded too, other values pass through.
    digits : int
        Significant digits kept.

    Returns
    -------
    The same structure with rounded floats (tuples become lists, as in JSON).

    Examples
    --------
    >>> round_floats({"p": 0.19611702877615025, "n": 3, "xs": [1 / 3]})
    {'p': 0.196117028776, 'n': 3, 'xs': [0.333333333333]}
    """
    if isinstance(value, dict):
        return {key: round_floats(item, digits) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [round_floats(item, digits) for item in value]
    if isinstance(value, float | np.floating):
        number = float(value)
        return float(f"{number:.{digits}g}") if math.isfinite(number) else number
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def write_family(data: SyntheticData, out_dir: Path) -> list[Path]:
    """Write one family as CSV files plus ``truth.json``; returns the paths written.

    Lists (paths) are written as ``a > b > c`` strings so the CSV stays flat and readable.
    Floats in the tables are rounded by the generators, and the floats in ``truth.json`` to
    ``TRUTH_DIGITS`` significant digits, so files are byte-identical for the same seed on
    every CPU.

    Parameters
    ----------
    data : SyntheticData
        One generated family.
    out_dir : Path
        The folder to write into (created if needed).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(out_dir) / data.family
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, frame in data.tables.items():
        list_columns = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
        flat = frame.with_columns(pl.col(c).list.join(" > ") for c in list_columns)
        path = folder / f"{stem}.csv"
        flat.write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S", float_precision=None)
        written.append(path)
    truth_path = folder / "truth.json"
    truth_path.write_text(
        json.dumps(round_floats(data.truth), indent=2, sort_keys=True, default=_json_default)
        + "\n",
        encoding="utf-8",
    )
    written.append(truth_path)
    return written
