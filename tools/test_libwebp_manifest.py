"""tools/make_libwebp_manifest.py: its lines for a lossless WebP of known pixels and for a
file Pillow refuses, and that the committed manifest is what it writes for the corpus
(when SEMHITOK_LIBWEBP_TEST_DATA names a clone of libwebp-test-data)."""
import hashlib
import io
import os

import numpy as np
import pytest
from PIL import Image

from make_libwebp_manifest import manifest, manifest_line
from semhitok_image_fixtures import ROOT


def test_a_lossless_file_gives_its_pixels_size_and_digest():
    pixels = np.random.default_rng(7).integers(0, 256, (5, 9, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "WEBP", lossless=True)
    data = out.getvalue()
    expected = ["a.webp", hashlib.sha256(data).hexdigest(), "9", "5", hashlib.sha256(pixels.tobytes()).hexdigest()]
    assert manifest_line("a.webp", data) == "\t".join(expected) + "\n"


def test_a_file_pillow_refuses_is_marked_refused():
    data = b"RIFF\x04\x00\x00\x00WEBP"
    assert manifest_line("b.webp", data).endswith("\trefused\n")


@pytest.mark.skipif("SEMHITOK_LIBWEBP_TEST_DATA" not in os.environ, reason="SEMHITOK_LIBWEBP_TEST_DATA is not set")
def test_the_committed_manifest_is_the_corpus_manifest():
    with open(os.path.join(ROOT, "golden", "images", "libwebp", "expected.tsv")) as handle:
        assert handle.read() == manifest(os.environ["SEMHITOK_LIBWEBP_TEST_DATA"])
