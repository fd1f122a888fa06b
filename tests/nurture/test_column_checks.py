"""Every nurture fitter refuses a missing column through `errors.require_columns`: one message
that names the input and the missing column and suggests the closest column that is there."""

from __future__ import annotations

import polars as pl
import pytest

from mkt_engineering import nurture
from mkt_engineering.errors import DataValidationError
from mkt_engineering.nurture.timeline import attach_lead_attributes

# "Days" is there, "days" is asked for: the message should point from one to the other
FRAME = pl.DataFrame({"Days": [1.0, 2.0, 3.0], "mql": [1, 0, 1], "group": ["a", "b", "a"]})

CALLS = {
    "cox": lambda: nurture.CoxModel().fit(
        FRAME, duration="days", event="mql", covariates=["group"]
    ),
    "cure": lambda: nurture.MixtureCureModel().fit(FRAME, duration="days", event="mql"),
    "logrank": lambda: nurture.logrank(FRAME, duration="days", event="mql", group="group"),
    "compare_groups": lambda: nurture.compare_groups(
        FRAME, duration="days", event="mql", group="group"
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_missing_duration_is_named_with_the_closest_match(name):
    with pytest.raises(DataValidationError) as raised:
        CALLS[name]()
    message = str(raised.value)
    assert "missing column(s) days" in message
    assert "did you mean Days for days?" in message
    assert raised.value.column == "days"


def test_a_lead_table_without_lead_id_is_named():
    timeline = pl.DataFrame({"lead_id": ["a"], "days_in_nurturing": [1.0]})
    with pytest.raises(DataValidationError) as raised:
        attach_lead_attributes(timeline, pl.DataFrame({"Lead_ID": ["a"], "persona": ["x"]}))
    assert "the lead table: missing column(s) lead_id" in str(raised.value)
    assert raised.value.column == "lead_id"
