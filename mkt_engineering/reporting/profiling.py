"""Where a report's time and memory go: seconds and peak memory per section and per cell.

`setup_notebook` registers IPython hooks that time every code cell, and `section` times the
sections inside them. Peak memory is the kernel's resident high-water mark since the step
began: Linux lets a process reset it (writing 5 to ``/proc/self/clear_refs``) and read it
(``VmHWM`` in ``/proc/self/status``). Elsewhere the process's peak since it started
(``resource.getrusage``) stands in, an upper bound; without either it is None.

The steps go to the notebook state as ``profile``; ``mkt run`` writes them to manifest.json
(see `manifest_profile`) and prints the slowest sections.

Examples
--------
>>> steps = [
...     {"kind": "cell", "name": "orders = load(...)", "seconds": 2.5, "peak_mb": 410.2},
...     {"kind": "section", "name": "clv", "seconds": 12.345, "peak_mb": 900.7},
... ]
>>> manifest_profile(steps)["steps"][1]
{'kind': 'section', 'name': 'clv', 'seconds': 12.35, 'peak_mb': 901}
>>> slowest(manifest_profile(steps), 1)
[{'kind': 'section', 'name': 'clv', 'seconds': 12.35, 'peak_mb': 901}]
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")
LABEL_CHARS = 60
# A cell's time outside its sections (imports, a headline) is listed when at least this long.
REMAINDER_SECONDS = 0.1


def reset_peak() -> bool:
    """Reset this process's resident high-water mark; False where the OS does not allow it."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_mb() -> float | None:
    """This process's resident high-water mark in MB (since the last `reset_peak`)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


class _Step:
    """The clock and the memory mark of one running cell or section."""

    def __init__(self) -> None:
        reset_peak()
        self.started = time.perf_counter()
        self.peak: float | None = None

    def note_peak(self) -> None:
        """Fold the high-water mark so far into this step (before an inner step resets it)."""
        value = peak_mb()
        if value is not None:
            self.peak = value if self.peak is None else max(self.peak, value)

    def finish(self) -> tuple[float, float | None]:
        self.note_peak()
        return time.perf_counter() - self.started, self.peak


def cell_label(code: str) -> str:
    """A readable name for a cell: its first line of code, shortened.

    Examples
    --------
    >>> cell_label("# load\\norders = load_orders(orders_file)\\nx = 1")
    'orders = load_orders(orders_file)'
    >>> cell_label("# only a note: the chart above says it all")
    '# only a note: the chart above says it all'
    >>> cell_label("")
    '(empty cell)'
    """
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    first = next((line for line in lines if not line.startswith("#")), lines[0] if lines else "")
    if not first:
        return "(empty cell)"
    return first if len(first) <= LABEL_CHARS else first[: LABEL_CHARS - 1] + "…"


class Profiler:
    """Times cells (IPython's ``pre_run_cell`` / ``post_run_cell``) and the sections in them.

    Parameters
    ----------
    steps : list
        Where finished steps are appended (the notebook state's ``profile``).
    save : callable
        Called after each cell, to write the state for ``mkt run``.
    """

    def __init__(self, steps: list[dict[str, Any]], save: Any) -> None:
        self.steps, self.save = steps, save
        self.cell: _Step | None = None
        self.cell_code = ""
        self.cell_sections: list[tuple[str, float, float | None]] = []
        self.open_sections: list[_Step] = []
        self.count = 0
        self.origin = time.perf_counter()  # the notebook's clock starts at setup_notebook

    def pre_run_cell(self, info: Any) -> None:
        self.cell_code = getattr(info, "raw_cell", "") or ""
        self.cell_sections = []
        self.cell = _Step()

    def post_run_cell(self, result: Any = None) -> None:
        if self.cell is None:
            return
        seconds, peak = self.cell.finish()
        self.count += 1
        for name, section_seconds, section_peak in self.cell_sections:
            self.steps.append(_entry("section", name, section_seconds, section_peak))
        rest = seconds - sum(s for _, s, _ in self.cell_sections)
        if not self.cell_sections:
            self.steps.append(_entry("cell", cell_label(self.cell_code), seconds, peak))
        elif rest >= REMAINDER_SECONDS:
            label = f"{cell_label(self.cell_code)} (outside sections)"
            self.steps.append(_entry("cell", label, rest, peak))
        if self.steps:  # when the notebook got this far, for the span the steps should fill
            self.steps[-1]["at"] = time.perf_counter() - self.origin
        self.cell = None
        self.save()

    def section_started(self) -> None:
        for step in (self.cell, *self.open_sections):
            if step is not None:
                step.note_peak()
        self.open_sections.append(_Step())

    def section_finished(self, name: str) -> None:
        if not self.open_sections:
            return
        seconds, peak = self.open_sections.pop().finish()
        for step in (self.cell, *self.open_sections):
            if step is not None and peak is not None:
                step.peak = peak if step.peak is None else max(step.peak, peak)
        if not self.open_sections:  # a section inside a section counts in the outer one
            self.cell_sections.append((name, seconds, peak))


def _entry(kind: str, name: str, seconds: float, peak: float | None) -> dict[str, Any]:
    return {"kind": kind, "name": name, "seconds": seconds, "peak_mb": peak}


_active: Profiler | None = None


def start(steps: list[dict[str, Any]], save: Any) -> Profiler | None:
    """Register a `Profiler` with the running IPython kernel (once); None outside IPython."""
    global _active
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    if _active is None:
        _active = Profiler(steps, save)
        shell.events.register("pre_run_cell", _active.pre_run_cell)
        shell.events.register("post_run_cell", _active.post_run_cell)
    else:
        _active.steps, _active.save = steps, save
    return _active


def section_started() -> None:
    """Called by `section` on entry (nothing happens when no profiler runs)."""
    if _active is not None:
        _active.section_started()


def section_finished(name: str) -> None:
    """Called by `section` on exit, shown or skipped."""
    if _active is not None:
        _active.section_finished(name)


def manifest_profile(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The manifest's ``profile``: every step, seconds to 0.01 s, peak memory to 1 MB.

    Parameters
    ----------
    steps : list of dict
        ``{"kind": "cell" | "section", "name", "seconds", "peak_mb"}`` in run order.

    Returns
    -------
    dict
        ``{"seconds": total, "span_seconds": from setup_notebook to the end of the last
        cell (the steps fill it but for the moments between cells), "peak_mb": largest,
        "steps": [...]}``.
    """
    rounded = [
        {
            "kind": step["kind"],
            "name": step["name"],
            "seconds": round(float(step["seconds"]), 2),
            "peak_mb": None if step.get("peak_mb") is None else round(step["peak_mb"]),
        }
        for step in steps
    ]
    peaks = [step["peak_mb"] for step in rounded if step["peak_mb"] is not None]
    spans = [float(step["at"]) for step in steps if step.get("at") is not None]
    return {
        "seconds": round(sum(float(step["seconds"]) for step in steps), 2),
        "span_seconds": round(max(spans), 2) if spans else None,
        "peak_mb": max(peaks) if peaks else None,
        "steps": rounded,
    }


def slowest(profile: dict[str, Any], count: int = 3) -> list[dict[str, Any]]:
    """The `count` slowest steps of a manifest profile, slowest first."""
    steps = profile.get("steps", []) if profile else []
    return sorted(steps, key=lambda step: step["seconds"], reverse=True)[:count]


def slowest_line(profile: dict[str, Any], count: int = 3) -> str:
    """One line naming the slowest steps, e.g. for the end of ``mkt run``.

    Examples
    --------
    >>> slowest_line({"steps": [{"kind": "section", "name": "clv", "seconds": 12.35,
    ...     "peak_mb": 901}, {"kind": "cell", "name": "x = 1", "seconds": 0.01, "peak_mb": None}]})
    'slowest: clv 12.35 s (peak 901 MB), x = 1 0.01 s'
    >>> slowest_line({})
    ''
    """
    parts = [
        f"{step['name']} {step['seconds']:.2f} s"
        + ("" if step["peak_mb"] is None else f" (peak {step['peak_mb']} MB)")
        for step in slowest(profile, count)
    ]
    return "slowest: " + ", ".join(parts) if parts else ""
