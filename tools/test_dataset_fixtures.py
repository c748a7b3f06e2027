"""pytest: the dataset fixture generator (tools/make_dataset_fixtures.py).

- A rerun reproduces golden/datasets/ byte for byte, with no file missing or extra.
- `tarfile` reads the base-256 archive as it reads the octal one it was made from.

Skipped without Pillow.
"""
import filecmp
import json
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_dataset_fixtures as generator  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "datasets"


def committed_files(root: Path) -> list:
    return sorted(path.name for path in root.iterdir() if path.is_file() and path.name != "README.md")


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["make_dataset_fixtures.py", "--out", str(tmp_path)])
    generator.main()
    names = committed_files(tmp_path)
    assert names == committed_files(GOLDEN)
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, GOLDEN, names, shallow=False)
    assert mismatch == [] and errors == [], (mismatch, errors)


def test_base256_sizes_read_as_the_octal_ones():
    expected = json.loads((GOLDEN / "expected.json").read_text())
    assert expected["base256.tar"] == expected["gnu.tar"]
    assert (GOLDEN / "base256.tar").read_bytes()[512 + 124] == 0x80
