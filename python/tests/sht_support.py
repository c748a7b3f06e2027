"""What several test files share: the checkout's paths, the Swift command line, and byte
edits of token files. Offsets and sizes here are computed from Spec/tokens.md section 1,
never by the reader under test."""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

from semhitok_tokens import crc32c

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_FORMATS = ROOT / "golden" / "formats"


def semhitok_executable() -> Path | None:
    """The `semhitok` command to test against: $SEMHITOK, else the newest of this
    checkout's `.build/debug/semhitok` and `.build/release/semhitok`, else None."""
    if os.environ.get("SEMHITOK"):
        return Path(os.environ["SEMHITOK"])
    built = [ROOT / ".build" / kind / "semhitok" for kind in ("debug", "release")]
    built = [path for path in built if path.exists()]
    return max(built, key=lambda path: path.stat().st_mtime) if built else None


def run_semhitok(*arguments, cwd=ROOT) -> subprocess.CompletedProcess:
    """Runs the Swift command line (in the checkout's root unless told); never raises on
    failure."""
    return subprocess.run([str(semhitok_executable()), *map(str, arguments)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def record_size(key: str, height: int, width: int) -> int:
    """A record's size by section 1.2: 20 + L + P + 4 H W."""
    length = len(key.encode("utf-8"))
    return 20 + length + (4 - length % 4) % 4 + 4 * height * width


def record_offsets(records) -> list[int]:
    """The offset of each (key, height, width) record after the 64-byte header, then the
    offset after the last."""
    offsets = [64]
    for key, height, width in records:
        offsets.append(offsets[-1] + record_size(key, height, width))
    return offsets


def with_u32(data: bytes, offset: int, value: int, reseal_header: bool = False) -> bytes:
    """`data` with the u32 at `offset` replaced, and the header CRC recomputed if asked."""
    edited = bytearray(data)
    struct.pack_into("<I", edited, offset, value)
    if reseal_header:
        struct.pack_into("<I", edited, 12, crc32c(bytes(edited[16:64])))
    return bytes(edited)


def reseal_record(data: bytes, start: int, end: int) -> bytes:
    """`data` with the CRC of the record in [start, end) recomputed."""
    return data[:end - 4] + struct.pack("<I", crc32c(data[start:end - 4])) + data[end:]


def reseal_index(data: bytes) -> bytes:
    """`data` with the CRC of its index block recomputed."""
    index_offset = struct.unpack_from("<Q", data, len(data) - 16)[0]
    return data[:-8] + struct.pack("<I", crc32c(data[index_offset:-8])) + data[-4:]


def with_index_offsets(finished: bytes, index_offset: int, offsets: list[int]) -> bytes:
    """A finished file whose index lists `offsets` instead, resealed."""
    edited = bytearray(finished)
    for k, offset in enumerate(offsets):
        struct.pack_into("<Q", edited, index_offset + 8 + 8 * k, offset)
    return reseal_index(bytes(edited))
