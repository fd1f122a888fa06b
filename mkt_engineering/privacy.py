"""Personal data: pseudonymize ids, find PII columns, keep only rows with consent.

Customer data is personal data under the GDPR (DSGVO). The loader uses these helpers so
that analyses see pseudonymous ids, no e-mail addresses, phone numbers or names, and only
people who agreed to marketing use of their data.

The pseudonym of a value is ``sha256(salt + value)`` as 64 hex characters. The salt is a
secret: pass it as an argument or set the environment variable ``MKT_PSEUDONYM_SALT``. The
kit never ships a default salt, because a salt written in code is no secret.

Examples
--------
>>> import polars as pl
>>> frame = pl.DataFrame({"customer_id": ["c1", "c2", "c1"], "email": ["a@x.de", "b@y.com", "a@x.de"]})
>>> detect_pii(frame)
{'email': 'email'}
>>> hashed = pseudonymize(frame, ["customer_id"], salt="s3cret")
>>> hashed["customer_id"][0] == hashed["customer_id"][2], len(hashed["customer_id"][0])
(True, 64)
>>> kept, removed = filter_consent(pl.DataFrame({"id": [1, 2, 3], "consent": ["ja", "nein", None]}), "consent")
>>> kept["id"].to_list(), removed
([1], 2)
"""

from __future__ import annotations

import hashlib
import os
import re

import polars as pl

from mkt_engineering.formats import validation_error

SALT_VARIABLE = "MKT_PSEUDONYM_SALT"
CONSENT_NAMES = (
    "consent",
    "marketing_consent",
    "einwilligung",
    "opt_in",
    "optin",
    "marketing_opt_in",
    "werbeeinwilligung",
    "dsgvo_consent",
)
CONSENT_TRUE = ("true", "t", "1", "1.0", "yes", "y", "ja", "j", "wahr", "x")

_NAME_WORDS = {
    "name",
    "vorname",
    "nachname",
    "firstname",
    "lastname",
    "fullname",
    "surname",
    "familienname",
    "kundenname",
    "contactname",
    "customername",
    "kontaktname",
    "ansprechpartner",
    "vollname",
}
_FILLER = {
    "address",
    "adresse",
    "addr",
    "customer",
    "kunde",
    "kunden",
    "contact",
    "kontakt",
    "nr",
    "no",
    "number",
    "nummer",
    "private",
    "privat",
    "business",
    "work",
    "primary",
    "1",
    "2",
    "of",
    "the",
}
_EMAIL_WORDS = {"email", "mail", "emailaddress", "emailadresse", "mailadresse"}
_PHONE_WORDS = {
    "phone",
    "telefon",
    "tel",
    "mobile",
    "mobil",
    "handy",
    "phonenumber",
    "telefonnummer",
    "mobilnummer",
    "fax",
}

EMAIL_PATTERN = r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$"
PHONE_PATTERN = r"^(\+|00)\d[\d ()/.-]{6,}\d$|^0\d{2,5}[ /-]?\d[\d -]{3,}\d$|^\(0\d+\)[\d /-]{5,}$"
NAME_PATTERN = r"^[A-ZÄÖÜ][a-zäöüßéèáàç]+([-' ][A-ZÄÖÜ][a-zäöüßéèáàç]+)+$"


def _salt(salt: str | None) -> str:
    salt = salt if salt is not None else os.environ.get(SALT_VARIABLE)
    if not salt:
        raise validation_error(
            "Pseudonymization needs a secret salt, and none was given.",
            fix=f"Pass salt='...' or set the environment variable {SALT_VARIABLE}; keep the salt out of code and notebooks, and use the same salt for files that must join.",
        )
    return salt


def pseudonymize(
    frame: pl.DataFrame, columns: list[str] | str, salt: str | None = None
) -> pl.DataFrame:
    """Replace id columns by salted SHA-256 pseudonyms (64 hex characters; nulls stay null).

    The same value and salt always give the same pseudonym, so tables pseudonymized with one
    salt still join. Each *distinct* value is hashed once (ids repeat across many rows), then
    mapped back onto the rows with polars.

    Parameters
    ----------
    frame : DataFrame
    columns : str or list of str
        Columns to replace.
    salt : str, optional
        Secret salt; default: environment variable ``MKT_PSEUDONYM_SALT``.

    Examples
    --------
    >>> import hashlib
    >>> out = pseudonymize(pl.DataFrame({"id": ["c1"]}), "id", salt="pepper")
    >>> out["id"][0] == hashlib.sha256(b"pepperc1").hexdigest()
    True
    """
    salt_text = _salt(salt)
    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise validation_error(
            f"Cannot pseudonymize {', '.join(missing)}: no such column. Columns: {', '.join(frame.columns)}.",
            column=missing[0],
            fix="Name columns of the table (after column mapping) in pseudonymize=[...].",
        )
    replacements = []
    for name in columns:
        distinct = frame.get_column(name).drop_nulls().cast(pl.String).unique()
        # hashlib has no vectorized form; hashing distinct ids keeps it to one call per customer.
        digests = [
            hashlib.sha256((salt_text + value).encode("utf-8")).hexdigest()
            for value in distinct.to_list()
        ]
        mapping = pl.DataFrame({"__key": distinct, "__hash": pl.Series(digests, dtype=pl.String)})
        replacements.append(
            pl.col(name)
            .cast(pl.String)
            .replace_strict(
                mapping["__key"], mapping["__hash"], default=None, return_dtype=pl.String
            )
        )
    return frame.with_columns(replacements)


def _words(column: str) -> tuple[str, list[str]]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", column)
    tokens = [t for t in re.split(r"[^a-zA-Z0-9äöüÄÖÜß]+", spaced.lower()) if t]
    return "".join(tokens), tokens


def _kind_by_name(column: str) -> str | None:
    # "customer_email" and "Kunden-Name" count, "email_opens" and "campaign_name" do not:
    # after dropping filler words, every word must name the kind.
    joined, tokens = _words(column)
    words = set(tokens) - _FILLER
    for kind, vocabulary in (
        ("email", _EMAIL_WORDS),
        ("phone", _PHONE_WORDS),
        ("name", _NAME_WORDS),
    ):
        if (
            joined in vocabulary
            or (words and words <= vocabulary)
            or "".join(t for t in tokens if t not in _FILLER) in vocabulary
        ):
            return kind
    return None


def _kind_by_values(values: pl.Series) -> str | None:
    sample = values.drop_nulls().head(1000).cast(pl.String).str.strip_chars()
    sample = sample.filter(sample != "")
    if sample.len() == 0:
        return None
    if sample.str.contains(EMAIL_PATTERN).mean() >= 0.5:
        return "email"
    if sample.str.contains(PHONE_PATTERN).mean() >= 0.5:
        return "phone"
    # Capitalised first and last names; channel or campaign labels ("Store Visit") are
    # few and repeat, names are many and mostly distinct.
    distinct_share = sample.n_unique() / sample.len()
    if (
        sample.len() >= 20
        and distinct_share >= 0.5
        and sample.str.contains(NAME_PATTERN).mean() >= 0.7
    ):
        return "name"
    return None


def detect_pii(frame: pl.DataFrame | pl.LazyFrame) -> dict[str, str]:
    """Columns that look like personal data, with their kind: email, phone or name.

    A column counts when its name says so (email, e-mail, telefon, phone, vorname, nachname,
    name, ...) or when most of a sample of its values look like e-mail addresses, phone
    numbers or personal names. Numeric and date columns are only judged by their name.

    Examples
    --------
    >>> detect_pii(pl.DataFrame({"Telefon": ["030 1234567"], "channel": ["search"], "id": ["+49 171 2345678"]}))
    {'Telefon': 'phone', 'id': 'phone'}
    """
    head = frame.head(1000).collect() if isinstance(frame, pl.LazyFrame) else frame.head(1000)
    found = {}
    for name, dtype in head.schema.items():
        kind = _kind_by_name(name)
        if kind is None and dtype == pl.String:
            kind = _kind_by_values(head.get_column(name))
        if kind is not None:
            found[name] = kind
    return found


def apply_pii_policy(
    frame: pl.DataFrame,
    *,
    source: str,
    table: str,
    contract_columns: tuple[str, ...],
    quality,
    exempt: list[str],
    allow_pii: bool,
) -> pl.DataFrame:
    """The loader's rule for personal data: drop extra PII columns, refuse PII contract columns.

    Columns in `exempt` (about to be pseudonymized) are not judged. With ``allow_pii`` the
    columns are kept and the summary says so. Everything found is recorded in `quality`.
    """
    found = {c: k for c, k in detect_pii(frame).items() if c not in exempt}
    quality.pii_found = found
    if not found:
        return frame
    listed = ", ".join(f"{c} ({k})" for c, k in found.items())
    if allow_pii:
        quality.add("pii columns kept", len(found), listed, share=False)
        return frame
    in_contract = [c for c in found if c in contract_columns]
    if in_contract:
        column = in_contract[0]
        raise validation_error(
            f"{source}: column {column!r} of the {table} table holds personal data ({found[column]}).\n"
            "The kit does not pass personal data into results unless you allow it.",
            source=source,
            column=column,
            fix=f"Pseudonymize it: read_table(..., pseudonymize=[{column!r}]) with a secret salt in the environment variable "
            f"{SALT_VARIABLE} (or salt=...); or pass allow_pii=True if you really need the raw values.",
        )
    quality.pii_removed = list(found)
    quality.add("pii columns removed", len(found), listed, share=False)
    return frame.drop(list(found))


def find_consent_column(columns: list[str]) -> str | None:
    """The first column whose name is a usual consent column name (consent, einwilligung, ...)."""
    for column in columns:
        joined, tokens = _words(column)
        if "_".join(tokens) in CONSENT_NAMES or joined in {
            n.replace("_", "") for n in CONSENT_NAMES
        }:
            return column
    return None


def consent_mask(values: pl.Series) -> pl.Series:
    """True where the value grants consent (true, yes, ja, 1, x); empty or anything else is no."""
    if values.dtype == pl.Boolean:
        return values.fill_null(False)
    text = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    return text.is_in(list(CONSENT_TRUE)).fill_null(False)


def filter_consent(frame: pl.DataFrame, column: str) -> tuple[pl.DataFrame, int]:
    """Keep the rows whose `column` grants consent; return them and how many were removed.

    Empty cells and unknown answers count as *no* consent: processing personal data for
    marketing needs an explicit yes.
    """
    if column not in frame.columns:
        raise validation_error(
            f"Consent column {column!r} not found. Columns: {', '.join(frame.columns)}.",
            column=column,
            fix="Name the column that holds the marketing consent (true/false, ja/nein, 1/0), or leave consent_column unset.",
        )
    keep = consent_mask(frame.get_column(column))
    kept = frame.filter(keep)
    return kept, frame.height - kept.height
