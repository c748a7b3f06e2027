"""Writes golden/images/ppm/: small binary PGM (P5) and PPM (P6) files covering every
maximum-value regime, and the RGB pixels Pillow gives for each after the SigLIP
processor's conversion to RGB (transformers' `convert_to_rgb`), in `expected.shw`.

Regenerate from the repository root:

    python3 tools/make_ppm_fixtures.py

Needs numpy and Pillow. The output is deterministic.
"""
import argparse
import io
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import write_weights  # noqa: E402


def netpbm(magic: str, width: int, height: int, maxval: int, samples: np.ndarray, comment: bool) -> bytes:
    """A binary Netpbm file; samples are big-endian 16-bit when maxval > 255."""
    header = f"{magic}\n" + ("# written by make_ppm_fixtures.py\n" if comment else "") + f"{width} {height}\n{maxval}\n"
    data = samples.astype(">u2").tobytes() if maxval > 255 else samples.astype(np.uint8).tobytes()
    return header.encode() + data


def pillow_rgb(data: bytes) -> np.ndarray:
    """Pillow's decode followed by transformers' convert_to_rgb (RGBA over white, then RGB)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode != "RGB":
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255)), rgba).convert("RGB")
    return np.asarray(image, dtype=np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "golden", "images", "ppm"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0x50504D)
    expected = {}
    for magic, maxval in [("P6", 255), ("P5", 255), ("P6", 15), ("P5", 100), ("P6", 200), ("P5", 1),
                          ("P6", 1000), ("P5", 1000), ("P6", 65535), ("P5", 65535), ("P5", 300)]:
        channels = 3 if magic == "P6" else 1
        width, height = 7, 5
        samples = rng.integers(0, maxval + 1, (height, width, channels))
        # Every value at the ends of the range, and the exact halves where rounding ties.
        samples.flat[:4] = [0, maxval, maxval // 2, (maxval + 1) // 2]
        name = f"{'ppm' if magic == 'P6' else 'pgm'}_max{maxval}.{'ppm' if magic == 'P6' else 'pgm'}"
        data = netpbm(magic, width, height, maxval, samples, comment=maxval == 255)
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(data)
        expected[name] = pillow_rgb(data)
    write_weights(os.path.join(out, "expected.shw"),
                  {"case.description": "Pillow's RGB pixels for each file in this folder, tensor named by file"},
                  expected)


if __name__ == "__main__":
    main()
