"""`mkt validate TABLE FILE`: check a file against a data contract before running reports."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from mkt_engineering.errors import DataValidationError
from mkt_engineering.sources import is_source_uri

console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            raise DataValidationError(
                f"--map {pair!r} is not of the form user_column=contract_column.\n"
                "Fix: write e.g. --map 'Kunden-Nr=customer_id'.",
                fix="Write e.g. --map 'Kunden-Nr=customer_id'.",
            )
        user, canonical = pair.split("=", 1)
        mapping[user.strip()] = canonical.strip()
    return mapping


def _summary_table(quality) -> Table:
    table = Table(
        title=f"Data quality: {quality.table} from {quality.source}", title_justify="left"
    )
    for name, justify in (
        ("check", "left"),
        ("count", "right"),
        ("share", "right"),
        ("note", "left"),
    ):
        table.add_column(name, justify=justify)
    for cells in quality._cells():
        table.add_row(*cells)
    return table


def validate(
    table: str = typer.Argument(
        ...,
        help="Contract to check against: touchpoints, conversions, paths, spend, orders, "
        "experiment, lead_events.",
    ),
    file: str = typer.Argument(
        None,
        help="CSV, Parquet or Excel file (with --preset: the only argument), or a source: "
        "duckdb:///shop.duckdb::orders, postgresql://user@host/db::schema.table, "
        "spark://db.table, a Parquet/CSV glob or folder.",
    ),
    map_: list[str] = typer.Option(
        None, "--map", help="Column mapping user_column=contract_column (repeatable)."
    ),
    separator: str = typer.Option(
        None, help="CSV separator, if the detected one is wrong: ';', tab, or whitespace."
    ),
    encoding: str = typer.Option(
        None, help="Text encoding: utf8 or cp1252, if the detected one is wrong."
    ),
    sheet: str = typer.Option(None, help="Excel sheet name (default: the first sheet)."),
    allow_pii: bool = typer.Option(
        False, "--allow-pii", help="Keep columns with e-mail addresses, phone numbers or names."
    ),
    consent_column: str = typer.Option(
        None, help="Column holding the marketing consent (default: detected by name)."
    ),
    no_header: bool = typer.Option(
        False, "--no-header", help="The file has no header line; name the columns with --names."
    ),
    names: str = typer.Option(
        None, help="Column names of a file without header, comma-separated: a,b,c."
    ),
    skip: int = typer.Option(
        None, "--skip", help="Lines to skip above the header (default: a title line is detected)."
    ),
    date_format: str = typer.Option(
        None, help="strptime format of the date columns, e.g. %Y%m%d or '%m/%d/%Y %I:%M %p'."
    ),
    thousands: str = typer.Option(None, help="Thousands separator of numbers: . , ' or space."),
    decimal: str = typer.Option(None, help="Decimal mark: , or . (default: detected)."),
    preset: str = typer.Option(
        None,
        "--preset",
        help="A named tool's export, e.g. google_ads: mkt validate --preset NAME FILE.",
    ),
    contract: str = typer.Option(
        None,
        "--table",
        help="The contract, when the only argument is the file or source: "
        "mkt validate duckdb:///shop.duckdb::orders --table orders.",
    ),
    lang: str = typer.Option(
        None,
        "--lang",
        help="Language of the data-quality sentences: en or de (default: MKT_LANGUAGE, else en).",
    ),
) -> None:
    """Check FILE against the TABLE contract; print the data-quality summary (exit 0) or the
    problem (exit 1)."""
    from mkt_engineering.errors import ParameterError
    from mkt_engineering.io import load_table
    from mkt_engineering.layout import Layout

    language = _language(lang)
    if contract is not None:  # mkt validate SOURCE --table CONTRACT
        if file is not None:
            error_console.print("✗ give TABLE FILE, or FILE --table TABLE, not both.")
            raise typer.Exit(2)
        table, file = contract, table
    if preset or file is None:
        _validate_preset(preset, Path(table if file is None else file), _parse_map(map_ or []))
        return
    file = file if is_source_uri(file) else Path(file)
    try:
        layout = Layout.from_value(
            {
                key: value
                for key, value in {
                    "header": False if no_header else None,
                    "names": [n.strip() for n in names.split(",")] if names else None,
                    "skip_lines": skip,
                    "date_format": date_format,
                    "thousands": thousands,
                    "decimal": decimal,
                }.items()
                if value is not None
            }
        )
    except ParameterError as error:
        error_console.print("[bold red]✗ layout options:[/bold red]", end=" ")
        error_console.print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        result = load_table(
            file,
            table,
            _parse_map(map_ or []),
            separator=separator.replace("\\t", "\t") if separator else None,
            encoding=encoding,
            sheet=sheet,
            allow_pii=allow_pii,
            consent_column=consent_column,
            layout=layout,
        )
    except ParameterError as error:  # a source text refused (a password in it, a typo)
        # Not the text as typed: it may hold the password that the message refuses.
        error_console.print("✗ this source cannot be read:", style="bold red", end=" ")
        error_console.print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except DataValidationError as error:
        error_console.print(
            f"✗ {file} is not a valid {table} table", style="bold red", markup=False
        )
        error_console.print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except Exception as error:  # a bug in the kit: say so plainly, without a traceback
        error_console.print(
            f"[bold red]✗ could not check {file}:[/bold red] {type(error).__name__}: {error}",
            markup=False,
        )
        error_console.print(
            "This looks like a problem in the kit rather than in your data; please report it "
            "with the file's first lines."
        )
        raise typer.Exit(2) from None
    console.print(_summary_table(result.quality))
    for sentence in result.quality.explain(language=language):
        console.print(f"• {sentence}", markup=False)
    console.print(
        _valid_line(file, table, result.quality.rows, language), style="green", markup=False
    )


def _language(lang: str | None) -> str:
    """The language asked for (``--lang``, else ``MKT_LANGUAGE``); anything else exits."""
    import os

    language = lang or os.environ.get("MKT_LANGUAGE", "en")
    if language not in ("en", "de"):
        error_console.print(f"✗ --lang must be en or de, got {language!r}.", markup=False)
        raise typer.Exit(2)
    return language


def _valid_line(file: object, table: str, rows: int, language: str) -> str:
    """The closing line of a valid table, in `language`."""
    from mkt_engineering.formatting import count

    if language == "de":
        return f"✓ {file} ist eine gültige {table}-Tabelle ({count(rows, 'de')} Zeilen)."
    return f"✓ {file} is a valid {table} table ({rows:,} rows)."


def _validate_preset(name: str | None, file: Path, columns: dict[str, str]) -> None:
    """`mkt validate --preset NAME FILE`: the preset's checks and each table's summary."""
    from mkt_engineering.presets import load_with_preset

    if not name:
        error_console.print("✗ give TABLE and FILE, or --preset NAME and FILE.", markup=False)
        raise typer.Exit(2)
    try:
        results = load_with_preset(name, file, columns)
    except ValueError as error:  # DataValidationError, ParameterError
        error_console.print(f"[bold red]✗ {file} does not fit preset {name}[/bold red]")
        error_console.print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    for table, result in results.items():
        console.print(_summary_table(result.quality))
        console.print(
            f"[green]✓ {file} gives a valid {table} table ({result.quality.rows:,} rows).[/green]"
        )


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
