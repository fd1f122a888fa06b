"""Where the kit's own files live, so notebooks find the demo data from any folder."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# MKT_DATASETS_DIR moves the demo data elsewhere (tests use it to show no report needs them).
DATASETS_DIR = Path(os.environ.get("MKT_DATASETS_DIR") or PROJECT_ROOT / "datasets")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


def resolve_input(path: str | Path) -> Path:
    """Find an input file given as absolute, relative to the working folder, or to the project.

    Notebooks run with their own folder as working folder; default parameters name files
    relative to the project root (``datasets/...``), so both are tried.

    Examples
    --------
    >>> resolve_input("datasets/README.md").name
    'README.md'
    """
    candidate = Path(path).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return candidate
    in_project = PROJECT_ROOT / candidate
    return in_project if in_project.exists() else candidate
