"""Writes golden/images/png/: the expected RGB pixels (as SHA-256) of every PNG the Swift
decoder is checked against, small PNG fixtures written here, and zlib streams for the
inflater (Spec/png.md).

Expected pixels come from Pillow followed by the HuggingFace SigLIP processor's
conversion to RGB: `transformers.image_transforms.convert_to_rgb(Image.open(f),
return_numpy=True)`, which is what both SigLIP image processors (`SiglipImageProcessor`
and `SiglipImageProcessorPil`) do with a PIL image. The script checks that this agrees
with the plain pipeline `convert("RGBA")`, `Image.alpha_composite` over opaque white,
`convert("RGB")` on every file, so either reading of the processor gives the same pixels.

Written:

- `expected.tsv`: one line per file: `group/name`, width, height and the SHA-256 of the
  RGB bytes (HWC, row-major), or `reject` for the deliberately corrupt PngSuite files
  (`x*.png`). Groups: `pngsuite` (read from ../shared/testdata/pngsuite/png, not
  copied), `images` (the PNG photographs in ../shared/testdata/images, not copied) and
  `fixtures` (the files below). PngSuite and the photographs are skipped, with a
  warning, when ../shared/testdata is absent; the committed manifest was made with it.
- `fixtures/*.png`: small PNGs written by this script's own encoder (not Pillow's),
  covering what PngSuite covers thinly: Adam7 on odd and tiny sizes, every filter type
  chosen at random per row, split and empty IDAT chunks, ancillary and private chunks,
  Pillow's handling of tRNS at low and high bit depths, short palettes and tRNS,
  stored, fixed-Huffman and level-9 streams, and one RGBA image holding every pair of
  8-bit value and alpha, so that the composite over white is checked for all 65536.
- `zlib/*.zlib` and `zlib/expected.tsv` (name, uncompressed size, SHA-256): streams made
  by Python's `zlib` from one 24 KiB test input at levels 0, 1, 6 and 9, with the fixed
  Huffman (`Z_FIXED`), Huffman-only and RLE strategies, a 512-byte window, sync and full
  flushes (empty stored blocks between pieces), and from inputs with 258-byte matches at
  distance 32768 and from no input at all.

Regenerate from the repository root (needs numpy, Pillow and transformers):

    python3 tools/make_png_fixtures.py

The output is deterministic: a rerun reproduces the committed bytes exactly.
"""
import argparse
import hashlib
import io
import os
import struct
import sys
import warnings
import zlib

import numpy as np
from PIL import Image

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TESTDATA = os.path.join(os.path.dirname(REPOSITORY), "shared", "testdata")

# Adam7 passes: first column, first row, column step, row step (PNG spec, 8.2).
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


# ---------------------------------------------------------------------------------------
# The reference pipeline


def siglip_rgb(data: bytes) -> np.ndarray:
    """Pillow's decode and transformers' convert_to_rgb, as the SigLIP processors run it."""
    from transformers.image_transforms import convert_to_rgb

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rgb = convert_to_rgb(Image.open(io.BytesIO(data)), return_numpy=True)
    plain = plain_rgb(data)
    if not np.array_equal(rgb, plain):
        raise AssertionError("convert_to_rgb and the plain RGBA pipeline disagree")
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def plain_rgb(data: bytes) -> np.ndarray:
    """Image.open, then for any mode but RGB: RGBA, alpha_composite over white, RGB."""
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode != "RGB" or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def manifest_line(name: str, rgb: np.ndarray) -> str:
    """One expected.tsv line: name, width, height, SHA-256 of the RGB bytes."""
    height, width, _ = rgb.shape
    return f"{name}\t{width}\t{height}\t{hashlib.sha256(rgb.tobytes()).hexdigest()}"


# ---------------------------------------------------------------------------------------
# A small PNG writer, independent of Pillow's


def chunk(kind: bytes, payload: bytes) -> bytes:
    """A PNG chunk: length, type, payload, CRC-32 of type and payload."""
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def pack_rows(samples: np.ndarray, bit_depth: int) -> list[bytes]:
    """Each row of `samples` [h, w, c] as PNG scanline bytes (no filter byte)."""
    rows = []
    for row in samples:
        flat = row.reshape(-1).astype(np.int64)
        if bit_depth == 16:
            rows.append(flat.astype(">u2").tobytes())
        elif bit_depth == 8:
            rows.append(flat.astype(np.uint8).tobytes())
        else:
            per_byte = 8 // bit_depth
            padded = np.concatenate([flat, np.zeros((-len(flat)) % per_byte, np.int64)])
            groups = padded.reshape(-1, per_byte)
            shifts = bit_depth * np.arange(per_byte - 1, -1, -1)
            rows.append((groups << shifts).sum(axis=1).astype(np.uint8).tobytes())
    return rows


def paeth(a: int, b: int, c: int) -> int:
    """The Paeth predictor (PNG spec, 9.4)."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind: int, row: bytes, prior: bytes, bpp: int) -> bytes:
    """`row` filtered with filter `kind` (PNG spec, 9.2) against the unfiltered `prior`."""
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out[i] = (x - predictor) & 0xFF
    return bytes([kind]) + bytes(out)


def filtered_image(samples: np.ndarray, bit_depth: int, colour_type: int, interlace: bool, rng) -> bytes:
    """The filtered scanlines of the image (all Adam7 passes in order when interlaced),
    each row's filter type drawn at random."""
    bpp = max(1, CHANNELS[colour_type] * bit_depth // 8)
    passes = [samples[y0::dy, x0::dx] for x0, y0, dx, dy in ADAM7] if interlace else [samples]
    out = bytearray()
    for image in passes:
        if image.shape[0] == 0 or image.shape[1] == 0:
            continue
        rows = pack_rows(image, bit_depth)
        prior = bytes(len(rows[0]))
        for row in rows:
            out += filter_row(int(rng.integers(0, 5)), row, prior, bpp)
            prior = row
    return bytes(out)


def png_file(samples, bit_depth, colour_type, rng, *, interlace=False, palette=None, trns=None,
             compress=lambda data: zlib.compress(data, 6), idat_sizes=None, before_idat=(), after_idat=()):
    """A PNG file of `samples` [h, w, channels] (raw sample values).

    `idat_sizes` cuts the zlib stream into IDAT chunks of these sizes (the rest in a last
    chunk); `before_idat` and `after_idat` are extra (kind, payload) chunks.
    """
    height, width = samples.shape[:2]
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 1 if interlace else 0)
    stream = compress(filtered_image(samples, bit_depth, colour_type, interlace, rng))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    for kind, payload in before_idat:
        out += chunk(kind, payload)
    if palette is not None:
        out += chunk(b"PLTE", bytes(np.asarray(palette, np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    position = 0
    for size in idat_sizes or []:
        out += chunk(b"IDAT", stream[position:position + size])
        position += size
    out += chunk(b"IDAT", stream[position:])
    for kind, payload in after_idat:
        out += chunk(kind, payload)
    return out + chunk(b"IEND", b"")


def compressor(level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    """A function compressing bytes to a zlib stream at `level` with `strategy`."""
    def compress(data: bytes) -> bytes:
        engine = zlib.compressobj(level, zlib.DEFLATED, 15, 9, strategy)
        return engine.compress(data) + engine.flush()
    return compress


def fixtures() -> dict[str, bytes]:
    """The committed fixture files, by name."""
    rng = np.random.default_rng(0x504E47)
    files = {}

    def samples(height, width, channels, top):
        """Random raw samples 0...top, [height, width, channels]."""
        return rng.integers(0, top + 1, (height, width, channels))

    def grey16_values(height, width):
        """Random 16-bit grey samples, half of them below 256 (which Pillow keeps)."""
        values = rng.integers(0, 65536, (height, width, 1))
        low = rng.random((height, width, 1)) < 0.5
        values[low] = rng.integers(0, 256, int(low.sum()))
        return values

    files["grey1_adam7_13x9.png"] = png_file(samples(9, 13, 1, 1), 1, 0, rng, interlace=True)
    # Pillow compares the raw tRNS value with the samples after scaling to 8 bits: 2 matches
    # no 2-bit sample (0, 85, 170, 255), so nothing is transparent.
    files["grey2_trns2.png"] = png_file(samples(6, 11, 1, 3), 2, 0, rng, trns=struct.pack(">H", 2))
    # 17 is out of range for 4 bits; Pillow makes the samples of raw value 1 (17) transparent.
    files["grey4_trns17.png"] = png_file(samples(7, 9, 1, 15), 4, 0, rng, trns=struct.pack(">H", 17))
    files["grey4_trns0_adam7.png"] = png_file(samples(5, 6, 1, 15), 4, 0, rng, interlace=True,
                                              trns=struct.pack(">H", 0))
    grey8 = samples(10, 17, 1, 255)
    grey8[::3, ::2] = 77
    files["grey8_trns_adam7_17x10.png"] = png_file(grey8, 8, 0, rng, interlace=True, trns=struct.pack(">H", 77))
    grey16 = grey16_values(8, 12)
    grey16[0, :4, 0] = [0x0080, 0x0180, 0x80FF, 0x00FF]
    # Pillow clips 16-bit grey to 255 and compares with the tRNS value's low byte (0x80).
    files["grey16_trns.png"] = png_file(grey16, 16, 0, rng, trns=struct.pack(">H", 0x1280))
    files["grey16_adam7.png"] = png_file(grey16_values(9, 7), 16, 0, rng, interlace=True)
    rgb8 = samples(12, 15, 3, 255)
    rgb8[1::4, ::3] = [10, 20, 30]
    files["rgb8_trns_split_idat.png"] = png_file(rgb8, 8, 2, rng, trns=struct.pack(">HHH", 10, 20, 30),
                                                 idat_sizes=[1, 0, 7, 7, 50])
    rgb16 = samples(6, 10, 3, 65535)
    rgb16[::2, ::2] = [0x0A55, 0x14AA, 0x1E00]
    # Pillow keeps the high bytes (10, 20, 30) and compares them with the low bytes of tRNS.
    files["rgb16_trns_lowbyte.png"] = png_file(rgb16, 16, 2, rng, trns=struct.pack(">HHH", 0x770A, 0x0114, 0xFF1E))
    files["rgb16_adam7.png"] = png_file(samples(11, 9, 3, 65535), 16, 2, rng, interlace=True)
    palette = rng.integers(0, 256, (256, 3))
    files["palette1_adam7_10x10.png"] = png_file(samples(10, 10, 1, 1), 1, 3, rng, interlace=True,
                                                 palette=palette[:2])
    files["palette2_short_trns.png"] = png_file(samples(7, 13, 1, 3), 2, 3, rng, palette=palette[:4],
                                                trns=bytes([0, 128]))
    files["palette4_five_entries.png"] = png_file(samples(9, 5, 1, 4), 4, 3, rng, palette=palette[:5])
    files["palette8_trns_adam7.png"] = png_file(samples(14, 19, 1, 255), 8, 3, rng, interlace=True, palette=palette,
                                                trns=bytes(rng.integers(0, 256, 200).astype(np.uint8)))
    files["palette8_stored.png"] = png_file(samples(8, 8, 1, 99), 8, 3, rng, palette=palette[:100],
                                            compress=lambda data: zlib.compress(data, 0))
    files["grey_alpha8.png"] = png_file(samples(9, 11, 2, 255), 8, 4, rng)
    files["grey_alpha16_adam7.png"] = png_file(samples(8, 9, 2, 65535), 16, 4, rng, interlace=True)
    rgba8 = samples(10, 12, 4, 255)
    rgba8[::2, ::3, 3] = 0
    rgba8[1::2, ::3, 3] = 255
    files["rgba8_fixed_huffman.png"] = png_file(rgba8, 8, 6, rng, compress=compressor(6, zlib.Z_FIXED))
    files["rgba16_adam7.png"] = png_file(samples(7, 10, 4, 65535), 16, 6, rng, interlace=True)
    files["rgb8_1x1_adam7.png"] = png_file(samples(1, 1, 3, 255), 8, 2, rng, interlace=True)
    files["rgb8_9x1_adam7.png"] = png_file(samples(1, 9, 3, 255), 8, 2, rng, interlace=True)
    files["rgb8_1x9_adam7.png"] = png_file(samples(9, 1, 3, 255), 8, 2, rng, interlace=True)
    files["rgb8_ancillary_chunks.png"] = png_file(
        samples(5, 7, 3, 255), 8, 2, rng, palette=palette[:16],
        before_idat=[(b"gAMA", struct.pack(">I", 45455)), (b"tEXt", b"Comment\x00fixture"),
                     (b"prVt", b"a private ancillary chunk")],
        after_idat=[(b"tIME", bytes([7, 233, 1, 2, 3, 4, 5])), (b"zzZz", b"")])
    # Every (value, alpha) pair of the composite over white: row = alpha, column = value.
    alpha, value = np.mgrid[0:256, 0:256]
    files["rgba8_every_value_and_alpha_256x256.png"] = png_file(
        np.stack([value, 255 - value, (value * 7) & 0xFF, alpha], axis=-1), 8, 6, rng, compress=compressor(9))
    y, x = np.mgrid[0:61, 0:97]
    smooth = np.stack([x * 2 + y, 255 - y * 3, (x * y) // 16], axis=-1) + rng.integers(0, 6, (61, 97, 3))
    files["rgb8_97x61_level9.png"] = png_file(np.clip(smooth, 0, 255), 8, 2, rng, compress=compressor(9))
    return files


# ---------------------------------------------------------------------------------------
# zlib streams for the inflater


def zlib_input() -> bytes:
    """24 KiB: word-like text, random bytes, runs and short periods, and image-like rows."""
    rng = np.random.default_rng(0x7A6C6962)
    words = [bytes(rng.integers(97, 123, int(rng.integers(1, 9))).astype(np.uint8)) for _ in range(300)]
    text = bytearray()
    while len(text) < 8192:
        text += words[int(rng.zipf(1.3)) % 300] + (b". " if rng.random() < 0.1 else b" ")
    noise = rng.integers(0, 256, 2048).astype(np.uint8).tobytes()
    runs = bytearray()
    while len(runs) < 6144:
        period = int(rng.integers(1, 8))
        runs += bytes(rng.integers(0, 256, period).astype(np.uint8)) * int(rng.integers(1, 400 // period))
    y, x = np.mgrid[0:64, 0:128]
    rows = ((x * 3 + y * 5 + rng.integers(0, 4, (64, 128))) & 0xFF).astype(np.uint8).tobytes()
    return bytes(text[:8192]) + noise + bytes(runs[:6144]) + rows


def far_matches_input() -> bytes:
    """A random 32 KiB block (16 symbols) repeated, so that matches reach back exactly
    32768 bytes, and long runs, so that matches of the maximum length 258 occur."""
    block = np.random.default_rng(0x666172).integers(0, 16, 32768).astype(np.uint8).tobytes()
    return block + block[:1000] + b"\x00" * 2000 + b"\xAB" * 777


def zlib_streams() -> dict[str, tuple[bytes, bytes]]:
    """Stream name -> (zlib stream, uncompressed data)."""
    data = zlib_input()
    streams = {f"level{level}": (zlib.compress(data, level), data) for level in (0, 1, 6, 9)}
    for name, strategy in [("fixed", zlib.Z_FIXED), ("huffman_only", zlib.Z_HUFFMAN_ONLY), ("rle", zlib.Z_RLE)]:
        streams[name] = (compressor(6, strategy)(data), data)
    small_window = zlib.compressobj(9, zlib.DEFLATED, 9)
    streams["window9"] = (small_window.compress(data) + small_window.flush(), data)
    flushing = zlib.compressobj(6)
    pieces = [data[:5000], data[5000:5000], data[5000:15000], data[15000:]]
    stream = b""
    for piece, mode in zip(pieces, [zlib.Z_SYNC_FLUSH, zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH, zlib.Z_FINISH]):
        stream += flushing.compress(piece) + flushing.flush(mode)
    streams["flushes"] = (stream, data)
    far = far_matches_input()
    streams["far_matches"] = (zlib.compress(far, 9), far)
    streams["empty"] = (zlib.compress(b"", 6), b"")
    return streams


# ---------------------------------------------------------------------------------------


def write(path: str, data: bytes):
    """Writes `data` to `path`."""
    with open(path, "wb") as handle:
        handle.write(data)


def main():
    """Writes every file of golden/images/png except encoder/ (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(REPOSITORY, "golden", "images", "png"))
    parser.add_argument("--testdata", default=TESTDATA, help="the shared test data folder")
    arguments = parser.parse_args()
    out = arguments.out
    os.makedirs(os.path.join(out, "fixtures"), exist_ok=True)
    os.makedirs(os.path.join(out, "zlib"), exist_ok=True)

    lines = []
    suite = os.path.join(arguments.testdata, "pngsuite", "png")
    photographs = os.path.join(arguments.testdata, "images")
    if os.path.isdir(suite):
        for name in sorted(os.listdir(suite)):
            if not name.endswith(".png"):
                continue
            if name.startswith("x"):
                lines.append(f"pngsuite/{name}\treject")
                continue
            with open(os.path.join(suite, name), "rb") as handle:
                lines.append(manifest_line("pngsuite/" + name, siglip_rgb(handle.read())))
        for name in sorted(os.listdir(photographs)):
            if name.endswith(".png"):
                with open(os.path.join(photographs, name), "rb") as handle:
                    lines.append(manifest_line("images/" + name, siglip_rgb(handle.read())))
    else:
        print(f"warning: {arguments.testdata} is absent; PngSuite and the photographs are left out", file=sys.stderr)
    for name, data in fixtures().items():
        write(os.path.join(out, "fixtures", name), data)
        lines.append(manifest_line("fixtures/" + name, siglip_rgb(data)))
    with open(os.path.join(out, "expected.tsv"), "w") as handle:
        handle.write("# file\twidth\theight\tSHA-256 of the RGB bytes (or: reject)\n")
        handle.write("".join(line + "\n" for line in lines))

    zlib_lines = []
    for name, (stream, data) in zlib_streams().items():
        if zlib.decompress(stream) != data:
            raise AssertionError(f"{name}: zlib does not reproduce the input")
        write(os.path.join(out, "zlib", name + ".zlib"), stream)
        zlib_lines.append(f"{name}.zlib\t{len(data)}\t{hashlib.sha256(data).hexdigest()}")
    with open(os.path.join(out, "zlib", "expected.tsv"), "w") as handle:
        handle.write("# stream\tuncompressed size\tSHA-256 of the uncompressed bytes\n")
        handle.write("".join(line + "\n" for line in zlib_lines))


if __name__ == "__main__":
    main()
