"""Run the side-by-side benchmarks: `make bench` (or `python -m benchmarks.run --only ltv`).

Each ``benchmarks/bench_<area>.py`` exposes ``run(scale: float) -> list[dict]``; every dict is
one comparison row (name, kit_seconds, peer_seconds, ratio, notes...). Results are printed as a
table and saved to ``benchmarks/results/<area>.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
console = Console()


def _areas() -> list[str]:
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(HERE)])
        if m.name.startswith("bench_")
    )


def _print(area: str, rows: list[dict]) -> None:
    table = Table(title=f"benchmark: {area}")
    columns = list(dict.fromkeys(key for row in rows for key in row))
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(
            *[
                f"{row[c]:.4g}" if isinstance(row.get(c), float) else str(row.get(c, ""))
                for c in columns
            ]
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=None, help=f"areas to run, from {_areas()}")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="fraction of the full problem size (1 = as in the issues)",
    )
    args = parser.parse_args()
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    for area in args.only or _areas():
        module = importlib.import_module(f"benchmarks.bench_{area}")
        started = time.perf_counter()
        rows = module.run(scale=args.scale)
        _print(area, rows)
        console.print(f"{area}: {time.perf_counter() - started:.1f} s in all")
        (results_dir / f"{area}.json").write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
