"""Lesson 00b, the digital buying process: its checks pass the right answers (computed here
from the raw events, not by the checks' own code), give each anticipated wrong answer its
specific hint in English and German, say "No answer yet" to a blank; the process diagram is
offline, escaped and bilingual."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import polars as pl
import pytest

from mkt_engineering import nurture, teaching
from mkt_engineering.errors import ParameterError
from mkt_engineering.io import read_table
from mkt_engineering.nurture import process_diagram
from mkt_engineering.nurture.process_diagram import buying_process_diagram
from mkt_engineering.synthetic.leads import renurture_truth
from mkt_engineering.teaching import feedback, ladder
from mkt_engineering.teaching.lesson_data import data_path

CHECKS = (
    "check_stall_stage",
    "check_fast_lane_leads",
    "check_recycled_share",
    "check_mqn_again",
    "check_no_email_leads",
)


@pytest.fixture(scope="module")
def events():
    return read_table(data_path("leads/lead_events.csv"), "lead_events")


@pytest.fixture(scope="module")
def timeline(events):
    leads = nurture.timeline.load_lead_attributes(data_path("leads/leads.csv"))
    return nurture.attach_lead_attributes(nurture.stage_timeline(events), leads)


@pytest.fixture(scope="module")
def funnel(timeline):
    return nurture.stage_conversion(timeline)


@pytest.fixture(scope="module")
def cycles(events):
    return nurture.repeat_cycles(events)


def _leads_with(events: pl.DataFrame, event: str) -> set[str]:
    return set(events.filter(pl.col("event") == event)["lead_id"])


def _expect(result, fragment: str) -> None:
    text = f"{result.message} {result.hint or ''}"
    assert not result.passed and fragment in text, text


# ------------------------------------------------------------- right answers pass
def test_right_answers_pass(events, timeline, funnel, cycles):
    assert teaching.check_stall_stage("qualified", funnel).passed
    fast = len(_leads_with(events, "fast_lane"))
    assert fast == 216 and teaching.check_fast_lane_leads(fast, timeline).passed
    called = _leads_with(events, "sales_contact")
    share = len(_leads_with(events, "recycled") & called) / len(called)
    assert teaching.check_recycled_share(share, timeline).passed
    # the generator's truth, not the cycles: customers with an MQN after their order
    again = renurture_truth()["mqn_again_at"].is_not_null().sum()
    assert teaching.check_mqn_again(again, cycles, events).passed
    leads = pl.read_csv(data_path("leads/leads.csv"))
    no_email = leads.filter(~pl.col("has_email")).height
    assert teaching.check_no_email_leads(no_email, timeline).passed


# ------------------------------------------------------------- wrong answers
def test_stall_stage_wrong_answers(funnel):
    check = teaching.check_stall_stage
    # sorting with the side roads still in: their empty from_previous comes first
    _expect(check(funnel.sort("from_previous")["stage"][0], funnel), "side road")
    _expect(check("won", funnel), "from_created")
    _expect(check("created", funnel), "first stage")
    _expect(check(0.41, funnel), "value of the stage column")
    _expect(check("opportunity", funnel), "Sort the funnel steps")


def test_fast_lane_wrong_answers(events, timeline):
    check = teaching.check_fast_lane_leads
    _expect(check(216 / 1800, timeline), "use .sum() instead of .mean()")
    _expect(check(len(_leads_with(events, "sales_contact")), timeline), "own request")
    _expect(check(258, timeline), "early calls")  # nurture_exit == "sales_contact"
    _expect(check(len(timeline["fast_lane_at"]), timeline), "empty value is a value")
    _expect(check("216", timeline), "Remove the quotes")


def test_recycled_share_wrong_answers(events, timeline):
    check = teaching.check_recycled_share
    recycled = len(_leads_with(events, "recycled"))
    _expect(check(recycled / timeline.height, timeline), "divided by all leads")
    _expect(check(recycled, timeline), "Divide by the leads sales called")
    called = timeline.filter(pl.col("first_contact_at").is_not_null())
    _expect(check((called["outcome"] == "lost").mean(), timeline), "not lost")
    _expect(check(100 * recycled / called.height, timeline), "percentage")


def test_mqn_again_wrong_answers(events, cycles):
    check = teaching.check_mqn_again
    _expect(check((events["event"] == "mqn").sum(), cycles, events), "every MQN event")
    ordered = len(_leads_with(events, "won"))
    _expect(check(ordered, cycles, events), "reached MQN again")
    before = cycles.filter((pl.col("cycle") == 1) & pl.col("mqn_at").is_not_null()).height
    _expect(check(before, cycles, events), "before any order")
    _expect(check(151 / ordered, cycles, events), "count the rows")


def test_no_email_wrong_answers(timeline):
    check = teaching.check_no_email_leads
    _expect(check(timeline["has_email"].sum(), timeline), "WITH an address")
    _expect(check((~timeline["has_email"]).mean(), timeline), "use .sum()")
    _expect(check((timeline["emails_sent"] == 0).sum(), timeline), "left before the first")


# ------------------------------------------------------------- blank, ladder, German
@pytest.mark.parametrize("check", CHECKS)
def test_blank_answer_says_no_answer_yet_and_continues(check, events, timeline, funnel, cycles):
    data = {
        "check_stall_stage": (funnel,),
        "check_mqn_again": (cycles, events),
    }.get(check, (timeline,))
    result = getattr(teaching, check)(None, *data)
    assert not result.passed and result.message.startswith("No answer yet for ")
    assert "NoneType" not in str(result)
    right = result.reference()
    assert getattr(teaching, check)(right, *data).passed
    assert len(ladder.LADDERS[check]) == 3 and "=" in ladder.LADDERS[check][2]


@pytest.fixture
def german():
    feedback.set_language("de")
    yield
    feedback.set_language("en")


def test_wrong_answers_and_blanks_speak_german(german, events, timeline, funnel, cycles):
    results = [
        teaching.check_stall_stage("won", funnel),
        teaching.check_fast_lane_leads(216 / 1800, timeline),
        teaching.check_recycled_share(210, timeline),
        teaching.check_mqn_again(289, cycles, events),
        teaching.check_no_email_leads(1641, timeline),
    ]
    hints = [result.hint for result in results]
    assert "from_created" in hints[0] and "Vergleichen Sie" in hints[0]
    assert hints[1].startswith("Das ist der Anteil an allen Leads")
    assert hints[2].startswith("Das ist die Zahl der Leads im Recycling")
    assert hints[3].startswith("Das zählt jedes MQN-Ereignis")
    assert hints[4].startswith("Das zählt die Leads MIT Adresse")
    assert results[1].message.startswith("Die Zahl der Fast-Lane-Leads stimmt noch nicht")
    blank = teaching.check_mqn_again(None, cycles, events)
    assert blank.message == "Noch keine Antwort für mqn_again."
    assert str(ladder.hint(1)).startswith("Tipp 1 von 3 für mqn_again")
    assert "renurture == True" in str(ladder.hint(1)) and "Zeit nach einem Auftrag" in str(
        ladder.hint(1)
    )


# ------------------------------------------------------------- the diagram
def test_diagram_shows_every_part_of_the_process_in_both_languages():
    english = buying_process_diagram().svg
    for word in ("Personas", "Content", "Nurturing", "MQL", "MQN", "Sales", "Order"):
        assert f">{word}<" in english
    for words in ("fast lane", "recycling", "re-nurturing after an order", "no consent"):
        assert words in english
    german = buying_process_diagram(language="de").svg
    for words in ("Vertrieb", "Auftrag", "Fast Lane", "Re-Nurturing", "ohne Einwilligung"):
        assert words in german
    assert "Überholspur" not in german  # the glossary's one term per concept


def test_diagram_is_offline_well_formed_and_escaped(monkeypatch):
    svg = buying_process_diagram(counts={"mqn": 1289, "excluded": 159}).svg
    root = ElementTree.fromstring(svg)  # well-formed XML, or this raises
    assert root.get("role") == "img" and root.get("aria-label")
    assert "<script" not in svg and "href=" not in svg and "url(http" not in svg
    assert "1,289 leads" in svg
    assert "1.289 Leads" in buying_process_diagram(language="de", counts={"mqn": 1289}).svg
    hostile = {**process_diagram.LABELS["en"], "title": "<script>alert(1)</script> & co"}
    monkeypatch.setitem(process_diagram.LABELS, "en", hostile)
    escaped = buying_process_diagram().svg
    assert "<script>" not in escaped and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in escaped


def test_diagram_refuses_unknown_language_and_stage():
    with pytest.raises(ParameterError, match="'en' or 'de'"):
        buying_process_diagram(language="fr")
    with pytest.raises(ParameterError, match="no stage called leads.*Stages: personas"):
        buying_process_diagram(counts={"leads": 3})
