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
import warnings
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
        if not module.name.endswith("_checks"):
            continue
        try:
            loaded = importlib.import_module(f"{PACKAGE}.{module.name}")
        except Exception as error:  # one broken lesson must not stop every other lesson
            warnings.warn(f"teaching: could not load {module.name}: {error!r}", stacklevel=2)
            continue
        for name in dir(loaded):
            check = getattr(loaded, name)
            if not (name.startswith("check_") and callable(check)):
                continue
            previous = found.get(name)
            if (
                previous is not None
                and previous is not check
                and previous.__module__ != loaded.__name__
            ):
                warnings.warn(
                    f"teaching: {name} of {module.name} replaces the one of "
                    f"{previous.__module__}; give one of them another name.",
                    stacklevel=2,
                )
            found[name] = check
    return found
