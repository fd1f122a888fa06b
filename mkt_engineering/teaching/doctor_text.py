"""What `mkt doctor` says, in English and German: one key per line of the checklist.

Examples
--------
>>> say("de", "python_ok", version="3.12.1", spec=">=3.11")
'Python 3.12.1 (das Kit braucht >=3.11)'
"""

from __future__ import annotations

import os

SYNC_FIX = {
    "en": "In the kit folder run `make setup` (or `uv sync --frozen --all-groups`); from the "
    "offline bundle run its install script again. Then restart Jupyter.",
    "de": "Im Kit-Ordner `make setup` ausführen (oder `uv sync --frozen --all-groups`); aus "
    "dem Offline-Paket das Installationsskript erneut starten. Danach Jupyter neu starten.",
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "sync_fix": SYNC_FIX["en"],
        "python": "Python",
        "python_ok": "Python {version} (the kit needs {spec})",
        "python_bad": "Python {version}, the kit needs {spec}",
        "python_fix": "Install Python {minimum} or newer (python.org, or `uv python install "
        "3.12`), then install the kit again.",
        "packages": "Packages",
        "packages_ok": "{count} packages match uv.lock",
        "packages_declared_ok": "{count} packages the kit needs are installed (no uv.lock here, "
        "so the kit's own requirements were checked)",
        "missing": "missing: {names}",
        "other_version": "other version: {names}",
        "lock_version": "{name} {found} (lock: {wanted})",
        "needs_version": "{name} {found} (the kit needs {wanted})",
        "kernel": "Jupyter kernel",
        "kernel_no_client": "jupyter_client is not installed",
        "kernel_missing": "no 'python3' kernel found",
        "kernel_missing_fix": "Run `python -m ipykernel install --user` with the kit's Python.",
        "kernel_no_kit": "the python3 kernel ({python}) cannot import the kit",
        "kernel_no_kit_fix": "Register the kit's environment: `.venv/bin/python -m ipykernel "
        "install --user --name python3`, then restart Jupyter.",
        "kernel_ok": "python3 kernel imports the kit ({python})",
        "writable": "Writable folders",
        "writable_bad": "cannot write to {folders}",
        "writable_fix": "Unzip the kit into a folder you own (e.g. in Documents), not a shared "
        "or read-only drive.",
        "disk": "Free disk",
        "disk_bad": "{free:.1f} GB free, need {minimum:g} GB",
        "disk_fix": "Free some disk space (empty the downloads and the recycle bin).",
        "disk_ok": "{free:.0f} GB free",
        "notebook": "Notebook runs",
        "notebook_bad": "a two-line notebook failed: {error}",
        "notebook_fix": "Fix the kernel line above first; then run `jupyter lab` once and "
        "check for errors.",
        "notebook_ok": "a tiny notebook executes",
        "notebook_odd": "unexpected output",
        "chart": "Chart renders offline",
        "chart_bad": "vl-convert failed: {error}",
        "chart_ok": "a bar chart renders to SVG without internet",
        "data": "Lesson data",
        "data_ok": "{count} data files in {folder}, as built",
        "data_kit_ok": "the kit's demo data in {folder} ({count} files)",
        "data_no_folder": "no data folder beside the lessons in {folder}, and none in the kit",
        "data_no_folder_fix": "Unzip the whole workshop zip again, so the `{data}` folder sits "
        "next to the lessons.",
        "data_missing": "missing: {names}",
        "data_changed": "changed since the workshop was built: {names}",
        "data_fix": "Unzip the workshop zip again into a new folder (your answers stay in the "
        "old one); do not edit the files in `{data}/`.",
        "lessons": "Lessons start",
        "lessons_none": "no lesson notebooks (NN_topic.ipynb) in {folder}",
        "lessons_none_fix": "Give the unzipped workshop folder: `mkt doctor PATH`.",
        "lessons_ok": "the first cells of {count} lesson(s) run: {names}",
        "lesson_failed": "{lesson}, cell {cell}: {error}",
        "lessons_fix": "Run `mkt doctor` on a freshly unzipped workshop folder; if the error "
        "stays, show this line to the trainer.",
        "crashed": "{error}",
        "all_good": "All good: this machine is ready for the workshop.",
        "problems": "{count} problem(s); fix the red lines and run `mkt doctor` again.",
        "status": "checking this machine (about 20 seconds, a minute with lessons)",
        "fix": "fix:",
        "folder": "Folder checked: {folder}",
    },
    "de": {
        "sync_fix": SYNC_FIX["de"],
        "python": "Python",
        "python_ok": "Python {version} (das Kit braucht {spec})",
        "python_bad": "Python {version}, das Kit braucht {spec}",
        "python_fix": "Python {minimum} oder neuer installieren (python.org oder `uv python "
        "install 3.12`), danach das Kit neu installieren.",
        "packages": "Pakete",
        "packages_ok": "{count} Pakete passen zu uv.lock",
        "packages_declared_ok": "{count} Pakete, die das Kit braucht, sind installiert (hier "
        "gibt es kein uv.lock, geprüft wurden die Anforderungen des Kits)",
        "missing": "fehlen: {names}",
        "other_version": "andere Version: {names}",
        "lock_version": "{name} {found} (uv.lock: {wanted})",
        "needs_version": "{name} {found} (das Kit braucht {wanted})",
        "kernel": "Jupyter-Kernel",
        "kernel_no_client": "jupyter_client ist nicht installiert",
        "kernel_missing": "kein Kernel 'python3' gefunden",
        "kernel_missing_fix": "Mit dem Python des Kits `python -m ipykernel install --user` "
        "ausführen.",
        "kernel_no_kit": "der Kernel python3 ({python}) kann das Kit nicht importieren",
        "kernel_no_kit_fix": "Die Umgebung des Kits registrieren: `.venv/bin/python -m "
        "ipykernel install --user --name python3`, danach Jupyter neu starten.",
        "kernel_ok": "der Kernel python3 importiert das Kit ({python})",
        "writable": "Beschreibbare Ordner",
        "writable_bad": "kein Schreibzugriff auf {folders}",
        "writable_fix": "Das Kit in einen eigenen Ordner entpacken (z. B. unter Dokumente), "
        "nicht auf ein geteiltes oder schreibgeschütztes Laufwerk.",
        "disk": "Freier Speicher",
        "disk_bad": "{free:.1f} GB frei, nötig sind {minimum:g} GB",
        "disk_fix": "Speicher freigeben (Downloads und Papierkorb leeren).",
        "disk_ok": "{free:.0f} GB frei",
        "notebook": "Notebook läuft",
        "notebook_bad": "ein Notebook mit zwei Zeilen schlug fehl: {error}",
        "notebook_fix": "Zuerst die Kernel-Zeile oben beheben; dann `jupyter lab` einmal "
        "starten und auf Fehler achten.",
        "notebook_ok": "ein kleines Notebook läuft",
        "notebook_odd": "unerwartete Ausgabe",
        "chart": "Diagramm ohne Internet",
        "chart_bad": "vl-convert schlug fehl: {error}",
        "chart_ok": "ein Balkendiagramm wird ohne Internet als SVG gezeichnet",
        "data": "Daten der Lektionen",
        "data_ok": "{count} Datendateien in {folder}, wie beim Erstellen",
        "data_kit_ok": "die Demodaten des Kits in {folder} ({count} Dateien)",
        "data_no_folder": "kein Datenordner neben den Lektionen in {folder} und keiner im Kit",
        "data_no_folder_fix": "Das Workshop-Zip vollständig neu entpacken, so dass der Ordner "
        "`{data}` neben den Lektionen liegt.",
        "data_missing": "fehlen: {names}",
        "data_changed": "seit dem Erstellen des Workshops geändert: {names}",
        "data_fix": "Das Workshop-Zip in einen neuen Ordner entpacken (Ihre Lösungen bleiben "
        "im alten); die Dateien in `{data}/` nicht bearbeiten.",
        "lessons": "Lektionen starten",
        "lessons_none": "keine Lektionen (NN_thema.ipynb) in {folder}",
        "lessons_none_fix": "Den entpackten Workshop-Ordner angeben: `mkt doctor PFAD`.",
        "lessons_ok": "die ersten Zellen von {count} Lektion(en) laufen: {names}",
        "lesson_failed": "{lesson}, Zelle {cell}: {error}",
        "lessons_fix": "`mkt doctor` auf einem frisch entpackten Workshop-Ordner ausführen; "
        "bleibt der Fehler, diese Zeile der Trainerin oder dem Trainer zeigen.",
        "crashed": "{error}",
        "all_good": "Alles gut: Dieser Rechner ist bereit für den Workshop.",
        "problems": "{count} Problem(e); die roten Zeilen beheben und `mkt doctor` erneut "
        "ausführen.",
        "status": "prüfe diesen Rechner (etwa 20 Sekunden, mit Lektionen eine Minute)",
        "fix": "Lösung:",
        "folder": "Geprüfter Ordner: {folder}",
    },
}


def default_language() -> str:
    """The language of `mkt doctor` when none is given: ``MKT_LANGUAGE`` or English."""
    wanted = os.environ.get("MKT_LANGUAGE", "en")
    return wanted if wanted in TEXT else "en"


def say(language: str, key: str, **values: object) -> str:
    """The line ``key`` in ``language`` ('en' or 'de'), filled with ``values``.

    Parameters
    ----------
    language : str
        ``"en"`` or ``"de"``; anything else falls back to English.
    key : str
        A key of `TEXT`.
    **values
        The placeholders of the line.

    Returns
    -------
    str
        The line, ready to print.
    """
    return TEXT.get(language, TEXT["en"])[key].format(**values)
