"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _reference_dir() -> Path | None:
    # ../shared/reference on the development machines; the wheel copies in a user's clone.
    for candidate in (
        PROJECT_ROOT.parent / "shared" / "reference",
        PROJECT_ROOT / ".cache" / "reference",
    ):
        if (candidate / "cdnow" / "CDNOW_sample.txt").exists():
            return candidate
    return None


REFERENCE_DIR = _reference_dir()


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Folder with the published reference data (cdnow/, survival/)."""
    if REFERENCE_DIR is None:
        pytest.fail("reference data missing: run `make reference-data` (make test does it)")
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT
