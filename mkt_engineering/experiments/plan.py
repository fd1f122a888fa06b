"""The pre-registered analysis plan: written down before the data are seen, hashed, and
stored with the report, so anyone can check the analysis followed it.

Examples
--------
>>> plan = {"primary_metric": "converted", "mde": 0.015, "alpha": 0.05}
>>> plan_hash(plan) == plan_hash(dict(reversed(list(plan.items()))))
True
>>> len(plan_hash(plan))
12
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import polars as pl


def plan_hash(plan: dict[str, Any]) -> str:
    """Short SHA-256 fingerprint of the plan (key order does not matter)."""
    text = json.dumps(plan, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def plan_table(plan: dict[str, Any]) -> pl.DataFrame:
    """The plan as a two-column table (item, value) plus its hash, for `save_table`."""
    items = {
        **{k: json.dumps(v, default=str) if not isinstance(v, str) else v for k, v in plan.items()},
        "plan_hash": plan_hash(plan),
    }
    return pl.DataFrame({"item": list(items), "value": list(items.values())})


def outside_plan(names: list[str], plan: dict[str, Any]) -> list[str]:
    """Names analysed that the plan did not declare (to label as exploratory)."""
    declared = {
        plan.get("primary_metric"),
        *plan.get("secondary_metrics", []),
        *plan.get("guardrails", []),
    }
    return [n for n in names if n not in declared]
