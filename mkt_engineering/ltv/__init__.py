"""Cohort lifetime value: cohort tables, buy-till-you-die models, CLV, validation, forecasts.

What is a customer worth, by acquisition cohort and channel, and what will each cohort
still bring? Start with `cohort_matrix` and `rfm_summary`, fit a model from
`mkt_engineering.ltv.models`, then value customers with `customer_lifetime_value` under
one `ValueSettings` (horizon, discount rate, margin, time unit).
Charts are in `mkt_engineering.ltv.charts`, plain-language readings in
`mkt_engineering.ltv.explain`.
"""

from mkt_engineering.ltv.clv import (
    customer_lifetime_value,
    margin_share,
    new_customer_value,
    new_customer_value_interval,
)
from mkt_engineering.ltv.cohorts import cohort_matrix, to_wide
from mkt_engineering.ltv.days import PurchaseDays, purchase_days
from mkt_engineering.ltv.facts import OrderFacts, order_facts
from mkt_engineering.ltv.forecast import acquisition_cost, channel_value, cohort_revenue_forecast
from mkt_engineering.ltv.models import (
    PURCHASE_MODELS,
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeo,
    spend_frequency_check,
)
from mkt_engineering.ltv.rfm import (
    rfm_dropped_customers,
    rfm_segments,
    rfm_summaries,
    rfm_summary,
)
from mkt_engineering.ltv.settings import ValueSettings, monthly_discount
from mkt_engineering.ltv.summary import summarize
from mkt_engineering.ltv.validation import holdout_by_frequency, holdout_metrics, tracking

__all__ = [
    "summarize",
    "PURCHASE_MODELS",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "ModifiedBetaGeo",
    "OrderFacts",
    "ParetoNBD",
    "PurchaseDays",
    "ShiftedBetaGeo",
    "ValueSettings",
    "acquisition_cost",
    "channel_value",
    "cohort_matrix",
    "cohort_revenue_forecast",
    "customer_lifetime_value",
    "holdout_by_frequency",
    "holdout_metrics",
    "margin_share",
    "monthly_discount",
    "new_customer_value",
    "new_customer_value_interval",
    "order_facts",
    "purchase_days",
    "rfm_dropped_customers",
    "rfm_segments",
    "rfm_summaries",
    "rfm_summary",
    "spend_frequency_check",
    "to_wide",
    "tracking",
]
