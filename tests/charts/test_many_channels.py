"""Charts of a user's many channels: the LTV:CAC chart keeps the largest and says so."""

from __future__ import annotations

import polars as pl

from mkt_engineering.charts.german import translate_spec


def test_ltv_cac_chart_of_hundreds_of_channels_keeps_the_largest_and_says_so():
    """An export with campaign names as channels: 300 bars would be unreadable."""
    from mkt_engineering.ltv.charts import MAX_LTV_CAC_CHANNELS, ltv_cac_chart

    channels = pl.DataFrame(
        {
            "acquisition_channel": [f"campaign {k:03d}" for k in range(300)],
            "customers": list(range(300)),
            "clv": [10.0] * 300,
            "cac": [8.0] * 300,
            "ltv_cac": [1.25] * 300,
            "payback_month": [3] * 300,
        }
    )
    spec = ltv_cac_chart(channels).to_dict()
    bars = next(rows for rows in spec["datasets"].values() if "acquisition_channel" in rows[0])
    assert len(bars) == MAX_LTV_CAC_CHANNELS
    assert {row["customers"] for row in bars} == set(range(300 - MAX_LTV_CAC_CHANNELS, 300))
    assert "25 channels with the most customers of 300" in spec["title"]["subtitle"]
    german = translate_spec(spec)["title"]["subtitle"]
    assert german.endswith(
        "Die 25 Kanäle mit den meisten Kunden von 300; alle stehen in der Tabelle."
    )
    few = ltv_cac_chart(channels.head(4)).to_dict()
    assert few["title"]["subtitle"] == "Right of the dashed line: value above cost."
