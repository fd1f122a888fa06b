"""Every lesson's checks, loaded by name: for the guide, the translations and the numbers.

Loading a ``*_checks`` module registers its checks' answer names and hint ladders
(`mkt_engineering.teaching.ladder`). Modules that need all of them call `lesson_checks`
instead of importing the ``teaching`` package, which imports them back (an import cycle).

Examples
--------
>>> "check_search_leads" in lesson_checks()
True
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

PACKAGE = "mkt_engineering.teaching"


@cache
def lesson_checks() -> dict[str, Callable]:
    """Every ``check_*`` function of the lessons' check modules, by name.

    Returns
    -------
    dict of str to callable
        Check name -> check function, from each ``<lesson>_checks`` module of the package.
    """
    found: dict[str, Callable] = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.endswith("_checks"):
            loaded = importlib.import_module(f"{PACKAGE}.{module.name}")
            found.update(
                (name, getattr(loaded, name))
                for name in dir(loaded)
                if name.startswith("check_") and callable(getattr(loaded, name))
            )
    return found
