"""Tests of the shipped default model (`Sources/SemHiTok/DefaultModel/demo.shw`) on the two
photographs held out from its training (`make_demo_model.py`), at full size:

- the Swift CLI (`.build/release/semhitok`, embedded model) and the PyTorch reference give
  the same tokens, and reconstructions within 1 of 255 per byte;
- the floor the README sets for the shipped model: PSNR at least 18 dB against the
  preprocessed input (scikit-image's `peak_signal_noise_ratio`; a random model gives about
  10), and forcing every pixel sub-code to 0 costs at least 1.5 dB on average.

Skipped without torch, transformers, timm, Pillow, ../shared/testdata or the Swift binary.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

for package in ("torch", "transformers", "timm", "PIL"):
    pytest.importorskip(package)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_demo_model import HELDOUT, source_folder  # noqa: E402
from semhitok_formats import TokenFile  # noqa: E402
from semhitok_reference import load_image, load_model, postprocess  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build" / "release" / "semhitok"
MODEL = ROOT / "Sources" / "SemHiTok" / "DefaultModel" / "demo.shw"
PHOTOS = [Path(source_folder(kind)) / name for name, kind in HELDOUT]


def _psnr(reference: np.ndarray, test: np.ndarray) -> float:
    from skimage.metrics import peak_signal_noise_ratio
    return peak_signal_noise_ratio(reference, test, data_range=255)


@pytest.fixture(scope="module")
def reference():
    import torch
    torch.set_num_threads(2)
    return load_model(MODEL)


@pytest.fixture(scope="module")
def photos():
    if not all(path.exists() for path in PHOTOS):
        pytest.skip("../shared/testdata is not there")
    return PHOTOS


def test_swift_gives_the_references_tokens_and_reconstructions(reference, photos, tmp_path):
    if not BINARY.exists():
        pytest.skip("the Swift binary .build/release/semhitok is not built")
    subprocess.run([str(BINARY), "encode", *map(str, photos), "-o", str(tmp_path / "t.sht")],
                   check=True, capture_output=True)
    subprocess.run([str(BINARY), "decode", str(tmp_path / "t.sht"), "-o", str(tmp_path / "out")],
                   check=True, capture_output=True)
    records = list(TokenFile(tmp_path / "t.sht"))
    for record, photo in zip(records, photos):
        expected = reference.run(load_image(photo))
        assert np.array_equal(np.asarray(record.tokens).reshape(-1), expected["expected.tokens"]), photo.name
        decoded = load_image(tmp_path / "out" / (photo.stem + ".png")).astype(int)
        assert np.abs(decoded - expected["expected.decoded_image"].astype(int)).max() <= 1, photo.name


def test_heldout_quality_and_the_pixel_codes_share(reference, photos):
    """Each photograph at least 18 dB; over the two, forcing j to 0 costs at least 1.5 dB."""
    losses = []
    for photo in photos:
        result = reference.run(load_image(photo))
        target = postprocess(result["expected.pixel_values_pix"])
        psnr = _psnr(target, result["expected.decoded_image"])
        m = reference.config["pixel.codebook_size"]
        ablated = _psnr(target, postprocess(reference.decode(result["expected.semantic_indices"] * m)))
        assert psnr >= 18.0, (photo.name, psnr)
        losses.append(psnr - ablated)
    assert np.mean(losses) >= 1.5, losses
