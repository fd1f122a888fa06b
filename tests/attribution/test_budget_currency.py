"""explain_budget speaks in the run's currency, not a hard-coded euro sign."""

from __future__ import annotations

import polars as pl
import pytest

from mkt_engineering.attribution.explain import explain_budget
from mkt_engineering.formatting import currency_for

BUDGET = pl.DataFrame({"channel": ["email", "search"], "cost_per_conversion": [8.5, 1234.0]})


@pytest.mark.parametrize("language", ["en", "de"])
def test_dollar_run_shows_dollars(language):
    text = explain_budget(BUDGET, language, currency=currency_for("USD"))
    expected = ("$8.50", "$1,234.00") if language == "en" else ("8,50 $", "1.234,00 $")
    assert all(amount in text for amount in expected)
    assert "€" not in text


def test_code_and_no_currency():
    assert "CHF 8.50" in explain_budget(BUDGET, currency=currency_for("CHF"))
    plain = explain_budget(BUDGET, "de", currency=currency_for(""))
    assert "(8,50)" in plain and "€" not in plain


def test_the_report_passes_its_currency():
    from pathlib import Path

    notebook = Path(__file__).parents[2] / "notebooks" / "reports" / "attribution.ipynb"
    assert "explain_budget(main_money, language, currency=currency_for(currency))" in (
        notebook.read_text(encoding="utf-8")
    )
