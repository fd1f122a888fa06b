"""Personal data: pseudonymize ids, find PII columns, keep only rows with consent.

Customer data is personal data under the GDPR (DSGVO). The loader uses these helpers so
that analyses see pseudonymous ids, no e-mail addresses, phone numbers, IP addresses or
names, and only people who agreed to marketing use of their data. It scrubs the data when
it is loaded, so no chart, table or message can show a value that a later redaction of the
rendered report would miss (a chart label cut to ``anna.schmidt@examp…``).

The pseudonym of a value is ``sha256(salt + value)`` as 64 hex characters. The salt is a
secret: pass it as an argument or set the environment variable ``MKT_PSEUDONYM_SALT``. The
kit never ships a default salt, because a salt written in code is no secret.

Examples
--------
>>> import polars as pl
>>> frame = pl.DataFrame({"customer_id": ["c1", "c2", "c1"],
...                       "email": ["a@x.de", "b@y.com", "a@x.de"]})
>>> detect_pii(frame)
{'email': 'email'}
>>> hashed = pseudonymize(frame, ["customer_id"], salt="s3cret")
>>> hashed["customer_id"][0] == hashed["customer_id"][2], len(hashed["customer_id"][0])
(True, 64)
>>> answers = pl.DataFrame({"id": [1, 2, 3], "consent": ["ja", "nein", None]})
>>> kept, removed = filter_consent(answers, "consent")
>>> kept["id"].to_list(), removed
([1], 2)
"""

from __future__ import annotations

import hashlib
import os
import re

import polars as pl

from mkt_engineering.errors import require_columns
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
    # whose address or name: shop and CRM exports prefix them (billing_first_name,
    # Shipping Phone, lead_owner_name); the prefix does not make them less personal
    "billing",
    "shipping",
    "delivery",
    "invoice",
    "rechnung",
    "rechnungs",
    "liefer",
    "lieferung",
    "recipient",
    "empfänger",
    "buyer",
    "käufer",
    "owner",
    "lead",
    "rep",
    "agent",
    # parts of a name: first_name, Given Name, middle_name, Family Name
    "first",
    "last",
    "given",
    "middle",
    "family",
    "full",
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

_IP_WORDS = {
    "ip",
    "ipaddress",
    "ipadresse",
    "ipv4",
    "ipv6",
    "clientip",
    "remoteip",
    "remoteaddr",
    "sourceip",
}

EMAIL_PATTERN = r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$"
# An address anywhere in a text, also one already cut short ("anna.schmidt@examp…").
EMAIL_IN_TEXT = r"[\w.+%'-]+@[\w-]+(?:\.[\w-]+)*"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4_PATTERN = rf"^{_OCTET}(?:\.{_OCTET}){{3}}$"
_HEX = r"[0-9A-Fa-f]{1,4}"
# Full form, or with one "::" gap (which a time such as 12:30:00 never has).
IPV6_PATTERN = (
    rf"^(?:{_HEX}:){{7}}{_HEX}$"
    rf"|^(?:{_HEX}:){{0,6}}(?:{_HEX})?::(?:{_HEX}:){{0,6}}(?:{_HEX}|{_OCTET}(?:\.{_OCTET}){{3}})?$"
)
IP_PATTERN = f"{IPV4_PATTERN}|{IPV6_PATTERN}"
PHONE_PATTERN = r"^(\+|00)\d[\d ()/.-]{6,}\d$|^0\d{2,5}[ /-]?\d[\d -]{3,}\d$|^\(0\d+\)[\d /-]{5,}$"
NAME_PATTERN = r"^[A-ZÄÖÜ][a-zäöüßéèáàç]+([-' ][A-ZÄÖÜ][a-zäöüßéèáàç]+)+$"

# Whole values of these kinds are masked cell by cell when a column holds enough of them
# (MIN_SHARE of the sampled values, or MIN_COUNT values); a column that mostly holds them
# (MAJORITY) is personal data as a whole: removed, or refused when the contract needs it.
VALUE_PATTERNS = {"email": EMAIL_PATTERN, "phone": PHONE_PATTERN, "ip": IP_PATTERN}
PLACEHOLDERS = {"email": "e-mail", "phone": "phone", "ip": "IP address"}
EMAIL_REMOVED = "[e-mail removed]"
MIN_SHARE = 0.05
MIN_COUNT = 3
MAJORITY = 0.5
SAMPLE_ROWS = 1000  # the first rows, and four times as many spread over the rest
# Up to this many text cells, every cell is searched for an "@"; beyond it only the sample
# is (a byte search still costs 10-20 ms per million cells, as much as reading Parquet).
FULL_SCAN_CELLS = 2_000_000


def resolve_salt(salt: str | None = None) -> str:
    """The pseudonymization salt: the one given, else ``MKT_PSEUDONYM_SALT``; refuse none.

    Callers that hash later (a large file, an engine table) call this first, so a missing
    salt is reported before any data is read.

    Parameters
    ----------
    salt : str, optional
        The secret salt; None reads the environment variable.

    Returns
    -------
    str
        The salt to hash with.

    Examples
    --------
    >>> resolve_salt("pepper")
    'pepper'
    """
    salt = salt if salt is not None else os.environ.get(SALT_VARIABLE)
    if not salt:
        raise validation_error(
            "Pseudonymization needs a secret salt, and none was given.",
            fix=f"Pass salt='...' or set the environment variable {SALT_VARIABLE}; keep the "
            "salt out of code and notebooks, and use the same salt for files that must join.",
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
    salt_text = resolve_salt(salt)
    columns = [columns] if isinstance(columns, str) else list(columns)
    require_columns(
        frame,
        columns,
        source="pseudonymize=[...]",
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
        ("ip", _IP_WORDS),
        ("name", _NAME_WORDS),
    ):
        if (
            joined in vocabulary
            or (words and words <= vocabulary)
            or "".join(t for t in tokens if t not in _FILLER) in vocabulary
        ):
            return kind
    return None


def _judge_values(values: pl.Series) -> tuple[str | None, bool]:
    """The kind of personal data in a sample of values, and whether it is most of them.

    E-mail addresses, phone numbers and IP addresses count from MIN_SHARE of the values
    (or MIN_COUNT of them): a column where one value in ten is an address leaks as surely
    as one full of them. Personal names count only as the majority, since a few
    capitalised words ("Store Visit") are common in any label column.
    """
    sample = values.drop_nulls().cast(pl.String).str.strip_chars()
    sample = sample.filter(sample != "")
    if sample.len() == 0:
        return None, False
    for kind, pattern in VALUE_PATTERNS.items():
        hits = int(sample.str.contains(pattern).sum())
        if hits and (hits >= MIN_COUNT or hits >= MIN_SHARE * sample.len()):
            return kind, hits >= MAJORITY * sample.len()
    # Capitalised first and last names; channel or campaign labels ("Store Visit") are
    # few and repeat, names are many and mostly distinct.
    distinct_share = sample.n_unique() / sample.len()
    if (
        sample.len() >= 20
        and distinct_share >= 0.5
        and sample.str.contains(NAME_PATTERN).mean() >= 0.7
    ):
        return "name", True
    return None, False


def _sample(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The first SAMPLE_ROWS rows and SAMPLE_ROWS rows spread over the rest of the table."""
    if isinstance(frame, pl.LazyFrame):
        return frame.head(SAMPLE_ROWS).collect()
    if frame.height <= 5 * SAMPLE_ROWS:
        return frame
    step = max(1, frame.height // (4 * SAMPLE_ROWS))
    rows = pl.int_range(0, SAMPLE_ROWS, eager=True).append(
        pl.int_range(SAMPLE_ROWS, frame.height, step, eager=True).head(4 * SAMPLE_ROWS)
    )
    return frame.gather(rows)


def _judge(
    frame: pl.DataFrame | pl.LazyFrame, head: pl.DataFrame | None = None
) -> dict[str, tuple[str, bool]]:
    """Column -> (kind, whole column) for every column that holds personal data."""
    head = _sample(frame) if head is None else head
    found = {}
    for name, dtype in head.schema.items():
        kind, whole = _kind_by_name(name), True
        if kind is None and dtype == pl.String:
            kind, whole = _judge_values(head.get_column(name))
        if kind is not None:
            found[name] = (kind, whole)
    return found


def detect_pii(frame: pl.DataFrame | pl.LazyFrame) -> dict[str, str]:
    """Columns that hold personal data, with their kind: email, phone, ip or name.

    A column counts when its name says so (email, e-mail, telefon, phone, ip_address,
    vorname, nachname, name, ...) or when a sample of its values (the first 1,000 rows and
    4,000 spread over the rest) holds e-mail addresses, phone numbers or IP addresses
    (v4 or v6) in at least 5% of the values or three of them, or mostly personal names.
    Numeric and date columns are only judged by their name.

    Examples
    --------
    >>> detect_pii(pl.DataFrame({"Telefon": ["030 1234567"], "channel": ["search"],
    ...                          "id": ["+49 171 2345678"]}))
    {'Telefon': 'phone', 'id': 'phone'}
    >>> detect_pii(pl.DataFrame({"visitor": ["10.0.0.7", "2001:db8::1"] + ["v1"] * 30}))
    {'visitor': 'ip'}
    """
    return {name: kind for name, (kind, _) in _judge(frame).items()}


def _numbered(column: str, kind: str, hit: pl.Expr) -> pl.Expr:
    """Matching cells become "[e-mail 1]", "[e-mail 2]"...: distinct values stay distinct,
    so counts per customer still add up, but the value itself is gone."""
    number = pl.when(hit).then(pl.col(column)).rank("dense").cast(pl.String)
    return pl.format(f"[{PLACEHOLDERS[kind]} {{}}]", number)


def mask_cells(
    frame: pl.DataFrame,
    columns: dict[str, str],
    *,
    embedded: list[str] | None = None,
    sample: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Replace personal data inside text columns; return the frame and cells masked per column.

    Parameters
    ----------
    frame : DataFrame
    columns : dict
        Column -> kind (email, phone, ip): cells whose whole value is of that kind become
        numbered placeholders such as ``[phone 3]``.
    embedded : list of str, optional
        Text columns in which e-mail addresses are also searched inside longer text (and
        cut-off ones such as ``anna@examp…``); whole addresses become ``[e-mail N]``,
        addresses inside text ``[e-mail removed]``. Default: every text column.
    sample : DataFrame, optional
        Rows of `frame` in which to look for an "@" before searching a column; default: all
        rows. Whatever column shows one is then masked in full.

    Examples
    --------
    >>> frame = pl.DataFrame({"note": ["call anna@example.de", "ok", "bob@x.com"],
    ...                       "ip": ["10.0.0.1", "x", None]})
    >>> masked, counts = mask_cells(frame, {"ip": "ip"})
    >>> masked.rows(), counts  # doctest: +NORMALIZE_WHITESPACE
    ([('call [e-mail removed]', '[IP address 1]'), ('ok', 'x'), ('[e-mail 1]', None)],
     {'ip': 1, 'note': 2})
    """
    strings = [c for c, t in frame.schema.items() if t == pl.String]
    embedded = strings if embedded is None else [c for c in embedded if c in strings]
    # one vectorised scan for "@" (a byte search) rules out most columns at once
    candidates = [c for c in embedded if c not in columns]
    with_at = (
        (frame if sample is None else sample)
        .select(pl.col(candidates).str.contains("@", literal=True).any())
        .row(0)
        if candidates
        else ()
    )
    todo = dict(columns) | {c: "email" for c, at in zip(candidates, with_at, strict=True) if at}
    if not todo:
        return frame, {}
    expressions, counters = [], []
    for column, kind in todo.items():
        text = pl.col(column).str.strip_chars()
        hit = text.str.contains(VALUE_PATTERNS[kind])
        inside = pl.col(column).str.contains(EMAIL_IN_TEXT) & ~hit
        rest = (
            pl.col(column).str.replace_all(EMAIL_IN_TEXT, EMAIL_REMOVED)
            if kind == "email" or column in embedded
            else pl.col(column)
        )
        expressions.append(pl.when(hit).then(_numbered(column, kind, hit)).otherwise(rest))
        counted = hit | inside if kind == "email" or column in embedded else hit
        counters.append(counted.sum().alias(column))
    counts = {c: n for c, n in frame.select(counters).row(0, named=True).items() if n}
    return frame.with_columns(expressions), counts


def apply_pii_policy(
    frame: pl.DataFrame,
    *,
    source: str,
    table: str,
    contract_columns: tuple[str, ...],
    quality,
    exempt: list[str],
    allow_pii: bool,
    typed_columns: tuple[str, ...] = (),
) -> pl.DataFrame:
    """The loader's rule for personal data, applied to the data before anything renders.

    - A column that is personal data as a whole (by its name, or mostly e-mail addresses,
      phone numbers, IP addresses or names) is removed; a *contract* column like that is
      refused, with the fix (pseudonymize it).
    - A column where only some values are e-mail addresses, phone numbers or IP addresses
      (5% of the sample or three values) keeps its other values; those cells become
      numbered placeholders such as ``[e-mail 2]``.
    - E-mail addresses inside any other text (also cut-off ones) are masked: in every text
      column of tables up to FULL_SCAN_CELLS text cells; in larger tables in every column
      whose sample shows an "@".

    Columns in `exempt` (about to be pseudonymized) are not judged. Contract columns of a
    date, number, yes/no or path type (`typed_columns`) are judged by their name only: a
    date such as 0001-01-01 looks like a phone number, and the type check refuses text
    there anyway (with addresses inside it masked first). With ``allow_pii``
    everything is kept and the summary says so. All findings are counted in `quality`.
    """
    sample = _sample(frame)
    judged = {
        c: kw
        for c, kw in _judge(frame, sample.drop(typed_columns, strict=False)).items()
        if c not in exempt
    }
    quality.pii_found = {c: kind for c, (kind, _) in judged.items()}
    if allow_pii:
        if judged:
            listed = ", ".join(f"{c} ({k})" for c, (k, _) in judged.items())
            quality.add("pii columns kept", len(judged), listed, share=False)
        return frame
    whole = {c: k for c, (k, all_of_it) in judged.items() if all_of_it}
    in_contract = [c for c in whole if c in contract_columns]
    if in_contract:
        column = in_contract[0]
        raise validation_error(
            f"{source}: column {column!r} of the {table} table holds personal data "
            f"({whole[column]}).\n"
            "The kit does not pass personal data into results unless you allow it.",
            source=source,
            column=column,
            fix=f"Pseudonymize it: read_table(..., pseudonymize=[{column!r}]) with a secret salt "
            f"in the environment variable {SALT_VARIABLE} (or salt=...); or pass allow_pii=True "
            "if you really need the raw values.",
        )
    if whole:
        quality.pii_removed = list(whole)
        listed = ", ".join(f"{c} ({k})" for c, k in whole.items())
        quality.add("pii columns removed", len(whole), listed, share=False)
        frame = frame.drop(list(whole))
    partly = {c: k for c, (k, all_of_it) in judged.items() if not all_of_it}
    text = [c for c, t in frame.schema.items() if t == pl.String and c not in exempt]
    full_scan = frame.height * len(text) <= FULL_SCAN_CELLS
    frame, masked = mask_cells(frame, partly, embedded=text, sample=None if full_scan else sample)
    if masked:
        quality.pii_masked = masked
        kinds = {c: PLACEHOLDERS[partly.get(c, "email")] for c in masked}
        listed = ", ".join(f"{c}: {n:,} ({kinds[c]})" for c, n in masked.items())
        quality.add("cells with personal data masked", sum(masked.values()), listed, share=False)
    return frame


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
    require_columns(
        frame,
        [column],
        source="Consent column",
        fix="Name the column that holds the marketing consent (true/false, ja/nein, 1/0), or "
        "leave consent_column unset.",
    )
    keep = consent_mask(frame.get_column(column))
    kept = frame.filter(keep)
    return kept, frame.height - kept.height
