"""pytest: the JPEG fixture generator (tools/make_jpeg_fixtures.py).

- A rerun reproduces golden/images/jpeg byte for byte, and so do reruns of
  make_jpeg_damage_fixtures.py for golden/images/jpeg/damaged and make_jpeg_cut_fixtures.py
  for golden/images/jpeg/cut.
- The crafted DCT files decode through Pillow to images close to their source (four-component
  files to inks close to those written): the encoder in the generator writes what it means
  to write, so the fixtures test what they claim. Lossless files give back their source
  exactly, but for libjpeg's restart quirk (Spec/jpeg.md 4.5). Arithmetic files decode to
  the pixels of the Huffman files with the same coefficients.
- The encoder's optimal Huffman tables are complete prefix codes within 16 bits.

Skipped without ../shared/testdata, which the generator reads.
"""
import filecmp
import io
import os
import sys

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_jpeg_cut_fixtures as cut  # noqa: E402
import make_jpeg_damage_fixtures as damage  # noqa: E402
import make_jpeg_fixtures as fixtures  # noqa: E402
from semhitok_image_fixtures import assert_rerun_reproduces  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.isdir(fixtures.TESTDATA),
                                reason="../shared/testdata is absent (it exists on developer machines and in CI only)")

GOLDEN = os.path.join(fixtures.ROOT, "golden", "images", "jpeg")


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["make_jpeg_fixtures.py", "--out", str(tmp_path)])
    fixtures.main()
    names = sorted(os.listdir(tmp_path))
    # damaged/ and cut/ are make_jpeg_damage_fixtures.py's and make_jpeg_cut_fixtures.py's
    # (checked below).
    assert names == sorted(n for n in os.listdir(GOLDEN) if n != "README.md" and os.path.isfile(os.path.join(GOLDEN, n)))
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, GOLDEN, names, shallow=False)
    assert mismatch == [] and errors == []


def test_damage_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    assert_rerun_reproduces(damage, os.path.join(GOLDEN, "damaged"), tmp_path, monkeypatch)


def test_crafted_files_look_like_their_source():
    for name, data in fixtures.fixtures():
        # Lossless files are held to their exact source below.
        if not name.startswith("craft_") or name.startswith("craft_lossless"):
            continue
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if image.mode == "CMYK":
            # Pillow's inks must be those written, so the Adobe inversion and the YCCK
            # transform are what the file claims.
            inks = np.asarray(fixtures.inks(width, height), dtype=np.float64)
            assert np.abs(inks - np.asarray(image, dtype=np.float64)).mean() < 20, name
            continue
        decoded = np.asarray(image.convert("RGB"), dtype=np.float64)
        errors = []
        for content in (fixtures.photo, fixtures.noise):
            source = content(width, height)
            if image.mode == "L":
                source = source.convert("L")
            errors.append(np.abs(np.asarray(source.convert("RGB"), dtype=np.float64) - decoded).mean())
        assert min(errors) < 50, name


def test_lossless_files_hold_their_source_exactly():
    """Pillow gives back the samples the lossless encoder was given (shifted by the point
    transform), except where libjpeg restarts prediction at another row than T.81 (Spec/jpeg.md
    4.5): there the rows after a restart marker differ."""
    image = fixtures.photo(33, 17)
    source = np.asarray(image.convert("RGB"), dtype=np.int64)
    for predictor in range(1, 8):
        for point_transform in (0, 3):
            data = fixtures.craft_lossless(image, [(1, 1)] * 3, fixtures.interleaved(3), predictor, point_transform)
            decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int64)
            assert (decoded == (source >> point_transform) << point_transform).all(), (predictor, point_transform)
    grey = np.asarray(image.convert("L"), dtype=np.int64)
    data = fixtures.craft_lossless(image, [(1, 1)], fixtures.interleaved(1), 4, 7, colour="grey")
    assert (np.asarray(Image.open(io.BytesIO(data)), dtype=np.int64) == (grey >> 7) << 7).all()
    sampling = [(1, 2), (1, 1), (1, 1)]
    luma = fixtures.component_samples(image, sampling, "rgb")[0][2]
    for restart_interval, odd_rows_match in ((66, True), (33, False)):
        data = fixtures.craft_lossless(image, sampling, [{"components": [0]}, {"components": [1, 2]}], 1,
                                       restart_interval=restart_interval)
        red = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int64)[:, :, 0]
        assert (red[0::2] == luma[0::2]).all()
        assert (red[1::2] == luma[1::2]).all() == odd_rows_match


def test_arithmetic_files_hold_the_huffman_files_coefficients():
    """The arithmetic encoder codes the same coefficients as the Huffman one: Pillow decodes
    both to the same pixels, sequential and progressive, with restarts and conditioning."""
    image = fixtures.photo(33, 17)
    cases = [([(2, 2), (1, 1), (1, 1)], fixtures.interleaved(3), 0xC9, 0xC0, {}),
             ([(2, 1), (1, 1), (1, 1)], fixtures.interleaved(3), 0xC9, 0xC0,
              dict(restart_interval=3, conditioning={0: (2, 5, 2), 1: (0, 0, 40)})),
             ([(2, 2), (1, 1), (1, 1)], fixtures.script(fixtures.SUCCESSIVE), 0xCA, 0xC2, dict(restart_interval=2)),
             ([(1, 1), (1, 1), (1, 1)], fixtures.script(fixtures.SEPARATE_DC), 0xCA, 0xC2,
              dict(conditioning={0: (1, 4, 10), 1: (3, 3, 1)}))]
    for sampling, scans, arithmetic, huffman, options in cases:
        plain = {k: v for k, v in options.items() if k != "conditioning"}
        coded = fixtures.craft_jpeg(image, sampling, scans, sof=arithmetic, **options)
        reference = fixtures.craft_jpeg(image, sampling, scans, sof=huffman, **plain)
        assert (np.asarray(Image.open(io.BytesIO(coded)).convert("RGB"))
                == np.asarray(Image.open(io.BytesIO(reference)).convert("RGB"))).all(), (arithmetic, options)


def test_optimal_tables_are_complete_codes_within_16_bits():
    rng = np.random.default_rng(3)
    for size in (1, 2, 12, 162, 255):
        frequencies = {int(s): int(rng.integers(1, 10_000)) for s in rng.choice(256, size, replace=False)}
        counts, symbols = fixtures.optimal_table(frequencies)
        assert sorted(symbols) == sorted(frequencies)
        assert len(counts) == 16 and sum(counts) == size
        # Kraft sum below 1: the all-ones code stays free, as T.81 requires.
        assert sum(c * 2.0 ** -(i + 1) for i, c in enumerate(counts)) < 1


def test_cut_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    assert_rerun_reproduces(cut, os.path.join(GOLDEN, "cut"), tmp_path, monkeypatch)
