"""Which contract or preset fits a file: the first step of `mkt inspect FILE`.

:func:`guess` reads the file as the loader would (separator, encoding, title line), scores
every preset (the share of its expected columns the header has) and every contract (the
share of its required columns found by name, by the usual names of :data:`mapping.SYNONYMS`
and of the loaders' own mappings, and whose sample values have the right type), and
returns the candidates best first, each with the mapping and a ready command.

A file whose "header" is data (the CDNOW sample: no header, runs of spaces, ``19970101``)
is read without header; its columns are guessed from their values.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
>>> _ = path.write_text("Kundennummer;Bestelldatum;Betrag\\nK1;01.09.2024;28,97\\n"
...     "K2;02.09.2024;36,43\\n")
>>> best = guess(path)[0]
>>> best.name, best.confidence, best.mapping
('orders', 1.0, {'Kundennummer': 'customer_id', 'Bestelldatum': 'order_date', 'Betrag': 'revenue'})
>>> print(best.command)  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
mkt run cohort_ltv --data orders=.../orders.csv -p columns '{"Kundennummer": "customer_id",
"Bestelldatum": "order_date", "Betrag": "revenue"}'
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from mkt_engineering.presets import PRESETS, Preset

__all__ = ["Guess", "guess"]

# contract -> (report, --data input); None: no report reads it on its own
TARGETS: dict[str, tuple[str | None, str]] = {
    "paths": ("attribution", "paths"),
    "orders": ("cohort_ltv", "orders"),
    "experiment_totals": ("ab_test", "totals"),
    "experiment": ("ab_test", "experiment"),
    "lead_lifecycle": ("nurture_timing", "lifecycle"),
    "lead_events": ("nurture_timing", "lead_events"),
    "touchpoints": ("attribution", "touchpoints"),
    "conversions": ("attribution", "conversions"),
    "spend": (None, "spend"),
}
# a report that needs a second file: the input named in the printed command as a placeholder
PARTNER = {"touchpoints": "conversions", "conversions": "touchpoints"}
_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?|\d{1,2}\.\d{1,2}\.\d{4}( \d{1,2}:\d{2})?"
    r"|\d{1,2}/\d{1,2}/\d{4}.*|(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])|\d{4}-W\d{2})$"
)
#: Rows of a source that ``mkt inspect`` reads (never the whole table).
SAMPLE_ROWS = 200
_NUMBER = re.compile(r"^[-+]?[€$£]?\s*[-+]?\d[\d.,' \u00a0]*\s*[€$£%]?(EUR|USD)?$")


@dataclass
class Guess:
    """One candidate: a preset or a contract, how sure, the mapping and the command.

    Attributes
    ----------
    kind : str
        ``"preset"`` or ``"contract"``.
    name : str
        Preset or contract name.
    confidence : float
        0-1: the share of the needed columns found (values of the right type count fully,
        of the wrong type half).
    mapping : dict
        File column -> contract column.
    command : str
        The command to run next.
    layout : dict
        Layout options the file needs (a file without header).
    """

    kind: str
    name: str
    confidence: float
    mapping: dict[str, str]
    command: str
    layout: dict[str, Any] = field(default_factory=dict)


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lstrip("\ufeff").strip().lower()).strip("_")


def _kind(values: pl.Series) -> str:
    """date, number or text: what most non-empty sample values look like."""
    text = values.cast(pl.String).str.strip_chars().drop_nulls()
    text = text.filter(text != "")
    if text.is_empty():
        return "empty"
    for kind, pattern in (("date", _DATE), ("number", _NUMBER)):
        if text.str.contains(pattern.pattern).mean() >= 0.9:
            return kind
    return "text"


_WANTS = {"datetime": "date", "date": "date", "float": "number", "int": "number"}


def _known_names() -> dict[str, dict[str, str]]:
    """Contract -> normalized usual name -> contract column (synonyms, loaders' mappings)."""
    from mkt_engineering.attribution.path_files import EXPORT_COLUMNS
    from mkt_engineering.experiments.totals import TOTALS_COLUMNS
    from mkt_engineering.mapping import SYNONYMS
    from mkt_engineering.nurture.wide import HUBSPOT_STAGES
    from mkt_engineering.schemas import get_contract

    extra = {
        "paths": EXPORT_COLUMNS,
        "experiment_totals": TOTALS_COLUMNS,
        "lead_lifecycle": HUBSPOT_STAGES,
    }
    known = {}
    for contract in TARGETS:
        # only the contract's own columns: "Betrag" is revenue in orders, value in conversions
        columns = get_contract(contract).names
        names = {_norm(s): c for c, words in SYNONYMS.items() if c in columns for s in words}
        known[contract] = names | {_norm(k): v for k, v in extra.get(contract, {}).items()}
    return known


def _map(contract: str, sample: pl.DataFrame, known: dict[str, str]) -> tuple[dict, float]:
    """File column -> contract column, and the share of required columns found."""
    from mkt_engineering.schemas import get_contract

    spec = get_contract(contract)
    mapping: dict[str, str] = {}
    for column in sample.columns:
        target = _norm(column) if _norm(column) in spec.names else known.get(_norm(column))
        if target in spec.names and target not in mapping.values():
            mapping[column] = target
    score = 0.0
    for column in spec.required_names:
        source = next((s for s, t in mapping.items() if t == column), None)
        if source is None:
            continue
        wanted = _WANTS.get(spec.column(column).dtype)
        found = _kind(sample[source])
        score += 1.0 if wanted in (None, found) or found == "empty" else 0.5
    return mapping, score / max(len(spec.required_names), 1)


def _headerless(sample: pl.DataFrame) -> bool:
    """A 'header' of numbers and dates is the first data line."""
    return all(_DATE.match(c.strip()) or _NUMBER.match(c.strip()) for c in sample.columns)


def _orders_by_values(path: Path) -> Guess | None:
    """A file without header read as orders: an id, a date and an amount column."""
    from mkt_engineering.formats import read_source
    from mkt_engineering.layout import Layout

    for separator in (None, "whitespace"):
        layout = Layout(header=False, separator=separator)
        frame = read_source(path, text_columns=lambda h: h, layout=layout).frame.head(200)
        if frame.width >= 3:
            break
    kinds = [_kind(frame[c]) for c in frame.columns]
    dates = [i for i, k in enumerate(kinds) if k == "date"]
    numbers = [i for i, k in enumerate(kinds) if k == "number" and i not in dates]
    if not dates or len(numbers) < 2 or numbers[0] > dates[0]:
        return None
    names = [f"column_{i + 1}" for i in range(frame.width)]
    names[dates[0]] = "order_date"
    names[numbers[-1]] = "revenue"
    ids = [i for i in numbers if i < dates[0]]
    names[ids[-1]] = "customer_id"  # the id closest to the date (CDNOW: master id, then id)
    layout_dict = {"header": False, "names": names}
    if separator:
        layout_dict["separator"] = separator
    first = str(frame[frame.columns[dates[0]]][0]).strip()
    if re.fullmatch(r"\d{8}", first):
        layout_dict["date_format"] = "%Y%m%d"
    command = (
        f"mkt run cohort_ltv --data orders={_q(path)} --layout "
        f"{_q('orders=' + json.dumps(layout_dict))}"
    )
    mapping = {f"column {i + 1}": n for i, n in enumerate(names) if not n.startswith("column_")}
    return Guess("contract", "orders", 0.6, mapping, command, layout_dict)


def source_sample(text: str, rows: int | None = None) -> pl.DataFrame:
    """The first rows of a source (URI, glob or folder) as text-like values, like a file's.

    Only ``rows`` rows leave the engine (Postgres sends only them). Dates and times are
    written ``YYYY-MM-DD HH:MM:SS`` so that they read as dates the way a CSV's do.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pl.DataFrame({"id": ["a"]}).with_columns(day=pl.date(2024, 1, 2)).write_parquet(
    ...     folder / "x.parquet")
    >>> source_sample(str(folder / "*.parquet")).to_dicts()
    [{'id': 'a', 'day': '2024-01-02 00:00:00'}]
    """
    from mkt_engineering.engines.frames import lazy, to_polars
    from mkt_engineering.sources import open_source

    native, _ = open_source(text, limit=rows or SAMPLE_ROWS)
    sample = to_polars(lazy(native))
    dates = [name for name, dtype in sample.schema.items() if dtype in (pl.Date, pl.Datetime)]
    return sample.with_columns(
        pl.col(dates).cast(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S") if dates else []
    )


def _q(value: Any) -> str:
    return shlex.quote(str(value))


def _preset_guess(preset: Preset, path: Path | str, header: set[str]) -> Guess:
    found = [c for c in preset.expects if _norm(c) in header]
    confidence = len(found) / len(preset.expects)
    present = {k: v for k, v in preset.columns.items() if _norm(k) in header}
    if preset.outputs:
        command = f"mkt convert --preset {preset.name} {_q(path)} {_q(preset.name)}/"
    else:
        command = (
            f"mkt run {preset.reports[0]} --data {preset.input}={_q(path)} --preset {preset.name}"
        )
        if preset.input == "spend":
            command = f"mkt validate --preset {preset.name} {_q(path)}"
    return Guess("preset", preset.name, confidence, present, command, dict(preset.layout))


def _contract_command(contract: str, path: Path | str, mapping: dict[str, str]) -> str:
    report, data = TARGETS[contract]
    renames = {s: t for s, t in mapping.items() if s != t}
    if report is None:
        return f"mkt validate {contract} {_q(path)}" + "".join(
            f" --map {_q(f'{s}={t}')}" for s, t in renames.items()
        )
    command = f"mkt run {report} --data {data}={_q(path)}"
    if contract in PARTNER:  # the other file of the pair: next to this one, if it is there
        partner = PARTNER[contract]
        sibling = path.with_name(f"{partner}{path.suffix}") if isinstance(path, Path) else None
        command += f" --data {partner}=" + (
            _q(sibling) if sibling is not None and sibling.is_file() else f"{partner.upper()}.csv"
        )
    if renames and contract != "lead_lifecycle":  # the lifecycle reader maps its stages
        command += f" -p columns {_q(json.dumps(renames, ensure_ascii=False))}"
    return command


def guess(path: str | Path, top: int = 3) -> list[Guess]:
    """The presets and contracts that fit the file, best first.

    Parameters
    ----------
    path : str or Path
        A CSV, Parquet or Excel file, or a source URI, glob or folder
        (:mod:`mkt_engineering.sources`; only its first :data:`SAMPLE_ROWS` rows are read).
    top : int
        How many candidates to return.

    Returns
    -------
    list of Guess
        Presets win ties against contracts (their mapping is complete).

    Raises
    ------
    DataValidationError
        The file cannot be read at all (missing, binary, empty).
    """
    from mkt_engineering.formats import read_source
    from mkt_engineering.sources import is_source_uri

    if is_source_uri(path):  # a table where it lives: its first rows only
        path = str(path)
        sample = source_sample(path)
    else:
        path = Path(path)
        sample = read_source(path, text_columns=lambda h: h).frame.head(200)
        if _headerless(sample):
            found = _orders_by_values(path)
            return [found] if found else []
    header = {_norm(c) for c in sample.columns}
    # Presets describe tools' file exports (header lines, layouts): a source gets contracts.
    presets = [] if isinstance(path, str) else PRESETS.values()
    guesses = [_preset_guess(p, path, header) for p in presets]
    known = _known_names()
    for contract in TARGETS:
        mapping, score = _map(contract, sample, known[contract])
        if contract == "lead_lifecycle":  # a wide export: a date column per stage
            stages = sum(t not in ("lead_id",) for t in mapping.values())
            score = score if stages >= 2 else score / 2
        guesses.append(
            Guess("contract", contract, score, mapping, _contract_command(contract, path, mapping))
        )
    ranked = sorted(
        (g for g in guesses if g.confidence > 0),
        key=lambda g: (-round(g.confidence, 3), g.kind != "preset"),
    )
    return ranked[:top]
