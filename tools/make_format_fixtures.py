"""Writes the format fixtures of golden/formats/ (Spec/weights.md, Spec/tokens.md).

The Swift tests rebuild the same content independently and compare bytes, so the content
below is fixed: change it only together with those tests and golden/formats/README.md.

Usage: python3 tools/make_format_fixtures.py [--out DIR]   (default: golden/formats)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from semhitok_formats import (BF16, TokenHeader, encode_record, fingerprint, write_tokens,
                              write_weights)

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "golden" / "formats"


def example_config() -> dict:
    """The configuration of example.shw: one entry of every value type."""
    return {
        "example.int": 42,
        "example.negative": -7,
        "example.real": 0.5,
        "example.text": "SemHiTok \u2713",
        "example.ints": [1, -2, 3],
        "example.reals": [0.25, -1.5],
        "example.empty_ints": np.array([], dtype=np.int64),
    }


def example_tensors() -> dict:
    """The tensors of example.shw: every dtype, a scalar and an empty tensor."""
    return {
        "a.f32": np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5], dtype=np.float32).reshape(2, 3),
        "b.f16": np.array([1.0, -2.0, 0.5, 65504.0], dtype=np.float16),
        "c.bf16": BF16(np.array([0x3F80, 0xBF80, 0x4049, 0x0000], dtype=np.uint16).reshape(2, 2)),
        "d.i32": np.array([-1, 0, 2147483647], dtype=np.int32),
        "e.u8": np.array([0, 1, 2, 254, 255], dtype=np.uint8),
        "f.scalar": np.array(7.0, dtype=np.float32),
        "g.empty": np.zeros((0, 4), dtype=np.float32),
    }


def example_records() -> list[tuple[str, np.ndarray]]:
    """The three records of example.sht: an ASCII key, an empty key, a non-ASCII key."""
    return [
        ("first.png", np.array([0, 1, 196607, 8, 9, 100000], dtype=np.uint32).reshape(2, 3)),
        ("", np.array([[42]], dtype=np.uint32)),
        ("\u65e5\u672c.jpg", np.array([7, 6, 5, 4, 3, 2], dtype=np.uint32).reshape(3, 2)),
    ]


# The record whose first bytes make the torn tail of example_torn.sht, and how many.
TORN_RECORD = ("torn.png", np.array([[1, 2]], dtype=np.uint32))
TORN_PREFIX_LENGTH = 10


def write_fixtures(out: Path) -> None:
    """Writes the four fixture files into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    weights_path = out / "example.shw"
    write_weights(weights_path, example_config(), example_tensors())
    header = TokenHeader(model_fingerprint=fingerprint(weights_path), semantic_codebook_size=24576,
                         pixel_codebook_size=8, grid_height=16, grid_width=16)
    write_tokens(out / "example.sht", header, example_records(), finish=True)
    unfinished = out / "example_unfinished.sht"
    write_tokens(unfinished, header, example_records(), finish=False)
    torn_prefix = encode_record(*TORN_RECORD, header.vocabulary_size)[:TORN_PREFIX_LENGTH]
    (out / "example_torn.sht").write_bytes(unfinished.read_bytes() + torn_prefix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    write_fixtures(parser.parse_args().out)


if __name__ == "__main__":
    main()
