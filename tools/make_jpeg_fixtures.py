"""Writes golden/images/jpeg/: small JPEG files covering what Spec/jpeg.md decodes, the RGB
pixels Pillow gives for each, and compact references for the photographs in
../shared/testdata/images.

Most files are written by Pillow (libjpeg-turbo) at several sizes, qualities, chroma
subsamplings, with progressive, optimized-table and restart-interval options, in greyscale,
in CMYK, and with EXIF orientations 1 to 8. What Pillow cannot write (4:4:0 and mixed
sampling factors, non-interleaved sequential scans, hand-written progressive scripts, SOF1
with 16-bit quantization tables, RGB component identifiers, YCCK, CMYK without an Adobe
marker or with subsampling) is written by the small baseline and progressive Huffman
encoder in this file (`craft_jpeg`), which also codes arithmetically (SOF9, SOF10, with
T.81 annex D's coder, `QMEncoder`); lossless files (SOF3, which Pillow cannot write) by its
lossless encoder (`craft_lossless`). A few files are Pillow's output
edited at the marker level (tables omitted, bytes inserted between segments, XMP or
damaged EXIF segments added), and a few crafted scripts leave a component out of every
scan.

Expected values: for every file, Pillow's decode followed by `ImageOps.exif_transpose` and
`convert("RGB")`, stored in `expected.shw` (a weight container, `Spec/weights.md`) as a u8
tensor [H, W, 3] named after the file. For each photograph, `photographs.shw` holds the
SHA-256 of Pillow's RGB bytes (config `<name>.sha256`), its size, and every 32nd row and
column of those pixels (tensor `<name>`).

Regenerate from the repository root (needs numpy, Pillow and ../shared/testdata):

    python3 tools/make_jpeg_fixtures.py

The output is deterministic: a rerun reproduces the committed bytes.
"""
import argparse
import hashlib
import io
import os
import struct
import sys

import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import write_weights  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TESTDATA = os.path.join(ROOT, "..", "shared", "testdata", "images")
PHOTOGRAPHS = ["hubble_deep_field.jpg", "retina.jpg", "rocket.jpg"]
SAMPLE_STEP = 32

# T.81 figure A.6: NATURAL[k] is the row-major position of the k-th zigzag coefficient.
NATURAL = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]

# T.81 table K.1 and K.2 (quality 50), in row-major order.
LUMINANCE_QUANT = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]
CHROMINANCE_QUANT = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ]


# ---------------------------------------------------------------------------------------
# Content


def photo(width, height):
    """A crop of the astronaut photograph resized to width x height."""
    source = Image.open(os.path.join(TESTDATA, "astronaut.png")).convert("RGB")
    return source.crop((96, 32, 416, 352)).resize((width, height), Image.Resampling.BICUBIC)


def gradient(width, height):
    """A smooth synthetic gradient in all three channels."""
    y, x = np.mgrid[0:height, 0:width]
    red = 255 * x / max(width - 1, 1)
    green = 255 * y / max(height - 1, 1)
    blue = 127.5 + 127.5 * np.sin((x + 2 * y) / 5.0)
    return Image.fromarray(np.stack([red, green, blue], -1).round().astype(np.uint8))


def noise(width, height, seed=0x4A504547):
    """Uniform random pixels: every coefficient busy, long Huffman codes."""
    rng = np.random.default_rng(seed + 1000 * width + height)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def inks(width, height):
    """A CMYK image whose four channels all vary: the photograph's complements as C, M, Y
    and the gradient's blue wave, scaled down, as K."""
    rgb = np.asarray(photo(width, height).convert("RGB"))
    black = np.asarray(gradient(width, height))[:, :, 2] * 3 // 5
    return Image.fromarray(np.dstack([255 - rgb, black]).astype(np.uint8), "CMYK")


CONTENT = {"photo": photo, "gradient": gradient, "noise": noise}


# ---------------------------------------------------------------------------------------
# Marker-level editing


def segment(marker, payload):
    """A marker segment: FF, the marker code, the big-endian length, the payload."""
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def split_segments(data):
    """(marker, whole segment bytes) up to and including the first SOS, then the rest."""
    assert data[:2] == b"\xff\xd8"
    position, parts = 2, []
    while True:
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        parts.append((marker, data[position:position + 2 + length]))
        position += 2 + length
        if marker == 0xDA:
            return parts, data[position:]


def join_segments(parts, rest):
    return b"\xff\xd8" + b"".join(bytes_ for _, bytes_ in parts) + rest


def insert_after_app0(data, *segments):
    """Inserts whole segments after the JFIF APP0 segment (or after SOI)."""
    parts, rest = split_segments(data)
    at = 1 if parts and parts[0][0] == 0xE0 else 0
    return join_segments(parts[:at] + [(0, s) for s in segments] + parts[at:], rest)


def exif_segment(orientation, big_endian=False, entries=None):
    """An APP1 EXIF segment whose IFD0 holds tag 0x0112 = orientation as a SHORT."""
    order = ">" if big_endian else "<"
    header = (b"MM\x00\x2a" if big_endian else b"II\x2a\x00") + struct.pack(order + "I", 8)
    entries = entries if entries is not None else [(0x0112, 3, 1, struct.pack(order + "H", orientation) + b"\0\0")]
    ifd = struct.pack(order + "H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack(order + "HHI", tag, kind, count) + value
    return segment(0xE1, b"Exif\x00\x00" + header + ifd + struct.pack(order + "I", 0))


def xmp_segment(orientation):
    """An APP1 XMP segment whose packet sets tiff:Orientation."""
    packet = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
              f'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="{orientation}"/>'
              '</rdf:RDF></x:xmpmeta>')
    return segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet.encode())


# ---------------------------------------------------------------------------------------
# A small JPEG encoder for what Pillow cannot write


def fdct(plane):
    """The 8 x 8 DCT of T.81 A.3.3 of every block of `plane` (whose sides are multiples of
    8), level-shifted by 128: an array [block rows, blocks per line, 8, 8]."""
    u = np.arange(8)
    basis = np.cos((2 * u[None, :] + 1) * u[:, None] * np.pi / 16) / 2
    basis[0] /= np.sqrt(2)
    rows, columns = plane.shape[0] // 8, plane.shape[1] // 8
    blocks = plane.reshape(rows, 8, columns, 8).transpose(0, 2, 1, 3).astype(np.float64) - 128
    return np.einsum("ux,rcxy,vy->rcuv", basis, blocks, basis)


def bit_length(value):
    return int(value).bit_length()


def optimal_table(frequencies):
    """Code lengths and symbols by T.81 annex K.2 (lengths limited to 16 bits, the all-ones
    code reserved), from {symbol: count}: (counts for lengths 1..16, symbols in order)."""
    freq = [0] * 257
    for symbol, count in frequencies.items():
        freq[symbol] = count
    freq[256] = 1
    size = [0] * 257
    others = [-1] * 257
    while True:
        c1, c2, v1, v2 = -1, -1, None, None
        for i in range(257):
            if freq[i] and (v1 is None or freq[i] <= v1):
                v1, c1 = freq[i], i
        for i in range(257):
            if freq[i] and i != c1 and (v2 is None or freq[i] <= v2):
                v2, c2 = freq[i], i
        if c2 < 0:
            break
        freq[c1] += freq[c2]
        freq[c2] = 0
        size[c1] += 1
        while others[c1] >= 0:
            c1 = others[c1]
            size[c1] += 1
        others[c1] = c2
        size[c2] += 1
        while others[c2] >= 0:
            c2 = others[c2]
            size[c2] += 1
    bits = [0] * 40
    for i in range(257):
        if size[i]:
            bits[size[i]] += 1
    for i in range(39, 16, -1):
        while bits[i] > 0:
            j = i - 2
            while bits[j] == 0:
                j -= 1
            bits[i] -= 2
            bits[i - 1] += 1
            bits[j + 1] += 2
            bits[j] -= 1
    i = 16
    while bits[i] == 0:
        i -= 1
    bits[i] -= 1
    symbols = [s for length in range(1, 33) for s in range(256) if size[s] == length]
    return bits[1:17], symbols


def canonical_codes(counts, symbols):
    """{symbol: (code, length)} for a table given as in a DHT segment."""
    codes, code, index = {}, 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            codes[symbols[index]] = (code, length)
            code += 1
            index += 1
        code <<= 1
    return codes


class BitWriter:
    """Entropy-coded bytes: most significant bit first, FF followed by a stuffed 00."""

    def __init__(self):
        self.out = bytearray()
        self.accumulator = 0
        self.count = 0

    def write(self, value, length):
        for shift in range(length - 1, -1, -1):
            self.accumulator = (self.accumulator << 1) | ((value >> shift) & 1)
            self.count += 1
            if self.count == 8:
                self.out.append(self.accumulator)
                if self.accumulator == 0xFF:
                    self.out.append(0)
                self.accumulator, self.count = 0, 0

    def align(self):
        """Pads the last byte with 1 bits."""
        if self.count:
            self.write((1 << (8 - self.count)) - 1, 8 - self.count)


class ScanEvents:
    """The symbols and raw bits of one scan, recorded so that Huffman tables can be built
    from the scan's own statistics before it is written. `longest_run` bounds end-of-band
    runs (1 when the tables have no EOBn symbols, as the annex K tables)."""

    def __init__(self, longest_run=0x7FFF):
        self.events = []
        self.end_of_band_run = 0
        self.pending_bits = []
        self.longest_run = longest_run

    def symbol(self, table, value):
        self.events.append(("symbol", table, value))

    def bits(self, value, length):
        if length:
            self.events.append(("bits", value, length))

    def restart(self, number):
        self.flush_end_of_band()
        self.events.append(("restart", number))

    def flush_end_of_band(self):
        """Emits the pending end-of-band run (EOBn) and its correction bits."""
        if self.end_of_band_run:
            n = bit_length(self.end_of_band_run) - 1
            self.symbol(self.ac_table, n << 4)
            self.bits(self.end_of_band_run & ((1 << n) - 1), n)
            for bit in self.pending_bits:
                self.bits(bit, 1)
            self.end_of_band_run, self.pending_bits = 0, []


def magnitude_bits(value, size):
    return value if value >= 0 else value + (1 << size) - 1


def encode_sequential_block(events, block, dc_table, ac_table, previous_dc):
    difference = int(block[0]) - previous_dc
    size = bit_length(abs(difference))
    events.symbol(dc_table, size)
    events.bits(magnitude_bits(difference, size), size)
    run = 0
    for k in range(1, 64):
        value = int(block[NATURAL[k]])
        if value == 0:
            run += 1
            continue
        while run > 15:
            events.symbol(ac_table, 0xF0)
            run -= 16
        size = bit_length(abs(value))
        events.symbol(ac_table, (run << 4) | size)
        events.bits(magnitude_bits(value, size), size)
        run = 0
    if run:
        events.symbol(ac_table, 0x00)
    return int(block[0])


def encode_ac_first(events, block, start, end, al):
    run = 0
    for k in range(start, end + 1):
        value = int(block[NATURAL[k]])
        magnitude = abs(value) >> al
        if magnitude == 0:
            run += 1
            continue
        events.flush_end_of_band()
        while run > 15:
            events.symbol(events.ac_table, 0xF0)
            run -= 16
        size = bit_length(magnitude)
        events.symbol(events.ac_table, (run << 4) | size)
        events.bits(magnitude if value >= 0 else (1 << size) - 1 - magnitude, size)
        run = 0
    if run:
        events.end_of_band_run += 1
        if events.end_of_band_run == events.longest_run:
            events.flush_end_of_band()


def encode_ac_refinement(events, block, start, end, al):
    magnitudes = {k: abs(int(block[NATURAL[k]])) >> al for k in range(start, end + 1)}
    last_new = max([k for k, m in magnitudes.items() if m == 1], default=0)
    run, corrections = 0, []
    for k in range(start, end + 1):
        magnitude = magnitudes[k]
        if magnitude == 0:
            run += 1
            continue
        while run > 15 and k <= last_new:
            events.flush_end_of_band()
            events.symbol(events.ac_table, 0xF0)
            run -= 16
            for bit in corrections:
                events.bits(bit, 1)
            corrections = []
        if magnitude > 1:
            corrections.append(magnitude & 1)
            continue
        events.flush_end_of_band()
        events.symbol(events.ac_table, (run << 4) | 1)
        events.bits(1 if block[NATURAL[k]] > 0 else 0, 1)
        for bit in corrections:
            events.bits(bit, 1)
        corrections, run = [], 0
    if run or corrections:
        events.end_of_band_run += 1
        events.pending_bits += corrections
        if events.end_of_band_run == events.longest_run or len(events.pending_bits) > 900:
            events.flush_end_of_band()


def standard_tables():
    """{("dc" or "ac", slot): (counts, symbols)}: the tables of T.81 annex K.3, read from
    the DHT segments libjpeg writes when not optimizing."""
    tables = {}
    parts, _ = split_segments(pillow_jpeg(Image.new("RGB", (8, 8)), quality=75))
    for marker, whole in parts:
        payload = whole[4:]
        while marker == 0xC4 and payload:
            counts = list(payload[1:17])
            tables[("ac" if payload[0] >> 4 else "dc", payload[0] & 15)] = (counts, list(payload[17:17 + sum(counts)]))
            payload = payload[17 + sum(counts):]
    return tables


def component_samples(image, sampling, colour):
    """(h, v, samples) per component: the planes of `image` in `colour` (see craft_jpeg),
    box-averaged to each component's resolution, ceil(width h / hMax) by
    ceil(height v / vMax)."""
    if colour == "grey":
        planes = [np.asarray(image.convert("L"))]
    elif colour == "rgb":
        planes = [np.asarray(image.convert("RGB"))[:, :, c] for c in range(3)]
    elif colour == "cmyk":
        planes = [255 - np.asarray(image)[:, :, c] for c in range(4)]
    elif colour == "ycck":
        ink = np.asarray(image)
        ycc = np.asarray(Image.fromarray(np.ascontiguousarray(ink[:, :, :3]), "RGB").convert("YCbCr"))
        planes = [ycc[:, :, c] for c in range(3)] + [255 - ink[:, :, 3]]
    else:
        planes = [np.asarray(image.convert("YCbCr"))[:, :, c] for c in range(3)]
    width, height = image.size
    h_max = max(h for h, _ in sampling)
    v_max = max(v for _, v in sampling)
    result = []
    for (h, v), plane in zip(sampling, planes):
        comp_width, comp_height = -(-width * h // h_max), -(-height * v // v_max)
        fy, fx = v_max // v, h_max // h
        padded = np.pad(plane.astype(np.int64), ((0, comp_height * fy - height), (0, comp_width * fx - width)), mode="edge")
        reduced = (padded.reshape(comp_height, fy, comp_width, fx).sum(axis=(1, 3)) + fy * fx // 2) // (fy * fx)
        result.append((h, v, reduced))
    return result


def scan_bytes(events, sos_payload, huffman="optimal"):
    """A scan's DHT segments (unless `huffman` is "omitted"), its SOS segment and its
    entropy-coded data, from its recorded events."""
    out = bytearray()
    statistics = {}
    for event in events.events:
        if event[0] == "symbol":
            statistics.setdefault(event[1], {}).setdefault(event[2], 0)
            statistics[event[1]][event[2]] += 1
    codes = {}
    for table in sorted(statistics):
        counts, symbols = optimal_table(statistics[table]) if huffman == "optimal" else standard_tables()[table]
        codes[table] = canonical_codes(counts, symbols)
        if huffman != "omitted":
            out += segment(0xC4, bytes([(0x10 if table[0] == "ac" else 0) | table[1]]) + bytes(counts) + bytes(symbols))
    out += segment(0xDA, sos_payload)
    writer = BitWriter()
    for event in events.events:
        if event[0] == "symbol":
            code, length = codes[event[1]][event[2]]
            writer.write(code, length)
        elif event[0] == "bits":
            writer.write(event[1], event[2])
        else:
            writer.align()
            writer.out += bytes([0xFF, 0xD0 + event[1]])
    writer.align()
    out += writer.out
    return bytes(out)


# T.81 table D.2: per state, Qe, the next state after an LPS and after an MPS, and whether
# an LPS switches the MPS sense; state 113 is libjpeg's fixed probability 0.5 (it never
# changes), used for signs and DC refinement bits.
QE_TABLE = [
    (0x5A1D, 1, 1, 1), (0x2586, 14, 2, 0), (0x1114, 16, 3, 0), (0x080B, 18, 4, 0), (0x03D8, 20, 5, 0),
    (0x01DA, 23, 6, 0), (0x00E5, 25, 7, 0), (0x006F, 28, 8, 0), (0x0036, 30, 9, 0), (0x001A, 33, 10, 0),
    (0x000D, 35, 11, 0), (0x0006, 9, 12, 0), (0x0003, 10, 13, 0), (0x0001, 12, 13, 0), (0x5A7F, 15, 15, 1),
    (0x3F25, 36, 16, 0), (0x2CF2, 38, 17, 0), (0x207C, 39, 18, 0), (0x17B9, 40, 19, 0), (0x1182, 42, 20, 0),
    (0x0CEF, 43, 21, 0), (0x09A1, 45, 22, 0), (0x072F, 46, 23, 0), (0x055C, 48, 24, 0), (0x0406, 49, 25, 0),
    (0x0303, 51, 26, 0), (0x0240, 52, 27, 0), (0x01B1, 54, 28, 0), (0x0144, 56, 29, 0), (0x00F5, 57, 30, 0),
    (0x00B7, 59, 31, 0), (0x008A, 60, 32, 0), (0x0068, 62, 33, 0), (0x004E, 63, 34, 0), (0x003B, 32, 35, 0),
    (0x002C, 33, 9, 0), (0x5AE1, 37, 37, 1), (0x484C, 64, 38, 0), (0x3A0D, 65, 39, 0), (0x2EF1, 67, 40, 0),
    (0x261F, 68, 41, 0), (0x1F33, 69, 42, 0), (0x19A8, 70, 43, 0), (0x1518, 72, 44, 0), (0x1177, 73, 45, 0),
    (0x0E74, 74, 46, 0), (0x0BFB, 75, 47, 0), (0x09F8, 77, 48, 0), (0x0861, 78, 49, 0), (0x0706, 79, 50, 0),
    (0x05CD, 48, 51, 0), (0x04DE, 50, 52, 0), (0x040F, 50, 53, 0), (0x0363, 51, 54, 0), (0x02D4, 52, 55, 0),
    (0x025C, 53, 56, 0), (0x01F8, 54, 57, 0), (0x01A4, 55, 58, 0), (0x0160, 56, 59, 0), (0x0125, 57, 60, 0),
    (0x00F6, 58, 61, 0), (0x00CB, 59, 62, 0), (0x00AB, 61, 63, 0), (0x008F, 61, 32, 0), (0x5B12, 65, 65, 1),
    (0x4D04, 80, 66, 0), (0x412C, 81, 67, 0), (0x37D8, 82, 68, 0), (0x2FE8, 83, 69, 0), (0x293C, 84, 70, 0),
    (0x2379, 86, 71, 0), (0x1EDF, 87, 72, 0), (0x1AA9, 87, 73, 0), (0x174E, 72, 74, 0), (0x1424, 72, 75, 0),
    (0x119C, 74, 76, 0), (0x0F6B, 74, 77, 0), (0x0D51, 75, 78, 0), (0x0BB6, 77, 79, 0), (0x0A40, 77, 48, 0),
    (0x5832, 80, 81, 1), (0x4D1C, 88, 82, 0), (0x438E, 89, 83, 0), (0x3BDD, 90, 84, 0), (0x34EE, 91, 85, 0),
    (0x2EAE, 92, 86, 0), (0x299A, 93, 87, 0), (0x2516, 86, 71, 0), (0x5570, 88, 89, 1), (0x4CA9, 95, 90, 0),
    (0x44D9, 96, 91, 0), (0x3E22, 97, 92, 0), (0x3824, 99, 93, 0), (0x32B4, 99, 94, 0), (0x2E17, 93, 86, 0),
    (0x56A8, 95, 96, 1), (0x4F46, 101, 97, 0), (0x47E5, 102, 98, 0), (0x41CF, 103, 99, 0), (0x3C3D, 104, 100, 0),
    (0x375E, 99, 93, 0), (0x5231, 105, 102, 0), (0x4C0F, 106, 103, 0), (0x4639, 107, 104, 0), (0x415E, 103, 99, 0),
    (0x5627, 105, 106, 1), (0x50E7, 108, 107, 0), (0x4B85, 109, 103, 0), (0x5597, 110, 109, 0), (0x504F, 111, 107, 0),
    (0x5A10, 110, 111, 1), (0x5522, 112, 109, 0), (0x59EB, 112, 111, 1), (0x5A1D, 113, 113, 0),
]
FIXED_STATE = 113


class QMEncoder:
    """T.81 annex D's arithmetic coder, with the code register as an unbounded integer so
    that carries need no handling. A statistics bin is a one-element list holding
    `mps << 7 | state`, as libjpeg keeps it."""

    def __init__(self):
        self.out = bytearray()
        self.reset()

    def reset(self):
        self.low, self.range, self.shifts = 0, 0x10000, 0

    def encode(self, bit, bin_):
        state, mps = bin_[0] & 0x7F, bin_[0] >> 7
        qe, next_lps, next_mps, switch = QE_TABLE[state]
        self.range -= qe
        if bit == mps:
            if self.range >= 0x8000:
                return
            # Conditional exchange: the MPS takes the larger, upper part.
            if self.range < qe:
                self.low += self.range
                self.range = qe
            bin_[0] = mps << 7 | next_mps
        else:
            if self.range >= qe:
                self.low += self.range
                self.range = qe
            bin_[0] = (mps ^ switch) << 7 | next_lps
        while self.range < 0x8000:
            self.range <<= 1
            self.low <<= 1
            self.shifts += 1

    def flush(self):
        """Ends the segment: the value in [low, low + range) with the most trailing zero
        bits, written without its trailing zero bytes (the decoder supplies zeros), FF
        followed by a stuffed 00."""
        bits = 16 + self.shifts
        for zeros in range(bits, -1, -1):
            value = -(-self.low >> zeros) << zeros
            if value < self.low + self.range:
                break
        padded = -(-bits // 8) * 8
        data = (value << (padded - bits)).to_bytes(padded // 8, "big").rstrip(b"\x00")
        self.out += data.replace(b"\xff", b"\xff\x00")
        self.reset()


class ArithmeticScan:
    """One scan's arithmetic coding (T.81 F.1.4 and G.1.3), the model mirrored from
    libjpeg's decoder: DC statistics of 64 bins and AC statistics of 256 per table slot,
    the DC context per scan component. `conditioning` maps a slot to (L, U, Kx)."""

    def __init__(self, members, conditioning):
        self.coder = QMEncoder()
        self.members = members
        self.conditioning = conditioning
        self.fixed = [FIXED_STATE]
        self.reset_statistics()

    def reset_statistics(self):
        self.dc_stats = {slot: [[0] for _ in range(64)] for slot in range(4)}
        self.ac_stats = {slot: [[0] for _ in range(256)] for slot in range(4)}
        self.contexts = [0] * len(self.members)
        self.predictors = [0] * len(self.members)

    def restart(self, number):
        self.coder.flush()
        self.coder.out += bytes([0xFF, 0xD0 + number])
        self.reset_statistics()

    def dc(self, position, value, slot):
        stats, lower, upper = self.dc_stats[slot], self.conditioning[slot][0], self.conditioning[slot][1]
        difference = value - self.predictors[position]
        self.predictors[position] = value
        at = self.contexts[position]
        if difference == 0:
            self.coder.encode(0, stats[at])
            self.contexts[position] = 0
            return
        self.coder.encode(1, stats[at])
        sign = int(difference < 0)
        self.coder.encode(sign, stats[at + 1])
        at += 2 + sign
        m = abs(difference) - 1
        top = 1 << (m.bit_length() - 1) if m else 0
        self.coder.encode(int(top > 0), stats[at])
        if top:
            at = self.category(top, 1, stats, 20)
        if top < (1 << lower) >> 1:
            self.contexts[position] = 0
        elif top > (1 << upper) >> 1:
            self.contexts[position] = 12 + 4 * sign
        else:
            self.contexts[position] = 4 + 4 * sign
        self.bits_below(m, top, stats, at + 14)

    def category(self, top, step, stats, at):
        """Figure F.23's unary code of the category `top` above `step`, from bin `at`;
        returns the bin it ended at."""
        while step < top:
            self.coder.encode(1, stats[at])
            step <<= 1
            at += 1
        self.coder.encode(0, stats[at])
        return at

    def bits_below(self, m, top, stats, at):
        mask = top >> 1
        while mask:
            self.coder.encode(int(bool(m & mask)), stats[at])
            mask >>= 1

    def ac(self, values, start, end, slot):
        """Figure F.20 on `values` (zigzag index to value) for k = start..end."""
        stats, limit = self.ac_stats[slot], self.conditioning[slot][2]
        last = max([k for k in range(start, end + 1) if values[k]], default=0)
        k = start
        while k <= end:
            at = 3 * (k - 1)
            if k > last:
                self.coder.encode(1, stats[at])
                return
            self.coder.encode(0, stats[at])
            while values[k] == 0:
                self.coder.encode(0, stats[at + 1])
                at += 3
                k += 1
            self.coder.encode(1, stats[at + 1])
            value = values[k]
            self.coder.encode(int(value < 0), self.fixed)
            at += 2
            m = abs(value) - 1
            top = 1 << (m.bit_length() - 1) if m else 0
            self.coder.encode(int(top > 0), stats[at])
            if top:
                self.coder.encode(int(top > 1), stats[at])
                if top > 1:
                    at = self.category(top, 2, stats, 189 if k <= limit else 217)
            self.bits_below(m, top, stats, at + 14)
            k += 1

    def ac_refinement(self, block, start, end, al, slot):
        """libjpeg's AC refinement model: end-of-block decisions only past the last
        coefficient already nonzero, correction bits for those, new values of magnitude 1."""
        stats = self.ac_stats[slot]
        now = {k: abs(int(block[NATURAL[k]])) >> al for k in range(1, 64)}
        before = {k: now[k] >> 1 for k in range(1, 64)}
        known_end = max([k for k in range(1, end + 1) if before[k]], default=0)
        last = max([k for k in range(start, end + 1) if now[k]], default=0)
        k = start
        while k <= end:
            at = 3 * (k - 1)
            if k > known_end:
                self.coder.encode(int(k > last), stats[at])
                if k > last:
                    return
            while True:
                if before[k]:
                    self.coder.encode(now[k] & 1, stats[at + 2])
                    break
                if now[k]:
                    self.coder.encode(1, stats[at + 1])
                    self.coder.encode(int(block[NATURAL[k]] < 0), self.fixed)
                    break
                self.coder.encode(0, stats[at + 1])
                at += 3
                k += 1
            k += 1


def dac_segment(conditioning):
    """A DAC segment giving every slot's (L, U, Kx) in `conditioning`."""
    payload = b""
    for slot, (lower, upper, limit) in sorted(conditioning.items()):
        payload += bytes([slot, upper << 4 | lower, 0x10 | slot, limit])
    return segment(0xCC, payload)


def arithmetic_block(scan, position, block, slot, progressive, ss, se, ah, al):
    """Codes one block of an arithmetic scan: sequential, or one progressive pass."""
    if not progressive:
        scan.dc(position, int(block[0]), slot)
        scan.ac({k: int(block[NATURAL[k]]) for k in range(64)}, 1, 63, slot)
    elif ss == 0 and ah == 0:
        scan.dc(position, int(block[0]) >> al, slot)
    elif ss == 0:
        scan.coder.encode((int(block[0]) >> al) & 1, scan.fixed)
    elif ah == 0:
        values = {}
        for k in range(ss, se + 1):
            value = int(block[NATURAL[k]])
            values[k] = (abs(value) >> al) * (-1 if value < 0 else 1)
        scan.ac(values, ss, se, slot)
    else:
        scan.ac_refinement(block, ss, se, al, slot)


def craft_jpeg(image, sampling, scans, sof=0xC0, restart_interval=0, colour="ycbcr", identifiers=(1, 2, 3),
               quant_scale=1.0, sixteen_bit_quant=False, head_segments=(), huffman="optimal", conditioning=None):
    """A JPEG of `image` written by this file's encoder.

    sampling: (h, v) per component; scans: dicts with `components` (indices), and for
    progressive frames `ss`, `se`, `ah`, `al`; sof: 0xC0, 0xC1, 0xC2, or 0xC9 and 0xCA
    (arithmetic coding, T.81 annex D, sequential and progressive); colour: "ycbcr"
    (Pillow's conversion), "rgb" (no conversion), "grey", or for a CMYK `image` "cmyk" or
    "ycck" (stored the Adobe way, inverted; YCCK as the YCbCr of the inverted C, M, Y,
    which libjpeg's YCCK conversion undoes, and the inverted K); head_segments: whole segments
    written after SOI; huffman: "optimal" (tables from each scan's statistics, written
    before it), "standard" (annex K tables, written) or "omitted" (annex K tables, not
    written, as Motion JPEG frames do); conditioning: for arithmetic coding, {slot: (L, U,
    Kx)} written in a DAC segment (libjpeg's defaults 0, 1, 5 otherwise).
    """
    width, height = image.size
    h_max = max(h for h, _ in sampling)
    v_max = max(v for _, v in sampling)
    mcus_per_line = -(-width // (8 * h_max))
    mcu_rows = -(-height // (8 * v_max))
    components = []
    for index, (h, v, reduced) in enumerate(component_samples(image, sampling, colour)):
        comp_height, comp_width = reduced.shape
        # Replicate the edges to fill the MCU grid (the encoder's choice; the decoder sees
        # only the result).
        grid = np.pad(reduced, ((0, mcu_rows * v * 8 - comp_height), (0, mcus_per_line * h * 8 - comp_width)), mode="edge")
        table = LUMINANCE_QUANT if index == 0 else CHROMINANCE_QUANT
        quant = np.clip(np.round(np.array(table) * quant_scale), 1, 65535 if sixteen_bit_quant else 255).astype(np.int64)
        coefficients = np.round(fdct(grid) / quant.reshape(8, 8)).astype(np.int64)
        components.append(dict(h=h, v=v, width=comp_width, height=comp_height, quant=quant, slot=min(index, 1),
                               blocks=coefficients.reshape(coefficients.shape[0], coefficients.shape[1], 64)))

    out = bytearray(b"\xff\xd8")
    for s in head_segments:
        out += s
    for slot in sorted({c["slot"] for c in components}):
        quant = next(c["quant"] for c in components if c["slot"] == slot)
        zigzag = [int(quant[NATURAL[k]]) for k in range(64)]
        if sixteen_bit_quant:
            out += segment(0xDB, bytes([0x10 | slot]) + b"".join(struct.pack(">H", q) for q in zigzag))
        else:
            out += segment(0xDB, bytes([slot]) + bytes(zigzag))
    sof_payload = struct.pack(">BHHB", 8, height, width, len(components))
    for identifier, c in zip(identifiers, components):
        sof_payload += bytes([identifier, (c["h"] << 4) | c["v"], c["slot"]])
    out += segment(sof, sof_payload)
    if restart_interval:
        out += segment(0xDD, struct.pack(">H", restart_interval))
    arithmetic = sof in (0xC9, 0xCA)
    if conditioning:
        out += dac_segment(conditioning)
    progressive = sof in (0xC2, 0xCA)
    for scan in scans:
        members = scan["components"]
        ss, se, ah, al = (scan["ss"], scan["se"], scan["ah"], scan["al"]) if progressive else (0, 63, 0, 0)
        events = ScanEvents(longest_run=0x7FFF if huffman == "optimal" else 1)
        events.ac_table = ("ac", components[members[0]]["slot"])
        single = len(members) == 1
        first = components[members[0]]
        per_line = -(-first["width"] // 8) if single else mcus_per_line
        mcu_count = per_line * (-(-first["height"] // 8) if single else mcu_rows)
        predictors = [0] * len(members)
        coder = ArithmeticScan(members, {slot: (0, 1, 5) for slot in range(4)} | (conditioning or {}))
        for mcu in range(mcu_count):
            if restart_interval and mcu and mcu % restart_interval == 0:
                events.restart((mcu // restart_interval - 1) & 7)
                coder.restart((mcu // restart_interval - 1) & 7)
                predictors = [0] * len(members)
            row, column = divmod(mcu, per_line)
            for position, index in enumerate(members):
                c = components[index]
                cells = [(row, column)] if single else [
                    (row * c["v"] + y, column * c["h"] + x) for y in range(c["v"]) for x in range(c["h"])]
                for block_row, block_column in cells:
                    block = c["blocks"][block_row, block_column]
                    dc_table, ac_table = ("dc", c["slot"]), ("ac", c["slot"])
                    if arithmetic:
                        arithmetic_block(coder, position, block, c["slot"], progressive, ss, se, ah, al)
                    elif not progressive:
                        predictors[position] = encode_sequential_block(events, block, dc_table, ac_table, predictors[position])
                    elif ss == 0 and ah == 0:
                        value = int(block[0]) >> al
                        difference = value - predictors[position]
                        predictors[position] = value
                        size = bit_length(abs(difference))
                        events.symbol(dc_table, size)
                        events.bits(magnitude_bits(difference, size), size)
                    elif ss == 0:
                        events.bits((int(block[0]) >> al) & 1, 1)
                    elif ah == 0:
                        encode_ac_first(events, block, ss, se, al)
                    else:
                        encode_ac_refinement(events, block, ss, se, al)
        events.flush_end_of_band()

        sos = bytes([len(members)])
        for index in members:
            slot = components[index]["slot"]
            sos += bytes([identifiers[index], (slot << 4) | slot])
        sos += bytes([ss, se, (ah << 4) | al])
        if arithmetic:
            coder.coder.flush()
            out += segment(0xDA, sos) + coder.coder.out
        else:
            out += scan_bytes(events, sos, huffman)
    out += b"\xff\xd9"
    return bytes(out)


def lossless_differences(samples, predictor, point_transform, first_rows):
    """T.81 H.1.2: the differences (modulo 2^16, as -32767...32768) of 8-bit `samples`
    shifted right by `point_transform`, predicted with selection value `predictor` (1 to 7);
    rows in `first_rows` (the scan's first and those after a restart) are predicted from
    2^(7 - point_transform) and then from the left."""
    x = samples.astype(np.int64) >> point_transform
    height, width = x.shape
    differences = np.zeros_like(x)
    for r in range(height):
        for c in range(width):
            if r in first_rows:
                prediction = (1 << (7 - point_transform)) if c == 0 else x[r, c - 1]
            elif c == 0:
                prediction = x[r - 1, c]
            else:
                a, b, d = x[r, c - 1], x[r - 1, c], x[r - 1, c - 1]
                prediction = [a, b, d, a + b - d, a + ((b - d) >> 1), b + ((a - d) >> 1), (a + b) >> 1][predictor - 1]
            difference = (x[r, c] - prediction) % 65536
            differences[r, c] = difference - 65536 if difference > 32768 else difference
    return differences


def craft_lossless(image, sampling, scans, predictor, point_transform=0, restart_interval=0, colour="rgb",
                   identifiers=(1, 2, 3), head_segments=()):
    """A lossless Huffman JPEG (SOF3, T.81 annex H) of `image`, 8-bit.

    sampling, scans (dicts with `components`), colour, identifiers and head_segments as for
    craft_jpeg; predictor: the selection value Ss; point_transform: Al. A restart interval
    must be a whole number of MCU rows (libjpeg requires it), so restarts fall at the start
    of MCU rows; in an interleaved scan an MCU row is v sample rows of each component, and
    every one of those MCU rows after a restart starts with first-row prediction.
    """
    width, height = image.size
    h_max = max(h for h, _ in sampling)
    v_max = max(v for _, v in sampling)
    components = [dict(h=h, v=v, samples=samples, slot=min(index, 1))
                  for index, (h, v, samples) in enumerate(component_samples(image, sampling, colour))]
    out = bytearray(b"\xff\xd8")
    for s in head_segments:
        out += s
    sof_payload = struct.pack(">BHHB", 8, height, width, len(components))
    for identifier, c in zip(identifiers, components):
        sof_payload += bytes([identifier, (c["h"] << 4) | c["v"], 0])
    out += segment(0xC3, sof_payload)
    if restart_interval:
        out += segment(0xDD, struct.pack(">H", restart_interval))
    for scan in scans:
        members = scan["components"]
        single = len(members) == 1
        first = components[members[0]]
        per_line = first["samples"].shape[1] if single else -(-width // h_max)
        mcu_rows = first["samples"].shape[0] if single else -(-height // v_max)
        assert restart_interval % per_line == 0
        rows_per_interval = restart_interval // per_line
        differences = {}
        for index in members:
            c = components[index]
            rows_per_mcu = 1 if single else c["v"]
            first_rows = {r for r in range(c["samples"].shape[0])
                          if r % rows_per_mcu == 0 and (r // rows_per_mcu) % (rows_per_interval or mcu_rows + 1) == 0}
            differences[index] = lossless_differences(c["samples"], predictor, point_transform, first_rows | {0})
        events = ScanEvents()
        for mcu in range(per_line * mcu_rows):
            if restart_interval and mcu and mcu % restart_interval == 0:
                events.restart((mcu // restart_interval - 1) & 7)
            row, column = divmod(mcu, per_line)
            for index in members:
                c = components[index]
                cells = [(row, column)] if single else [
                    (row * c["v"] + y, column * c["h"] + x) for y in range(c["v"]) for x in range(c["h"])]
                for sample_row, sample_column in cells:
                    inside = sample_row < c["samples"].shape[0] and sample_column < c["samples"].shape[1]
                    # Samples past the component's edge are coded but never used: 0.
                    difference = int(differences[index][sample_row, sample_column]) if inside else 0
                    size = 16 if difference == 32768 else bit_length(abs(difference))
                    events.symbol(("dc", c["slot"]), size)
                    if size < 16:
                        events.bits(magnitude_bits(difference, size), size)
        sos = bytes([len(members)])
        for index in members:
            sos += bytes([identifiers[index], components[index]["slot"] << 4])
        out += scan_bytes(events, sos + bytes([predictor, 0, point_transform]))
    out += b"\xff\xd9"
    return bytes(out)


def interleaved(count):
    return [{"components": list(range(count))}]


# Progressive scripts: (components, Ss, Se, Ah, Al).
SPECTRAL_ONLY = [((0, 1, 2), 0, 0, 0, 0), ((0,), 1, 5, 0, 0), ((2,), 1, 63, 0, 0), ((1,), 1, 63, 0, 0),
                 ((0,), 6, 63, 0, 0)]
SUCCESSIVE = [((0, 1, 2), 0, 0, 0, 2), ((0,), 1, 5, 0, 3), ((0,), 6, 63, 0, 2), ((1,), 1, 63, 0, 1),
              ((2,), 1, 63, 0, 1), ((0, 1, 2), 0, 0, 2, 1), ((0,), 1, 5, 3, 2), ((0,), 1, 63, 2, 1),
              ((0, 1, 2), 0, 0, 1, 0), ((2,), 1, 63, 1, 0), ((1,), 1, 63, 1, 0), ((0,), 1, 63, 1, 0)]
SEPARATE_DC = [((0,), 0, 0, 0, 1), ((1,), 0, 0, 0, 0), ((2,), 0, 0, 0, 0), ((0,), 1, 63, 0, 0),
               ((1,), 1, 63, 0, 0), ((2,), 1, 63, 0, 0), ((0,), 0, 0, 1, 0)]
# Scripts that stop early, leaving low-frequency coefficients unknown or imprecise: libjpeg
# smooths those images (Spec/jpeg.md 5.3).
DC_ONLY = [((0, 1, 2), 0, 0, 0, 0)]
NO_CHROMA_AC = [((0, 1, 2), 0, 0, 0, 0), ((0,), 1, 63, 0, 0)]
LOW_BANDS_ONLY = [((0, 1, 2), 0, 0, 0, 0), ((0,), 1, 5, 0, 0), ((1,), 1, 5, 0, 1), ((2,), 1, 2, 0, 0)]
FOUR_SUCCESSIVE = [((0, 1, 2, 3), 0, 0, 0, 1), ((3,), 1, 63, 0, 1), ((0,), 1, 63, 0, 0), ((1,), 1, 63, 0, 0),
                   ((2,), 1, 63, 0, 0), ((0, 1, 2, 3), 0, 0, 1, 0), ((3,), 1, 63, 1, 0)]
GREY_SUCCESSIVE = [((0,), 0, 0, 0, 1), ((0,), 1, 63, 0, 2), ((0,), 1, 63, 2, 1), ((0,), 0, 0, 1, 0),
                   ((0,), 1, 63, 1, 0)]


def script(steps):
    return [{"components": list(c), "ss": ss, "se": se, "ah": ah, "al": al} for c, ss, se, ah, al in steps]


# ---------------------------------------------------------------------------------------
# The fixtures


def pillow_jpeg(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


SUBSAMPLING = {"444": 0, "422": 1, "420": 2}


def fixtures():
    """(file name, JPEG bytes) for every fixture, in a fixed order."""
    files = []

    # Pillow, 33 x 17 photograph: every quality, subsampling and coding mode.
    for quality in (30, 75, 95):
        for sub in ("444", "422", "420"):
            for mode in ("baseline", "optimized", "progressive"):
                options = dict(quality=quality, subsampling=SUBSAMPLING[sub],
                               optimize=mode == "optimized", progressive=mode == "progressive")
                files.append((f"photo_33x17_q{quality}_{sub}_{mode}.jpg", pillow_jpeg(photo(33, 17), **options)))
    # Pillow, each subsampling, baseline and progressive: the photograph at 61 x 47, the
    # synthetic gradient and noise at 41 x 27.
    for content, (width, height) in (("photo", (61, 47)), ("gradient", (41, 27)), ("noise", (41, 27))):
        for sub in ("444", "422", "420"):
            for mode, quality in (("baseline", 75), ("progressive", 90)):
                options = dict(quality=quality, subsampling=SUBSAMPLING[sub], progressive=mode == "progressive")
                files.append((f"{content}_{width}x{height}_q{quality}_{sub}_{mode}.jpg",
                              pillow_jpeg(CONTENT[content](width, height), **options)))
    # Pillow, edge sizes: single pixels, a single block, whole MCUs, partial MCUs, and
    # components at most 2 samples wide (which libjpeg upsamples by replication).
    for width, height in ((1, 1), (2, 2), (3, 3), (4, 3), (8, 8), (16, 16), (17, 9), (5, 40), (40, 5)):
        for sub in ("422", "420"):
            for mode in ("baseline", "progressive"):
                files.append((f"photo_{width}x{height}_q75_{sub}_{mode}.jpg",
                              pillow_jpeg(photo(width, height), quality=75, subsampling=SUBSAMPLING[sub],
                                          progressive=mode == "progressive")))
    # Pillow, greyscale.
    for width, height, mode, quality in ((61, 47, "baseline", 75), (33, 17, "progressive", 95), (1, 1, "baseline", 75),
                                         (16, 16, "optimized", 30), (17, 9, "progressive", 50)):
        files.append((f"grey_{width}x{height}_q{quality}_{mode}.jpg",
                      pillow_jpeg(photo(width, height).convert("L"), quality=quality,
                                  optimize=mode == "optimized", progressive=mode == "progressive")))
    # Pillow, restart intervals.
    files.append(("photo_61x47_q75_420_restart1.jpg", pillow_jpeg(photo(61, 47), quality=75, subsampling=2,
                                                                  restart_marker_blocks=1)))
    files.append(("noise_33x17_q75_444_restart5.jpg", pillow_jpeg(noise(33, 17), quality=75, subsampling=0,
                                                                  restart_marker_blocks=5)))
    files.append(("photo_61x47_q75_422_progressive_restartrow.jpg",
                  pillow_jpeg(photo(61, 47), quality=75, subsampling=1, progressive=True, restart_marker_rows=1)))
    files.append(("grey_33x17_q75_restart2.jpg", pillow_jpeg(photo(33, 17).convert("L"), quality=75,
                                                             restart_marker_blocks=2)))
    # Pillow, RGB without colour conversion (Adobe transform 0, identifiers R, G, B).
    files.append(("rgb_33x17_q90_adobe.jpg", pillow_jpeg(photo(33, 17), quality=90, keep_rgb=True)))
    files.append(("rgb_33x17_q90_adobe_progressive.jpg",
                  pillow_jpeg(photo(33, 17), quality=90, keep_rgb=True, progressive=True)))

    # Pillow, CMYK: an Adobe marker with transform 0, components C, M, Y, K at 1 x 1,
    # stored inverted (Pillow's raw mode CMYK;I).
    files.append(("cmyk_33x17_q75_adobe.jpg", pillow_jpeg(inks(33, 17), quality=75)))
    files.append(("cmyk_33x17_q90_adobe_progressive.jpg", pillow_jpeg(inks(33, 17), quality=90, progressive=True)))
    files.append(("exif_orientation6_cmyk.jpg", insert_after_app0(pillow_jpeg(inks(17, 9), quality=75), exif_segment(6))))

    # EXIF and XMP orientation.
    upright = pillow_jpeg(photo(33, 17), quality=75, subsampling=2)
    for orientation in range(1, 9):
        files.append((f"exif_orientation{orientation}.jpg", insert_after_app0(upright, exif_segment(orientation))))
    for orientation in (3, 6):
        files.append((f"exif_orientation{orientation}_bigendian.jpg",
                      insert_after_app0(upright, exif_segment(orientation, big_endian=True))))
    grey_upright = pillow_jpeg(photo(17, 9).convert("L"), quality=75)
    files.append(("exif_orientation5_grey.jpg", insert_after_app0(grey_upright, exif_segment(5))))
    files.append(("exif_orientation7_progressive.jpg",
                  insert_after_app0(pillow_jpeg(photo(33, 17), quality=75, progressive=True), exif_segment(7))))
    files.append(("xmp_orientation8.jpg", insert_after_app0(upright, xmp_segment(8))))
    # EXIF wins over XMP when it has the tag.
    files.append(("exif6_xmp8.jpg", insert_after_app0(upright, exif_segment(6), xmp_segment(8))))
    # Damaged EXIF is ignored (Pillow raises for some of these; its pixels without the
    # rotation are the expected values, see expected()).
    tiff_lie = segment(0xE1, b"Exif\x00\x00II\x2a\x00\xff\xff\x00\x00")
    files.append(("exif_damaged_offset.jpg", insert_after_app0(upright, tiff_lie)))
    files.append(("exif_damaged_header.jpg", insert_after_app0(upright, segment(0xE1, b"Exif\x00\x00XX\x2a\x00\x08\x00"))))
    truncated_ifd = exif_segment(6)[:-10]
    truncated_ifd = truncated_ifd[:2] + struct.pack(">H", len(truncated_ifd) - 2) + truncated_ifd[4:]
    files.append(("exif_damaged_truncated_ifd.jpg", insert_after_app0(upright, truncated_ifd)))
    files.append(("exif_orientation_as_ascii.jpg",
                  insert_after_app0(upright, exif_segment(0, entries=[(0x0112, 2, 2, b"6\0\0\0")]))))

    # Marker-level edits of Pillow files.
    parts, rest = split_segments(pillow_jpeg(photo(61, 47), quality=75, subsampling=2))
    files.append(("edit_no_dht.jpg", join_segments([p for p in parts if p[0] != 0xC4], rest)))
    files.append(("edit_garbage_between_segments.jpg",
                  join_segments([(m, (b"garbage\x00\xff\x00" if m == 0xDB else b"") + s) for m, s in parts], rest)))
    files.append(("edit_fill_bytes.jpg", join_segments([(m, b"\xff\xff" + s) for m, s in parts], rest)))
    files.append(("edit_comment_and_trailer.jpg",
                  join_segments([(0xFE, segment(0xFE, b"a comment"))] + parts, rest[:-2] + b"\x00\x00\xff\xd9tail")))
    # JFIF wins over an Adobe transform 0: the image is still YCbCr.
    files.append(("edit_jfif_and_adobe_rgb.jpg",
                  insert_after_app0(pillow_jpeg(photo(33, 17), quality=75),
                                    segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x00"))))

    # Crafted by this file's encoder.
    image = photo(33, 17)
    files.append(("craft_440_baseline.jpg", craft_jpeg(image, [(1, 2), (1, 1), (1, 1)], interleaved(3))))
    files.append(("craft_440_progressive.jpg",
                  craft_jpeg(photo(61, 47), [(1, 2), (1, 1), (1, 1)], script(SPECTRAL_ONLY), sof=0xC2)))
    files.append(("craft_mixed_sampling.jpg", craft_jpeg(photo(61, 47), [(2, 2), (1, 2), (2, 1)], interleaved(3))))
    files.append(("craft_chroma_finer_than_luma.jpg", craft_jpeg(image, [(1, 1), (2, 2), (2, 2)], interleaved(3))))
    files.append(("craft_all_2x2.jpg", craft_jpeg(image, [(2, 2), (2, 2), (2, 2)],
                                                  [{"components": [0]}, {"components": [1]}, {"components": [2]}])))
    files.append(("craft_narrow_440.jpg", craft_jpeg(photo(2, 7), [(1, 2), (1, 1), (1, 1)], interleaved(3))))
    files.append(("craft_noninterleaved_420.jpg",
                  craft_jpeg(photo(61, 47), [(2, 2), (1, 1), (1, 1)],
                             [{"components": [0]}, {"components": [2]}, {"components": [1]}])))
    files.append(("craft_two_scans_420.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], [{"components": [0]}, {"components": [1, 2]}])))
    files.append(("craft_sof1_16bit_quant.jpg",
                  craft_jpeg(image, [(2, 1), (1, 1), (1, 1)], interleaved(3), sof=0xC1, sixteen_bit_quant=True,
                             quant_scale=0.3)))
    files.append(("craft_progressive_successive.jpg",
                  craft_jpeg(photo(61, 47), [(2, 2), (1, 1), (1, 1)], script(SUCCESSIVE), sof=0xC2, quant_scale=0.25)))
    files.append(("craft_progressive_separate_dc.jpg",
                  craft_jpeg(image, [(1, 1), (1, 1), (1, 1)], script(SEPARATE_DC), sof=0xC2)))
    files.append(("craft_progressive_restart.jpg",
                  craft_jpeg(noise(61, 47), [(2, 1), (1, 1), (1, 1)], script(SUCCESSIVE), sof=0xC2, restart_interval=3)))
    files.append(("craft_progressive_grey.jpg",
                  craft_jpeg(photo(17, 9), [(1, 1)], script(GREY_SUCCESSIVE), sof=0xC2, colour="grey")))
    for name, steps in (("dc_only", DC_ONLY), ("stops_at_al1", SUCCESSIVE[:8]), ("no_chroma_ac", NO_CHROMA_AC),
                        ("low_bands_only", LOW_BANDS_ONLY)):
        files.append((f"craft_progressive_incomplete_{name}.jpg",
                      craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], script(steps), sof=0xC2)))
    files.append(("craft_progressive_incomplete_grey.jpg",
                  craft_jpeg(photo(17, 9), [(1, 1)], script([((0,), 0, 0, 0, 1), ((0,), 1, 9, 0, 2)]), sof=0xC2,
                             colour="grey")))
    files.append(("craft_grey_2x2_factors.jpg", craft_jpeg(photo(17, 9), [(2, 2)], interleaved(1), colour="grey")))
    files.append(("craft_restart_every_mcu.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], interleaved(3), restart_interval=1)))
    files.append(("craft_rgb_identifiers.jpg",
                  craft_jpeg(image, [(1, 1), (1, 1), (1, 1)], interleaved(3), colour="rgb", identifiers=(82, 71, 66))))
    files.append(("craft_adobe_rgb_420.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], interleaved(3), colour="rgb",
                             head_segments=[segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x00")])))
    files.append(("craft_standard_tables_omitted.jpg",
                  craft_jpeg(image, [(2, 1), (1, 1), (1, 1)], interleaved(3), huffman="omitted")))
    files.append(("craft_progressive_standard_tables.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], script(SUCCESSIVE), sof=0xC2, huffman="standard")))
    files.append(("craft_other_identifiers.jpg",
                  craft_jpeg(image, [(2, 1), (1, 1), (1, 1)], interleaved(3), identifiers=(0, 1, 2))))
    # Four components, crafted: the Adobe transform decides CMYK (0, or no marker) or YCCK
    # (2, and any other value); a JFIF marker plays no part; Pillow inverts either way.
    adobe = {transform: segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00" + bytes([transform])) for transform in (0, 1, 2)}
    cmyk_ids = (67, 77, 89, 75)
    files.append(("craft_cmyk_no_adobe.jpg", craft_jpeg(inks(33, 17), [(1, 1)] * 4, interleaved(4), colour="cmyk",
                                                        identifiers=cmyk_ids)))
    files.append(("craft_ycck_420.jpg", craft_jpeg(inks(61, 47), [(2, 2), (1, 1), (1, 1), (2, 2)], interleaved(4),
                                                   colour="ycck", identifiers=(1, 2, 3, 4), head_segments=[adobe[2]])))
    files.append(("craft_ycck_adobe_transform1.jpg",
                  craft_jpeg(inks(33, 17), [(2, 1), (1, 1), (1, 1), (2, 1)], interleaved(4), colour="ycck",
                             identifiers=(1, 2, 3, 4), head_segments=[adobe[1]])))
    files.append(("craft_ycck_jfif_progressive_restart.jpg",
                  craft_jpeg(inks(33, 17), [(1, 2), (1, 1), (1, 1), (1, 1)], script(FOUR_SUCCESSIVE), sof=0xC2,
                             restart_interval=2, colour="ycck", identifiers=(1, 2, 3, 4),
                             head_segments=[segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), adobe[2]])))
    files.append(("craft_cmyk_noninterleaved_restart.jpg",
                  craft_jpeg(inks(33, 17), [(2, 2), (1, 1), (2, 1), (1, 1)],
                             [{"components": [3]}, {"components": [0, 1]}, {"components": [2]}], restart_interval=3,
                             colour="cmyk", identifiers=cmyk_ids, head_segments=[adobe[0]])))

    # Arithmetic coding (SOF9, SOF10), crafted: sequential and progressive scripts, restarts,
    # conditioning tables other than libjpeg's defaults (DAC), greyscale, CMYK, and a
    # progressive script that stops early (block smoothing applies as with Huffman coding).
    arithmetic_420 = craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], interleaved(3), sof=0xC9)
    files.append(("craft_arithmetic_sequential_420.jpg", arithmetic_420))
    files.append(("craft_arithmetic_sequential_restart_conditioning.jpg",
                  craft_jpeg(image, [(2, 1), (1, 1), (1, 1)], interleaved(3), sof=0xC9, restart_interval=3,
                             conditioning={0: (2, 5, 2), 1: (0, 0, 40)})))
    files.append(("craft_arithmetic_progressive_successive.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], script(SUCCESSIVE), sof=0xCA, quant_scale=0.25)))
    files.append(("craft_arithmetic_progressive_restart.jpg",
                  craft_jpeg(noise(33, 17), [(2, 1), (1, 1), (1, 1)], script(SUCCESSIVE), sof=0xCA, restart_interval=3)))
    files.append(("craft_arithmetic_progressive_separate_dc_conditioning.jpg",
                  craft_jpeg(image, [(1, 1), (1, 1), (1, 1)], script(SEPARATE_DC), sof=0xCA,
                             conditioning={0: (1, 4, 10), 1: (3, 3, 1)})))
    files.append(("craft_arithmetic_progressive_grey.jpg",
                  craft_jpeg(photo(17, 9), [(1, 1)], script(GREY_SUCCESSIVE), sof=0xCA, colour="grey")))
    files.append(("craft_arithmetic_progressive_incomplete.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], script(LOW_BANDS_ONLY), sof=0xCA)))
    files.append(("craft_arithmetic_cmyk.jpg", craft_jpeg(inks(33, 17), [(1, 1)] * 4, interleaved(4), sof=0xC9,
                                                          colour="cmyk", identifiers=cmyk_ids, head_segments=[adobe[0]])))
    # Arithmetic data may end early at a marker: the decoder reads zero bytes after it (libjpeg
    # does not even warn), so this file decodes, to other pixels.
    parts, rest = split_segments(arithmetic_420)
    files.append(("edit_arithmetic_data_cut_short.jpg", join_segments(parts, rest[:-42] + b"\xff\xd9")))

    # Scripts that leave a component out of every scan (or its DC out): libjpeg gives its
    # samples 128 (its coefficients start at zero, its multipliers too), and block smoothing,
    # which these incomplete scripts would otherwise call for, is off for the whole image.
    no_cr = [((0, 1), 0, 0, 0, 0), ((0,), 1, 5, 0, 0), ((1,), 1, 63, 0, 0)]
    files.append(("edit_component_in_no_scan_progressive.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], script(no_cr), sof=0xC2)))
    files.append(("edit_component_in_no_scan_arithmetic.jpg",
                  craft_jpeg(image, [(2, 1), (1, 1), (1, 1)], script(no_cr), sof=0xCA)))
    files.append(("edit_component_without_dc_progressive.jpg",
                  craft_jpeg(image, [(1, 1), (1, 1), (1, 1)],
                             script([((0, 2), 0, 0, 0, 0), ((0,), 1, 5, 0, 0), ((1,), 1, 5, 0, 0), ((2,), 1, 63, 0, 0)]),
                             sof=0xC2)))
    files.append(("edit_component_in_no_scan_sequential.jpg",
                  craft_jpeg(image, [(2, 2), (1, 1), (1, 1)], [{"components": [0]}, {"components": [2]}])))
    files.append(("edit_component_in_no_scan_interleaved.jpg",
                  craft_jpeg(image, [(1, 1), (1, 1), (1, 1)], [{"components": [0, 1]}], sof=0xC9)))

    # Lossless (SOF3), crafted: every predictor on RGB (3 components without a JFIF or
    # Adobe marker are RGB in lossless frames), point transforms, subsampling (upsampled by
    # replication), restarts, grey, CMYK, an Adobe RGB marker, separate scans.
    for predictor in range(1, 8):
        files.append((f"craft_lossless_predictor{predictor}.jpg",
                      craft_lossless(photo(33, 17), [(1, 1)] * 3, interleaved(3), predictor)))
    files.append(("craft_lossless_point_transform3.jpg", craft_lossless(photo(33, 17), [(1, 1)] * 3, interleaved(3), 6, 3)))
    files.append(("craft_lossless_grey_point_transform7.jpg",
                  craft_lossless(photo(17, 9), [(1, 1)], interleaved(1), 4, 7, colour="grey")))
    files.append(("craft_lossless_grey_restart.jpg",
                  craft_lossless(photo(17, 9), [(1, 1)], interleaved(1), 7, 1, restart_interval=34, colour="grey")))
    files.append(("craft_lossless_420_restart.jpg",
                  craft_lossless(photo(33, 17), [(2, 2), (1, 1), (1, 1)], interleaved(3), 4, restart_interval=17)))
    files.append(("craft_lossless_mixed_sampling.jpg",
                  craft_lossless(photo(33, 17), [(2, 1), (1, 2), (1, 1)], interleaved(3), 5)))
    files.append(("craft_lossless_adobe_rgb_422.jpg",
                  craft_lossless(photo(33, 17), [(2, 1), (1, 1), (1, 1)], interleaved(3), 2,
                                 head_segments=[adobe[0]])))
    files.append(("craft_lossless_cmyk.jpg", craft_lossless(inks(33, 17), [(1, 1)] * 4, interleaved(4), 1, colour="cmyk",
                                                            identifiers=cmyk_ids)))
    files.append(("craft_lossless_separate_scans_restart.jpg",
                  craft_lossless(photo(33, 17), [(1, 2), (1, 1), (1, 1)],
                                 [{"components": [0]}, {"components": [2]}, {"components": [1]}], 3, restart_interval=66)))
    # A restart every row of a component with v = 2 in a scan of its own: libjpeg restarts
    # prediction at the first row of each pair instead of at the row after the marker, so
    # Pillow's odd rows differ from what this encoder (following T.81) meant.
    files.append(("craft_lossless_restart_inside_imcu_row.jpg",
                  craft_lossless(photo(33, 17), [(1, 2), (1, 1), (1, 1)], [{"components": [0]}, {"components": [1, 2]}],
                                 1, restart_interval=33)))
    return files


def damaged_exif(name):
    return name.startswith("exif_damaged") or name == "exif_orientation_as_ascii.jpg"


def expected(name, data):
    """Pillow's pixels: decode, exif_transpose, convert to RGB. For damaged EXIF, where
    Pillow's exif_transpose may raise, the decode without transposing (Spec/jpeg.md 8)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    if not damaged_exif(name):
        image = ImageOps.exif_transpose(image)
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def photograph_references():
    config, tensors = {"case.description": "Pillow's RGB pixels of ../shared/testdata/images photographs: "
                                           f"SHA-256 of all bytes, and every {SAMPLE_STEP}th row and column"}, {}
    for name in PHOTOGRAPHS:
        pixels = expected(name, open(os.path.join(TESTDATA, name), "rb").read())
        config[f"{name}.sha256"] = hashlib.sha256(pixels.tobytes()).hexdigest()
        config[f"{name}.width"] = pixels.shape[1]
        config[f"{name}.height"] = pixels.shape[0]
        tensors[name] = np.ascontiguousarray(pixels[::SAMPLE_STEP, ::SAMPLE_STEP])
    return config, tensors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "golden", "images", "jpeg"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    pixels = {}
    for name, data in fixtures():
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(data)
        pixels[name] = expected(name, data)
    write_weights(os.path.join(out, "expected.shw"),
                  {"case.description": "Pillow's RGB pixels (decode, exif_transpose, convert RGB) of each JPEG "
                                       "in this folder, tensor named by file"},
                  pixels)
    config, tensors = photograph_references()
    write_weights(os.path.join(out, "photographs.shw"), config, tensors)


if __name__ == "__main__":
    main()
