"""The index block that ends a finished token file (Spec/tokens.md section 1.3): the
offset of every record, so that record k is found without a scan."""

from __future__ import annotations

import struct

import numpy as np

from .crc32c import crc32c
from .header import HEADER_LENGTH

__all__ = ["encode_index", "read_index"]

TAG = b"SHTI"
END_TAG = b"SHTE"
# Record count, index offset, CRC and end tag.
TRAILER_LENGTH = 24


def encode_index(offsets, index_offset: int) -> bytes:
    """The index block for records at `offsets`, itself placed at `index_offset`."""
    body = (TAG + bytes(4) + b"".join(struct.pack("<Q", offset) for offset in offsets)
            + struct.pack("<QQ", len(offsets), index_offset))
    return body + struct.pack("<I", crc32c(body)) + END_TAG


def read_index(data, size: int) -> tuple[np.ndarray, int] | None:
    """The record offsets (int64 [n]) and the index's own offset, if the `size` bytes
    `data` (bytes or an mmap) end with a valid index block (section 2.2, step 2); None
    otherwise."""
    if size < HEADER_LENGTH + 8 + TRAILER_LENGTH or data[size - 4:size] != END_TAG:
        return None
    count, index_offset = struct.unpack("<QQ", data[size - TRAILER_LENGTH:size - 8])
    # Both are bounded by the file size before any arithmetic, as a fixed-width reader must.
    if count > size // 8 or not HEADER_LENGTH <= index_offset <= size \
            or index_offset + 8 + 8 * count + TRAILER_LENGTH != size:
        return None
    block = data[index_offset:size - 4]
    if block[:8] != TAG + bytes(4):
        return None
    if crc32c(memoryview(block)[:-4]) != struct.unpack_from("<I", block, len(block) - 4)[0]:
        return None
    offsets = np.frombuffer(block, dtype="<u8", count=count, offset=8).astype(np.int64)
    if count == 0:
        return (offsets, index_offset) if index_offset == HEADER_LENGTH else None
    # Every offset is below index_offset < 2^63, so the int64 values are exact.
    if np.any(offsets.view(np.uint64) >= index_offset) or offsets[0] != HEADER_LENGTH \
            or np.any(np.diff(offsets) <= 0):
        return None
    return offsets, index_offset
