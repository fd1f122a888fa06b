"""Errors a user can cause, with messages that say what to fix."""

from __future__ import annotations


class DataValidationError(ValueError):
    """Input data does not match what the kit expects.

    The message names the input (file), the column, example offending rows and the fix.
    The structured fields let the CLI and reports show the same facts without parsing text.

    Parameters
    ----------
    message : str
        The full human-readable explanation.
    source : str, optional
        The file or frame the problem was found in.
    column : str, optional
        The column at fault, in the user's own naming when known.
    rows : list of int, optional
        1-based line numbers of up to five offending rows (header is line 1).
    fix : str, optional
        What the user can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        column: str | None = None,
        rows: list[int] | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message)
        self.source = source
        self.column = column
        self.rows = list(rows or [])
        self.fix = fix


class ParameterError(ValueError):
    """A report parameter is unknown, of the wrong type, or points to a missing file."""
