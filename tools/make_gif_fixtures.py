"""Writes golden/images/gif/: small GIF files covering what Spec/gif.md decodes, the RGB
pixels Pillow gives for each, and files Pillow refuses.

Most files are written by Pillow at several sizes and settings (palette sizes from 2 to
256 colours, greyscale, interlaced or not, optimized, transparency, animations with
several frames, disposal methods, comments and loops). What Pillow cannot write is
written by the small GIF writer in this file (`craft_gif`, `lzw_codes`): interlaced images
of every small height, local colour tables, images offset in the logical screen or
reaching beyond it, transparency, every LZW minimum code size from 0 to 12, clear codes
mid-stream, a full code table without clear code, sub-blocks of one byte, data after the
end code or no end code, bytes between blocks, comment, application and unknown
extensions, several graphic control extensions, grey-ramp colour tables, indices beyond
the colour table, GIF87a.

Expected values: for every file, Pillow's `Image.open` followed by the conversion the
SigLIP processor makes (`transformers.image_transforms.convert_to_rgb`: an image with a
`transparency` entry becomes RGBA, is composited over opaque white and converted to RGB;
others are converted to RGB), stored in `expected.shw` (a weight container,
`Spec/weights.md`) as a u8 tensor [H, W, 3] named after the file. The files under
`refused/` are ones Pillow raises an error for; the script checks that it does.

Regenerate from the repository root (needs numpy and Pillow):

    python3 tools/make_gif_fixtures.py

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


def noise(width, height, seed=0x47494638):
    """Uniform random pixels: no two neighbours alike, long LZW strings are rare."""
    rng = np.random.default_rng(seed + 1000 * width + height)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def indices(width, height, colours, seed=1):
    """Palette indices below `colours`: runs of equal indices and noise, so that the LZW
    table grows with long and short strings and KwKwK codes occur."""
    rng = np.random.default_rng(seed + 7 * width + 13 * height + colours)
    rows = []
    for y in range(height):
        if y % 3 == 0:
            rows.append([(x // 5 + y) % colours for x in range(width)])
        elif y % 3 == 1:
            rows.append([int(v) for v in rng.integers(0, colours, width)])
        else:
            rows.append([(y * colours) // max(height, 1)] * width)
    return [v for row in rows for v in row]


GREY_RAMP = [(i, i, i) for i in range(256)]


# ---------------------------------------------------------------------------------------
# A small GIF writer for what Pillow cannot write


def lzw_codes(pixels, minimum_size, clear_after=4000, end=True, first_clear=True, literal_only=False):
    """The LZW data for `pixels`, packed least significant bit first.

    Code sizes follow the decoder (Spec/gif.md section 5): the size grows when the
    decoder's next table entry reaches the largest code of the current size. A clear code
    is written once the encoder's table reaches `clear_after` entries (4096 or more: never,
    so the table fills and freezes). `literal_only` writes every pixel as its own code (for
    minimum sizes 0 and 1, whose table codes no decoder can reach).
    """
    clear = 1 << minimum_size
    state = {"bits": 0, "count": 0, "size": minimum_size + 1, "next": clear + 2, "fresh": True}
    out = bytearray()

    def put(code):
        state["bits"] |= code << state["count"]
        state["count"] += state["size"]
        while state["count"] >= 8:
            out.append(state["bits"] & 0xFF)
            state["bits"] >>= 8
            state["count"] -= 8

    def emit(code):
        put(code)
        if state["fresh"]:
            state["fresh"] = False
        elif state["next"] < 4096:
            if state["next"] == (1 << state["size"]) - 1 and state["size"] < 12:
                state["size"] += 1
            state["next"] += 1

    def reset():
        put(clear)
        state.update(size=minimum_size + 1, next=clear + 2, fresh=True)

    if first_clear:
        reset()
    if literal_only:
        for value in pixels:
            emit(value)
    else:
        table, next_entry, string = {}, clear + 2, None
        for value in pixels:
            if string is None:
                string = (value,)
                continue
            longer = string + (value,)
            if longer in table:
                string = longer
                continue
            emit(table[string] if len(string) > 1 else string[0])
            if next_entry >= clear_after:
                reset()
                table, next_entry = {}, clear + 2
            elif next_entry < 4096:
                table[longer] = next_entry
                next_entry += 1
            string = (value,)
        if string is not None:
            emit(table[string] if len(string) > 1 else string[0])
    if end:
        put(clear + 1)
    if state["count"]:
        out.append(state["bits"] & 0xFF)
    return bytes(out)


def packed_codes(codes, size):
    """`codes`, each of `size` bits, packed least significant bit first."""
    value = sum(code << (size * i) for i, code in enumerate(codes))
    return value.to_bytes((size * len(codes) + 7) // 8, "little")


def sub_blocks(data, size=255, terminator=True):
    """`data` in sub-blocks of at most `size` bytes, then the block terminator."""
    out = bytearray()
    for start in range(0, len(data), size):
        out += bytes([len(data[start:start + size])]) + data[start:start + size]
    return bytes(out) + (b"\x00" if terminator else b"")


def table_bytes(colours, size_bits):
    """A colour table of 2^size_bits entries: `colours`, then black."""
    data = b"".join(bytes(c) for c in colours)
    return data + b"\x00" * (3 * (1 << size_bits) - len(data))


def graphic_control(transparent=None, disposal=0, delay=0):
    flags = disposal << 2 | (1 if transparent is not None else 0)
    return b"!\xf9\x04" + bytes([flags]) + struct.pack("<H", delay) + bytes([transparent or 0]) + b"\x00"


def interlaced_order(pixels, width, height):
    """The rows of a width x height image in the four interlaced passes."""
    rows = [*range(0, height, 8), *range(4, height, 8), *range(2, height, 4), *range(1, height, 2)]
    return [v for r in rows for v in pixels[r * width:(r + 1) * width]]


def image_block(left, top, width, height, pixels, minimum_size, local=None, local_bits=None, interlaced=False,
                data=None, block_size=255, **lzw):
    """An image descriptor, its local colour table, the minimum code size and the data."""
    flags = (0x40 if interlaced else 0) | (0x80 | (local_bits - 1) if local is not None else 0)
    out = b"," + struct.pack("<HHHHB", left, top, width, height, flags)
    if local is not None:
        out += table_bytes(local, local_bits)
    if data is None:
        ordered = interlaced_order(pixels, width, height) if interlaced else pixels
        data = sub_blocks(lzw_codes(ordered, minimum_size, **lzw), block_size)
    return out + bytes([minimum_size]) + data


def craft_gif(screen, blocks, table=None, table_bits=None, version=b"GIF89a", background=0, trailer=b";"):
    """A GIF file: header, logical screen, global colour table, `blocks`, trailer."""
    flags = 0x80 | (table_bits - 1) if table is not None else 0
    out = version + struct.pack("<HHBBB", screen[0], screen[1], flags, background, 0)
    if table is not None:
        out += table_bytes(table, table_bits)
    return out + b"".join(blocks) + trailer


# ---------------------------------------------------------------------------------------
# The fixtures


def pillow_gif(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "GIF", **options)
    return buffer.getvalue()


def pillow_fixtures():
    """(file name, GIF bytes) written by Pillow."""
    files = []
    for colours in (2, 4, 16, 256):
        for content in ("gradient", "noise"):
            source = (gradient if content == "gradient" else noise)(37, 23)
            image = source.quantize(colors=colours)
            files.append((f"pillow_{content}_37x23_{colours}colours.gif", pillow_gif(image)))
    for size in ((1, 1), (5, 3), (16, 16), (40, 33)):
        image = gradient(*size).quantize(colors=64)
        files.append((f"pillow_gradient_{size[0]}x{size[1]}_interlaced.gif", pillow_gif(image, interlace=True)))
        files.append((f"pillow_gradient_{size[0]}x{size[1]}_optimized.gif", pillow_gif(image, optimize=True, interlace=False)))
    files.append(("pillow_grey_31x17.gif", pillow_gif(gradient(31, 17).convert("L"))))
    files.append(("pillow_bilevel_29x11.gif", pillow_gif(noise(29, 11).convert("1"))))
    quantized = gradient(24, 18).quantize(colors=32)
    files.append(("pillow_transparency_24x18.gif", pillow_gif(quantized, transparency=5)))
    files.append(("pillow_background_comment_24x18.gif",
                  pillow_gif(quantized, background=7, comment=b"a comment", loop=0)))
    frames = [gradient(30, 20).quantize(colors=16), noise(30, 20).quantize(colors=16),
              gradient(20, 30).resize((30, 20)).quantize(colors=16)]
    files.append(("pillow_animated_30x20.gif", pillow_gif(frames[0], save_all=True, append_images=frames[1:],
                                                          duration=100, loop=0)))
    files.append(("pillow_animated_disposal2_transparency_30x20.gif",
                  pillow_gif(frames[0], save_all=True, append_images=frames[1:], disposal=2, transparency=3)))
    rgb_frames = [gradient(26, 14), noise(26, 14)]
    files.append(("pillow_animated_rgb_26x14.gif", pillow_gif(rgb_frames[0], save_all=True,
                                                              append_images=rgb_frames[1:])))
    return files


def crafted_fixtures():
    """(file name, GIF bytes) written by `craft_gif`."""
    files = []
    table4 = colours(4)
    table16 = colours(16)
    table256 = colours(256)
    pixels = indices(23, 13, 4)

    def image(*blocks, table=table4, bits=2, screen=(23, 13), **options):
        return craft_gif(screen, blocks, table, bits, **options)

    files.append(("craft_basic_23x13.gif", image(image_block(0, 0, 23, 13, pixels, 2))))
    files.append(("craft_gif87a.gif", image(image_block(0, 0, 23, 13, pixels, 2), version=b"GIF87a")))
    for height in (1, 2, 3, 4, 5, 6, 7, 8, 9, 17):
        rows = indices(6, height, 16)
        files.append((f"craft_interlaced_6x{height}.gif",
                      craft_gif((6, height), [image_block(0, 0, 6, height, rows, 4, interlaced=True)], table16, 4)))
    files.append(("craft_local_table.gif", image(image_block(0, 0, 23, 13, pixels, 2, local=colours(4, 9), local_bits=2))))
    files.append(("craft_local_table_no_global.gif",
                  craft_gif((23, 13), [image_block(0, 0, 23, 13, pixels, 2, local=table4, local_bits=2)])))
    files.append(("craft_local_table_larger.gif", image(image_block(0, 0, 23, 13, indices(23, 13, 16), 4, local=table16,
                                                                    local_bits=4))))
    small = indices(9, 5, 4)
    files.append(("craft_offset_frame.gif", image(image_block(7, 4, 9, 5, small, 2), background=3)))
    files.append(("craft_offset_frame_transparency.gif", image(graphic_control(2), image_block(7, 4, 9, 5, small, 2))))
    files.append(("craft_offset_interlaced.gif", image(image_block(3, 2, 9, 5, small, 2, interlaced=True))))
    files.append(("craft_frame_beyond_screen.gif", image(image_block(18, 10, 9, 5, small, 2))))
    files.append(("craft_frame_beyond_screen_transparency.gif",
                  image(graphic_control(1), image_block(18, 10, 9, 5, small, 2))))
    files.append(("craft_screen_zero.gif", image(image_block(2, 1, 9, 5, small, 2), screen=(0, 0))))
    files.append(("craft_transparency.gif", image(graphic_control(3), image_block(0, 0, 23, 13, pixels, 2))))
    files.append(("craft_transparency_beyond_table.gif", image(graphic_control(200), image_block(1, 1, 9, 5, small, 2))))
    files.append(("craft_two_graphic_controls.gif",
                  image(graphic_control(1), graphic_control(None), image_block(0, 0, 23, 13, pixels, 2))))
    files.append(("craft_two_graphic_controls_last_wins.gif",
                  image(graphic_control(1), graphic_control(2), image_block(0, 0, 23, 13, pixels, 2))))
    files.append(("craft_graphic_control_3_bytes.gif",
                  image(b"!\xf9\x03\x00\x0a\x00\x00", image_block(0, 0, 23, 13, pixels, 2))))
    files.append(("craft_graphic_control_empty.gif",
                  image(b"!\xf9\x00\x03abc\x00", image_block(0, 0, 23, 13, pixels, 2))))
    frames = [image_block(0, 0, 23, 13, pixels, 2), graphic_control(0, disposal=2),
              image_block(4, 4, 9, 5, small, 2, local=colours(4, 5), local_bits=2), graphic_control(1, disposal=3),
              image_block(0, 0, 23, 13, indices(23, 13, 4, seed=4), 2)]
    files.append(("craft_animated.gif", image(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00", *frames)))
    files.append(("craft_animated_offset_first.gif", image(graphic_control(0), image_block(5, 3, 9, 5, small, 2),
                                                           image_block(0, 0, 23, 13, pixels, 2))))
    for size in (0, 1):
        literal = indices(11, 4, 1 << size) if size else [0] * 44
        files.append((f"craft_code_size_{size}.gif",
                      image(image_block(0, 0, 11, 4, literal, size, literal_only=True), table=table4, bits=2)))
    for size in (3, 5, 6, 7, 8):
        values = indices(29, 17, 1 << min(size, 8))
        table = table256 if size > 4 else table16
        bits = 8 if size > 4 else 4
        files.append((f"craft_code_size_{size}.gif", craft_gif((29, 17), [image_block(0, 0, 29, 17, values, size)], table, bits)))
    for size in (9, 10, 11, 12):
        values = indices(29, 17, 256)
        files.append((f"craft_code_size_{size}.gif", craft_gif((29, 17), [image_block(0, 0, 29, 17, values, size)],
                                                               table256, 8)))
    literals = [300, 7, 511, 256, 44, 5, 255, 0]
    files.append(("craft_code_size_9_literals_above_255.gif",
                  craft_gif((8, 1), [image_block(0, 0, 8, 1, literals, 9, literal_only=True)], table256, 8)))
    big = [int(v) for v in np.random.default_rng(5).integers(0, 256, 96 * 64)]
    files.append(("craft_full_table_no_clear.gif", craft_gif((96, 64), [image_block(0, 0, 96, 64, big, 8, clear_after=10**6)],
                                                             table256, 8)))
    files.append(("craft_clear_codes_often.gif", craft_gif((96, 64), [image_block(0, 0, 96, 64, big, 8, clear_after=300)],
                                                           table256, 8)))
    files.append(("craft_no_first_clear.gif", image(image_block(0, 0, 23, 13, pixels, 2, first_clear=False))))
    files.append(("craft_no_end_code.gif", image(image_block(0, 0, 23, 13, pixels, 2, end=False))))
    files.append(("craft_one_byte_sub_blocks.gif", image(image_block(0, 0, 23, 13, pixels, 2, block_size=1))))
    after_end = sub_blocks(lzw_codes(pixels, 2) + b"\x55\xaa\x12", 255)
    files.append(("craft_data_after_end_code.gif", image(image_block(0, 0, 23, 13, pixels, 2, data=after_end))))
    no_terminator = sub_blocks(lzw_codes(pixels, 2), 255, terminator=False)
    files.append(("craft_no_terminator_no_trailer.gif",
                  image(image_block(0, 0, 23, 13, pixels, 2, data=no_terminator), trailer=b"")))
    files.append(("craft_bytes_between_blocks.gif", image(b"\x00\x07junk", graphic_control(None), b"\x00",
                                                          image_block(0, 0, 23, 13, pixels, 2))))
    files.append(("craft_extensions.gif", image(b"!\xfe\x05hello\x02ab\x00", b"!\xfe\x00",
                                                b"!\xff\x0bNETSCAPE2.0\x00\x02ab\x00", b"!\x01\x02xy\x00",
                                                image_block(0, 0, 23, 13, pixels, 2))))
    files.append(("craft_grey_ramp_table.gif", craft_gif((23, 13), [image_block(0, 0, 23, 13, pixels, 2)], GREY_RAMP[:4], 2)))
    files.append(("craft_grey_ramp_transparency.gif", craft_gif((23, 13), [graphic_control(1), image_block(2, 2, 9, 5, small, 2)],
                                                                GREY_RAMP[:4], 2)))
    files.append(("craft_grey_ramp_local_over_global.gif",
                  image(image_block(0, 0, 23, 13, pixels, 2, local=GREY_RAMP[:4], local_bits=2))))
    files.append(("craft_no_colour_table.gif", craft_gif((23, 13), [image_block(0, 0, 23, 13, indices(23, 13, 16), 4)])))
    files.append(("craft_indices_beyond_table.gif", craft_gif((23, 13), [image_block(0, 0, 23, 13, indices(23, 13, 16), 4)],
                                                              table4, 1)))
    files.append(("craft_grey_ramp_indices_beyond_table.gif",
                  craft_gif((23, 13), [image_block(0, 0, 23, 13, indices(23, 13, 16), 4)], GREY_RAMP[:2], 1)))
    return files


def refused_fixtures():
    """(file name, GIF bytes) that Pillow refuses: each needs a named error."""
    table4 = colours(4)
    pixels = indices(23, 13, 4)
    valid = craft_gif((23, 13), [image_block(0, 0, 23, 13, pixels, 2)], table4, 2)
    early_end = sub_blocks(lzw_codes(pixels[:100], 2), 255)
    code_beyond = sub_blocks(packed_codes([4, 1, 7, 5], 3))
    return [
        ("truncated_header.gif", valid[:10]),
        ("truncated_global_table.gif", valid[:20]),
        ("truncated_image_data.gif", valid[:len(valid) - 12]),
        ("no_image.gif", craft_gif((23, 13), [graphic_control(1)], table4, 2)),
        ("end_code_early.gif", craft_gif((23, 13), [image_block(0, 0, 23, 13, pixels, 2, data=early_end)], table4, 2)),
        ("code_size_13.gif", craft_gif((23, 13), [image_block(0, 0, 23, 13, pixels, 13, data=b"\x01\x00\x00")], table4, 2)),
        ("first_code_is_table_code.gif", craft_gif((23, 13), [image_block(0, 0, 23, 13, pixels, 2,
                                                                          data=sub_blocks(packed_codes([4, 6], 3)))],
                                                   table4, 2)),
        ("code_beyond_table.gif", craft_gif((23, 13), [image_block(0, 0, 23, 13, pixels, 2, data=code_beyond)], table4, 2)),
        ("zero_width_frame.gif", craft_gif((23, 13), [image_block(0, 0, 0, 13, [], 2, data=b"\x00")], table4, 2)),
        ("graphic_control_2_bytes.gif", craft_gif((23, 13), [b"!\xf9\x02\x00\x00\x00", image_block(0, 0, 23, 13, pixels, 2)],
                                                  table4, 2)),
        ("graphic_control_3_bytes_transparent.gif",
         craft_gif((23, 13), [b"!\xf9\x03\x01\x00\x00\x00", image_block(0, 0, 23, 13, pixels, 2)], table4, 2)),
        ("grey_ramp_local_over_global_transparency.gif",
         craft_gif((23, 13), [graphic_control(1), image_block(0, 0, 23, 13, pixels, 2, local=GREY_RAMP[:4], local_bits=2)],
                   table4, 2)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "golden", "images", "gif"))
    write_fixture_folder(parser.parse_args().out, pillow_fixtures() + crafted_fixtures(), refused_fixtures(),
                         "Pillow's RGB pixels (open, then RGBA composited over white if transparent, "
                         "then RGB) of each GIF in this folder, tensor named by file")


if __name__ == "__main__":
    main()
