"""Marketing Engineering Notebook Kit.

Four analyses a marketer can learn from and an analyst can run in batch:
multi-touch attribution, cohort lifetime value, A/B tests and nurture timing.
"""

import sys


class _SkipJsonschemaIriGrammar:
    """Import finder that hides ``rfc3987_syntax`` from ``jsonschema._format`` only.

    jsonschema (under altair, nbformat and papermill) imports ``rfc3987_syntax`` when it is
    installed (jupyter-events asks for ``jsonschema[format-nongpl]``), and that module builds
    a Lark grammar at import: 2-7 s in every kernel and command, for IRI format checks the
    kit never asks for. Told the module is absent, jsonschema skips those two formats
    (``iri``, ``iri-reference``), as it does wherever the package is not installed.

    Earlier the kit set ``sys.modules["rfc3987_syntax"] = None``, which broke the module for
    everyone in the process. This finder answers only the import made by jsonschema's format
    module; any other importer (a user's code, jupyter-events) gets the real package.
    """

    name = "rfc3987_syntax"

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):  # noqa: ARG003 - finder protocol
        """Refuse the import when jsonschema's format module asks; else defer (None)."""
        if fullname != cls.name:
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith("importlib"):
            frame = frame.f_back  # the import machinery's own frames
        if frame is not None and frame.f_globals.get("__name__") == "jsonschema._format":
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


if "jsonschema._format" not in sys.modules and _SkipJsonschemaIriGrammar not in sys.meta_path:
    sys.meta_path.insert(0, _SkipJsonschemaIriGrammar)  # type: ignore[arg-type]

from mkt_engineering.errors import DataValidationError  # noqa: E402

__version__ = "0.1.0"

__all__ = ["DataValidationError", "__version__"]
