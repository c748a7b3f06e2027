"""Reader and writer of the SemHiTok file formats, written from the Spec.

- Weight container (`.shw`): Spec/weights.md.
- Token file (`.sht`): Spec/tokens.md.

Only NumPy and the standard library are used. Every value read from a file is checked
before it is used; a violation raises `FormatError`, naming the file, the Spec's name for
the error (`kind`) and, where there is one, the key, tensor or record involved.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = [
    "BF16",
    "FormatError",
    "TokenFile",
    "TokenHeader",
    "TokenRecord",
    "TornTail",
    "crc32c",
    "encode_record",
    "fingerprint",
    "read_tokens",
    "read_weights",
    "write_tokens",
    "write_weights",
]


class FormatError(ValueError):
    """A file that violates its format.

    `kind` is the Spec's name for the violation (for example "header checksum mismatch");
    `detail` says which key, tensor or record is involved and what was found.
    """

    def __init__(self, path, kind: str, detail: str = ""):
        self.path = os.fspath(path)
        self.kind = kind
        self.detail = detail
        message = f"{self.path}: {kind}" + (f": {detail}" if detail else "")
        super().__init__(message)


# ---------------------------------------------------------------------------------------
# CRC-32C (weights.md section 1)


def _crc32c_tables() -> list[list[int]]:
    """The eight 256-entry tables of the slice-by-8 CRC-32C (reflected 0x82F63B78)."""
    first = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        first.append(crc)
    tables = [first]
    for _ in range(7):
        previous = tables[-1]
        tables.append([(value >> 8) ^ first[value & 0xFF] for value in previous])
    return tables


_T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7 = _crc32c_tables()


def _crc32c_python(data, crc: int = 0) -> int:
    """CRC-32C of `data`, continuing from the finished CRC `crc` of preceding bytes.

    Slice-by-8: each 8-byte word is folded into the register with eight table lookups,
    which is several times faster in CPython than one lookup per byte.
    """
    view = memoryview(data).cast("B")
    crc ^= 0xFFFFFFFF
    whole = len(view) - len(view) % 8
    for low, high in struct.iter_unpack("<II", view[:whole]):
        low ^= crc
        crc = (_T7[low & 0xFF] ^ _T6[(low >> 8) & 0xFF] ^ _T5[(low >> 16) & 0xFF]
               ^ _T4[low >> 24] ^ _T3[high & 0xFF] ^ _T2[(high >> 8) & 0xFF]
               ^ _T1[(high >> 16) & 0xFF] ^ _T0[high >> 24])
    for byte in view[whole:]:
        crc = _T0[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _accelerated_crc32c():
    """A compiled CRC-32C from an optional package, or None when neither is installed."""
    try:
        import crc32c as module  # the `crc32c` package
        return lambda data, crc=0: module.crc32c(bytes(data), crc)
    except ImportError:
        pass
    try:
        import google_crc32c as module
        return lambda data, crc=0: module.extend(crc, bytes(data))
    except ImportError:
        return None


_crc32c_impl = _accelerated_crc32c() or _crc32c_python


def crc32c(data, crc: int = 0) -> int:
    """CRC-32C (Castagnoli) of `data` (weights.md section 1); `crc` continues a previous one."""
    return _crc32c_impl(data, crc)


def _align64(value: int) -> int:
    """The smallest multiple of 64 that is >= value (weights.md section 1)."""
    return (value + 63) // 64 * 64


# ---------------------------------------------------------------------------------------
# Weight container (weights.md)

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
    _write_atomically(path, output)


def _write_atomically(path, data) -> None:
    """Writes `data` to a temporary file beside `path`, then renames it into place."""
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    # os.open honours the umask, unlike tempfile's private 0600 files.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


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


# ---------------------------------------------------------------------------------------
# Token file (tokens.md)

TOKENS_MAGIC = b"\x89SHT\r\n\x1a\n"
TOKENS_VERSION = 1
TOKEN_HEADER_LENGTH = 64
_RECORD_TAG = b"SHTR"
_INDEX_TAG = b"SHTI"
_END_TAG = b"SHTE"
_RECORD_FIXED_LENGTH = 16
_INDEX_TRAILER_LENGTH = 24
_MAX_GRID_SIDE = 65535
_MAX_KEY_LENGTH = 65535
_MAX_VOCABULARY = 2**31 - 1


@dataclass(frozen=True)
class TokenHeader:
    """The fields of a token file header (tokens.md section 1.1)."""

    model_fingerprint: bytes
    semantic_codebook_size: int
    pixel_codebook_size: int
    grid_height: int
    grid_width: int

    @property
    def vocabulary_size(self) -> int:
        """K * m: every token is below it."""
        return self.semantic_codebook_size * self.pixel_codebook_size


class TokenRecord(NamedTuple):
    """One record: its key and its tokens, a uint32 array of shape [h, w]."""

    key: str
    tokens: np.ndarray


class TornTail(NamedTuple):
    """Unreadable bytes at the end of a token file (tokens.md section 2.3)."""

    offset: int
    length: int
    reason: str


@dataclass(frozen=True)
class TokenFile:
    """A token file as read: its header, records, whether a valid index located them, and
    the torn tail (None when the file has none)."""

    header: TokenHeader
    records: list[TokenRecord]
    used_index: bool
    torn_tail: TornTail | None


def _header_problem(header: TokenHeader) -> str | None:
    """Why `header` is an *invalid header* (tokens.md section 2.1), or None."""
    fields = {"semantic_codebook_size": header.semantic_codebook_size,
              "pixel_codebook_size": header.pixel_codebook_size,
              "grid_height": header.grid_height, "grid_width": header.grid_width}
    for name, value in fields.items():
        if not 1 <= value <= 0xFFFFFFFF:
            return f"{name} is {value}"
    if header.vocabulary_size > _MAX_VOCABULARY:
        return f"K * m = {header.vocabulary_size} is above 2^31 - 1"
    return None


def _encode_token_header(header: TokenHeader) -> bytes:
    """The 64 header bytes (tokens.md section 1.1)."""
    if not isinstance(header.model_fingerprint, bytes) or len(header.model_fingerprint) != 32:
        raise ValueError("the model fingerprint must be 32 bytes")
    problem = _header_problem(header)
    if problem:
        raise ValueError(f"invalid token file header: {problem}")
    body = header.model_fingerprint + struct.pack(
        "<IIII", header.semantic_codebook_size, header.pixel_codebook_size,
        header.grid_height, header.grid_width)
    return TOKENS_MAGIC + struct.pack("<II", TOKENS_VERSION, crc32c(body)) + body


def _key_padding(key_length: int) -> int:
    """Zero bytes after the key so that the tokens are 4-byte aligned (tokens.md 1.2)."""
    return (4 - key_length % 4) % 4


def encode_record(key: str, tokens, vocabulary_size: int) -> bytes:
    """The bytes of one record (tokens.md section 1.2), after checking what it holds."""
    raw_key = key.encode("utf-8")
    array = np.asarray(tokens)
    if array.ndim != 2 or not 1 <= array.shape[0] <= _MAX_GRID_SIDE \
            or not 1 <= array.shape[1] <= _MAX_GRID_SIDE:
        raise ValueError(f"record {key!r}: tokens must be a grid [h, w] with sides 1 to 65535, "
                         f"got shape {array.shape}")
    if array.dtype.kind not in "iu":
        raise TypeError(f"record {key!r}: tokens must be integers, got {array.dtype}")
    if int(array.min()) < 0 or int(array.max()) >= vocabulary_size:
        raise ValueError(f"record {key!r}: tokens must be in [0, {vocabulary_size})")
    if len(raw_key) > _MAX_KEY_LENGTH:
        raise ValueError(f"record {key!r}: the key is {len(raw_key)} bytes, above 65535")
    body = (_RECORD_TAG + struct.pack("<III", array.shape[0], array.shape[1], len(raw_key))
            + raw_key + bytes(_key_padding(len(raw_key))) + array.astype("<u4").tobytes())
    return body + struct.pack("<I", crc32c(body))


def _encode_index(offsets: list[int], index_offset: int) -> bytes:
    """The index block (tokens.md section 1.3) for records at `offsets`."""
    body = (_INDEX_TAG + bytes(4) + b"".join(struct.pack("<Q", o) for o in offsets)
            + struct.pack("<QQ", len(offsets), index_offset))
    return body + struct.pack("<I", crc32c(body)) + _END_TAG


def write_tokens(path, header: TokenHeader, records, finish: bool = True) -> None:
    """Writes a token file (tokens.md sections 1 and 4): header, records, then the index.

    `records` is a sequence of (key, tokens [h, w]) pairs. With `finish=False` the index
    block is left out, as an interrupted writer leaves the file. The file is written under
    a temporary name in the same folder, then renamed.
    """
    parts = [_encode_token_header(header)]
    offsets = []
    position = TOKEN_HEADER_LENGTH
    for key, tokens in records:
        record = encode_record(key, tokens, header.vocabulary_size)
        offsets.append(position)
        parts.append(record)
        position += len(record)
    if finish:
        parts.append(_encode_index(offsets, position))
    _write_atomically(path, b"".join(parts))


def _read_token_header(path, data: bytes) -> TokenHeader:
    """Parses and checks the file header (tokens.md section 2.1)."""
    if len(data) < TOKEN_HEADER_LENGTH:
        raise FormatError(path, "truncated header", f"the file is {len(data)} bytes")
    if data[:8] != TOKENS_MAGIC:
        raise FormatError(path, "not a token file", "bad magic")
    version, stored_crc = struct.unpack_from("<II", data, 8)
    if version != TOKENS_VERSION:
        raise FormatError(path, "unsupported version", f"version {version}")
    computed_crc = crc32c(memoryview(data)[16:TOKEN_HEADER_LENGTH])
    if computed_crc != stored_crc:
        raise FormatError(path, "header checksum mismatch",
                          f"stored 0x{stored_crc:08x}, computed 0x{computed_crc:08x}")
    header = TokenHeader(bytes(data[16:48]), *struct.unpack_from("<IIII", data, 48))
    problem = _header_problem(header)
    if problem:
        raise FormatError(path, "invalid header", problem)
    return header


class _RecordProblem(Exception):
    """Why the bytes at some offset are not a valid record (tokens.md section 2.4)."""

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail
        super().__init__(kind + (f": {detail}" if detail else ""))


def _parse_record(data: bytes, offset: int, end: int, vocabulary_size: int) -> tuple[TokenRecord, int]:
    """Parses the record at `offset`, which must end by `end`, in the order of tokens.md
    section 2.4; returns the record and its size, or raises `_RecordProblem`."""
    if end - offset < _RECORD_FIXED_LENGTH:
        raise _RecordProblem("incomplete record",
                             f"{end - offset} bytes, the fixed part needs {_RECORD_FIXED_LENGTH}")
    if data[offset:offset + 4] != _RECORD_TAG:
        raise _RecordProblem("bad record tag", repr(bytes(data[offset:offset + 4])))
    height, width, key_length = struct.unpack_from("<III", data, offset + 4)
    if not (1 <= height <= _MAX_GRID_SIDE and 1 <= width <= _MAX_GRID_SIDE):
        raise _RecordProblem("invalid record header", f"grid {height} x {width}")
    if key_length > _MAX_KEY_LENGTH:
        raise _RecordProblem("invalid record header", f"key length {key_length}")
    padding = _key_padding(key_length)
    size = _RECORD_FIXED_LENGTH + key_length + padding + 4 * height * width + 4
    if size > end - offset:
        raise _RecordProblem("incomplete record", f"it needs {size} bytes, {end - offset} remain")
    crc_offset = offset + size - 4
    stored_crc = struct.unpack_from("<I", data, crc_offset)[0]
    if crc32c(memoryview(data)[offset:crc_offset]) != stored_crc:
        raise _RecordProblem("record checksum mismatch")
    key_start = offset + _RECORD_FIXED_LENGTH
    key_end = key_start + key_length
    try:
        key = bytes(data[key_start:key_end]).decode("utf-8")
    except UnicodeDecodeError:
        raise _RecordProblem("invalid key", "not valid UTF-8") from None
    if any(data[key_end:key_end + padding]):
        raise _RecordProblem("invalid record header", "non-zero key padding")
    tokens = np.frombuffer(data, dtype="<u4", count=height * width,
                           offset=key_end + padding).reshape(height, width)
    out_of_range = np.flatnonzero(tokens.reshape(-1) >= vocabulary_size)
    if out_of_range.size:
        position = int(out_of_range[0])
        raise _RecordProblem("token out of range",
                             f"position {position} holds {int(tokens.reshape(-1)[position])}, "
                             f"the vocabulary has {vocabulary_size}")
    return TokenRecord(key, tokens), size


def _valid_index_at(data: bytes, index_offset: int) -> list[int] | None:
    """The record offsets of the index block at `index_offset` if it is valid and ends at
    the end of the file (tokens.md section 2.2, step 2), else None."""
    size = len(data)
    if size < TOKEN_HEADER_LENGTH + 32 or data[size - 4:] != _END_TAG:
        return None
    count, stored_offset = struct.unpack_from("<QQ", data, size - _INDEX_TRAILER_LENGTH)
    if stored_offset != index_offset or index_offset + 8 + 8 * count + _INDEX_TRAILER_LENGTH != size:
        return None
    if data[index_offset:index_offset + 8] != _INDEX_TAG + bytes(4):
        return None
    stored_crc = struct.unpack_from("<I", data, size - 8)[0]
    if crc32c(memoryview(data)[index_offset:size - 8]) != stored_crc:
        return None
    offsets = list(struct.unpack_from(f"<{count}Q", data, index_offset + 8))
    if offsets:
        if offsets[0] != TOKEN_HEADER_LENGTH:
            return None
        if any(a >= b for a, b in zip(offsets, offsets[1:])) or offsets[-1] >= index_offset:
            return None
    elif index_offset != TOKEN_HEADER_LENGTH:
        return None
    return offsets


def _trailer_index_offset(data: bytes) -> int | None:
    """The index_offset the trailer claims, if the file is long enough to have one."""
    if len(data) < TOKEN_HEADER_LENGTH + 32:
        return None
    return struct.unpack_from("<Q", data, len(data) - 16)[0]


def _read_indexed(path, data: bytes, header: TokenHeader, offsets: list[int],
                  index_offset: int) -> list[TokenRecord]:
    """Reads every record through a valid index (tokens.md section 2.2, step 3)."""
    records = []
    for k, offset in enumerate(offsets):
        slot_end = offsets[k + 1] if k + 1 < len(offsets) else index_offset
        try:
            record, size = _parse_record(data, offset, slot_end, header.vocabulary_size)
        except _RecordProblem as problem:
            raise FormatError(path, f"corrupt record {k}", f"at offset {offset}: {problem}") from None
        if offset + size != slot_end:
            raise FormatError(path, f"corrupt record {k}",
                              f"at offset {offset}: {size} bytes, its slot is {slot_end - offset}")
        records.append(record)
    return records


def _scan(data: bytes, header: TokenHeader) -> tuple[list[TokenRecord], TornTail | None]:
    """Finds the records by scanning from offset 64 (tokens.md section 2.3)."""
    records = []
    position = TOKEN_HEADER_LENGTH
    while position < len(data):
        if data[position:position + 4] == _INDEX_TAG and _valid_index_at(data, position) is not None:
            break
        try:
            record, size = _parse_record(data, position, len(data), header.vocabulary_size)
        except _RecordProblem as problem:
            return records, TornTail(position, len(data) - position, str(problem))
        records.append(record)
        position += size
    return records, None


def read_tokens(path) -> TokenFile:
    """Reads a token file as a seekable reader does (tokens.md sections 2.1 to 2.4).

    With a valid index the records are read through it, and a record that does not fill
    its slot exactly is an error (*corrupt record k*). Without one the file is scanned; a
    torn tail is reported in the result, with every record before it.
    """
    with open(path, "rb") as file:
        data = file.read()
    header = _read_token_header(path, data)
    index_offset = _trailer_index_offset(data)
    offsets = None if index_offset is None else _valid_index_at(data, index_offset)
    if offsets is not None:
        records = _read_indexed(path, data, header, offsets, index_offset)
        return TokenFile(header, records, used_index=True, torn_tail=None)
    records, torn_tail = _scan(data, header)
    return TokenFile(header, records, used_index=False, torn_tail=torn_tail)
