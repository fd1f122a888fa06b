"""Marketing Engineering Notebook Kit.

Four analyses a marketer can learn from and an analyst can run in batch:
multi-touch attribution, cohort lifetime value, A/B tests and nurture timing.
"""

from mkt_engineering.errors import DataValidationError

__version__ = "0.1.0"

__all__ = ["DataValidationError", "__version__"]
