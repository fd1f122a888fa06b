"""Synthetic leads with known truth, shared by the nurture tests."""

from __future__ import annotations

import pytest

from mkt_engineering.nurture.timeline import attach_lead_attributes, stage_timeline
from mkt_engineering.synthetic.leads import generate


@pytest.fixture(scope="session")
def leads_data():
    return generate(seed=42, scale=1.0)


@pytest.fixture(scope="session")
def lead_events(leads_data):
    return leads_data.tables["lead_events"]


@pytest.fixture(scope="session")
def timeline(lead_events, leads_data):
    # has_email from the lead table: inferring it from sends misses leads that left early
    return attach_lead_attributes(stage_timeline(lead_events), leads_data.tables["leads"])


@pytest.fixture(scope="session")
def truth(leads_data):
    return leads_data.truth
