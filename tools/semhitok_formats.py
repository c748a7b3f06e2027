"""Reader and writer of the SemHiTok weight container (`.shw`, Spec/weights.md), written
from the Spec, and the model fingerprint.

The token file (`.sht`, Spec/tokens.md) and CRC-32C are the package `python/semhitok_tokens`,
re-exported here so that the tools import both formats from one place; this module puts
`python/` on `sys.path`, so tools run from a clean clone without installing it.

Only NumPy and the standard library are used. Every value read from a weight container is
checked before it is used; a violation raises `FormatError`, naming the file, the Spec's
name for the error (`kind`) and, where there is one, the key or tensor involved.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
from typing import NamedTuple

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
from semhitok_tokens import (TokenFile, TokenFileError, TokenHeader, crc32c,  # noqa: E402
                             encode_record, write_tokens)
from semhitok_tokens.writer import atomic_file  # noqa: E402

__all__ = [
    "BF16",
    "FormatError",
    "TokenFile",
    "TokenFileError",
    "TokenHeader",
    "crc32c",
    "encode_record",
    "fingerprint",
    "read_weights",
    "write_tokens",
    "write_weights",
]


class FormatError(ValueError):
    """A weight container that violates its format.

    `kind` is the Spec's name for the violation (for example "header checksum mismatch");
    `detail` says which key or tensor is involved and what was found.
    """

    def __init__(self, path, kind: str, detail: str = ""):
        self.path = os.fspath(path)
        self.kind = kind
        self.detail = detail
        message = f"{self.path}: {kind}" + (f": {detail}" if detail else "")
        super().__init__(message)


# ---------------------------------------------------------------------------------------
# Weight container (weights.md)


def _align64(value: int) -> int:
    """The smallest multiple of 64 that is >= value (weights.md section 1)."""
    return (value + 63) // 64 * 64


WEIGHTS_MAGIC = b"\x89SHW\r\n\x1a\n"
WEIGHTS_VERSION = 1
PREAMBLE_LENGTH = 32
MAX_HEADER_LENGTH = 16 * 1024 * 1024
MAX_RANK = 8
_INT64_MAX = 2**63 - 1
# Smallest possible entries, used to reject a count before anything is allocated
# (weights.md section 4, step 8): a configuration entry needs its key length, one key
# byte and its type; a tensor entry needs name length, one name byte, dtype, rank,
# offset, byte length and CRC.
_MIN_CONFIG_ENTRY = 2 + 1 + 1
_MIN_TENSOR_ENTRY = 2 + 1 + 1 + 1 + 8 + 8 + 4

_VALUE_I64, _VALUE_F64, _VALUE_STRING, _VALUE_I64_ARRAY, _VALUE_F64_ARRAY = 1, 2, 3, 4, 5

_DTYPE_F32, _DTYPE_F16, _DTYPE_BF16, _DTYPE_I32, _DTYPE_U8 = 1, 2, 3, 4, 5
# Storage dtype of each code; bf16 is stored as its raw 16-bit patterns.
_DTYPE_STORAGE = {
    _DTYPE_F32: np.dtype("<f4"),
    _DTYPE_F16: np.dtype("<f2"),
    _DTYPE_BF16: np.dtype("<u2"),
    _DTYPE_I32: np.dtype("<i4"),
    _DTYPE_U8: np.dtype("u1"),
}
_DTYPE_CODE = {
    np.dtype("float32"): _DTYPE_F32,
    np.dtype("float16"): _DTYPE_F16,
    np.dtype("int32"): _DTYPE_I32,
    np.dtype("uint8"): _DTYPE_U8,
}


class BF16:
    """A bfloat16 tensor, held as its raw 16-bit patterns (NumPy has no bfloat16).

    `write_weights` stores it with dtype `bf16`; `read_weights` returns `bf16` tensors as
    this class, so that reading and writing a file back reproduces its bytes.
    """

    def __init__(self, bits):
        array = np.asarray(bits)
        if array.dtype != np.uint16:
            raise TypeError(f"BF16 needs uint16 bit patterns, got {array.dtype}")
        self.bits = array

    @property
    def shape(self) -> tuple[int, ...]:
        return self.bits.shape

    def to_float32(self) -> np.ndarray:
        """The values as float32 (exact: a bfloat16 is the high half of a float32)."""
        return (self.bits.astype(np.uint32) << 16).view(np.float32)

    def __repr__(self) -> str:
        return f"BF16(shape={self.shape})"


def _is_valid_name(raw: bytes) -> bool:
    """Whether `raw` is a name: 1 to 256 bytes in 0x21...0x7E (weights.md section 1)."""
    return 1 <= len(raw) <= 256 and all(0x21 <= byte <= 0x7E for byte in raw)


def _encode_name(name: str) -> bytes:
    """The bytes of a configuration key or tensor name, which must be a valid name."""
    if isinstance(name, str) and name.isascii() and _is_valid_name(name.encode("ascii")):
        return name.encode("ascii")
    raise ValueError(f"invalid name {name!r}: 1 to 256 printable ASCII characters, no space")


def _encode_config_value(key: str, value) -> bytes:
    """The type byte and value bytes of one configuration entry (weights.md section 3).

    Python int -> i64, float -> f64, str -> string, a sequence or array of ints -> i64
    array, of floats -> f64 array. An empty list has no element type: pass an empty
    NumPy array of dtype int64 or float64 instead.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"configuration key {key!r}: booleans have no value type")
    if isinstance(value, (int, np.integer)):
        return struct.pack("<Bq", _VALUE_I64, int(value))
    if isinstance(value, (float, np.floating)):
        return struct.pack("<Bd", _VALUE_F64, float(value))
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return struct.pack("<BI", _VALUE_STRING, len(raw)) + raw
    array = np.asarray(value)
    if array.ndim != 1:
        raise TypeError(f"configuration key {key!r}: unsupported value {value!r}")
    if array.size == 0 and not isinstance(value, np.ndarray):
        raise TypeError(f"configuration key {key!r}: an empty list has no element type; "
                        "pass np.array([], dtype=np.int64) or dtype=np.float64")
    if array.dtype.kind in "iu":
        if array.size and (int(array.min()) < -(2**63) or int(array.max()) > _INT64_MAX):
            raise OverflowError(f"configuration key {key!r}: value outside i64")
        return struct.pack("<BI", _VALUE_I64_ARRAY, array.size) + array.astype("<i8").tobytes()
    if array.dtype.kind == "f":
        return struct.pack("<BI", _VALUE_F64_ARRAY, array.size) + array.astype("<f8").tobytes()
    raise TypeError(f"configuration key {key!r}: unsupported value {value!r}")


def _tensor_storage(name: str, tensor) -> tuple[int, np.ndarray]:
    """The dtype code and the little-endian, row-major array of one tensor to write."""
    if isinstance(tensor, BF16):
        code, array = _DTYPE_BF16, tensor.bits
    else:
        array = np.asarray(tensor)
        code = _DTYPE_CODE.get(array.dtype.newbyteorder("="))
        if code is None:
            raise TypeError(f"tensor {name!r}: dtype {array.dtype} has no code "
                            "(use float32, float16, int32, uint8, or BF16)")
    if array.ndim > MAX_RANK:
        raise ValueError(f"tensor {name!r}: rank {array.ndim} is above {MAX_RANK}")
    # astype, unlike ascontiguousarray, keeps a rank-0 array rank 0.
    return code, array.astype(_DTYPE_STORAGE[code], order="C")


def _encode_weights_header(config_entries, tensor_entries, offsets) -> bytes:
    """The header bytes (weights.md section 3) for sorted entries placed at `offsets`."""
    parts = [struct.pack("<I", len(config_entries))]
    for raw_key, value_bytes in config_entries:
        parts += [struct.pack("<H", len(raw_key)), raw_key, value_bytes]
    parts.append(struct.pack("<I", len(tensor_entries)))
    for (raw_name, code, data, crc), offset in zip(tensor_entries, offsets):
        parts += [struct.pack("<H", len(raw_name)), raw_name, struct.pack("<BB", code, data.ndim)]
        parts += [struct.pack("<Q", dimension) for dimension in data.shape]
        parts.append(struct.pack("<QQI", offset, data.nbytes, crc))
    return b"".join(parts)


def _sorted_by_name(items: dict) -> list:
    """(raw name, value) pairs sorted by the bytes of the name (weights.md section 3).

    Distinct ASCII strings have distinct bytes, so a dict cannot hold duplicates.
    """
    return sorted(((_encode_name(name), value) for name, value in items.items()),
                  key=lambda pair: pair[0])


def write_weights(path, config: dict, tensors: dict) -> None:
    """Writes a weight container in the canonical layout of weights.md section 5.

    `config` maps keys to int, float, str or 1-D sequences/arrays of ints or floats;
    `tensors` maps names to NumPy arrays (float32, float16, int32, uint8) or `BF16`.
    The file is written under a temporary name in the same folder, then renamed.
    """
    config_entries = [(raw, _encode_config_value(raw.decode(), value))
                      for raw, value in _sorted_by_name(config)]
    tensor_entries = []
    for raw, tensor in _sorted_by_name(tensors):
        code, data = _tensor_storage(raw.decode(), tensor)
        tensor_entries.append((raw, code, data, crc32c(data.tobytes())))
    # Every field has a fixed width, so the header's length does not depend on the offsets.
    header_length = len(_encode_weights_header(config_entries, tensor_entries,
                                               [0] * len(tensor_entries)))
    end = _align64(PREAMBLE_LENGTH + header_length)
    offsets = []
    for _, _, data, _ in tensor_entries:
        offset = _align64(end)
        offsets.append(offset)
        end = offset + data.nbytes
    header = _encode_weights_header(config_entries, tensor_entries, offsets)
    lengths = struct.pack("<QQ", header_length, end)
    output = bytearray(end)
    output[0:16] = WEIGHTS_MAGIC + struct.pack("<II", WEIGHTS_VERSION,
                                               crc32c(lengths + header))
    output[16:32] = lengths
    output[32:32 + header_length] = header
    for (_, _, data, _), offset in zip(tensor_entries, offsets):
        output[offset:offset + data.nbytes] = data.tobytes()
    with atomic_file(path) as file:
        file.write(output)


class _HeaderReader:
    """Reads fields from the header bytes; reading past the end is *truncated header*."""

    def __init__(self, path, header: bytes):
        self.path = path
        self.header = header
        self.position = 0

    @property
    def remaining(self) -> int:
        return len(self.header) - self.position

    def take(self, count: int, field: str) -> bytes:
        if count > self.remaining:
            raise FormatError(self.path, "truncated header", f"it ends inside {field}")
        start = self.position
        self.position += count
        return self.header[start:self.position]

    def unpack(self, layout: str, field: str):
        values = struct.unpack(layout, self.take(struct.calcsize(layout), field))
        return values[0] if len(values) == 1 else values

    def require_room(self, count: int, size: int, field: str) -> None:
        """Rejects a count whose elements cannot fit in the bytes that remain."""
        if count * size > self.remaining:
            raise FormatError(self.path, "truncated header",
                              f"{count} elements of {field} cannot fit in {self.remaining} bytes")


def _read_name(reader: _HeaderReader, field: str, previous: bytes | None,
               duplicate_kind: str) -> bytes:
    """Reads a name, checks it is valid and strictly after `previous` (section 4, step 8)."""
    length = reader.unpack("<H", field)
    raw = reader.take(length, field)
    if not _is_valid_name(raw):
        raise FormatError(reader.path, "invalid name", f"{field} {raw!r}")
    if previous is not None:
        if raw == previous:
            raise FormatError(reader.path, duplicate_kind, repr(raw.decode()))
        if raw < previous:
            raise FormatError(reader.path, "entries not sorted",
                              f"{raw.decode()!r} comes after {previous.decode()!r}")
    return raw


def _read_config_value(reader: _HeaderReader, key: str):
    """Reads the type and value of configuration key `key` (weights.md section 3)."""
    field = f"the value of {key!r}"
    value_type = reader.unpack("<B", f"the type of {key!r}")
    if value_type == _VALUE_I64:
        return reader.unpack("<q", field)
    if value_type == _VALUE_F64:
        return reader.unpack("<d", field)
    if value_type == _VALUE_STRING:
        raw = reader.take(reader.unpack("<I", field), field)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(reader.path, "invalid UTF-8", f"configuration key {key!r}") from None
    if value_type in (_VALUE_I64_ARRAY, _VALUE_F64_ARRAY):
        count = reader.unpack("<I", field)
        reader.require_room(count, 8, field)
        layout = "<i8" if value_type == _VALUE_I64_ARRAY else "<f8"
        return np.frombuffer(reader.take(8 * count, field), dtype=layout).astype(layout[1:])
    raise FormatError(reader.path, "unknown value type",
                      f"configuration key {key!r} has type {value_type}")


class _TensorEntry(NamedTuple):
    name: str
    dtype: int
    shape: tuple[int, ...]
    offset: int
    byte_length: int
    crc: int


def _read_tensor_entry(reader: _HeaderReader, previous: bytes | None, data_start: int,
                       file_length: int) -> tuple[bytes, _TensorEntry]:
    """Reads and checks one tensor table entry (weights.md section 4, step 8)."""
    raw = _read_name(reader, "a tensor name", previous, "duplicate tensor name")
    name = raw.decode()
    field = f"the entry of tensor {name!r}"
    path = reader.path
    dtype = reader.unpack("<B", field)
    if dtype not in _DTYPE_STORAGE:
        raise FormatError(path, "unknown dtype", f"tensor {name!r} has dtype {dtype}")
    rank = reader.unpack("<B", field)
    if rank > MAX_RANK:
        raise FormatError(path, "rank too large", f"tensor {name!r} has rank {rank}")
    shape = tuple(reader.unpack("<Q", field) for _ in range(rank))
    offset, byte_length, crc = reader.unpack("<QQI", field)
    size = _DTYPE_STORAGE[dtype].itemsize
    for dimension in shape:
        size *= dimension
        if dimension > _INT64_MAX or size > _INT64_MAX:
            raise FormatError(path, "shape overflow", f"tensor {name!r} has shape {list(shape)}")
    if size != byte_length:
        raise FormatError(path, "byte length mismatch",
                          f"tensor {name!r}: byte_length {byte_length}, shape and dtype give {size}")
    if offset % 64:
        raise FormatError(path, "misaligned offset", f"tensor {name!r} at offset {offset}")
    if offset < data_start:
        raise FormatError(path, "offset inside the header",
                          f"tensor {name!r} at offset {offset}, the data section starts at {data_start}")
    # Python integers do not overflow; the u64 range is checked explicitly instead.
    end = offset + byte_length
    if end >= 2**64 or end > file_length:
        raise FormatError(path, "offset out of bounds",
                          f"tensor {name!r}: bytes [{offset}, {end}) in a file of {file_length}")
    return raw, _TensorEntry(name, dtype, shape, offset, byte_length, crc)


def _parse_weights(path, data: bytes) -> tuple[dict, list[_TensorEntry]]:
    """Checks steps 1 to 9 of weights.md section 4; returns the config and tensor table."""
    if len(data) < PREAMBLE_LENGTH:
        raise FormatError(path, "truncated preamble", f"the file is {len(data)} bytes")
    if data[:8] != WEIGHTS_MAGIC:
        raise FormatError(path, "not a weight container", "bad magic")
    version, stored_crc, header_length, file_length = struct.unpack_from("<IIQQ", data, 8)
    if version != WEIGHTS_VERSION:
        raise FormatError(path, "unsupported version", f"version {version}")
    if header_length > MAX_HEADER_LENGTH:
        raise FormatError(path, "header too large", f"{header_length} bytes")
    header_end = PREAMBLE_LENGTH + header_length
    if header_end > len(data):
        raise FormatError(path, "header length past the end",
                          f"the header ends at {header_end}, the file is {len(data)} bytes")
    computed_crc = crc32c(memoryview(data)[16:header_end])
    if computed_crc != stored_crc:
        raise FormatError(path, "header checksum mismatch",
                          f"stored 0x{stored_crc:08x}, computed 0x{computed_crc:08x}")
    if file_length != len(data):
        raise FormatError(path, "file length mismatch",
                          f"the header says {file_length} bytes, the file is {len(data)}")
    reader = _HeaderReader(path, data[PREAMBLE_LENGTH:header_end])

    config = {}
    count = reader.unpack("<I", "config_count")
    reader.require_room(count, _MIN_CONFIG_ENTRY, "the configuration")
    previous = None
    for _ in range(count):
        previous = _read_name(reader, "a configuration key", previous, "duplicate key")
        key = previous.decode()
        config[key] = _read_config_value(reader, key)

    tensors = []
    count = reader.unpack("<I", "tensor_count")
    reader.require_room(count, _MIN_TENSOR_ENTRY, "the tensor table")
    previous = None
    for _ in range(count):
        previous, entry = _read_tensor_entry(reader, previous, _align64(header_end), file_length)
        tensors.append(entry)
    if reader.remaining:
        raise FormatError(path, "trailing header bytes",
                          f"{reader.remaining} bytes after the tensor table")
    _check_no_overlap(path, tensors)
    return config, tensors


def _check_no_overlap(path, tensors: list[_TensorEntry]) -> None:
    """Rejects two non-empty tensors sharing a byte (weights.md section 4, step 9)."""
    placed = sorted((entry for entry in tensors if entry.byte_length), key=lambda e: e.offset)
    for first, second in zip(placed, placed[1:]):
        if first.offset + first.byte_length > second.offset:
            raise FormatError(path, "overlapping tensors",
                              f"{first.name!r} and {second.name!r}")


def read_weights(path, verify: bool = True) -> tuple[dict, dict]:
    """Reads a weight container, performing every check of weights.md section 4 in order.

    Returns `(config, tensors)`: config values are int (i64), float (f64), str (string)
    or 1-D NumPy arrays of int64 / float64 (arrays); tensors are read-only NumPy arrays
    (float32, float16, int32, uint8), and `bf16` tensors are `BF16` objects (their raw
    bits; `.to_float32()` converts exactly). Both dicts are in the file's (sorted) order.
    `verify=False` skips step 10, the tensor data checksums.
    """
    with open(path, "rb") as file:
        data = file.read()
    config, entries = _parse_weights(path, data)
    tensors = {}
    for entry in entries:
        raw = memoryview(data)[entry.offset:entry.offset + entry.byte_length]
        if verify and crc32c(raw) != entry.crc:
            raise FormatError(path, "tensor checksum mismatch", f"tensor {entry.name!r}")
        array = np.frombuffer(data, dtype=_DTYPE_STORAGE[entry.dtype],
                              count=entry.byte_length // _DTYPE_STORAGE[entry.dtype].itemsize,
                              offset=entry.offset).reshape(entry.shape)
        tensors[entry.name] = BF16(array) if entry.dtype == _DTYPE_BF16 else array
    return config, tensors


def fingerprint(path) -> bytes:
    """The model fingerprint: SHA-256 of the header bytes (weights.md section 6).

    The file is validated first (section 4, steps 1 to 9) so that a damaged file is
    never fingerprinted.
    """
    with open(path, "rb") as file:
        data = file.read()
    _parse_weights(path, data)
    header_length = struct.unpack_from("<Q", data, 16)[0]
    return hashlib.sha256(data[PREAMBLE_LENGTH:PREAMBLE_LENGTH + header_length]).digest()
