"""The committed fixtures of golden/formats/ (written by tools/make_format_fixtures.py and
byte for byte by the Swift writer), against the contents golden/formats/README.md gives."""

import pickle

import numpy as np
import pytest

from semhitok_tokens import RecordIndexError, TokenFile, TokenHeader, TornTail
from sht_support import GOLDEN_FORMATS

# golden/formats/README.md: the fingerprint of example.shw, K, m, grid, then the records.
HEADER = TokenHeader(bytes.fromhex("2494fad5dce9a039a04dd999a691e1dfe6ac077dd1bfc0423c9f8349f541c072"),
                     24576, 8, 16, 16)
RECORDS = [
    ("first.png", [[0, 1, 196607], [8, 9, 100000]]),
    ("", [[42]]),
    ("\u65e5\u672c.jpg", [[7, 6], [5, 4], [3, 2]]),
]
NAMES = ["example.sht", "example_unfinished.sht", "example_torn.sht"]


@pytest.mark.parametrize("name", NAMES)
def test_header_and_records(name):
    with TokenFile(GOLDEN_FORMATS / name) as file:
        assert file.header == HEADER
        assert file.header.vocabulary_size == 196608 and file.header.grid == (16, 16)
        assert file.header.fingerprint_hex.startswith("2494fad5")
        assert len(file) == 3
        for record, (key, tokens) in zip(file, RECORDS):
            assert record.key == key
            assert record.tokens.dtype == np.uint32 and record.tokens.tolist() == tokens
            assert record.grid == (len(tokens), len(tokens[0]))
        assert file.has_index == (name == "example.sht")


def test_torn_tail_of_the_torn_fixture():
    # 200 bytes of the unfinished file, then the first 10 bytes of a fourth record.
    with TokenFile(GOLDEN_FORMATS / "example_torn.sht") as file:
        assert file.torn_tail == TornTail(200, 10, "incomplete record",
                                          "incomplete record: it needs 16 bytes, 10 remain")
        assert str(file.torn_tail) == \
            "torn tail: 10 bytes at offset 200 (incomplete record: it needs 16 bytes, 10 remain)"
    for name in NAMES[:2]:
        assert TokenFile(GOLDEN_FORMATS / name).torn_tail is None


def test_semantic_and_pixel_indices():
    # h = i * m + j with m = 8: 196607 = 24575 * 8 + 7, 100000 = 12500 * 8 + 0.
    record = TokenFile(GOLDEN_FORMATS / "example.sht")[0]
    assert record.semantic.tolist() == [[0, 0, 24575], [1, 1, 12500]]
    assert record.pixel.tolist() == [[0, 1, 7], [0, 1, 0]]


@pytest.mark.parametrize("name", NAMES)
def test_random_access_equals_iteration(name):
    file = TokenFile(GOLDEN_FORMATS / name)
    in_order = [(record.key, record.tokens.tolist()) for record in file]
    for k in (2, 0, 1, -1, -3):
        assert (file[k].key, file[k].tokens.tolist()) == in_order[k]
    assert [(r.key, r.tokens.tolist()) for r in file[1:]] == in_order[1:]
    for k in (3, -4):
        with pytest.raises(RecordIndexError) as caught:
            file[k]
        assert str(caught.value) == f"{file.path}: no record {k}: the file has 3"
        assert caught.value.kind == "record index out of range"
        copy = pickle.loads(pickle.dumps(caught.value))
        assert type(copy) is RecordIndexError and str(copy) == str(caught.value)
        assert (copy.path, copy.kind, copy.detail, copy.record) == (file.path, caught.value.kind,
                                                                    caught.value.detail, k)
    with pytest.raises(IndexError):
        file[3]


def test_records_outlive_the_file():
    file = TokenFile(GOLDEN_FORMATS / "example.sht")
    records = list(file)
    file.close()
    assert file.closed
    assert records[2].tokens.tolist() == RECORDS[2][1]
    records[2].tokens[0, 0] = 99  # a writable copy
    with pytest.raises(ValueError, match="closed"):
        file[0]


def test_pickles_as_its_path():
    with TokenFile(GOLDEN_FORMATS / "example_torn.sht") as file:
        copy = pickle.loads(pickle.dumps(file))
    assert copy.path == file.path and len(copy) == 3 and copy.torn_tail == file.torn_tail
    assert copy[2].key == RECORDS[2][0]
