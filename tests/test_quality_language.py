"""Data-quality sentences in German: every check, a messy export, the report's quality block.

The English sentences of the messy export below were recorded from the loader before German
was added; they must stay exactly as they were.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from mkt_engineering import quality as quality_module
from mkt_engineering.io import load_table
from mkt_engineering.quality import DataQuality
from mkt_engineering.reporting import notebook

PACKAGE = Path(quality_module.__file__).parent

# A German shop export with a title line, a trailing separator (an empty unnamed column), an
# e-mail address in a comment, an empty optional cell, a blank row, a row without consent, a
# date in 1900, a date outside the asked range, an exact duplicate and a repeated order id.
MESSY = (
    "Bestellungen Export Q1\n"
    "customer_id;order_date;revenue;order_id;margin;Einwilligung;Kommentar;\n"
    "c1;05.01.2026;10,50;o1;1,0;ja;Rückruf an max@example.com;\n"
    "c1;05.01.2026;10,50;o1;1,0;ja;Rückruf an max@example.com;\n"
    "c2;06.01.2026;1.234,00;o2;;ja;ok;\n"
    "c3;07.01.2026;7,00;o2;2,0;ja;ok;\n"
    "c4;01.01.1900;3,00;o4;;ja;alt;\n"
    "c5;08.01.2026;4,00;o5;;nein;ok;\n"
    "c6;09.03.2026;4,00;o6;;ja;spät;\n"
    ";;;;;;;\n"
)

ENGLISH_BEFORE = [
    "1 title line(s) above the header were skipped: 'Bestellungen Export Q1'.",
    "2 cell(s) held e-mail addresses, phone numbers or IP addresses and were replaced by "
    "placeholders such as [e-mail 1] before analysis: Kommentar: 2 (e-mail).",
    "Optional column margin is empty in 3 rows (37.5%); analyses treat those as unknown.",
    "1 completely empty row(s) were skipped.",
    "1 row(s) (12.5%) had no marketing consent in column Einwilligung and were removed.",
    "1 row(s) (12.5%) were dated before 1990 or after the export time and were removed: "
    "order_date outside 1990-01-01 to 2026-07-01 23:59; line 7: 1900-01-01.",
    "1 row(s) (12.5%) fall outside the date range 2026-01-01 00:00 to 2026-02-28 23:59 and "
    "were removed.",
    "1 empty column(s) without a name were removed: the header has an empty cell, usually a "
    "separator at the end of every line.",
    "Columns that are not part of the contract were kept as they are: Einwilligung, Kommentar.",
    "1 of 8 rows (12.5%) repeat an earlier row exactly; they are kept, check whether the "
    "export repeats them.",
    "1 row(s) (12.5%) repeat the key of another row (same order_id, other values differ); they "
    "are kept.",
]

# Words that only English prose uses; none may be left in a German sentence.
ENGLISH_WORDS = re.compile(
    r"\b(the|of|and|or|were|was|are|is|in column|rows?|removed|kept|skipped|outside|to|with|"
    r"same|other|line|empty|columns?|values?|differ|before|after|they|their|unknown)\b",
    re.IGNORECASE,
)


def _messy(tmp_path: Path) -> DataQuality:
    path = tmp_path / "bestellungen.csv"
    path.write_text(MESSY, encoding="utf-8")
    result = load_table(
        path,
        "orders",
        date_range=("2026-01-01", "2026-02-28"),
        consent_column="Einwilligung",
        as_of="2026-06-30",
    )
    return result.quality


def _check_keys_at_call_sites() -> set[str]:
    """Every literal check key the package passes to ``quality.add`` or ``removals.remove``."""
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = ast.unparse(node.func.value)
            adds = node.func.attr == "add" and "quality" in owner
            removes = node.func.attr == "remove" and owner == "removals"
            first = node.args[0] if node.args else None
            if (adds or removes) and isinstance(first, ast.Constant):
                keys.add(first.value)
    return keys


def test_every_check_has_a_german_sentence():
    at_call_sites = _check_keys_at_call_sites()
    assert len(at_call_sites) >= 20, at_call_sites  # the scan found the loaders' checks
    registry = set(quality_module._SENTENCES) | at_call_sites
    missing = registry - set(quality_module._SENTENCES_DE)
    assert not missing, f"checks without a German sentence: {sorted(missing)}"
    for check in sorted(registry):
        quality = DataQuality("x.csv", "orders", rows=1000, rows_read=1234)
        quality.add(check, 1234, "a, b")
        (german,) = quality.explain(language="de")
        (english,) = quality.explain()
        assert german != english, check
        template = quality_module._SENTENCES_DE[check]
        assert ("{count}" not in template) or "1.234" in german, (check, german)
        assert not ENGLISH_WORDS.search(german.replace("a, b", "")), (check, german)


def test_empty_cells_and_a_clean_load_in_german():
    quality = DataQuality("x.csv", "orders", rows=1200, rows_read=1200)
    assert quality.explain(language="de") == [
        "Alle 1.200 Zeilen haben die Prüfungen für orders bestanden; nichts fiel auf."
    ]
    quality.add("empty cells in margin", 150, "optional column; empty means unknown")
    assert quality.explain(language="de") == [
        "Die optionale Spalte margin ist in 150 Zeilen leer (12,5 %); die Analysen behandeln "
        "diese Werte als unbekannt."
    ]


def test_a_messy_german_export_reads_in_german(tmp_path):
    quality = _messy(tmp_path)
    german = quality.explain(language="de")
    assert len(german) == len(ENGLISH_BEFORE)
    for sentence in german:
        assert not ENGLISH_WORDS.search(sentence), sentence
    text = " ".join(german)
    assert "12,5 %" in text and "37,5 %" in text and "12.5" not in text
    assert "01.01.1990 bis 01.07.2026 23:59; Zeile 7: 01.01.1900" in text
    assert "01.01.2026 00:00 bis 28.02.2026 23:59" in text
    assert "(gleiche order_id, andere Werte verschieden)" in text


def test_english_is_unchanged(tmp_path):
    quality = _messy(tmp_path)
    assert quality.explain() == ENGLISH_BEFORE
    assert quality.explain(language="en") == ENGLISH_BEFORE
    assert [issue["message"] for issue in quality.to_dict()["issues"]] == ENGLISH_BEFORE


def test_manifest_record_in_german_differs_only_in_its_messages(tmp_path):
    quality = _messy(tmp_path)
    english, german = quality.to_dict(), quality.to_dict(language="de")
    assert [issue["message"] for issue in german["issues"]] == quality.explain(language="de")
    for issue in english["issues"] + german["issues"]:
        assert set(issue) == {"check", "count", "share", "note", "message"}
    strip = [{k: v for k, v in i.items() if k != "message"} for i in german["issues"]]
    assert strip == [{k: v for k, v in i.items() if k != "message"} for i in english["issues"]]
    assert {k: v for k, v in german.items() if k != "issues"} == {
        k: v for k, v in english.items() if k != "issues"
    }
    assert quality.to_frame().columns == ["check", "count", "share", "note"]


def test_an_unknown_language_is_refused():
    from mkt_engineering.errors import ParameterError

    with pytest.raises(ParameterError, match="'en' or 'de'"):
        DataQuality("x.csv", "orders", rows=1).explain(language="fr")


def test_engine_notes_read_in_german():
    duckdb = pytest.importorskip("duckdb")
    frame = pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c3"],
            "order_date": ["2026-03-01", "1900-01-01", "2026-03-02", "2026-03-03"],
            "revenue": ["1", "2", "3", "4"],
            "order_id": ["o1", "o2", "o3", "o3"],
        }
    )
    relation = duckdb.connect().from_arrow(frame.to_arrow())
    quality = load_table(relation, "orders", keep_in_engine=True, as_of="2026-06-30").quality
    text = " ".join(quality.explain(language="de"))
    assert "Zeile mit customer_id 'c2', order_id 'o2': 01.01.1900" in text, text
    assert "(gleiche order_id, andere Werte verschieden)" in text, text


def test_path_and_lead_notes_read_in_german():
    from mkt_engineering.attribution.path_files import load_paths

    export = pl.DataFrame({"journey": ["ads, mail", "ads,mail,ads"], "conv": [1, 0]})
    quality = load_paths(export, {"journey": "path", "conv": "conversions"}).quality
    assert quality.explain(language="de")[-1] == (
        "2 Pfade wurden am Trennzeichen ',' (erkannt) in Kanäle zerlegt."
    )


def test_report_quality_block_uses_the_report_language(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setitem(notebook._state, "language", "de")
    monkeypatch.setitem(notebook._state, "quality", [])
    monkeypatch.setattr(notebook, "_write_state", lambda: None)
    monkeypatch.setattr(notebook, "_display", lambda text, role=None: shown.append(text))
    quality = _messy(tmp_path)
    notebook.show_quality(quality)
    (record,) = notebook._state["quality"]
    assert record["issues"][0]["message"].startswith("1 Titelzeile(n) über der Kopfzeile")
    (block,) = shown
    assert "<b>orders</b> · aus <code>bestellungen.csv</code> · 4 Zeilen:" in block
    assert "11 Auffälligkeit(en), 4 Zeile(n) entfernt, jede unten gezählt." in block
    assert "gelesene Zeilen: 8" in block and "Dezimalkomma: ja" in block
    english = notebook.quality_html(notebook.quality_record(quality))
    assert "11 issue(s) noted, 4 row(s) removed" in english and "rows read: 8" in english


def test_validate_speaks_german(tmp_path):
    from mkt_engineering.cli import app

    path = tmp_path / "bestellungen.csv"
    path.write_text(MESSY, encoding="utf-8")
    args = ["validate", "orders", str(path), "--consent-column", "Einwilligung"]
    result = CliRunner().invoke(app, [*args, "--lang", "de"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "• 1 Titelzeile(n) über der Kopfzeile wurden übersprungen" in result.output
    assert "ist eine gültige orders-Tabelle (5 Zeilen)." in result.output
    english = CliRunner().invoke(app, args, env={"COLUMNS": "300", "MKT_LANGUAGE": "en"})
    assert "• 1 title line(s) above the header were skipped" in english.output
    refused = CliRunner().invoke(app, [*args, "--lang", "fr"])
    assert refused.exit_code == 2
