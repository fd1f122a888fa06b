"""Where a lesson finds its data: beside the notebook first, then in the kit.

Every lesson reads its demo data through `data_path`, so the same notebook runs in the kit
(``notebooks/lessons/``), from an unzipped student folder on a laptop without the kit's
checkout, and from a folder a trainer put together by hand.

Lookup order for ``data_path("orders/orders.csv")``, first hit wins:

1. ``datasets/orders/orders.csv`` beside the notebook. Jupyter, papermill and nbclient run
   a notebook with its own folder as the working folder, so "beside the notebook" is the
   working folder (or ``beside=`` when given). ``mkt workshop build`` bundles the demo data
   there: ``workshop/datasets/`` next to ``workshop/NN_topic.ipynb``.
2. ``data/orders/orders.csv`` beside the notebook, for a folder put together by hand.
3. ``orders/orders.csv`` in the kit's demo data (``datasets/`` of the checkout, or the
   folder the environment variable ``MKT_DATASETS_DIR`` names).

Examples
--------
>>> data_path("orders/orders.csv").name
'orders.csv'
>>> data_path("orders", "spend.csv").parent.name
'orders'
"""

from __future__ import annotations

from pathlib import Path

from mkt_engineering import paths
from mkt_engineering.errors import DataValidationError

# The folders beside a notebook that may hold the lesson data, in the order they are tried.
BESIDE_FOLDERS = ("datasets", "data")


def candidates(name: str | Path, *parts: str, beside: str | Path | None = None) -> list[Path]:
    """The places `data_path` tries for a data file or folder, in order.

    Parameters
    ----------
    name, *parts : str or Path
        The file or folder relative to the data folder (``"orders/orders.csv"`` or
        ``"orders", "orders.csv"``).
    beside : str or Path, optional
        The notebook's folder; by default the working folder.

    Returns
    -------
    list of Path
        ``datasets/…`` and ``data/…`` beside the notebook, then the kit's demo data.

    Examples
    --------
    >>> [path.parent.parent.name for path in candidates("orders/orders.csv", beside="/tmp/x")]
    ['datasets', 'data', 'datasets']
    """
    relative = Path(name, *parts)
    if relative.is_absolute() or ".." in relative.parts:
        raise DataValidationError(
            f"Lesson data {relative.as_posix()!r}: give a name inside the data folder, such "
            "as 'orders/orders.csv', not an absolute path or one with '..'.",
            source=relative.as_posix(),
            fix="Pass the path below datasets/, e.g. data_path('orders/orders.csv').",
        )
    folder = Path(beside) if beside is not None else Path.cwd()
    kit = Path(paths.DATASETS_DIR)
    return [*(folder / sub / relative for sub in BESIDE_FOLDERS), kit / relative]


def data_path(name: str | Path, *parts: str, beside: str | Path | None = None) -> Path:
    """The lesson data file (or folder) ``name``: beside the notebook first, then in the kit.

    Parameters
    ----------
    name, *parts : str or Path
        The file or folder relative to the data folder, e.g. ``"leads/lead_events.csv"``.
    beside : str or Path, optional
        The notebook's folder; by default the working folder, which Jupyter sets to the
        notebook's folder.

    Returns
    -------
    Path
        The first existing place in the lookup order of the module docstring.

    Raises
    ------
    DataValidationError
        When no place holds it; the message lists every place tried and the fix.

    Examples
    --------
    >>> data_path("leads/lead_events.csv").exists()
    True
    """
    tried = candidates(name, *parts, beside=beside)
    for path in tried:
        if path.exists():
            return path
    wanted = Path(name, *parts).as_posix()
    places = "\n".join(f"  - {path}" for path in tried)
    raise DataValidationError(
        f"The lesson data {wanted!r} is not there. Looked in, in this order:\n{places}\n"
        "Fix: put the workshop's datasets/ folder next to this notebook (unzip the whole "
        "student kit, not only the notebooks), or run 'mkt datasets generate' in the kit to "
        "make the demo data.",
        source=wanted,
        fix="Put the datasets/ folder next to the notebook, or run 'mkt datasets generate' in the "
        "kit.",
    )


__all__ = ["BESIDE_FOLDERS", "candidates", "data_path"]
