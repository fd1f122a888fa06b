"""The nurture report on data shaped unlike the demo: sections say why they are not shown."""

from __future__ import annotations

from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "datasets" / "leads"


def test_no_finished_follow_up_leaves_the_win_rate_sections_out(run_report):
    # the demo's data span about 15 months, so no call has a 730-day follow-up yet:
    # the maturity charts failed with an IndexError on the empty table
    run = run_report(
        "nurture_timing",
        "--data",
        f"lead_events={DEMO / 'lead_events.csv'}",
        "-p",
        "follow_up_days",
        "730",
    )
    page = (run / "report.html").read_text(encoding="utf-8")
    assert page.count("because no sales call has finished its follow-up window of 730 days") == 2
