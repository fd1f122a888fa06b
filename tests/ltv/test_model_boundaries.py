"""The models' public boundary: what valuation, validation, forecasts and charts read.

The package-wide tests (tests/test_import_graph.py, tests/test_docstrings.py) check that no
module imports another's private names and that the names in ``__all__`` are documented;
these check the array methods the other LTV modules call on a fitted model.
"""

from __future__ import annotations

import inspect

import pytest

from mkt_engineering import ltv

PURCHASE_MODELS = (ltv.BetaGeo, ltv.ModifiedBetaGeo, ltv.ParetoNBD, ltv.BetaGeoBetaBinom)


@pytest.mark.parametrize(
    "model, method",
    [(m, name) for m in PURCHASE_MODELS for name in ("conditional_purchases", "alive_probability")]
    + [(ltv.GammaGamma, "expected_spend_of")],
)
def test_the_array_methods_are_public_and_documented(model, method):
    doc = inspect.getdoc(getattr(model, method)) or ""
    for section in ("Parameters", "Returns", "Examples"):
        assert f"{section}\n---" in doc, f"{model.__name__}.{method}: no {section} section"


def test_purchase_models_leave_valuation_to_the_clv_module():
    """PurchaseModel.clv imported clv inside the function: a cycle clv <-> models.base."""
    assert not hasattr(ltv.BetaGeo, "clv")
