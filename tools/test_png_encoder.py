"""pytest: Pillow reads the PNG files the Swift encoder wrote (golden/images/png/encoder/)
and finds exactly the pixels they were made from.

The Swift test `PNGEncoderTests.writesTheCommittedFixtureBytes` checks that the encoder
still writes these exact bytes, so this check stays meaningful. The images are rebuilt here
from the formulas of `EncoderPattern` in Tests/SemHiTokImageCodecsTests/PNGEncoderTests.swift.
"""
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ENCODER = Path(__file__).resolve().parent.parent / "golden" / "images" / "png" / "encoder"
FIXTURES = [("textured_1x1.png", 1, 1, "textured"), ("textured_37x19.png", 37, 19, "textured"),
            ("smooth_64x48.png", 64, 48, "smooth"), ("noise_20x10.png", 20, 10, "noise")]


def pattern(kind: str, width: int, height: int) -> np.ndarray:
    """The [height, width, 3] uint8 image `EncoderPattern` defines."""
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    if kind == "smooth":
        channels = [4 * x, 5 * y, 2 * (x + y)]
    elif kind == "textured":
        channels = [7 * x + 3 * y, x * y, 31 * x * x + 17 * y + ((x * y) >> 3)]
    else:
        index = 3 * (y * width + x)
        channels = []
        for channel in range(3):
            h = ((index + channel) * 2654435761) & 0xFFFFFFFF
            h = ((h ^ (h >> 15)) * 2246822519) & 0xFFFFFFFF
            channels.append(h >> 24)
    return (np.stack(channels, axis=-1) & 0xFF).astype(np.uint8)


def chunks(data: bytes):
    """(type, payload) of each chunk, checking every CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, found = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        payload = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + payload), kind
        found.append((kind, payload))
        offset += 12 + length
    return found


@pytest.mark.parametrize("name,width,height,kind", FIXTURES)
def test_pillow_reads_the_encoders_pixels(name, width, height, kind):
    image = Image.open(ENCODER / name)
    image.load()
    assert image.mode == "RGB" and image.size == (width, height)
    assert np.array_equal(np.asarray(image), pattern(kind, width, height))


@pytest.mark.parametrize("name,width,height,kind", FIXTURES)
def test_the_chunks_crcs_and_zlib_stream_are_valid(name, width, height, kind):
    found = chunks((ENCODER / name).read_bytes())
    assert [kind for kind, _ in found] == [b"IHDR", b"IDAT", b"IEND"]
    assert found[0][1] == struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # zlib checks the header and the Adler-32, and refuses trailing data with decompressobj.
    engine = zlib.decompressobj()
    raw = engine.decompress(found[1][1])
    assert engine.eof and engine.unused_data == b""
    assert len(raw) == height * (1 + 3 * width)
