"""Result tables as files: CSV safe to open in a spreadsheet, plus Parquet with full types.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel and LibreOffice ("CSV injection"): a channel called
``=HYPERLINK("http://x","y")`` would become a live link. Such text cells get a leading
apostrophe, which spreadsheets show as plain text. Numbers are left alone, so ``-3.5`` stays a
number.

Examples
--------
>>> frame = pl.DataFrame({"channel": ['=HYPERLINK("http://x","y")', "search", "-x"],
...                       "value": [-1.5, 2.0, 3.0]})
>>> escape_formulas(frame).to_dicts()[0]
{'channel': '\\'=HYPERLINK("http://x","y")', 'value': -1.5}
>>> escape_formulas(frame)["channel"][2]
"'-x"

In a notebook and its report, tables are shown by `frame_html`: text without quotes, shares
as percentages, counts with thousands separators, other numbers to about three significant
digits. The files keep every digit.

>>> funnel = pl.DataFrame({"stage": ["MQL"], "leads": [12345], "from_created": [0.123456789],
...                        "days": [3.14159]})
>>> [readable_cells(funnel[name]) for name in funnel.columns]
[['MQL'], ['12,345'], ['12.3%'], ['3.14']]
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from pathlib import Path

import polars as pl

from mkt_engineering.formatting import Currency, Language, column_label, number, percent

FORMULA_START = r"^[=+\-@\t\r]"
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    text_columns = [
        name
        for name, dtype in frame.schema.items()
        if dtype in (pl.String, pl.Categorical, pl.Enum)
    ]
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    escaped = frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text_columns
    )
    # Lists and structs have no CSV form; their JSON text is escaped the same way.
    for name in nested:
        as_text = escaped[name].map_elements(_nested_text, return_dtype=pl.String)
        escaped = escaped.with_columns(
            pl.when(as_text.str.contains(FORMULA_START))
            .then(pl.lit("'") + as_text)
            .otherwise(as_text)
            .alias(name)
        )
    return escaped


def _nested_text(value: object) -> str:
    import json

    return json.dumps(value, default=str, ensure_ascii=False)


def safe_table_name(name: str) -> str:
    """A file-name-safe version of a table name (``Top channels`` -> ``Top_channels``)."""
    cleaned = SAFE_NAME.sub("_", name.strip()).strip("._")
    return cleaned or "table"


def write_table(frame: pl.DataFrame, folder: Path, name: str) -> list[Path]:
    """Write ``<name>.csv`` (formula-escaped) and ``<name>.parquet`` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_table_name(name)
    csv_path, parquet_path = folder / f"{stem}.csv", folder / f"{stem}.parquet"
    escape_formulas(frame).write_csv(csv_path)
    frame.write_parquet(parquet_path)
    return [csv_path, parquet_path]


# --- How a table looks in a notebook and its report -------------------------------------

# A float column is a share (shown as a percentage) when a word of its name is one of these;
# `from_previous` / `from_created` are the funnel's shares of the stage before / of all leads.
SHARE_WORDS = frozenset(
    {
        "share",
        "shares",
        "rate",
        "probability",
        "retention",
        "survival",
        "incidence",
        "coverage",
        "reach",
        "precision",
        "lift",
    }
)
# Interval bounds take the format of the estimate they follow (`win_rate, ci_low, ci_high`).
BOUND_NAMES = re.compile(r"^(ci_(low|high|lower|upper)|lower(_\d+)?|upper(_\d+)?|low|high)$")
P_VALUE_NAMES = re.compile(r"(^p$|p_value|p_adjusted|_p$)")
# Whole numbers shown without thousands separators: years and identifiers.
PLAIN_INTEGER_NAMES = re.compile(r"(^|_)(year|id)$")
MISSING = "–"
TABLE_STYLE = (
    ".mkt-frame td.text, .mkt-frame th.text { text-align: left; } "
    ".mkt-frame caption { caption-side: bottom; color: #666; font-size: 12px; }"
)


def _words(name: str) -> list[str]:
    return re.split(r"[^a-z0-9]+", name.lower())


def column_kind(series: pl.Series, previous_kind: str | None = None) -> str:
    """How a column is shown: share, p_value, count, plain_integer, number, boolean or text.

    `previous_kind` is the kind of the column before it, which interval bounds copy.
    """
    dtype, name = series.dtype, series.name.lower()
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "plain_integer" if PLAIN_INTEGER_NAMES.search(name) else "count"
    if not dtype.is_float():
        return "text"
    if P_VALUE_NAMES.search(name):
        return "p_value"
    if BOUND_NAMES.match(name) and previous_kind == "share":
        return "share"
    if name.startswith("from_") or SHARE_WORDS.intersection(_words(name)):
        return "share"
    values = series.drop_nulls().drop_nans()
    if values.len() and (values == values.round(0)).all() and values.abs().max() < 1e15:
        return "count"  # floats holding whole numbers (thresholds, days, counts)
    return "number"


def readable_number(value: float, language: Language = "en") -> str:
    """About three significant digits, thousands separators, an exponent only below 0.0001.

    Examples
    --------
    >>> values = (0.123456789, 3.14159, 22.640466, 126.7, 8854.3, 0.000168, 7.4e-10)
    >>> [readable_number(v) for v in values]
    ['0.123', '3.14', '22.6', '127', '8,854', '0.000168', '7.4e-10']
    >>> readable_number(1234.5678, language="de")
    '1.235'
    """
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -4:
        text = f"{value:.1e}"
        return text.replace(".", ",") if language == "de" else text
    return number(value, max(0, 2 - magnitude), language)


def _share_text(value: float, language: Language) -> str:
    if 0 < abs(value) < 0.0005:  # would round to 0.0%
        return (
            ("< 0,1 %" if language == "de" else "<0.1%")
            if value > 0
            else ("> -0,1 %" if language == "de" else ">-0.1%")
        )
    return percent(value, 1, language)


def _p_value_text(value: float, language: Language) -> str:
    if value < 0.001:
        return "< 0,001" if language == "de" else "< 0.001"
    return number(value, 3, language)


def _cell_text(value: object, kind: str, language: Language, max_text: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if kind == "boolean":
        return ("ja" if value else "nein") if language == "de" else ("yes" if value else "no")
    if (
        kind in ("share", "p_value", "count", "number")
        and isinstance(value, float)
        and math.isinf(value)
    ):
        return "∞" if value > 0 else "-∞"
    if kind == "share":
        return _share_text(float(value), language)  # type: ignore[arg-type]
    if kind == "p_value":
        return _p_value_text(float(value), language)  # type: ignore[arg-type]
    if kind == "count":
        return number(float(value), 0, language)  # type: ignore[arg-type]
    if kind == "plain_integer":
        return str(value)
    if kind == "number":
        return readable_number(float(value), language)  # type: ignore[arg-type]
    return _shorten(_plain_text(value), max_text)


def value_text(value: object, language: Language = "en") -> str:
    """One loose value as the tables show it: yes/no, counts with separators, rounded numbers.

    Examples
    --------
    >>> value_text(False), value_text(17724), value_text(0.123456), value_text(",")
    ('no', '17,724', '0.123', ',')
    """
    kind = (
        "boolean"
        if isinstance(value, bool)
        else "count"
        if isinstance(value, int)
        else ("number" if isinstance(value, float) else "text")
    )
    return _cell_text(value, kind, language, max_text=200)


def _plain_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(MISSING if item is None else _plain_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{key}: {MISSING if item is None else _plain_text(item)}"
            for key, item in value.items()
        )
    return str(value)


def _shorten(text: str, max_text: int) -> str:
    return text if len(text) <= max_text else text[: max_text - 1] + "…"


def readable_cells(
    series: pl.Series, kind: str | None = None, language: Language = "en", max_text: int = 60
) -> list[str]:
    """The cells of a column as text a reader can take in at a glance."""
    kind = kind or column_kind(series)
    return [_cell_text(value, kind, language, max_text) for value in series.to_list()]


def _shown_rows(frame: pl.DataFrame, max_rows: int) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    if frame.height <= max_rows:
        return frame, None
    return frame.head(max_rows // 2), frame.tail(max_rows - max_rows // 2)


def frame_html(
    frame: pl.DataFrame,
    language: Language = "en",
    max_rows: int = 20,
    max_text: int = 60,
    labels: dict[str, str] | None = None,
) -> str:
    """A result table as HTML a manager can read (the display of every DataFrame in a report).

    Column kinds come from the data type and the name (see `column_kind`) of the whole
    column, so one column is formatted one way. Long tables show their first and last rows.
    `labels` gives human headers (`human_table`); the kinds still
    come from the column names.
    """
    kinds: dict[str, str] = {}
    previous = None
    for name in frame.columns:
        kinds[name] = previous = column_kind(frame[name], previous)
    head, tail = _shown_rows(frame, max_rows)

    def body(part: pl.DataFrame) -> list[str]:
        columns = [
            readable_cells(part[name], kinds[name], language, max_text) for name in part.columns
        ]
        classes = ["text" if kinds[name] == "text" else "num" for name in part.columns]
        return [
            "<tr>"
            + "".join(
                f'<td class="{cls}">{html.escape(cells[row])}</td>'
                for cls, cells in zip(classes, columns, strict=True)
            )
            + "</tr>"
            for row in range(part.height)
        ]

    headers = {name: (labels or {}).get(name, name.replace("_", " ")) for name in frame.columns}
    align = {name: "text" if kinds[name] == "text" else "num" for name in frame.columns}
    header = "".join(
        f'<th class="{align[name]}">{html.escape(headers[name])}</th>' for name in frame.columns
    )
    rows = body(head)
    caption = ""
    if tail is not None:
        rows.append(
            "<tr>"
            + "".join(
                f'<td class="{"text" if kinds[name] == "text" else "num"}">…</td>'
                for name in frame.columns
            )
            + "</tr>"
        )
        rows += body(tail)
        shown = number(frame.height, 0, language)
        words = (
            ("erste und letzte", "von", "Zeilen")
            if language == "de"
            else ("first and last", "of", "rows")
        )
        caption = f"<caption>{words[0]} {max_rows // 2} {words[1]} {shown} {words[2]}</caption>"
    return (
        f'<div class="mkt-frame"><style>{TABLE_STYLE}</style><table>{caption}'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


class HumanTable:
    """A result table shown with human column names (the data and saved files stay as they are).

    Cells are formatted by `frame_html` from the original column names (shares as percent,
    p-values as "< 0.001", counts with separators); only the headers change
    (`mkt_engineering.formatting.column_label`).
    """

    def __init__(self, frame: pl.DataFrame, language: Language, currency) -> None:
        self.frame = frame
        self.labels = {name: column_label(name, language, currency) for name in frame.columns}
        self.language = language

    def _repr_html_(self) -> str:
        return frame_html(self.frame, language=self.language, labels=self.labels)

    def __repr__(self) -> str:
        return repr(self.frame.rename(self.labels))


def human_table(
    frame: pl.DataFrame, language: Language = "en", currency: str | Currency | None = None
) -> HumanTable:
    """A table to ``display`` in a report with human column names and units.

    Parameters
    ----------
    frame : polars.DataFrame
        A result table as saved (its names and numbers are not changed).
    language : {"en", "de"}
    currency : str or Currency, optional
        The run's currency, named in the headers of money columns.

    Returns
    -------
    HumanTable
        Displays as HTML in a notebook; ``.labels`` maps each column to its header.

    Examples
    --------
    >>> human_table(pl.DataFrame({"clv": [1.0], "ltv_cac": [2.0]}), currency="€").labels
    {'clv': 'CLV (€)', 'ltv_cac': 'LTV : CAC'}
    """
    return HumanTable(frame, language, currency)
