"""pytest: the safetensors fixture generator (tools/make_safetensors_fixtures.py).

- A rerun reproduces golden/safetensors/ byte for byte, with no file missing or extra.
- The safetensors library reads every committed tensor back as the formula of
  golden/safetensors/README.md gives it, and the index maps each tensor to the shard that
  holds it.

Skipped without numpy or safetensors.
"""
import filecmp
import json
import os
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy", reason="numpy is not installed")
pytest.importorskip("safetensors", reason="safetensors is not installed")
from safetensors.numpy import load_file  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_safetensors_fixtures as generator  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "safetensors"


def committed_files(root: Path) -> list:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file() and path.name != "README.md")


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["make_safetensors_fixtures.py", "--out", str(tmp_path)])
    generator.main()
    names = committed_files(tmp_path)
    committed = committed_files(GOLDEN)
    assert names == committed, {"missing": sorted(set(committed) - set(names)), "extra": sorted(set(names) - set(committed))}
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, GOLDEN, names, shallow=False)
    assert mismatch == [] and errors == [], (mismatch, errors)


def test_example_values_follow_the_readme_formulas():
    tensors = load_file(GOLDEN / "example.safetensors")
    i = lambda shape: np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)  # noqa: E731
    expected = {
        "a.f32": i((2, 3)) * 0.5 - 1, "b.f16": 2.0 ** (i((4,)) - 2), "c.f64": i((3,)) * 0.25 - 0.5,
        "d.i64": (i((2, 2)) - 2) * 10**12, "e.i32": (i((5,)) - 2) * 1000, "f.i16": (i((3,)) - 1) * 300,
        "g.i8": i((4,)) * 50 - 100, "h.u8": i((2, 3)) * 51, "i.u16": i((2,)) * 65535, "j.u32": i((2,)) * 4 * 10**9,
        "k.u64": [0, 18 * 10**18], "l.bool": i((5,)) % 2 == 0, "m.c64": i((2,)) - 1j * i((2,)),
        "n.scalar": np.array(7.0), "o.empty": np.zeros((0, 3)), "p.\u540d\u524d": i((2,)) + 1,
    }
    assert sorted(tensors) == sorted(expected)
    for name, values in expected.items():
        assert tensors[name].shape == np.shape(values), name
        assert tensors[name].tolist() == np.asarray(values).tolist(), name


def test_sharded_index_maps_each_tensor_to_its_shard():
    folder = GOLDEN / "sharded"
    index = json.loads((folder / "model.safetensors.index.json").read_text())
    held = {name: shard for shard in set(index["weight_map"].values()) for name in load_file(folder / shard)}
    assert held == index["weight_map"]
    assert index["metadata"]["total_size"] == sum(load_file(folder / shard)[name].nbytes for name, shard in held.items())
    for name, shard in held.items():
        k = 100 if name == "norm.weight" else 10 * int(name.split(".")[1])
        values = load_file(folder / shard)[name]
        assert values.dtype == np.float32 and values.ravel().tolist() == list(range(k, k + values.size)), name
