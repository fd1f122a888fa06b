"""Report pipeline: papermill runs, offline HTML, manifests, batch runs and the index.

The notebook-side API (used inside report notebooks) is fixed:

- ``setup_notebook()``: theme + offline chart rendering; call once in the first code cell.
- ``show_quality(quality)``: display a loader's DataQuality and record it for the report.
- ``save_table(frame, name)``: write ``tables/<name>.csv|parquet`` when run by ``mkt run``.
- ``set_headline(text)``: the one headline number the reports index shows.
- ``show_summary(summary)``: the answer-first block (headline, cards, action, bullets) the
  page shows under the title; it records the headline too. See `reporting.summary`.
- ``say(markdown)``: show explanatory text; raw HTML is escaped and unsafe links blocked.
"""

from __future__ import annotations

from mkt_engineering.reporting.notebook import (
    save_table,
    say,
    set_headline,
    setup_notebook,
    show_quality,
)
from mkt_engineering.reporting.summary import Card, Summary, show_summary

__all__ = [
    "Card",
    "Summary",
    "save_table",
    "say",
    "set_headline",
    "setup_notebook",
    "show_quality",
    "show_summary",
]
