"""Writes golden/safetensors/: safetensors files made by the safetensors library itself
(`safetensors.numpy.save_file`), for the Swift reader of Spec/safetensors.md to read.

- example.safetensors: one tensor of every dtype NumPy has, a scalar, an empty tensor and
  a non-ASCII name, with one `__metadata__` entry;
- sharded/: a checkpoint in two shards and its `model.safetensors.index.json`, laid out as
  transformers' `save_pretrained` lays one out.

Every element is arithmetic of its row-major index `i` (golden/safetensors/README.md lists
the formulas), so a reader checks values without this script. Nothing is random.

Regenerate from the repository root:

    python3 tools/make_safetensors_fixtures.py

Needs numpy and safetensors. The output is deterministic: the library writes the header
in a fixed order (by dtype alignment, then name), and the metadata has a single entry
because the library writes a map of several in an order that changes from run to run.
"""
import argparse
import json
import os

import numpy as np
from safetensors.numpy import save_file

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "safetensors")


def indices(shape) -> np.ndarray:
    """The row-major index of every element of `shape`, as int64."""
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)


def example_tensors() -> dict:
    """The tensors of example.safetensors: name -> array, values by the README's formulas."""
    return {
        "a.f32": (indices((2, 3)) * 0.5 - 1.0).astype(np.float32),
        "b.f16": (2.0 ** (indices((4,)) - 2)).astype(np.float16),
        "c.f64": (indices((3,)) * 0.25 - 0.5).astype(np.float64),
        "d.i64": ((indices((2, 2)) - 2) * 1_000_000_000_000).astype(np.int64),
        "e.i32": ((indices((5,)) - 2) * 1000).astype(np.int32),
        "f.i16": ((indices((3,)) - 1) * 300).astype(np.int16),
        "g.i8": (indices((4,)) * 50 - 100).astype(np.int8),
        "h.u8": (indices((2, 3)) * 51).astype(np.uint8),
        "i.u16": (indices((2,)) * 65535).astype(np.uint16),
        "j.u32": (indices((2,)) * 4_000_000_000).astype(np.uint32),
        "k.u64": (indices((2,)).astype(np.uint64) * np.uint64(18_000_000_000_000_000_000)),
        "l.bool": (indices((5,)) % 2 == 0),
        "m.c64": (indices((2,)) - 1j * indices((2,))).astype(np.complex64),
        "n.scalar": np.array(7.0, dtype=np.float32),
        "o.empty": np.zeros((0, 3), dtype=np.float32),
        "p.\u540d\u524d": (indices((2,)) + 1).astype(np.uint8),
    }


def shard_tensors() -> list:
    """The two shards of sharded/: file name -> tensors; layer k's values are i + 10 k."""
    def layer(k: int) -> dict:
        return {f"layers.{k}.weight": (indices((2, 2)) + 10 * k).astype(np.float32),
                f"layers.{k}.bias": (indices((2,)) + 10 * k).astype(np.float32)}
    return [("model-00001-of-00002.safetensors", layer(0)),
            ("model-00002-of-00002.safetensors", {**layer(1), "norm.weight": (indices((2,)) + 100).astype(np.float32)})]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    out = parser.parse_args().out
    os.makedirs(os.path.join(out, "sharded"), exist_ok=True)
    save_file(example_tensors(), os.path.join(out, "example.safetensors"), metadata={"format": "np"})
    weight_map = {}
    total_size = 0
    for name, tensors in shard_tensors():
        save_file(tensors, os.path.join(out, "sharded", name), metadata={"format": "np"})
        weight_map.update({tensor: name for tensor in tensors})
        total_size += sum(array.nbytes for array in tensors.values())
    # As transformers writes it: sorted keys, two-space indent, a final newline.
    index = {"metadata": {"total_size": total_size}, "weight_map": weight_map}
    with open(os.path.join(out, "sharded", "model.safetensors.index.json"), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(index, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
