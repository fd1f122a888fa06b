"""Pre-aggregated path exports (ChannelAttribution's Data.csv) straight into paths and the report.

The reference for every number is the file itself, read with the standard library's csv
module and split with str.split: an independent reading of the same text.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from mkt_engineering.attribution import load_paths, reshape_paths
from mkt_engineering.errors import DataValidationError, ParameterError

ROOT = Path(__file__).resolve().parents[2]
DATA_CSV = ROOT / "tests" / "data" / "real_world" / "channelattribution_Data.csv"


def _reference(path: Path, sep: str, delimiter: str = ";") -> dict[tuple[str, ...], tuple]:
    """Path -> (conversions, value, non-conversions), summed over equal paths, by plain Python."""
    sums: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            key = tuple(part.strip() for part in row["path"].split(sep))
            for i, column in enumerate(
                ("total_conversions", "total_conversion_value", "total_null")
            ):
                sums[key][i] += float(row[column])
    return {key: tuple(values) for key, values in sums.items()}


def _as_dict(frame: pl.DataFrame) -> dict[tuple[str, ...], tuple]:
    return {
        tuple(path): (conversions, value, null)
        for path, conversions, value, null in frame.select(
            "path", "conversions", "value", "non_conversions"
        ).iter_rows()
    }


def _close(left: dict, right: dict) -> bool:
    return left.keys() == right.keys() and all(
        a == pytest.approx(b, rel=1e-12)
        for k in left
        for a, b in zip(left[k], right[k], strict=True)
    )


def _sections_complete(executed: Path) -> list[str]:
    """The '## ' sections of an executed report; each has output and no cell failed."""
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    sections: dict[str, list] = {}
    heading = "(top)"
    for cell in cells:
        text = "".join(cell["source"])
        if "lang-de" in cell.get("metadata", {}).get("tags", []):
            continue  # the German twin of the English cell before it: no section of its own
        if cell["cell_type"] == "markdown" and text.startswith("## "):
            heading = text.splitlines()[0]
            sections[heading] = []
        elif cell["cell_type"] == "code":
            sections.setdefault(heading, []).extend(cell.get("outputs", []))
    failed = [o for outputs in sections.values() for o in outputs if o["output_type"] == "error"]
    assert not failed, failed
    empty = [name for name, outputs in sections.items() if not outputs and name != "(top)"]
    assert not empty, f"sections without output: {empty}"
    return list(sections)


def test_channelattribution_names_map_without_help():
    result = load_paths(DATA_CSV)
    assert result.frame.columns == ["path", "conversions", "value", "non_conversions"]
    assert _close(_as_dict(result.frame), _reference(DATA_CSV, ">"))
    assert result.quality.column_mapping == {
        "total_conversions": "conversions",
        "total_conversion_value": "value",
        "total_null": "non_conversions",
    }


@pytest.mark.parametrize("sep", [" > ", ">", "|", " | ", ",", "→", ">>>", " -> ", "+"])
@pytest.mark.parametrize("given", [True, False], ids=["given", "detected"])
def test_any_separator_gives_the_same_paths(tmp_path, sep, given):
    text = DATA_CSV.read_text(encoding="utf-8").replace(" > ", sep)
    if sep.strip() == ",":  # a comma inside a field of a comma-free ;-file needs no quotes
        assert ";" in text.splitlines()[0]
    export = tmp_path / "paths.csv"
    export.write_text(text, encoding="utf-8")
    frame = load_paths(export, sep=sep if given else "").frame
    assert _close(_as_dict(frame), _reference(DATA_CSV, ">"))


def test_layout_options_reach_the_column_names(tmp_path):
    """A title line and no header: the names given in the layout map like a header's."""
    lines = DATA_CSV.read_text(encoding="utf-8").splitlines()
    export = tmp_path / "paths.txt"
    export.write_text("\n".join(["Pfade Export 2024", *lines[1:]]) + "\n", encoding="utf-8")
    layout = {"header": False, "skip_lines": 1, "separator": ";", "names": lines[0].split(";")}
    frame = load_paths(export, layout=layout).frame
    assert _close(_as_dict(frame), _reference(DATA_CSV, ">"))


def test_equal_paths_with_different_spacing_are_summed(tmp_path):
    export = tmp_path / "paths.csv"
    export.write_text(
        "\ufeffpath,total_conversions,total_conversion_value,total_null\n"
        '"search|email",1,10.5,2\n"search | email ",2,20,0\nsocial,0,0,4\n',
        encoding="utf-8",
    )
    frame = load_paths(export).frame
    assert _as_dict(frame) == {("search", "email"): (3.0, 30.5, 2.0), ("social",): (0.0, 0.0, 4.0)}


def test_own_names_map_by_columns_and_win_over_the_defaults():
    export = pl.DataFrame(
        {
            "Pfad": ["a > b", "b"],
            "total_conversions": [9, 9],  # not the user's choice: their column is Käufe
            "Käufe": [1, 2],
        }
    )
    frame = load_paths(export, {"Pfad": "path", "Käufe": "conversions"}).frame
    assert _as_dict(frame) == {("b",): (2.0, 0.0, 0.0), ("a", "b"): (1.0, 0.0, 0.0)}


def test_bad_separator_and_negative_counts_are_refused():
    with pytest.raises(ParameterError, match="separator"):
        load_paths(DATA_CSV, sep="and")
    export = pl.DataFrame({"path": ["a > b"], "total_conversions": [-1]})
    with pytest.raises(DataValidationError, match="conversions"):
        load_paths(export)


def test_reshape_matches_a_hand_built_reference():
    paths = pl.DataFrame(
        {
            "path": [["fb", "ig", "mail", "mail", "shop"], ["ig", "mail", "shop"], ["x"]],
            "conversions": [1.0, 2.0, 0.0],
            "value": [10.0, 5.0, 0.0],
            "non_conversions": [0.0, 1.0, 3.0],
        }
    )
    reshaped = reshape_paths(
        paths, collapse_repeats=True, max_length=2, channel_rules={"social": ["fb", "ig"]}
    )
    # social > mail > shop for both long paths, then the last two touches
    assert _as_dict(reshaped) == {("mail", "shop"): (3.0, 15.0, 1.0), ("x",): (0.0, 0.0, 3.0)}


def test_report_runs_on_the_data_csv_export_alone(run_report):
    """`mkt run attribution --data paths=Data.csv`: a complete report, no demo file read."""
    run = run_report("attribution", "--data", f"paths={DATA_CSV}", "-p", "bootstrap_size", "20")
    manifest = json.loads((run / "manifest.json").read_text())
    assert [item["path"] for item in manifest["inputs"]] == [str(DATA_CSV)]
    assert "datasets" not in json.dumps(manifest["inputs"])
    html = (run / "report.html").read_text(encoding="utf-8")
    for reason in ("journeys built from touches", "the lookback sensitivity"):
        assert f"Not shown: {reason}, because" in html
    assert _sections_complete(run / "executed.ipynb")
    # every analysis section rendered its table or chart from the paths
    for table in ("credit_by_model", "markov_credit", "credit_intervals"):
        assert (run / "tables" / f"{table}.csv").exists()
    credited = pl.read_csv(run / "tables" / "credit_by_model.csv")
    total = sum(v[0] for v in _reference(DATA_CSV, ">").values())
    per_model = credited.group_by("model").agg(pl.col("conversions").sum())
    assert per_model["conversions"].to_list() == pytest.approx([total] * per_model.height)
