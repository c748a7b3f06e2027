"""Tests of semhitok_formats against Spec/weights.md, and of the committed fixtures in
golden/formats/ (the token file package python/semhitok_tokens has its own tests, in
python/tests/).

Malformed files are built here byte by byte, independently of the module's writer, with
the header CRC recomputed where needed so that the intended check is the one that fires.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

import make_format_fixtures
import semhitok_formats as sf
from semhitok_formats import BF16, FormatError

GOLDEN_FORMATS = Path(__file__).resolve().parent.parent / "golden" / "formats"
MAGIC = b"\x89SHW\r\n\x1a\n"


def align64(value: int) -> int:
    return (value + 63) // 64 * 64


# ---------------------------------------------------------------------------------------
# Check values


def test_sha256_check_value():
    assert hashlib.sha256(b"abc").hexdigest() == \
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# ---------------------------------------------------------------------------------------
# Weight container: round trips and fixtures


def example_content():
    return make_format_fixtures.example_config(), make_format_fixtures.example_tensors()


def test_weights_round_trip_reproduces_content_and_bytes(tmp_path):
    config, tensors = example_content()
    first = tmp_path / "first.shw"
    sf.write_weights(first, config, tensors)
    read_config, read_tensors = sf.read_weights(first)
    assert list(read_config) == sorted(config)
    for key, value in config.items():
        np.testing.assert_array_equal(read_config[key], value)
        assert type(read_config[key]) is (np.ndarray if not np.isscalar(value) else type(value))
    assert list(read_tensors) == sorted(tensors)
    for name, tensor in tensors.items():
        if isinstance(tensor, BF16):
            assert read_tensors[name].bits.tobytes() == tensor.bits.tobytes()
        else:
            assert read_tensors[name].dtype == tensor.dtype
            assert read_tensors[name].shape == tensor.shape
            assert read_tensors[name].tobytes() == tensor.tobytes()
    second = tmp_path / "second.shw"
    sf.write_weights(second, read_config, read_tensors)
    assert second.read_bytes() == first.read_bytes()


def test_writer_layout_is_canonical(tmp_path):
    path = tmp_path / "w.shw"
    sf.write_weights(path, {"z": 1, "a": "x"}, {"t2": np.ones(3, np.uint8), "t1": np.zeros((0,), np.float32),
                                               "t3": np.arange(20, dtype=np.int32)})
    data = path.read_bytes()
    header_length, file_length = struct.unpack_from("<QQ", data, 16)
    assert file_length == len(data)
    # Table order t1 (empty), t2, t3: t1 and t2 share the start of the data section.
    data_start = align64(32 + header_length)
    entries = sf._parse_weights(path, data)[1]
    assert [(e.name, e.offset) for e in entries] == [("t1", data_start), ("t2", data_start),
                                                      ("t3", data_start + 64)]
    assert len(data) == data_start + 64 + 80
    assert data[32 + header_length:data_start] == bytes(data_start - 32 - header_length)
    assert data[data_start + 3:data_start + 64] == bytes(61)


def test_writer_without_tensors_ends_at_data_section(tmp_path):
    path = tmp_path / "empty.shw"
    sf.write_weights(path, {}, {})
    data = path.read_bytes()
    assert len(data) == align64(32 + 8)
    assert sf.read_weights(path) == ({}, {})


def test_writer_rejects_what_it_cannot_represent(tmp_path):
    path = tmp_path / "bad.shw"
    with pytest.raises(ValueError):
        sf.write_weights(path, {"has space": 1}, {})
    with pytest.raises(TypeError):
        sf.write_weights(path, {"k": []}, {})
    with pytest.raises(TypeError):
        sf.write_weights(path, {"k": True}, {})
    with pytest.raises(TypeError):
        sf.write_weights(path, {}, {"t": np.zeros(2, np.float64)})
    with pytest.raises(ValueError):
        sf.write_weights(path, {}, {"t": np.zeros((1,) * 9, np.float32)})
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_committed_weight_fixture_values():
    path = GOLDEN_FORMATS / "example.shw"
    config, tensors = sf.read_weights(path)
    assert config["example.int"] == 42 and config["example.negative"] == -7
    assert config["example.real"] == 0.5
    assert config["example.text"] == "SemHiTok \u2713"
    assert config["example.ints"].tolist() == [1, -2, 3]
    assert config["example.reals"].tolist() == [0.25, -1.5]
    assert config["example.empty_ints"].dtype == np.int64 and config["example.empty_ints"].size == 0
    assert tensors["a.f32"].tolist() == [[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]]
    assert tensors["b.f16"].dtype == np.float16 and tensors["b.f16"].tolist() == [1.0, -2.0, 0.5, 65504.0]
    assert tensors["c.bf16"].bits.tolist() == [[0x3F80, 0xBF80], [0x4049, 0x0000]]
    assert tensors["c.bf16"].to_float32().tolist() == [[1.0, -1.0], [3.140625, 0.0]]
    assert tensors["d.i32"].tolist() == [-1, 0, 2147483647]
    assert tensors["e.u8"].tolist() == [0, 1, 2, 254, 255]
    assert tensors["f.scalar"].shape == () and float(tensors["f.scalar"]) == 7.0
    assert tensors["g.empty"].shape == (0, 4) and tensors["g.empty"].dtype == np.float32
    data = path.read_bytes()
    # The empty-ints entry: key, type code 4, count 0.
    assert b"\x12\x00example.empty_ints\x04\x00\x00\x00\x00" in data
    header_length = struct.unpack_from("<Q", data, 16)[0]
    assert sf.fingerprint(path) == hashlib.sha256(data[32:32 + header_length]).digest()


def test_fixture_generator_reproduces_committed_bytes(tmp_path):
    make_format_fixtures.write_fixtures(tmp_path)
    for name in ("example.shw", "example.sht", "example_unfinished.sht", "example_torn.sht"):
        assert (tmp_path / name).read_bytes() == (GOLDEN_FORMATS / name).read_bytes(), name


# ---------------------------------------------------------------------------------------
# Weight container: malformed files (weights.md section 4), built by hand


def name_field(name: bytes) -> bytes:
    return struct.pack("<H", len(name)) + name


def config_entry(key: bytes, value_type: int, payload: bytes) -> bytes:
    return name_field(key) + bytes([value_type]) + payload


def i64_entry(key: bytes, value: int) -> bytes:
    return config_entry(key, 1, struct.pack("<q", value))


class Tensor:
    """A tensor table entry; fields left as None take their canonical values."""

    def __init__(self, name: bytes, data: bytes = b"\0\0\0\0", dtype: int = 1, dims=None,
                 offset=None, byte_length=None, crc=None, rank=None):
        self.name, self.data, self.dtype = name, data, dtype
        self.dims = [len(data) // 4] if dims is None else dims
        self.rank = len(self.dims) if rank is None else rank
        self.offset, self.byte_length, self.crc = offset, byte_length, crc

    def entry(self, offset: int) -> bytes:
        return (name_field(self.name) + struct.pack("<BB", self.dtype, self.rank)
                + b"".join(struct.pack("<Q", d) for d in self.dims)
                + struct.pack("<QQI", offset if self.offset is None else self.offset,
                              len(self.data) if self.byte_length is None else self.byte_length,
                              sf.crc32c(self.data) if self.crc is None else self.crc))


def build_weights(config=(), tensors=(), trailing: bytes = b"", config_count=None,
                  tensor_count=None) -> bytes:
    """A weight file with the given raw entries, placed canonically, with a valid preamble."""
    def header(offsets):
        return (struct.pack("<I", len(config) if config_count is None else config_count)
                + b"".join(config)
                + struct.pack("<I", len(tensors) if tensor_count is None else tensor_count)
                + b"".join(t.entry(o) for t, o in zip(tensors, offsets)) + trailing)

    header_length = len(header([0] * len(tensors)))
    end = align64(32 + header_length)
    offsets = []
    for tensor in tensors:
        offsets.append(align64(end))
        end = offsets[-1] + len(tensor.data)
    body = bytearray(end)
    body[32:32 + header_length] = header(offsets)
    for tensor, offset in zip(tensors, offsets):
        body[offset:offset + len(tensor.data)] = tensor.data
    body[0:8] = MAGIC
    struct.pack_into("<IIQQ", body, 8, 1, 0, header_length, end)
    return reseal(bytes(body))


def reseal(data: bytes) -> bytes:
    """`data` with its header CRC recomputed from its (possibly edited) fields."""
    header_length = struct.unpack_from("<Q", data, 16)[0]
    crc = sf.crc32c(data[16:32 + header_length])
    return data[:12] + struct.pack("<I", crc) + data[16:]


def with_field(data: bytes, offset: int, layout: str, value) -> bytes:
    edited = bytearray(data)
    struct.pack_into(layout, edited, offset, value)
    return bytes(edited)


def read_error(tmp_path, data: bytes, verify: bool = True) -> FormatError:
    path = tmp_path / "case.shw"
    path.write_bytes(data)
    with pytest.raises(FormatError) as caught:
        sf.read_weights(path, verify=verify)
    assert str(path) in str(caught.value)
    return caught.value


VALID = build_weights([i64_entry(b"a.key", 1)], [Tensor(b"t.one", b"\1\2\3\4"),
                                                  Tensor(b"t.two", bytes(8))])


def test_hand_built_file_is_valid(tmp_path):
    path = tmp_path / "valid.shw"
    path.write_bytes(VALID)
    config, tensors = sf.read_weights(path)
    assert config == {"a.key": 1} and list(tensors) == ["t.one", "t.two"]


def readable_id(value):
    """Test ids from the expected error names only, not from the file bytes."""
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize("data, kind", [
    (VALID[:31], "truncated preamble"),
    (b"", "truncated preamble"),
    (b"\x88" + VALID[1:], "not a weight container"),
    (VALID.replace(b"\r\n", b"\n", 1), "not a weight container"),
    (with_field(VALID, 8, "<I", 2), "unsupported version"),
    (with_field(VALID, 16, "<Q", 16 * 1024 * 1024 + 1), "header too large"),
    (with_field(VALID, 16, "<Q", 16 * 1024 * 1024), "header length past the end"),
    (with_field(VALID, 16, "<Q", len(VALID) - 31), "header length past the end"),
    (with_field(VALID, 12, "<I", 0), "header checksum mismatch"),
    (with_field(VALID, 40, "<B", 0x41), "header checksum mismatch"),
    (with_field(VALID, 24, "<Q", len(VALID) + 1), "header checksum mismatch"),
    (reseal(with_field(VALID, 24, "<Q", len(VALID) + 1)), "file length mismatch"),
    (VALID + b"\0", "file length mismatch"),
    (VALID[:-1], "file length mismatch"),
], ids=readable_id)
def test_preamble_checks(tmp_path, data, kind):
    assert read_error(tmp_path, data).kind == kind


def test_preamble_checks_run_in_order(tmp_path):
    # Bad version and bad CRC: the version is checked first.
    assert read_error(tmp_path, with_field(with_field(VALID, 8, "<I", 9), 12, "<I", 0)).kind \
        == "unsupported version"
    # Bad CRC and appended bytes: the CRC is checked first.
    assert read_error(tmp_path, with_field(VALID, 12, "<I", 0) + b"\0").kind == "header checksum mismatch"


def shortened_header(data: bytes, by: int) -> bytes:
    header_length = struct.unpack_from("<Q", data, 16)[0]
    return reseal(with_field(data, 16, "<Q", header_length - by))


@pytest.mark.parametrize("data, kind, mentions", [
    (shortened_header(VALID, 3), "truncated header", "t.two"),
    (shortened_header(VALID, 40), "truncated header", "tensor table"),
    (build_weights(config_count=2**32 - 1), "truncated header", "configuration"),
    (build_weights(tensor_count=1000), "truncated header", "tensor table"),
    (build_weights([config_entry(b"s", 3, struct.pack("<I", 1000) + b"abc")]), "truncated header", "'s'"),
    (build_weights([config_entry(b"s", 4, struct.pack("<I", 2**31))]), "truncated header", "'s'"),
    (build_weights([config_entry(b"s", 5, struct.pack("<I", 3) + bytes(16))]), "truncated header", "'s'"),
    (build_weights([i64_entry(b"", 1)]), "invalid name", ""),
    (build_weights([i64_entry(b"has space", 1)]), "invalid name", "has space"),
    (build_weights([i64_entry(b"del\x7f", 1)]), "invalid name", ""),
    (build_weights([i64_entry(b"\xc3\xa9", 1)]), "invalid name", ""),
    (build_weights([i64_entry(b"k" * 257, 1)]), "invalid name", ""),
    (build_weights([], [Tensor(b"bad name")]), "invalid name", "bad name"),
    (build_weights([i64_entry(b"a", 1), i64_entry(b"a", 2)]), "duplicate key", "'a'"),
    (build_weights([i64_entry(b"b", 1), i64_entry(b"a", 2)]), "entries not sorted", "'a'"),
    (build_weights([i64_entry(b"a.b", 1), i64_entry(b"a", 2)]), "entries not sorted", "'a'"),
    (build_weights([i64_entry(b"B", 1), i64_entry(b"A", 2)]), "entries not sorted", "'A'"),
    (build_weights([], [Tensor(b"t"), Tensor(b"t")]), "duplicate tensor name", "'t'"),
    (build_weights([], [Tensor(b"u"), Tensor(b"t")]), "entries not sorted", "'t'"),
    (build_weights([config_entry(b"k", 0, bytes(8))]), "unknown value type", "'k'"),
    (build_weights([config_entry(b"k", 6, bytes(8))]), "unknown value type", "'k'"),
    (build_weights([config_entry(b"k", 3, struct.pack("<I", 2) + b"\xc3\x28")]), "invalid UTF-8", "'k'"),
    (build_weights([config_entry(b"k", 3, struct.pack("<I", 3) + b"\xed\xa0\x80")]), "invalid UTF-8", "'k'"),
    (build_weights([], [Tensor(b"t", dtype=0)]), "unknown dtype", "'t'"),
    (build_weights([], [Tensor(b"t", dtype=6)]), "unknown dtype", "'t'"),
    (build_weights([], [Tensor(b"t", dims=[1] * 9)]), "rank too large", "'t'"),
    (build_weights([], [Tensor(b"t", dims=[2**62, 2])]), "shape overflow", "'t'"),
    (build_weights([], [Tensor(b"t", dtype=5, dims=[2**63, 0], data=b"")]), "shape overflow", "'t'"),
    (build_weights([], [Tensor(b"t", dtype=5, dims=[0, 2**64 - 1], data=b"")]), "shape overflow", "'t'"),
    (build_weights([], [Tensor(b"t", dims=[2])]), "byte length mismatch", "'t'"),
    (build_weights([], [Tensor(b"t", dtype=5, dims=[2**63 - 1])]), "byte length mismatch", "'t'"),
    (build_weights([], [Tensor(b"t", dtype=5, dims=[2**63 - 1], byte_length=2**63 - 1)]),
     "offset out of bounds", "'t'"),
    (build_weights([], [Tensor(b"t", offset=64 * 3 + 4)]), "misaligned offset", "'t'"),
    (build_weights([], [Tensor(b"t", offset=0)]), "offset inside the header", "'t'"),
    (build_weights([], [Tensor(b"t", offset=64 * 100)]), "offset out of bounds", "'t'"),
    (build_weights([], [Tensor(b"t", dtype=5, dims=[128], data=bytes(128), offset=2**64 - 64)]),
     "offset out of bounds", "'t'"),
    (build_weights([i64_entry(b"k", 1)], trailing=b"\0"), "trailing header bytes", "1 bytes"),
], ids=readable_id)
def test_header_checks(tmp_path, data, kind, mentions):
    error = read_error(tmp_path, data)
    assert error.kind == kind
    assert mentions in str(error)


def test_count_that_fits_is_not_rejected_early(tmp_path):
    # Two entries announced, one present: the count fits the bytes, reading the second fails.
    # The tensor count's bytes (05 00 00 00) are then read as a key length of 5.
    data = build_weights([i64_entry(b"a", 1)], config_count=2, tensor_count=5)
    error = read_error(tmp_path, data)
    assert error.kind == "truncated header"


def test_names_compare_as_unsigned_bytes_with_prefix_first(tmp_path):
    path = tmp_path / "ok.shw"
    keys = [b"!", b"A", b"a", b"a.b", b"a~", b"~" * 256]
    path.write_bytes(build_weights([i64_entry(key, n) for n, key in enumerate(keys)]))
    assert list(sf.read_weights(path)[0]) == [key.decode() for key in keys]


def test_overlapping_tensors_named(tmp_path):
    tensors = [Tensor(b"t.a", bytes(128)), Tensor(b"t.b", bytes(8))]
    data = build_weights([], tensors)
    first_offset = sf._parse_weights("x", data)[1][0].offset
    tensors[1].offset = first_offset + 64
    error = read_error(tmp_path, build_weights([], tensors))
    assert error.kind == "overlapping tensors"
    assert "t.a" in str(error) and "t.b" in str(error)


def test_empty_tensors_overlap_nothing(tmp_path):
    tensors = [Tensor(b"t.a", bytes(64)), Tensor(b"t.b", b"", dims=[0])]
    offset = sf._parse_weights("x", build_weights([], tensors))[1][0].offset
    tensors[1].offset = offset
    path = tmp_path / "ok.shw"
    path.write_bytes(build_weights([], tensors))
    assert sf.read_weights(path)[1]["t.b"].shape == (0,)


def test_tensor_checksum(tmp_path):
    corrupted = bytearray(VALID)
    offset = sf._parse_weights("x", VALID)[1][1].offset
    corrupted[offset] ^= 1
    error = read_error(tmp_path, bytes(corrupted))
    assert error.kind == "tensor checksum mismatch" and "t.two" in str(error)
    path = tmp_path / "unverified.shw"
    path.write_bytes(bytes(corrupted))
    assert sf.read_weights(path, verify=False)[1]["t.two"].view(np.uint8)[0] == 1


def test_structural_checks_are_not_skipped_without_verify(tmp_path):
    data = build_weights([], [Tensor(b"t", offset=64 * 3 + 4)])
    assert read_error(tmp_path, data, verify=False).kind == "misaligned offset"


def test_padding_bytes_are_not_checked(tmp_path):
    data = bytearray(VALID)
    # t.one holds 4 bytes; t.two starts at the next multiple of 64.
    data[sf._parse_weights("x", VALID)[1][0].offset + 4] = 0xFF
    path = tmp_path / "padded.shw"
    path.write_bytes(bytes(data))
    assert sf.read_weights(path)[0] == {"a.key": 1}
