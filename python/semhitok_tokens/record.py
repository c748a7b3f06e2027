"""One record: a key and a grid of token ids (Spec/tokens.md section 1.2), its parsing
(section 2.4) and its encoding."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from .crc32c import crc32c
from .errors import RecordProblem

__all__ = ["Record", "decode_record", "encode_record", "record_size"]

TAG = b"SHTR"
FIXED_LENGTH = 16
MAX_GRID_SIDE = 65535
MAX_KEY_LENGTH = 65535


@dataclass(frozen=True, eq=False)
class Record:
    """One image's tokens.

    `key`: the image's name or id (may be empty); `tokens`: a uint32 array of shape
    [H, W], row-major as in the file, holding `i * m + j` (its own copy: it stays valid
    after the file is closed); `pixel_codebook_size`: m, for `semantic` and `pixel`.
    """

    key: str
    tokens: np.ndarray
    pixel_codebook_size: int

    @property
    def grid(self) -> tuple[int, int]:
        """(H, W), the record's grid, which may differ from the header's."""
        return self.tokens.shape

    @property
    def semantic(self) -> np.ndarray:
        """The semantic indices `i = token // m`, uint32 [H, W]."""
        return self.tokens // np.uint32(self.pixel_codebook_size)

    @property
    def pixel(self) -> np.ndarray:
        """The pixel indices `j = token % m`, uint32 [H, W]."""
        return self.tokens % np.uint32(self.pixel_codebook_size)

    def __repr__(self) -> str:
        return f"Record(key={self.key!r}, grid={self.grid[0]} x {self.grid[1]})"


def _padding(key_length: int) -> int:
    """Zero bytes after the key so that the tokens are 4-byte aligned."""
    return (4 - key_length % 4) % 4


def record_size(fixed: bytes, available: int) -> int:
    """The size of the record whose first bytes are `fixed` (at least its 16-byte fixed
    part, unless fewer than 16 of the `available` bytes remain), checked as in step 1 of
    section 2.4; raises `RecordProblem`."""
    if available < FIXED_LENGTH:
        raise RecordProblem.incomplete(FIXED_LENGTH, available)
    if fixed[:4] != TAG:
        raise RecordProblem("bad record tag", 'bad record tag (expected "SHTR")')
    height, width, key_length = struct.unpack_from("<III", fixed, 4)
    if not (1 <= height <= MAX_GRID_SIDE and 1 <= width <= MAX_GRID_SIDE):
        raise RecordProblem.invalid_header(f"grid {height} x {width}")
    if key_length > MAX_KEY_LENGTH:
        raise RecordProblem.invalid_header(f"key length {key_length}")
    return FIXED_LENGTH + key_length + _padding(key_length) + 4 * height * width + 4


def decode_record(data: bytes, vocabulary_size: int, pixel_codebook_size: int) -> tuple[Record, int]:
    """Parses and checks the record at the start of `data`, which holds every byte up to
    the end of its file or slot, in the order of section 2.4; returns it and its size.
    Raises `RecordProblem`."""
    size = record_size(data, len(data))
    if size > len(data):
        raise RecordProblem.incomplete(size, len(data))
    if crc32c(memoryview(data)[:size - 4]) != struct.unpack_from("<I", data, size - 4)[0]:
        raise RecordProblem("record checksum mismatch", "record checksum mismatch")
    height, width, key_length = struct.unpack_from("<III", data, 4)
    key_end = FIXED_LENGTH + key_length
    try:
        key = bytes(data[FIXED_LENGTH:key_end]).decode("utf-8")
    except UnicodeDecodeError:
        raise RecordProblem("invalid key", "the key is not valid UTF-8") from None
    tokens_start = key_end + _padding(key_length)
    if any(data[key_end:tokens_start]):
        raise RecordProblem.invalid_header("non-zero key padding")
    tokens = np.frombuffer(data, dtype="<u4", count=height * width,
                           offset=tokens_start).astype(np.uint32).reshape(height, width)
    out_of_range = np.flatnonzero(tokens.reshape(-1) >= vocabulary_size)
    if out_of_range.size:
        position = int(out_of_range[0])
        raise RecordProblem("token out of range",
                            f"token {int(tokens.reshape(-1)[position])} at position {position} "
                            f"is out of range (vocabulary {vocabulary_size})")
    return Record(key, tokens, pixel_codebook_size), size


def _problem(key: str, tokens: np.ndarray, vocabulary_size: int) -> str | None:
    """Why (`key`, `tokens`) cannot be written to a file with this vocabulary, worded as
    the Swift writer's, or None. `tokens` is an integer array."""
    if tokens.ndim != 2:
        return f"tokens of shape {tokens.shape}: a record's tokens are a grid [H, W]"
    height, width = tokens.shape
    if not (1 <= height <= MAX_GRID_SIDE and 1 <= width <= MAX_GRID_SIDE):
        return f"grid {height} x {width}: each side must be 1 to {MAX_GRID_SIDE}"
    key_length = len(key.encode("utf-8"))
    if key_length > MAX_KEY_LENGTH:
        return f"the key is {key_length} bytes, the limit is {MAX_KEY_LENGTH}"
    flat = tokens.reshape(-1)
    bad = np.flatnonzero((flat < 0) | (flat >= vocabulary_size))
    if bad.size:
        position = int(bad[0])
        value = int(flat[position])
        if value < 0:
            return f"token {value} at position {position} is negative"
        return f"token {value} at position {position} is not below the vocabulary size {vocabulary_size}"
    return None


def encode_record(key: str, tokens, vocabulary_size: int) -> bytes:
    """The bytes of one record (section 1.2) holding `key` and the integer array `tokens`
    [H, W]. Raises ValueError for a record that cannot be written (a grid side outside 1
    to 65,535, a key over 65,535 bytes, a token outside [0, K * m)) and TypeError for
    tokens that are not integers."""
    array = np.asarray(tokens)
    if array.dtype.kind not in "iu":
        raise TypeError(f"record {key!r}: tokens must be integers, got {array.dtype}")
    problem = _problem(key, array, vocabulary_size)
    if problem:
        raise ValueError(f"record '{key}': {problem}")
    raw_key = key.encode("utf-8")
    body = (TAG + struct.pack("<III", array.shape[0], array.shape[1], len(raw_key))
            + raw_key + bytes(_padding(len(raw_key))) + array.astype("<u4").tobytes())
    return body + struct.pack("<I", crc32c(body))
