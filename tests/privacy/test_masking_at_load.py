"""Personal data is scrubbed on the data at load, before anything renders.

Redacting the finished report missed values a chart had already cut short
("anna.schmidt@examp…"), and only columns that were mostly e-mail addresses counted as
personal data. Now a column with a meaningful share of e-mail addresses, phone numbers or
IP addresses is masked cell by cell at load, and e-mail addresses inside any text are too.
"""

from __future__ import annotations

import polars as pl
import pytest

from mkt_engineering import DataValidationError, privacy
from mkt_engineering.io import load_table

ROWS = 100


def _touches(**columns: list) -> pl.DataFrame:
    base = {
        "customer_id": [f"c{i:03d}" for i in range(ROWS)],
        "timestamp": ["2026-03-01 10:00"] * ROWS,
        "channel": ["search", "email", "direct", "store_visit"] * (ROWS // 4),
    }
    return pl.DataFrame(base | columns)


def _with(values: list[str], filler: str = "search") -> list[str]:
    return [filler] * (ROWS - len(values)) + values


def _no_personal_data(frame: pl.DataFrame, *needles: str) -> None:
    text = frame.write_csv()
    for needle in needles:
        assert needle not in text


def test_a_few_addresses_in_a_label_column_are_masked_not_kept():
    # 3 of 100 values: far from a majority, which is all the loader used to look for
    channel = _with(["anna.schmidt@example.de", "bob@example.com", "anna.schmidt@example.de"])
    result = load_table(_touches(channel=channel), "touchpoints")
    tail = result.frame["channel"].tail(3).to_list()
    assert tail == ["[e-mail 1]", "[e-mail 2]", "[e-mail 1]"]  # distinct stay distinct
    assert result.quality.pii_masked == {"channel": 3}
    assert result.quality.count("cells with personal data masked") == 3
    assert any("[e-mail 1]" in sentence for sentence in result.quality.explain())
    _no_personal_data(result.frame, "@", "schmidt")


def test_addresses_inside_text_and_cut_off_ones_are_masked():
    campaign = _with(["mail to anna.schmidt@example.de today", "anna.schmidt@examp…"], "spring")
    result = load_table(_touches(campaign=campaign), "touchpoints")
    assert result.frame["campaign"].tail(2).to_list() == [
        "mail to [e-mail removed] today",
        "[e-mail removed]…",
    ]
    _no_personal_data(result.frame, "@", "schmidt")


@pytest.mark.parametrize(
    ("values", "kind", "placeholder"),
    [
        (["10.0.0.7", "192.168.178.20", "8.8.8.8"], "ip", "[IP address 1]"),
        (["2001:db8::1", "fe80::1ff:fe23:4567:890a", "::1"], "ip", "[IP address 1]"),
        (["2001:0db8:85a3:0000:0000:8a2e:0370:7334"] * 3, "ip", "[IP address 1]"),
        (["+49 30 1234567", "0171-2345678", "+49 171 2345678"], "phone", "[phone 1]"),
    ],
)
def test_ip_addresses_and_phone_numbers_are_found_and_masked(values, kind, placeholder):
    frame = _touches(note=_with(values, "ok"))
    assert privacy.detect_pii(frame) == {"note": kind}
    result = load_table(frame, "touchpoints")
    masked = result.frame["note"].tail(3).to_list()
    assert placeholder in masked and not set(values) & set(masked)
    assert result.quality.pii_found == {"note": kind}


def test_times_versions_and_plain_numbers_are_no_ip_addresses():
    frame = _touches(note=_with(["12:30:00", "1.2.3", "10.0", "2026.03.01"] * 5, "ok"))
    assert privacy.detect_pii(frame) == {}


def test_ip_columns_by_name_and_by_majority_are_removed():
    frame = _touches(ip_address=["1.2.3.4"] * ROWS, visitor=["10.0.0.1"] * ROWS)
    result = load_table(frame, "touchpoints")
    assert result.quality.pii_removed == ["ip_address", "visitor"]
    assert "visitor" not in result.frame.columns


def test_a_contract_column_mostly_of_addresses_is_still_refused():
    frame = _touches(customer_id=[f"user{i}@example.de" for i in range(ROWS)])
    with pytest.raises(DataValidationError, match="pseudonymize"):
        load_table(frame, "touchpoints")


def test_error_messages_quote_the_placeholder_not_the_address():
    events = pl.DataFrame(
        {
            "lead_id": [f"l{i}" for i in range(ROWS)],
            "timestamp": ["2026-03-01 10:00"] * ROWS,
            "event": _with(["anna@example.de", "bob@example.de", "carl@example.de"], "created"),
        }
    )
    with pytest.raises(DataValidationError) as caught:
        load_table(events, "lead_events")
    assert "[e-mail" in str(caught.value) and "@" not in str(caught.value)


def test_large_tables_search_the_sample_for_addresses(monkeypatch):
    monkeypatch.setattr(privacy, "FULL_SCAN_CELLS", 10)  # as if the table were huge
    campaign = ["spring"] * ROWS
    campaign[0] = "call anna@example.de"  # in the sample (first rows): whole column masked
    other = ["ok"] * ROWS
    result = load_table(_touches(campaign=campaign, comment=other), "touchpoints")
    assert result.frame["campaign"][0] == "call [e-mail removed]"


def test_allow_pii_keeps_the_values():
    channel = _with(["anna@example.de", "bob@example.de", "carl@example.de"])
    result = load_table(_touches(channel=channel), "touchpoints", allow_pii=True)
    assert result.frame["channel"][-1] == "carl@example.de"
    assert result.quality.count("pii columns kept") == 1


def test_a_chart_of_the_loaded_data_carries_no_address():
    import altair as alt

    channel = _with(["anna.schmidt@example-company.de"] * 3)
    frame = load_table(_touches(channel=channel), "touchpoints").frame
    counts = frame.group_by("channel").len()
    spec = alt.Chart(counts.to_pandas()).mark_bar().encode(x="channel", y="len").to_json()
    assert "schmidt" not in spec and "@" not in spec.replace('"$schema"', "")


def test_dates_and_numbers_are_not_judged_as_phone_numbers(tmp_path):
    # found by the load_table fuzz: "0001-01-01" matched the phone pattern
    path = tmp_path / "orders.csv"
    path.write_text(
        "customer_id,order_date,revenue\nc1,0001-01-01,1\nc2,2026-01-01,2\nc3,2026-01-02,3\n"
    )
    result = load_table(path, "orders", as_of="2026-06-30")
    assert result.quality.out_of_range_dates == 1 and result.quality.pii_found == {}


def test_report_redaction_also_catches_cut_off_addresses():
    # the last line of defence: a chart label Vega already shortened
    from mkt_engineering.reporting.redact import redact_text

    assert redact_text("top: anna.schmidt@examp…") == "top: [e-mail removed]"
    assert redact_text("vega-embed@6.22.1") == "vega-embed@6.22.1"  # a version, not an address
