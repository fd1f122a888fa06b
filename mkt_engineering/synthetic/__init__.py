"""Seeded generators of demo data with known ground truth, one module per table family.

Each family module exposes ``generate(*, seed=42, scale=1.0) -> SyntheticData``. The same
seed gives the same frames, and `write_family` turns them into byte-identical files.
"""

from __future__ import annotations

from mkt_engineering.synthetic.base import FAMILIES, SyntheticData, generate_all, write_family

__all__ = ["FAMILIES", "SyntheticData", "generate_all", "write_family"]
