"""Demo A/B test: units with variant, conversion, heavy-tailed revenue, orders per session,
a pre-period covariate (missing for new users), device and country, and the assignment day.

Data-generating process (per unit):

- activity ``a ~ Gamma(1.5, 1/1.5)`` (mean 1): how engaged the user is; drives the rest.
- 30% are new users with no pre-period data (both pre-period columns empty); the others
  have ``pre_sessions = Poisson(6 a)`` and ``pre_revenue = Poisson(0.4 a) x LogNormal(3.6, 1.0)``.
- control conversion probability ``0.02 + 0.075 a`` (+0.02 on desktop), capped at 0.6.
  Treatment adds a device-specific number of points (``TRUE_EFFECT_BY_DEVICE``).
- a converter places ``1 + Poisson(0.25)`` orders; each order is worth
  ``LogNormal(3.6, 1.0)`` euros, so revenue has a long tail. Treatment does not change the
  order value, so the revenue effect comes only through conversion.
- ``sessions = 1 + Poisson(3 a)``, unaffected by treatment.

The truth holds the *expected* effects given the drawn units (the average over units of
the treatment-minus-control expectation), so estimates should cover them at the nominal rate.
``srm_share`` drops that share of treatment units after assignment (a tracking bug), to
demonstrate the sample-ratio check; it is 0 for the demo files.

Examples
--------
>>> data = generate(scale=0.05)
>>> data.tables["experiment"].columns[:4]
['unit_id', 'variant', 'day', 'device']
"""

from __future__ import annotations

import numpy as np
import polars as pl

from mkt_engineering.synthetic.base import SyntheticData

TRUE_EFFECT_BY_DEVICE = {"mobile": 0.012, "desktop": 0.028, "tablet": 0.018}
DEVICE_SHARES = {"mobile": 0.6, "desktop": 0.3, "tablet": 0.1}
COUNTRY_SHARES = {"DE": 0.5, "AT": 0.2, "CH": 0.15, "NL": 0.15}
UNITS_AT_SCALE_1 = 20_000
DAYS = 14
ORDER_VALUE = (3.6, 1.0)  # log-normal mu, sigma of one order's value
EXTRA_ORDERS = 0.25


def generate(*, seed: int = 42, scale: float = 1.0, srm_share: float = 0.0) -> SyntheticData:
    """Generate the experiment family (one table, ``experiment``).

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives identical data.
    scale : float
        Multiplies the 20,000 units of the demo.
    srm_share : float
        Share of treatment units lost after assignment (sample-ratio mismatch); 0 = healthy.
    """
    rng = np.random.default_rng(seed)
    n = max(int(round(UNITS_AT_SCALE_1 * scale)), 40)
    treated = rng.random(n) < 0.5
    device = rng.choice(list(DEVICE_SHARES), size=n, p=list(DEVICE_SHARES.values()))
    country = rng.choice(list(COUNTRY_SHARES), size=n, p=list(COUNTRY_SHARES.values()))
    day = rng.integers(1, DAYS + 1, size=n)
    activity = rng.gamma(1.5, 1 / 1.5, size=n)
    new_user = rng.random(n) < 0.3
    pre_sessions = rng.poisson(6 * activity).astype(float)
    pre_orders = rng.poisson(0.4 * activity)
    pre_revenue = np.round(pre_orders * rng.lognormal(*ORDER_VALUE, size=n), 2)

    p_control = np.minimum(0.02 + 0.075 * activity + 0.02 * (device == "desktop"), 0.6)
    lift = np.vectorize(TRUE_EFFECT_BY_DEVICE.get)(device)
    p_unit = p_control + treated * lift
    converted = (rng.random(n) < p_unit).astype(np.int64)
    orders = converted * (1 + rng.poisson(EXTRA_ORDERS, size=n))
    # sum of `orders` log-normal order values: draw the largest number needed, mask the rest
    values = rng.lognormal(*ORDER_VALUE, size=(n, max(int(orders.max()), 1)))
    revenue = np.round((values * (np.arange(values.shape[1]) < orders[:, None])).sum(axis=1), 2)
    sessions = 1 + rng.poisson(3 * activity)

    keep = ~(treated & (rng.random(n) < srm_share))
    frame = (
        pl.DataFrame(
            {
                "unit_id": [f"u{i:06d}" for i in range(n)],
                "variant": np.where(treated, "treatment", "control"),
                "day": day,
                "device": device,
                "country": country,
                "converted": converted,
                "orders": orders,
                "sessions": sessions,
                "revenue": revenue,
                "pre_sessions": pre_sessions,
                "pre_revenue": pre_revenue,
            }
        )
        .with_columns(
            pl.when(pl.Series(new_user)).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("pre_sessions", "pre_revenue")
        )
        .with_columns(pl.col("pre_sessions").cast(pl.Int64))
        .filter(pl.Series(keep))
    )
    truth = _truth(p_control[keep], lift[keep], activity[keep], srm_share, seed)
    return SyntheticData("experiment", {"experiment": frame}, truth)


def _truth(p_control, lift, activity, srm_share: float, seed: int) -> dict:
    """Expected effects over the drawn units (what an unbiased estimator targets)."""
    mean_order_value = float(np.exp(ORDER_VALUE[0] + ORDER_VALUE[1] ** 2 / 2))
    orders_per_converter = 1 + EXTRA_ORDERS
    expected_sessions = float(np.mean(1 + 3 * activity))
    conversion_effect = float(lift.mean())
    base = float(p_control.mean())
    return {
        "seed": seed,
        "units": int(p_control.size),
        "days": DAYS,
        "control": "control",
        "planned_split": {"control": 0.5, "treatment": 0.5},
        "srm_share": srm_share,
        "effects": {
            "converted": {
                "absolute": conversion_effect,
                "relative": conversion_effect / base,
                "control_mean": base,
            },
            "revenue": {
                "absolute": conversion_effect * orders_per_converter * mean_order_value,
                "relative": conversion_effect / base,
                "control_mean": base * orders_per_converter * mean_order_value,
            },
            "orders_per_session": {
                "absolute": conversion_effect * orders_per_converter / expected_sessions,
                "relative": conversion_effect / base,
                "control_mean": base * orders_per_converter / expected_sessions,
            },
            "sessions": {"absolute": 0.0, "relative": 0.0, "control_mean": expected_sessions},
        },
        "conversion_effect_by_device": TRUE_EFFECT_BY_DEVICE,
        "conversion_effect_by_device_note": "absolute points added to each unit's conversion "
        "probability",
        "covariates": "pre_sessions, pre_revenue (both empty for new users, about 30%)",
    }
