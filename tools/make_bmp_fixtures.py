"""Writes golden/images/bmp/: small BMP files covering what Spec/bmp.md decodes, the RGB
pixels Pillow gives for each, and files Pillow refuses.

A few files are written by Pillow (bilevel, grey, palette, RGB and RGBA images at sizes
that need row padding). The rest are written by the small BMP writer in this file
(`craft_bmp`), for what Pillow cannot write: every info header size Pillow reads (12, 40,
52, 56, 64, 108 and 124 bytes), 1, 4 and 8 bits with short, long and grey palettes and
palettes past the end of the file, 16 bits
(5-5-5 by default, 5-6-5 and 5-5-5 bit fields), 24 bits, 32 bits without and with every
bit-field layout Pillow knows (alpha among them), top-down rows, BI_RLE8 and BI_RLE4 with
end-of-line, delta and absolute runs (odd lengths, crossing rows, at odd file offsets),
runs longer than the row, a pixel data offset of 0, and data missing only the last row's
padding.

Expected values: for every file, Pillow's `Image.open` followed by the conversion the
SigLIP processor makes (`transformers.image_transforms.convert_to_rgb`: an image with an
alpha band becomes RGBA composited over opaque white, then RGB; others are converted to
RGB), stored in `expected.shw` (a weight container, `Spec/weights.md`) as a u8 tensor
[H, W, 3] named after the file. The files under `refused/` are ones Pillow raises an error
for; the script checks that it does.

Regenerate from the repository root (needs numpy and Pillow):

    python3 tools/make_bmp_fixtures.py

The output is deterministic: a rerun reproduces the committed bytes.
"""
import argparse
import io
import os
import struct
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_image_fixtures import ROOT, colours, gradient, write_fixture_folder  # noqa: E402

# ---------------------------------------------------------------------------------------
# Content


def values(width, height, top, seed=1):
    """Rows (first row first) of integers below `top`: a ramp, then noise, in turn."""
    rng = np.random.default_rng(seed + 7 * width + 13 * height)
    rows = []
    for y in range(height):
        if y % 2 == 0:
            rows.append([(x * 7 + y * 3) % top for x in range(width)])
        else:
            rows.append([int(v) for v in rng.integers(0, top, width)])
    return rows


# ---------------------------------------------------------------------------------------
# A small BMP writer for what Pillow cannot write


def pack_rows(rows, bits):
    """Rows of pixel values packed at `bits` per pixel (most significant bits first below
    8 bits, little-endian above), each padded to a multiple of 4 bytes."""
    out = bytearray()
    for row in rows:
        if bits >= 8:
            data = b"".join(int(v).to_bytes(bits // 8, "little") for v in row)
        else:
            accumulated, count, data = 0, 0, bytearray()
            for v in row:
                accumulated, count = accumulated << bits | v, count + bits
                if count == 8:
                    data.append(accumulated)
                    accumulated, count = 0, 0
            if count:
                data.append(accumulated << (8 - count))
        out += data + b"\x00" * (-len(data) % 4)
    return bytes(out)


def craft_bmp(width, height, bits, data, header=40, compression=0, palette=None, colour_count=None, masks=None,
              offset=None, top_down=False, gap=b""):
    """A BMP file: file header, info header of `header` bytes, masks after a 40-byte
    header, palette, `gap`, `data`. `colour_count` overrides the palette's length in the
    header; `offset` the pixel data offset."""
    if header == 12:
        info = struct.pack("<IHHHH", 12, width, height, 1, bits)
        entry = 3
    else:
        count = len(palette) if palette is not None and colour_count is None else (colour_count or 0)
        info = struct.pack("<IiiHHIIiiII", header, width, -height if top_down else height, 1, bits, compression,
                           len(data), 2835, 2835, count, 0)
        if header >= 52 and masks is not None:
            info += struct.pack("<III", *masks[:3]) + (struct.pack("<I", masks[3]) if header >= 56 else b"")
        info += b"\x00" * (header - len(info))
        entry = 4
    after_header = struct.pack("<III", *masks[:3]) if header == 40 and masks is not None else b""
    table = b"".join(bytes([b, g, r]) + b"\x00" * (entry - 3) for r, g, b in palette or [])
    body = info + after_header + table + gap
    if offset is None:
        offset = 14 + len(body)
    return b"BM" + struct.pack("<IHHI", 14 + len(body) + len(data), 0, 0, offset) + body + data


def bottom_up(rows):
    return list(reversed(rows))


# ---------------------------------------------------------------------------------------
# The fixtures


def pillow_bmp(image):
    buffer = io.BytesIO()
    image.save(buffer, "BMP")
    return buffer.getvalue()


def pillow_fixtures():
    files = []
    for width, height in ((1, 1), (5, 3), (37, 23)):
        image = gradient(width, height)
        files.append((f"pillow_rgb_{width}x{height}.bmp", pillow_bmp(image)))
        files.append((f"pillow_grey_{width}x{height}.bmp", pillow_bmp(image.convert("L"))))
        files.append((f"pillow_bilevel_{width}x{height}.bmp", pillow_bmp(image.convert("1"))))
        files.append((f"pillow_palette_{width}x{height}.bmp", pillow_bmp(image.quantize(colors=16))))
        rgba = image.copy()
        rgba.putalpha(Image.fromarray(np.asarray(image.convert("L"))[::-1].copy()))
        files.append((f"pillow_rgba_{width}x{height}.bmp", pillow_bmp(rgba)))
    return files


def crafted_fixtures():
    files = []
    w, h = 13, 7
    pal16 = colours(16)
    pal256 = colours(256)
    pal2 = colours(2)
    for header in (12, 40, 52, 56, 64, 108, 124):
        for bits, palette in ((1, pal2), (4, pal16), (8, pal256), (24, None)):
            top = 1 << bits if bits <= 8 else 1 << 24
            rows = values(w, h, top, seed=header + bits)
            files.append((f"craft_header{header}_{bits}bit.bmp",
                          craft_bmp(w, h, bits, pack_rows(rows, bits), header=header, palette=palette)))
    for bits in (16, 32):
        rows = values(w, h, 1 << bits if bits == 16 else 1 << 32, seed=bits)
        files.append((f"craft_{bits}bit_rgb.bmp", craft_bmp(w, h, bits, pack_rows(rows, bits))))
        files.append((f"craft_{bits}bit_rgb_top_down.bmp", craft_bmp(w, h, bits, pack_rows(rows, bits), top_down=True)))
    # Every 5-bit value in each channel, with and without the unused top bit.
    every555 = [[high | v << 10 | (31 - v) << 5 | (v * 7 % 32) for v in range(32)] for high in (0, 0x8000)]
    files.append(("craft_16bit_every_channel_value.bmp", craft_bmp(32, 2, 16, pack_rows(every555, 16))))
    every565 = [[(v % 32) << 11 | v << 5 | (31 - v % 32) for v in range(64)]]
    files.append(("craft_16bit_565_every_channel_value.bmp", craft_bmp(64, 1, 16, pack_rows(every565, 16), compression=3,
                                                                       masks=(0xF800, 0x7E0, 0x1F))))
    rows16 = values(w, h, 1 << 16, seed=5)
    files.append(("craft_16bit_555_bitfields_v4.bmp", craft_bmp(w, h, 16, pack_rows(rows16, 16), header=108, compression=3,
                                                                masks=(0x7C00, 0x3E0, 0x1F, 0))))
    files.append(("craft_24bit_bitfields.bmp", craft_bmp(w, h, 24, pack_rows(values(w, h, 1 << 24), 24), compression=3,
                                                         masks=(0xFF0000, 0xFF00, 0xFF))))
    rows32 = values(w, h, 1 << 32, seed=6)
    layouts = {
        "bgrx": (0xFF0000, 0xFF00, 0xFF, 0), "xbgr": (0xFF000000, 0xFF0000, 0xFF00, 0),
        "bgxr": (0xFF000000, 0xFF00, 0xFF, 0), "abgr": (0xFF000000, 0xFF0000, 0xFF00, 0xFF),
        "rgba": (0xFF, 0xFF00, 0xFF0000, 0xFF000000), "bgra": (0xFF0000, 0xFF00, 0xFF, 0xFF000000),
        "bgar": (0xFF000000, 0xFF00, 0xFF, 0xFF0000), "zero": (0, 0, 0, 0),
    }
    for name, masks in layouts.items():
        files.append((f"craft_32bit_bitfields_{name}_v5.bmp",
                      craft_bmp(w, h, 32, pack_rows(rows32, 32), header=124, compression=3, masks=masks)))
    files.append(("craft_32bit_bitfields_40.bmp", craft_bmp(w, h, 32, pack_rows(rows32, 32), compression=3,
                                                            masks=(0xFF0000, 0xFF00, 0xFF))))
    files.append(("craft_32bit_bitfields_zero_40.bmp", craft_bmp(w, h, 32, pack_rows(rows32, 32), compression=3,
                                                                 masks=(0, 0, 0))))
    files.append(("craft_32bit_bitfields_alpha_56.bmp", craft_bmp(w, h, 32, pack_rows(rows32, 32), header=56, compression=3,
                                                                  masks=(0xFF0000, 0xFF00, 0xFF, 0xFF000000))))
    files.append(("craft_32bit_v5_alpha_mask_uncompressed.bmp",
                  craft_bmp(w, h, 32, pack_rows(rows32, 32), header=124, masks=(0xFF0000, 0xFF00, 0xFF, 0xFF000000))))
    every_alpha = [[(a << 24) | (v << 16) | ((255 - v) << 8) | (v ^ a) for v in range(3, 256, 9)] for a in range(256)]
    files.append(("craft_32bit_every_alpha.bmp", craft_bmp(29, 256, 32, pack_rows(every_alpha, 32), header=124,
                                                           compression=3, masks=(0xFF0000, 0xFF00, 0xFF, 0xFF000000))))
    rows8 = values(w, h, 256, seed=8)
    files.append(("craft_8bit_top_down.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=pal256, top_down=True)))
    files.append(("craft_8bit_short_palette.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=colours(20))))
    files.append(("craft_8bit_colour_count_0.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=pal256, colour_count=0)))
    files.append(("craft_4bit_palette_of_256.bmp", craft_bmp(w, h, 4, pack_rows(values(w, h, 16), 4), palette=pal256)))
    files.append(("craft_8bit_offset_0.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=pal256, offset=0)))
    files.append(("craft_8bit_gap_before_data.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=pal256, gap=b"gap!")))
    files.append(("craft_8bit_offset_at_palette.bmp",
                  craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=pal256, offset=14 + 40)))
    files.append(("craft_8bit_last_padding_missing.bmp",
                  craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=pal256)[:-(-w % 4)]))
    # A colour count beyond the file: the palette is the whole entries there are, read over
    # the pixel data, which the offset places before it.
    for name, tail in (("craft_8bit_palette_past_end.bmp", b""), ("craft_8bit_palette_past_end_partial.bmp", b"\x01\x02\x03")):
        files.append((name, craft_bmp(w, h, 8, pack_rows(rows8, 8) + tail, colour_count=1000, gap=b"\x10\x20",
                                      offset=14 + 40 + 2)))
    grey = [(i, i, i) for i in range(256)]
    files.append(("craft_8bit_grey_ramp.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=grey)))
    files.append(("craft_8bit_grey_ramp_of_20.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=grey[:20])))
    files.append(("craft_4bit_grey_ramp_of_16.bmp", craft_bmp(4, h, 4, pack_rows(values(4, h, 16), 4), palette=grey[:16])))
    files.append(("craft_1bit_black_white.bmp", craft_bmp(w, h, 1, pack_rows(values(w, h, 2), 1),
                                                          palette=[(0, 0, 0), (255, 255, 255)])))
    files.append(("craft_1bit_white_black.bmp", craft_bmp(w, h, 1, pack_rows(values(w, h, 2), 1),
                                                          palette=[(255, 255, 255), (0, 0, 0)])))
    files.append(("craft_8bit_black_white_palette.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8),
                                                                  palette=[(0, 0, 0), (255, 255, 255)])))
    files.append(("craft_8bit_one_black_entry.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), palette=[(0, 0, 0)])))
    files.append(("craft_core_8bit_top_byte.bmp", craft_bmp(w, h, 8, pack_rows(rows8, 8), header=12, palette=pal256)))

    rle_width, rle_height = 9, 6
    rle8 = bytes([
        9, 1, 0, 0,                                   # a whole row, then end of line
        3, 2, 0, 3, 4, 5, 6, 0, 2, 7, 0, 0,           # run, odd absolute run (padded), run
        0, 2, 2, 1, 0, 0,                             # delta right 2, down 1 (skipped pixels are 0)
        12, 8, 0, 0,                                  # a run longer than the row
        0, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0,  # an absolute run across the row's end
        3, 12, 0, 0,                                  # a run after it (x already beyond the row)
        4, 13, 0, 1,                                  # end of bitmap, row not ended: zeros follow
    ])
    files.append(("craft_rle8.bmp", craft_rle(rle_width, rle_height, 8, rle8, 1)))
    files.append(("craft_rle8_top_down.bmp", craft_rle(rle_width, rle_height, 8, rle8, 1, top_down=True)))
    files.append(("craft_rle8_odd_offset.bmp", craft_rle(rle_width, rle_height, 8, rle8_odd_start(), 1, gap=b"!")))
    files.append(("craft_rle8_no_end_of_bitmap.bmp", craft_rle(4, 2, 8, bytes([4, 1, 0, 0, 4, 2]), 1)))
    files.append(("craft_rle8_data_after_end.bmp", craft_rle(4, 2, 8, bytes([4, 1, 0, 0, 4, 2, 0, 1, 9, 9, 9]), 1)))
    files.append(("craft_rle8_delta_past_end.bmp", craft_rle(4, 3, 8, bytes([2, 1, 0, 2, 50, 50, 0, 1]), 1)))
    files.append(("craft_rle8_on_4bit.bmp", craft_rle(4, 2, 4, bytes([4, 1, 0, 0, 4, 15, 0, 1]), 1)))
    files.append(("craft_rle8_grey_ramp.bmp", craft_rle(4, 2, 8, bytes([4, 100, 0, 0, 4, 200, 0, 1]), 1,
                                                        palette=[(i, i, i) for i in range(256)])))
    files.append(("craft_rle8_black_white.bmp", craft_rle(6, 1, 8, bytes([0, 6, 0, 1, 2, 127, 128, 255, 0, 1]), 1,
                                                          palette=[(0, 0, 0), (255, 255, 255)])))
    rle4 = bytes([
        9, 0x12, 0, 0,                          # alternating nibbles over a whole row
        0, 5, 0x34, 0x56, 0x70, 0, 4, 0x89, 0, 0,  # odd absolute run (3 bytes, padded), run
        0, 2, 3, 1, 0, 0,                       # delta
        11, 0xAB, 0, 0,                         # a run longer than the row
        0, 13, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xD0, 0,  # absolute across the row's end
        0, 0, 0, 1,
    ])
    files.append(("craft_rle4.bmp", craft_rle(rle_width, rle_height, 4, rle4, 2)))
    files.append(("craft_rle4_top_down.bmp", craft_rle(rle_width, rle_height, 4, rle4, 2, top_down=True)))
    files.append(("craft_rle4_on_8bit.bmp", craft_rle(4, 2, 8, bytes([4, 0x12, 0, 0, 4, 0x3F, 0, 1]), 2)))
    return files


def craft_rle(width, height, bits, data, compression, palette=None, **options):
    return craft_bmp(width, height, bits, data, compression=compression, palette=palette or colours(16, seed=3), **options)


def rle8_odd_start():
    """RLE8 data meant to start at an odd file offset: Pillow pads absolute runs to an even
    position in the file, so a 3-pixel absolute run there takes no pad byte."""
    return bytes([0, 3, 1, 2, 3, 6, 4, 0, 0] + [9, 5, 0, 0] * 5 + [0, 1])


def refused_fixtures():
    w, h = 5, 3
    pal = colours(16)
    rows = pack_rows(values(w, h, 16), 8)
    valid = craft_bmp(w, h, 8, rows, palette=pal)
    return [
        ("truncated_file_header.bmp", valid[:10]),
        ("truncated_info_header.bmp", valid[:40]),
        ("truncated_palette.bmp", craft_bmp(w, h, 8, rows, palette=pal, colour_count=300)[:100]),
        ("truncated_pixels.bmp", valid[:-5]),
        ("header_size_20.bmp", valid[:14] + struct.pack("<I", 20) + valid[18:]),
        ("bits_2.bmp", craft_bmp(w, h, 2, pack_rows(values(w, h, 4), 2), palette=pal[:4])),
        ("compression_jpeg.bmp", craft_bmp(w, h, 24, pack_rows(values(w, h, 1 << 24), 24), compression=4)),
        ("bitfields_444.bmp", craft_bmp(w, h, 16, pack_rows(values(w, h, 1 << 12), 16), compression=3,
                                        masks=(0xF00, 0xF0, 0xF))),
        ("bitfields_8bit.bmp", craft_bmp(w, h, 8, rows, compression=3, masks=(0xE0, 0x1C, 0x3), palette=pal)),
        ("rle8_24bit.bmp", craft_bmp(w, h, 24, bytes([5, 1, 0, 0, 0, 1]), compression=1)),
        ("rle8_ends_bitmap_early.bmp", craft_rle(w, h, 8, bytes([5, 1, 0, 0, 0, 1]), 1)),
        ("rle8_truncated.bmp", craft_rle(w, h, 8, bytes([5, 1, 0, 0, 0, 5, 1, 2]), 1)),
        ("width_0.bmp", craft_bmp(0, h, 8, b"", palette=pal)),
        ("palette_of_70000.bmp", craft_bmp(w, h, 8, rows, palette=pal, colour_count=70000)),
        ("palette_of_300_colours.bmp", craft_bmp(w, h, 8, rows, palette=colours(300))),
        ("grey_ramp_4bit_rows_wider_than_stride.bmp", craft_bmp(8, h, 4, pack_rows(values(8, h, 16), 4),
                                                                palette=[(i, i, i) for i in range(16)])),
        ("grey_rows_wider_than_stride.bmp", craft_bmp(40, h, 1, pack_rows(values(40, h, 2), 1),
                                                      palette=[(i, i, i) for i in range(256)])),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "golden", "images", "bmp"))
    write_fixture_folder(parser.parse_args().out, pillow_fixtures() + crafted_fixtures(), refused_fixtures(),
                         "Pillow's RGB pixels (open, then RGBA composited over white if it has alpha, "
                         "then RGB) of each BMP in this folder, tensor named by file")


if __name__ == "__main__":
    main()
