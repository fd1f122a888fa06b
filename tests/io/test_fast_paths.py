"""The loader's fast paths give exactly what the careful paths give, and fall back on them.

CSV date columns are parsed while reading, in the one format of the sniffed first lines;
a later row in any other format must still be parsed (or reported) by the careful parser.
Parquet statistics may spare the check for empty text; without them the answer is the same.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mkt_engineering import DataValidationError, formats
from mkt_engineering.io import load_table, read_table

ROWS = 12_000  # about 450 kB: well beyond the 256 kB that sniffing reads


def _touchpoints(rows: int = ROWS) -> pl.DataFrame:
    start = dt.datetime(2026, 1, 1)
    return pl.DataFrame(
        {
            "customer_id": [f"c{i % 997:05d}" for i in range(rows)],
            "timestamp": [
                (start + dt.timedelta(seconds=7919 * i)).strftime("%Y-%m-%d %H:%M:%S")
                for i in range(rows)
            ],
            "channel": ["search", "email", "display"] * (rows // 3),
        }
    )


def _write(tmp_path, frame: pl.DataFrame, name: str = "touch.csv"):
    path = tmp_path / name
    frame.write_csv(path)
    return path


def test_dates_parsed_while_reading_equal_the_careful_parse(tmp_path):
    frame = _touchpoints()
    path = _write(tmp_path, frame)
    raw = formats.read_source(
        path, text_columns=lambda header: header, date_columns=lambda header: ["timestamp"]
    )
    assert set(raw.parsed_dates) == {"timestamp"}  # the fast path was taken
    careful, family, mixed = formats.parse_datetime(frame["timestamp"])
    result = load_table(path, "touchpoints", as_of="2030-01-01")  # the rows run into 2029
    assert result.frame["timestamp"].equals(careful)
    assert result.quality.date_formats == {"timestamp": family} and mixed is None


@pytest.mark.parametrize("german", [False, True])
def test_german_dates_parsed_while_reading(tmp_path, german):
    frame = _touchpoints(600)
    if german:
        frame = frame.with_columns(
            pl.col("timestamp").str.to_datetime().dt.strftime("%d.%m.%Y %H:%M")
        )
    path = _write(tmp_path, frame)
    careful, family, _ = formats.parse_datetime(frame["timestamp"])
    result = load_table(path, "touchpoints")
    assert result.frame["timestamp"].equals(careful)
    assert result.quality.date_formats == {"timestamp": family}


def test_late_date_only_row_is_parsed_by_the_careful_path(tmp_path):
    frame = _touchpoints().with_columns(
        pl.when(pl.int_range(pl.len()) == ROWS - 5)
        .then(pl.lit("2026-12-24"))
        .otherwise("timestamp")
        .alias("timestamp")
    )
    out = read_table(_write(tmp_path, frame), "touchpoints", as_of="2030-01-01")
    assert out["timestamp"][ROWS - 5] == dt.datetime(2026, 12, 24)
    assert out["timestamp"].null_count() == 0


@pytest.mark.parametrize(
    ("value", "words"),
    [("gestern", "has values that are not dates"), ("24.12.2026 10:00", "mixes date formats")],
)
def test_late_bad_date_is_reported_with_its_line(tmp_path, value, words):
    frame = _touchpoints().with_columns(
        pl.when(pl.int_range(pl.len()) == ROWS - 5)
        .then(pl.lit(value))
        .otherwise("timestamp")
        .alias("timestamp")
    )
    path = _write(tmp_path, frame)
    error = pytest.raises(DataValidationError, read_table, path, "touchpoints").value
    line = ROWS - 5 + 2  # the header is line 1
    assert error.rows == [line] and error.column == "timestamp"
    assert words in str(error) and f"line {line}: {value!r}" in str(error)


def test_late_empty_timestamp_is_reported(tmp_path):
    frame = _touchpoints().with_columns(
        pl.when(pl.int_range(pl.len()) == ROWS - 1)
        .then(None)
        .otherwise("timestamp")
        .alias("timestamp")
    )
    error = pytest.raises(
        DataValidationError, read_table, _write(tmp_path, frame), "touchpoints"
    ).value
    assert error.rows == [ROWS + 1] and "is empty" in str(error)


def _outcome(source) -> tuple:
    """What loading `source` gives: the frame and empty-cell counts, or the error's facts."""
    try:
        result = load_table(source, "touchpoints")
    except DataValidationError as error:
        return ("error", error.column, error.rows, str(error).splitlines()[0].split(": ", 1)[1])
    return ("ok", result.frame.to_dicts(), result.quality.nulls)


@pytest.mark.parametrize("channel", [["search", "email", "display"], ["search", "", "display"]])
@pytest.mark.parametrize("statistics", [True, False])
def test_parquet_text_checks_agree_with_or_without_statistics(tmp_path, statistics, channel):
    frame = pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "timestamp": [
                dt.datetime(2026, 3, 1),
                dt.datetime(2026, 3, 2),
                dt.datetime(2026, 3, 3),
            ],
            "channel": channel,
            "campaign": ["spring", None, "summer"],
        }
    )
    path = tmp_path / "touch.parquet"
    frame.write_parquet(path, statistics=statistics)
    text = ["customer_id", "channel", "campaign"]
    assert formats.parquet_text_without_empty(path, text) == (set() if "" in channel else set(text))
    # the same table as a frame (no statistics: every cell checked) gives the same outcome
    from_file, from_frame = _outcome(path), _outcome(frame)
    if "" in channel:  # Parquet rows count from 1, frame rows from 0
        assert from_file == ("error", "channel", [2], from_frame[3]) and from_frame[:3] == (
            "error",
            "channel",
            [1],
        )
    else:
        assert from_file == from_frame and from_file[0] == "ok"
