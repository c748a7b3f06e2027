"""Writes golden/images/libwebp/expected.tsv: Pillow's RGB pixels, by size and
SHA-256, of every WebP file of libwebp's own test corpus (the webm project's
libwebp-test-data repository), which is not ours to commit.

    git clone https://chromium.googlesource.com/webm/libwebp-test-data /some/where
    python3 tools/make_libwebp_manifest.py /some/where

One line per file, sorted by name: the name, the SHA-256 of the file (so that a test can
tell another version of the corpus from a decoding error), then Pillow's width, height and
the SHA-256 of its RGB bytes as `pillow_rgb` gives them (alpha composited over white), or
`refused` where Pillow raises. WebPConformanceTests checks the Swift decoder against it when
SEMHITOK_LIBWEBP_TEST_DATA names a clone of the corpus.
"""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_image_fixtures import ROOT, pillow_rgb  # noqa: E402

HEADER = "# name\tfile sha256\twidth\theight\tRGB sha256 (Pillow), or refused\n"


def manifest_line(name, data):
    """The manifest's line for the file `name` with bytes `data`."""
    fields = [name, hashlib.sha256(data).hexdigest()]
    try:
        pixels = pillow_rgb(data)
        fields += [str(pixels.shape[1]), str(pixels.shape[0]), hashlib.sha256(pixels.tobytes()).hexdigest()]
    except Exception:  # any Pillow exception is a refusal
        fields.append("refused")
    return "\t".join(fields) + "\n"


def manifest(corpus):
    """The manifest's text for the `.webp` files of the folder `corpus`."""
    lines = [HEADER]
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".webp"):
            with open(os.path.join(corpus, name), "rb") as handle:
                lines.append(manifest_line(name, handle.read()))
    return "".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="a clone of libwebp-test-data")
    parser.add_argument("--out", default=os.path.join(ROOT, "golden", "images", "libwebp", "expected.tsv"))
    arguments = parser.parse_args()
    text = manifest(arguments.corpus)
    with open(arguments.out, "w") as handle:
        handle.write(text)
    print(f"{arguments.out}: {text.count(chr(10)) - 1} files")


if __name__ == "__main__":
    main()
