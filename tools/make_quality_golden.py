"""Writes golden/quality/: image pairs and their PSNR and SSIM as scikit-image computes them.

The pairs are the README's example photograph resized with Pillow, against itself with
deterministic changes (noise from a seeded NumPy generator, a blur, a shift), at a few sizes
down to SSIM's 11 x 11 window; `expected.json` gives, for each pair,
`skimage.metrics.peak_signal_noise_ratio(data_range=255)` and
`skimage.metrics.structural_similarity(channel_axis=2, gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=255)`: the definitions of Spec/quality.md section 1.

Usage: python3 tools/make_quality_golden.py [--out golden/quality]   (needs numpy, Pillow,
scikit-image)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT / "golden" / "images" / "photo" / "chelsea.jpg"


def pairs() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each pair's name, reference and changed image (uint8, H x W x 3)."""
    rng = np.random.default_rng(20261202)
    photo = Image.open(PHOTO).convert("RGB")
    result = {}
    for width, height in [(64, 64), (37, 23), (11, 11)]:
        reference = photo.resize((width, height), Image.BICUBIC)
        array = np.asarray(reference, dtype=np.uint8)
        noise = rng.normal(0, 12, array.shape)
        result[f"noise_{width}x{height}"] = (array, np.clip(np.rint(array + noise), 0, 255).astype(np.uint8))
        result[f"blur_{width}x{height}"] = (array, np.asarray(reference.filter(ImageFilter.GaussianBlur(1.2)), dtype=np.uint8))
    array = np.asarray(photo.resize((48, 32), Image.BICUBIC), dtype=np.uint8)
    result["shift_48x32"] = (array, np.roll(array, 2, axis=1))
    result["same_48x32"] = (array, array.copy())
    return result


def main() -> None:
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "golden" / "quality")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (reference, changed) in pairs().items():
        Image.fromarray(reference).save(out / f"{name}_reference.png", optimize=False, compress_level=9)
        Image.fromarray(changed).save(out / f"{name}_changed.png", optimize=False, compress_level=9)
        identical = np.array_equal(reference, changed)
        expected[name] = {
            "psnr": None if identical else float(peak_signal_noise_ratio(reference, changed, data_range=255)),
            "ssim": float(structural_similarity(reference, changed, channel_axis=2, gaussian_weights=True, sigma=1.5,
                                                use_sample_covariance=False, data_range=255)),
        }
    (out / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
