"""A real memory cap for a benchmark's child process: a memory cgroup, else ``prlimit --as``.

A cgroup caps what the process tree keeps resident (a report's kernel included, since
children stay in their parent's group); going past it gets the process killed by the
kernel's OOM killer, which the row then reports. ``prlimit --as`` caps address space instead,
which runs 2-2.5 GB above resident memory with duckdb, polars and pyarrow loaded, so it
refuses work that would fit; it is only the fallback on machines where no cgroup can be made
(no root, or no memory controller), and the row names which cap it ran under.

Examples
--------
>>> cap = MemoryCap(4 * 1024**3, "doctest")
>>> cap.kind in {"cgroup v1", "cgroup v2", "prlimit --as"}
True
>>> cap.close()
"""

from __future__ import annotations

import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")

# Allocators reserve address space they never touch (glibc per-thread arenas, Arrow's
# jemalloc pool): under `prlimit --as` these settings keep the cap about the data.
ADDRESS_SPACE_ENVIRONMENT = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2"}


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)


class MemoryCap:
    """A memory limit for one child process tree.

    Parameters
    ----------
    limit_bytes
        The cap in bytes (e.g. ``4 * 1024**3`` for 4 GiB).
    name
        A name for the cgroup folder; the process id is appended so runs never share one.

    Notes
    -----
    Start the child with ``subprocess.Popen(cap.command(cmd), preexec_fn=cap.join,
    env=cap.environment(env))``; after it ends, read `peak_bytes` and `oom_killed`, then
    `close`.
    """

    def __init__(self, limit_bytes: int, name: str) -> None:
        self.limit_bytes = int(limit_bytes)
        self.folder: Path | None = None
        self.kind = "prlimit --as"
        for kind, parent in (
            ("cgroup v1", CGROUP_ROOT / "memory"),
            ("cgroup v2", CGROUP_ROOT),
        ):
            if kind == "cgroup v2" and not (CGROUP_ROOT / "cgroup.controllers").exists():
                continue
            if _writable(parent) and self._make(parent / f"mkt-{name}-{os.getpid()}", kind):
                self.kind = kind
                break

    def _make(self, folder: Path, kind: str) -> bool:
        try:
            folder.mkdir(exist_ok=True)
            if kind == "cgroup v1":
                (folder / "memory.limit_in_bytes").write_text(str(self.limit_bytes))
            else:
                (folder / "memory.max").write_text(str(self.limit_bytes))
                swap = folder / "memory.swap.max"
                if swap.exists():  # swap would let the tree outgrow the cap unseen
                    swap.write_text("0")
        except OSError:
            try:
                folder.rmdir()
            except OSError:
                pass
            return False
        self.folder = folder
        return True

    @property
    def label(self) -> str:
        """How the cap is enforced, for the benchmark row, e.g. ``4 GiB (cgroup v1)``."""
        return f"{self.limit_bytes / 1024**3:g} GiB ({self.kind})"

    def command(self, command: list[str]) -> list[str]:
        """The command to start: unchanged under a cgroup, behind ``prlimit`` otherwise."""
        if self.folder is None:
            return ["prlimit", f"--as={self.limit_bytes}", "--", *command]
        return command

    def environment(self, environment: dict[str, str]) -> dict[str, str]:
        """The child's environment: allocator settings only where address space is capped."""
        if self.folder is None:
            return environment | ADDRESS_SPACE_ENVIRONMENT
        return environment

    def join(self) -> None:
        """Move the calling process into the cgroup (``preexec_fn``: runs in the child)."""
        if self.folder is not None:
            (self.folder / "cgroup.procs").write_text(str(os.getpid()))

    def _read(self, name: str) -> str | None:
        if self.folder is None or not (self.folder / name).exists():
            return None
        return (self.folder / name).read_text()

    def peak_bytes(self) -> int | None:
        """The group's peak memory (page cache included), or None without a cgroup."""
        text = self._read("memory.max_usage_in_bytes") or self._read("memory.peak")
        return int(text) if text else None

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of the group for going past the cap."""
        text = self._read("memory.oom_control") or self._read("memory.events") or ""
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip() not in {"", "0"}:
                return True
        return False

    def close(self) -> None:
        """Remove the cgroup (it must be empty: call after the child has ended)."""
        if self.folder is not None:
            try:
                self.folder.rmdir()
            except OSError:
                pass
            self.folder = None
