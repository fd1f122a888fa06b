"""The folders a run writes, and which of them the kit may remove or overwrite.

Every temporary folder the kit creates (a run's ``.tmp-...`` folder beside its final
folder, a kernel's ``mkt-kernel-...`` socket folder) carries an owner file with the pid
and start time of the process that made it. A crash or ``kill -9`` leaves such folders
behind; the next run removes those whose owner is gone, and nothing else: a user's own
folder that happens to be named ``.tmp-...`` stays.

``--out`` is checked before a kernel starts: it must be writable, and an index.html in it
must be the kit's own (marked with a generator tag), so a user's page is never replaced.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from mkt_engineering.reporting.params import ParameterError

TEMP_PREFIX = ".tmp-"
KERNEL_PREFIX = "mkt-kernel-"
# The file inside every temporary folder the kit creates: the owner's pid and start time.
# Stale clean-up removes only folders that carry it, so a user's own ".tmp-..." stays.
OWNER_FILE = ".mkt-owner"
# The kit's index.html carries this tag; an index.html without it is someone else's page.
INDEX_GENERATOR = '<meta name="generator" content="mkt-engineering">'


def run_folder_name(name: str) -> str:
    """The folder under ``--out`` that receives an analysis's runs: always one plain name.

    A notebook path's stem can be anything (``...ipynb`` has the stem ``..``), and the
    run must still land inside ``--out``.

    Examples
    --------
    >>> run_folder_name("attribution"), run_folder_name(".."), run_folder_name("my report")
    ('attribution', 'notebook', 'my_report')
    """
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip(".")
    return cleaned or "notebook"


def _process_started(pid: int) -> str:
    """When process `pid` started (clock ticks since boot, Linux), or '' elsewhere.

    With the pid it tells a live owner from a new process that got the same pid.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def mark_owner(folder: Path) -> None:
    """Mark `folder` as created by this process, so only the kit's folders are cleaned up."""
    pid = os.getpid()
    (folder / OWNER_FILE).write_text(
        json.dumps({"pid": pid, "started": _process_started(pid)}), encoding="utf-8"
    )


def _owner_gone(folder: Path) -> bool:
    """Whether `folder` carries the kit's owner mark and its process no longer runs."""
    try:
        owner = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
        pid, started = int(owner["pid"]), str(owner.get("started") or "")
    except (OSError, ValueError, KeyError, TypeError):
        return False  # not marked by the kit: never ours to remove
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return bool(started) and _process_started(pid) not in ("", started)


def clean_stale_temp(folder: Path) -> None:
    """Remove temporary run folders the kit marked and whose process is gone (a crash)."""
    for temp in folder.glob(f"{TEMP_PREFIX}*"):
        if temp.is_dir() and not temp.is_symlink() and _owner_gone(temp):
            shutil.rmtree(temp, ignore_errors=True)


def clean_stale_kernel_folders() -> None:
    """Remove ``mkt-kernel-*`` socket folders (with connection files) of killed runs."""
    for folder in Path(tempfile.gettempdir()).glob(f"{KERNEL_PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink() and _owner_gone(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _is_kit_index(page: Path) -> bool:
    try:
        head = page.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    # Index pages of earlier versions carry no tag; their title and lead line tell them.
    legacy = "<title>Reports</title>" in head and "report run(s), newest first" in head
    return INDEX_GENERATOR in head or legacy


def check_out_folder(out: Path, replace_index: bool = False) -> None:
    """Refuse an ``--out`` the kit cannot write to, or whose index.html is not the kit's.

    Checked before a kernel starts: a probe file is written and removed.

    Raises
    ------
    ParameterError
        One line naming the folder and the fix.
    """
    out = Path(out)
    index = out / "index.html"
    if index.exists() and not replace_index and not _is_kit_index(index):
        raise ParameterError(
            f"--out {out} holds an index.html the kit did not write; choose another --out, "
            "or pass --replace-index to overwrite it"
        )
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise ParameterError(
            f"cannot write to --out {out}: {existing} is a file, not a folder; "
            "choose a folder for the reports"
        )
    probe = out / f".mkt-write-check-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ParameterError(
            f"cannot write to --out {out}: {exc.strerror or exc}; choose a folder you can "
            "write to, with free space"
        ) from None
