"""Pre-aggregated path exports (ChannelAttribution's ``Data.csv`` and the like) as paths.

Tools that export journeys already summed per path write one row per path: the channels
joined by a separator (``"search > email > direct"``, ``"search|email"``) and the counts
of that path. `load_paths` reads such a file onto the ``paths`` contract: the column names
of ChannelAttribution's ``Data.csv`` map without help (:data:`EXPORT_COLUMNS`), the
separator is detected, and equal paths are summed. `reshape_paths` applies the journey
options a touchpoint run has (channel grouping, merging repeats, the last N touches) to
paths that arrive ready-made.

Examples
--------
>>> import polars as pl
>>> export = pl.DataFrame({"path": ["search|email", "search | email", "social"],
...     "total_conversions": [1, 2, 0], "total_conversion_value": [50.0, 70.0, 0.0],
...     "total_null": [3, 0, 5]})
>>> load_paths(export).frame.rows()
[(['search', 'email'], 3.0, 120.0, 3.0), (['social'], 0.0, 0.0, 5.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from mkt_engineering.attribution.paths import as_paths, group_channels, paths_from_strings
from mkt_engineering.errors import ParameterError
from mkt_engineering.io import LoadResult, Source, load_table, read_header

# Column names of path exports -> the paths contract. ChannelAttribution (R and Python)
# writes path, total_conversions, total_conversion_value, total_null; others use the
# plain names. Only names the file has and the user did not map are used.
EXPORT_COLUMNS = {
    "total_conversions": "conversions",
    "total_conversion_value": "value",
    "total_null": "non_conversions",
    "channel_path": "path",
    "conversion_value": "value",
    "null_conversions": "non_conversions",
}

# Separators that are detected; "/" and "-" are left out on purpose: they occur inside
# channel names ("google / cpc", "e-mail").
SEPARATORS = ("->", "=>", ">", "→", "|", ",", ";", "+")


def load_paths(
    source: Source,
    columns: dict[str, str] | None = None,
    sep: str = "",
    **options: Any,
) -> LoadResult:
    """Read a pre-aggregated path export as the canonical paths frame.

    Parameters
    ----------
    source : path, DataFrame or LazyFrame
        One row per path (equal paths are summed), as read by `io.load_table`.
    columns : dict, optional
        Your column name -> contract name (path, conversions, value, non_conversions).
        ChannelAttribution's names (``total_conversions``, ``total_conversion_value``,
        ``total_null``) need no mapping.
    sep : str
        The separator between channels; ``""`` detects it (the one of ``-> => > → | , ; +``
        that occurs in the most paths, the first on a tie). Whitespace around channels is
        trimmed.
    **options
        Passed to `io.load_table` (separator, encoding, sheet, as_of, ...).

    Returns
    -------
    LoadResult
        The paths frame (path, conversions, value, non_conversions) and the quality summary,
        which notes the path separator used.

    Examples
    --------
    >>> import polars as pl
    >>> export = pl.DataFrame({"journey": ["ads, mail", "ads,mail,ads"], "conv": [1, 0]})
    >>> load_paths(export, {"journey": "path", "conv": "conversions"}).frame["path"].to_list()
    [['ads', 'mail'], ['ads', 'mail', 'ads']]
    """
    sep = _checked_separator(sep)
    mapping = {**_export_mapping(source, columns, options), **dict(columns or {})}
    result = load_table(source, "paths", mapping, **options)
    # The loader split at ">" (dropping empty pieces and trimming them): right for ">", " > "
    # and ">>>". Any other separator is split here, in the text joined back at ">".
    text = result.frame.with_columns(pl.col("path").list.join(">"))
    used = sep or _detect_separator(text["path"])
    paths = paths_from_strings(text, sep=">" if set(used) == {">"} else used)
    note = f"'{used}'" + (" (detected)" if not sep else "")
    note_de = f"'{used}'" + (" (erkannt)" if not sep else "")
    result.quality.add("path separator", paths.height, note, share=False, note_de=note_de)
    return LoadResult(paths, result.quality)


def _checked_separator(sep: str) -> str:
    sep = sep.strip()
    if len(sep) > 5 or any(c.isalnum() for c in sep):
        raise ParameterError(
            f"path separator {sep!r} cannot separate channel names: it must be 1 to 5 "
            "characters and no letters or digits, e.g. '>', '|' or ','; '' detects it"
        )
    return sep


def _export_mapping(
    source: Source, columns: dict[str, str] | None, options: dict[str, Any]
) -> dict[str, str]:
    """The :data:`EXPORT_COLUMNS` names the source has, where the user did not decide."""
    try:
        header = read_header(source, **options)
    except Exception:  # unreadable: load_table reads it again and names the problem
        return {}
    given = dict(columns or {})
    taken = set(given.values()) | {c for c in header if c in EXPORT_COLUMNS.values()}
    mapping = {}
    for name in header:
        target = EXPORT_COLUMNS.get(name.strip().lower())
        if name not in given and target and target not in taken:
            mapping[name] = target
            taken.add(target)
    return mapping


def _detect_separator(paths: pl.Series) -> str:
    """The candidate separator found in the most paths; '>' when none is (one-channel paths)."""
    frame = paths.to_frame("path")
    counts = frame.select(
        [pl.col("path").str.contains(s, literal=True).sum().alias(s) for s in SEPARATORS]
    ).row(0, named=True)
    best = max(SEPARATORS, key=lambda s: counts[s])  # ties: the first, so "->" before ">"
    return best if counts[best] else ">"


def reshape_paths(
    paths: pl.DataFrame,
    *,
    collapse_repeats: bool = False,
    max_length: int | None = None,
    channel_rules: Mapping[str, str | Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Group channels, merge repeats and keep the last touches of ready-made paths.

    The same options `paths_from_touchpoints` applies while it builds journeys, applied in
    the same order (grouping first, so ``facebook > instagram`` becomes one ``social``
    touch when repeats are merged). Paths that become equal are summed.

    Parameters
    ----------
    paths : DataFrame
        The canonical paths frame.
    collapse_repeats : bool
        Merge consecutive touches of the same channel into one.
    max_length : int, optional
        Keep only the last ``max_length`` touches of each path.
    channel_rules : mapping, optional
        Channel grouping rules, as in `group_channels`.

    Returns
    -------
    DataFrame
        The canonical paths frame after grouping, merging and trimming; equal paths summed.

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"path": [["fb", "ig", "mail"], ["ig", "mail"]],
    ...                   "conversions": [1.0, 2.0]})
    >>> reshape_paths(p, collapse_repeats=True, channel_rules={"social": ["fb", "ig"]}).rows()
    [(['social', 'mail'], 3.0, 0.0, 0.0)]
    """
    paths = as_paths(paths)
    if channel_rules:
        touches = paths.select(pl.col("path")).with_row_index("row").explode("path")
        grouped = group_channels(touches.rename({"path": "channel"}), channel_rules)
        lists = grouped.group_by("row", maintain_order=True).agg(pl.col("channel").alias("path"))
        paths = paths.with_columns(lists.sort("row")["path"])
    if collapse_repeats:
        repeat = pl.element() == pl.element().shift(1)
        paths = paths.with_columns(
            pl.col("path").list.eval(pl.element().filter(~repeat.fill_null(False)))
        )
    if max_length is not None:
        paths = paths.with_columns(pl.col("path").list.tail(max_length))
    return (
        paths.group_by("path")
        .agg(pl.col("conversions", "value", "non_conversions").sum())
        .sort(
            pl.col("conversions"),
            pl.col("non_conversions"),
            pl.col("path").list.join(" > "),
            descending=[True, True, False],
        )
    )
