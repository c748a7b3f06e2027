"""pytest: the GIF fixture generator (tools/make_gif_fixtures.py).

- A rerun reproduces golden/images/gif byte for byte.
- The crafted files decode through Pillow to the indices they were written from: the
  writer in the generator writes what it means to write, so the fixtures test what they
  claim.
"""
import io
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_gif_fixtures as fixtures  # noqa: E402
from semhitok_image_fixtures import assert_rerun_reproduces  # noqa: E402

GOLDEN = os.path.join(fixtures.ROOT, "golden", "images", "gif")


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    assert_rerun_reproduces(fixtures, GOLDEN, tmp_path, monkeypatch)


def test_lzw_writer_round_trips_through_pillow():
    for size, colours in ((2, 4), (4, 16), (8, 256), (11, 256)):
        pixels = fixtures.indices(40, 30, colours)
        for clear_after in (300, 4000, 10**6):
            block = fixtures.image_block(0, 0, 40, 30, pixels, size, clear_after=clear_after)
            data = fixtures.craft_gif((40, 30), [block], fixtures.colours(256), 8)
            image = Image.open(io.BytesIO(data))
            assert list(np.asarray(image).ravel()) == pixels


def test_interlaced_writer_round_trips_through_pillow():
    for height in range(1, 20):
        pixels = fixtures.indices(5, height, 16)
        data = fixtures.craft_gif((5, height), [fixtures.image_block(0, 0, 5, height, pixels, 4, interlaced=True)],
                                  fixtures.colours(16), 4)
        assert list(np.asarray(Image.open(io.BytesIO(data))).ravel()) == pixels
