"""nbval runs the lesson notebooks as they are; the report notebooks are left to the tests.

Report notebooks read only the files they are given (their inputs default to nothing), so
run as they are they would only say what is missing. tests/reporting/test_report_sections.py
runs each of them through `mkt`'s runner instead: once on the demo inputs, every section
shown, and once on user-shaped inputs with the optional ones left out.
"""

collect_ignore_glob = ["reports/*.ipynb"]
