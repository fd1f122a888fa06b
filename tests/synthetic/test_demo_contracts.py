"""Every demo dataset family: deterministic per seed, byte-identical files, and every table
that is a contract loads through read_table without error (no rows lost)."""

from __future__ import annotations

import filecmp

import pytest

from mkt_engineering.io import load_table
from mkt_engineering.paths import DATASETS_DIR
from mkt_engineering.synthetic.base import FAMILIES, available_families, generator, write_family

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
    """The committed demo data is reproducible: `mkt datasets generate` rewrites the same bytes."""
    _require(family)
    written = write_family(generator(family)(), tmp_path)  # default seed and scale, as committed
    for path in written:
        committed = DATASETS_DIR / family / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{family}/{path.name}: run `mkt datasets generate --family {family}`"
        )
    assert sum(p.stat().st_size for p in written) < 1.5e6, f"{family}: demo files must stay small"
