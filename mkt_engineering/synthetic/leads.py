"""Lead events: nurturing, qualification, sales handoff and outcomes, with known truth.

Each lead is created by content between January 2025 and March 2026 and nurtured by an
e-mail sequence. Competing clocks run from creation: becoming ready (MQL, or MQN for
existing customers; Weibull time, only for the "susceptible" share), unsubscribing (hazard
grows with e-mail frequency), disqualification, a fast-lane request (call or price) and, for
some sources, a premature sales call. The first clock to ring ends nurturing. Data are cut at
2026-03-31, so late leads are censored, exactly as in a real export.

Built-in effects (all in ``truth``):

- **cure fraction**: only a persona-dependent share ever becomes ready;
- **speed**: personas and sources scale the Weibull time to MQL (log-linear, AFT form);
- **green banana**: a sales contact before readiness multiplies the odds of winning by
  ``exp(green_banana_log_odds)``, given persona, source and customer status;
- **fast lane**: the win probability falls with the hours from request to contact;
- **fatigue**: the daily unsubscribe hazard grows with e-mails per week;
- **recycling**: leads not ready go back to nurturing and become ready again later;
- **re-entry**: won customers get an MQN for repurchase later (`renurture_truth` lists
  each order and that MQN);
- **no e-mail**: leads without an address get no e-mails, never reach MQL, and can
  only convert through the fast lane or offline.

Examples
--------
>>> data = generate(seed=1, scale=0.05)
>>> sorted(data.tables)
['lead_events', 'leads']
>>> data.truth["green_banana_log_odds"]
-1.1
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from mkt_engineering.synthetic.base import SyntheticData

START = datetime(2025, 1, 1)
CUTOFF = datetime(2026, 3, 31)
PERSONAS = ("it_manager", "developer", "cfo", "procurement")
PERSONA_SHARE = (0.35, 0.3, 0.2, 0.15)
SOURCES = ("whitepaper", "webinar", "trade_fair", "search_ad", "referral")
SOURCE_SHARE = (0.3, 0.2, 0.15, 0.25, 0.1)
# incidence (ever ready) on the logit scale: intercept + persona + existing customer
INCIDENCE_INTERCEPT = 0.4
INCIDENCE_PERSONA = {"it_manager": 0.0, "developer": -0.3, "cfo": -0.8, "procurement": -1.2}
INCIDENCE_CUSTOMER = 0.6
# Weibull latency of the ready ones: log(scale) = base + persona + source (days)
WEIBULL_SHAPE = 1.4
LOG_SCALE_BASE = float(np.log(28.0))
LOG_SCALE_PERSONA = {"it_manager": 0.0, "developer": 0.25, "cfo": 0.45, "procurement": 0.7}
LOG_SCALE_SOURCE = {
    "whitepaper": 0.0,
    "webinar": -0.35,
    "trade_fair": -0.1,
    "search_ad": 0.3,
    "referral": -0.2,
}
EMAILS_PER_WEEK = (1, 2, 3, 5)
EMAILS_PER_WEEK_SHARE = (0.3, 0.35, 0.2, 0.15)
SEQUENCE_LENGTH = 5  # e-mails in the nurturing sequence
UNSUBSCRIBE_BASE = 0.0012  # daily hazard at one e-mail a week; grows with frequency**1.5
DISQUALIFY_RATE = 0.0012
FAST_LANE_RATE = 0.0012
FAST_LANE_RATE_NO_EMAIL = 0.004
EARLY_CALL_SHARE = {
    "whitepaper": 0.15,
    "webinar": 0.12,
    "trade_fair": 0.5,
    "search_ad": 0.35,
    "referral": 0.2,
}
EARLY_CALL_WINDOW = (2.0, 60.0)
# win model at the first sales contact (logit)
WIN_INTERCEPT = 0.2
WIN_PERSONA = {"it_manager": 0.0, "developer": -0.2, "cfo": 0.3, "procurement": -0.4}
WIN_SOURCE = {
    "whitepaper": 0.0,
    "webinar": 0.2,
    "trade_fair": -0.3,
    "search_ad": -0.2,
    "referral": 0.5,
}
WIN_CUSTOMER = 0.4
GREEN_BANANA = -1.1
FAST_WIN_INTERCEPT = 0.8
FAST_WIN_PER_HOUR = -0.03
FAST_CONTACT_HOURS_MEAN = 20.0
HAS_EMAIL_SHARE = 0.9
OFFLINE_WIN_SHARE = 0.06  # leads without e-mail who buy offline without a sales contact
OPEN_RATE = 0.22
OPEN_HOUR = {
    h: m
    for h, m in zip(
        range(7, 20), (0.8, 1.2, 1.4, 1.3, 1.1, 0.9, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.6), strict=True
    )
}
OPEN_WEEKDAY = (1.0, 1.15, 1.15, 1.1, 0.9, 0.6, 0.6)  # Monday .. Sunday
OPEN_DELAY_MEAN_DAYS = 0.6
CLICK_GIVEN_OPEN = 0.25
RECYCLE_READY_MEAN_DAYS = 50.0
REENTRY_SHARE = 0.5
REENTRY_MEAN_DAYS = 120.0


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _lookup(table: dict[str, float], keys: np.ndarray, order: tuple[str, ...]) -> np.ndarray:
    return np.array([table[k] for k in order])[keys]


def _latent(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Attributes and the competing clocks (days from creation) of n leads."""
    persona = rng.choice(len(PERSONAS), n, p=PERSONA_SHARE)
    source = rng.choice(len(SOURCES), n, p=SOURCE_SHARE)
    customer = rng.random(n) < 0.15
    has_email = rng.random(n) < HAS_EMAIL_SHARE
    per_week = np.array(EMAILS_PER_WEEK)[rng.choice(4, n, p=EMAILS_PER_WEEK_SHARE)]
    incidence = _logistic(
        INCIDENCE_INTERCEPT
        + _lookup(INCIDENCE_PERSONA, persona, PERSONAS)
        + INCIDENCE_CUSTOMER * customer
    )
    ready = (rng.random(n) < incidence) & has_email
    scale = np.exp(
        LOG_SCALE_BASE
        + _lookup(LOG_SCALE_PERSONA, persona, PERSONAS)
        + _lookup(LOG_SCALE_SOURCE, source, SOURCES)
    )
    t_ready = np.where(ready, scale * rng.weibull(WEIBULL_SHAPE, n), np.inf)
    sequence_days = SEQUENCE_LENGTH * 7.0 / per_week
    t_unsub = rng.exponential(1.0 / (UNSUBSCRIBE_BASE * per_week**1.5))
    t_unsub = np.where(has_email & (t_unsub < sequence_days), t_unsub, np.inf)
    t_disq = rng.exponential(1.0 / DISQUALIFY_RATE, n)
    t_fast = rng.exponential(1.0 / np.where(has_email, FAST_LANE_RATE, FAST_LANE_RATE_NO_EMAIL))
    early = rng.random(n) < _lookup(EARLY_CALL_SHARE, source, SOURCES)
    t_early = np.where(early & has_email, rng.uniform(*EARLY_CALL_WINDOW, n), np.inf)
    clocks = np.column_stack([t_ready, t_unsub, t_disq, t_fast, t_early])
    return {
        "persona": persona,
        "source": source,
        "customer": customer,
        "has_email": has_email,
        "per_week": per_week,
        "incidence": incidence,
        "ready": ready,
        "t_ready": t_ready,
        "clocks": clocks,
        "exit_time": clocks.min(axis=1),
        "exit_kind": clocks.argmin(axis=1),
    }


EXIT_KINDS = ("ready", "unsubscribed", "disqualified", "fast_lane", "early_contact")


def _truth_cumulative_incidence(seed: int) -> dict[str, dict[str, float]]:
    """Population cumulative incidence of each nurturing exit (leads with e-mail), by Monte
    Carlo."""
    latent = _latent(np.random.default_rng(seed + 10_000), 200_000)
    keep = latent["has_email"]
    exit_time, kind = latent["exit_time"][keep], latent["exit_kind"][keep]
    return {
        EXIT_KINDS[k]: {
            str(h): round(float(np.mean((kind == k) & (exit_time <= h))), 4)
            for h in (30, 60, 90, 180)
        }
        for k in range(4)
    }


def _win_logit(latent: dict[str, np.ndarray]) -> np.ndarray:
    return (
        WIN_INTERCEPT
        + _lookup(WIN_PERSONA, latent["persona"], PERSONAS)
        + _lookup(WIN_SOURCE, latent["source"], SOURCES)
        + WIN_CUSTOMER * latent["customer"]
    )


def _score(
    latent: dict[str, np.ndarray], cured_ceiling: np.ndarray, lead: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """Lead score at time t: reaches 60 exactly when the lead becomes ready."""
    t_ready = latent["t_ready"][lead]
    rising = 60.0 * np.power(
        np.clip(t, 0, None) / np.where(np.isfinite(t_ready), t_ready, 1.0), 0.8
    )
    flat = cured_ceiling[lead] * (1.0 - np.exp(-np.clip(t, 0, None) / 20.0))
    return np.round(np.clip(np.where(np.isfinite(t_ready), rising, flat), 0, 100))


class _Events:
    """Collects (lead, day, event) triples from vectorized pieces."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, str]] = []

    def add(self, lead: np.ndarray, day: np.ndarray, event: str) -> None:
        self.parts.append((lead, day, event))


def _sales_outcomes(rng, events, lead, contact_day, win_probability, lost_share):
    """Opportunity, won or lost, or recycling after a sales contact.

    Returns (won, recycled, day).
    """
    n = lead.size
    won = rng.random(n) < win_probability
    to_opportunity = won | (rng.random(n) < lost_share)
    events.add(
        lead[to_opportunity],
        contact_day[to_opportunity] + rng.gamma(2.0, 3.0, to_opportunity.sum()),
        "opportunity",
    )
    close_day = contact_day + 7.0 + rng.gamma(2.0, 12.0, n)
    events.add(lead[won], close_day[won], "won")
    events.add(lead[to_opportunity & ~won], close_day[to_opportunity & ~won], "lost")
    recycled = ~to_opportunity
    recycle_day = contact_day + 3.0 + rng.gamma(2.0, 1.5, n)
    events.add(lead[recycled], recycle_day[recycled], "recycled")
    return won, recycled, np.where(won, close_day, recycle_day)


def _emails(rng, events, latent, created_day):
    """The nurturing sequence: sends until nurturing ends, opens by send time, clicks."""
    n_leads = latent["per_week"].size
    gap = 7.0 / latent["per_week"]
    n_sends = np.where(
        latent["has_email"], np.minimum(SEQUENCE_LENGTH, np.ceil(latent["exit_time"] / gap)), 0
    ).astype(int)
    lead = np.repeat(np.arange(n_leads), n_sends)
    k = np.arange(lead.size) - np.repeat(np.cumsum(n_sends) - n_sends, n_sends)
    hour = rng.integers(7, 20, lead.size)
    # sends go out at office hours of the calendar day, so weekday and hour are real
    calendar_day = np.floor(created_day[lead] + 0.6 + k * gap[lead])
    day = calendar_day + hour / 24.0 + rng.integers(0, 60, lead.size) / 1440.0 - created_day[lead]
    day = np.where(day > 0.01, day, day + 1.0)  # never before the lead exists
    sent = day < latent["exit_time"][lead]  # the sequence stops when nurturing ends
    lead, day, hour = lead[sent], day[sent], hour[sent]
    calendar_day = calendar_day[sent]
    events.add(lead, day, "email_sent")
    weekday = (START.weekday() + calendar_day.astype(int)) % 7
    hour_mult = np.array([OPEN_HOUR[h] for h in range(7, 20)])[hour - 7]
    p_open = (
        OPEN_RATE
        * hour_mult
        * np.array(OPEN_WEEKDAY)[weekday]
        * np.where(latent["ready"][lead], 1.3, 0.8)
    )
    opened = rng.random(lead.size) < p_open
    open_day = day + rng.exponential(OPEN_DELAY_MEAN_DAYS, lead.size)
    opened &= open_day < latent["exit_time"][lead]
    events.add(lead[opened], open_day[opened], "email_open")
    clicked = opened & (rng.random(lead.size) < CLICK_GIVEN_OPEN)
    events.add(
        lead[clicked], open_day[clicked] + rng.exponential(0.01, lead.size)[clicked], "email_click"
    )


def _engagements(rng, events, latent):
    horizon = np.minimum(latent["exit_time"], 180.0)
    rate = np.where(latent["ready"], 0.05, 0.015)
    count = rng.poisson(rate * horizon)
    lead = np.repeat(np.arange(count.size), count)
    day = rng.uniform(0, 1, lead.size) * horizon[lead]
    webinar = rng.random(lead.size) < 0.3
    events.add(lead[webinar], day[webinar], "webinar")
    events.add(lead[~webinar], day[~webinar], "content_download")


def _qualify(events, latent, lead, day):
    """MQL for new leads, MQN (marketing qualified need) for existing customers."""
    customer = latent["customer"][lead]
    events.add(lead[~customer], day[~customer], "mql")
    events.add(lead[customer], day[customer], "mqn")


def _process(rng, events, latent):
    """Everything that follows the end of nurturing. Returns facts for the truth."""
    n = latent["exit_kind"].size
    idx = np.arange(n)
    kind, exit_time = latent["exit_kind"], latent["exit_time"]
    ready = idx[kind == 0]
    _qualify(events, latent, ready, exit_time[ready])
    contact = exit_time[ready] + rng.exponential(3.0, ready.size)
    events.add(ready, contact, "sales_contact")
    won_r, rec_r, day_r = _sales_outcomes(
        rng, events, ready, contact, _logistic(_win_logit(latent)[ready]), 0.7
    )
    # recycled ready leads are ready again after a while, called again, then lost
    again = ready[rec_r]
    again_day = day_r[rec_r] + rng.gamma(2.0, RECYCLE_READY_MEAN_DAYS / 2.0, again.size)
    _qualify(events, latent, again, again_day)
    events.add(again, again_day + 2.0, "sales_contact")
    events.add(again, again_day + 20.0, "lost")

    early = idx[kind == 4]
    events.add(early, exit_time[early], "sales_contact")
    p_early = _logistic(_win_logit(latent)[early] + GREEN_BANANA)
    won_e, rec_e, day_e = _sales_outcomes(rng, events, early, exit_time[early], p_early, 0.5)
    # recycled green bananas become ready on their own clock (if ever), are called, and lost
    back = early[rec_e & np.isfinite(latent["t_ready"][early]) & (latent["t_ready"][early] > day_e)]
    _qualify(events, latent, back, latent["t_ready"][back])
    events.add(back, latent["t_ready"][back] + 2.0, "sales_contact")
    events.add(back, latent["t_ready"][back] + 25.0, "lost")

    fast = idx[kind == 3]
    events.add(fast, exit_time[fast], "fast_lane")
    hours = np.round(rng.exponential(FAST_CONTACT_HOURS_MEAN, fast.size) + 0.25, 2)
    events.add(fast, exit_time[fast] + hours / 24.0, "sales_contact")
    won_f, _, day_f = _sales_outcomes(
        rng,
        events,
        fast,
        exit_time[fast] + hours / 24.0,
        _logistic(FAST_WIN_INTERCEPT + FAST_WIN_PER_HOUR * hours),
        0.8,
    )

    for code, name in ((1, "unsubscribed"), (2, "disqualified")):
        events.add(idx[kind == code], exit_time[kind == code], name)
    # leads without e-mail who buy offline, without any sales contact
    offline = idx[~latent["has_email"] & (kind != 3) & (rng.random(n) < OFFLINE_WIN_SHARE)]
    events.add(offline, rng.uniform(10, 200, offline.size), "won")

    won_day = np.full(n, np.inf)
    won_day[ready[won_r]] = day_r[won_r]
    won_day[early[won_e]] = day_e[won_e]
    won_day[fast[won_f]] = day_f[won_f]
    reenter = np.isfinite(won_day) & (rng.random(n) < REENTRY_SHARE)
    # re-nurturing after the order: the customer's MQN of the next cycle (truth kept below)
    reentry_day = np.full(n, np.inf)
    reentry_day[reenter] = won_day[reenter] + rng.exponential(REENTRY_MEAN_DAYS, reenter.sum())
    events.add(idx[reenter], reentry_day[reenter], "mqn")
    return {
        "won_day": won_day,
        "reentry_day": reentry_day,
        "early": early,
        "won_early": won_e,
        "ready_contacted": ready,
        "won_ready": won_r,
    }


def _frame(events: _Events, latent, created_day, cured_ceiling, won_day) -> pl.DataFrame:
    lead = np.concatenate([p[0] for p in events.parts] + [np.arange(created_day.size)])
    day = np.concatenate([p[1] for p in events.parts] + [np.zeros(created_day.size)])
    name = np.concatenate(
        [np.full(p[0].size, p[2]) for p in events.parts] + [np.full(created_day.size, "created")]
    )
    absolute = created_day[lead] + day
    horizon = (CUTOFF - START).total_seconds() / 86400.0
    keep = absolute <= horizon
    lead, day, name, absolute = lead[keep], day[keep], name[keep], absolute[keep]
    seconds = np.round(absolute * 86400.0).astype(np.int64)
    score = _score(latent, cured_ceiling, lead, day)
    is_customer = latent["customer"][lead] | (day > won_day[lead])
    frame = pl.DataFrame(
        {
            "lead_id": np.char.add("l", np.char.zfill(lead.astype(str), 5)),
            "seconds": seconds,
            "event": name,
            "persona": np.array(PERSONAS)[latent["persona"][lead]],
            "source": np.array(SOURCES)[latent["source"][lead]],
            "is_customer": is_customer,
            "score": score,
        }
    )
    order = {
        e: i
        for i, e in enumerate(
            (
                "created",
                "email_sent",
                "email_open",
                "email_click",
                "content_download",
                "webinar",
                "fast_lane",
                "mql",
                "mqn",
                "sales_contact",
                "opportunity",
                "recycled",
                "won",
                "lost",
                "unsubscribed",
                "disqualified",
            )
        )
    }
    return (
        frame.with_columns(
            timestamp=pl.lit(START, dtype=pl.Datetime("us"))
            + pl.duration(seconds=pl.col("seconds")),
            _order=pl.col("event").replace_strict(order, return_dtype=pl.Int8),
        )
        .sort("lead_id", "seconds", "_order")
        .select("lead_id", "timestamp", "event", "persona", "source", "is_customer", "score")
    )


def _truth(seed: int, latent, facts) -> dict:
    early, ready = facts["early"], facts["ready_contacted"]
    logit_early = _win_logit(latent)[early]
    return {
        "cutoff": CUTOFF.isoformat(),
        "personas": list(PERSONAS),
        "sources": list(SOURCES),
        "has_email_share": HAS_EMAIL_SHARE,
        "incidence": {
            "note": "P(ever MQL/MQN) of leads with e-mail; logit = intercept + persona + customer",
            "intercept": INCIDENCE_INTERCEPT,
            "persona": INCIDENCE_PERSONA,
            "customer": INCIDENCE_CUSTOMER,
            "by_persona_non_customer": {
                p: round(float(_logistic(np.array(INCIDENCE_INTERCEPT + v))), 4)
                for p, v in INCIDENCE_PERSONA.items()
            },
            "population_share": round(float(latent["incidence"][latent["has_email"]].mean()), 4),
        },
        "cure_fraction": round(1.0 - float(latent["incidence"][latent["has_email"]].mean()), 4),
        "latency": {
            "note": "Weibull days to MQL of leads that become ready; "
            "log(scale) = base + persona + source",
            "shape": WEIBULL_SHAPE,
            "log_scale_base": round(LOG_SCALE_BASE, 6),
            "log_scale_persona": LOG_SCALE_PERSONA,
            "log_scale_source": LOG_SCALE_SOURCE,
            "median_days_it_manager_whitepaper": round(
                float(np.exp(LOG_SCALE_BASE) * np.log(2) ** (1 / WEIBULL_SHAPE)), 3
            ),
        },
        "competing_risks": {
            "note": "cumulative incidence of the first exit from nurturing, leads with e-mail, "
            "no censoring",
            "unsubscribe_daily_hazard_by_emails_per_week": {
                str(f): round(UNSUBSCRIBE_BASE * f**1.5, 6) for f in EMAILS_PER_WEEK
            },
            "sequence_length_emails": SEQUENCE_LENGTH,
            "disqualify_daily_hazard": DISQUALIFY_RATE,
            "fast_lane_daily_hazard": {
                "with_email": FAST_LANE_RATE,
                "without_email": FAST_LANE_RATE_NO_EMAIL,
            },
            "cumulative_incidence": _truth_cumulative_incidence(seed),
        },
        "green_banana_log_odds": GREEN_BANANA,
        "green_banana": {
            "note": "log-odds of winning at a sales contact before readiness vs after, "
            "given persona, source, customer",
            "odds_ratio": round(float(np.exp(GREEN_BANANA)), 4),
            "risk_difference_among_early_contacts": round(
                float(np.mean(_logistic(logit_early + GREEN_BANANA) - _logistic(logit_early))), 4
            ),
            "early_call_share_by_source": EARLY_CALL_SHARE,
        },
        "win_model": {
            "intercept": WIN_INTERCEPT,
            "persona": WIN_PERSONA,
            "source": WIN_SOURCE,
            "customer": WIN_CUSTOMER,
        },
        "fast_lane": {
            "win_intercept": FAST_WIN_INTERCEPT,
            "win_log_odds_per_hour": FAST_WIN_PER_HOUR,
            "contact_hours_mean": FAST_CONTACT_HOURS_MEAN,
        },
        "email": {
            "open_rate_base": OPEN_RATE,
            "hour_multiplier": {str(h): m for h, m in OPEN_HOUR.items()},
            "weekday_multiplier_mon_to_sun": list(OPEN_WEEKDAY),
            "open_delay_mean_days": OPEN_DELAY_MEAN_DAYS,
            "click_given_open": CLICK_GIVEN_OPEN,
        },
        "recycling": {"ready_again_mean_days_after_ready_path": RECYCLE_READY_MEAN_DAYS},
        "reentry": {"share_of_won": REENTRY_SHARE, "mean_days_to_mqn": REENTRY_MEAN_DAYS},
        "offline_win_share_without_email": OFFLINE_WIN_SHARE,
        "counts": {
            "leads": int(latent["persona"].size),
            "early_contacts": int(early.size),
            "ready_contacts": int(ready.size),
        },
    }


def generate(*, seed: int = 42, scale: float = 1.0) -> SyntheticData:
    """Lead events and lead attributes with known timing, cure, competing-risk and handoff truth.

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives identical tables.
    scale : float
        Size multiplier; 1 gives 1,800 leads (about 19,000 events).

    Returns
    -------
    SyntheticData
        Family ``leads``: ``lead_events`` (contract lead_events) and ``leads``
        (lead_id, persona, source, is_customer, has_email; no addresses).
    """
    latent, created_day, facts, lead_events = _simulate(seed, scale)
    n = created_day.size
    leads = pl.DataFrame(
        {
            "lead_id": np.char.add("l", np.char.zfill(np.arange(n).astype(str), 5)),
            "persona": np.array(PERSONAS)[latent["persona"]],
            "source": np.array(SOURCES)[latent["source"]],
            "is_customer": latent["customer"],
            "has_email": latent["has_email"],
        }
    )
    return SyntheticData(
        "leads", {"lead_events": lead_events, "leads": leads}, _truth(seed, latent, facts)
    )


def _simulate(seed: int, scale: float):
    """The latent draws, creation days, process facts and event log of one seed and scale."""
    rng = np.random.default_rng(seed)
    n = max(50, int(round(1800 * scale)))
    latent = _latent(rng, n)
    horizon_days = (
        datetime(2026, 3, 20) - START
    ).days  # leads keep coming until shortly before the cut
    created_day = rng.integers(0, horizon_days, n) + rng.integers(8 * 60, 18 * 60, n) / 1440.0
    cured_ceiling = rng.uniform(15, 58, n)
    events = _Events()
    _emails(rng, events, latent, created_day)
    _engagements(rng, events, latent)
    facts = _process(rng, events, latent)
    lead_events = _frame(events, latent, created_day, cured_ceiling, facts["won_day"])
    return latent, created_day, facts, lead_events


def renurture_truth(*, seed: int = 42, scale: float = 1.0) -> pl.DataFrame:
    """The generator's truth of re-nurturing: per customer won in sales, the order and MQN.

    Every order in sales opens a re-nurture cycle; a share ``REENTRY_SHARE`` of these
    customers reaches MQN again after an exponential wait (mean ``REENTRY_MEAN_DAYS``).
    Dates after the data cut are left empty, as the event log leaves them out.

    Parameters
    ----------
    seed, scale : int, float
        As for `generate`; the same values give the same leads.

    Returns
    -------
    DataFrame
        lead_id, ordered_at and mqn_again_at (null when not reached by the cut), one row per
        lead won after a sales contact (leads buying offline are not re-nurtured).

    Examples
    --------
    >>> truth = renurture_truth(seed=1, scale=0.05)
    >>> truth.columns
    ['lead_id', 'ordered_at', 'mqn_again_at']
    >>> bool((truth["mqn_again_at"] > truth["ordered_at"]).all())
    True
    """
    _, created_day, facts, _ = _simulate(seed, scale)
    horizon = (CUTOFF - START).total_seconds() / 86400.0
    frame = pl.DataFrame(
        {
            "lead": np.arange(created_day.size),
            "ordered": created_day + facts["won_day"],
            "mqn_again": created_day + facts["reentry_day"],
        }
    ).filter(pl.col("ordered") <= horizon)
    start = pl.lit(START, dtype=pl.Datetime("us"))

    def at(day: str) -> pl.Expr:
        # the event log's timestamps: whole seconds after START, cut at the horizon
        seconds = (pl.col(day) * 86400.0).round().cast(pl.Int64)
        return pl.when(pl.col(day) <= horizon).then(start + pl.duration(seconds=seconds))

    return frame.select(
        ("l" + pl.col("lead").cast(pl.String).str.zfill(5)).alias("lead_id"),
        at("ordered").alias("ordered_at"),
        at("mqn_again").alias("mqn_again_at"),
    )
