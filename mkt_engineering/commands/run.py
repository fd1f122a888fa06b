"""`mkt run ANALYSIS`: one report, checked before it starts, written atomically."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import typer

from mkt_engineering.commands import _reporting
from mkt_engineering.commands._reporting import (
    escape,
    fail,
    load_params_file,
    parse_param_args,
    result_line,
    set_engine_memory,
)
from mkt_engineering.paths import REPORTS_DIR


def _stop_on_terminate() -> None:
    # A plain SIGTERM would end Python without cleanup; as KeyboardInterrupt the runner
    # removes its temporary folder and papermill shuts the kernel down.
    def handler(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def refuse_preset_on_source(name: str, data: list[str]) -> None:
    """A preset describes a tool's file export (header, layout); a source has neither.

    Without this check the preset would be skipped silently and its columns left unmapped.
    """
    from mkt_engineering.errors import ParameterError
    from mkt_engineering.presets import get_preset
    from mkt_engineering.sources import is_source_uri

    wanted = get_preset(name).input
    given = [item.partition("=")[2] if "=" in item else item for item in data]
    named = [
        value for item, value in zip(data, given, strict=True) if item.startswith(wanted + "=")
    ]
    if any(is_source_uri(value) for value in named or given[:1]):
        raise ParameterError(
            f"--preset {name} describes a file export; the {wanted} source is a table or "
            'folder: map its columns with -p columns \'{"COLUMN": "contract_column"}\' '
            "(mkt inspect SOURCE prints the mapping)"
        )


def run(
    ctx: typer.Context,
    analysis: str = typer.Argument(..., help="Analysis name (see `mkt list`) or a notebook path."),
    params_file: Path = typer.Option(
        None, "-f", "--params-file", help="YAML file of parameters (name: value)."
    ),
    data: list[str] = typer.Option(
        [],
        "--data",
        help="Input file or source URI, as PATH (the first input) or NAME=PATH. Repeatable.",
    ),
    out: Path = typer.Option(
        REPORTS_DIR, "--out", help="Folder that receives <analysis>/<run-id>/."
    ),
    replace_index: bool = typer.Option(
        False,
        "--replace-index",
        help="Overwrite an index.html in --out that the kit did not write.",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Fail the run when a report section is not shown because its data are missing.",
    ),
    layout: list[str] = typer.Option(
        [],
        "--layout",
        help='File layout of an input, NAME=JSON, e.g. orders=\'{"header": false, '
        '"names": ["id", "date", "revenue"], "separator": "whitespace"}\'. Repeatable.',
    ),
    memory: str = typer.Option(
        None,
        "--memory",
        help="Memory cap of the engine for database and Parquet sources, e.g. 4GB "
        "(512MB to 1TB): DuckDB spills to disk beyond it and the tables stay in the engine.",
    ),
    preset: list[str] = typer.Option(
        [],
        "--preset",
        help="A named tool's export (e.g. google_ads, hubspot_contacts; see `mkt inspect`): "
        "maps its columns and layout onto the input it feeds. Repeatable, one per input.",
    ),
) -> None:
    """Run one report notebook. Parameters: -p NAME VALUE (repeatable), after ANALYSIS.

    Example: mkt run attribution --data touchpoints=touches.csv --data conversions=sales.csv
    -p columns '{"Kanal": "channel"}'

    Inputs may be sources where the data live: --data orders=duckdb:///shop.duckdb::orders,
    postgresql://user@host/db::schema.orders (password in PGPASSWORD or ~/.pgpass),
    spark://db.orders, or a Parquet/CSV glob or folder (data/orders/*.parquet).
    """
    # Only what the checks need loads before the kernel starts; the rest waits until used.
    from mkt_engineering.reporting.folders import check_out_folder
    from mkt_engineering.reporting.runner import execute_run, prepare_run

    try:
        if memory is not None:  # checked before any kernel starts; the kernel inherits it
            set_engine_memory(memory)
        parameters = {**load_params_file(params_file), **parse_param_args(ctx.args)}
        if layout:  # --layout NAME=JSON, merged into the report's `layouts` parameter
            from mkt_engineering.layout import parse_layout_option

            given = parameters.get("layouts") or {}
            given = json.loads(given) if isinstance(given, str) else dict(given)
            parameters["layouts"] = given | dict(parse_layout_option(item) for item in layout)
        if preset:  # each preset's columns and layout, checked against its file's header
            from mkt_engineering.presets import apply_to_run

            for name in preset:
                refuse_preset_on_source(name, data)
                parameters = apply_to_run(name, parameters, data)
        prepared = prepare_run(analysis, parameters, data, out, strict=strict)
        check_out_folder(prepared.out, replace_index)
    except ValueError as exc:
        raise fail(str(exc)) from None
    _stop_on_terminate()

    def announce() -> None:
        # Once the kernel is starting: loading rich (the console) for this line costs no time.
        _reporting.console.print(
            f"[bold]{escape(prepared.title)}[/bold]: running {escape(prepared.notebook.name)}"
        )

    try:
        result = execute_run(prepared, progress_bar=True, on_kernel_started=announce)
        from mkt_engineering.reporting.index import write_index

        index = write_index(prepared.out)
    except KeyboardInterrupt:
        raise fail("interrupted; nothing was written", code=130) from None
    except OSError as exc:  # a full disk, a folder that became read-only
        raise fail(
            f"could not write the report into {prepared.out}: {exc.strerror or exc}; "
            "free some space or choose another --out",
            code=1,
        ) from None
    _reporting.console.print(result_line(result), highlight=False)
    from mkt_engineering.reporting.profiling import slowest_line

    if slow := slowest_line(result.manifest.get("profile", {})):
        _reporting.console.print(escape(slow), highlight=False)
    _reporting.console.print(
        f"report: {result.folder / 'report.html'}\nindex:  {index}", highlight=False
    )
    if result.status != "ok":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
        run
    )
