"""Every demo dataset family: deterministic per seed, byte-identical files, and every table
that is a contract loads through read_table without error (no rows lost)."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys

import pytest

from mkt_engineering.io import load_table
from mkt_engineering.paths import DATASETS_DIR
from mkt_engineering.synthetic.base import (
    FAMILIES,
    TRUTH_DIGITS,
    available_families,
    generator,
    write_family,
)

SMALL = 0.1


def _require(family: str) -> None:
    if family not in available_families():
        pytest.skip(f"generator module of {family} not written yet")


@pytest.fixture(scope="module")
def generated():
    """Each available family generated twice with the same seed at a small scale."""
    return {
        family: (generator(family)(seed=7, scale=SMALL), generator(family)(seed=7, scale=SMALL))
        for family in available_families()
    }


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_same_seed_same_frames(family, generated):
    _require(family)
    first, second = generated[family]
    assert first.tables.keys() == second.tables.keys()
    for stem in first.tables:
        assert first.tables[stem].equals(second.tables[stem]), stem
    assert first.truth == second.truth


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_same_seed_byte_identical_files(family, generated, tmp_path):
    _require(family)
    first, second = generated[family]
    written_a = write_family(first, tmp_path / "a")
    written_b = write_family(second, tmp_path / "b")
    assert [p.name for p in written_a] == [p.name for p in written_b]
    for a, b in zip(written_a, written_b, strict=True):
        assert filecmp.cmp(a, b, shallow=False), a.name


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_written_tables_pass_their_contract(family, generated, tmp_path):
    _require(family)
    data = generated[family][0]
    write_family(data, tmp_path)
    checked = 0
    for stem, frame in data.tables.items():
        contract = data.contract_of(stem)
        if contract is None:
            continue
        result = load_table(tmp_path / data.family / f"{stem}.csv", contract)
        assert result.frame.height == frame.height, f"{stem}: rows lost"
        assert result.quality.count("rows without consent removed") == 0
        assert not result.quality.pii_found, f"{stem}: personal data in demo data"
        checked += 1
    assert checked, f"{family} has no table named after a contract"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_committed_demo_files_pass_their_contract(family):
    _require(family)
    folder = DATASETS_DIR / family
    if not folder.exists():
        pytest.skip(f"datasets/{family} not generated yet")
    data = generator(family)(seed=42, scale=SMALL)  # only for the stem -> contract mapping
    checked = 0
    for path in sorted(folder.glob("*.csv")):
        contract = data.contract_of(path.stem)
        if contract is None:
            continue
        result = load_table(path, contract)
        assert result.quality.rows == result.quality.rows_read, f"{path.name}: rows removed"
        checked += 1
    assert checked, f"datasets/{family} holds no contract table"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_committed_demo_files_are_what_the_generator_writes(family, tmp_path):
    """The committed demo data is reproducible: `mkt datasets generate` rewrites the same bytes.

    Data files must be byte-identical. ``truth.json`` holds values solved through BLAS/LAPACK
    whose last digits depend on the CPU kernel, so it is compared as numbers (relative
    tolerance 1e-9, far above that noise and far below any meaningful change); its exact
    digits are pinned by `test_truth_floats_have_the_stated_precision`.
    """
    _require(family)
    written = write_family(generator(family)(), tmp_path)  # default seed and scale, as committed
    fix = f"run `mkt datasets generate --family {family}`"
    for path in written:
        committed = DATASETS_DIR / family / path.name
        if path.name == "truth.json":
            _assert_same_numbers(
                json.loads(committed.read_text(encoding="utf-8")),
                json.loads(path.read_text(encoding="utf-8")),
                f"{family}/truth.json ({fix})",
            )
        else:
            assert committed.read_bytes() == path.read_bytes(), f"{family}/{path.name}: {fix}"
    assert sum(p.stat().st_size for p in written) < 1.5e6, f"{family}: demo files must stay small"


def _assert_same_numbers(expected, actual, where: str) -> None:
    """Same structure and text; floats equal to a relative 1e-9."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and expected.keys() == actual.keys(), where
        for key in expected:
            _assert_same_numbers(expected[key], actual[key], f"{where}: {key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(expected) == len(actual), where
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            _assert_same_numbers(a, b, f"{where}[{index}]")
    elif isinstance(expected, float) or isinstance(actual, float):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-12), where
    else:
        assert expected == actual, where


def _floats(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _floats(item)
    elif isinstance(value, list):
        for item in value:
            yield from _floats(item)
    elif isinstance(value, float):
        yield value


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_truth_floats_have_the_stated_precision(family):
    """Committed truth floats carry at most TRUTH_DIGITS significant digits (the 17-digit
    solved values differed between CPU kernels: ...615025 on Haswell, ...615023 on SkylakeX)."""
    _require(family)
    path = DATASETS_DIR / family / "truth.json"
    if not path.exists():
        pytest.skip(f"datasets/{family} not generated yet")
    text = path.read_text(encoding="utf-8")
    too_long = [x for x in _floats(json.loads(text)) if x != float(f"{x:.{TRUTH_DIGITS}g}")]
    assert not too_long, f"{family}/truth.json: floats beyond {TRUTH_DIGITS} digits: {too_long[:3]}"


def test_truth_json_is_the_same_under_other_blas_kernels(tmp_path):
    """The solved Markov truth is written byte-identically whichever OpenBLAS kernel runs.

    Haswell, Sandybridge and Prescott kernels gave different 17th digits from SkylakeX
    before the truth was rounded; a subprocess per kernel, as OpenBLAS reads the variable at
    load time.
    """
    script = (
        "import sys; from pathlib import Path;"
        "from mkt_engineering.synthetic.base import generator, write_family;"
        "write_family(generator('journeys_markov')(), Path(sys.argv[1]))"
    )
    texts = set()
    # the two kernels whose unrounded floats differ (Sandybridge and Prescott agree with
    # Haswell); each subprocess costs seconds, so only these two are run here
    for kernel in ("Haswell", "SkylakeX"):
        out = tmp_path / kernel
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        subprocess.run([sys.executable, "-c", script, str(out)], env=env, check=True)
        texts.add((out / "journeys_markov" / "truth.json").read_text(encoding="utf-8"))
    assert len(texts) == 1
