"""The A/B texts a report shows: names from the data stay text, and no 'nan' reaches a reader."""

from __future__ import annotations

import numpy as np
import polars as pl

from mkt_engineering.experiments import AnalysisPlan, analyze
from mkt_engineering.experiments.explain import explain_analysis, explain_segments
from mkt_engineering.reporting.safe_html import markdown_html

LINK_METRIC = "[win](https:evil.example)"  # no "/": that would declare a ratio


def _units(n: int = 4000, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    variant = np.where(np.arange(n) % 2 == 0, "control", "treatment")
    rate = np.where(variant == "control", 0.10, 0.12)
    return pl.DataFrame(
        {
            "variant": variant,
            LINK_METRIC: (rng.random(n) < rate).astype(int),
            "device": np.where(rng.random(n) < 0.5, "mobile", "desktop"),
        }
    )


def test_a_metric_named_like_a_link_is_text_in_the_verdict():
    result = analyze(_units(), AnalysisPlan(LINK_METRIC))
    page = markdown_html(explain_analysis(result))
    assert "evil.example" in page  # the name is shown ...
    assert "<a " not in page  # ... but never as a link


def test_segment_lines_never_print_nan():
    segments = pl.DataFrame(
        {"segment": ["device", "country"], "interaction_p_value": [0.2, float("nan")]}
    )
    text = explain_segments(segments)
    assert "nan" not in text.lower()
    assert "country" in text and "no interaction p-value" in text


def test_a_text_covariate_is_named_not_a_failed_cast():
    import pytest

    from mkt_engineering.errors import DataValidationError

    with pytest.raises(DataValidationError, match="'device'.*expected numbers"):
        analyze(_units(), AnalysisPlan(LINK_METRIC, covariates=["device"]))
