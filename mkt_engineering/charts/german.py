"""German chart text: titles, axis and legend titles and hover texts of a German report.

The chart functions write English. A German report (``setup_notebook("de")``) draws each
chart through `translate_spec`, which replaces every title, subtitle, axis, legend and
tooltip title by its German form, from `WORDS` (whole texts) or `PATTERNS` (texts with a
number or a name in them). Data values the kit itself writes (the lines "actual" and
"model", a metric's role, "called before ready", bin labels such as "1.5–2.5") are German
too, from `DATA_WORDS`; the user's own values (channel names, personas) stay as the data
have them. ``tests/charts/test_chart_quality.py`` draws every chart in German and fails on
an English text left over, so a new chart title needs its German line here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mkt_engineering.charts.series_text import german_twin

WORDS: dict[str, str] = {
    # ---- attribution
    "Share of conversions by model": "Anteil an den Conversions je Modell",
    "darker = more credit": "dunkler = mehr Anteil",
    "attribution model": "Attributionsmodell",
    "share of conversions": "Anteil an den Conversions",
    "Credit with 95% interval": "Anteil mit 95-%-Intervall",
    "line = range the credit could plausibly take": "Linie = plausibler Bereich des Anteils",
    "attributed conversions": "zugeordnete Conversions",
    "Where journeys go next": "Wohin Customer Journeys als Nächstes gehen",
    "probability of each next step": "Wahrscheinlichkeit jedes nächsten Schritts",
    "next step": "nächster Schritt",
    "from": "von",
    "probability": "Wahrscheinlichkeit",
    "How converting journeys unfold": "Wie konvertierende Journeys verlaufen",
    "channel mix at each step": "Kanalmix bei jedem Schritt",
    "touch number in the journey": "Kontakt Nr. in der Journey",
    "touch number": "Kontakt Nr.",
    "share of converting journeys": "Anteil der konvertierenden Journeys",
    "label = conversion rate of the path": "Beschriftung = Conversion-Rate des Pfads",
    "journey (path)": "Journey (Pfad)",
    "How credit moves with the lookback window": "Wie sich der Anteil mit dem Zeitfenster ändert",
    "flat lines = robust credit": "flache Linien = robuster Anteil",
    "lookback window (days)": "Zeitfenster (Tage)",
    "lookback (days)": "Zeitfenster (Tage)",
    "Models against the truth": "Modelle gegen die Wahrheit",
    "on the dashed diagonal = right": "auf der gestrichelten Diagonale = richtig",
    "true share": "wahrer Anteil",
    # reference lines' hover texts
    "dashed line, no change": "gestrichelte Linie, keine Änderung",
    "dashed line, the usual 80% target": "gestrichelte Linie, das übliche Ziel von 80 %",
    "dashed lines, 0.1 standard deviations either way": (
        "gestrichelte Linien, 0,1 Standardabweichungen in jede Richtung"
    ),
    "dashed line, value equals cost": "gestrichelte Linie, Wert gleich Kosten",
    "average customer": "durchschnittlicher Kunde",
    # hover-text titles in words where the field name was shown ("ltv_cac: 2.40")
    "revenue per unit of spend (ROAS)": "Umsatz je Einheit Werbekosten (ROAS)",
    "payback (month)": "Amortisation (Monat)",
    "share of all wins": "Anteil aller Abschlüsse",
    "dashed diagonal, where the model share equals the true share": (
        "gestrichelte Diagonale, auf der der Anteil im Modell dem wahren Anteil gleicht"
    ),
    "model share": "Anteil im Modell",
    "What a conversion costs, by model": "Was eine Conversion kostet, je Modell",
    "spread across models = uncertainty of the rule": (
        "Streuung über Modelle = Unsicherheit der Regel"
    ),
    "cost per attributed conversion": "Kosten je zugeordneter Conversion",
    # ---- lifetime value
    "Share of the cohort buying": "Anteil der Kohorte, der kauft",
    "Customers buying": "Kaufende Kunden",
    "Orders": "Bestellungen",
    "Revenue": "Umsatz",
    "Revenue per acquired customer": "Umsatz je gewonnenem Kunden",
    "Cumulative revenue per customer": "Kumulierter Umsatz je Kunde",
    "Margin": "Marge",
    "Cohort": "Kohorte",
    "Channel": "Kanal",
    "Cohort (first order)": "Kohorte (erste Bestellung)",
    "Cohort size": "Größe der Kohorte",
    # short hover-text titles of the heatmaps' cells
    "buying": "kaufen",
    "repeat purchases": "Wiederholungskäufe",
    "Periods since the first order": "Perioden seit der ersten Bestellung",
    "Grey: not observable yet (the period has not started).": (
        "Grau: noch nicht beobachtbar (die Periode hat nicht begonnen)."
    ),
    "Grey: not observable yet (the period has not started) or only partly observed "
    "(the data end inside it, so it is not shown as a drop).": (
        "Grau: noch nicht beobachtbar (die Periode hat nicht begonnen) oder nur teilweise "
        "beobachtet (die Daten enden in ihr, daher nicht als Rückgang gezeigt)."
    ),
    "Model against reality": "Modell gegen Wirklichkeit",
    "Left of the dotted line: data the model saw; right: the holdout it predicted.": (
        "Links der gepunkteten Linie: Daten, die das Modell sah; rechts: der vorhergesagte Holdout."
    ),
    "Cumulative repeat purchases": "Kumulierte Wiederholungskäufe",
    "cumulative repeat purchases": "kumulierte Wiederholungskäufe",
    "Date": "Datum",
    "date": "Datum",
    "line": "Linie",
    "Holdout purchases by past frequency": "Holdout-Käufe nach bisheriger Kaufhäufigkeit",
    "Repeat purchases in the calibration period": "Wiederholungskäufe im Kalibrierungszeitraum",
    "Mean purchases in the holdout period": "Mittlere Käufe im Holdout-Zeitraum",
    "P(alive)": "P(aktiv)",
    "Recency (age at the last purchase)": "Recency (Alter beim letzten Kauf)",
    "Repeat purchases": "Wiederholungskäufe",
    "How value is spread over customers": "Wie sich der Wert auf die Kunden verteilt",
    "Red line: the average customer.": "Rote Linie: der durchschnittliche Kunde.",
    # the whole axis title German: "Customer Lifetime Value (EUR) (das oberste 1 % ...)"
    # mixed both languages
    "Customer lifetime value": "Kundenwert",
    "Red line: the average customer. The top 1% are counted in the last bar.": (
        "Rote Linie: der durchschnittliche Kunde. Das oberste 1 % zählt im letzten Balken."
    ),
    "Customers": "Kunden",
    "Which channels bring customers worth their cost?": (
        "Welche Kanäle bringen Kunden, die ihre Kosten wert sind?"
    ),
    "Right of the dashed line: value above cost.": (
        "Rechts der gestrichelten Linie: Wert über Kosten."
    ),
    "Acquisition channel": "Akquisekanal",
    "Lifetime value per unit of acquisition cost (LTV:CAC)": (
        "Lifetime Value je Einheit Akquisekosten (LTV:CAC)"
    ),
    "Revenue forecast: existing customers and planned cohorts": (
        "Umsatzprognose: bestehende Kunden und geplante Kohorten"
    ),
    "Revenue forecast: existing customers": "Umsatzprognose: bestehende Kunden",
    "Revenue forecast: planned cohorts": "Umsatzprognose: geplante Kohorten",
    "Month": "Monat",
    "Expected revenue": "Erwarteter Umsatz",
    "expected revenue": "erwarteter Umsatz",
    "Retention: observed and projected": "Bindung: beobachtet und projiziert",
    "Dots: observed. Line: shifted-beta-geometric model.": (
        "Punkte: beobachtet. Linie: Shifted-Beta-Geometric-Modell."
    ),
    "Period": "Periode",
    "Share still a customer": "Anteil noch Kunde",
    "clv": "CLV",
    "cac": "CAC",
    # ---- nurture
    "How leads move through the funnel": "Wie Leads durch den Funnel gehen",
    "Days between stages (completed steps)": "Tage zwischen den Stufen (abgeschlossene Schritte)",
    "step": "Schritt",
    "days (log scale)": "Tage (logarithmisch)",
    "Share of leads not yet qualified": "Anteil der Leads, noch nicht qualifiziert",
    "share not yet qualified": "Anteil noch nicht qualifiziert",
    "days since the lead was created": "Tage seit Anlage des Leads",
    "How leads leave nurturing": "Wie Leads das Nurturing verlassen",
    "way out": "Ausgang",
    "share of leads": "Anteil der Leads",
    "win rate": "Abschlussquote",
    "95% interval from": "95-%-Intervall von",
    "to": "bis",
    "moved to": "nach",
    "score at contact": "Score beim Kontakt",
    "days qualified to contact": "Tage von Qualifizierung bis Kontakt",
    "Called too early? (green banana)": "Zu früh angerufen? (grüne Banane)",
    "when sales called": "wann der Vertrieb anrief",
    "Speed to lead: fast-lane requests": "Reaktionszeit: Fast-Lane-Anfragen",
    "hours until the call": "Stunden bis zum Anruf",
    "E-mail fatigue: unsubscribe rate by frequency": (
        "E-Mail-Müdigkeit: Abmelderate nach Versandhäufigkeit"
    ),
    "e-mails per week": "E-Mails pro Woche",
    "unsubscribes per 1,000 lead-days": "Abmeldungen je 1.000 Lead-Tage",
    "When are e-mails opened?": "Wann werden E-Mails geöffnet?",
    "hour of the send": "Stunde des Versands",
    "weekday of the send": "Wochentag des Versands",
    "open rate": "Öffnungsrate",
    "Recycled leads not yet ready again": "Recycelte Leads, noch nicht wieder bereit",
    "days since recycling": "Tage seit dem Recycling",
    "Who the targeting rules exclude": "Wen die Targeting-Regeln ausschließen",
    "share that never reaches sales": "Anteil, der nie den Vertrieb erreicht",
    "Reach against precision of the MQL threshold": "Reichweite gegen Präzision der MQL-Schwelle",
    "reach: share of leads passed to sales": "Reichweite: Anteil der Leads an den Vertrieb",
    "precision: share of them won": "Präzision: Anteil davon gewonnen",
    "MQL score threshold": "MQL-Score-Schwelle",
    "persona": "Persona",
    # ---- experiments
    "Effect per metric": "Effekt je Kennzahl",
    "A bar that does not cross the dashed line is a clear change": (
        "Ein Balken, der die gestrichelte Linie nicht kreuzt, ist eine klare Änderung"
    ),
    "metric (arm)": "Kennzahl (Arm)",
    "change vs control (95% interval)": "Änderung gegen Kontrolle (95-%-Intervall)",
    "relative change vs control (95% interval)": (
        "relative Änderung gegen Kontrolle (95-%-Intervall)"
    ),
    "change": "Änderung",
    "Effect over time": "Effekt über die Zeit",
    "Blue band: valid however often you look. Grey band: valid only at the planned end": (
        "Blaues Band: gültig, wie oft man auch schaut. Graues Band: nur zum geplanten Ende gültig"
    ),
    "day of the test": "Tag des Tests",
    "effect (treatment − control)": "Effekt (Variante − Kontrolle)",
    "always-valid p": "stets gültiges p",
    "day": "Tag",
    "What the data say about each rate": "Was die Daten über jede Rate sagen",
    "Less overlap means more certainty": "Weniger Überlappung heißt mehr Sicherheit",
    "conversion rate": "Conversion-Rate",
    "plausibility": "Plausibilität",
    "Effect by segment (exploratory)": "Effekt nach Segment (explorativ)",
    "For ideas to test next, not for decisions": (
        "Für Ideen zum nächsten Test, nicht für Entscheidungen"
    ),
    "segment: level": "Segment: Ausprägung",
    "effect (95% interval)": "Effekt (95-%-Intervall)",
    "adjusted p": "adjustiertes p",
    "Can the comparison be trusted?": "Ist der Vergleich vertrauenswürdig?",
    "Split and pre-period balance": "Aufteilung und Balance vor dem Test",
    "share of units": "Anteil der Einheiten",
    "arm": "Arm",
    "planned": "geplant",
    "Pre-period balance (inside the lines is fine)": (
        "Balance vor dem Test (innerhalb der Linien ist gut)"
    ),
    "difference in standard deviations": "Unterschied in Standardabweichungen",
    "pre-period measure": "Kennzahl vor dem Test",
    "Power curve": "Teststärkekurve",
    "true effect, percentage points": "wahrer Effekt, Prozentpunkte",
    "true effect (absolute)": "wahrer Effekt (absolut)",
    "true effect": "wahrer Effekt",
    "always-valid 95% interval (blue band)": "stets gültiges 95-%-Intervall (blaues Band)",
    "95% interval, valid at the planned end only (grey band)": (
        "95-%-Intervall, nur zum geplanten Ende gültig (graues Band)"
    ),
    "true effect, relative to the baseline": "wahrer Effekt, relativ zum Ausgangswert",
    "chance to detect it": "Chance, ihn zu entdecken",
    # ---- data overview
    "rows": "Zeilen",
    # ---- field names a tooltip shows when it has no title of its own
    "acquisition_channel": "Akquisekanal",
    "bin": "Klasse",
    "bucket": "Gruppe",
    "cause": "Ausgang",
    "channel": "Kanal",
    "cohort_label": "Kohorte",
    "cohort_size": "Größe der Kohorte",
    "contacts": "Kontakte",
    "conversions": "Conversions",
    "cost_per_conversion": "Kosten je Conversion",
    "count": "Anzahl",
    "covariate": "Kennzahl",
    "cumulative_incidence": "kumulierte Inzidenz",
    "customers": "Kunden",
    "dimension": "Dimension",
    "effect": "Effekt",
    "emails_per_week": "E-Mails pro Woche",
    "end": "bis",
    "excluded": "ausgeschlossen",
    "frequency": "Häufigkeit",
    "from_state": "von",
    "group": "Gruppe",
    "hour": "Stunde",
    "hours": "Stunden",
    "journeys": "Journeys",
    "kind": "Art",
    "leads": "Leads",
    "level": "Ausprägung",
    "lower": "untere Grenze",
    "ltv_cac": "LTV:CAC",
    "median": "Median",
    "metric": "Kennzahl",
    "model": "Modell",
    "month": "Monat",
    "open_rate": "Öffnungsrate",
    "p25": "25. Perzentil",
    "p75": "75. Perzentil",
    "path": "Pfad",
    "payback_month": "Amortisation (Monat)",
    "per_1000_lead_days": "je 1.000 Lead-Tage",
    "period": "Periode",
    "precision": "Präzision",
    "purchases": "Käufe",
    "reach": "Reichweite",
    "recency": "Recency",
    "revenue": "Umsatz",
    "roas": "ROAS",
    "role": "Rolle",
    "segment": "Segment",
    "sends": "Versände",
    "series": "Linie",
    "share": "Anteil",
    "share_excluded": "Anteil ausgeschlossen",
    "share_of_wins": "Anteil der Abschlüsse",
    "source": "Quelle",
    "stage": "Stufe",
    "standardized_difference": "standardisierter Unterschied",
    "start": "von",
    "survival": "Anteil verbleibend",
    "target": "Ziel",
    "time": "Tage",
    "to_state": "nach",
    "true_share": "wahrer Anteil",
    "unsubscribes": "Abmeldungen",
    "upper": "obere Grenze",
    "value": "Wert",
    "variant": "Arm",
    "weekday": "Wochentag",
}

# The funnel's stages as the nurture flow chart names them.
_STAGES = {
    "nurturing": "Nurturing",
    "qualified": "qualifiziert",
    "fast lane": "Fast Lane",
    "early call": "früher Anruf",
    "unsubscribed": "abgemeldet",
    "disqualified": "disqualifiziert",
    "still nurturing": "noch im Nurturing",
    "won offline": "offline gewonnen",
    "sales contact": "Vertriebskontakt",
    "recycled": "recycelt",
    "opportunity": "Opportunity",
    "won": "gewonnen",
    "lost": "verloren",
}

# Data values the chart functions write, per field: legend entries, axis labels and hover
# texts of a German report read these. Keyed by field, so a user's channel or segment level
# that happens to be called "model" or "primary" keeps its name.
DATA_WORDS: dict[str, dict[str, str]] = {
    "coverage": {"full": "ganz", "partial": "teilweise"},
    "series": {"actual": "tatsächlich", "model": "Modell", "predicted": "vorhergesagt"},
    "role": {
        "primary": "primär",
        "secondary": "sekundär",
        "guardrail": "Leitplanke",
        "exploratory": "explorativ",
    },
    "group": {
        "called before ready": "zu früh angerufen",
        "called when ready": "rechtzeitig angerufen",
    },
    "bin": {"before ready": "zu früh angerufen"},
    # the revenue forecast's parts (ltv.charts.FORECAST_PARTS)
    "kind": {"existing customers": "bestehende Kunden", "planned cohorts": "geplante Kohorten"},
    # the ways out of nurturing (nurture.charts.incidence_chart writes them as words)
    "cause": {
        "qualified": "qualifiziert",
        "unsubscribed": "abgemeldet",
        "disqualified": "disqualifiziert",
        "fast lane": "Fast Lane",
        "early sales contact": "früher Vertriebskontakt",
        "won offline": "offline gewonnen",
    },
    "funnel_stage": _STAGES,
    "from_stage": _STAGES,
    "to_stage": _STAGES,
    "stage_step": {
        "created → first engagement": "angelegt → erstes Engagement",
        "created → qualified": "angelegt → qualifiziert",
        "qualified → sales contact": "qualifiziert → Vertriebskontakt",
        "sales contact → outcome": "Vertriebskontakt → Ergebnis",
    },
    "send_weekday": {
        "Mon": "Mo",
        "Tue": "Di",
        "Wed": "Mi",
        "Thu": "Do",
        "Fri": "Fr",
        "Sat": "Sa",
        "Sun": "So",
    },
    "lead_attribute": {
        "has an e-mail address": "hat eine E-Mail-Adresse",
        "existing customer": "Bestandskunde",
        "persona": "Persona",
        "source": "Quelle",
    },
    "attribute_value": {"yes": "ja", "no": "nein"},
    # the Markov chain's own states (attribution.charts.transition_heatmap)
    "from_state": {"(start)": "(Start)"},
    "to_state": {"(conversion)": "(Conversion)", "(no conversion)": "(keine Conversion)"},
}
# Fields holding bin labels ("1.5–2.5", "72+ h"): German decimal commas.
BIN_FIELDS = ("bin", "hours", "emails_per_week")
_BIN = re.compile(r"[\d.,]+(?:–[\d.,]+|\+)(?: h)?")

# "other (3 channels)", "other (12 values)": the merged rest of a chart's categories
_MERGED = re.compile(r"other \(([\d,]+) (channels|values)\)")
_MERGED_WORDS = {"channels": "Kanäle", "values": "Werte"}

_PERIODS = {"day": "Tag", "week": "Woche", "month": "Monat"}
# after "nach", where the German form differs from the axis title's
_DATIVE = {"days qualified to contact": "Tagen von Qualifizierung bis Kontakt"}
_CURRENCY = r"[A-Z]{3}|€|\$|£|¥"


def _number(text: str) -> str:
    """'10,000' -> '10.000', '0.381' -> '0,381': German separators."""
    return text.translate(str.maketrans({",": ".", ".": ","}))


def word(text: str) -> str:
    """The German form of one English chart text (unchanged when none is known).

    Examples
    --------
    >>> word("Top 10 paths"), word("spend: rows per month"), word("Revenue (EUR)")
    ('Die 10 häufigsten Pfade', 'spend: Zeilen pro Monat', 'Umsatz (EUR)')
    """
    if text in WORDS:
        return WORDS[text]
    for pattern, build in PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return build(found)
    return text


PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"(.+): rows per (day|week|month)"),
        lambda m: f"{m[1]}: Zeilen pro {_PERIODS[m[2]]}",
    ),
    (re.compile(r"rows per (day|week|month)"), lambda m: f"Zeilen pro {_PERIODS[m[1]]}"),
    (re.compile(r"(day|week|month) covered"), lambda m: f"{_PERIODS[m[1]]} abgedeckt"),
    (
        re.compile(
            r"Right of the dashed line: value above cost\. The (\d+) channels with the most "
            r"customers of ([\d,]+); all are in the table\."
        ),
        lambda m: (
            f"Rechts der gestrichelten Linie: Wert über Kosten. Die {m[1]} Kanäle mit den "
            f"meisten Kunden von {_number(m[2])}; alle stehen in der Tabelle."
        ),
    ),
    (
        re.compile(
            r"Hollow grey: a (day|week|month) the data cover only in part \(not a drop "
            r"in rows\)\."
        ),
        lambda m: "Hohl und grau: von den Daten nur zum Teil abgedeckt (kein Rückgang der Zeilen).",
    ),
    (re.compile(r"(day|week|month) starting"), lambda m: f"{_PERIODS[m[1]]} ab"),
    (re.compile(r"(.+): rows per (.+)"), lambda m: f"{m[1]}: Zeilen je {m[2]}"),
    (re.compile(r"(.+): distribution of (.+)"), lambda m: f"{m[1]}: Verteilung von {m[2]}"),
    (re.compile(r"Top (\d+) paths"), lambda m: f"Die {m[1]} häufigsten Pfade"),
    (  # credit_interval_title(model) of a chart drawn without its language
        re.compile(r"Credit under the (.+) model, with 95% interval"),
        lambda m: f"Anteil nach dem Modell {m[1]}, mit 95-%-Intervall",
    ),
    (
        re.compile(r"Credit under (.+) with 95% interval"),
        lambda m: f"Anteil nach {m[1]} mit 95-%-Intervall",
    ),
    (
        re.compile(r"Win rate by (.+)"),
        lambda m: f"Abschlussquote nach {_DATIVE.get(m[1], word(m[1]))}",
    ),
    (
        re.compile(r"Share not yet qualified, by (.+)"),
        lambda m: f"Anteil noch nicht qualifiziert, nach {word(m[1])}",
    ),
    (re.compile(r"(.+) by cohort"), lambda m: f"{word(m[1])} je Kohorte"),
    (
        re.compile(r"Sample split \(planned: black tick\), (.+)"),
        lambda m: f"Aufteilung (geplant: schwarzer Strich), {_number(m[1])}",
    ),
    (
        re.compile(r"([\d,]+) units per arm; dashed line: the usual 80% target"),
        lambda m: f"{_number(m[1])} Einheiten je Arm; gestrichelt: das übliche Ziel von 80 %",
    ),
    (
        re.compile(r"For a customer first seen (\d+) units before the end"),
        lambda m: f"Für Kunden, erstmals {m[1]} Zeiteinheiten vor dem Ende gesehen",
    ),
    (
        re.compile(r"Expected purchases in (.+) units"),
        lambda m: f"Erwartete Käufe in {_number(m[1])} Zeiteinheiten",
    ),
    (
        re.compile(
            r"Every (\d+)\w\w cohort shown, counted back from the newest \(([\d,]+) of ([\d,]+)\)\."
        ),
        lambda m: (
            f"Jede {m[1]}. Kohorte gezeigt, von der neuesten an gezählt "
            f"({_number(m[2])} von {_number(m[3])})."
        ),
    ),
    (
        re.compile(r"The (\d+) largest of ([\d,]+) groups\."),
        lambda m: f"Die {m[1]} größten von {_number(m[2])} Gruppen.",
    ),
    (
        re.compile(
            r"([\d,]+) levels left out: each segment shows its (\d+) most precisely measured\."
        ),
        lambda m: (
            f"{_number(m[1])} Ausprägungen weggelassen: je Segment die {m[2]} am genauesten "
            "gemessenen."
        ),
    ),
    (
        re.compile(r"(\d+) with a control value of 0 left out: no relative change\."),
        lambda m: f"{m[1]} mit Kontrollwert 0 weggelassen: keine relative Änderung.",
    ),
    (
        re.compile(r"([\d,]+) values that are not finite numbers are left out\."),
        lambda m: f"{_number(m[1])} Werte, die keine endlichen Zahlen sind, weggelassen.",
    ),
    (
        re.compile(r"Red line: the average customer\. (.+)"),
        lambda m: f"{WORDS['Red line: the average customer.']} {word(m[1])}",
    ),
    # an amount's unit after its title: "Revenue (EUR)", "clv (EUR)", "... (EUR) (note)"
    (
        re.compile(rf"(.+?) \(({_CURRENCY})\)(?: (.+))?"),
        lambda m: f"{word(m[1])} ({m[2]})" + (f" {word(m[3])}" if m[3] else ""),
    ),
]

# Vega expressions of axis labels and hover texts (kit's formatter, English words).
_EXPRESSION_WORDS = {"' points'": "' Prozentpunkte'", "+ '%'": "+ ' %'"}


def _title(value: Any) -> Any:
    if isinstance(value, str):
        return word(value)
    if isinstance(value, list):
        return [_title(part) for part in value]
    if isinstance(value, dict):
        return {k: _title(v) if k in ("text", "subtitle") else v for k, v in value.items()}
    return value


def _tooltip(item: Any) -> Any:
    if isinstance(item, dict) and "title" not in item and isinstance(item.get("field"), str):
        german = word(item["field"])
        return {**item, "title": german} if german != item["field"] else item
    return item


def _expression(text: str) -> str:
    for english, german in _EXPRESSION_WORDS.items():
        text = text.replace(english, german)
    return text


def data_value(field: str, value: Any) -> Any:
    """The German form of a data value the kit writes into `field` (others unchanged).

    Examples
    --------
    >>> data_value("series", "actual"), data_value("role", "guardrail")
    ('tatsächlich', 'Leitplanke')
    >>> data_value("emails_per_week", "1.5–2.5"), data_value("channel", "model")
    ('1,5–2,5', 'model')
    """
    if not isinstance(value, str):
        return value
    if field in BIN_FIELDS and _BIN.fullmatch(value):
        return _number(value)
    merged = _MERGED.fullmatch(value)
    if merged:  # the row `top_and_other` merges the smallest categories into
        return f"andere ({_number(merged[1])} {_MERGED_WORDS[merged[2]]})"
    return DATA_WORDS.get(field, {}).get(value, value)


def _rows(rows: Any) -> Any:
    """Inline data rows with the kit's own values in German."""
    if not isinstance(rows, list):
        return rows
    return [
        {k: data_value(k, v) for k, v in row.items()} if isinstance(row, dict) else row
        for row in rows
    ]


def _channel(spec: dict) -> dict:
    """An encoding of a translated field: its scale domain and sort order follow the data."""
    field = spec["field"]
    out = dict(spec)
    scale = out.get("scale")
    if isinstance(scale, dict) and isinstance(scale.get("domain"), list):
        out["scale"] = {**scale, "domain": [data_value(field, v) for v in scale["domain"]]}
    if isinstance(out.get("sort"), list):
        out["sort"] = [data_value(field, v) for v in out["sort"]]
    return out


def _translated_field(spec: dict) -> bool:
    """An encoding whose domain or sort order may hold values a German report translates
    (the kit's own words, bin labels, the merged "other (3 channels)" of any field)."""
    field = spec.get("field")
    if not isinstance(field, str):
        return False
    scale = spec.get("scale")
    listed = isinstance(spec.get("sort"), list) or (
        isinstance(scale, dict) and isinstance(scale.get("domain"), list)
    )
    return field in DATA_WORDS or field in BIN_FIELDS or listed


def translate_spec(spec: Any) -> Any:
    """A copy of a Vega-Lite spec with its titles, subtitles and hover texts in German.

    Field names stay as they are; only text a reader sees changes, including the data
    values the kit writes itself (`DATA_WORDS`, bin labels) with their scale domains.

    Parameters
    ----------
    spec : dict
        A chart's spec, e.g. ``chart.to_dict()``.

    Returns
    -------
    dict
        The translated copy (the input is not changed).

    Examples
    --------
    >>> spec = {"title": {"text": "Effect per metric", "subtitle": "Less overlap means more "
    ...         "certainty"}, "encoding": {"tooltip": [{"field": "channel", "type": "nominal"}]}}
    >>> out = translate_spec(spec)
    >>> out["title"]["text"], out["encoding"]["tooltip"][0]["title"]
    ('Effekt je Kennzahl', 'Kanal')
    """
    if isinstance(spec, list):
        return [translate_spec(item) for item in spec]
    if not isinstance(spec, dict):
        return spec
    if _translated_field(spec):
        spec = _channel(spec)
    out = {}
    for key, value in spec.items():
        if key == "datasets" and isinstance(value, dict):
            out[key] = {name: _rows(rows) for name, rows in value.items()}
        elif key == "data" and isinstance(value, dict) and "values" in value:
            out[key] = {**value, "values": _rows(value["values"])}
        elif key in ("datasets", "data", "config"):
            out[key] = value
        elif key == "title":
            out[key] = _title(value)
        elif key == "description" and isinstance(value, str):  # a mark's hover text
            out[key] = word(value)
        elif key == "description" and isinstance(value, dict) and "field" in value:
            # a series' own sentence: its German twin field (see charts.series_text)
            out[key] = {**value, "field": german_twin(str(value["field"]))}
        elif key == "tooltip" and isinstance(value, list):
            out[key] = [_tooltip(translate_spec(item)) for item in value]
        elif key == "tooltip":
            out[key] = _tooltip(translate_spec(value))
        elif key in ("labelExpr", "calculate") and isinstance(value, str):
            out[key] = _expression(value)
        else:
            out[key] = translate_spec(value)
    return out
