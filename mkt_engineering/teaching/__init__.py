"""Exercise checks for the lessons, and the tools trainers use around them.

The core lives in `feedback`; each analysis adds its lesson checks in a module named
``<topic>_checks.py``. Every ``check_*`` function of those modules is exported here, so a
lesson only needs ``from mkt_engineering import teaching`` and ``teaching.check_...``.

Trainers use `workshop` (student editions, trainer guide: ``mkt workshop build``),
`doctor` (laptop checklist: ``mkt doctor``) and `glossary` (German–English terms).
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings

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

for _module in pkgutil.iter_modules(__path__):
    if _module.name.endswith("_checks"):
        try:
            _mod = importlib.import_module(f"{__name__}.{_module.name}")
        except Exception as error:  # one broken lesson must not stop every other lesson
            warnings.warn(f"teaching: could not load {_module.name}: {error!r}", stacklevel=1)
            continue
        for _name in dir(_mod):
            if _name.startswith("check_") and callable(getattr(_mod, _name)):
                _previous = globals().get(_name)
                if (
                    _previous is not None
                    and _previous is not getattr(_mod, _name)
                    and _previous.__module__ != _mod.__name__
                ):
                    warnings.warn(
                        f"teaching: {_name} of {_module.name} replaces the one of "
                        f"{_previous.__module__}; give one of them another name.",
                        stacklevel=1,
                    )
                globals()[_name] = getattr(_mod, _name)
                if _name not in __all__:
                    __all__.append(_name)
