"""Lessons find their data beside the notebook first (the student kit's bundled copy), then
in the kit; with nothing found, the error names every place it looked and the fix."""

from __future__ import annotations

import pytest

from mkt_engineering import paths
from mkt_engineering.errors import DataValidationError
from mkt_engineering.teaching.lesson_data import data_path


def test_bundled_copy_beside_the_notebook_wins(tmp_path, monkeypatch):
    bundled = tmp_path / "datasets" / "orders" / "orders.csv"
    bundled.parent.mkdir(parents=True)
    bundled.write_text("customer_id,order_date,revenue\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # Jupyter runs a notebook in its own folder
    assert data_path("orders/orders.csv") == bundled
    assert data_path("orders", "orders.csv", beside=tmp_path) == bundled


def test_a_data_folder_beside_the_notebook_is_the_second_place(tmp_path):
    own = tmp_path / "data" / "leads" / "leads.csv"
    own.parent.mkdir(parents=True)
    own.write_text("lead_id\n", encoding="utf-8")
    assert data_path("leads/leads.csv", beside=tmp_path) == own


def test_the_kit_is_the_last_place(tmp_path):
    assert data_path("orders/orders.csv", beside=tmp_path) == (
        paths.DATASETS_DIR / "orders" / "orders.csv"
    )


def test_nothing_found_names_both_places_and_the_fix(tmp_path, monkeypatch):
    kit = tmp_path / "kit-moved-aside"
    monkeypatch.setattr(paths, "DATASETS_DIR", kit)
    lesson_folder = tmp_path / "student"
    with pytest.raises(DataValidationError) as raised:
        data_path("orders/orders.csv", beside=lesson_folder)
    message = str(raised.value)
    assert str(lesson_folder / "datasets" / "orders" / "orders.csv") in message
    assert str(kit / "orders" / "orders.csv") in message
    assert "next to this notebook" in message and raised.value.fix


def test_a_path_outside_the_data_folder_is_refused(tmp_path):
    with pytest.raises(DataValidationError, match="inside the data folder"):
        data_path("../secrets.csv", beside=tmp_path)
