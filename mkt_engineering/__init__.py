"""Marketing Engineering Notebook Kit.

Four analyses a marketer can learn from and an analyst can run in batch:
multi-touch attribution, cohort lifetime value, A/B tests and nurture timing.
"""

import sys

# jsonschema (under altair, nbformat and papermill) imports rfc3987_syntax when installed,
# which builds a grammar at import: 2-3 s in every kernel and command, for IRI format
# checks the kit never asks for. Marked absent, jsonschema simply skips those formats.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]

from mkt_engineering.errors import DataValidationError  # noqa: E402

__version__ = "0.1.0"

__all__ = ["DataValidationError", "__version__"]
