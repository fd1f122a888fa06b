"""Checks of the ``channel_rules`` a user writes, shared by the polars and the engine paths.

Both :func:`mkt_engineering.attribution.group_channels` and its engine twin
(:mod:`mkt_engineering.engines.paths`) read a string rule as a regular expression; this
module sits below both, so neither imports the other to check a rule.
"""

from __future__ import annotations

import re

from mkt_engineering.errors import ParameterError


def check_channel_pattern(target: str, pattern: str) -> None:
    """Refuse a channel rule that is no valid regular expression, naming its fix.

    Shared by the polars paths and the engine paths, so both refuse a rule alike (a
    ParameterError that says how to escape it, not ``re.error``).

    Parameters
    ----------
    target : str
        The channel the rule maps onto.
    pattern : str
        The rule's regular expression.

    Raises
    ------
    ParameterError
        For a pattern that does not compile.

    Examples
    --------
    >>> check_channel_pattern("social", "facebook|instagram")
    >>> try:
    ...     check_channel_pattern("paid", "google(")
    ... except ParameterError as error:
    ...     print(str(error)[:60])
    channel_rules: the rule for 'paid' is not a valid regular ex
    """
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ParameterError(
            f"channel_rules: the rule for {target!r} is not a valid regular expression "
            f"({pattern!r}: {exc}). Escape special characters such as ( [ + ? with a "
            "backslash, or give a list of exact channel names instead of a pattern."
        ) from None
