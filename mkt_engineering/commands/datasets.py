"""`mkt datasets generate`: write the seeded demo datasets."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from mkt_engineering.paths import DATASETS_DIR

console = Console()
datasets_app = typer.Typer(help="Demo datasets: generate them from a seed.", no_args_is_help=True)


@datasets_app.command("generate")
def generate(
    scale: float = typer.Option(
        1.0, help="Size multiplier; 1 is the committed demo size, larger is for benchmarks."
    ),
    seed: int = typer.Option(42, help="Random seed; the same seed writes byte-identical files."),
    out: Path = typer.Option(
        DATASETS_DIR, help="Folder to write into (one sub-folder per family)."
    ),
    family: list[str] = typer.Option(None, help="Only these families (repeatable). Default: all."),
) -> None:
    """Generate the demo datasets and their ground truth (truth.json per family)."""
    from mkt_engineering.synthetic.base import available_families, generator, write_family

    if not 0 < scale <= 1000:  # a size multiplier: 0 or less writes nothing useful
        console.print(f"[red]--scale must be above 0 and at most 1000, got {scale:g}.[/red]")
        raise typer.Exit(2)
    families = family or available_families()
    unknown = sorted(set(families) - set(available_families()))
    if unknown:
        console.print(
            f"[red]Unknown dataset family: {', '.join(unknown)}. "
            f"Available: {', '.join(available_families())}[/red]"
        )
        raise typer.Exit(2)
    for name in families:
        with console.status(f"generating {name} (seed {seed}, scale {scale:g})"):
            data = generator(name)(seed=seed, scale=scale)
            written = write_family(data, out)
        rows = ", ".join(f"{stem} {frame.height:,} rows" for stem, frame in data.tables.items())
        console.print(f"[green]✓[/green] {name}: {rows} → {written[0].parent}")


def register(app: typer.Typer) -> None:
    app.add_typer(datasets_app, name="datasets")
