"""datasets/README.md documents every contract column with its type (no drift)."""

from __future__ import annotations

import pytest

from mkt_engineering.paths import DATASETS_DIR
from mkt_engineering.schemas import CONTRACTS, LEAD_EVENTS

README = (DATASETS_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_every_contract_column_is_documented(name):
    section = README.split(f"### `{name}`", 1)[1].split("### ", 1)[0]
    for column in CONTRACTS[name].columns:
        required = "yes" if column.required else "no"
        assert f"| `{column.name}` | {column.dtype} | {required} |" in section
    assert "Example row" in section


def test_lead_events_listed():
    for event in LEAD_EVENTS:
        assert f"`{event}`" in README
