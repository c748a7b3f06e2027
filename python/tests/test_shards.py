"""Several token files as one sequence: order, random access across files, globs, torn
tails, and files from different models refused."""

import dataclasses
import pickle

import numpy as np
import pytest

from semhitok_tokens import (RecordIndexError, TokenFileError, TokenHeader, TokenShards, open_shards,
                             write_tokens)

HEADER = TokenHeader(bytes(range(32)), 16, 4, 2, 2)  # vocabulary 64


def records(first: int, count: int) -> list:
    """`count` records keyed by their number from `first`, record n all tokens n."""
    return [(f"image-{n}", np.full((1 + n % 2, 2), n)) for n in range(first, first + count)]


@pytest.fixture
def three_shards(tmp_path):
    """Shards of 3, 0 and 4 records (the second empty), in name order."""
    paths = [tmp_path / f"shard-{n}.sht" for n in range(3)]
    for path, (first, count) in zip(paths, [(0, 3), (3, 0), (3, 4)]):
        write_tokens(path, HEADER, records(first, count))
    return paths


def test_concatenated_in_order(three_shards):
    with TokenShards(three_shards) as shards:
        assert len(shards) == 7 and shards.header == HEADER
        assert [r.key for r in shards] == [f"image-{n}" for n in range(7)]
        for k in range(-7, 7):
            n = k % 7
            assert shards[k].key == f"image-{n}" and shards[k].tokens.tolist() == records(n, 1)[0][1].tolist()
        assert [r.key for r in shards[2:5]] == ["image-2", "image-3", "image-4"]
        file, k = shards.locate(3)
        assert (file.path, k) == (str(three_shards[2]), 0)
        with pytest.raises(RecordIndexError, match="no record 7: the shards have 7"):
            shards[7]
        shards.verify()
        assert shards.torn_tails == []


def test_globs_are_expanded_in_sorted_order(three_shards, tmp_path):
    shards = open_shards(str(tmp_path / "shard-*.sht"))
    assert shards.paths == [str(path) for path in three_shards]
    reordered = open_shards([three_shards[2], str(tmp_path / "shard-[01].sht")])
    assert [r.key for r in reordered][:4] == ["image-3", "image-4", "image-5", "image-6"]
    with pytest.raises(FileNotFoundError):
        open_shards(str(tmp_path / "missing-*.sht"))
    with pytest.raises(ValueError):
        TokenShards([])


def test_a_torn_shard_gives_its_records_before_the_tail(three_shards):
    data = three_shards[0].read_bytes()
    # Shard 0 without its index (8 + 3 * 8 + 24 bytes) and with half of its last record.
    last = 20 + 7 + 1 + 4 * 1 * 2  # "image-2": a 1 x 2 grid
    three_shards[0].write_bytes(data[:len(data) - 56 - last // 2])
    shards = TokenShards(three_shards)
    assert [r.key for r in shards] == ["image-0", "image-1", "image-3", "image-4", "image-5", "image-6"]
    ((path, tail),) = shards.torn_tails
    assert path == str(three_shards[0]) and tail.kind == "incomplete record"
    with pytest.raises(TokenFileError) as caught:
        shards.verify()
    assert caught.value.kind == "torn tail" and caught.value.path == str(three_shards[0])


@pytest.mark.parametrize("change, field", [
    ({"model_fingerprint": bytes(32)}, "model 0000"),
    ({"semantic_codebook_size": 32}, "K 32"),
    ({"pixel_codebook_size": 2}, "m 2"),
    ({"grid_width": 3}, "grid 2 x 3"),
])
def test_headers_must_match(three_shards, change, field):
    write_tokens(three_shards[1], dataclasses.replace(HEADER, **change), [])
    with pytest.raises(TokenFileError) as caught:
        TokenShards(three_shards)
    error = caught.value
    assert error.kind == "header mismatch" and error.path == str(three_shards[1])
    assert str(error).startswith(f"{three_shards[1]}: header mismatch: the file's header (")
    assert field in error.detail and f"differs from that of {three_shards[0]}" in error.detail


def test_pickles_as_its_paths(three_shards):
    shards = pickle.loads(pickle.dumps(TokenShards(three_shards)))
    assert len(shards) == 7 and shards[-1].key == "image-6"
