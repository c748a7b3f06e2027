"""Token files built from known records, then damaged byte by byte: every check of
Spec/tokens.md section 2, with the kind and the exact message.

The expected messages are the Swift reader's wording, from
Sources/SemHiTokFormats/TokenFileError.swift (`TokenFileError.message`) and
TokenRecord.swift (`TokenRecordProblem.description`); test_swift.py compares them with
what the built command line prints, where there is one.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from semhitok_tokens import TokenFile, TokenFileError, TokenHeader, TornTail, encode_record, write_tokens
from sht_support import (record_offsets, reseal_index, reseal_record, with_index_offsets,
                         with_u32)

HEADER = TokenHeader(bytes(range(32)), 10, 4, 2, 3)  # vocabulary 40
RECORDS = [("a.png", np.arange(6).reshape(2, 3)), ("", np.array([[39]])),
           ("four", np.array([[1, 2], [3, 4]]))]
# Section 1.2: 20 + 5 + 3 + 24 = 52, 20 + 4 = 24, 20 + 4 + 16 = 40 bytes.
OFFSETS = record_offsets([("a.png", 2, 3), ("", 1, 1), ("four", 2, 2)])
assert OFFSETS == [64, 116, 140, 180]
INDEX_OFFSET = OFFSETS[3]


def token_bytes(tmp_path, records=RECORDS, finish=True, header=HEADER) -> bytes:
    path = tmp_path / "written.sht"
    write_tokens(path, header, records, finish=finish)
    return path.read_bytes()


def open_bytes(tmp_path, data: bytes) -> TokenFile:
    path = tmp_path / "case.sht"
    path.write_bytes(data)
    return TokenFile(path)


def open_error(tmp_path, data: bytes) -> TokenFileError:
    with pytest.raises(TokenFileError) as caught:
        open_bytes(tmp_path, data)
    return caught.value


def keys(file: TokenFile) -> list[str]:
    return [record.key for record in file]


def test_round_trip(tmp_path):
    for finish in (True, False):
        file = open_bytes(tmp_path, token_bytes(tmp_path, finish=finish))
        assert file.header == HEADER and file.has_index is finish and file.torn_tail is None
        assert [(r.key, r.tokens.tolist()) for r in file] == [(k, t.tolist()) for k, t in RECORDS]
        file.verify()


def test_layout(tmp_path):
    data = token_bytes(tmp_path)
    assert data[:8] == b"\x89SHT\r\n\x1a\n" and struct.unpack_from("<I", data, 8)[0] == 1
    assert struct.unpack_from("<IIII", data, 48) == (10, 4, 2, 3) and data[16:48] == bytes(range(32))
    assert len(data) == INDEX_OFFSET + 8 + 8 * 3 + 24
    assert data[64:80] == b"SHTR" + struct.pack("<III", 2, 3, 5) and data[80:88] == b"a.png\0\0\0"
    assert struct.unpack_from("<6I", data, 88) == tuple(range(6))
    assert data[-4:] == b"SHTE" and data[INDEX_OFFSET:INDEX_OFFSET + 8] == b"SHTI\0\0\0\0"
    assert struct.unpack_from("<3QQQ", data, INDEX_OFFSET + 8) == (*OFFSETS[:3], 3, INDEX_OFFSET)


def test_records_are_accepted_as_written(tmp_path):
    """`write_tokens` takes the records a reader gives, and rewrites the same bytes."""
    original = token_bytes(tmp_path)
    copy = tmp_path / "copy.sht"
    assert write_tokens(copy, HEADER, open_bytes(tmp_path, original)) == 3
    assert copy.read_bytes() == original


def test_empty_files(tmp_path):
    finished = token_bytes(tmp_path, records=[])
    assert len(finished) == 64 + 32
    file = open_bytes(tmp_path, finished)
    assert file.has_index and len(file) == 0 and file.torn_tail is None
    header_only = open_bytes(tmp_path, token_bytes(tmp_path, records=[], finish=False))
    assert not header_only.has_index and len(header_only) == 0 and header_only.torn_tail is None


@pytest.mark.parametrize("edit, kind, detail", [
    (lambda d: d[:63], "truncated header", "truncated header: the file is 63 bytes, a token file starts with 64"),
    (lambda d: b"", "truncated header", "truncated header: the file is 0 bytes, a token file starts with 64"),
    (lambda d: b"\x89SHW" + d[4:], "not a token file", "not a SemHiTok token file (bad magic)"),
    (lambda d: with_u32(d, 8, 2), "unsupported version",
     "unsupported token file version 2 (this reader knows version 1)"),
    (lambda d: with_u32(d, 48, 11), "header checksum mismatch", "header checksum mismatch"),
    (lambda d: with_u32(d, 48, 0, True), "invalid header", "invalid header: K is 0, it must be 1 to 2^32 - 1"),
    (lambda d: with_u32(d, 52, 0, True), "invalid header", "invalid header: m is 0, it must be 1 to 2^32 - 1"),
    (lambda d: with_u32(d, 56, 0, True), "invalid header",
     "invalid header: grid height is 0, it must be 1 to 2^32 - 1"),
    (lambda d: with_u32(d, 60, 0, True), "invalid header",
     "invalid header: grid width is 0, it must be 1 to 2^32 - 1"),
    (lambda d: with_u32(with_u32(d, 48, 2**28), 52, 8, True), "invalid header",
     "invalid header: K * m is above 2^31 - 1"),
])
def test_header_checks(tmp_path, edit, kind, detail):
    error = open_error(tmp_path, edit(token_bytes(tmp_path)))
    assert (error.kind, error.detail) == (kind, detail)
    assert str(error) == f"{tmp_path / 'case.sht'}: {detail}"
    assert isinstance(error, ValueError)


def test_largest_vocabulary_is_accepted(tmp_path):
    header = TokenHeader(bytes(32), 2**31 - 1, 1, 1, 1)
    file = open_bytes(tmp_path, token_bytes(tmp_path, [("k", np.array([[2**31 - 2]]))], header=header))
    assert file[0].tokens.tolist() == [[2**31 - 2]]


def test_torn_tail_keeps_earlier_records(tmp_path):
    unfinished = token_bytes(tmp_path, finish=False)
    start = OFFSETS[2]
    for cut, reason in [(start + 1, "incomplete record: it needs 16 bytes, 1 remain"),
                        (start + 15, "incomplete record: it needs 16 bytes, 15 remain"),
                        (start + 16, "incomplete record: it needs 40 bytes, 16 remain"),
                        (OFFSETS[3] - 1, "incomplete record: it needs 40 bytes, 39 remain")]:
        file = open_bytes(tmp_path, unfinished[:cut])
        assert keys(file) == ["a.png", ""]
        assert file.torn_tail == TornTail(start, cut - start, "incomplete record", reason)


def test_a_cut_at_a_record_boundary_leaves_no_torn_tail(tmp_path):
    finished = token_bytes(tmp_path)
    for count, cut in enumerate(OFFSETS):
        file = open_bytes(tmp_path, finished[:cut])
        assert keys(file) == ["a.png", "", "four"][:count] and file.torn_tail is None


@pytest.mark.parametrize("edit, length, kind, reason", [
    (lambda d: d[:OFFSETS[2]] + b"SHTX" + d[OFFSETS[2] + 4:], 40, "bad record tag",
     'bad record tag (expected "SHTR")'),
    (lambda d: with_u32(d, OFFSETS[2] + 4, 0), 40, "invalid record header", "invalid record header: grid 0 x 2"),
    (lambda d: with_u32(d, OFFSETS[2] + 8, 65536), 40, "invalid record header",
     "invalid record header: grid 2 x 65536"),
    (lambda d: with_u32(d, OFFSETS[2] + 12, 65536), 40, "invalid record header",
     "invalid record header: key length 65536"),
    (lambda d: d[:OFFSETS[2] + 16] + b"X" + d[OFFSETS[2] + 17:], 40, "record checksum mismatch",
     "record checksum mismatch"),
    # Key "four" -> bytes that are not UTF-8, the CRC made right.
    (lambda d: reseal_record(d[:OFFSETS[2] + 16] + b"\xff\xfe\xfd\xfc" + d[OFFSETS[2] + 20:], *OFFSETS[2:4]),
     40, "invalid key", "the key is not valid UTF-8"),
    # A token equal to K * m = 40, the CRC made right.
    (lambda d: reseal_record(with_u32(d, OFFSETS[2] + 28, 40), *OFFSETS[2:4]), 40, "token out of range",
     "token 40 at position 2 is out of range (vocabulary 40)"),
])
def test_a_bad_last_record_is_a_torn_tail(tmp_path, edit, length, kind, reason):
    file = open_bytes(tmp_path, edit(token_bytes(tmp_path, finish=False)))
    assert keys(file) == ["a.png", ""]
    assert file.torn_tail == TornTail(OFFSETS[2], length, kind, reason)


def test_bytes_after_the_last_record(tmp_path):
    file = open_bytes(tmp_path, token_bytes(tmp_path, finish=False) + b"junk")
    assert len(file) == 3
    assert file.torn_tail == TornTail(OFFSETS[3], 4, "incomplete record",
                                      "incomplete record: it needs 16 bytes, 4 remain")


def test_nonzero_key_padding(tmp_path):
    unfinished = token_bytes(tmp_path, finish=False)
    data = reseal_record(unfinished[:64 + 16 + 5] + b"\x01" + unfinished[64 + 22:], *OFFSETS[0:2])
    file = open_bytes(tmp_path, data)
    assert len(file) == 0
    assert file.torn_tail.reason == "invalid record header: non-zero key padding"


@pytest.mark.parametrize("edit, problem, detail", [
    (lambda d: reseal_record(with_u32(d, OFFSETS[1] + 16, 40), *OFFSETS[1:3]), "token out of range",
     "record 1 at offset 116: token 40 at position 0 is out of range (vocabulary 40)"),
    (lambda d: d[:OFFSETS[1]] + b"SHTX" + d[OFFSETS[1] + 4:], "bad record tag",
     'record 1 at offset 116: bad record tag (expected "SHTR")'),
    (lambda d: d[:OFFSETS[1] + 17] + b"\x01" + d[OFFSETS[1] + 18:], "record checksum mismatch",
     "record 1 at offset 116: record checksum mismatch"),
    (lambda d: with_u32(d, OFFSETS[1] + 4, 2), "incomplete record",
     "record 1 at offset 116: incomplete record: it needs 28 bytes, 24 remain"),
])
def test_a_damaged_indexed_record_is_reported_on_its_own(tmp_path, edit, problem, detail):
    file = open_bytes(tmp_path, edit(token_bytes(tmp_path)))
    assert file.has_index
    for k in (0, 2):
        assert file[k].tokens.tolist() == RECORDS[k][1].tolist()
    with pytest.raises(TokenFileError) as caught:
        file[1]
    error = caught.value
    assert (error.kind, error.record, error.problem, error.detail) == ("corrupt record", 1, problem, detail)
    with pytest.raises(TokenFileError) as caught:
        file.verify()
    assert caught.value.detail == detail
    with pytest.raises(TokenFileError):
        list(file)


def test_index_offsets_that_miss_the_records(tmp_path):
    finished = token_bytes(tmp_path)
    # Strictly increasing, below index_offset, first 64: a valid index, but record 0 does
    # not fill its slot and record 1's slot starts inside it.
    file = open_bytes(tmp_path, with_index_offsets(finished, INDEX_OFFSET, [64, OFFSETS[1] + 4, OFFSETS[2]]))
    with pytest.raises(TokenFileError) as caught:
        file[0]
    assert (caught.value.problem, caught.value.detail) == (
        "wrong length", "record 0 at offset 64: the record is 52 bytes but the index gives it 56")
    with pytest.raises(TokenFileError) as caught:
        file[1]
    assert caught.value.detail == 'record 1 at offset 120: bad record tag (expected "SHTR")'
    assert file[2].key == "four"
    # A slot shorter than the record it holds.
    file = open_bytes(tmp_path, with_index_offsets(finished, INDEX_OFFSET, [64, 100, OFFSETS[2]]))
    with pytest.raises(TokenFileError) as caught:
        file[0]
    assert caught.value.detail == "record 0 at offset 64: incomplete record: it needs 52 bytes, 36 remain"


@pytest.mark.parametrize("edit, kind", [
    (lambda d: d[:-8] + b"\0\0\0\0" + d[-4:], "invalid index"),                          # index CRC
    (lambda d: d[:-4] + b"SHTX", "invalid index"),                                       # end tag
    (lambda d: d[:INDEX_OFFSET] + b"SHTJ" + d[INDEX_OFFSET + 4:], "bad record tag"),     # start tag
    (lambda d: reseal_index(d[:INDEX_OFFSET + 4] + b"\1\0\0\0" + d[INDEX_OFFSET + 8:]), "invalid index"),
    (lambda d: with_index_offsets(d, INDEX_OFFSET, [68, 116, 140]), "invalid index"),    # first not 64
    (lambda d: with_index_offsets(d, INDEX_OFFSET, [64, 64, 140]), "invalid index"),     # not increasing
    (lambda d: with_index_offsets(d, INDEX_OFFSET, [64, 116, INDEX_OFFSET]), "invalid index"),
    (lambda d: reseal_index(with_u32(d, len(d) - 24, 2)), "invalid index"),              # count
    (lambda d: reseal_index(with_u32(d, len(d) - 16, INDEX_OFFSET + 8)), "invalid index"),  # offset
])
def test_an_invalid_index_falls_back_to_a_scan(tmp_path, edit, kind):
    finished = token_bytes(tmp_path)
    file = open_bytes(tmp_path, edit(finished))
    assert not file.has_index and keys(file) == ["a.png", "", "four"]
    assert file.torn_tail[:3] == (INDEX_OFFSET, len(finished) - INDEX_OFFSET, kind)
    if kind == "invalid index":
        assert file.torn_tail.reason == "an index block that is not valid (an interrupted or damaged index)"
    with pytest.raises(TokenFileError) as caught:
        file.verify()
    assert (caught.value.kind, caught.value.problem) == ("torn tail", kind)
    assert caught.value.detail == str(file.torn_tail)


def test_writer_refuses_invalid_records_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.sht"
    for records, problem in [
        ([("k", np.array([[40]]))], "token 40 at position 0 is not below the vocabulary size 40"),
        ([("k", np.array([[3, -1]]))], "token -1 at position 1 is negative"),
        ([("k", np.array([1, 2]))], "tokens of shape (2,): a record's tokens are a grid [H, W]"),
        ([("k", np.zeros((1, 65536), np.uint32))], "grid 1 x 65536: each side must be 1 to 65535"),
        ([("k" * 65536, np.array([[1]]))], "the key is 65536 bytes, the limit is 65535"),
    ]:
        with pytest.raises(TokenFileError) as caught:
            write_tokens(path, HEADER, RECORDS + records)
        key = records[0][0]
        assert (caught.value.kind, caught.value.detail) == ("invalid record",
                                                            f"cannot write record: record '{key}': {problem}")
    with pytest.raises(TypeError):
        write_tokens(path, HEADER, [("k", np.array([[1.0]]))])
    with pytest.raises(TokenFileError) as caught:
        write_tokens(path, TokenHeader(bytes(32), 2**16, 2**15, 1, 1), [])
    assert caught.value.detail == "invalid header: K * m is above 2^31 - 1"
    assert list(tmp_path.iterdir()) == []


def test_encode_record_is_the_written_record(tmp_path):
    data = token_bytes(tmp_path)
    assert encode_record(*RECORDS[2], 40) == data[OFFSETS[2]:OFFSETS[3]]
