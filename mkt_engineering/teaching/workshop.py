"""Workshop editions: student copies, the trainer guide, bundled data, a zip; the lessons page.

``build_workshop`` writes::

    OUT/student/            what learners get (also zipped as OUT/workshop-student.zip)
        NN_topic.ipynb      lessons without solutions and outputs; checks kept
        datasets/           the demo data beside the lessons, where `lesson_data` looks first
        glossary.md         German–English glossary the lessons link to
        README.md           how to start
    OUT/trainer/            for the trainer only
        trainer_guide.md / trainer_guide.html
        solutions/NN_topic.ipynb

Examples
--------
>>> [lesson.stem for lesson in lesson_catalogue()][:2]
['00_welcome', '00b_buying_process']
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from mkt_engineering.paths import DATASETS_DIR, NOTEBOOKS_DIR, PROJECT_ROOT
from mkt_engineering.teaching import doctor_folder
from mkt_engineering.teaching import student_edition as edition
from mkt_engineering.teaching import trainer_guide as guide
from mkt_engineering.teaching import translation as translating
from mkt_engineering.text import markdown_literal

LESSONS_DIR = NOTEBOOKS_DIR / "lessons"
# The folder beside lessons.html that holds each lesson as a page to read.
LESSON_PAGES = "lessons"
GLOSSARY_FILE = PROJECT_ROOT / "docs" / "glossary.md"


@dataclass(frozen=True)
class LessonEntry:
    """What the learning path promises for a lesson, before or without its notebook."""

    stem: str
    title: str
    minutes: int
    unlocks: str
    prerequisites: str
    discussion: dict[str, list[str]] = field(default_factory=dict)
    unlocks_de: str = ""


CATALOGUE = [
    LessonEntry(
        "00_welcome",
        "00 · Welcome: Jupyter and polars for marketers",
        45,
        "reading your own exports; the basics every report uses",
        "none",
        {
            "en": [
                "Which export do you build by hand every week, and which steps of this lesson "
                "would it need?",
                "Where in your reporting is a ratio averaged instead of summed first?",
                "Which of your data sources leave out a channel, as the media budget leaves out "
                "email?",
            ],
            "de": [
                "Welchen Export bauen Sie jede Woche von Hand, und welche Schritte dieser Lektion "
                "bräuchte er?",
                "Wo in Ihrem Reporting wird eine Quote gemittelt, statt erst zu summieren?",
                "Welche Ihrer Datenquellen lassen einen Kanal weg, so wie das Mediabudget E-Mail?",
            ],
        },
        unlocks_de="eigene Exporte lesen; die Grundlagen jedes Berichts",
    ),
    LessonEntry(
        "00b_buying_process",
        "00b · The digital buying process: from persona to order, and back",
        45,
        "reading the nurture report's funnel, fast lane, recycling and exclusions",
        "00_welcome",
        {
            "en": [
                "Which of your leads have no e-mail address or no consent, and who decides "
                "about them today?",
                "After which orders does your nurturing start again, and who notices a "
                "customer's next need?",
            ],
            "de": [
                "Welche Ihrer Leads haben keine E-Mail-Adresse oder keine Einwilligung, und "
                "wer entscheidet heute über sie?",
                "Nach welchen Aufträgen beginnt Ihr Nurturing wieder, und wer bemerkt den "
                "nächsten Bedarf eines Kunden?",
            ],
        },
        unlocks_de="den Funnel, die Fast Lane, das Recycling und die Ausschlüsse im "
        "Nurture-Bericht lesen",
    ),
    LessonEntry(
        "01_attribution",
        "01 · Attribution: which channels earn the conversions",
        60,
        "the attribution report (`mkt run attribution`)",
        "00_welcome",
        {
            "en": [
                "Which channel would lose budget under last-click but not under the Markov model, "
                "and why?",
                "What do the non-converting journeys tell us that the converting ones cannot?",
                "How wide may an interval be before you would not move budget on it?",
            ],
            "de": [
                "Welcher Kanal verlöre unter Last Click Budget, unter dem Markov-Modell aber "
                "nicht, und warum?",
                "Was verraten die Journeys ohne Conversion, was die mit Conversion nicht können?",
                "Wie breit darf ein Intervall sein, bevor Sie darauf kein Budget verschieben "
                "würden?",
            ],
        },
        unlocks_de="den Attributionsbericht (`mkt run attribution`)",
    ),
    LessonEntry(
        "02_cohort_value",
        "02 · Cohort value: what a customer is worth",
        60,
        "the cohort lifetime value report (`mkt run cohort_ltv`)",
        "00_welcome",
        {
            "en": [
                "Which acquisition channel brings cheap customers that are worth little?",
                "How far ahead would you trust a lifetime value forecast in your business?",
            ],
            "de": [
                "Welcher Akquisekanal bringt günstige Kunden, die wenig wert sind?",
                "Wie weit in die Zukunft würden Sie einer Kundenwert-Prognose in Ihrem Geschäft "
                "trauen?",
            ],
        },
        unlocks_de="den Kundenwert-Bericht nach Kohorten (`mkt run cohort_ltv`)",
    ),
    LessonEntry(
        "03_ab_testing",
        "03 · A/B testing: did the change work, and how sure are we?",
        60,
        "the experiment report (`mkt run ab_test`)",
        "00_welcome",
        {
            "en": [
                "When did you last stop a test early because it looked good? What does peeking do?",
                "Which of your tests would have needed more visitors than you had?",
            ],
            "de": [
                "Wann haben Sie zuletzt einen Test früh beendet, weil er gut aussah? Was bewirkt "
                "das ständige Nachschauen?",
                "Welcher Ihrer Tests hätte mehr Besucher gebraucht, als Sie hatten?",
            ],
        },
        unlocks_de="den Experiment-Bericht (`mkt run ab_test`)",
    ),
    LessonEntry(
        "04_nurture_timing",
        "04 · Nurture timing: when leads become ready",
        60,
        "the nurture timing report (`mkt run nurture_timing`)",
        "00_welcome",
        {
            "en": [
                "Where in your funnel are leads handed to sales too early (green bananas)?",
                "Which leads will never become ready, and what should nurturing do with them?",
            ],
            "de": [
                "Wo in Ihrem Funnel gehen Leads zu früh an den Vertrieb (grüne Bananen)?",
                "Welche Leads werden nie reif, und was sollte das Nurturing mit ihnen tun?",
            ],
        },
        unlocks_de="den Nurture-Timing-Bericht (`mkt run nurture_timing`)",
    ),
    LessonEntry(
        "05_capstone",
        "05 · Capstone: one company, end to end",
        75,
        "running all four reports on your own data",
        "01–04",
        {
            "en": [
                "Which one decision would you take to your manager tomorrow, and which number "
                "backs it?",
                "Which assumption of the case would you check first on your own data?",
            ],
            "de": [
                "Welche eine Entscheidung würden Sie morgen Ihrer Führungskraft vorschlagen, und "
                "welche Zahl trägt sie?",
                "Welche Annahme des Falls würden Sie an Ihren eigenen Daten zuerst prüfen?",
            ],
        },
        unlocks_de="alle vier Berichte auf Ihren eigenen Daten",
    ),
]


def lesson_catalogue() -> list[LessonEntry]:
    return list(CATALOGUE)


def lesson_paths(lessons: list[str] | None = None, folder: Path = LESSONS_DIR) -> list[Path]:
    """Lesson notebooks in learning order.

    ``lessons`` picks by stem or by number ('00', '04_nurture_timing').
    """
    # "00b_buying_process" sorts between 00_welcome and 01_attribution
    found = sorted(folder.glob("[0-9][0-9]*_*.ipynb"))
    if not lessons:
        return found
    picked = [
        path
        for path in found
        if any(
            path.stem == name or path.stem.startswith(f"{name}_") or path.stem.split("_")[0] == name
            for name in lessons
        )
    ]
    missing = [
        name
        for name in lessons
        if not any(path.stem == name or path.stem.split("_")[0] == name for path in picked)
    ]
    if missing:
        available = ", ".join(path.stem for path in found)
        raise ValueError(
            f"No lesson named {', '.join(missing)} in {folder}. Available: {available}."
        )
    return picked


_MINUTES = re.compile(r"(\d+)\s*(?:min|minutes|Minuten)\b", re.IGNORECASE)
_HOURS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:hours?|Stunden?|h)\b", re.IGNORECASE)


def _minutes(text: str, default: int) -> int:
    if match := _MINUTES.search(text):
        return int(match.group(1))
    if match := _HOURS.search(text):
        return round(60 * float(match.group(1).replace(",", ".")))
    return default


def _goals(text: str) -> list[str]:
    """The bullet list that follows the 'learning goals' line of the opening cell."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.search(
            r"learning goals|lernziele|you will|you can|sie können|goals", line, re.IGNORECASE
        ):
            goals = []
            for item in lines[index + 1 :]:
                if re.match(r"\s*(?:[-*]|\d+\.)\s+", item):
                    goals.append(re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", item).strip().rstrip(",;."))
                elif goals and item.strip():
                    break
            if goals:
                return goals
    return []


def _line_after(text: str, words: str) -> str:
    match = re.search(rf"(?:{words})\W*:?\**\s*:?\s*(.+)", text, re.IGNORECASE)
    return match.group(1).strip(" *") if match else ""


def describe_lesson(lesson: Any, stem: str, *, language: str = "en") -> guide.LessonDoc:
    """What the trainer guide and the lessons page say about one lesson notebook."""
    entry = next((e for e in CATALOGUE if e.stem == stem), None)
    markdown = [cell.source for cell in lesson.cells if cell.cell_type == "markdown"]
    opening = "\n\n".join(markdown[:2])
    title = next(
        (line.lstrip("# ").strip() for line in opening.splitlines() if line.startswith("# ")),
        entry.title if entry else stem,
    )
    default_minutes = lesson.metadata.get("lesson", {}).get("minutes") or (
        entry.minutes if entry else 45
    )
    return guide.LessonDoc(
        stem=stem,
        title=title,
        minutes=_minutes(
            _line_after(opening, "time needed|time|dauer|zeitbedarf") or opening, default_minutes
        ),
        goals=_goals(opening),
        prerequisites=_line_after(opening, "prerequisites|voraussetzungen")
        or (entry.prerequisites if entry else ""),
        unlocks=(entry.unlocks_de if language == "de" and entry.unlocks_de else entry.unlocks)
        if entry
        else "",
        exercises=_exercises(lesson),
        discussion=_discussion(lesson, entry, language),
    )


def _exercises(lesson: Any) -> list[guide.Exercise]:
    from mkt_engineering import teaching

    exercises: list[guide.Exercise] = []
    cells = lesson.cells
    for index, cell in enumerate(cells):
        if not edition.is_solution(cell):
            continue
        instruction = next(
            (c.source for c in reversed(cells[:index]) if c.cell_type == "markdown"), ""
        )
        following = "\n".join(c.source for c in cells[index + 1 : index + 3] if edition.is_check(c))
        checks = list(dict.fromkeys(re.findall(r"teaching\.(check_\w+)", following)))
        mistakes = [
            hint
            for name in checks
            if callable(getattr(teaching, name, None))
            for hint in guide.check_hints(getattr(teaching, name))
        ]
        exercises.append(
            guide.Exercise(instruction, cell.source, checks, list(dict.fromkeys(mistakes)))
        )
    return exercises


def _discussion(lesson: Any, entry: LessonEntry | None, language: str) -> list[str]:
    tagged = [
        cell.source.strip()
        for cell in lesson.cells
        if "discussion" in cell.metadata.get("tags", [])
    ]
    if tagged:
        return tagged
    if entry is None:
        return []
    return entry.discussion.get(language) or entry.discussion.get("en", [])


def lint_lesson(lesson: Any) -> list[str]:
    """What a lesson lacks of the agreed shape (empty when it is complete).

    Goals, time and prerequisites at the start; a recap and a glossary at the end; every
    ``solution`` cell followed by a check cell; a solution that assigns the answer to a name,
    so the student stub keeps that name for the check.
    """
    markdown = [cell.source for cell in lesson.cells if cell.cell_type == "markdown"]
    opening, closing = "\n".join(markdown[:2]), "\n".join(markdown[-3:])
    problems = [
        f"no {what} at the start"
        for what, pattern in (
            ("learning goals", r"learning goals|lernziele"),
            ("time needed", r"time|dauer"),
            ("prerequisites", r"prerequisite|voraussetzung"),
        )
        if not re.search(pattern, opening, re.IGNORECASE)
    ]
    problems += [
        f"no {what} at the end"
        for what, pattern in (
            ("recap", r"recap|summary|zusammenfassung|in kürze"),
            ("glossary", r"glossary|glossar"),
        )
        if not re.search(pattern, closing, re.IGNORECASE)
    ]
    cells = lesson.cells
    solutions = [index for index, cell in enumerate(cells) if edition.is_solution(cell)]
    if not solutions:
        problems.append("no exercise (a code cell tagged 'solution')")
    for index in solutions:
        if not any(edition.is_check(cell) for cell in cells[index + 1 : index + 3]):
            problems.append(f"solution cell {cells[index].id} has no check cell after it")
        if not edition.assigned_names(cells[index].source):
            problems.append(f"solution cell {cells[index].id} assigns no name for its check")
    return problems


@dataclass
class WorkshopResult:
    student_dir: Path
    trainer_dir: Path
    zip_path: Path
    lessons: list[str]
    stale_translations: dict[str, list[str]] = field(default_factory=dict)
    #: For a German edition: every place still in English (`teaching.untranslated`).
    untranslated: list[str] = field(default_factory=list)


# The student folder's data folder: where `lesson_data` looks first, beside the lessons.
STUDENT_DATA_DIRNAME = doctor_folder.DATA_DIRNAME

STUDENT_README = {
    "en": "# Workshop folder\n\n"
    "1. Open a terminal in this folder. Check the laptop with `mkt doctor .`, then start "
    "JupyterLab with `mkt lab` (or `jupyter lab`).\n"
    "2. Open the lessons in order, starting with `00_welcome.ipynb`.\n"
    "3. Run the cells from top to bottom (Shift + Enter). Where a cell says "
    "`# YOUR ANSWER HERE`, write your answer, then run the check cell below it.\n"
    "4. Terms: see `glossary.md`. Demo data: `{data}/` (keep it next to the lessons).\n",
    "de": "# Workshop-Ordner\n\n"
    "1. Öffnen Sie in diesem Ordner ein Terminal. Prüfen Sie den Laptop mit `mkt doctor .` "
    "und starten Sie JupyterLab mit `mkt lab` (oder `jupyter lab`).\n"
    "2. Öffnen Sie die Lektionen der Reihe nach, beginnend mit `00_welcome.ipynb`.\n"
    "3. Führen Sie die Zellen von oben nach unten aus (Umschalt + Enter). Wo in einer Zelle "
    "`# IHRE LÖSUNG HIER` steht, tragen Sie Ihre Lösung ein und führen dann die Prüfzelle "
    "darunter aus.\n"
    "4. Begriffe: siehe `glossary.md`. Demodaten: `{data}/` (lassen Sie den Ordner neben "
    "den Lektionen).\n",
}


def build_workshop(
    out: Path,
    *,
    lessons: list[str] | None = None,
    language: str = "en",
    lessons_dir: Path = LESSONS_DIR,
    datasets_dir: Path = DATASETS_DIR,
) -> WorkshopResult:
    """Write the student folder, the trainer guide and the zip (see the module docstring)."""
    if language not in ("en", "de"):
        raise ValueError(f"language must be 'en' or 'de', got {language!r}")
    out = Path(out)
    student_dir, trainer_dir = out / "student", out / "trainer"
    for folder in (student_dir, trainer_dir):
        shutil.rmtree(folder, ignore_errors=True)
    (trainer_dir / "solutions").mkdir(parents=True)
    student_dir.mkdir(parents=True)
    docs, stale = [], {}
    paths = lesson_paths(lessons, lessons_dir)
    for path in paths:
        lesson = edition.read_lesson(path)
        translation = edition.load_translation(path, language)
        if translation:
            stale[path.stem] = edition.translate(lesson, translation, name=path.stem)
        if language != "en":  # comments, labels and printed texts in the code cells too
            translating.translate_code(lesson, path, language)
        nbformat.write(edition.student_copy(lesson, language=language), student_dir / path.name)
        nbformat.write(lesson, trainer_dir / "solutions" / path.name)
        docs.append(describe_lesson(lesson, path.stem, language=language))
    if datasets_dir.exists():
        shutil.copytree(
            datasets_dir,
            student_dir / STUDENT_DATA_DIRNAME,
            ignore=shutil.ignore_patterns("*.parquet.tmp", "__pycache__", ".*"),
        )
        # `mkt doctor PATH` compares the learner's copy with this list
        doctor_folder.write_checksums(student_dir / STUDENT_DATA_DIRNAME)
    if GLOSSARY_FILE.exists():
        shutil.copy2(GLOSSARY_FILE, student_dir / "glossary.md")
    readme = STUDENT_README[language].format(data=STUDENT_DATA_DIRNAME)
    (student_dir / "README.md").write_text(readme, encoding="utf-8")
    text = guide.guide_markdown(docs, language=language)
    (trainer_dir / "trainer_guide.md").write_text(text, encoding="utf-8")
    title = guide.LABELS[language]["title"]
    (trainer_dir / "trainer_guide.html").write_text(
        guide.markdown_to_html(text, title=title, language=language), encoding="utf-8"
    )
    zip_path = out / "workshop-student.zip"
    _zip_folder(student_dir, zip_path)
    return WorkshopResult(
        student_dir,
        trainer_dir,
        zip_path,
        [d.stem for d in docs],
        {k: v for k, v in stale.items() if v},
        _still_english(language, paths, lessons_dir, everything=lessons is None),
    )


def _still_english(
    language: str, paths: list[Path], lessons_dir: Path, everything: bool
) -> list[str]:
    """What a non-English edition still shows in English (the hints too for the whole kit)."""
    if language == "en":
        return []
    if everything and Path(lessons_dir) == LESSONS_DIR:
        return translating.untranslated(language)
    return translating.untranslated(language, lessons=paths)


def _zip_folder(folder: Path, zip_path: Path) -> None:
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, Path("workshop") / file.relative_to(folder))


def verify_lessons(lessons: list[str] | None = None, lessons_dir: Path = LESSONS_DIR) -> list[dict]:
    """Run each lesson's student copy with the solutions filled back in, from a workshop
    folder with the bundled data; report the seconds it took and which checks passed."""
    import tempfile
    import time

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        built = build_workshop(Path(folder), lessons=lessons, lessons_dir=lessons_dir)
        for stem in built.lessons:
            lesson = edition.read_lesson(lessons_dir / f"{stem}.ipynb")
            student = nbformat.read(built.student_dir / f"{stem}.ipynb", as_version=4)
            started = time.perf_counter()
            try:
                executed = edition.execute(
                    edition.fill_solutions(student, lesson), built.student_dir
                )
                results, error = edition.check_results(executed), ""
            except Exception as failure:  # report the failing lesson, go on with the next
                results, error = {}, f"{type(failure).__name__}: {str(failure)[-300:]}"
            rows.append(
                {
                    "lesson": stem,
                    "seconds": round(time.perf_counter() - started, 1),
                    "checks": len(results),
                    "passed": sum(results.values()),
                    "failed": [cell for cell, ok in results.items() if not ok],
                    "error": error,
                }
            )
    return rows


def lessons_index_markdown(
    lessons_dir: Path = LESSONS_DIR, link_prefix: str = "", link_suffix: str = ".ipynb"
) -> str:
    """The learning path as a Markdown table: lesson, time, goals, what it unlocks.

    With `link_prefix`, each title links to ``<link_prefix><stem><link_suffix>``.
    """
    rows = ["| Lesson | Time | You learn to | Unlocks |", "|---|---|---|---|"]
    present = {path.stem: path for path in lesson_paths(folder=lessons_dir)}
    for entry in CATALOGUE:
        if entry.stem in present:
            doc = describe_lesson(edition.read_lesson(present[entry.stem]), entry.stem)
            # Goals are the lesson's own Markdown (bold terms); a '|' must not split the table
            # row. The title is link text, so it is literal. Raw HTML is escaped at rendering.
            goals = "; ".join(" ".join(goal.split("\n")).replace("|", "\\|") for goal in doc.goals)
            goals = goals or "–"
            minutes, title = doc.minutes, markdown_literal(doc.title)
            link = f"{link_prefix}{entry.stem}{link_suffix}"
            title = f"[{title}]({link})" if link_prefix else title
        else:
            goals, minutes, title = "(being written)", entry.minutes, entry.title
        rows.append(f"| {title} | {minutes} min | {goals} | {entry.unlocks} |")
    return "\n".join(rows) + "\n"


def render_lessons_page(out: Path | None = None, lessons_dir: Path = LESSONS_DIR) -> str:
    """The lessons index as a self-contained HTML page; written to ``out`` when given.

    With `out`, each lesson is also rendered as a page to read (``lessons/<stem>.html``
    beside `out`, see `reporting.lesson_pages`), and the titles link to those pages rather
    than to the raw notebooks. ``mkt demo`` calls ``render_lessons_page(REPORTS_DIR /
    "lessons.html")``.
    """
    from mkt_engineering.reporting.lesson_pages import write_lesson_pages

    intro = (
        "# Lessons: the learning path\n\nWork through the lessons in order. Each one opens "
        "with its goals, time and prerequisites and ends with a recap and a glossary. "
        "Open them with `jupyter lab notebooks/lessons`.\n\n"
    )
    link_prefix = ""
    if out is not None:
        pages = Path(out).parent / LESSON_PAGES
        lessons = {path.stem: path for path in lesson_paths(folder=lessons_dir)}
        write_lesson_pages(lessons, pages, back_link=f"../{Path(out).name}")
        link_prefix = f"{LESSON_PAGES}/"
    page = guide.markdown_to_html(
        intro + lessons_index_markdown(lessons_dir, link_prefix, ".html"), title="Lessons"
    )
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(page, encoding="utf-8")
    return page


__all__ = [
    "CATALOGUE",
    "WorkshopResult",
    "build_workshop",
    "describe_lesson",
    "lesson_catalogue",
    "lesson_paths",
    "lessons_index_markdown",
    "render_lessons_page",
]
