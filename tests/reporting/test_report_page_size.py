"""Leaner pages: each demo report's report.html stays under a recorded ceiling.

The ceilings are the sizes measured on the demo runs (the shared ``demo_runs``, so this
costs no run of its own) plus 10%. Sizes before the hover texts named each thing once and
the renderer dropped per-mark role descriptions, wrote colours as ``#rrggbb``, step lines as
"H"/"V" and dropped default attributes, and after (KB of 1,000 bytes):

=============== ====== =====
report          before after
=============== ====== =====
ab_test          133.4 122.9
attribution      253.4 210.9
cohort_ltv       337.1 261.6
data_overview    164.7 147.6
nurture_timing   404.6 303.3
=============== ====== =====

ab_test shrinks by less than 10%, so its ceiling would not have caught its size before (its
charts are experiments/charts.py's lines, bands and bars: few hover texts to shorten);
tests/charts/test_page_size.py checks the per-chart savings directly.
"""

from __future__ import annotations

import pytest

# Bytes of report.html: the measured size plus 10%.
CEILINGS = {
    "ab_test": 135_200,
    "attribution": 232_000,
    "cohort_ltv": 287_800,
    "data_overview": 162_400,
    "nurture_timing": 333_700,
}


@pytest.mark.parametrize("report", sorted(CEILINGS))
def test_the_report_page_stays_under_its_ceiling(demo_runs, report):
    size = (demo_runs[report].folder / "report.html").stat().st_size
    assert size <= CEILINGS[report], f"{report}: {size:,} bytes, ceiling {CEILINGS[report]:,}"
