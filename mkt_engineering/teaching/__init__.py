"""Exercise checks for the lessons, and the tools trainers use around them.

The core lives in `feedback`; each analysis adds its lesson checks in a module named
``<topic>_checks.py``. Every ``check_*`` function of those modules is exported here, so a
lesson only needs ``from mkt_engineering import teaching`` and ``teaching.check_...``.

Trainers use `workshop` (student editions, trainer guide: ``mkt workshop build``),
`doctor` (laptop checklist: ``mkt doctor``) and `glossary` (German–English terms).
"""

from __future__ import annotations

from mkt_engineering.teaching.catalog import lesson_checks
from mkt_engineering.teaching.feedback import (
    Feedback,
    check_chart,
    check_columns,
    check_frame,
    check_number,
    set_language,
)
from mkt_engineering.teaching.ladder import hint, reveal
from mkt_engineering.teaching.lesson_data import data_path
from mkt_engineering.teaching.translation import untranslated

__all__ = [
    "Feedback",
    "check_chart",
    "check_columns",
    "check_frame",
    "check_number",
    "data_path",
    "hint",
    "reveal",
    "set_language",
    "untranslated",
]

# Every lesson's checks, loaded once by teaching.catalog (a broken module warns, the rest load)
for _name, _check in lesson_checks().items():
    globals()[_name] = _check
    if _name not in __all__:
        __all__.append(_name)
