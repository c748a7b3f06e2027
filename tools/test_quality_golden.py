"""The quality generator reproduces golden/quality/ byte for byte (skipped without scikit-image)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden" / "quality"


def test_generator_reproduces_the_committed_files(tmp_path):
    pytest.importorskip("skimage")
    pytest.importorskip("PIL")
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_quality_golden.py"), "--out", str(tmp_path)], check=True)
    committed = sorted(p.name for p in GOLDEN.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (GOLDEN / name).read_bytes(), name
