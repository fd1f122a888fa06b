"""The German–English glossary of the kit's marketing and statistics terms.

The terms live in ``glossary.yaml`` next to this module; ``docs/glossary.md`` (the page
lessons link to) is rendered from it with `write_glossary`.

Examples
--------
>>> lookup("Kohorte")["en"]
'Cohort'
>>> lookup("churn")["de"]
'Abwanderung (Churn)'
>>> load_glossary().height >= 40
True
>>> rejected_synonyms()["Überholspur"]
'Fast Lane'
>>> synonym_problems("Der Cure-Anteil ist hoch.")
["'Cure-Anteil': write 'Heilungsanteil'"]
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from mkt_engineering.paths import PROJECT_ROOT

DATA_FILE = Path(__file__).with_name("glossary.yaml")
GLOSSARY_MD = PROJECT_ROOT / "docs" / "glossary.md"
AREAS = {
    "funnel": ("Funnel and nurturing", "Funnel und Nurturing"),
    "journeys": ("Customer journeys and attribution", "Customer Journeys und Attribution"),
    "value": ("Cohorts and customer value", "Kohorten und Kundenwert"),
    "testing": ("A/B tests and statistics", "A/B-Tests und Statistik"),
    "nurture": ("Nurture timing (time to event)", "Nurture-Timing (Zeit bis zum Ereignis)"),
    "privacy": ("Data protection", "Datenschutz"),
    "tools": ("Tools", "Werkzeuge"),
}


@cache
def _entries() -> tuple[dict[str, str], ...]:
    return tuple(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))


def load_glossary() -> pl.DataFrame:
    """All terms: area, de, en, meaning (English), bedeutung (German)."""
    columns = ("area", "de", "en", "meaning", "bedeutung")
    return pl.DataFrame([{key: entry[key] for key in columns} for entry in _entries()])


def rejected_synonyms() -> dict[str, str]:
    """The German words the kit does not use, each with the glossary term it uses instead.

    One term per concept: a learner who reads "Fast Lane" in one lesson and "Überholspur"
    in the next thinks they are two things. The pairs come from the ``avoid`` field of
    ``glossary.yaml``.

    Returns
    -------
    dict of str to str
        Rejected word -> preferred term (the entry's German term without its bracket).

    Examples
    --------
    >>> rejected_synonyms()["Cure-Anteil"]
    'Heilungsanteil'
    """
    return {
        word: entry["de"].split(" (")[0]
        for entry in _entries()
        for word in entry.get("avoid") or []
    }


def synonym_problems(text: str) -> list[str]:
    """The rejected synonyms a German text uses, each with the word to write instead.

    Parameters
    ----------
    text : str
        German text (a lesson cell, a hint, a page of the trainer guide).

    Returns
    -------
    list of str
        ``"'<rejected>': write '<preferred>'"`` per rejected word found (whole words,
        case-insensitive); empty when the text keeps to the glossary.

    Examples
    --------
    >>> synonym_problems("Leads auf der Fast Lane")
    []
    >>> synonym_problems("über die Überholspur")
    ["'Überholspur': write 'Fast Lane'"]
    """
    return [
        f"{word!r}: write {preferred!r}"
        for word, preferred in rejected_synonyms().items()
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, flags=re.IGNORECASE)
    ]


def lookup(term: str) -> dict[str, str]:
    """The entry whose German or English term starts with ``term`` (case-insensitive)."""
    wanted = term.casefold().strip()
    for entry in _entries():
        names = [entry["de"], entry["en"]]
        names += [part.strip(" )") for name in names for part in name.split("(")]
        if any(name.casefold().startswith(wanted) for name in names if name):
            return dict(entry)
    raise KeyError(f"{term!r} is not in the glossary; see {GLOSSARY_MD.name} for all terms.")


def glossary_markdown() -> str:
    """The glossary page: one table per area, German term first."""
    lines = [
        "# Glossary · Glossar (Deutsch – English)",
        "",
        "The terms the kit and its lessons use, in German and English, each with a one-line",
        "explanation. Die Begriffe des Kits und der Lektionen, deutsch und englisch, jeweils mit",
        "einer Erklärung in einem Satz.",
        "",
        "<!-- Generated from mkt_engineering/teaching/glossary.yaml by "
        "mkt_engineering.teaching.glossary.write_glossary(); edit the YAML, not this page. -->",
    ]
    frame = load_glossary()
    for area, (title_en, title_de) in AREAS.items():
        rows = frame.filter(pl.col("area") == area)
        if rows.is_empty():
            continue
        lines += [
            "",
            f"## {title_de} · {title_en}",
            "",
            "| Deutsch | English | Meaning | Bedeutung |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| **{r['de']}** | {r['en']} | {r['meaning']} | {r['bedeutung']} |"
            for r in rows.iter_rows(named=True)
        ]
    return "\n".join(lines) + "\n"


def write_glossary(path: Path = GLOSSARY_MD) -> Path:
    """Write ``docs/glossary.md`` from the YAML data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(glossary_markdown(), encoding="utf-8")
    return path
