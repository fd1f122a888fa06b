"""The demo's inputs and plan, per report: what `mkt demo` and the batch example pass.

Report parameters for inputs default to nothing, so a user's run never reads demo data by
accident. The demo passes its files (and the settings its data were generated for)
explicitly, from this one table; the batch example, the tests and the lessons use it too.

Examples
--------
>>> demo_data("attribution", Path("/d"))[:2]
['touchpoints=/d/journeys/touchpoints.csv', 'conversions=/d/journeys/conversions.csv']
>>> demo_parameters("ab_test")["control"]
'control'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkt_engineering.paths import DATASETS_DIR

# input name -> file under datasets/
DEMO_FILES: dict[str, dict[str, str]] = {
    "attribution": {
        "touchpoints": "journeys/touchpoints.csv",
        "conversions": "journeys/conversions.csv",
        "spend": "journeys/spend.csv",
    },
    "ab_test": {"experiment": "experiment/experiment.csv"},
    "cohort_ltv": {"orders": "orders/orders.csv", "spend": "orders/spend.csv"},
    "nurture_timing": {"lead_events": "leads/lead_events.csv", "leads": "leads/leads.csv"},
    "data_overview": {
        "touchpoints": "journeys/touchpoints.csv",
        "conversions": "journeys/conversions.csv",
        "spend": "journeys/spend.csv",
        "orders": "orders/orders.csv",
        "experiment": "experiment/experiment.csv",
        "lead_events": "leads/lead_events.csv",
    },
}

# The demo's own plan and settings: what its generators built into the data.
DEMO_PARAMETERS: dict[str, dict[str, Any]] = {
    "ab_test": {
        "control": "control",
        "secondary_metrics": ["revenue", "orders/sessions"],
        "guardrails": ["sessions"],
        "covariates": ["pre_sessions"],
        "segments": ["device", "country"],
        "day_column": "day",
        "planned_units_per_arm": 6693,
        "currency": "€",  # the demo shop's revenue metric is in euros
    },
    "attribution": {"currency": "€"},  # the demo's conversion values and spend are in euros
    "cohort_ltv": {
        "acquisition_plan": {"search": 120, "social": 120, "affiliate": 60, "display": 40},
        "currency": "€",  # the demo shop sells in euros; its files carry no currency sign
    },
}


def demo_files(analysis: str, datasets_dir: Path = DATASETS_DIR) -> dict[str, Path]:
    """The demo file of each input of `analysis` (empty for an analysis without demo data)."""
    return {
        name: Path(datasets_dir) / relative
        for name, relative in DEMO_FILES.get(analysis, {}).items()
    }


def demo_data(analysis: str, datasets_dir: Path = DATASETS_DIR) -> list[str]:
    """The demo inputs as ``--data NAME=PATH`` items."""
    return [f"{name}={path}" for name, path in demo_files(analysis, datasets_dir).items()]


def demo_parameters(analysis: str) -> dict[str, Any]:
    """The demo's settings for `analysis` (a copy; empty when the defaults fit)."""
    return {name: value for name, value in DEMO_PARAMETERS.get(analysis, {}).items()}
