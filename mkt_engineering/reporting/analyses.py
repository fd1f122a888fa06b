"""Find the report notebooks and read what they declare: title, description, parameters.

An analysis is ``notebooks/reports/<name>.ipynb``. Its first markdown cell starts with
``# <Title>`` followed by a one-line description; its first code cell, tagged
``parameters``, declares the parameters (see `mkt_engineering.reporting.params`).
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from mkt_engineering.paths import NOTEBOOKS_DIR
from mkt_engineering.reporting.params import ParameterError, ParameterSpec, parse_parameters


def reports_dir() -> Path:
    """Folder of the report notebooks (``MKT_REPORT_NOTEBOOKS`` overrides it, for tests)."""
    return Path(os.environ.get("MKT_REPORT_NOTEBOOKS", NOTEBOOKS_DIR / "reports"))


@dataclass(frozen=True)
class Analysis:
    """One report notebook."""

    name: str
    path: Path

    @cached_property
    def _document(self) -> dict[str, Any]:
        # Plain JSON: nbformat's import costs seconds, too much for `mkt list`.
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
            raise ParameterError(
                f"{self.path.name} is not a notebook: it cannot be read as notebook JSON "
                f"({' '.join(str(exc).split())[:120]}); save it from Jupyter as .ipynb"
            ) from None
        if not isinstance(document, dict) or not isinstance(document.get("cells", []), list):
            raise ParameterError(
                f"{self.path.name} is not a notebook: its JSON has no list of cells; "
                "save it from Jupyter as .ipynb"
            )
        return document

    @cached_property
    def cells(self) -> list[dict[str, Any]]:
        cells = self._document.get("cells", [])
        for cell in cells:
            source = cell.get("source", "")
            cell["source"] = "".join(source) if isinstance(source, list) else source
        return cells

    def _first_markdown_lines(self, language: str = "en") -> list[str]:
        """The title cell: the first markdown cell, or the first tagged ``lang-<language>``
        (a German report's title and description are written in a cell tagged ``lang-de``)."""
        markdown = [c for c in self.cells if c.get("cell_type") == "markdown"]
        tagged = [
            c for c in markdown if f"lang-{language}" in c.get("metadata", {}).get("tags", [])
        ]
        own = next((c for c in tagged if c["source"].lstrip().startswith("# ")), None)
        cell = own or next(iter(markdown), None)
        return [line.strip() for line in cell["source"].splitlines()] if cell else []

    @property
    def title(self) -> str:
        return self.title_in("en")

    def title_in(self, language: str) -> str:
        """The report's title in `language` (the English one when no cell is tagged for it)."""
        lines = self._first_markdown_lines(language)
        heading = next((line for line in lines if line.startswith("#")), "")
        return heading.lstrip("#").strip() or self.name.replace("_", " ").capitalize()

    @property
    def description(self) -> str:
        return self.description_in("en")

    def description_in(self, language: str) -> str:
        """The one-paragraph description under the title, in `language` (see `title_in`)."""
        lines = self._first_markdown_lines(language)
        start = next((i for i, line in enumerate(lines) if line.startswith("#")), -1) + 1
        paragraph = []
        for line in lines[start:]:
            if not line and paragraph:
                break
            if line and not line.startswith("#"):
                paragraph.append(line)
        return " ".join(paragraph)

    @property
    def parameters_source(self) -> str:
        for cell in self.cells:
            if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
                "tags", []
            ):
                return cell["source"]
        return ""

    @cached_property
    def parameters(self) -> list[ParameterSpec]:
        return parse_parameters(self.parameters_source)

    def defaults(self) -> dict:
        return {spec.name: spec.default for spec in self.parameters}

    @property
    def required_inputs(self) -> list[list[str]]:
        """Which inputs a run needs: every input of at least one group (``--data`` names).

        Declared in the notebook's metadata (``"mkt": {"required_inputs": [["orders"]]}``);
        groups naming an input the notebook does not have are ignored. Empty: no rule.
        """
        declared = self._document.get("metadata", {}).get("mkt", {}).get("required_inputs", [])
        known = {spec.input_name for spec in self.parameters if spec.is_file}
        groups = [list(group) for group in declared if isinstance(group, list) and group]
        return [group for group in groups if set(group) <= known]


def list_analyses() -> list[Analysis]:
    """Every report notebook, sorted by name."""
    folder = reports_dir()
    paths = sorted(folder.glob("*.ipynb")) if folder.exists() else []
    return [Analysis(path.stem, path) for path in paths if not path.name.startswith(("_", "."))]


def find_analysis(name: str) -> Analysis:
    """An analysis by name, or a notebook path.

    Raises
    ------
    ParameterError
        Unknown name: lists the analyses that exist and the closest match.
    """
    candidate = Path(name)
    if candidate.suffix == ".ipynb" and candidate.exists():
        found = Analysis(candidate.stem, candidate.resolve())
        found.cells  # noqa: B018 - a file that is no notebook is refused here, in one line
        return found
    analyses = {analysis.name: analysis for analysis in list_analyses()}
    if name in analyses:
        return analyses[name]
    close = difflib.get_close_matches(name, list(analyses), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    available = ", ".join(analyses) or "(none yet)"
    raise ParameterError(f"unknown analysis '{name}'.{hint} Available: {available}")


def require_inputs(analysis: str, **files: str | None) -> None:
    """Refuse, in the notebook, a run without its required inputs (as `mkt run` does before).

    Opened in Jupyter, a report notebook has no input until one is set in its parameters
    cell; without this check the first loader would fail with a puzzling message.

    Parameters
    ----------
    analysis : str
        The report's name, e.g. ``"cohort_ltv"``.
    **files : str or None
        Each input by its ``--data`` name: ``orders=orders_file``.

    Raises
    ------
    ParameterError
        Naming what is missing, the ``--data`` option and the parameter to set.

    Examples
    --------
    >>> require_inputs("cohort_ltv", orders="orders.csv", spend=None)
    >>> require_inputs("cohort_ltv", orders="", spend=None)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    mkt_engineering.errors.ParameterError: cohort_ltv needs orders: give it with
    --data orders=FILE; in Jupyter, set its *_file parameter in the parameters cell
    """
    from mkt_engineering.reporting.params import missing_inputs_problem

    present = {name for name, value in files.items() if value}
    problem = missing_inputs_problem(analysis, find_analysis(analysis).required_inputs, present)
    if problem:
        raise ParameterError(
            f"{problem}; in Jupyter, set its *_file parameter in the parameters cell"
        )
