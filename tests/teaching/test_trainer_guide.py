"""Trainer guide pieces: the mistakes harvested from check functions, the agenda timings."""

from __future__ import annotations

import importlib
import sys
import textwrap

from mkt_engineering.teaching import welcome_checks
from mkt_engineering.teaching.trainer_guide import (
    agenda,
    check_hints,
    guide_markdown,
    markdown_to_html,
)

CHECK_MODULE = """
from mkt_engineering.teaching.feedback import check_number

COMMON = {2.0: "You counted each lead twice, once per event."}


def _helper(answer):
    return check_number(answer, 1.0, label="x", hint="Count the " + "leads once.")


def check_local(answer):
    mistakes = {0.0: "You filtered out every lead: check the condition."}
    return check_number(answer, 1.0, label="x", mistakes=mistakes, hint=f"Compare with {answer} "
        f"again.")


def check_module_level(answer):
    return check_number(answer, 1.0, label="x", mistakes=COMMON) or _helper(answer)
"""


def test_hints_from_dict_literals_locals_module_constants_and_helpers(tmp_path, monkeypatch):
    (tmp_path / "tiny_checks_for_guide.py").write_text(
        textwrap.dedent(CHECK_MODULE), encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("tiny_checks_for_guide")
    try:
        assert check_hints(module.check_local) == [
            "You filtered out every lead: check the condition.",
            "Compare with … again.",
        ]
        assert check_hints(module.check_module_level) == [
            "You counted each lead twice, once per event.",
            "Count the leads once.",
        ]
    finally:
        sys.modules.pop("tiny_checks_for_guide", None)
    assert "This counts clicks; the question asks for leads." in check_hints(
        welcome_checks.check_search_leads
    )


def test_agenda_has_breaks_and_one_lunch():
    rows = agenda([("00", "A", 45), ("01", "B", 60), ("03", "C", 60), ("04", "D", 60)])
    labels = [row[2] for row in rows]
    assert labels == [
        "Arrival, `mkt doctor` on every laptop",
        "A",
        "Break",
        "B",
        "Break",
        "C",
        "Lunch break",
        "D",
    ]
    assert rows[-1][:2] == ("13:30", "14:30")  # 9:15 + 45 + 15 + 60 + 15 + 60 + 60 lunch
    assert all(rows[k][1] == rows[k + 1][0] for k in range(len(rows) - 1))


def test_html_is_self_contained():
    page = markdown_to_html(guide_markdown([], language="de"), title="Leitfaden", language="de")
    assert page.startswith("<!DOCTYPE html>") and 'lang="de"' in page
    assert "http:" not in page and "https:" not in page  # no remote file (http-equiv is fine)
