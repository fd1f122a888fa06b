"""The pre-registered analysis plan: written down before the data are seen, hashed, and
stored with the report, so anyone can check the analysis followed it.

`AnalysisPlan` holds everything the plan fixes (metrics and their roles, the level, the
minimum effect worth shipping, the planned sample and split, covariates, segments, the
day column, the correction). `analyze`, `analyze_totals`, `plan_hash` and `plan_table`
take it whole; a report builds it once from its parameters with
`AnalysisPlan.from_parameters`.

Examples
--------
>>> plan = AnalysisPlan("converted", mde=0.015, guardrails=["sessions"])
>>> plan.metrics, plan.guardrails
(('converted',), ('sessions',))
>>> len(plan_hash(plan))
12
>>> plan_hash(plan) == plan_hash(AnalysisPlan("converted", mde=0.015, alpha=0.01))
False
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mkt_engineering.errors import ParameterError
from mkt_engineering.experiments.design import sample_size

CORRECTIONS = ("holm", "bonferroni", "bh", "none")
# Fields added after the first plans were fingerprinted: at their default they stay out of
# the fingerprint, so a plan written before they existed keeps its hash.
_LATER_FIELDS = {"correction": "holm", "min_srm_deviation": None}


@dataclass(frozen=True)
class AnalysisPlan:
    """What the analysis of one experiment is fixed to before its data are read.

    Parameters
    ----------
    primary_metric : str
        THE metric the decision rests on. 0/1 columns are tested as rates; ``"a/b"``
        declares a ratio metric (orders per session).
    secondary_metrics : sequence of str
        Further declared metrics, corrected for testing several at once.
    guardrails : sequence of str
        Metrics that must not get worse (higher is better assumed).
    guardrail_margin : float
        Relative worsening a guardrail may show (0.02 = 2%), from 0 to 1.
    baseline_rate : float, optional
        Expected control value of the primary metric when the test was planned (0 to 1).
    mde : float, optional
        Minimum effect worth shipping, absolute, on the primary metric (> 0).
    alpha : float
        Accepted false-alarm rate, two-sided (0 to 0.5).
    power : float
        Chance to detect an effect of size ``mde`` (0 to 1).
    planned_units_per_arm : int, optional
        Planned sample per arm; reaching it ends the test. None: no planned sample.
    planned_split : mapping of str to float
        Planned share per arm for the sample-ratio check; empty: equal split.
    covariates : sequence of str
        Pre-period columns for CUPED; empty cells mean "no pre-period data".
    segments : sequence of str
        Text columns to break the primary metric down by (always exploratory).
    control : str
        Name of the control arm; ``""`` leaves it to be read from the data (see
        `with_control`).
    day_column : str
        Assignment-day column for the view over time; ``""`` = none.
    correction : {"holm", "bonferroni", "bh", "none"}
        Correction across arms and across secondary metrics.
    min_srm_deviation : float, optional
        Smallest share deviation of an arm that the sample-ratio check blocks on.

    Attributes
    ----------
    metrics : tuple of str
        The primary metric, then the secondary metrics.

    Examples
    --------
    >>> plan = AnalysisPlan("converted", secondary_metrics=["revenue"], alpha=0.01)
    >>> plan.metrics
    ('converted', 'revenue')
    >>> AnalysisPlan("converted", alpha=0.7)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.ParameterError: parameter 'alpha' must be ... at most 0.5, got 0.7
    """

    primary_metric: str
    secondary_metrics: Sequence[str] = ()
    guardrails: Sequence[str] = ()
    guardrail_margin: float = 0.0
    baseline_rate: float | None = None
    mde: float | None = None
    alpha: float = 0.05
    power: float = 0.8
    planned_units_per_arm: int | None = None
    planned_split: Mapping[str, float] | tuple[tuple[str, float], ...] = ()
    covariates: Sequence[str] = ()
    segments: Sequence[str] = ()
    control: str = "control"
    day_column: str | None = ""
    correction: str = "holm"
    min_srm_deviation: float | None = None

    def __post_init__(self) -> None:
        _check_name("primary_metric", self.primary_metric)
        for name in ("secondary_metrics", "guardrails", "covariates", "segments"):
            object.__setattr__(self, name, _names(name, getattr(self, name)))
        object.__setattr__(self, "planned_split", _split(self.planned_split))
        object.__setattr__(self, "day_column", self.day_column or "")
        _check_name("day_column", self.day_column, empty=True)
        _check_name("control", self.control, empty=True)
        _check_number("guardrail_margin", self.guardrail_margin, 0, 1, low_open=False)
        _check_number("baseline_rate", self.baseline_rate, 0, 1, high_open=True, optional=True)
        _check_number("mde", self.mde, 0, math.inf, optional=True)
        _check_number("alpha", self.alpha, 0, 0.5)
        _check_number("power", self.power, 0, 1, high_open=True)
        _check_number("min_srm_deviation", self.min_srm_deviation, 0, 1, optional=True)
        _check_units(self.planned_units_per_arm)
        if self.correction not in CORRECTIONS:
            raise ParameterError(
                f"parameter 'correction' must be one of {', '.join(CORRECTIONS)}, "
                f"got {self.correction!r}"
            )

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> AnalysisPlan:
        """The plan from a report's JSON-shaped parameters (lists, mappings, numbers, text).

        Parameters
        ----------
        parameters : mapping
            Field name -> value, as the report's parameters cell holds them; fields left
            out keep their defaults. ``planned_units_per_arm`` 0 (or missing) is computed
            from ``baseline_rate``, ``mde``, ``alpha`` and ``power`` when both are given.

        Returns
        -------
        AnalysisPlan

        Raises
        ------
        ParameterError
            Naming the parameter: an unknown name (with the closest known one), a missing
            primary metric, or a value of the wrong type or outside its range.

        Examples
        --------
        >>> plan = AnalysisPlan.from_parameters({"primary_metric": "converted",
        ...     "baseline_rate": 0.10, "mde": 0.015, "planned_units_per_arm": 0})
        >>> plan.planned_units_per_arm
        6693
        >>> AnalysisPlan.from_parameters(  # doctest: +ELLIPSIS
        ...     {"primary_metric": "converted", "alfa": 0.1})
        Traceback (most recent call last):
        ...
        mkt_engineering.errors.ParameterError: unknown parameter 'alfa' ... (did you mean 'alpha'?)
        """
        known = [f.name for f in dataclasses.fields(cls)]
        for name in parameters:
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParameterError(f"unknown parameter {name!r} of the analysis plan{hint}")
        if not parameters.get("primary_metric"):
            raise ParameterError(
                "parameter 'primary_metric' is missing: the plan needs the metric the "
                "decision rests on"
            )
        values = dict(parameters)
        if not values.get("planned_units_per_arm"):
            values["planned_units_per_arm"] = None
        plan = cls(**values)
        if plan.planned_units_per_arm is None and plan.required_units_per_arm is not None:
            plan = dataclasses.replace(plan, planned_units_per_arm=plan.required_units_per_arm)
        return plan

    @property
    def metrics(self) -> tuple[str, ...]:
        """The declared metrics: the primary one first, then the secondary ones."""
        return (self.primary_metric, *self.secondary_metrics)

    @property
    def required_units_per_arm(self) -> int | None:
        """Units per arm that ``baseline_rate``, ``mde``, ``alpha`` and ``power`` need.

        None when the plan gives no baseline rate or no minimum effect.
        """
        if self.baseline_rate is None or self.mde is None:
            return None
        try:
            return sample_size(self.baseline_rate, self.mde, alpha=self.alpha, power=self.power)
        except ValueError as error:
            raise ParameterError(
                f"parameters 'baseline_rate' and 'mde' do not describe a rate change: "
                f"{error} Give a baseline_rate + mde below 1."
            ) from None

    def roles(self, exploratory: Sequence[str] = ()) -> list[tuple[str, str]]:
        """Each metric with its role: primary, secondary, guardrail or exploratory.

        Parameters
        ----------
        exploratory : sequence of str
            Metrics looked at outside the plan (they never decide).

        Returns
        -------
        list of (str, str)
            The primary metric first.

        Examples
        --------
        >>> AnalysisPlan("converted", guardrails=["sessions"]).roles(["revenue"])
        [('converted', 'primary'), ('sessions', 'guardrail'), ('revenue', 'exploratory')]
        """
        roles = [(self.primary_metric, "primary")]
        roles += [(m, "secondary") for m in self.secondary_metrics]
        roles += [(m, "guardrail") for m in self.guardrails]
        return roles + [(m, "exploratory") for m in _names("exploratory", exploratory)]

    def with_control(self, control: str) -> AnalysisPlan:
        """The same plan with the control arm named (when the plan left it to the data).

        Parameters
        ----------
        control : str
            The control arm's name in the variant column.

        Returns
        -------
        AnalysisPlan
        """
        return dataclasses.replace(self, control=control)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-shaped items, as it is fingerprinted and stored with a report.

        Returns
        -------
        dict
            Every field (sequences as lists, the split as a mapping); `correction` and
            `min_srm_deviation` only when they differ from their defaults.
        """
        items = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if _LATER_FIELDS.get(field.name, ...) == value:
                continue
            if field.name == "planned_split":
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            items[field.name] = value
        return items


def _check_name(name: str, value: Any, *, empty: bool = False) -> None:
    if not isinstance(value, str) or not (value or empty):
        raise ParameterError(f"parameter {name!r} expects a column or arm name, got {value!r}")


def _names(name: str, values: Any) -> tuple[str, ...]:
    """A list of names as a tuple; a single text is refused (it would read as letters)."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ParameterError(
            f"parameter {name!r} expects a list of names, got {values!r}; write [{values!r}]"
            if isinstance(values, str)
            else f"parameter {name!r} expects a list of names, got {values!r}"
        )
    for value in values:
        if not isinstance(value, str) or not value:
            raise ParameterError(f"parameter {name!r} holds {value!r}, not a name")
    return tuple(values)


def _split(split: Any) -> tuple[tuple[str, float], ...]:
    """The planned split as (arm, share) pairs sorted by arm, so equal plans compare equal."""
    pairs = split.items() if isinstance(split, Mapping) else split
    try:
        pairs = sorted((str(arm), share) for arm, share in pairs)
    except (TypeError, ValueError):
        raise ParameterError(
            f"parameter 'planned_split' expects arm -> share, got {split!r}"
        ) from None
    for arm, share in pairs:
        _check_number(f"planned_split[{arm!r}]", share, 0, math.inf)
    return tuple(pairs)


def _check_number(
    name: str,
    value: Any,
    low: float,
    high: float,
    *,
    low_open: bool = True,
    high_open: bool = False,
    optional: bool = False,
) -> None:
    """Refuse a value that is no finite number in the range (NaN never passes)."""
    if value is None and optional:
        return
    number = isinstance(value, int | float) and not isinstance(value, bool)
    above = number and (value > low if low_open else value >= low)
    below = number and (value < high if high_open else value <= high)
    if not (above and below and math.isfinite(value)):
        lower = "above" if low_open else "at least"
        upper = "below" if high_open else "at most"
        bounds = f"{lower} {low:g}" + ("" if math.isinf(high) else f" and {upper} {high:g}")
        raise ParameterError(f"parameter {name!r} must be a number {bounds}, got {value!r}")


def _check_units(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(
            "parameter 'planned_units_per_arm' must be a whole number of at least 1 (None: "
            f"no planned sample), got {value!r}"
        )


def plan_hash(plan: AnalysisPlan) -> str:
    """Short SHA-256 fingerprint of the plan; any change of the plan changes it.

    Parameters
    ----------
    plan : AnalysisPlan

    Returns
    -------
    str
        The first 12 hexadecimal digits of the SHA-256 of the plan's items as JSON with
        sorted keys.

    Examples
    --------
    >>> plan_hash(AnalysisPlan("converted", mde=0.015))
    '1adeb421cb73'
    """
    text = json.dumps(plan.to_dict(), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def plan_table(plan: AnalysisPlan) -> pl.DataFrame:
    """The plan as a two-column table (item, value) plus its hash, for `save_table`.

    Parameters
    ----------
    plan : AnalysisPlan

    Returns
    -------
    DataFrame
        ``item`` and ``value`` (text; lists and mappings as JSON), the last row the hash.

    Examples
    --------
    >>> plan_table(AnalysisPlan("converted", guardrails=["sessions"])).row(2)
    ('guardrails', '["sessions"]')
    """
    items = {
        **{
            k: v if isinstance(v, str) else json.dumps(v, default=str)
            for k, v in plan.to_dict().items()
        },
        "plan_hash": plan_hash(plan),
    }
    return pl.DataFrame({"item": list(items), "value": list(items.values())})


def outside_plan(names: Sequence[str], plan: AnalysisPlan) -> list[str]:
    """Names analysed that the plan did not declare (to label as exploratory).

    Parameters
    ----------
    names : sequence of str
        Metrics that were analysed.
    plan : AnalysisPlan

    Returns
    -------
    list of str
        The names that are neither the primary or a secondary metric nor a guardrail.

    Examples
    --------
    >>> outside_plan(["converted", "revenue"], AnalysisPlan("converted"))
    ['revenue']
    """
    declared = {*plan.metrics, *plan.guardrails}
    return [n for n in names if n not in declared]
