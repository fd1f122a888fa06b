"""The German of the lesson checks' feedback: English text in, German text out.

Every check writes its messages and hints in English; ``feedback_de.yaml`` beside this module
holds the German of each text, with "…" where a value is filled in at run time (a label, a
column, a number). `german` finds the entry, fills the values in, and translates a value
that has German of its own (the label "the conversion probability" inside "… is right.").

Examples
--------
>>> german("the conversion probability is right.")
'die Konversionswahrscheinlichkeit stimmt.'
>>> german("No such text in the catalogue.")
'No such text in the catalogue.'
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

# The German of every check's messages and hints: English text -> German text (see the file).
GERMAN_FILE = Path(__file__).with_name("feedback_de.yaml")
HOLE = "…"


@cache
def _catalogue() -> tuple[dict[str, str], tuple[tuple[re.Pattern, str], ...]]:
    """Exact texts, and texts with holes as patterns, the most specific pattern first."""
    entries = yaml.safe_load(GERMAN_FILE.read_text(encoding="utf-8"))["texts"]
    exact = {entry["en"]: entry["de"] for entry in entries}
    with_holes = sorted(
        (entry for entry in entries if HOLE in entry["en"]),
        key=lambda entry: -len(entry["en"].replace(HOLE, "")),
    )
    patterns = tuple(
        (re.compile("(.+?)".join(map(re.escape, entry["en"].split(HOLE))), re.S), entry["de"])
        for entry in with_holes
    )
    return exact, patterns


def german(text: str, *, depth: int = 0) -> str:
    """The German of a feedback text, or the text itself when none is known.

    A text with values in it (a label, a column name, a number) is matched against the
    entries with holes; a value that has German of its own is translated too.

    Parameters
    ----------
    text : str
        An English message or hint, as a check produces it.
    depth : int
        How deep inside another text this one is (values inside values stop at 2).

    Returns
    -------
    str
        The German text.

    Examples
    --------
    >>> german("your table lacks the column(s) spend.")
    'Ihre Tabelle: Es fehlt die Spalte (fehlen die Spalten) spend.'
    """
    exact, patterns = _catalogue()
    if text in exact or depth > 2:
        return exact.get(text, text)
    for pattern, translated in patterns:
        match = pattern.fullmatch(text)
        parts = translated.split(HOLE)
        if match is None or len(parts) != len(match.groups()) + 1:
            continue
        values = [german(value, depth=depth + 1) for value in match.groups()]
        return parts[0] + "".join(
            value + part for value, part in zip(values, parts[1:], strict=True)
        )
    return text


def sentence(text: str) -> str:
    """A German text that opens with a label's article, with a capital first letter.

    Code at the start ("nurture.survival_at(...)") stays as it is.

    Examples
    --------
    >>> sentence("die Konversionswahrscheinlichkeit stimmt."), sentence("ltv.rfm_summary(...)")
    ('Die Konversionswahrscheinlichkeit stimmt.', 'ltv.rfm_summary(...)')
    """
    if text.split(" ", 1)[0] in _ARTICLES:
        return text[:1].upper() + text[1:]
    return text


_ARTICLES = {"der", "die", "das", "den", "dem", "ein", "eine", "ihr", "ihre"}
