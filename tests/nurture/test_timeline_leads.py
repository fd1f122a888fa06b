"""The lead attribute table goes through the loader and keeps every lead in every analysis.

``load_lead_attributes`` used to read with a bare ``pl.read_csv``: surnames reached the
tables, consent was ignored and ``has_email = x`` became null. A lead without a row in the
table got nulls, which dropped it from some analyses, kept it in others and ended in a
polars SchemaError in the Kaplan-Meier curves by persona.
"""

from __future__ import annotations

from datetime import datetime as dt

import polars as pl
import pytest

from mkt_engineering import DataValidationError, nurture
from mkt_engineering.nurture.charts import survival_chart
from mkt_engineering.nurture.timeline import (
    UNKNOWN,
    attach_lead_attributes,
    load_lead_attributes,
    stage_timeline,
)


def _events(with_persona: bool) -> pl.DataFrame:
    rows = []
    for i in range(40):
        lead, persona = f"l{i:02d}", ["cfo", "developer"][i % 2]
        rows.append((lead, dt(2025, 1, 1 + i % 20), "created", persona))
        if i % 5:  # every fifth lead never gets an e-mail
            rows.append((lead, dt(2025, 1, 2 + i % 20), "email_sent", persona))
        if i % 3 == 0:
            rows.append((lead, dt(2025, 2, 1 + i % 20), "mql", persona))
    frame = pl.DataFrame(rows, schema=["lead_id", "timestamp", "event", "persona"], orient="row")
    return frame if with_persona else frame.drop("persona")


LEADS_CSV = "Lead-Nr;Vorname;Nachname;E-Mail;persona;has_email;Einwilligung\n" + "".join(
    f"l{i:02d};Anna{i};Schmidt{i};anna{i}@example.de;{['cfo', 'developer'][i % 2]};"
    f"{'x' if i % 5 else ''};{'nein' if i == 4 else 'ja'}\n"
    for i in range(30)  # leads l30..l39 have no row
)


@pytest.fixture
def leads_file(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(LEADS_CSV, encoding="utf-8")
    return path


def test_lead_table_goes_through_the_privacy_rules_and_yes_no_words(leads_file):
    # the event log's mapping is shared by the report; "Ereignis" is not in the lead table
    leads = load_lead_attributes(leads_file, {"Lead-Nr": "lead_id", "Ereignis": "event"})
    frame = leads.frame
    assert frame.columns == ["lead_id", "persona", "has_email", "Einwilligung"]  # no names
    assert "Schmidt" not in frame.write_csv() and "@" not in frame.write_csv()
    assert set(leads.quality.pii_removed) == {"Vorname", "Nachname", "E-Mail"}
    assert leads.quality.consent_removed == 1 and "l04" not in frame["lead_id"].to_list()
    assert frame.schema["has_email"] == pl.Boolean  # "x" is yes, not null
    assert frame.filter(pl.col("lead_id") == "l01")["has_email"].item() is True
    assert frame.filter(pl.col("lead_id") == "l05")["has_email"].item() is None


@pytest.mark.parametrize("with_persona", [True, False])
def test_leads_without_a_row_are_counted_and_kept_everywhere(leads_file, with_persona):
    timeline = stage_timeline(_events(with_persona))
    leads = load_lead_attributes(leads_file, {"Lead-Nr": "lead_id"})
    attached = attach_lead_attributes(timeline, leads)
    assert attached.height == timeline.height == 40
    # l30..l39 have no row, l04 lost its row for lack of consent
    assert leads.quality.count("leads without an attribute row") == 11
    missing = attached.filter(pl.col("lead_id").is_in(["l04", *(f"l{i}" for i in range(30, 40))]))
    expected = ["cfo", "developer"] * 5 if with_persona else [UNKNOWN] * 10
    assert missing["persona"].to_list()[1:] == expected
    # has_email: the table where it has a value, the e-mail sends otherwise
    assert attached["has_email"].null_count() == 0
    sends = dict(timeline.select("lead_id", "has_email").iter_rows())
    for lead, has_email in missing.select("lead_id", "has_email").iter_rows():
        assert has_email == sends[lead]
    # the analyses by persona run on every lead, with "unknown" as a group of its own
    curves = nurture.kaplan_meier(
        attached["days_in_nurturing"], attached["qualified"], attached["persona"]
    )
    survival_chart(curves).to_dict()
    groups = set(curves["group"].unique().to_list())
    assert groups == ({"cfo", "developer"} if with_persona else {"cfo", "developer", UNKNOWN})
    assert any("without an attribute row" in s for s in leads.quality.explain())


def test_an_empty_boolean_covariate_gets_a_clear_message():
    timeline = stage_timeline(_events(True))
    leads = pl.DataFrame({"lead_id": ["l00", "l01"], "is_customer": [True, False]})
    attached = attach_lead_attributes(timeline, leads)
    assert attached["is_customer"].null_count() == 38  # nobody knows: not guessed
    with pytest.raises(DataValidationError, match="'is_customer' is empty for 38 of 40 leads"):
        nurture.MixtureCureModel().fit(
            attached, duration="days_in_nurturing", event="qualified", incidence=["is_customer"]
        )


def test_a_plain_frame_and_an_explicit_quality_still_work(leads_file):
    from mkt_engineering.quality import DataQuality

    timeline = stage_timeline(_events(True))
    quality = DataQuality("leads", "leads", rows=2, rows_read=2)
    leads = pl.DataFrame({"lead_id": ["l00", "l01", "zz"], "source": ["fair", None, "web"]})
    attached = attach_lead_attributes(timeline, leads, quality)
    assert attached.filter(pl.col("lead_id") == "l01")["source"].item() == UNKNOWN
    assert quality.count("leads without an attribute row") == 38
    assert quality.count("attribute rows without events") == 1
    with pytest.raises(DataValidationError, match=r"missing column\(s\) lead_id"):
        attach_lead_attributes(timeline, leads.rename({"lead_id": "id"}))


def test_an_event_in_2999_no_longer_moves_the_end_of_the_data(tmp_path):
    # before: the 2999 event became the data end, every open lead looked 974 years old and
    # every expected-MQL value was 0.0
    from mkt_engineering.io import load_table

    events = _events(True)
    stray = pl.DataFrame(
        {
            "lead_id": ["l01"],
            "timestamp": [dt(2999, 12, 31)],
            "event": ["email_sent"],
            "persona": ["developer"],
        }
    )
    path = tmp_path / "lead_events.csv"
    pl.concat([events, stray]).write_csv(path)
    loaded = load_table(path, "lead_events", as_of="2025-06-30")
    assert loaded.quality.out_of_range_dates == 1
    timeline = stage_timeline(loaded.frame)
    assert timeline["last_event_at"].max() == events["timestamp"].max()
    assert timeline["days_observed"].max() < 100


def test_kaplan_meier_names_leads_without_a_group_unknown():
    curves = nurture.kaplan_meier(
        [1.0, 2, 3, 4, 5, 6], [1, 0, 1, 1, 0, 1], pl.Series([True, False, None, True, None, False])
    )
    assert sorted(curves["group"].unique().to_list()) == ["false", "true", UNKNOWN]
    survival_chart(curves).to_dict()


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_the_event_log_mapping_is_ignored_for_other_file_kinds(tmp_path, suffix):
    frame = pl.DataFrame({"Lead-Nr": ["l00", "l01"], "persona": ["cfo", "developer"]})
    path = tmp_path / f"leads{suffix}"
    frame.write_excel(path) if suffix == ".xlsx" else frame.write_parquet(path)
    leads = load_lead_attributes(path, {"Lead-Nr": "lead_id", "Ereignis": "event"})
    assert leads.frame["lead_id"].to_list() == ["l00", "l01"]
