"""pytest: `make_png_fixtures.py` reproduces the committed golden/images/png/ byte for byte,
and its PNG writer and Pillow agree on what the fixtures hold."""
import filecmp
import os
import subprocess
import sys
from pathlib import Path

import make_png_fixtures

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "images" / "png"


def test_the_generator_reproduces_the_committed_files(tmp_path):
    import pytest
    if not os.path.isdir(make_png_fixtures.TESTDATA):
        pytest.skip("../shared/testdata is absent: the manifest's PngSuite lines cannot be regenerated")
    pytest.importorskip("transformers", reason="the generator converts to RGB with transformers' convert_to_rgb")
    subprocess.run([sys.executable, str(Path(make_png_fixtures.__file__)), "--out", str(tmp_path)], check=True)
    for sub in ["", "fixtures", "zlib"]:
        names = sorted(name for name in os.listdir(tmp_path / sub) if (tmp_path / sub / name).is_file())
        committed = sorted(name for name in os.listdir(GOLDEN / sub) if (GOLDEN / sub / name).is_file() and name != "README.md")
        assert names == committed
        match, mismatch, errors = filecmp.cmpfiles(tmp_path / sub, GOLDEN / sub, names, shallow=False)
        assert mismatch == [] and errors == [], (sub, mismatch, errors)


def test_filter_rows_inverts_with_every_filter_type():
    """The writer's filters, undone by the PNG specification's reconstruction, give the row back."""
    row, prior = bytes(range(0, 240, 7)), bytes(range(200, 0, -5))[:35]
    for kind in range(5):
        filtered = make_png_fixtures.filter_row(kind, row, prior, 3)[1:]
        out = bytearray()
        for i, x in enumerate(filtered):
            a = out[i - 3] if i >= 3 else 0
            b = prior[i]
            c = prior[i - 3] if i >= 3 else 0
            out.append((x + [0, a, b, (a + b) // 2, make_png_fixtures.paeth(a, b, c)][kind]) & 0xFF)
        assert bytes(out) == row, kind
