"""Exercise checks for the lessons.

The core lives in `feedback`; each analysis adds its lesson checks in a module named
``<topic>_checks.py``. Every ``check_*`` function of those modules is exported here, so a
lesson only needs ``from mkt_engineering import teaching`` and ``teaching.check_...``.
"""

from __future__ import annotations

import importlib
import pkgutil

from mkt_engineering.teaching.feedback import Feedback, check_columns, check_frame, check_number

__all__ = ["Feedback", "check_columns", "check_frame", "check_number"]

for _module in pkgutil.iter_modules(__path__):
    if _module.name.endswith("_checks"):
        _mod = importlib.import_module(f"{__name__}.{_module.name}")
        for _name in dir(_mod):
            if _name.startswith("check_"):
                globals()[_name] = getattr(_mod, _name)
                __all__.append(_name)
