"""Writes golden/images/jpeg/cut/: JPEG files cut at or after the end of their last scan's
entropy-coded data, without their EOI marker, the RGB pixels Pillow gives for each it
decodes, and in refused/ the files Pillow raises on (Spec/jpeg.md section 4.7 item 5).

Sources: files written by Pillow (libjpeg-turbo) through make_jpeg_fixtures.py's helpers,
crops of the astronaut photograph from 11 x 24 to 65 x 40 as baseline 4:2:0, 4:4:4 with
optimized tables, greyscale, and 4:2:0 with a restart interval of one MCU, chosen so that
Pillow returns some and raises on others; two progressive files; and lossless files (SOF3,
written by make_jpeg_fixtures.py's `craft_lossless`, as Pillow cannot write them) of the
same crops: RGB with predictors 1, 2 and 5, greyscale, a point transform of 7, 4:2:0 with a
restart interval of one MCU row, mixed sampling, greyscale with a restart every two rows,
again chosen so that Pillow returns some and raises on others. Each is cut:
`noeoi` (the EOI marker removed), `cut1` and `cut2` (one and two more bytes removed), `ff`
(only the EOI's FF kept); three also `com` (a COM segment written after the scan, the file
cut inside it) and `comff` (cut after the COM marker's FF). Nothing is random: a rerun reproduces the
folder byte for byte.

Expected values as in make_jpeg_fixtures.py: Pillow's decode followed by convert("RGB"), in
`expected.shw`; a file is written to refused/ when Pillow raises instead.

Regenerate from the repository root (needs numpy, Pillow and ../shared/testdata):

    python3 tools/make_jpeg_cut_fixtures.py
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_jpeg_fixtures as jpeg  # noqa: E402
from semhitok_image_fixtures import pillow_refuses, write_fixture_folder  # noqa: E402

# (encoding, width, height): Pillow returns the image for the first eight cut without EOI,
# and raises for the last four; greyscale files over 512 bytes reach libjpeg-turbo's fast
# Huffman path.
SOURCES = [("grey", 11, 24), ("grey", 65, 40), ("grey", 62, 24), ("baseline420", 17, 40), ("baseline420", 41, 40),
           ("optimized444", 53, 24), ("restart", 23, 16), ("restart", 29, 8),
           ("baseline420", 16, 16), ("optimized444", 24, 16), ("grey", 33, 21), ("restart", 48, 32)]
# Lossless (encoding, width, height): Pillow returns the image for the first five cut
# without EOI, and raises for the last four.
LOSSLESS_SOURCES = [("lossless_p2", 11, 24), ("lossless_p5", 17, 9), ("lossless_grey", 11, 24), ("lossless_pt7", 17, 9),
                    ("lossless_420_restart", 23, 31), ("lossless_p1", 11, 24), ("lossless_420_restart", 11, 24),
                    ("lossless_mixed", 17, 9), ("lossless_grey_restart", 17, 9)]
# The sources that also get the cuts after a COM segment: a marker after the scan lets the
# last MCU complete where the cut alone does not.
COMMENTED = {"grey_11x24", "baseline420_16x16", "restart_48x32", "lossless_p1_11x24"}


def encode(encoding, image):
    """`image` written by Pillow as `encoding` names it."""
    if encoding == "grey":
        return jpeg.pillow_jpeg(image.convert("L"), quality=75)
    if encoding == "baseline420":
        return jpeg.pillow_jpeg(image, quality=75)
    if encoding == "optimized444":
        return jpeg.pillow_jpeg(image, quality=90, subsampling=0, optimize=True)
    return jpeg.pillow_jpeg(image, quality=75, restart_marker_blocks=1)


def encode_lossless(encoding, image):
    """`image` written by `craft_lossless` as `encoding` names it."""
    width = image.size[0]
    rgb = [(1, 1)] * 3
    if encoding == "lossless_grey":
        return jpeg.craft_lossless(image, [(1, 1)], jpeg.interleaved(1), 1, colour="grey")
    if encoding == "lossless_grey_restart":
        return jpeg.craft_lossless(image, [(1, 1)], jpeg.interleaved(1), 7, 1, restart_interval=2 * width, colour="grey")
    if encoding == "lossless_pt7":
        return jpeg.craft_lossless(image, rgb, jpeg.interleaved(3), 6, 7)
    if encoding == "lossless_420_restart":
        return jpeg.craft_lossless(image, [(2, 2), (1, 1), (1, 1)], jpeg.interleaved(3), 4, restart_interval=-(-width // 2))
    if encoding == "lossless_mixed":
        return jpeg.craft_lossless(image, [(2, 1), (1, 2), (1, 1)], jpeg.interleaved(3), 5)
    return jpeg.craft_lossless(image, rgb, jpeg.interleaved(3), int(encoding.removeprefix("lossless_p")))


def sources():
    """(label, bytes) of the uncut files."""
    found = [(f"{encoding}_{width}x{height}", encode(encoding, jpeg.photo(width, height)))
             for encoding, width, height in SOURCES]
    image = jpeg.photo(24, 16)
    found += [
        ("progressive420_24x16", jpeg.pillow_jpeg(image, quality=75, progressive=True)),
        ("progressivegrey_24x16", jpeg.pillow_jpeg(image.convert("L"), quality=75, progressive=True)),
    ]
    found += [(f"{encoding}_{width}x{height}", encode_lossless(encoding, jpeg.photo(width, height)))
              for encoding, width, height in LOSSLESS_SOURCES]
    return found


def cuts(data, commented):
    """(kind, bytes) of each cut of `data`, a file that ends with its EOI marker; the cuts
    after a COM segment only when `commented`."""
    assert data[-2:] == b"\xff\xd9"
    body = data[:-2]
    comment = b"\xff\xfe\x00\x10" + b"cut after scan"
    found = [("noeoi", body), ("cut1", body[:-1]), ("cut2", body[:-2]), ("ff", body + b"\xff")]
    if commented:
        found += [("com", body + comment[:9]), ("comff", body + comment[:1])]
    return found


def fixtures():
    """(accepted, refused): (name, bytes) of the cut files Pillow decodes and raises on."""
    accepted, refused = [], []
    for label, data in sources():
        for kind, cut in cuts(data, label in COMMENTED):
            name = f"{label}_{kind}.jpg"
            (refused if pillow_refuses(cut) else accepted).append((name, cut))
    return accepted, refused


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(jpeg.ROOT, "golden", "images", "jpeg", "cut"))
    out = parser.parse_args().out
    accepted, refused = fixtures()
    write_fixture_folder(out, accepted, refused,
                         "Pillow's RGB pixels (decode, convert RGB) of each JPEG in this folder, cut after its scan "
                         "without EOI, tensor named by file; refused/ holds the files Pillow raises on")


if __name__ == "__main__":
    main()
