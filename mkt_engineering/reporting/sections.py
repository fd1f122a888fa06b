"""Report sections that degrade: a section that cannot be computed says why, the report goes on.

Each analysis cell of a report notebook runs inside ``with section(name) as shown:``. The
cell states what it needs (``shown.need(spend is not None, "spend")``); when a need is not
met, or an analysis refuses the data for a precondition (`DataValidationError`), the cell
shows one line, "Not shown: Money, because no spend file was given. Add a spend file
(``--data spend=FILE``) to see it.", and records the section as skipped for the manifest.
Any other exception is a bug and still fails the report, visibly.

Later cells that use a section's results ask `section_ok` first, so the headline and the
summary use only what was computed. ``mkt run --strict`` turns any skipped section into a
failed run.

Examples
--------
>>> with section("money") as shown:
...     shown.need(False, "spend")
>>> section_ok("money")
False
>>> reason("spend")
'no spend file was given; add a spend file (--data spend=FILE) to see it'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mkt_engineering.errors import DataValidationError
from mkt_engineering.reporting import profiling
from mkt_engineering.reporting.notebook import language, record_section, say, section_status
from mkt_engineering.text import markdown_literal

# What a section can lack: (because, add), in English and German. "because" completes
# "Not shown: <section>, because …"; "add" completes "Add … to see it".
NEEDS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "spend": (
        {"en": "no spend file was given", "de": "keine Ausgabendatei angegeben wurde"},
        {
            "en": "a spend file (`--data spend=FILE`)",
            "de": "eine Ausgabendatei (`--data spend=DATEI`)",
        },
    ),
    "spend_or_cac": (
        {
            "en": "neither a spend file nor a cost per acquired customer was given",
            "de": "weder eine Ausgabendatei noch Kosten je Neukunde angegeben wurden",
        },
        {
            "en": "a spend file (`--data spend=FILE`) or `-p cac '{\"search\": 18}'`",
            "de": "eine Ausgabendatei (`--data spend=DATEI`) oder `-p cac '{\"search\": 18}'`",
        },
    ),
    "acquisition_channel": (
        {
            "en": "the orders have no acquisition_channel column",
            "de": "die Bestellungen keine Spalte acquisition_channel haben",
        },
        {
            "en": "a column with each customer's acquisition channel "
            '(`-p columns \'{"Kanal": "acquisition_channel"}\'`)',
            "de": "eine Spalte mit dem Akquisekanal jedes Kunden "
            '(`-p columns \'{"Kanal": "acquisition_channel"}\'`)',
        },
    ),
    "acquisition_plan": (
        {"en": "no acquisition plan was given", "de": "kein Akquiseplan angegeben wurde"},
        {
            "en": "new customers per month by channel (`-p acquisition_plan '{\"search\": 120}'`)",
            "de": "Neukunden je Monat und Kanal (`-p acquisition_plan '{\"search\": 120}'`)",
        },
    ),
    "covariates": (
        {
            "en": "no pre-period covariates were named",
            "de": "keine Kovariaten aus der Vorperiode genannt wurden",
        },
        {
            "en": "pre-period columns (`-p covariates '[\"pre_sessions\"]'`)",
            "de": "Spalten der Vorperiode (`-p covariates '[\"pre_sessions\"]'`)",
        },
    ),
    "segments": (
        {"en": "no segment columns were named", "de": "keine Segmentspalten genannt wurden"},
        {
            "en": "segment columns (`-p segments '[\"device\"]'`)",
            "de": "Segmentspalten (`-p segments '[\"device\"]'`)",
        },
    ),
    "day_column": (
        {
            "en": "no assignment-day column was named",
            "de": "keine Spalte mit dem Zuteilungstag genannt wurde",
        },
        {
            "en": "the column with each unit's assignment day (`-p day_column day`)",
            "de": "die Spalte mit dem Zuteilungstag jeder Einheit (`-p day_column day`)",
        },
    ),
    "mean_metrics": (
        {
            "en": "no declared metric is an average (rates need no bootstrap check)",
            "de": "keine geplante Kennzahl ein Mittelwert ist "
            "(Raten brauchen keine Bootstrap-Prüfung)",
        },
        {
            "en": "a metric such as revenue (`-p secondary_metrics '[\"revenue\"]'`)",
            "de": "eine Kennzahl wie den Umsatz (`-p secondary_metrics '[\"revenue\"]'`)",
        },
    ),
    "column": (
        {"en": "the data have no column {column}", "de": "die Daten keine Spalte {column} haben"},
        {
            "en": "a column {column} (map yours with `-p columns`)",
            "de": "eine Spalte {column} (eigene Namen über `-p columns`)",
        },
    ),
    "follow_up": (
        {
            "en": "no sales call has finished its follow-up window of {days} days yet",
            "de": "noch kein Vertriebskontakt sein Nachbeobachtungsfenster von {days} Tagen "
            "abgeschlossen hat",
        },
        {
            "en": "more months of data, or a shorter window (`-p follow_up_days 30`)",
            "de": "weitere Monate an Daten oder ein kürzeres Fenster (`-p follow_up_days 30`)",
        },
    ),
    "events": (
        {
            "en": "the data have no {events} events",
            "de": "die Daten keine Ereignisse {events} enthalten",
        },
        {"en": "{events} events to the export", "de": "Ereignisse {events} im Export"},
    ),
    "spend_channels": (
        {
            "en": "the spend file names none of the channels of the journeys",
            "de": "die Ausgabendatei keinen der Kanäle der Customer Journeys nennt",
        },
        {
            "en": "spend rows for these channels (or `-p channel_rules` to group yours)",
            "de": "Ausgaben für diese Kanäle (oder `-p channel_rules`, um Ihre zu gruppieren)",
        },
    ),
    "unit_rows": (
        {
            "en": "totals per variant have no rows per unit",
            "de": "Summen je Variante keine Zeilen je Einheit haben",
        },
        {
            "en": "unit rows (`--data experiment=FILE`) instead of totals",
            "de": "Zeilen je Einheit (`--data experiment=DATEI`) statt Summen",
        },
    ),
    "touches": (
        {
            "en": "this run reads paths that are already summed, without touch times",
            "de": "dieser Lauf bereits summierte Pfade ohne Kontaktzeiten liest",
        },
        {
            "en": "touchpoints and conversions (`--data touchpoints=FILE --data conversions=FILE`)",
            "de": "Kontakte und Conversions (`--data touchpoints=DATEI --data conversions=DATEI`)",
        },
    ),
    "second_variant": (
        {"en": "the data hold only one variant", "de": "die Daten nur eine Variante enthalten"},
        {"en": "the units of a second variant", "de": "die Einheiten einer zweiten Variante"},
    ),
    "journeys": (
        {
            "en": "no journey has a touch in the lookback window",
            "de": "keine Customer Journey einen Kontakt im Rückblickfenster hat",
        },
        {
            "en": "touches before the conversions, or a longer `-p lookback_days`",
            "de": "Kontakte vor den Conversions oder ein längeres `-p lookback_days`",
        },
    ),
    "one_group": (
        {
            "en": "all leads share one value of {column}",
            "de": "alle Leads denselben Wert in {column} haben",
        },
        {
            "en": "leads of a second group, or another `-p group_by`",
            "de": "Leads einer zweiten Gruppe oder ein anderes `-p group_by`",
        },
    ),
    "binary_primary": (
        {
            "en": "the primary metric is not a 0/1 rate",
            "de": "die Hauptkennzahl keine 0/1-Rate ist",
        },
        {"en": "a 0/1 primary metric", "de": "eine 0/1-Hauptkennzahl"},
    ),
}

# Titles read inside the sentence "Not shown: <title>, because …", per section name; a
# report notebook names its section (``section("cohorts")``) and the title follows the
# report's language. English titles of the names without one were ``name.replace("_", " ")``.
TITLES: dict[str, dict[str, str]] = {
    "money": {"en": "the money section", "de": "der Abschnitt zu Kosten und Ertrag"},
    "channels": {"en": "the value by channel", "de": "der Wert je Kanal"},
    "planned_acquisition": {"en": "the planned acquisition", "de": "die geplante Akquise"},
    "cuped": {"en": "CUPED", "de": "CUPED"},
    "segments": {"en": "segments", "de": "die Segmente"},
    "over_time": {"en": "the effect over time", "de": "der Effekt über die Zeit"},
    "bootstrap_check": {"en": "the bootstrap cross-check", "de": "die Bootstrap-Gegenprobe"},
    "bayes": {"en": "the Bayesian reading", "de": "die bayessche Lesart"},
    # ab_test
    "analysis": {"en": "the comparison of the variants", "de": "der Vergleich der Varianten"},
    "trust": {"en": "the trust checks", "de": "die Vertrauensprüfungen"},
    "effects": {"en": "the effects", "de": "die Effekte"},
    # attribution
    "journeys": {
        "en": "journeys built from touches",
        "de": "die aus Kontaktpunkten gebauten Customer Journeys",
    },
    "top_paths": {"en": "the top paths", "de": "die häufigsten Pfade"},
    "path_flow": {"en": "the path flow", "de": "der Pfadfluss"},
    "credit": {"en": "the credit under each model", "de": "die Zuordnung je Modell"},
    "ranking_flips": {
        "en": "the ranking changes between models",
        "de": "die Rangwechsel zwischen den Modellen",
    },
    "markov": {"en": "the Markov view", "de": "die Markov-Sicht"},
    "intervals": {"en": "the intervals", "de": "die Intervalle"},
    "lookback": {
        "en": "the lookback sensitivity",
        "de": "die Abhängigkeit vom Rückblickfenster",
    },
    # cohort_ltv
    "cohorts": {"en": "the cohorts", "de": "die Kohorten"},
    "cumulative_revenue": {
        "en": "the cumulative revenue per customer",
        "de": "der kumulierte Umsatz je Kunde",
    },
    "holdout": {
        "en": "the model's test on unseen months",
        "de": "der Test des Modells an ungesehenen Monaten",
    },
    "tracking": {"en": "the tracking chart", "de": "das Verlaufsdiagramm"},
    "holdout_by_frequency": {
        "en": "the test by purchase frequency",
        "de": "der Test nach Kaufhäufigkeit",
    },
    "model": {"en": "the purchase and spend models", "de": "das Kauf- und das Bestellwertmodell"},
    "calibration_fit": {
        "en": "the calibration-period fit",
        "de": "die Anpassung an den Kalibrierungszeitraum",
    },
    "p_alive": {
        "en": "the chance a customer is still active",
        "de": "die Wahrscheinlichkeit, dass ein Kunde noch aktiv ist",
    },
    "clv": {"en": "the customer lifetime value", "de": "der Kundenwert (CLV)"},
    "new_customer": {"en": "the value of a new customer", "de": "der Wert eines Neukunden"},
    "forecast": {"en": "the revenue forecast", "de": "die Umsatzprognose"},
    # nurture_timing
    "funnel": {"en": "funnel", "de": "der Trichter"},
    "flows": {"en": "flows", "de": "die Wege aus dem Nurturing"},
    "durations": {"en": "durations", "de": "die Dauer der Stufen"},
    "time_to_mql": {"en": "time to mql", "de": "die Zeit bis zum MQL"},
    "by_group": {"en": "the curves by group", "de": "die Kurven je Gruppe"},
    "cure": {"en": "the cure model", "de": "das Modell mit Heilungsanteil"},
    "exits": {"en": "exits", "de": "die Ausstiege aus dem Nurturing"},
    "cox": {"en": "the Cox model", "de": "das Cox-Modell"},
    "expected_mqls": {"en": "the expected MQLs", "de": "die erwarteten MQLs"},
    "win_rate_by_score": {
        "en": "the win rate by score at the call",
        "de": "die Abschlussquote nach Score beim Vertriebskontakt",
    },
    "win_rate_by_days_since_mql": {
        "en": "the win rate by days since MQL",
        "de": "die Abschlussquote nach Tagen seit dem MQL",
    },
    "green_banana": {"en": "the green-banana effect", "de": "der Grüne-Banane-Effekt"},
    "handoff_rule": {"en": "the handoff rule", "de": "die Regel für die Übergabe an den Vertrieb"},
    "speed_to_lead": {"en": "the speed to lead", "de": "die Reaktionszeit des Vertriebs"},
    "fatigue": {"en": "fatigue", "de": "die E-Mail-Müdigkeit"},
    "send_time": {"en": "send time", "de": "die Versandzeit"},
    "recycled": {"en": "recycled", "de": "das Recycling"},
    "exclusion": {"en": "exclusion", "de": "der Ausschluss durch Targeting"},
    "reach_precision": {"en": "reach precision", "de": "Reichweite und Treffsicherheit"},
}

# "Not shown: <section>, because it builds on <earlier>, which is not shown above."
_EARLIER = {
    "en": "it builds on {earlier}, which is not shown above",
    "de": "er auf {earlier} aufbaut, das oben nicht gezeigt wird",
}
# Titles of the sections run so far, for the reason of a section that builds on one.
_seen_titles: dict[str, str] = {}

# The plain reason the manifest and the page's list record for a section left out.
_REASON = {"en": "{because}; add {add} to see it", "de": "{because}; ergänzen Sie {add}"}

_WORDS = {
    "en": ("Not shown", "because", "the data do not allow it", "Add {add} to see it."),
    "de": (
        "Nicht gezeigt",
        "weil",
        "die Daten es nicht zulassen",
        "Ergänzen Sie {add}, um ihn zu sehen.",
    ),
}


class SectionNotAvailable(Exception):  # noqa: N818 - reads as what it is: a section not available
    """A report section cannot be computed from what was given; the report shows why.

    Parameters
    ----------
    because : str
        Markdown completing "Not shown: …, because …".
    add : str
        Markdown completing "Add … to see it" ("" if there is nothing to add).
    """

    def __init__(self, because: str, add: str = "") -> None:
        super().__init__(because)
        self.because = because
        self.add = add


def _pick(text: dict[str, str] | str) -> str:
    return text if isinstance(text, str) else text.get(language(), text["en"])


def reason(need: str) -> str:
    """The plain reason for a missing `need` of `NEEDS`, as the manifest records it."""
    because, add = NEEDS[need]
    return _plain(_pick(_REASON).format(because=_pick(because), add=_pick(add)))


class Section:
    """The handle `section` yields: `need` states a precondition of the section."""

    def __init__(self, name: str, title: str | None = None) -> None:
        self.name = name
        self.title = title or _pick(TITLES.get(name, {"en": name.replace("_", " ")}))

    def need(
        self, condition: object, what: str = "", *, because: str = "", add: str = "", **values: str
    ) -> None:
        """Skip the rest of the section unless `condition` holds.

        Parameters
        ----------
        condition : object
            Anything truthy means the need is met.
        what : str
            A key of `NEEDS` (its reason in the report's language), or "".
        **values : str
            Names filled into the reason (``column=...``); shown as literal text.
        because, add : str
            Markdown of a reason not in `NEEDS` (used when `what` is "").
        """
        if condition:
            return
        if what:
            because_text, add_text = NEEDS[what]
            because_text, add_text = _pick(because_text), _pick(add_text)
            if values:  # only texts with placeholders get values (others may hold JSON braces)
                literal = {key: markdown_literal(value) for key, value in values.items()}
                because_text, add_text = because_text.format(**literal), add_text.format(**literal)
            raise SectionNotAvailable(because_text, add_text)
        raise SectionNotAvailable(because or _WORDS[language()][2], add)

    def after(self, *names: str) -> None:
        """Skip the rest of the section unless every section in `names` was shown.

        For a section that uses another's results: the reason names the earlier section.
        """
        for name in names:
            if not section_ok(name):
                earlier = _seen_titles.get(name) or _pick(TITLES.get(name, {"en": name}))
                raise SectionNotAvailable(_pick(_EARLIER).format(earlier=earlier))


def not_shown_text(title: str, because: str, add: str = "", fix: str = "") -> str:
    """The one Markdown line a skipped section shows, in the report's language.

    Examples
    --------
    >>> not_shown_text("the money section", "no spend file was given", "a spend file")
    'Not shown: the money section, because no spend file was given. Add a spend file to see it.'
    >>> not_shown_text("segments", "only one group.", fix="Add a second group.")
    'Not shown: segments, because only one group. Add a second group.'
    """
    label, word, _, add_words = _WORDS.get(language(), _WORDS["en"])
    # plain text, no emphasis: the sentence is searchable as written, in the page and the notebook
    text = f"{label}: {title}, {word} {because.rstrip('.')}."
    if add:
        text += " " + add_words.format(add=add)
    return f"{text} {fix}" if fix else text


def _plain(markdown: str) -> str:
    return markdown.replace("`", "").replace("**", "")


def _skip(shown: Section, because: str, add: str = "", fix: str = "") -> None:
    say(not_shown_text(shown.title, because, add, fix))
    because = because.rstrip(".")
    with_add = _pick(_REASON).format(because=because, add=add)
    reason = with_add if add else f"{because}. {fix}" if fix else because
    record_section(shown.name, "skipped", _plain(reason).strip())


def _refusal(exc: DataValidationError) -> tuple[str, str]:
    """A precondition refused by an analysis: its message (and fix) as literal text."""
    message = " ".join(str(exc).split())
    fix = " ".join((exc.fix or "").split())
    if fix and message.endswith(fix):  # many messages end with their fix already
        fix = ""
    return markdown_literal(message), markdown_literal(fix) if fix else ""


@contextmanager
def section(name: str, title: str | None = None) -> Iterator[Section]:
    """Run one report section; if its needs are missing, say so and let the report go on.

    Catches only `SectionNotAvailable` (a need that is not met) and `DataValidationError`
    (an analysis refusing the data for a precondition, e.g. one group only). Any other
    exception propagates: an unexpected error must fail the report visibly.

    Parameters
    ----------
    name : str
        Short name, recorded in the manifest (``"sections"``) and asked by `section_ok`.
    title : str, optional
        The heading in "Not shown: <title>"; default from `TITLES`, else the name.

    Examples
    --------
    >>> with section("bayes") as shown:
    ...     shown.need(True, "binary_primary")
    >>> section_ok("bayes")
    True
    >>> with section("demo") as shown:
    ...     raise DataValidationError("only one group in the data", fix="add a second group")
    >>> section_ok("demo")
    False
    """
    handle = Section(name, title)
    _seen_titles[name] = handle.title
    profiling.section_started()  # seconds and peak memory for the manifest's profile
    try:
        yield handle
    except SectionNotAvailable as exc:
        _skip(handle, exc.because, exc.add)
    except DataValidationError as exc:
        message, fix = _refusal(exc)
        _skip(handle, f"{_WORDS.get(language(), _WORDS['en'])[2]}: {message}", fix=fix)
    else:
        record_section(name, "shown")
    finally:
        profiling.section_finished(name)


def section_ok(name: str) -> bool:
    """Whether a section ran and was shown (False if skipped or not run).

    Examples
    --------
    >>> section_ok("never-run")
    False
    """
    return section_status(name) == "shown"
