"""Report pipeline: papermill runs, offline HTML, manifests, batch runs and the index.

The notebook-side API (used inside report notebooks) is fixed:

- ``setup_notebook()``: theme + offline chart rendering; call once in the first code cell.
- ``show_quality(quality)``: display a loader's DataQuality and record it for the report.
- ``save_table(frame, name)``: write ``tables/<name>.csv|parquet`` when run by ``mkt run``.
- ``set_headline(text)``: the one headline number the reports index shows.
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

__all__ = ["save_table", "say", "set_headline", "setup_notebook", "show_quality"]
