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


def require_columns(
    frame, columns, *, source: str, fix: str, nonnegative: bool = False
) -> list[str]:
    """Check that a frame has the columns an analysis needs; return the columns it has.

    One place for the "missing column" message, so every analysis names the input, the
    missing columns, the columns that are there, the closest match and the fix alike.

    Parameters
    ----------
    frame : polars DataFrame or LazyFrame
        The input (a LazyFrame is only asked for its schema, not collected).
    columns : iterable of str
        The columns needed.
    source : str
        What the input is, in the user's words ("orders", "the lead timeline").
    fix : str
        How to get the columns, e.g. which function builds the input.
    nonnegative : bool
        Also refuse values that are not finite numbers of 0 or more in those columns (the
        counts and ages a model reads), naming up to five rows (a LazyFrame is only asked
        for the counts and those rows).

    Returns
    -------
    list of str
        The columns the frame has.

    Examples
    --------
    >>> import polars as pl
    >>> require_columns(pl.DataFrame({"customer_id": [1]}), ["customer_id"], source="orders",
    ...                 fix="-")
    ['customer_id']
    >>> try:
    ...     require_columns(pl.DataFrame({"Customer": [1]}), ["customer"], source="orders",
    ...                     fix="Map it with columns={...}.")
    ... except DataValidationError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    orders: missing column(s) customer; found Customer (did you mean Customer for customer?).
    Map it with columns={...}.
    """
    import difflib

    present = (
        frame.collect_schema().names() if hasattr(frame, "collect_schema") else list(frame.columns)
    )
    missing = [c for c in dict.fromkeys(columns) if c not in present]
    if not missing:
        if nonnegative:
            _require_nonnegative(frame, list(dict.fromkeys(columns)), source)
        return present
    lowered = {name.lower(): name for name in present}
    guesses = [
        f"{lowered[match[0]]} for {name}"
        for name in missing
        if (match := difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75))
    ]
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    raise DataValidationError(
        f"{source}: missing column(s) {', '.join(missing)}; "
        f"found {', '.join(present) or 'no columns'}{hint}. {fix}",
        source=source,
        column=missing[0],
        fix=fix,
    )


def _require_nonnegative(frame, columns: list[str], source: str) -> None:
    """Refuse nulls, NaN, infinities and negative values in ``columns`` of a polars frame."""
    import polars as pl

    def bad(column: str) -> pl.Expr:
        value = pl.col(column).cast(pl.Float64)
        return value.is_null() | ~value.is_finite() | (value < 0)

    # One pass to find out whether anything is wrong; details only when something is.
    sums = frame.lazy().select(bad(c).sum().alias(c) for c in columns)
    counts = sums.collect().row(0, named=True)
    for column in (c for c in columns if counts[c]):
        found = frame.lazy().with_row_index("row").filter(bad(column)).select("row").head(5)
        rows = found.collect()["row"].to_list()
        raise DataValidationError(
            f"{source}: column {column} must be a finite number, 0 or more; "
            f"{counts[column]} row(s) are not, e.g. rows {rows}.",
            source=source,
            column=column,
            rows=[int(r) + 1 for r in rows],
            fix="Remove or correct those rows; check the order dates and revenue.",
        )
