"""Writes golden/images/photo/chelsea.jpg: the README's example photograph.

A 300 x 200 copy of `chelsea.png` (Stefan van der Walt, CC0; ../shared/testdata/images),
resized with Pillow's bicubic filter and saved as a baseline 4:2:0 JPEG at quality 90, so
that the README's main command has a real photograph on a fresh clone.

    python3 tools/make_example_photo.py [--out DIR]

Needs Pillow and ../shared/testdata. The output is deterministic for a given Pillow
(libjpeg-turbo) version.
"""
import argparse
import os

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "..", "shared", "testdata", "images", "chelsea.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "golden", "images", "photo"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    image = Image.open(SOURCE).convert("RGB").resize((300, 200), Image.BICUBIC)
    image.save(os.path.join(args.out, "chelsea.jpg"), quality=90, subsampling="4:2:0", optimize=False)


if __name__ == "__main__":
    main()
