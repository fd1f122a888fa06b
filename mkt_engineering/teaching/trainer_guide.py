"""The trainer guide: a two-day agenda, goals, solutions with the numbers they give, the
mistakes each check recognises, a model capstone memo and a page on preparing 20 laptops.

The common mistakes are read from the check functions themselves (the ``mistakes=`` and
``hint=`` texts in their source), so the guide never drifts from what learners are told.

Examples
--------
>>> from mkt_engineering.teaching import welcome_checks
>>> hints = check_hints(welcome_checks.check_search_leads)
>>> any("clicks" in hint for hint in hints)
True
>>> "## Prepare 20 laptops" in guide_markdown([], language="en")
True
"""

from __future__ import annotations

import ast
import html
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from mkt_engineering.teaching import expected_numbers as numbers
from mkt_engineering.teaching import guide_pages as pages

# What every check recognises through the shared core (feedback.py), shown once in the guide.
CORE_MISTAKES = {
    "en": [
        "No answer yet (the variable is still None), text instead of a number, True/False, "
        "a LazyFrame without .collect(), a table where one number is asked for.",
        "Column names that nearly match (case, spaces, typos), numbers stored as text, "
        "a key column of the wrong type, groups appearing twice (no group_by).",
        "A share given as a percentage (100× off), a result rounded too early.",
        "Charts: data instead of a chart, the wrong mark, x and y swapped, a missing axis, "
        "a wrong column, a missing aggregation, the wrong data type (:N/:Q/:O/:T).",
    ],
    "de": [
        "Noch keine Antwort (Variable ist None), Text statt Zahl, True/False, ein LazyFrame "
        "ohne .collect(), eine Tabelle, wo eine einzelne Zahl gefragt ist.",
        "Fast richtige Spaltennamen (Groß-/Kleinschreibung, Leerzeichen, Tippfehler), Zahlen "
        "als Text, Schlüsselspalte mit falschem Typ, Gruppen doppelt (group_by vergessen).",
        "Anteil als Prozentwert angegeben (Faktor 100), Zwischenergebnis zu früh gerundet.",
        "Diagramme: Daten statt Diagramm, falscher Mark-Typ, x und y vertauscht, fehlende "
        "Achse, falsche Spalte, fehlende Aggregation, falscher Datentyp (:N/:Q/:O/:T).",
    ],
}

LABELS = {
    "en": {
        "title": "Trainer guide",
        "before": "Before the workshop",
        "agenda": "Agenda",
        "start": "Start",
        "end": "End",
        "session": "Session",
        "minutes": "Minutes",
        "goals": "Learning goals",
        "prereq": "Prerequisites",
        "time": "Time",
        "unlocks": "Unlocks",
        "exercises": "Exercises and solutions",
        "exercise": "Exercise",
        "checked_by": "Checked by",
        "mistakes": "Mistakes this check recognises",
        "discussion": "Discussion questions",
        "core": "Every check also recognises",
        "break": "Break",
        "lunch": "Lunch break",
        "arrival": "Arrival, `mkt doctor` on every laptop",
        "min": "min",
        "expected": "Expected answer (from the lesson's solution)",
        "memo": "Model capstone memo",
        "memo_intro": "What a good memo says, with the numbers of the capstone's solutions. "
        "Read it out after the learners' memos, not before.",
        "laptops": "Prepare 20 laptops",
        "days": "two days",
        "before_text": (
            "1. Run `mkt doctor` on every laptop a few days before; each red line names its "
            "fix (see *Prepare 20 laptops* below).\n"
            "2. Hand out `workshop-student.zip`; learners unzip it and start `mkt lab workshop`.\n"
            "3. The folder holds the demo data, so the lessons need no internet.\n"
            "4. This guide holds the solutions: do not put it into the student folder."
        ),
    },
    "de": {
        "title": "Leitfaden für Trainer",
        "before": "Vor dem Workshop",
        "agenda": "Ablauf",
        "start": "Beginn",
        "end": "Ende",
        "session": "Einheit",
        "minutes": "Minuten",
        "goals": "Lernziele",
        "prereq": "Voraussetzungen",
        "time": "Dauer",
        "unlocks": "Führt hin zu",
        "exercises": "Übungen und Lösungen",
        "exercise": "Übung",
        "checked_by": "Geprüft von",
        "mistakes": "Typische Fehler, die diese Prüfung erkennt",
        "discussion": "Fragen für die Diskussion",
        "core": "Jede Prüfung erkennt außerdem",
        "break": "Pause",
        "lunch": "Mittagspause",
        "arrival": "Ankommen, `mkt doctor` auf jedem Laptop",
        "min": "Min.",
        "expected": "Erwartete Antwort (aus der Lösung der Lektion)",
        "memo": "Muster-Memo des Abschlussprojekts",
        "memo_intro": "So sieht ein gutes Memo aus, mit den Zahlen aus den Lösungen des "
        "Abschlussprojekts. Lesen Sie es nach den Memos der Teilnehmenden vor, nicht vorher.",
        "laptops": "20 Laptops vorbereiten",
        "days": "zwei Tage",
        "before_text": (
            "1. Lassen Sie `mkt doctor` ein paar Tage vorher auf jedem Laptop laufen; jede rote "
            "Zeile nennt die Abhilfe (siehe *20 Laptops vorbereiten* unten).\n"
            "2. Verteilen Sie `workshop-student.zip`; die Teilnehmenden entpacken es und starten "
            "`mkt lab workshop`.\n"
            "3. Der Ordner enthält die Demodaten, die Lektionen brauchen also kein Internet.\n"
            "4. Dieser Leitfaden enthält die Lösungen: Legen Sie ihn nicht in den Ordner der "
            "Teilnehmenden."
        ),
    },
}


@dataclass
class Exercise:
    instruction: str
    solution: str
    checks: list[str]
    mistakes: list[str] = field(default_factory=list)


@dataclass
class LessonDoc:
    stem: str
    title: str
    minutes: int
    goals: list[str]
    prerequisites: str
    unlocks: str
    exercises: list[Exercise] = field(default_factory=list)
    discussion: list[str] = field(default_factory=list)


def _text_of(node: ast.AST) -> list[str]:
    """The literal text(s) an expression can produce; f-string holes become '…'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            "".join(part.value if isinstance(part, ast.Constant) else "…" for part in node.values)
        ]
    if isinstance(node, ast.IfExp):
        return _text_of(node.body) + _text_of(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text_of(node.left), _text_of(node.right)
        return [a + b for a in left for b in right] if left and right else []
    return []


def _hints_in(function: ast.FunctionDef, constants: dict[str, ast.AST]) -> list[str]:
    found: list[str] = []
    # names bound inside the function (``mistakes = {...}`` then ``mistakes=mistakes``)
    constants = {
        **constants,
        **{
            target.id: node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        },
    }
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            value = (
                constants.get(keyword.value.id, keyword.value)
                if isinstance(keyword.value, ast.Name)
                else keyword.value
            )
            if keyword.arg == "hint":
                found += _text_of(value)
            elif keyword.arg == "mistakes" and isinstance(value, ast.Dict):
                for part in [*value.keys, *value.values]:
                    found += _text_of(part) if part is not None else []
    return [text for text in found if len(text.split()) >= 3]


@cache
def _module_tree(module_name: str) -> tuple[dict[str, ast.FunctionDef], dict[str, ast.AST]]:
    import importlib

    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    constants = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return functions, constants


def check_hints(check: Callable) -> list[str]:
    """The hints a check function can give for recognised mistakes (its own and its helpers')."""
    functions, constants = _module_tree(check.__module__)
    own = functions.get(check.__name__)
    if own is None:
        return []
    hints = _hints_in(own, constants)
    called = {
        node.func.id
        for node in ast.walk(own)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    for name in sorted(called & functions.keys()):
        if name != check.__name__:
            hints += _hints_in(functions[name], constants)
    declared = getattr(inspect.getmodule(check), "MISTAKES", {}).get(check.__name__, [])
    return list(dict.fromkeys([*declared, *hints]))


def guide_markdown(lessons: list[LessonDoc], *, language: str = "en", title: str = "") -> str:
    label = LABELS.get(language, LABELS["en"])
    lines = [
        f"# {label['title']}{': ' + title if title else ''}",
        "",
        f"## {label['before']}",
        "",
        label["before_text"],
        "",
        f"## {label['agenda']}: {label['days']}",
        "",
        pages.two_day_agenda(lessons, language=language),
        f"## {label['laptops']}",
        "",
        pages.laptops_page(language),
    ]
    expected = numbers.load_expected()
    for doc in lessons:
        lines += [
            "",
            f"## {doc.title}",
            "",
            f"**{label['time']}:** {doc.minutes} {label['min']} · **{label['prereq']}:** "
            f"{doc.prerequisites or '–'} · **{label['unlocks']}:** {doc.unlocks or '–'}",
            "",
            f"### {label['goals']}",
            "",
        ]
        lines += [f"- {goal}" for goal in doc.goals] or ["- –"]
        if doc.exercises:
            lines += ["", f"### {label['exercises']}"]
        for number, exercise in enumerate(doc.exercises, start=1):
            heading, body = _split_heading(exercise.instruction)
            lines += [
                "",
                f"#### {heading or label['exercise'] + ' ' + str(number)}",
                "",
                body,
                "",
                "```python",
                exercise.solution.strip(),
                "```",
                "",
            ]
            lines += pages.expected_lines(
                expected.get(doc.stem, {}), exercise.checks, label, language
            )
            if exercise.checks:
                lines.append(
                    f"*{label['checked_by']}:* " + ", ".join(f"`{c}`" for c in exercise.checks)
                )
            mistakes = pages.clean_mistakes(exercise.mistakes, language=language)
            if mistakes:
                lines += ["", f"*{label['mistakes']}:*", ""]
                lines += [f"- {mistake}" for mistake in mistakes]
        memo = pages.model_memo(expected.get(doc.stem, {}), language=language)
        if memo and doc.stem.startswith("05"):
            lines += ["", f"### {label['memo']}", "", label["memo_intro"], "", memo]
        if doc.discussion:
            lines += ["", f"### {label['discussion']}", ""]
            lines += [f"{k}. {question}" for k, question in enumerate(doc.discussion, start=1)]
    lines += ["", f"## {label['core']}", ""]
    lines += [f"- {item}" for item in CORE_MISTAKES.get(language, CORE_MISTAKES["en"])]
    return "\n".join(lines) + "\n"


def _split_heading(text: str) -> tuple[str, str]:
    """The exercise's own heading and the task text below it.

    Lesson text before an exercise often opens a section ("## 2. Why ...") and then states
    the exercise under its own heading; the guide keeps only the exercise part.
    """
    lines = text.strip().splitlines()
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.startswith("#") and re.search(r"exercise|übung|aufgabe|task", line, re.IGNORECASE):
            return line.lstrip("#").strip(), _bold_headings("\n".join(lines[index + 1 :]))
    if lines and lines[0].startswith("#"):
        return lines[0].lstrip("#").strip(), _bold_headings("\n".join(lines[1:]))
    return "", _bold_headings(text)


def _bold_headings(text: str) -> str:
    """Headings inside pasted lesson text become bold lines, so the guide keeps its outline."""
    return "\n".join(
        f"**{line.lstrip('#').strip()}**" if line.startswith("#") else line
        for line in text.strip().splitlines()
    )


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; max-width: 860px; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; color: #222; }}
h1, h2 {{ color: #0072B2; }}
h2 {{ border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 4px 10px; text-align: left; vertical-align: top; }}
@media (max-width: 640px) {{
  body {{ margin: 1em auto; }} h1 {{ font-size: 1.6em; }}
  table, tbody, tr, td {{ display: block; }} thead {{ display: none; }}
  tr {{ border-bottom: 2px solid #ccc; padding: .4em 0; }} td {{ border: none; padding: 2px 0; }}
}}
pre {{ background: #f6f8fa; padding: .8em; overflow-x: auto; border-radius: 4px; }}
code {{ font-family: Menlo, Consolas, monospace; font-size: 90%; }}
@media print {{ h2 {{ page-break-before: always; }} pre {{ white-space: pre-wrap; }} }}
</style></head><body>
{body}
</body></html>
"""


def markdown_to_html(text: str, *, title: str, language: str = "en") -> str:
    """A self-contained HTML page (no scripts, no remote files) from Markdown.

    Raw HTML in the text is escaped and unsafe link targets are blocked (the text holds
    lesson titles, goals and solutions); the page carries the kit's Content-Security-Policy.
    """
    from mkt_engineering.reporting.safe_html import markdown_html, with_csp

    page = HTML_TEMPLATE.format(
        lang=html.escape(language), title=html.escape(title), body=markdown_html(text)
    )
    return with_csp(page)
