"""pytest: the BMP fixture generator (tools/make_bmp_fixtures.py).

- A rerun reproduces golden/images/bmp byte for byte.
- The writer in the generator writes what it means to write: uncompressed files decode
  through Pillow to the pixel values they were written from, at every bit depth and row
  order, so the fixtures test what they claim.
"""
import io
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bmp_fixtures as fixtures  # noqa: E402
from semhitok_image_fixtures import assert_rerun_reproduces  # noqa: E402

GOLDEN = os.path.join(fixtures.ROOT, "golden", "images", "bmp")


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    assert_rerun_reproduces(fixtures, GOLDEN, tmp_path, monkeypatch)


def test_palette_files_hold_the_indices_written():
    palette = fixtures.colours(256)
    for bits in (1, 4, 8):
        for top_down in (False, True):
            rows = fixtures.values(11, 5, 1 << bits)
            data = fixtures.craft_bmp(11, 5, bits, fixtures.pack_rows(rows if top_down else fixtures.bottom_up(rows), bits),
                                      palette=palette[:1 << bits], top_down=top_down)
            assert np.asarray(Image.open(io.BytesIO(data))).tolist() == rows


def test_24bit_files_hold_the_colours_written():
    rows = fixtures.values(7, 3, 1 << 24)
    image = Image.open(io.BytesIO(fixtures.craft_bmp(7, 3, 24, fixtures.pack_rows(fixtures.bottom_up(rows), 24))))
    expected = [[[v >> 16, v >> 8 & 0xFF, v & 0xFF] for v in row] for row in rows]
    assert np.asarray(image).tolist() == expected
