"""Pseudonymization (checked against hashlib), PII detection, consent filtering, and how
read_table applies them."""

from __future__ import annotations

import hashlib

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkt_engineering import DataValidationError
from mkt_engineering.io import load_table, read_table
from mkt_engineering.privacy import (
    SALT_VARIABLE,
    consent_mask,
    detect_pii,
    filter_consent,
    find_consent_column,
    pseudonymize,
)


def test_pseudonym_is_salted_sha256():
    frame = pl.DataFrame({"customer_id": ["c1", "c2", None, "c1"], "n": [1, 2, 3, 4]})
    out = pseudonymize(frame, ["customer_id"], salt="kiwi")
    expected = [
        hashlib.sha256(f"kiwi{v}".encode()).hexdigest() if v else None for v in frame["customer_id"]
    ]
    assert out["customer_id"].to_list() == expected
    assert out["n"].to_list() == [1, 2, 3, 4]


def test_salt_from_environment_and_missing_salt(monkeypatch):
    frame = pl.DataFrame({"id": ["x"]})
    monkeypatch.setenv(SALT_VARIABLE, "from-env")
    assert pseudonymize(frame, "id")["id"][0] == hashlib.sha256(b"from-envx").hexdigest()
    monkeypatch.delenv(SALT_VARIABLE)
    error = pytest.raises(DataValidationError, pseudonymize, frame, "id").value
    assert SALT_VARIABLE in str(error) and "Fix:" in str(error)


def test_different_salts_differ_and_numbers_are_hashed_as_text():
    frame = pl.DataFrame({"id": [17, 18]})
    a, b = pseudonymize(frame, "id", salt="a"), pseudonymize(frame, "id", salt="b")
    assert a["id"][0] != b["id"][0]
    assert a["id"][0] == hashlib.sha256(b"a17").hexdigest()


@settings(deadline=None, max_examples=50)
@given(
    values=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=40),
    salt=st.text(min_size=1, max_size=10),
)
def test_pseudonymize_keeps_joins(values, salt):
    # equal ids stay equal, different ids stay different: joins and counts survive
    out = pseudonymize(pl.DataFrame({"id": values}), "id", salt=salt)["id"].to_list()
    assert len(set(out)) == len(set(values))
    mapping = dict(zip(values, out, strict=True))
    assert [mapping[v] for v in values] == out


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (
            pl.DataFrame(
                {"E-Mail": ["x"], "Vorname": ["Anna"], "Nachname": ["Schmidt"], "Telefon": ["1"]}
            ),
            {"E-Mail": "email", "Vorname": "name", "Nachname": "name", "Telefon": "phone"},
        ),
        (
            pl.DataFrame(
                {
                    "contact": ["anna@example.de", "bob@example.com"],
                    "kontakt_tel": ["+49 30 1234567", "0171-2345678"],
                }
            ),
            {"contact": "email", "kontakt_tel": "phone"},
        ),
        (
            pl.DataFrame(
                {
                    "channel": ["Store Visit", "Call Centre"] * 20,
                    "campaign_name": ["Spring Sale"] * 40,
                    "email_opens": [1] * 40,
                }
            ),
            {},
        ),
        (
            pl.DataFrame(
                {
                    "who": [
                        f"{first} {last}"
                        for first in ("Anna", "Bernd", "Clara", "Dieter", "Eva")
                        for last in ("Schmidt", "Müller", "Weber", "Becker", "Fischer")
                    ]
                }
            ),
            {"who": "name"},
        ),
        (
            pl.DataFrame(
                {"customer_id": ["c000123", "c000124"], "order_id": ["12345678", "12345679"]}
            ),
            {},
        ),
    ],
)
def test_detect_pii(frame, expected):
    assert detect_pii(frame) == expected


def test_consent_values():
    values = pl.Series(["ja", "Nein", "TRUE", "0", "yes", None, "x", "vielleicht", "1"])
    assert consent_mask(values).to_list() == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
    ]
    assert find_consent_column(["customer_id", "Marketing-Consent"]) == "Marketing-Consent"
    assert find_consent_column(["Einwilligung"]) == "Einwilligung"
    assert find_consent_column(["consent_date_note", "x"]) is None


def test_filter_consent_reports_removed():
    kept, removed = filter_consent(
        pl.DataFrame({"id": [1, 2, 3, 4], "opt_in": [True, False, None, True]}), "opt_in"
    )
    assert kept["id"].to_list() == [1, 4] and removed == 2
    with pytest.raises(DataValidationError, match="Consent column"):
        filter_consent(pl.DataFrame({"id": [1]}), "consent")


def _touches() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "timestamp": ["2026-03-01", "2026-03-02", "2026-03-03"],
            "channel": ["search", "email", "direct"],
            "email": ["a@b.de", "c@d.de", "e@f.de"],
            "Einwilligung": ["ja", "nein", "ja"],
        }
    )


def test_read_table_removes_pii_columns_and_filters_consent():
    result = load_table(_touches(), "touchpoints")
    assert "email" not in result.frame.columns
    assert result.frame["customer_id"].to_list() == ["c1", "c3"]
    assert result.quality.pii_removed == ["email"]
    assert result.quality.consent_removed == 1
    assert any("no marketing consent" in s for s in result.quality.explain())


def test_read_table_allow_pii_keeps_and_records():
    result = load_table(_touches(), "touchpoints", allow_pii=True)
    assert "email" in result.frame.columns
    assert result.quality.count("pii columns kept") == 1


def test_read_table_named_consent_column_and_missing_one():
    frame = _touches().rename({"Einwilligung": "newsletter_ok"})
    assert read_table(frame, "touchpoints").height == 3  # not a consent name: no filter
    assert read_table(frame, "touchpoints", consent_column="newsletter_ok").height == 2
    with pytest.raises(DataValidationError, match=r"Consent column: missing column\(s\) nope"):
        read_table(frame, "touchpoints", consent_column="nope")


def test_read_table_pseudonymizes_pii_id(monkeypatch):
    frame = pl.DataFrame(
        {
            "Kunde": ["anna@example.de", "bob@example.com"],
            "timestamp": ["2026-03-01", "2026-03-02"],
            "channel": ["a", "b"],
        }
    )
    with pytest.raises(DataValidationError, match="pseudonymize"):
        read_table(frame, "touchpoints", {"Kunde": "customer_id"})
    monkeypatch.setenv(SALT_VARIABLE, "pepper")
    out = read_table(frame, "touchpoints", {"Kunde": "customer_id"}, pseudonymize=["Kunde"])
    assert out["customer_id"][0] == hashlib.sha256(b"pepperanna@example.de").hexdigest()
    monkeypatch.delenv(SALT_VARIABLE)
    with pytest.raises(DataValidationError, match=SALT_VARIABLE):
        read_table(frame, "touchpoints", {"Kunde": "customer_id"}, pseudonymize=["customer_id"])


def test_missing_columns_name_the_closest_match():
    """pseudonymize and filter_consent refuse a missing column through require_columns, which
    points to the column that is there under another spelling."""
    frame = pl.DataFrame({"Customer_ID": ["c1"], "Opt_In": [True]})
    with pytest.raises(DataValidationError, match="did you mean Customer_ID for customer_id"):
        pseudonymize(frame, "customer_id", salt="s")
    with pytest.raises(DataValidationError, match="did you mean Opt_In for opt_in"):
        filter_consent(frame, "opt_in")
