"""Write bestellungen_export.csv: a German shop's order export, as older shop systems write it.

Made-up orders (seeded), shaped like a real export: a title line above the header,
cp1252 encoding (umlauts), ``;`` separators, ``DD.MM.YYYY`` dates and amounts written
``1.234,50 €`` (thousands dot, decimal comma, euro sign). Run it from the project root:

    .venv/bin/python tests/data/real_world/german_shop/make_fixture.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
START, END = dt.date(2024, 9, 1), dt.date(2026, 2, 28)


def _amount(value: float) -> str:
    text = f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} €"


def main() -> None:
    rng = np.random.default_rng(2026)
    days = (END - START).days
    payments = ["Überweisung", "PayPal", "Kreditkarte", "Rechnung"]
    countries = ["Deutschland", "Österreich", "Schweiz"]
    rows = []
    for customer in range(1, 401):
        first = int(rng.integers(0, days - 30))
        rate = rng.gamma(0.8, 1 / 40)  # purchases per day while active
        lifetime = rng.exponential(300)
        spend = rng.gamma(4, 20)
        day = first
        while day <= days and day - first <= lifetime:
            amount = max(4.5, rng.gamma(6, spend / 6))
            if rng.random() < 0.03:
                amount *= 20  # a few large orders need the thousands dot
            rows.append((START + dt.timedelta(days=day), customer, amount))
            day += 1 + int(rng.exponential(1 / max(rate, 1e-3)))
    rows.sort()
    lines = [
        "Bestellungen Export 01.03.2026",
        "Bestellnummer;Kundennummer;Bestelldatum;Betrag;Zahlungsart;Land",
    ]
    for number, (date, customer, amount) in enumerate(rows, start=100001):
        lines.append(
            f"{number};K-{customer:05d};{date:%d.%m.%Y};{_amount(amount)};"
            f"{payments[customer % 4]};{countries[customer % 3]}"
        )
    (HERE / "bestellungen_export.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


if __name__ == "__main__":
    main()
