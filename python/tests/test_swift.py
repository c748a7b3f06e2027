"""Files the Swift command line writes, read here, and the errors of damaged files
compared with the ones the command line prints.

Skipped without a built `semhitok` (`swift build`; or set SEMHITOK to the executable).
The file holds the inputs of the `tiny` model's golden cases (golden/model/README.md),
whose tokens are checked against the ones the PyTorch reference computed, and the golden
PPM images (records with other keys, whose sizes are known).
"""

from __future__ import annotations

import re
import struct
import sys

import numpy as np
import pytest

from semhitok_tokens import TokenFile, TokenFileError, TokenShards, open_shards
from sht_support import (ROOT, record_offsets, reseal_record, run_semhitok, semhitok_executable,
                         with_index_offsets, with_u32)

pytestmark = pytest.mark.skipif(semhitok_executable() is None,
                                reason="no built semhitok (swift build, or set SEMHITOK)")

MODEL = ROOT / "golden" / "model" / "tiny.shw"
CASES = ["tiny_coffee_80x60", "tiny_gravel_64x64", "tiny_retina_100x75"]
NATIVE, LARGER = (8, 8), (12, 12)  # tiny: 64 px and 96 px (--size 96) in 8 px patches


def read_weights(path):
    """The weight container reader of tools/ (the independent one the golden cases were
    written with)."""
    sys.path.insert(0, str(ROOT / "tools"))
    from semhitok_formats import fingerprint, read_weights
    return read_weights(path), fingerprint(path)


PPM_IMAGES = sorted((ROOT / "golden" / "images" / "ppm").glob("*.ppm"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A folder holding the three cases' inputs as PPM files and the golden PPM images;
    their names, the cases first; and each name's case tensors (None for the images)."""
    folder = tmp_path_factory.mktemp("swift")
    cases = {}
    for case in CASES:
        (_, tensors), _ = read_weights(ROOT / "golden" / "model" / f"{case}.shw")
        height, width, _ = tensors["input"].shape
        (folder / f"{case}.ppm").write_bytes(b"P6\n%d %d\n255\n" % (width, height) + tensors["input"].tobytes())
        cases[f"{case}.ppm"] = tensors
    for image in PPM_IMAGES:
        (folder / image.name).write_bytes(image.read_bytes())
        cases[image.name] = None
    return folder, list(cases), cases


def encode(folder, names, output, *options):
    """Runs `semhitok encode` with the tiny model in `folder`; returns the output's path."""
    result = run_semhitok("encode", *names, "--model", MODEL, "-o", output, *options, cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / output


@pytest.fixture(scope="module")
def swift_file(inputs):
    """A token file the Swift CLI wrote from `inputs`, and the expected records: (key,
    grid, the case's tensors, or None for the other images)."""
    folder, names, cases = inputs
    return encode(folder, names, "tokens.sht"), [(name, NATIVE, cases[name]) for name in names]


def offsets_of(expected) -> list[int]:
    """Each record's offset and then the index's, from the keys and grids (section 1.2)."""
    return record_offsets([(key, *grid) for key, grid, _ in expected])


def test_reads_what_the_swift_writer_wrote(swift_file):
    path, expected = swift_file
    (config, _), fingerprint = read_weights(MODEL)
    with TokenFile(path) as file:
        assert file.header.model_fingerprint == fingerprint
        assert file.header.semantic_codebook_size == config["semantic.codebook_size"] == 64
        assert file.header.pixel_codebook_size == config["pixel.codebook_size"] == 4
        assert file.header.grid == NATIVE
        assert file.has_index and file.torn_tail is None and len(file) == len(expected) == 8
        for record, (key, grid, tensors) in zip(file, expected):
            assert (record.key, record.grid) == (key, grid)
            if tensors is not None:
                assert record.tokens.reshape(-1).tolist() == tensors["expected.tokens"].tolist()
                assert record.semantic.reshape(-1).tolist() == tensors["expected.semantic_indices"].tolist()
                assert record.pixel.reshape(-1).tolist() == tensors["expected.pixel_indices"].tolist()
        in_order = [record.tokens.tolist() for record in file]
        for k in (4, 0, 7, 2, -1, -8, 3, 1):
            assert file[k].tokens.tolist() == in_order[k]


def test_agrees_with_inspect(swift_file):
    path, _ = swift_file
    result = run_semhitok("inspect", "--records", path)
    assert result.returncode == 0, result.stderr
    file = TokenFile(path)
    listed = re.findall(r"^  (\d+)\s+'(.*)'\s+(\d+) x (\d+)$", result.stdout, re.MULTILINE)
    assert [(int(n), key, (int(h), int(w))) for n, key, h, w in listed] == \
        [(n, record.key, record.grid) for n, record in enumerate(file)]
    tokens = np.concatenate([record.tokens.reshape(-1) for record in file])
    assert f"token ids: {tokens.min()} to {tokens.max()}\n" in result.stdout
    assert f"model fingerprint: {file.header.fingerprint_hex}\n" in result.stdout
    assert f"records: {len(file)} (indexed)\n" in result.stdout


def swift_error(command: str, path) -> str:
    """The error line the command line prints for `path` (inspect, or decode, which opens
    any file as a token file)."""
    arguments = ["inspect", path] if command == "inspect" else ["decode", path, "--model", MODEL,
                                                              "-o", path.parent / "decoded"]
    result = run_semhitok(*arguments)
    assert result.returncode == 1, result.stdout
    return result.stderr.strip()


def python_error(path) -> TokenFileError:
    """What opening and reading every record raises, as `inspect` reads the file."""
    with pytest.raises(TokenFileError) as caught:
        TokenFile(path).verify()
    return caught.value


def test_cuts_give_the_records_before_them_and_a_torn_tail(swift_file, tmp_path):
    """Truncating at every record boundary and at random offsets (section 2.3)."""
    path, expected = swift_file
    data = path.read_bytes()
    original = [record.tokens.tolist() for record in TokenFile(path)]
    offsets = offsets_of(expected)
    cuts = offsets + sorted(np.random.default_rng(7).integers(64, len(data), 30).tolist())
    for cut in cuts:
        damaged = tmp_path / f"cut-{cut}.sht"
        damaged.write_bytes(data[:cut])
        file = TokenFile(damaged)
        whole = sum(offset <= cut for offset in offsets[1:])  # records that end by the cut
        assert [record.tokens.tolist() for record in file] == original[:whole], cut
        start = offsets[whole]
        if cut == start:
            assert file.torn_tail is None
            assert run_semhitok("inspect", damaged).returncode == 0
            continue
        assert file.torn_tail[:2] == (start, cut - start), cut
        kind = "invalid index" if whole == len(expected) and cut - start >= 4 else "incomplete record"
        assert file.torn_tail.kind == kind, cut
        assert swift_error("inspect", damaged) == f"semhitok inspect: error: {python_error(damaged)}"


def test_a_flipped_byte_spoils_only_its_record(swift_file, tmp_path):
    path, expected = swift_file
    data = path.read_bytes()
    original = [record.tokens.tolist() for record in TokenFile(path)]
    offsets = offsets_of(expected)
    count = len(expected)
    for k in range(count):
        flipped = bytearray(data)
        flipped[offsets[k + 1] - 20] ^= 0x40  # a token byte near the record's end
        damaged = tmp_path / f"flipped-{k}.sht"
        damaged.write_bytes(bytes(flipped))
        file = TokenFile(damaged)
        assert file.has_index
        for other in set(range(count)) - {k}:
            assert file[other].tokens.tolist() == original[other]
        with pytest.raises(TokenFileError) as caught:
            file[k]
        assert (caught.value.kind, caught.value.record, caught.value.problem) == \
            ("corrupt record", k, "record checksum mismatch")
        assert swift_error("inspect", damaged) == f"semhitok inspect: error: {caught.value}"


def damages(data: bytes, offsets: list[int]) -> dict:
    """Named damaged copies of the Swift-written file, each with the command that reads it."""
    key_padding = offsets[0] + 16 + len(f"{CASES[0]}.ppm")
    return {
        "truncated header": ("inspect", data[:40]),
        "truncated magic": ("decode", data[:5]),
        "not a token file": ("decode", b"\x89SHW" + data[4:]),
        "unsupported version": ("inspect", with_u32(data, 8, 7)),
        "header checksum mismatch": ("inspect", with_u32(data, 56, 9)),
        "invalid header": ("inspect", with_u32(data, 52, 0, reseal_header=True)),
        "vocabulary too large": ("inspect", with_u32(data, 48, 2**30, reseal_header=True)),
        "token out of range": ("inspect", reseal_record(with_u32(data, offsets[2] - 8, 256), *offsets[1:3])),
        "bad record tag": ("inspect", data[:offsets[2]] + b"XHTR" + data[offsets[2] + 4:]),
        "invalid key": ("inspect", reseal_record(data[:offsets[0] + 16] + b"\xc3" + data[offsets[0] + 17:],
                                                 *offsets[0:2])),
        "non-zero padding": ("inspect", reseal_record(data[:key_padding] + b"\x01" + data[key_padding + 1:],
                                                      *offsets[0:2])),
        "grid": ("inspect", with_u32(data, offsets[3] + 4, 0)),
        "wrong length": ("inspect", with_index_offsets(data, offsets[-1], [64, *[o + 4 for o in offsets[1:-1]]])),
        "unfinished and junk": ("inspect", data[:offsets[-1]] + b"SHTR" + bytes(20)),
        "invalid index": ("inspect", data[:-8] + bytes(4) + data[-4:]),
    }


def test_errors_are_the_command_lines(swift_file, tmp_path):
    path, expected = swift_file
    data = path.read_bytes()
    assert struct.unpack_from("<Q", data, len(data) - 16)[0] == offsets_of(expected)[-1]
    for name, (command, damaged_bytes) in damages(data, offsets_of(expected)).items():
        damaged = tmp_path / f"{name.replace(' ', '-')}.sht"
        damaged.write_bytes(damaged_bytes)
        assert swift_error(command, damaged) == f"semhitok {command}: error: {python_error(damaged)}", name


def test_shards_of_one_dataset(inputs, swift_file):
    """`encode --shard I/3` takes the inputs whose ordinal is I modulo 3: the three shards
    hold the file's records in the order 0, 3, 6, 1, 4, 7, 2, 5. A file encoded at another
    size has another header grid, and is refused beside them."""
    folder, names, _ = inputs
    shards = [encode(folder, names, f"shard-{n}.sht", "--shard", f"{n}/3") for n in range(3)]
    whole = TokenFile(swift_file[0])
    order = [0, 3, 6, 1, 4, 7, 2, 5]
    with open_shards(str(folder / "shard-*.sht")) as dataset:
        assert dataset.paths == [str(path) for path in shards] and len(dataset) == 8
        assert [record.key for record in dataset] == [names[k] for k in order]
        for n, k in enumerate(order):
            assert dataset[n].tokens.tolist() == whole[k].tokens.tolist()
            assert dataset[n - 8].key == names[k]
    larger = encode(folder, names[:1], "larger.sht", "--size", "96")
    assert TokenFile(larger).header.grid == LARGER
    with pytest.raises(TokenFileError) as caught:
        TokenShards([*shards, larger])
    assert caught.value.kind == "header mismatch" and caught.value.path == str(larger)
    assert "grid 12 x 12) differs from that of" in caught.value.detail
