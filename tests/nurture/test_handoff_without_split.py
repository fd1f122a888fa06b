"""handoff_rule when no threshold splits the sales contacts: the kit's error, not polars'."""

from __future__ import annotations

import pytest

from mkt_engineering import nurture
from mkt_engineering.errors import DataValidationError
from mkt_engineering.io import load_table
from mkt_engineering.reporting.demo_inputs import demo_files


def test_no_contact_below_any_candidate_is_a_data_validation_error():
    # before: polars' ColumnNotFoundError ("extra_wins_low") from an empty table, which
    # failed the whole nurture report instead of leaving out its handoff section
    events = load_table(demo_files("nurture_timing")["lead_events"], table="lead_events").frame
    timeline = nurture.stage_timeline(events)
    assert nurture.handoff_rule(timeline, candidates=[60]).height == 1  # the data can split
    with pytest.raises(
        DataValidationError, match="No candidate threshold has sales contacts"
    ) as info:
        nurture.handoff_rule(timeline, candidates=[0, -5])  # every contact is at or above
    assert info.value.column == "score_at_contact" and "handoff_candidates" in info.value.fix
