"""Writes the hostile inputs that `Benchmarks/memory` feeds to `semhitok`: files whose
headers or streams ask for far more memory or work than they hold.

    python3 make_bombs.py FOLDER

Only the standard library is needed.
"""
import struct
import sys
import zlib
from pathlib import Path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def progressive_jpeg(width: int, height: int, scans: int) -> bytes:
    """A greyscale progressive JPEG whose every scan is a DC first scan of one code: the
    DC table has one 1-bit code, for a difference of size 0."""
    quantization = jpeg_segment(0xDB, bytes([0x00]) + bytes([1] * 64))
    frame = jpeg_segment(0xC2, struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0]))
    huffman = jpeg_segment(0xC4, bytes([0x00, 1] + [0] * 15 + [0]))
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    data = bytes([0x00]) * (blocks // 8) + bytes([0x00])
    scan = jpeg_segment(0xDA, bytes([1, 1, 0x00, 0, 0, 0])) + data
    return b"\xff\xd8" + quantization + frame + huffman + scan * scans + b"\xff\xd9"


def main() -> None:
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    tiny_stream = zlib.compress(bytes(4), 9)
    (folder / "png_30000x30000_header.png").write_bytes(png(30000, 30000, tiny_stream))
    (folder / "png_1x1_zlib_bomb_1GB.png").write_bytes(png(1, 1, zlib.compress(bytes(1 << 30), 9)))
    sof = jpeg_segment(0xC0, struct.pack(">BHHB", 8, 30000, 30000, 1) + bytes([1, 0x11, 0]))
    (folder / "jpeg_30000x30000_header.jpg").write_bytes(b"\xff\xd8" + sof + b"\xff\xd9")
    (folder / "jpeg_progressive_8192x8192_256_scans.jpg").write_bytes(progressive_jpeg(8192, 8192, 256))
    (folder / "jpeg_progressive_64x64_5000_scans.jpg").write_bytes(progressive_jpeg(64, 64, 5000))


if __name__ == "__main__":
    main()
