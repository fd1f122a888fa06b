"""The A/B report's own sentences around the analyses, in English and German.

The plan's fingerprint, the units read, the bootstrap cross-check, the power at the minimum
effect, the days left and the error-rate table's procedure names; the report calls them as
``report_text.<name>``.

Examples
--------
>>> print(explain_power(6693, 0.015, 0.8, "de"))  # doctest: +NORMALIZE_WHITESPACE
Mit 6.693 Einheiten je Variante wird ein Effekt der Größe 1,5 Prozentpunkte mit 80 %
Wahrscheinlichkeit erkannt.
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.formatting import Language, number, percent, points
from mkt_engineering.text import markdown_literal

# The procedures of `experiments.simulate_aa`, as a German table names them.
PROCEDURES_DE = {
    "fixed-horizon z-test, once at the end": "z-Test mit festem Horizont, einmal am Ende",
    "fixed-horizon z-test, checked daily": "z-Test mit festem Horizont, täglich geprüft",
    "mSPRT always-valid test, checked daily": "immer gültiger mSPRT-Test, täglich geprüft",
    "group-sequential O'Brien-Fleming, checked daily": (
        "gruppensequenziell nach O'Brien-Fleming, täglich geprüft"
    ),
    "Bayesian 95% chance to win, once at the end": "bayessche 95 % Gewinnchance, einmal am Ende",
    "Bayesian 95% chance to win, checked daily": "bayessche 95 % Gewinnchance, täglich geprüft",
}


def _t(language: Language, english: str, german: str) -> str:
    return german if language == "de" else english


def _g(value: float, digits: int, language: Language) -> str:
    """A number to `digits` significant digits ("0.0021" / "0,0021")."""
    text = f"{value:.{digits}g}"
    return text.replace(".", ",") if language == "de" else text


def explain_plan(
    fingerprint: str, sample_size: str, planned: int, needed: int, language: Language = "en"
) -> str:
    """The plan's fingerprint, its sample-size reading and the planned units if they differ.

    Examples
    --------
    >>> print(explain_plan("ab12", "…", 6693, 6000, "de"))
    Fingerabdruck des Plans: `ab12`. … Der Plan sieht 6.693 je Variante vor.
    """
    text = _t(language, "Plan fingerprint", "Fingerabdruck des Plans")
    text += f": `{fingerprint}`. {sample_size}"
    if planned != needed:
        units = number(planned, 0, language)
        text += _t(
            language,
            f" The plan asks for {units} per arm.",
            f" Der Plan sieht {units} je Variante vor.",
        )
    return text


def explain_units(srm_table: pl.DataFrame, language: Language = "en") -> str:
    """The units read, in all and per variant (variant names as literal text).

    Examples
    --------
    >>> table = pl.DataFrame({"variant": ["control", "treatment"], "units": [10000, 9938]})
    >>> explain_units(table, "de")
    '19.938 Einheiten: control 10.000, treatment 9.938.'
    """
    per_variant = ", ".join(
        f"{markdown_literal(row['variant'])} {number(row['units'], 0, language)}"
        for row in srm_table.iter_rows(named=True)
    )
    total = number(int(srm_table["units"].sum()), 0, language)
    return f"{total} {_t(language, 'units', 'Einheiten')}: {per_variant}."


def interval_text(low: float, high: float, language: Language = "en") -> str:
    """An interval to four significant digits: "0.05 to 1.99" / "0,05 bis 1,99"."""
    return f"{_g(low, 4, language)} {_t(language, 'to', 'bis')} {_g(high, 4, language)}"


def explain_bootstrap(
    metric: str,
    main: tuple[float, float],
    bootstrap: tuple[float, float],
    language: Language = "en",
) -> str:
    """One bullet: a metric's main interval beside its bootstrap interval.

    Examples
    --------
    >>> explain_bootstrap("revenue", (0.05, 1.99), (0.02, 2.01), "de")
    '- **revenue**: Hauptintervall 0,05 bis 1,99; Bootstrap 0,02 bis 2,01.'
    """
    main_text, boot_text = interval_text(*main, language), interval_text(*bootstrap, language)
    return _t(
        language,
        f"- **{markdown_literal(metric)}**: main interval {main_text}; bootstrap {boot_text}.",
        f"- **{markdown_literal(metric)}**: Hauptintervall {main_text}; Bootstrap {boot_text}.",
    )


# The bootstrap table's columns as a German page heads them.
BOOTSTRAP_COLUMNS_DE = {
    "metric": "Kennzahl",
    "variant": "Variante",
    "interval_main": "Hauptintervall",
    "interval_bootstrap": "Bootstrap-Intervall",
}


def bootstrap_table(rows: list[dict], language: Language = "en") -> pl.DataFrame:
    """The bootstrap cross-check's rows as a table, headed in the reader's language.

    Examples
    --------
    >>> row = {"metric": "revenue", "variant": "treatment", "interval_main": "0,05 bis 1,99",
    ...        "interval_bootstrap": "0,02 bis 2"}
    >>> bootstrap_table([row], "de").columns
    ['Kennzahl', 'Variante', 'Hauptintervall', 'Bootstrap-Intervall']
    """
    table = pl.DataFrame(rows)
    if language != "de":
        return table
    return table.rename(
        {c: BOOTSTRAP_COLUMNS_DE[c] for c in table.columns if c in BOOTSTRAP_COLUMNS_DE}
    )


def no_mean_metrics(language: Language = "en") -> str:
    """Why the bootstrap cross-check shows nothing when every metric is a rate."""
    return _t(
        language,
        "Every declared metric is a rate, so there is no long-tailed average to cross-check.",
        "Jede geplante Kennzahl ist eine Rate, es gibt also keinen Mittelwert mit langem "
        "Ausläufer, den man gegenprüfen müsste.",
    )


def explain_power(planned: int, mde: float, power: float, language: Language = "en") -> str:
    """The chance the planned sample detects the minimum effect.

    The minimum effect is a change of the baseline rate (0.015 = 1.5 points), so it reads in
    percentage points, as the plan's other sentences do.
    """
    units, effect = number(planned, 0, language), points(mde, 1, language)
    chance = percent(power, 0, language)
    return _t(
        language,
        f"With {units} units per arm, an effect of {effect} is detected with {chance} probability.",
        f"Mit {units} Einheiten je Variante wird ein Effekt der Größe {effect} mit {chance} "
        "Wahrscheinlichkeit erkannt.",
    )


def days_left(days: float | None, language: Language = "en") -> str:
    """The verdict's expected days left ("" when none are left)."""
    if not days:
        return ""
    return _t(
        language,
        f"\n\nExpected days left: about {days}.",
        f"\n\nVoraussichtlich verbleibende Tage: etwa {days}.",
    )


def no_verdict(language: Language = "en") -> str:
    """The verdict section when the variants could not be compared."""
    return _t(
        language,
        "### No verdict\n\nThe variants could not be compared; the sections above say why.",
        "### Keine Entscheidung\n\nDie Varianten ließen sich nicht vergleichen; die Abschnitte "
        "oben sagen, warum.",
    )


def procedure_names(simulation: pl.DataFrame, language: Language = "en") -> pl.DataFrame:
    """The error-rate table with its procedures named in the reader's language (for display).

    Examples
    --------
    >>> table = pl.DataFrame({"procedure": ["fixed-horizon z-test, checked daily"]})
    >>> procedure_names(table, "de")["procedure"].to_list()
    ['z-Test mit festem Horizont, täglich geprüft']
    """
    if language != "de":
        return simulation
    return simulation.with_columns(pl.col("procedure").replace(PROCEDURES_DE))
