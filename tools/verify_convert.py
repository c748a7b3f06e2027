"""Checks `semhitok convert` against transformers at the real SigLIP sizes.

For each size it builds a transformers `SiglipVisionModel` with the vision configuration of
a published SigLIP checkpoint and random weights from a fixed seed (no hub access is
needed), saves it with `save_pretrained` and a `SiglipImageProcessor`, converts it with the
Swift `semhitok convert` at `--dtype f32`, `f16` and `bf16`, each with all the layers and
with `--siglip-layers L-1`, runs `semhitok features IMAGE --stage siglip` on the result,
and compares the features with transformers' for the same preprocessed input
(`SiglipImageProcessorPil`, the Pillow backend, as `semhitok_reference` does): with all
the layers `last_hidden_state` (post-LayerNorm applied), with L-1 layers
`hidden_states[L-1]` (without it). For f16 and bf16, transformers runs the same weights
rounded to that type (round to nearest even: NumPy for f16, torch for bf16) and widened
back to f32, so every row measures the Swift computation, not the rounding.

The sizes marked with extra checkpoints also save the same vision weights sharded (small
`max_shard_size`) and as a full `SiglipModel` (with a text tower of the published size,
which the converter skips); those convert at f32 with all the layers and must give
exactly the features of the single-file conversion.

Per row it reports whether the container holds exactly the tensors the converter keeps
(Spec/convert.md section 3), each the source rounded by NumPy or torch bit for bit, the
largest absolute error of the features, the relative error max |a - e| / max |e|,
the conversion's wall time and peak RSS (`/usr/bin/time -v`), the .shw size and the peak
RSS of the features command, and prints a Markdown table.

Usage: python3 tools/verify_convert.py [--semhitok .build/release/semhitok]
           [--sizes tiny | base large so400m] [--image golden/images/photo/chelsea.jpg]
           [--work DIR]

Needs numpy, torch, transformers 5 and Pillow, about 3 x the largest model's f32 size in
memory and 2 x on disk (at so400m: 1.7 GB of weights).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import BF16, read_weights  # noqa: E402
from semhitok_reference import load_image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260
DTYPES = ("f32", "f16", "bf16")
VISION_PREFIX = "siglip.vision_model."   # a container's name for a vision tensor: this + its key


@dataclass(frozen=True)
class Size:
    """A SigLIP vision configuration and, if `shard_size` is set, the extra checkpoints."""

    name: str
    source: str                # the published checkpoint whose vision configuration this is
    hidden: int
    intermediate: int
    layers: int
    heads: int
    patch: int
    image: int
    shard_size: str | None = None
    text: dict | None = None   # the full SiglipModel's text tower


# SiglipTextConfig's defaults are SigLIP-base's text tower (vocabulary 32000, width 768,
# 12 layers, 12 heads, 64 positions).
BASE_TEXT: dict = {}
TINY_TEXT = dict(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                 max_position_embeddings=16, pad_token_id=0, bos_token_id=1, eos_token_id=2)

SIZES = {
    "tiny": Size("tiny", "the tower of golden/convert, to test this script", 32, 64, 3, 2, 8, 64, "70KB", TINY_TEXT),
    "base": Size("base", "google/siglip-base-patch16-256", 768, 3072, 12, 12, 16, 256, "100MB", BASE_TEXT),
    "large": Size("large", "google/siglip-large-patch16-256", 1024, 4096, 24, 16, 16, 256),
    "so400m": Size("so400m", "google/siglip-so400m-patch14-384", 1152, 4304, 27, 16, 14, 384),
}


@dataclass
class Row:
    size: str
    checkpoint: str
    dtype: str
    layers: int
    weights_exact: bool
    max_abs: float
    max_rel: float
    convert_s: float
    convert_rss_mb: float
    shw_mb: float
    features_rss_mb: float
    note: str = ""


# ---------------------------------------------------------------------------------------
# Checkpoints


def vision_config(size: Size):
    from transformers import SiglipVisionConfig

    return SiglipVisionConfig(hidden_size=size.hidden, intermediate_size=size.intermediate,
                              num_hidden_layers=size.layers, num_attention_heads=size.heads,
                              image_size=size.image, patch_size=size.patch, attn_implementation="eager")


def randomize(model, seed: int) -> None:
    """Sets every tensor from a seeded generator, so that no parameter is trivial (a
    LayerNorm weight of 1 or a zero bias would hide a swapped or dropped tensor): weights
    normal / sqrt(fan-in), biases 0.02 normal, other vectors (LayerNorm weights) 1 + 0.1
    normal. The rules of Spec/architecture.md section 7, with torch's normal generator."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    state = {}
    for name, value in model.state_dict().items():
        noise = torch.randn(value.shape, generator=generator)
        if name.endswith("bias"):
            state[name] = 0.02 * noise
        elif value.dim() <= 1:
            state[name] = 1 + 0.1 * noise
        else:
            state[name] = noise / math.sqrt(math.prod(value.shape[1:]))
    model.load_state_dict(state, strict=True)


def save_processor(size: Size, folder: Path) -> None:
    from transformers import SiglipImageProcessor

    SiglipImageProcessor(size={"height": size.image, "width": size.image}, image_mean=[0.5, 0.5, 0.5],
                         image_std=[0.5, 0.5, 0.5], resample=3).save_pretrained(folder)  # 3: bicubic


def save_checkpoints(size: Size, model, work: Path) -> dict[str, Path]:
    """Saves the vision model (and, for sizes with extras, its sharded copy and a full
    SiglipModel holding the same vision weights); returns the folders by label."""
    from transformers import SiglipConfig, SiglipModel, SiglipTextConfig

    folders = {"single file": work / "siglip"}
    model.save_pretrained(folders["single file"])
    if size.shard_size is not None:
        folders["sharded"] = work / "siglip-sharded"
        model.save_pretrained(folders["sharded"], max_shard_size=size.shard_size)
        folders["full SiglipModel"] = work / "siglip-full"
        # A configuration of its own: SiglipConfig takes over the one it is given, and
        # would switch the vision model's attention away from eager.
        full = SiglipModel(SiglipConfig(text_config=SiglipTextConfig(**size.text), vision_config=vision_config(size)))
        randomize(full, SEED + 1)
        full.vision_model.load_state_dict(model.state_dict(), strict=True)
        full.save_pretrained(folders["full SiglipModel"])
        del full
    for folder in folders.values():
        save_processor(size, folder)
    return folders


# ---------------------------------------------------------------------------------------
# The reference


def rounded(value: np.ndarray, dtype: str) -> np.ndarray:
    """`value` (float32) rounded to `dtype` (nearest even) and widened back to float32."""
    import torch

    if dtype == "f32":
        return value
    if dtype == "f16":
        return value.astype(np.float16).astype(np.float32)
    return torch.from_numpy(value).to(torch.bfloat16).to(torch.float32).numpy()


def reference_features(model, pixel_values: np.ndarray) -> dict[int, np.ndarray]:
    """transformers' features [N, C] by number of layers kept: L (post-LayerNorm) and L-1."""
    import torch

    layers = model.config.num_hidden_layers
    with torch.no_grad():
        output = model(pixel_values=torch.from_numpy(pixel_values)[None], output_hidden_states=True)
    return {layers: output.last_hidden_state[0].numpy().copy(),
            layers - 1: output.hidden_states[layers - 1][0].numpy().copy()}


# ---------------------------------------------------------------------------------------
# The Swift runs


def timed(command: list[str]) -> tuple[float, float]:
    """Runs `command` under /usr/bin/time -v; (wall seconds, peak RSS in MB). Fails with the
    command's output if it fails."""
    started = time.perf_counter()
    completed = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stdout}{completed.stderr}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", completed.stderr)
    return elapsed, int(peak.group(1)) / 1024


def errors(actual: np.ndarray, expected: np.ndarray) -> tuple[float, float]:
    """(max |a - e|, max |a - e| / max |e|), in float64."""
    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64)).max()
    return float(difference), float(difference / np.abs(expected.astype(np.float64)).max())


def kept(key: str, layers: int, full_layers: int) -> bool:
    """Whether the converter keeps the vision tensor `key` with `layers` of `full_layers`
    layers (Spec/convert.md section 3): not the pooling head, not the layers past
    `layers`, post_layernorm only with every layer."""
    if key.startswith("head."):
        return False
    if key.startswith("post_layernorm."):
        return layers == full_layers
    if key.startswith("encoder.layers."):
        return int(key.split(".")[2]) < layers
    return True


def stored_exactly(shw: Path, state: dict, dtype: str, layers: int, full_layers: int) -> bool:
    """Whether the container holds exactly the kept tensors, each the source rounded to
    `dtype` by NumPy or torch, bit for bit."""
    _, tensors = read_weights(shw, verify=False)
    names = {VISION_PREFIX + key for key in state if kept(key, layers, full_layers)}
    if set(tensors) != names:
        return False
    for name, stored in tensors.items():
        widened = stored.to_float32() if isinstance(stored, BF16) else stored.astype(np.float32)
        if widened.tobytes() != rounded(state[name[len(VISION_PREFIX):]], dtype).tobytes():
            return False
    return True


def convert_and_compare(semhitok: str, folder: Path, dtype: str, layers: int, full_layers: int, image: Path,
                        expected: np.ndarray, state: dict, work: Path) -> tuple[Row, np.ndarray]:
    """One conversion and features run; the row (without size and checkpoint) and the features."""
    shw, npy = work / "model.shw", work / "features.npy"
    command = [semhitok, "convert", "--siglip", str(folder), "--dtype", dtype, "-o", str(shw)]
    if layers != full_layers:
        command += ["--siglip-layers", str(layers)]
    convert_s, convert_rss = timed(command)
    shw_mb = shw.stat().st_size / 2**20
    exact = stored_exactly(shw, state, dtype, layers, full_layers)
    _, features_rss = timed([semhitok, "features", str(image), "--stage", "siglip", "--model", str(shw),
                             "-o", str(npy)])
    features = np.load(npy)
    if features.dtype != np.float32 or features.shape != (1, *expected.shape):
        raise SystemExit(f"{npy}: {features.dtype} {features.shape}, expected float32 {(1, *expected.shape)}")
    shw.unlink()
    npy.unlink()
    max_abs, max_rel = errors(features[0], expected)
    return Row("", "", dtype, layers, exact, max_abs, max_rel, convert_s, convert_rss, shw_mb, features_rss), features[0]


def verify(size: Size, semhitok: str, image: Path, work: Path) -> list[Row]:
    """Every row of one size; its checkpoints are written under `work` and removed after."""
    import torch
    from transformers import SiglipVisionModel
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

    work.mkdir(parents=True, exist_ok=True)
    model = SiglipVisionModel(vision_config(size)).eval()
    randomize(model, SEED)
    folders = save_checkpoints(size, model, work)
    processor = SiglipImageProcessorPil.from_pretrained(folders["single file"])
    pixel_values = processor(load_image(image), return_tensors="np")["pixel_values"][0]
    state = {name: value.numpy().copy() for name, value in model.state_dict().items()}
    expected = {}
    for dtype in DTYPES:
        model.load_state_dict({name: torch.from_numpy(rounded(value, dtype)) for name, value in state.items()},
                              strict=True)
        expected[dtype] = reference_features(model, pixel_values)
    del model

    rows = []
    L = size.layers
    single = {}
    for dtype in DTYPES:
        for layers in (L, L - 1):
            row, features = convert_and_compare(semhitok, folders["single file"], dtype, layers, L, image,
                                                expected[dtype][layers], state, work)
            row.size, row.checkpoint = size.name, "single file"
            single[(dtype, layers)] = features
            rows.append(row)
            print(format_row(row), flush=True)
    for label in ("sharded", "full SiglipModel"):
        if label in folders:
            row, features = convert_and_compare(semhitok, folders[label], "f32", L, L, image, expected["f32"][L],
                                                state, work)
            row.size, row.checkpoint = size.name, label
            row.note = ("same bits as the single file" if np.array_equal(features, single[("f32", L)])
                        else "DIFFERS from the single file")
            rows.append(row)
            print(format_row(row), flush=True)
    shutil.rmtree(work)
    return rows


# ---------------------------------------------------------------------------------------
# Report


HEADER = ("| size | checkpoint | dtype | layers | weights exact | max abs error | max rel error | convert s "
          "| convert peak RSS MB | .shw MB | features peak RSS MB | note |\n|---|---|---|---|---|---|---|---|---|---|---|---|")


def format_row(row: Row) -> str:
    return (f"| {row.size} | {row.checkpoint} | {row.dtype} | {row.layers} | {'yes' if row.weights_exact else 'NO'} "
            f"| {row.max_abs:.3g} | {row.max_rel:.3g} "
            f"| {row.convert_s:.2f} | {row.convert_rss_mb:.0f} | {row.shw_mb:.4g} | {row.features_rss_mb:.0f} "
            f"| {row.note} |")


def machine() -> str:
    """The CPU's model name and widest vector extension, from /proc/cpuinfo."""
    with open("/proc/cpuinfo") as file:
        text = file.read()
    model = re.search(r"^model name\s*:\s*(.*)$", text, re.M).group(1)
    flags = set(re.search(r"^flags\s*:\s*(.*)$", text, re.M).group(1).split())
    width = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
    return f"{model} ({width}), {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semhitok", default=str(ROOT / ".build" / "release" / "semhitok"),
                        help="the semhitok binary (default: .build/release/semhitok)")
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["base", "large", "so400m"])
    parser.add_argument("--image", type=Path, default=ROOT / "golden" / "images" / "photo" / "chelsea.jpg")
    parser.add_argument("--work", type=Path, help="folder for the checkpoints, each size's removed when it is "
                                                  "done (default: a temporary folder)")
    args = parser.parse_args()
    if not os.access(args.semhitok, os.X_OK):
        raise SystemExit(f"{args.semhitok} is not an executable; build it with swift build -c release --toolset native.json")

    import torch
    import transformers
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    print(f"machine: {machine()}; Python {platform.python_version()}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), transformers {transformers.__version__}")
    print(f"command: python3 tools/verify_convert.py {' '.join(sys.argv[1:])}".rstrip())
    work = args.work or Path(tempfile.mkdtemp(prefix="verify_convert."))
    rows = []
    print(HEADER, flush=True)
    for name in args.sizes:
        rows += verify(SIZES[name], args.semhitok, args.image, work / name)
    if args.work is None:
        work.rmdir()
    print("\n" + HEADER)
    for row in rows:
        print(format_row(row))


if __name__ == "__main__":
    main()
