"""pytest: the PPM and PGM fixture generator (tools/make_ppm_fixtures.py).

- A rerun reproduces golden/images/ppm/ byte for byte, with no file missing or extra.
  Skipped without Pillow.
- Every pixel of expected.shw against Spec/images.md section 3 by hand: round(v * T / maxval)
  with ties to even, computed exactly (T = 65535 and then clipped at 255 for PGM with
  maxval > 255, else 255), grey replicated to R, G and B.
"""
import filecmp
import os
import re
import sys
from fractions import Fraction
from pathlib import Path

import pytest

np = pytest.importorskip("numpy", reason="numpy is not installed")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import read_weights  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "images" / "ppm"


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    pytest.importorskip("PIL", reason="Pillow is not installed")
    import make_ppm_fixtures as generator

    monkeypatch.setattr(sys, "argv", ["make_ppm_fixtures.py", "--out", str(tmp_path)])
    generator.main()
    names = sorted(os.listdir(tmp_path))
    committed = sorted(n for n in os.listdir(GOLDEN) if n != "README.md")
    assert names == committed, {"missing": sorted(set(committed) - set(names)),
                                "extra": sorted(set(names) - set(committed))}
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, GOLDEN, names, shallow=False)
    assert mismatch == [] and errors == [], (mismatch, errors)


def test_expected_pixels_by_hand():
    _, expected = read_weights(GOLDEN / "expected.shw")
    for name, pixels in expected.items():
        data = (GOLDEN / name).read_bytes()
        header = re.match(rb"(P[56])\s+(?:#[^\n]*\n\s*)?(\d+)\s+(\d+)\s+(\d+)\s", data)
        magic, width, height, maxval = header[1], int(header[2]), int(header[3]), int(header[4])
        channels = 3 if magic == b"P6" else 1
        raster = np.frombuffer(data, ">u2" if maxval > 255 else np.uint8, width * height * channels, header.end())
        target = 65535 if magic == b"P5" and maxval > 255 else 255
        # round() of a Fraction rounds ties to even, exactly.
        values = [min(255, round(Fraction(int(v) * target, maxval))) for v in raster]
        hand = np.array(values, np.uint8).reshape(height, width, channels)
        assert np.array_equal(np.broadcast_to(hand, (height, width, 3)), pixels), name
