"""`from mkt_engineering.<subpackage> import *` works for every subpackage: every name in a
package's ``__all__`` is defined (a name listed but not imported made the star import raise)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import mkt_engineering

SUBPACKAGES = sorted(
    ["mkt_engineering"]
    + [
        info.name
        for info in pkgutil.walk_packages(mkt_engineering.__path__, "mkt_engineering.")
        if info.ispkg
    ]
)


def test_the_package_has_subpackages():
    assert {"mkt_engineering.attribution", "mkt_engineering.nurture"} <= set(SUBPACKAGES)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_star_import(name):
    namespace: dict = {}
    exec(f"from {name} import *", namespace)  # noqa: S102 - fixed module names, the test itself
    module = importlib.import_module(name)
    missing = [n for n in getattr(module, "__all__", []) if n not in namespace]
    assert not missing, f"{name}.__all__ lists undefined names: {missing}"
