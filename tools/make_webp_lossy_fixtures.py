"""Writes golden/images/webp-lossy/: small lossy WebP files (the simple format: a RIFF
header and one `VP8 ` chunk) covering what Spec/vp8.md decodes, the RGB pixels Pillow gives
for each, and damaged files Pillow refuses.

Most files are written by Pillow (`save(..., "WEBP", quality=q, method=m)`) from synthetic
content (gradients, noise, sharp edges, flat areas that give macroblocks without
coefficients, text-like strokes) and crops of public-domain photographs from
../shared/testdata/images, at qualities 0 to 100, methods 0 to 6 and sizes from 1 x 1 to
257 x 3. The encoder settings Pillow does not pass on (the simple loop filter, sharpness 0
to 7, filter strength 0 and 100, 1 to 4 segments, 2, 4 and 8 token partitions, spatial
noise shaping 0 and 100, the automatic filter, the first-partition limit) are reached
through the advanced API of the libwebp Pillow ships, called with ctypes (`libwebp_webp`);
one of them is cut so that its last token partition is only the chunk's padding byte.
Damaged files under `refused/`: a cut first partition, an empty token partition, a token
partition cut inside a picture's only macroblock, a bad start code, an interframe, an
invisible frame, version 4, a zero width, an 8-byte frame.

Expected values: for every file, Pillow's `Image.open(...).convert("RGB")`, stored in
`expected.shw` (a weight container, `Spec/weights.md`) as a u8 tensor [H, W, 3] named after
the file. The files under `refused/` are ones Pillow raises an error for; the script
checks that it does.

Regenerate from the repository root (needs numpy, Pillow's wheel, which ships libwebp, and
../shared/testdata):

    python3 tools/make_webp_lossy_fixtures.py

The output is deterministic: a rerun reproduces the committed bytes.
"""
import argparse
import ctypes
import glob
import io
import os
import struct
import sys

import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_image_fixtures import ROOT, gradient, write_fixture_folder  # noqa: E402

GOLDEN = os.path.join(ROOT, "golden", "images", "webp-lossy")
TESTDATA = os.path.join(ROOT, "..", "shared", "testdata", "images")

# ---------------------------------------------------------------------------------------
# Content


def noise(width, height, seed=0x56503820):
    rng = np.random.default_rng(seed + 1000 * width + height)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def edges(width, height):
    """Saturated stripes and a checkerboard: strong edges for the loop filter."""
    y, x = np.mgrid[0:height, 0:width]
    red = np.where((x // 5) % 2 == 0, 255, 0)
    green = np.where(((x // 3) + (y // 3)) % 2 == 0, 230, 20)
    blue = np.where(y < height // 2, 40, 220)
    return Image.fromarray(np.stack([red, green, blue], -1).astype(np.uint8))


def flat(width, height):
    """One colour with a small patch: most macroblocks have no coefficients."""
    pixels = np.full((height, width, 3), (90, 140, 200), dtype=np.uint8)
    pixels[height // 3:height // 3 + 5, width // 2:width // 2 + 7] = (250, 250, 30)
    return Image.fromarray(pixels)


def strokes(width, height, seed=7):
    """Dark text-like strokes on a light background."""
    rng = np.random.default_rng(seed)
    pixels = np.full((height, width, 3), 245, dtype=np.uint8)
    for row in range(2, height - 6, 9):
        column = 2
        while column < width - 4:
            glyph = int(rng.integers(2, 6))
            pixels[row:row + 6, column] = 20
            pixels[row + int(rng.integers(0, 6)), column:column + glyph] = 20
            pixels[row:row + 6, min(column + glyph, width - 1)] = 20
            column += glyph + 3
    return Image.fromarray(pixels)


def photo(name, box, size=None):
    image = Image.open(os.path.join(TESTDATA, name)).convert("RGB").crop(box)
    return image.resize(size, Image.Resampling.BICUBIC) if size else image


def pillow_webp(image, quality, method):
    out = io.BytesIO()
    image.save(out, "WEBP", quality=quality, method=method)
    data = out.getvalue()
    assert data[12:16] == b"VP8 ", "Pillow wrote another layout than RIFF + VP8"
    return data


def pillow_fixtures():
    """(file name, WebP bytes) written by Pillow."""
    cases = [
        ("gradient_1x1_q80_m4.webp", gradient(1, 1), 80, 4),
        ("gradient_2x2_q80_m4.webp", gradient(2, 2), 80, 4),
        ("gradient_3x5_q50_m2.webp", gradient(3, 5), 50, 2),
        ("gradient_15x17_q50_m0.webp", gradient(15, 17), 50, 0),
        ("gradient_16x16_q100_m6.webp", gradient(16, 16), 100, 6),
        ("gradient_17x33_q0_m4.webp", gradient(17, 33), 0, 4),
        ("gradient_32x32_q25_m1.webp", gradient(32, 32), 25, 1),
        ("gradient_47x31_q90_m3.webp", gradient(47, 31), 90, 3),
        ("noise_257x3_q75_m4.webp", noise(257, 3), 75, 4),
        ("noise_3x40_q60_m5.webp", noise(3, 40), 60, 5),
        ("noise_24x24_q95_m2.webp", noise(24, 24), 95, 2),
        ("noise_24x24_q5_m6.webp", noise(24, 24), 5, 6),
        ("noise_33x18_q100_m0.webp", noise(33, 18), 100, 0),
        ("edges_40x24_q70_m3.webp", edges(40, 24), 70, 3),
        ("edges_40x24_q10_m6.webp", edges(40, 24), 10, 6),
        ("edges_31x31_q100_m4.webp", edges(31, 31), 100, 4),
        ("flat_64x48_q75_m4.webp", flat(64, 48), 75, 4),
        ("flat_48x48_q100_m0.webp", flat(48, 48), 100, 0),
        ("flat_40x34_q30_m6.webp", flat(40, 34), 30, 6),
        ("strokes_48x32_q60_m6.webp", strokes(48, 32), 60, 6),
        ("strokes_48x32_q85_m1.webp", strokes(48, 32), 85, 1),
        ("astronaut_100x75_q80_m4.webp", photo("astronaut.png", (150, 40, 350, 190), (100, 75)), 80, 4),
        ("astronaut_64x64_q100_m6.webp", photo("astronaut.png", (200, 80, 264, 144)), 100, 6),
        ("coffee_64x48_q30_m1.webp", photo("coffee.png", (250, 150, 314, 198)), 30, 1),
        ("chelsea_48x40_q95_m5.webp", photo("chelsea.png", (180, 80, 228, 120)), 95, 5),
        ("chelsea_55x37_q0_m0.webp", photo("chelsea.png", (150, 60, 205, 97)), 0, 0),
    ]
    return [(name, pillow_webp(image, quality, method)) for name, image, quality, method in cases]


# ---------------------------------------------------------------------------------------
# Pillow's own libwebp encoder with the settings Pillow does not pass on


def libwebp():
    """The libwebp library Pillow is built with (its wheel ships it beside the package)."""
    folder = os.path.dirname(PIL.__file__)
    names = glob.glob(os.path.join(folder, "..", "pillow.libs", "libwebp-*.so*"))
    names += glob.glob(os.path.join(folder, ".dylibs", "libwebp.*.dylib"))
    if not names:
        raise RuntimeError("no libwebp beside Pillow: install Pillow's wheel")
    return ctypes.CDLL(names[0])


CONFIG_FIELDS = ("lossless quality method image_hint target_size target_PSNR segments sns_strength filter_strength "
                 "filter_sharpness filter_type autofilter alpha_compression alpha_filtering alpha_quality pass "
                 "show_compressed preprocessing partitions partition_limit emulate_jpeg_size thread_level low_memory "
                 "near_lossless exact use_delta_palette use_sharp_yuv qmin qmax").split()


class WebPConfig(ctypes.Structure):
    """libwebp's `WebPConfig` (src/webp/encode.h)."""
    _fields_ = [(name, ctypes.c_float if name in ("quality", "target_PSNR") else ctypes.c_int) for name in CONFIG_FIELDS]


class WebPPicture(ctypes.Structure):
    """libwebp's `WebPPicture` (src/webp/encode.h)."""
    _fields_ = [("use_argb", ctypes.c_int), ("colorspace", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("y", ctypes.c_void_p), ("u", ctypes.c_void_p), ("v", ctypes.c_void_p),
                ("y_stride", ctypes.c_int), ("uv_stride", ctypes.c_int), ("a", ctypes.c_void_p),
                ("a_stride", ctypes.c_int), ("pad1", ctypes.c_uint32 * 2), ("argb", ctypes.c_void_p),
                ("argb_stride", ctypes.c_int), ("pad2", ctypes.c_uint32 * 3), ("writer", ctypes.c_void_p),
                ("custom_ptr", ctypes.c_void_p), ("extra_info_type", ctypes.c_int), ("extra_info", ctypes.c_void_p),
                ("stats", ctypes.c_void_p), ("error_code", ctypes.c_int), ("progress_hook", ctypes.c_void_p),
                ("user_data", ctypes.c_void_p), ("pad3", ctypes.c_uint32 * 3), ("pad4", ctypes.c_void_p),
                ("pad5", ctypes.c_void_p), ("pad6", ctypes.c_uint32 * 8), ("memory_", ctypes.c_void_p),
                ("memory_argb_", ctypes.c_void_p), ("pad7", ctypes.c_void_p * 2)]


class WebPMemoryWriter(ctypes.Structure):
    _fields_ = [("mem", ctypes.POINTER(ctypes.c_uint8)), ("size", ctypes.c_size_t), ("max_size", ctypes.c_size_t),
                ("pad", ctypes.c_uint32)]


ENCODER_ABI = 0x0200  # libwebp checks the major byte only


def libwebp_webp(image, quality, **settings):
    """`image` encoded by libwebp's advanced API with `settings` (WebPConfig fields) over the
    defaults."""
    library = libwebp()
    config = WebPConfig()
    assert library.WebPConfigInitInternal(ctypes.byref(config), 0, ctypes.c_float(quality), ENCODER_ABI)
    for key, value in settings.items():
        setattr(config, key, value)
    assert library.WebPValidateConfig(ctypes.byref(config)), settings
    picture = WebPPicture()
    assert library.WebPPictureInitInternal(ctypes.byref(picture), ENCODER_ABI)
    rgb = np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))
    picture.width, picture.height = image.width, image.height
    assert library.WebPPictureImportRGB(ctypes.byref(picture), rgb.ctypes.data_as(ctypes.c_void_p), 3 * image.width)
    writer = WebPMemoryWriter()
    library.WebPMemoryWriterInit(ctypes.byref(writer))
    picture.writer = ctypes.cast(library.WebPMemoryWrite, ctypes.c_void_p)
    picture.custom_ptr = ctypes.cast(ctypes.byref(writer), ctypes.c_void_p)
    ok = library.WebPEncode(ctypes.byref(config), ctypes.byref(picture))
    data = ctypes.string_at(writer.mem, writer.size)
    library.WebPMemoryWriterClear(ctypes.byref(writer))
    library.WebPPictureFree(ctypes.byref(picture))
    assert ok and data[12:16] == b"VP8 ", picture.error_code
    return data


def libwebp_fixtures():
    """(file name, WebP bytes) for the loop filter, segment and partition settings."""
    chelsea = photo("chelsea.png", (150, 60, 198, 100))
    astronaut = photo("astronaut.png", (180, 60, 244, 108))
    tall = photo("coffee.png", (300, 20, 324, 170))
    cases = [
        ("libwebp_simple_filter.webp", chelsea, 75, dict(filter_type=0, filter_strength=60)),
        ("libwebp_simple_filter_100_sharpness_2.webp", edges(36, 20), 75,
         dict(filter_type=0, filter_strength=100, filter_sharpness=2)),
        ("libwebp_simple_filter_segments_partitions.webp", tall, 40, dict(filter_type=0, partitions=2, method=2)),
        ("libwebp_filter_0.webp", chelsea, 75, dict(filter_strength=0)),
        ("libwebp_filter_100_q20.webp", chelsea, 20, dict(filter_strength=100)),
        ("libwebp_segments_1.webp", astronaut, 75, dict(segments=1)),
        ("libwebp_segments_2.webp", astronaut, 75, dict(segments=2)),
        ("libwebp_segments_3_q40.webp", astronaut, 40, dict(segments=3)),
        ("libwebp_sns_0.webp", astronaut, 75, dict(sns_strength=0)),
        ("libwebp_sns_100_q50.webp", astronaut, 50, dict(sns_strength=100)),
        ("libwebp_autofilter.webp", edges(36, 20), 60, dict(autofilter=1)),
        ("libwebp_partition_limit_100.webp", noise(20, 20), 95, dict(partition_limit=100)),
        ("libwebp_partitions_2.webp", tall, 70, dict(partitions=1, method=2)),
        ("libwebp_partitions_4.webp", tall, 70, dict(partitions=2, method=1)),
        ("libwebp_partitions_8.webp", tall, 70, dict(partitions=3, method=0)),
        ("libwebp_partitions_8_low_memory_m6.webp", tall, 85, dict(partitions=3, method=6, low_memory=1)),
    ] + [(f"libwebp_sharpness_{s}.webp", edges(36, 20), 30, dict(filter_sharpness=s, filter_strength=80)) for s in range(8)]
    return [(name, libwebp_webp(image, quality, **settings)) for name, image, quality, settings in cases]


# ---------------------------------------------------------------------------------------
# Damaged files


def riff(payload):
    """A simple-format WebP file around a `VP8 ` chunk payload."""
    chunk = b"VP8 " + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def vp8_payload(data):
    size = struct.unpack("<I", data[16:20])[0]
    return data[20:20 + size]


def padding_fixture():
    """A frame of 7 macroblock rows in 8 token partitions, cut after the 7th partition so
    that the 8th, never read, is empty: libwebp refuses an empty last partition, but the
    odd-sized payload's padding byte, which its demuxer passes on, becomes that partition
    (Spec/vp8.md section 2), and Pillow decodes the file."""
    image = photo("coffee.png", (300, 20, 314, 120))
    for quality in range(60, 100):
        frame = vp8_payload(libwebp_webp(image, quality, partitions=3, method=2))
        start = 10 + ((frame[0] | frame[1] << 8 | frame[2] << 16) >> 5)
        sizes = [frame[start + 3 * i] | frame[start + 3 * i + 1] << 8 | frame[start + 3 * i + 2] << 16 for i in range(7)]
        end = start + 21 + sum(sizes)
        if end % 2:
            return ("libwebp_partitions_8_last_is_the_padding_byte.webp", riff(frame[:end]))
    raise AssertionError("no quality gives an odd frame")


def refused_fixtures():
    """(file name, WebP bytes) that Pillow refuses: each needs a named error."""
    frame = vp8_payload(pillow_webp(gradient(40, 40), 75, 4))
    first = (frame[0] | frame[1] << 8 | frame[2] << 16) >> 5
    tag = frame[0] | frame[1] << 8 | frame[2] << 16

    def with_tag(value):
        return bytes([value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF]) + frame[3:]

    one = vp8_payload(pillow_webp(noise(16, 16), 90, 4))
    one_first = (one[0] | one[1] << 8 | one[2] << 16) >> 5
    return [
        ("first_partition_cut.webp", riff(frame[:10 + first // 2])),
        ("no_token_partition.webp", riff(frame[:10 + first])),
        ("tokens_cut_one_macroblock.webp", riff(one[:10 + one_first + 2])),
        ("start_code.webp", riff(frame[:3] + b"\x9d\x01\x2b" + frame[6:])),
        ("interframe.webp", riff(with_tag(tag | 1))),
        ("invisible.webp", riff(with_tag(tag & ~0x10))),
        ("version_4.webp", riff(with_tag((tag & ~0x0E) | (4 << 1)))),
        ("zero_width.webp", riff(frame[:6] + b"\x00\x00" + frame[8:])),
        ("header_8_bytes.webp", riff(frame[:8])),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=GOLDEN)
    arguments = parser.parse_args()
    write_fixture_folder(arguments.out, pillow_fixtures() + libwebp_fixtures() + [padding_fixture()], refused_fixtures(),
                         "Pillow's RGB pixels (open, then convert to RGB) of each lossy WebP file in this folder, "
                         "tensor named by file")


if __name__ == "__main__":
    main()
