"""Keep personal data out of reports: e-mail addresses are replaced before anything is written.

Reports go to people who never see the raw data, so a stray ``print(frame.head())`` must not
leak a customer's address. This is a last line of defence; notebooks should not show personal
columns in the first place.

Examples
--------
>>> redact_text("write to anna.schmidt@example.de or call")
'write to [e-mail removed] or call'
>>> redact_text("top sender: anna.schmidt@examp…")
'top sender: [e-mail removed]'
>>> looks_like_email_column(["a@b.de", "c@d.com", None])
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import polars as pl

# A whole address, or one a chart or table already cut short ("anna.schmidt@examp…"). The
# loader masks addresses in the data itself (mkt_engineering.privacy); this catches the rest.
EMAIL_PATTERN = (
    r"[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
    r"|[A-Za-z0-9\-.]*…)"
)
EMAIL = re.compile(EMAIL_PATTERN)
REPLACEMENT = "[e-mail removed]"


def redact_text(text: str) -> str:
    """Replace every e-mail address in a text."""
    return EMAIL.sub(REPLACEMENT, text)


def redact_value(value: Any) -> Any:
    """Redact strings inside nested lists/dicts (notebook outputs, JSON)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    return value


def looks_like_email_column(values: Iterable[Any]) -> bool:
    """Whether the non-empty values of a column are mostly e-mail addresses."""
    present = [v for v in values if isinstance(v, str) and v]
    return bool(present) and sum(bool(EMAIL.fullmatch(v.strip())) for v in present) >= 0.5 * len(
        present
    )


def redact_frame(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Replace e-mail addresses in every text column; returns the frame and the columns touched."""
    touched = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String and frame[name].str.contains(EMAIL_PATTERN).any():
            touched.append(name)
    if not touched:
        return frame, []
    return frame.with_columns(pl.col(touched).str.replace_all(EMAIL_PATTERN, REPLACEMENT)), touched
