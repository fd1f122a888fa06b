"""The groups of lead events the nurture analyses count, in one place.

The polars analyses (:mod:`~mkt_engineering.nurture.timeline`,
:mod:`~mkt_engineering.nurture.cadence`) and their engine twins
(:mod:`mkt_engineering.engines.nurture`) read the same groups, so a lead counts alike
wherever its events live. The events themselves are the ``lead_events`` contract's
(:mod:`mkt_engineering.schemas`).

Examples
--------
>>> "webinar" in ENGAGEMENTS, QUALIFYING
(True, ('mql', 'mqn'))
"""

from __future__ import annotations

#: A lead's responses to nurturing: the engagement a sales contact can be judged by.
ENGAGEMENTS = ("email_open", "email_click", "content_download", "webinar")
#: Marketing qualified: a new lead (MQL) or an existing customer's need (MQN).
QUALIFYING = ("mql", "mqn")
#: Events after which a lead has left the e-mail sequence (qualified, handed over, closed).
LEAVES_SEQUENCE = ("mql", "mqn", "fast_lane", "sales_contact", "disqualified", "won")
