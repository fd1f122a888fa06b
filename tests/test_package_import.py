"""Importing the kit skips jsonschema's IRI grammar, and nothing else.

``rfc3987_syntax`` builds a grammar at import (seconds per kernel); jsonschema imports it
only for IRI format checks the kit never asks for. The kit hides it from jsonschema alone:
other code in the process can still import it.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib.util, sys
import mkt_engineering
import jsonschema._format as formats
print('grammar built:', 'rfc3987_syntax' in sys.modules)
print('iri checked:', 'iri' in formats.draft7_format_checker.checkers)
print('uri checked:', 'uri' in formats.draft7_format_checker.checkers)
print('others can import it:', importlib.util.find_spec('rfc3987_syntax') is not None)
"""


def test_jsonschema_skips_the_iri_grammar_and_only_jsonschema(tmp_path):
    # a fresh interpreter: this one may have imported jsonschema before the kit
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert result.stdout.splitlines() == [
        "grammar built: False",
        "iri checked: False",
        "uri checked: True",
        "others can import it: True",
    ], result.stderr
