"""The shared shape of all generators and the writer that turns them into files."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    """Run every available generator."""
    return {family: generator(family)(seed=seed, scale=scale) for family in available_families()}


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def write_family(data: SyntheticData, out_dir: Path) -> list[Path]:
    """Write one family as CSV files plus ``truth.json``; returns the paths written.

    Lists (paths) are written as ``a > b > c`` strings so the CSV stays flat and readable.
    Floats are rounded by the generators, so files are byte-identical for the same seed.
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
        json.dumps(data.truth, indent=2, sort_keys=True, default=_json_default) + "\n",
        encoding="utf-8",
    )
    written.append(truth_path)
    return written
