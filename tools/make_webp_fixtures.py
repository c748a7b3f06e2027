"""Writes golden/images/webp/: small WebP files covering what Spec/webp.md decodes, the RGB
pixels Pillow gives for each, files Pillow refuses, and lossy files whose alpha planes
Pillow decodes.

Most lossless files are written by Pillow (libwebp's encoder) at every method 0 to 6 and
several qualities, with exact=True and False, sizes from 1 x 1 to 100 x 80, few colours
(colour-indexing with pixel bundling), noise, gradients, alpha, VP8X files with EXIF and
an ICC profile, and animations. What libwebp's encoder does not write comes from the small
VP8L writer in this file (`entropy_image`, `transformed_vp8l`): simple prefix codes of one
and two symbols, symbols beyond an alphabet, every predictor mode including 14 and 15,
colour-transform multipliers of both signs, every colour-cache size 1 to 11, LZ77 copies
by every kind of distance code, meta prefix codes with unused groups, palettes with
indices beyond their colours, an alpha hint that is off over transparent pixels, a 1 x 1
image in 9 bytes; and from edits of the RIFF container: padding, trailing bytes, unknown
chunks, animation frames offset on a larger canvas.

`alpha/` holds lossy files with alpha (Pillow's, at alpha_quality 100 and lower, and
Pillow's with the ALPH chunk replaced by one of this file's: raw or lossless, each
filter, pre-processing bit set, colour-indexed planes less their last byte that libwebp
still decodes), `expected_alpha.shw`, a u8 tensor [H, W] per file:
Pillow's `Image.open(f).getchannel("A")`, and `expected.shw`, their RGB pixels as below.

Expected values: for every file, Pillow's `Image.open` followed by the conversion the
SigLIP processor makes (an RGBA image is composited over opaque white, then converted to
RGB), stored in `expected.shw` (a weight container, `Spec/weights.md`) as a u8 tensor
[H, W, 3] named after the file. The files under `refused/` are ones Pillow raises an
error for; the script checks that it does.

Regenerate from the repository root (needs numpy and Pillow with libwebp):

    python3 tools/make_webp_fixtures.py

The output is deterministic: a rerun reproduces the committed bytes.
"""
import argparse
import heapq
import io
import os
import struct
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import write_weights  # noqa: E402
from semhitok_image_fixtures import ROOT, gradient, pillow_rgb, write_fixture_folder  # noqa: E402

# ---------------------------------------------------------------------------------------
# Content


def noise(width, height, channels=3, seed=0x57454250):
    rng = np.random.default_rng(seed + 1000 * width + height + channels)
    array = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
    return Image.fromarray(array, "RGBA" if channels == 4 else "RGB")


def with_alpha(image, seed=3):
    """`image` with an alpha band of ramps, fully transparent and opaque areas."""
    width, height = image.size
    y, x = np.mgrid[0:height, 0:width]
    alpha = ((x * 255) // max(width - 1, 1) + 40 * y) % 256
    alpha[: height // 4] = 0
    alpha[-(height // 4):] = 255
    return Image.fromarray(np.dstack([np.asarray(image.convert("RGB")), alpha.astype(np.uint8)]), "RGBA")


def few_colours(width, height, count):
    """`count` colours in stripes and blocks: Pillow's encoder then uses a palette."""
    palette = [((37 * i) % 256, (91 * i + 20) % 256, (53 * i + 200) % 256) for i in range(count)]
    y, x = np.mgrid[0:height, 0:width]
    index = ((x // 3) + (y // 2) * 5) % count
    return Image.fromarray(np.array(palette, dtype=np.uint8)[index])


def webp(image, **options):
    out = io.BytesIO()
    image.save(out, "WEBP", **options)
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# The RIFF container


def chunk(fourcc, payload):
    return fourcc + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")


def riff(chunks, size_delta=0):
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body) + size_delta) + body


def chunks_of(data):
    """The (fourcc, payload) pairs of a RIFF WebP file."""
    position, result = 12, []
    while position + 8 <= len(data):
        fourcc, size = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        result.append((fourcc, data[position + 8:position + 8 + size]))
        position += 8 + size + (size & 1)
    return result


def vp8x(width, height, flags):
    return chunk(b"VP8X", bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


def anmf(x, y, width, height, image_chunks, duration=100, flags=0):
    header = (x // 2).to_bytes(3, "little") + (y // 2).to_bytes(3, "little") + (width - 1).to_bytes(3, "little")
    header += (height - 1).to_bytes(3, "little") + duration.to_bytes(3, "little") + bytes([flags])
    return chunk(b"ANMF", header + b"".join(image_chunks))


ALPHA, ANIMATION, ICC, EXIF, XMP = 0x10, 0x02, 0x20, 0x08, 0x04

# ---------------------------------------------------------------------------------------
# A small VP8L writer for what libwebp's encoder does not write


class Bits:
    """Bits packed least significant first, as VP8L reads them."""

    def __init__(self):
        self.value, self.count = 0, 0

    def put(self, value, count):
        assert 0 <= value < 1 << count or count == 0
        self.value |= value << self.count
        self.count += count

    def code(self, codes, symbol):
        """A prefix code's bits, first bit of the code first (as deflate packs them)."""
        code, length = codes[symbol]
        for bit in range(length - 1, -1, -1):
            self.put((code >> bit) & 1, 1)

    def bytes(self):
        return self.value.to_bytes((self.count + 7) // 8, "little")


def huffman_lengths(frequencies, limit):
    """Code lengths of a Huffman code for the symbols with a positive count."""
    symbols = sorted(s for s, f in frequencies.items() if f > 0)
    if len(symbols) == 1:
        return {symbols[0]: 1}
    heap = [(frequencies[s], i, [s]) for i, s in enumerate(symbols)]
    heapq.heapify(heap)
    depth = dict.fromkeys(symbols, 0)
    order = len(symbols)
    while len(heap) > 1:
        f1, _, s1 = heapq.heappop(heap)
        f2, _, s2 = heapq.heappop(heap)
        for s in s1 + s2:
            depth[s] += 1
        heapq.heappush(heap, (f1 + f2, order, s1 + s2))
        order += 1
    assert max(depth.values()) <= limit, "the content needs longer codes than the writer makes"
    return depth


def canonical_codes(lengths):
    """symbol -> (code, length) of the canonical code; a single symbol takes 0 bits."""
    if len(lengths) == 1:
        return {next(iter(lengths)): (0, 0)}
    codes, code, previous = {}, 0, 0
    for symbol, length in sorted(lengths.items(), key=lambda item: (item[1], item[0])):
        code <<= length - previous
        codes[symbol] = (code, length)
        code += 1
        previous = length
    return codes


CODE_LENGTH_ORDER = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]


def code_length_tokens(lengths):
    """Run-length coding of a code-length list with codes 16 (repeat the previous non-zero
    length 3 to 6 times), 17 (3 to 10 zeros) and 18 (11 to 138 zeros)."""
    tokens, index, previous = [], 0, 8
    while index < len(lengths):
        value, run = lengths[index], 1
        while index + run < len(lengths) and lengths[index + run] == value:
            run += 1
        if value == 0 and run >= 11:
            run = min(run, 138)
            tokens.append((18, run - 11, 7))
        elif value == 0 and run >= 3:
            run = min(run, 10)
            tokens.append((17, run - 3, 3))
        elif value != 0 and value == previous and run >= 3:
            run = min(run, 6)
            tokens.append((16, run - 3, 2))
        else:
            run = 1
            tokens.append((value, 0, 0))
        if value != 0:
            previous = value
        index += run
    return tokens


def write_code(bits, alphabet_size, frequencies, simple=None):
    """Writes a prefix code for the symbols counted in `frequencies` and returns the codes.
    `simple` forces a simple code: a list of one or two symbols as written (they may lie
    beyond the alphabet, which the decoder ignores)."""
    if simple is not None:
        bits.put(1, 1)
        bits.put(len(simple) - 1, 1)
        first_bits = 1 if simple[0] < 2 and len(simple) == 1 else 8
        bits.put(0 if first_bits == 1 else 1, 1)
        bits.put(simple[0], first_bits)
        if len(simple) == 2:
            bits.put(simple[1], 8)
        kept = sorted({s for s in simple if s < alphabet_size})
        return canonical_codes({s: 1 for s in kept})
    if not any(frequencies.values()):
        frequencies = {0: 1}
    lengths = huffman_lengths(frequencies, 15)
    full = [lengths.get(s, 0) for s in range(alphabet_size)]
    tokens = code_length_tokens(full)
    cl_lengths = huffman_lengths({t[0]: sum(1 for u in tokens if u[0] == t[0]) for t in tokens}, 7)
    cl_codes = canonical_codes(cl_lengths)
    count = max(4, max(CODE_LENGTH_ORDER.index(s) for s in cl_lengths) + 1)
    bits.put(0, 1)
    bits.put(count - 4, 4)
    for symbol in CODE_LENGTH_ORDER[:count]:
        bits.put(cl_lengths.get(symbol, 0), 3)
    bits.put(0, 1)
    for symbol, extra, extra_bits in tokens:
        bits.code(cl_codes, symbol)
        bits.put(extra, extra_bits)
    return canonical_codes(lengths)


DISTANCE_MAP = [0x18, 0x07, 0x17, 0x19, 0x28, 0x06, 0x27, 0x29, 0x16, 0x1a, 0x26, 0x2a, 0x38, 0x05, 0x37, 0x39,
                0x15, 0x1b, 0x36, 0x3a, 0x25, 0x2b, 0x48, 0x04, 0x47, 0x49, 0x14, 0x1c, 0x35, 0x3b, 0x46, 0x4a,
                0x24, 0x2c, 0x58, 0x45, 0x4b, 0x34, 0x3c, 0x03, 0x57, 0x59, 0x13, 0x1d, 0x56, 0x5a, 0x23, 0x2d,
                0x44, 0x4c, 0x55, 0x5b, 0x33, 0x3d, 0x68, 0x02, 0x67, 0x69, 0x12, 0x1e, 0x66, 0x6a, 0x22, 0x2e,
                0x54, 0x5c, 0x43, 0x4d, 0x65, 0x6b, 0x32, 0x3e, 0x78, 0x01, 0x77, 0x79, 0x53, 0x5d, 0x11, 0x1f,
                0x64, 0x6c, 0x42, 0x4e, 0x76, 0x7a, 0x21, 0x2f, 0x75, 0x7b, 0x31, 0x3f, 0x63, 0x6d, 0x52, 0x5e,
                0x00, 0x74, 0x7c, 0x41, 0x4f, 0x10, 0x20, 0x62, 0x6e, 0x30, 0x73, 0x7d, 0x51, 0x5f, 0x40, 0x72,
                0x7e, 0x61, 0x6f, 0x50, 0x71, 0x7f, 0x60, 0x70]


def prefix_coded(value):
    """(symbol, extra bits value, extra bit count) of an LZ77 length or distance code >= 1."""
    if value <= 4:
        return value - 1, 0, 0
    d = value - 1
    high = d.bit_length() - 1
    second = (d >> (high - 1)) & 1
    return 2 * high + second, d & ((1 << (high - 1)) - 1), high - 1


def plane_code(distance, width, use_map=True):
    """The smallest distance code for `distance` pixels: a short code when one maps to it."""
    if use_map:
        for index, entry in enumerate(DISTANCE_MAP):
            if max((entry >> 4) * width + 8 - (entry & 15), 1) == distance:
                return index + 1
    return distance + 120


def cache_index(argb, bits):
    return ((0x1E35A7BD * argb) & 0xFFFFFFFF) >> (32 - bits)


def tokens_of(pixels, width, cache_bits=0, copies=True, use_map=True, min_copy=3):
    """LZ77 tokens: ("copy", length, distance), ("cache", key) or ("literal", argb); copies
    from one pixel back and one row up, greedily."""
    tokens, cache, position = [], {}, 0
    while position < len(pixels):
        best = (0, 0)
        if copies:
            for distance in (1, width, width + 1, 2):
                if distance <= position:
                    length = 0
                    while position + length < len(pixels) and length < 4096 and \
                            pixels[position + length] == pixels[position + length - distance]:
                        length += 1
                    if length > best[0]:
                        best = (length, distance)
        if best[0] >= min_copy:
            tokens.append(("copy", best[0], plane_code(best[1], width, use_map)))
            covered = pixels[position:position + best[0]]
        elif cache_bits and cache.get(cache_index(pixels[position], cache_bits)) == pixels[position]:
            tokens.append(("cache", cache_index(pixels[position], cache_bits)))
            covered = [pixels[position]]
        else:
            tokens.append(("literal", pixels[position]))
            covered = [pixels[position]]
        for argb in covered:
            if cache_bits:
                cache[cache_index(argb, cache_bits)] = argb
        position += len(covered)
    return tokens


def entropy_image(bits, pixels, width, cache_bits=0, level0=False, meta=None, simple=None, copies=True, use_map=True):
    """Writes an entropy-coded image. `meta` = (bits, group_of_tile list, group count) uses
    meta prefix codes (groups no tile uses get codes too); `simple` maps a code index
    (0 green, 1 red, 2 blue, 3 alpha, 4 distance) to the symbols of a forced simple code."""
    if cache_bits:
        bits.put(1, 1)
        bits.put(cache_bits, 4)
    else:
        bits.put(0, 1)
    tokens = tokens_of(pixels, width, cache_bits, copies, use_map)
    height = len(pixels) // width
    group_of = [0] * len(tokens)
    if level0:
        if meta is None:
            bits.put(0, 1)
        else:
            meta_bits, tiles, _ = meta
            bits.put(1, 1)
            bits.put(meta_bits - 2, 3)
            tiles_wide = (width + (1 << meta_bits) - 1) >> meta_bits
            entropy_image(bits, [(group & 0xFFFF) << 8 for group in tiles], tiles_wide)
            position = 0
            for index, token in enumerate(tokens):
                x, y = position % width, position // width
                group_of[index] = tiles[(y >> meta_bits) * tiles_wide + (x >> meta_bits)]
                position += token[1] if token[0] == "copy" else 1
    groups = meta[2] if meta else 1
    assert height * width == len(pixels)
    sizes = [256 + 24 + ((1 << cache_bits) if cache_bits else 0), 256, 256, 256, 40]
    counts = [[{} for _ in range(5)] for _ in range(groups)]
    for token, group in zip(tokens, group_of):
        c = counts[group]
        if token[0] == "literal":
            argb = token[1]
            for code, value in ((0, (argb >> 8) & 255), (1, (argb >> 16) & 255), (2, argb & 255), (3, argb >> 24)):
                c[code][value] = c[code].get(value, 0) + 1
        elif token[0] == "cache":
            c[0][280 + token[1]] = c[0].get(280 + token[1], 0) + 1
        else:
            symbol = 256 + prefix_coded(token[1])[0]
            c[0][symbol] = c[0].get(symbol, 0) + 1
            d = prefix_coded(token[2])[0]
            c[4][d] = c[4].get(d, 0) + 1
    codes = [[write_code(bits, sizes[k], counts[g][k], (simple or {}).get(k)) for k in range(5)] for g in range(groups)]
    for token, group in zip(tokens, group_of):
        code = codes[group]
        if token[0] == "literal":
            argb = token[1]
            bits.code(code[0], (argb >> 8) & 255)
            bits.code(code[1], (argb >> 16) & 255)
            bits.code(code[2], argb & 255)
            bits.code(code[3], argb >> 24)
        elif token[0] == "cache":
            bits.code(code[0], 280 + token[1])
        else:
            symbol, extra, extra_bits = prefix_coded(token[1])
            bits.code(code[0], 256 + symbol)
            bits.put(extra, extra_bits)
            symbol, extra, extra_bits = prefix_coded(token[2])
            bits.code(code[4], symbol)
            bits.put(extra, extra_bits)


def argb_pixels(image):
    rgba = np.asarray(image.convert("RGBA")).astype(np.uint32)
    return [int(v) for v in (rgba[..., 3] << 24 | rgba[..., 0] << 16 | rgba[..., 1] << 8 | rgba[..., 2]).ravel()]


def add(a, b):
    return sum((((a >> s) + (b >> s)) & 255) << s for s in (0, 8, 16, 24))


def subtract(a, b):
    return sum((((a >> s) - (b >> s)) & 255) << s for s in (0, 8, 16, 24))


def average(a, b):
    return sum(((((a >> s) & 255) + ((b >> s) & 255)) // 2) << s for s in (0, 8, 16, 24))


def clamp(v):
    return min(max(v, 0), 255)


def predict(mode, left, top, top_right, top_left):
    channel = [lambda v, s=s: (v >> s) & 255 for s in (0, 8, 16, 24)]
    if mode == 1:
        return left
    if mode == 2:
        return top
    if mode == 3:
        return top_right
    if mode == 4:
        return top_left
    if mode == 5:
        return average(average(left, top_right), top)
    if mode == 6:
        return average(left, top_left)
    if mode == 7:
        return average(left, top)
    if mode == 8:
        return average(top_left, top)
    if mode == 9:
        return average(top, top_right)
    if mode == 10:
        return average(average(left, top_left), average(top, top_right))
    if mode == 11:
        to_top = sum(abs(c(left) - c(top_left)) for c in channel)
        to_left = sum(abs(c(top) - c(top_left)) for c in channel)
        return top if to_top <= to_left else left
    if mode == 12:
        return sum(clamp(c(left) + c(top) - c(top_left)) << s for c, s in zip(channel, (0, 8, 16, 24)))
    if mode == 13:
        a = average(left, top)
        return sum(clamp(c(a) + int((c(a) - c(top_left)) / 2)) << s for c, s in zip(channel, (0, 8, 16, 24)))
    return 0xFF000000


def predictor_residuals(pixels, width, tile_bits, modes):
    """The forward predictor transform with the per-tile `modes`."""
    height = len(pixels) // width
    tiles_wide = (width + (1 << tile_bits) - 1) >> tile_bits
    out = []
    for y in range(height):
        for x in range(width):
            at = y * width + x
            if y == 0:
                prediction = 0xFF000000 if x == 0 else pixels[at - 1]
            elif x == 0:
                prediction = pixels[at - width]
            else:
                mode = modes[(y >> tile_bits) * tiles_wide + (x >> tile_bits)]
                prediction = predict(mode, pixels[at - 1], pixels[at - width], pixels[at - width + 1], pixels[at - width - 1])
            out.append(subtract(pixels[at], prediction))
    return out


def signed(v):
    return v - 256 if v >= 128 else v


def colour_delta(multiplier, value):
    return (signed(multiplier) * signed(value)) >> 5


def cross_colour_forward(pixels, width, tile_bits, multipliers):
    tiles_wide = (width + (1 << tile_bits) - 1) >> tile_bits
    out = []
    for at, argb in enumerate(pixels):
        x, y = at % width, at // width
        m = multipliers[(y >> tile_bits) * tiles_wide + (x >> tile_bits)]
        g2r, g2b, r2b = m & 255, (m >> 8) & 255, (m >> 16) & 255
        red, green, blue = (argb >> 16) & 255, (argb >> 8) & 255, argb & 255
        new_red = (red - colour_delta(g2r, green)) & 255
        new_blue = (blue - colour_delta(g2b, green) - colour_delta(r2b, red)) & 255
        out.append(argb & 0xFF00FF00 | new_red << 16 | new_blue)
    return out


def vp8l(width, height, alpha_hint, body):
    bits = Bits()
    bits.put(0x2F, 8)
    bits.put(width - 1, 14)
    bits.put(height - 1, 14)
    bits.put(1 if alpha_hint else 0, 1)
    bits.put(0, 3)
    body(bits)
    return bits.bytes()


def simple_vp8l(image, alpha_hint=True, **options):
    pixels = argb_pixels(image)
    width, height = image.size

    def body(bits):
        bits.put(0, 1)
        entropy_image(bits, pixels, width, level0=True, **options)
    return riff([chunk(b"VP8L", vp8l(width, height, alpha_hint, body))])


def transformed_vp8l(image, transforms, alpha_hint=True, **options):
    """A VP8L file with `transforms`: ("predictor", bits, modes), ("colour", bits,
    multipliers), ("green",) or ("palette", colours, indices), in the order written."""
    pixels = argb_pixels(image)
    width, height = image.size

    def body(bits):
        coded, coded_width = pixels, width
        for transform in transforms:
            bits.put(1, 1)
            if transform[0] == "predictor":
                _, tile_bits, modes = transform
                bits.put(0, 2)
                bits.put(tile_bits - 2, 3)
                entropy_image(bits, [m << 8 for m in modes], (coded_width + (1 << tile_bits) - 1) >> tile_bits)
                coded = predictor_residuals(coded, coded_width, tile_bits, modes)
            elif transform[0] == "colour":
                _, tile_bits, multipliers = transform
                bits.put(1, 2)
                bits.put(tile_bits - 2, 3)
                entropy_image(bits, multipliers, (coded_width + (1 << tile_bits) - 1) >> tile_bits)
                coded = cross_colour_forward(coded, coded_width, tile_bits, multipliers)
            elif transform[0] == "green":
                bits.put(2, 2)
                coded = [p & 0xFF00FF00 | (((p >> 16) - (p >> 8)) & 255) << 16 | ((p - (p >> 8)) & 255)
                         for p in coded]
            else:
                _, colours, indices = transform
                coded, coded_width = colour_indexing(bits, colours, indices, width, height)
        bits.put(0, 1)
        entropy_image(bits, coded, coded_width, level0=True, **options)
    return riff([chunk(b"VP8L", vp8l(width, height, alpha_hint, body))])


# ---------------------------------------------------------------------------------------
# Fixtures


def pillow_fixtures():
    files = []
    for method in range(7):
        for quality in (0, 50, 100):
            files.append((f"pillow_gradient_37x23_method{method}_quality{quality}.webp",
                          webp(gradient(37, 23), lossless=True, method=method, quality=quality)))
    for width, height in ((1, 1), (1, 9), (9, 1), (2, 2), (5, 3), (17, 31), (100, 80)):
        files.append((f"pillow_gradient_{width}x{height}.webp", webp(gradient(width, height), lossless=True)))
    for width, height in ((1, 1), (13, 7), (32, 24)):
        files.append((f"pillow_noise_{width}x{height}.webp", webp(noise(width, height), lossless=True)))
        files.append((f"pillow_noise_rgba_{width}x{height}.webp", webp(noise(width, height, 4), lossless=True)))
    for count in (2, 3, 4, 5, 16, 17, 200):
        for width in (1, 7, 33):
            files.append((f"pillow_colours{count}_{width}x9.webp", webp(few_colours(width, 9, count), lossless=True)))
    for exact in (False, True):
        for method in (0, 4, 6):
            files.append((f"pillow_alpha_40x30_method{method}{'_exact' if exact else ''}.webp",
                          webp(with_alpha(gradient(40, 30)), lossless=True, exact=exact, method=method)))
    files.append(("pillow_alpha_colours5_31x9.webp", webp(with_alpha(few_colours(31, 9, 5)), lossless=True)))
    exif = Image.Exif()
    exif[0x010F] = "SemHiTok"
    files.append(("pillow_vp8x_exif_icc_xmp.webp", webp(gradient(30, 20), lossless=True, exif=exif.tobytes(),
                                                         icc_profile=b"\0\0\1\0fake icc profile" * 3, xmp=b"<x:xmpmeta/>")))
    frames = [with_alpha(gradient(40, 30).rotate(10 * k)) for k in range(3)]
    files.append(("pillow_animated_alpha.webp", webp(frames[0], save_all=True, append_images=frames[1:], lossless=True,
                                                     duration=40, loop=2)))
    frames = [gradient(24, 16).rotate(15 * k) for k in range(3)]
    files.append(("pillow_animated_rgb.webp", webp(frames[0], save_all=True, append_images=frames[1:], lossless=True)))
    return files


def crafted_fixtures():
    files = []
    g = gradient(23, 13)
    files.append(("craft_literals_only.webp", simple_vp8l(g, copies=False)))
    files.append(("craft_short_distances_width3.webp", simple_vp8l(few_colours(3, 20, 2))))
    files.append(("craft_long_distance_codes.webp", simple_vp8l(few_colours(29, 11, 3), use_map=False)))
    for cache_bits in range(1, 12):
        files.append((f"craft_colour_cache_{cache_bits}bits.webp", simple_vp8l(few_colours(19, 7, 9), cache_bits=cache_bits,
                                                                                copies=cache_bits % 2 == 0)))
    one = Image.new("RGBA", (6, 4), (10, 200, 30, 255))
    files.append(("craft_simple_codes_one_symbol.webp",
                  simple_vp8l(one, simple={0: [200], 1: [10], 2: [30], 3: [255], 4: [0]}, copies=False)))
    two = Image.fromarray(np.array([[(0, 1, 0, 255), (0, 0, 0, 255)] * 3] * 3, dtype=np.uint8), "RGBA")
    files.append(("craft_simple_codes_one_bit_symbols.webp",
                  simple_vp8l(two, simple={0: [1, 0], 1: [0], 2: [0], 3: [255], 4: [1]}, copies=False)))
    files.append(("craft_simple_code_symbol_beyond_alphabet.webp",
                  simple_vp8l(one, simple={0: [200], 1: [10], 2: [30], 3: [255], 4: [0, 250]}, copies=False)))
    files.append(("craft_tiny_bitstream.webp", simple_vp8l(Image.new("RGBA", (1, 1), (0, 0, 0, 255)),
                                                           simple={0: [0], 1: [0], 2: [0], 3: [255], 4: [0]})))
    rgba = with_alpha(gradient(21, 11))
    files.append(("craft_alpha_hint_off.webp", simple_vp8l(rgba, alpha_hint=False)))
    files.append(("craft_alpha_hint_on.webp", simple_vp8l(rgba, alpha_hint=True)))
    tiles = [(i * 7) % 5 for i in range(((21 + 3) // 4) * ((11 + 3) // 4))]
    files.append(("craft_meta_codes_unused_groups.webp", simple_vp8l(rgba, meta=(2, tiles, 7))))
    modes_image = gradient(34, 18)
    tile_bits = 2
    tiles = ((34 + 3) // 4) * ((18 + 3) // 4)
    files.append(("craft_predictor_modes_0_to_15.webp",
                  transformed_vp8l(with_alpha(modes_image), [("predictor", tile_bits, [i % 16 for i in range(tiles)])])))
    multipliers = [(i * 37 % 256) | (i * 91 % 256) << 8 | (255 - i * 13 % 256) << 16 for i in range(tiles)]
    files.append(("craft_colour_transform.webp", transformed_vp8l(modes_image, [("colour", tile_bits, multipliers)])))
    files.append(("craft_all_transforms.webp",
                  transformed_vp8l(with_alpha(modes_image), [("green",), ("colour", 3, [0x20E0F0] * 15),
                                                             ("predictor", 2, [(i * 5) % 14 for i in range(tiles)])])))
    for count in (2, 3, 5, 17):
        colours = [0xFF000000 | (i * 0x3F1D27) & 0xFFFFFF for i in range(count)]
        width, height = 13, 5
        indices = [(x + 2 * y) % count for y in range(height) for x in range(width)]
        beyond = 1 << (8 >> (0 if count > 16 else 1 if count > 4 else 2 if count > 2 else 3))
        if count < beyond:
            indices[-1] = beyond - 1
        image = Image.new("RGBA", (width, height))
        files.append((f"craft_palette_{count}_colours.webp",
                      transformed_vp8l(image, [("palette", colours, indices)], alpha_hint=True)))
    files += container_fixtures()
    return files


def container_fixtures():
    files = []
    odd = simple_vp8l(few_colours(5, 3, 2))
    assert len(chunks_of(odd)[0][1]) % 2 == 1, "the VP8L payload must be odd to test padding"
    files.append(("craft_odd_payload_padding.webp", odd))
    plain = webp(gradient(12, 10), lossless=True)
    files.append(("craft_trailing_bytes_after_riff.webp", plain + b"trailing bytes"))
    image = chunks_of(plain)[0][1]
    files.append(("craft_vp8x_unknown_chunks.webp",
                  riff([vp8x(12, 10, 0), chunk(b"ABCD", b"123"), chunk(b"VP8L", image), chunk(b"ZZZZ", b"")])))
    files.append(("craft_vp8x_alpha_flag_vp8l_hint_off.webp",
                  riff([vp8x(21, 11, ALPHA), chunk(b"VP8L", chunks_of(simple_vp8l(with_alpha(gradient(21, 11)), False))[0][1])])))
    small = chunks_of(webp(with_alpha(gradient(9, 7)), lossless=True))[0][1]
    other = chunks_of(webp(gradient(12, 10), lossless=True))[0][1]
    anim = chunk(b"ANIM", struct.pack("<IH", 0xFF102030, 0))
    files.append(("craft_animated_offset_frame.webp",
                  riff([vp8x(30, 20, ANIMATION | ALPHA), anim, anmf(6, 4, 9, 7, [chunk(b"VP8L", small)]),
                        anmf(0, 0, 12, 10, [chunk(b"VP8L", other)])])))
    files.append(("craft_animated_offset_frame_no_alpha_flag.webp",
                  riff([vp8x(30, 20, ANIMATION), anim, anmf(6, 4, 9, 7, [chunk(b"VP8L", small)])])))
    files.append(("craft_animated_empty_anmf_first.webp",
                  riff([vp8x(30, 20, ANIMATION | ALPHA), anim, anmf(0, 0, 4, 4, []), anmf(2, 2, 9, 7, [chunk(b"VP8L", small)])])))
    # The demuxer's rules for the chunks around an image (Spec/webp.md section 2).
    alph = chunk(b"ALPH", b"\0" + b"\x80" * 120)
    damaged = bytearray(other)
    damaged[len(damaged) // 2] ^= 0xFF
    files.append(("craft_simple_alph_after_image_ignored.webp", riff([chunk(b"VP8L", image), alph])))
    files.append(("craft_vp8x_alph_after_image_without_alpha_flag.webp", riff([vp8x(12, 10, 0), chunk(b"VP8L", image), alph])))
    files.append(("craft_vp8x_icc_flag_without_icc_chunk.webp", riff([vp8x(12, 10, ICC), chunk(b"VP8L", image)])))
    files.append(("craft_vp8x_animation_chunks_after_still_image.webp",
                  riff([vp8x(12, 10, 0), chunk(b"VP8L", image), anim, anmf(0, 0, 12, 10, [chunk(b"VP8L", image)])])))
    files.append(("craft_simple_empty_chunk_after_image.webp", riff([chunk(b"VP8L", image), chunk(b"VP8L", b"")])))
    files.append(("craft_animated_second_frame_damaged.webp",
                  riff([vp8x(20, 20, ANIMATION), anim, anmf(0, 0, 9, 7, [chunk(b"VP8L", small)]),
                        anmf(0, 0, 12, 10, [chunk(b"VP8L", bytes(damaged))])])))
    files.append(("craft_animated_two_anim_chunks.webp",
                  riff([vp8x(20, 20, ANIMATION), anim, anim, anmf(2, 2, 12, 10, [chunk(b"VP8L", other)])])))
    files.append(("craft_animated_unknown_chunk_in_anmf.webp",
                  riff([vp8x(20, 20, ANIMATION), anim, anmf(0, 0, 12, 10, [chunk(b"VP8L", other), chunk(b"XYZW", b"ab")])])))
    return files


def refused_fixtures():
    plain = webp(gradient(37, 23), lossless=True)
    image = chunks_of(plain)[0][1]
    anim = chunk(b"ANIM", struct.pack("<IH", 0, 0))
    files = [("truncated_riff.webp", plain[:-10]), ("truncated_header.webp", plain[:10])]
    short_riff = bytearray(plain)
    short_riff[4:8] = struct.pack("<I", len(plain) - 8 - 20)
    files.append(("chunk_beyond_riff.webp", bytes(short_riff)))
    cut = image[: len(image) // 2]
    files.append(("truncated_bitstream.webp", riff([chunk(b"VP8L", cut)])))
    bad = bytearray(image)
    bad[0] = 0x2E
    files.append(("vp8l_signature.webp", riff([chunk(b"VP8L", bytes(bad))])))
    bad = bytearray(image)
    bad[4] |= 0x20
    files.append(("vp8l_version.webp", riff([chunk(b"VP8L", bytes(bad))])))
    files.append(("vp8x_size_12.webp", riff([chunk(b"VP8X", bytes([0] * 4) + (36).to_bytes(3, "little")
                                                   + (22).to_bytes(3, "little") + b"\0\0"), chunk(b"VP8L", image)])))
    files.append(("vp8x_canvas_mismatch.webp", riff([vp8x(36, 23, 0), chunk(b"VP8L", image)])))
    files.append(("vp8x_unknown_flag.webp", riff([vp8x(37, 23, 0x01), chunk(b"VP8L", image)])))
    files.append(("alph_before_vp8l.webp", riff([vp8x(37, 23, ALPHA), chunk(b"ALPH", b"\0" * 10), chunk(b"VP8L", image)])))
    files.append(("first_chunk_unknown.webp", riff([chunk(b"ABCD", b""), chunk(b"VP8L", image)])))
    files.append(("frame_outside_canvas.webp", riff([vp8x(40, 30, ANIMATION), anim, anmf(4, 8, 37, 23, [chunk(b"VP8L", image)])])))
    files.append(("anmf_before_anim.webp", riff([vp8x(40, 30, ANIMATION), anmf(0, 0, 37, 23, [chunk(b"VP8L", image)])])))
    files.append(("trailing_bytes_in_riff.webp", riff([chunk(b"VP8L", image), b"abc"])))
    alph = chunk(b"ALPH", b"\0" + b"\x80" * 851)
    files.append(("vp8l_after_alph_after_image.webp", riff([chunk(b"VP8L", image), alph, chunk(b"VP8L", image)])))
    files.append(("alph_after_image_with_alpha_flag.webp", riff([vp8x(37, 23, ALPHA), chunk(b"VP8L", image), alph])))
    files.append(("anmf_alph_after_image.webp", riff([vp8x(40, 30, ANIMATION), anim, anmf(0, 0, 37, 23, [chunk(b"VP8L", image), alph])])))
    files.append(("anmf_alph_only_frame.webp",
                  riff([vp8x(40, 30, ANIMATION), anim, anmf(0, 0, 37, 23, [alph]), anmf(0, 0, 37, 23, [chunk(b"VP8L", image)])])))
    files.append(("empty_anmf_last.webp", riff([vp8x(40, 30, ANIMATION), anim, anmf(0, 0, 37, 23, [chunk(b"VP8L", image)]),
                                                anmf(0, 0, 4, 4, [])])))
    files.append(("second_frame_outside_canvas.webp",
                  riff([vp8x(40, 30, ANIMATION), anim, anmf(0, 0, 37, 23, [chunk(b"VP8L", image)]),
                        anmf(4, 8, 37, 23, [chunk(b"VP8L", image)])])))
    files.append(("second_frame_signature.webp",
                  riff([vp8x(40, 30, ANIMATION), anim, anmf(0, 0, 37, 23, [chunk(b"VP8L", image)]),
                        anmf(0, 0, 37, 23, [chunk(b"VP8L", b"\x2e" + image[1:])])])))
    files.append(("anim_chunk_4_bytes.webp", riff([vp8x(40, 30, ANIMATION), chunk(b"ANIM", b"1234"),
                                                   anmf(0, 0, 37, 23, [chunk(b"VP8L", image)])])))
    files.append(("animation_flag_still_image.webp", riff([vp8x(37, 23, ANIMATION), chunk(b"VP8L", image)])))
    files.append(("anmf_frame_too_large.webp",
                  riff([vp8x(40, 30, ANIMATION), anim, chunk(b"ANMF", b"\0" * 6 + b"\xff" * 6 + b"\0" * 4 + chunk(b"VP8L", image))])))

    def stream(body, width=4, height=4):
        return riff([chunk(b"VP8L", vp8l(width, height, False, body))])

    def transforms_twice(bits):
        bits.put(1, 1)
        bits.put(2, 2)
        bits.put(1, 1)
        bits.put(2, 2)
    files.append(("transform_twice.webp", stream(transforms_twice)))

    def cache_12_bits(bits):
        bits.put(0, 1)
        bits.put(1, 1)
        bits.put(12, 4)
    files.append(("colour_cache_12_bits.webp", stream(cache_12_bits)))

    def incomplete_code(bits):
        # The green code gives symbol 0 length 1 and symbol 1 length 2: half a bit's worth
        # of codes is missing.
        bits.put(0, 3)  # no transform, no cache, no meta codes
        bits.put(0, 1)  # normal code
        bits.put(1, 4)  # five code-length code lengths: 17, 18, 0, 1, 2
        for length in (0, 0, 1, 2, 2):
            bits.put(length, 3)
        bits.put(0, 1)
        codes = canonical_codes({0: 1, 1: 2, 2: 2})
        bits.code(codes, 1)
        bits.code(codes, 2)
        for _ in range(278):
            bits.code(codes, 0)
    files.append(("incomplete_code.webp", stream(incomplete_code)))

    def over_subscribed_code_length_code(bits):
        bits.put(0, 3)
        bits.put(0, 1)
        bits.put(0, 4)
        for length in (1, 1, 1, 0):
            bits.put(length, 3)
    files.append(("over_subscribed_code.webp", stream(over_subscribed_code_length_code)))

    def no_distance_symbols(bits):
        # Simple codes: symbol 0 for green, red, blue and alpha, symbol 200 for the
        # distance code, beyond its 40 symbols.
        bits.put(0, 3)
        for symbol in (0, 0, 0, 0, 200):
            bits.put(0b101, 3)
            bits.put(symbol, 8)
        bits.put(0, 32)
    files.append(("distance_code_without_symbols.webp", stream(no_distance_symbols)))
    files.append(("copy_before_start.webp", copy_first_pixel()))
    return files


def copy_first_pixel():
    """A 4 x 4 VP8L image whose first token is an LZ77 copy: nothing precedes it."""
    bits = Bits()
    bits.put(0x2F, 8)
    bits.put(3, 14)
    bits.put(3, 14)
    bits.put(0, 4)
    bits.put(0, 3)
    write_code(bits, 280, {256: 1})
    for _ in range(3):
        write_code(bits, 256, {0: 1})
    write_code(bits, 40, {0: 1})
    bits.put(0, 16)
    return riff([chunk(b"VP8L", bits.bytes())])


# ---------------------------------------------------------------------------------------
# Lossy files with alpha: the ALPH decoder's fixtures


def alph_filter(alpha, method):
    """The forward filter of the ALPH chunk (1 horizontal, 2 vertical, 3 gradient)."""
    height, width = alpha.shape
    a = alpha.astype(np.int32)
    out = np.zeros_like(a)
    for y in range(height):
        for x in range(width):
            if y == 0:
                prediction = 0 if x == 0 else a[y, x - 1]
            elif x == 0:
                prediction = a[y - 1, x]
            elif method == 1:
                prediction = a[y, x - 1]
            elif method == 2:
                prediction = a[y - 1, x]
            else:
                prediction = clamp(a[y, x - 1] + a[y - 1, x] - a[y - 1, x - 1])
            out[y, x] = (a[y, x] - prediction) & 255
    return out.astype(np.uint8)


def alph_chunk(alpha, method, filtering, preprocessing=0):
    values = alpha if filtering == 0 else alph_filter(alpha, filtering)
    header = bytes([method | filtering << 2 | preprocessing << 4])
    if method == 0:
        return chunk(b"ALPH", header + values.tobytes())
    height, width = values.shape
    bits = Bits()
    bits.put(0, 1)
    entropy_image(bits, [0xFF000000 | int(v) << 8 for v in values.ravel()], width, level0=True)
    return chunk(b"ALPH", header + bits.bytes())


def colour_indexing(bits, colours, indices, width, height):
    """Writes a colour-indexing transform of `colours` (its type, size and delta-coded
    palette) and returns the image it leaves, `indices` (row-major, `width` by `height`)
    bundled into the green channel as RFC 9649 packs them, with that image's width."""
    bits.put(3, 2)
    bits.put(len(colours) - 1, 8)
    entropy_image(bits, [colours[0]] + [subtract(colours[i], colours[i - 1]) for i in range(1, len(colours))],
                  len(colours))
    bundle = 0 if len(colours) > 16 else 1 if len(colours) > 4 else 2 if len(colours) > 2 else 3
    per = 1 << bundle
    coded_width = (width + per - 1) // per
    coded = []
    for y in range(height):
        for packed_x in range(coded_width):
            byte = 0
            for k in range(min(per, width - packed_x * per)):
                byte |= indices[y * width + packed_x * per + k] << (k * (8 >> bundle))
            coded.append(0xFF000000 | byte << 8)
    return coded, coded_width


def palette_alph_data(values):
    """An ALPH chunk's lossless data for the plane `values` by a colour-indexing transform
    alone, without colour cache, red, blue and alpha codes of one symbol: the planes libwebp
    decodes by its 8-bit path (`DecodeAlphaData`)."""
    height, width = values.shape
    levels = sorted({int(v) for v in values.ravel()})
    colours = [0xFF000000 | level << 8 for level in levels]
    bits = Bits()
    bits.put(1, 1)
    coded, coded_width = colour_indexing(bits, colours, [levels.index(int(v)) for v in values.ravel()], width, height)
    bits.put(0, 1)
    entropy_image(bits, coded, coded_width, level0=True)
    return bits.bytes()


def overrunning_plane(alpha, seed):
    """Three alpha levels from `alpha`, a fifth of the values set to 128 at random (`seed`),
    and a long run at the end, so that the last step is an LZ77 copy."""
    values = np.where(np.random.default_rng(seed).random(alpha.shape) < 0.2, 128, alpha // 128 * 255).astype(np.uint8)
    tail = 20 + 3 * seed
    values.ravel()[-tail:] = values.ravel()[-tail - 1]
    return values


def alpha_fixtures():
    files = []
    content = with_alpha(gradient(27, 19))
    for quality in (100, 60, 20):
        files.append((f"pillow_alpha_quality{quality}.webp", webp(content, lossless=False, quality=80, alpha_quality=quality)))
    base = webp(content, lossless=False, quality=80)
    parts = chunks_of(base)
    vp8 = next(payload for fourcc, payload in parts if fourcc == b"VP8 ")
    alpha = np.asarray(content)[..., 3]
    for method in (0, 1):
        for filtering, name in enumerate(("none", "horizontal", "vertical", "gradient")):
            files.append((f"craft_alph_method{method}_{name}.webp",
                          riff([vp8x(27, 19, ALPHA), alph_chunk(alpha, method, filtering), chunk(b"VP8 ", vp8)])))
    files.append(("craft_alph_preprocessing_bit.webp",
                  riff([vp8x(27, 19, ALPHA), alph_chunk(alpha, 1, 3, preprocessing=1), chunk(b"VP8 ", vp8)])))
    # Colour-indexed planes less their last byte, whose last step reads past the data and
    # completes the plane, which libwebp's 8-bit path accepts (Spec/webp.md section 5.1). The
    # seeds give a last step that reads zeros past the end (1); one whose read at 64 bits
    # into the last window wraps to the window's start (19); a copy whose length read sets
    # the end-of-stream flag, so that its distance code is read from the window's start (9);
    # and one with both (65).
    for seed, filtering in ((1, 0), (19, 1), (9, 2), (65, 3)):
        data = palette_alph_data(overrunning_plane(alpha, seed))[:-1]
        files.append((f"craft_alph_palette_last_step_overruns_seed{seed}.webp",
                      riff([vp8x(27, 19, ALPHA), chunk(b"ALPH", bytes([1 | filtering << 2]) + data), chunk(b"VP8 ", vp8)])))
    return files


def write_alpha_folder(out, files):
    os.makedirs(out, exist_ok=True)
    planes, pixels = {}, {}
    for name, data in files:
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(data)
        planes[name] = np.ascontiguousarray(np.asarray(Image.open(io.BytesIO(data)).getchannel("A"), dtype=np.uint8))
        pixels[name] = pillow_rgb(data)
    write_weights(os.path.join(out, "expected_alpha.shw"),
                  {"case.description": "Pillow's alpha plane (getchannel('A')) of each lossy WebP in this folder"}, planes)
    write_weights(os.path.join(out, "expected.shw"),
                  {"case.description": "Pillow's RGB pixels (open, then RGBA composited over white, then RGB) of each "
                                       "lossy WebP with alpha in this folder, tensor named by file"}, pixels)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "golden", "images", "webp"))
    out = parser.parse_args().out
    write_fixture_folder(out, pillow_fixtures() + crafted_fixtures(), refused_fixtures(),
                         "Pillow's RGB pixels (open, then RGBA composited over white, then RGB) of each WebP "
                         "in this folder, tensor named by file")
    write_alpha_folder(os.path.join(out, "alpha"), alpha_fixtures())


if __name__ == "__main__":
    main()
