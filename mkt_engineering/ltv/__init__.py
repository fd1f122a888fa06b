"""Cohort lifetime value: cohort tables, buy-till-you-die models, CLV, validation, forecasts.

What is a customer worth, by acquisition cohort and channel, and what will each cohort
still bring? Start with `cohort_matrix` and `rfm_summary`, fit a model from
`mkt_engineering.ltv.models`, then value customers with `customer_lifetime_value`.
"""

from mkt_engineering.ltv.models import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeo,
    spend_frequency_check,
)
from mkt_engineering.ltv.rfm import rfm_dropped_customers, rfm_segments, rfm_summary

__all__ = [
    "BetaGeo",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "ShiftedBetaGeo",
    "rfm_dropped_customers",
    "rfm_segments",
    "rfm_summary",
    "spend_frequency_check",
]
