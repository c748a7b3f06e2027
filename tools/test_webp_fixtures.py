"""pytest: the WebP fixture generator (tools/make_webp_fixtures.py).

- A rerun reproduces golden/images/webp, its refused/ and alpha/ folders, byte for byte.
- The VP8L writer writes what it means to write: Pillow decodes its files to the pixels
  they were written from, so the crafted fixtures test what they claim.
"""
import filecmp
import io
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_webp_fixtures as fixtures  # noqa: E402
from semhitok_image_fixtures import assert_rerun_reproduces  # noqa: E402

GOLDEN = os.path.join(fixtures.ROOT, "golden", "images", "webp")


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    assert_rerun_reproduces(fixtures, GOLDEN, tmp_path, monkeypatch)
    names = sorted(os.listdir(tmp_path / "alpha"))
    assert names == sorted(os.listdir(os.path.join(GOLDEN, "alpha")))
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "alpha", os.path.join(GOLDEN, "alpha"), names, shallow=False)
    assert mismatch == [] and errors == []


def test_vp8l_writer_round_trips_through_pillow():
    content = fixtures.with_alpha(fixtures.gradient(19, 11))
    for options in ({}, {"cache_bits": 3}, {"copies": False}, {"use_map": False}):
        data = fixtures.simple_vp8l(content, **options)
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")), np.asarray(content))
    tiles = 5 * 3
    for transforms in ([("predictor", 2, [i % 14 for i in range(tiles)])], [("colour", 2, [0x10F020 + i for i in range(tiles)])],
                       [("green",)]):
        data = fixtures.transformed_vp8l(content, transforms)
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")), np.asarray(content))
