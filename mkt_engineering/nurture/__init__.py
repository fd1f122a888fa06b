"""Nurture timing: funnel stages, time to MQL, handoff timing, cadence, exclusion.

Start with `stage_timeline(lead_events)` (a CRM's wide lifecycle export becomes lead events
with `load_lifecycle`); every other analysis takes its per-lead result
(or the event log itself for cadence). See ``notebooks/reports/nurture_timing.ipynb``.
"""

from __future__ import annotations

from mkt_engineering.nurture.cadence import (
    engagement_decay,
    recycled_ready_again,
    send_time_heatmap,
    unsubscribe_by_frequency,
)
from mkt_engineering.nurture.competing import cumulative_incidence, incidence_at, nurture_exits
from mkt_engineering.nurture.cox import CoxModel
from mkt_engineering.nurture.cure import MixtureCureModel
from mkt_engineering.nurture.cycles import renurture_counts, repeat_cycles
from mkt_engineering.nurture.exclusion import (
    apply_targeting,
    excluded_conversions,
    exclusion_breakdown,
    reach_precision_curve,
)
from mkt_engineering.nurture.funnel import (
    duration_summary,
    stage_conversion,
    stage_durations,
    stage_flows,
)
from mkt_engineering.nurture.handoff import (
    green_banana_effect,
    handoff_rule,
    sales_contacts,
    speed_to_lead,
    win_rate_by_maturity,
)
from mkt_engineering.nurture.predict import expected_qualifications, forecast_open_leads, open_leads
from mkt_engineering.nurture.summary import summarize
from mkt_engineering.nurture.survival import (
    compare_groups,
    kaplan_meier,
    logrank,
    median_survival_time,
    survival_at,
)
from mkt_engineering.nurture.timeline import (
    attach_lead_attributes,
    drop_leads_without_consent,
    stage_timeline,
)
from mkt_engineering.nurture.wide import HUBSPOT_STAGES, lead_events_from_lifecycle, load_lifecycle

__all__ = [
    "HUBSPOT_STAGES",
    "CoxModel",
    "MixtureCureModel",
    "apply_targeting",
    "attach_lead_attributes",
    "drop_leads_without_consent",
    "cumulative_incidence",
    "duration_summary",
    "engagement_decay",
    "excluded_conversions",
    "exclusion_breakdown",
    "expected_qualifications",
    "forecast_open_leads",
    "green_banana_effect",
    "handoff_rule",
    "incidence_at",
    "kaplan_meier",
    "lead_events_from_lifecycle",
    "load_lifecycle",
    "logrank",
    "compare_groups",
    "median_survival_time",
    "nurture_exits",
    "open_leads",
    "reach_precision_curve",
    "recycled_ready_again",
    "renurture_counts",
    "repeat_cycles",
    "sales_contacts",
    "send_time_heatmap",
    "speed_to_lead",
    "stage_conversion",
    "stage_durations",
    "stage_flows",
    "stage_timeline",
    "summarize",
    "survival_at",
    "unsubscribe_by_frequency",
    "win_rate_by_maturity",
]
