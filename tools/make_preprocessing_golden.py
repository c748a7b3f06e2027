"""Writes the preprocessing golden cases of golden/preprocessing/ (Spec/conformance.md section 4).

Three kinds of case, one weight container each:

- `bicubic_resize`: an RGB image and Pillow's `Image.resize((w, h), Image.BICUBIC)` of it;
- `preprocess`: an RGB image and transformers' SigLIP image processor output for it (the
  Pillow backend, `SiglipImageProcessorPil`, which `AutoImageProcessor` gives for
  `use_fast=False`), with Pillow's resized image as an intermediate;
- `postprocess`: a float32 CHW tensor and the bytes of Spec/preprocessing.md section 4,
  computed in NumPy float32, or the error a NaN raises.

The expected resize and preprocessing outputs come from Pillow and transformers. Every one
is also checked against `spec_resize` / `spec_preprocess` below, a NumPy reading of
Spec/preprocessing.md written without Pillow, so the Spec is known to describe what Pillow
does; `--verify N` runs that check on N further random resizes and on the photographs of
the shared test data at 256 and 384 pixels (nothing of that is written).

Two cases derive their input from photographs in ../shared/testdata/images (a crop and a
reduced copy, stored in the case); regenerating needs that folder (`--testdata`).

Usage: python3 tools/make_preprocessing_golden.py [--out DIR] [--testdata DIR] [--verify N]

The output is deterministic: case number n draws from np.random.default_rng([0x5E3A11, n]).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import write_weights  # noqa: E402

GENERATOR = "python3 tools/make_preprocessing_golden.py"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "golden" / "preprocessing"
DEFAULT_TESTDATA = ROOT.parent / "shared" / "testdata"
BASE_SEED = 0x5E3A11
PRECISION_BITS = 22
SIGLIP = (0.5, 0.5, 0.5)
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


# ---------------------------------------------------------------------------------------
# Spec/preprocessing.md, read without Pillow


def bicubic(x: float) -> float:
    """The kernel of section 2.2 (a = -0.5), every operation in binary64 as written."""
    if x < 0.0:
        x = -x
    if x < 1.0:
        return ((1.5 * x - 2.5) * x) * x + 1.0
    if x < 2.0:
        return (((x - 5.0) * x + 8.0) * x - 4.0) * -0.5
    return 0.0


def coefficients(in_size: int, out_size: int) -> list[tuple[int, list[int]]]:
    """Section 2.3: for each output index, the first input index and the fixed-point weights."""
    scale = float(np.float32(in_size)) / out_size
    filter_scale = max(scale, 1.0)
    support = 2.0 * filter_scale
    inverse = 1.0 / filter_scale
    table = []
    for i in range(out_size):
        center = (i + 0.5) * scale
        first = max(0, math.trunc(center - support + 0.5))
        count = min(in_size, math.trunc(center + support + 0.5)) - first
        weights = [bicubic(((first + j) - center + 0.5) * inverse) for j in range(count)]
        total = 0.0
        for weight in weights:
            total += weight
        if total != 0.0:
            weights = [weight / total for weight in weights]
        fixed = [math.trunc(w * 2.0**PRECISION_BITS + (-0.5 if w < 0 else 0.5)) for w in weights]
        table.append((first, fixed))
    return table


def resample_rows(image: np.ndarray, out_width: int) -> np.ndarray:
    """Section 2.4: one pass along the rows of a [rows, width, 3] u8 array."""
    wide = image.astype(np.int64)
    out = np.empty((image.shape[0], out_width, 3), np.uint8)
    for i, (first, weights) in enumerate(coefficients(image.shape[1], out_width)):
        total = np.full((image.shape[0], 3), 1 << (PRECISION_BITS - 1), np.int64)
        for j, weight in enumerate(weights):
            total += wide[:, first + j, :] * weight
        out[:, i, :] = np.clip(total >> PRECISION_BITS, 0, 255)
    return out


def vertical_first(width: int, height: int, out_width: int, out_height: int) -> bool:
    """Section 2.5: whether the vertical pass runs first."""
    return out_height < height and height - out_height > 2 * (width - out_width)


def spec_resize(image: np.ndarray, out_width: int, out_height: int) -> np.ndarray:
    """Section 2.5: the two passes in the Spec's order, each skipped when its size is kept."""
    height, width, _ = image.shape

    def horizontal(a):
        return resample_rows(a, out_width) if a.shape[1] != out_width else a

    def vertical(a):
        return resample_rows(a.transpose(1, 0, 2), out_height).transpose(1, 0, 2) if a.shape[0] != out_height else a

    if vertical_first(width, height, out_width, out_height):
        return np.ascontiguousarray(horizontal(vertical(image)))
    return np.ascontiguousarray(vertical(horizontal(image)))


def pass_order(width: int, height: int, out_width: int, out_height: int) -> str:
    """Which passes run, in order, for the informative `info.passes`."""
    passes = ["vertical", "horizontal"] if vertical_first(width, height, out_width, out_height) \
        else ["horizontal", "vertical"]
    kept = {"horizontal": out_width == width, "vertical": out_height == height}
    return " then ".join(p for p in passes if not kept[p]) or "copy"


def spec_preprocess(image: np.ndarray, size: int, mean, std) -> np.ndarray:
    """Section 3: resize, then per channel fl32(fl32(u * (1/255)) - mean32) / std32, CHW."""
    resized = spec_resize(image, size, size)
    scaled = (resized.astype(np.float64) * (1 / 255)).astype(np.float32)
    mean32 = np.asarray(mean, dtype=np.float64).astype(np.float32)
    std32 = np.asarray(std, dtype=np.float64).astype(np.float32)
    normalized = (scaled - mean32) / std32
    return np.ascontiguousarray(normalized.transpose(2, 0, 1))


def spec_postprocess(tensor: np.ndarray) -> np.ndarray:
    """Section 4: u = fl32(fl32(clamp(x) + 1) * 127.5), nearest with ties to even, HWC."""
    clamped = np.minimum(np.maximum(tensor, np.float32(-1)), np.float32(1))
    scaled = (clamped + np.float32(1)) * np.float32(127.5)
    assert scaled.dtype == np.float32
    return np.ascontiguousarray(np.rint(scaled).astype(np.uint8).transpose(1, 2, 0))


# ---------------------------------------------------------------------------------------
# The references


def pillow_resize(image: np.ndarray, out_width: int, out_height: int) -> np.ndarray:
    """Pillow's bicubic resize of a u8 [H, W, 3] array (no box, no reducing gap)."""
    resized = Image.fromarray(image, "RGB").resize((out_width, out_height), Image.Resampling.BICUBIC)
    return np.asarray(resized, dtype=np.uint8).copy()


def transformers_preprocess(image: np.ndarray, size: int, mean, std) -> np.ndarray:
    """transformers' SigLIP image processor, Pillow backend, on a u8 [H, W, 3] array: f32 [3, N, N]."""
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

    processor = SiglipImageProcessorPil(size={"height": size, "width": size},
                                        image_mean=list(mean), image_std=list(std))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = processor(Image.fromarray(image, "RGB"), return_tensors="np")["pixel_values"]
    assert values.dtype == np.float32 and values.shape == (1, 3, size, size), values.shape
    return values[0].copy()


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays have the same shape, dtype and bytes (float32 compared by bits)."""
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


# ---------------------------------------------------------------------------------------
# Cases


@dataclass
class Case:
    """One golden case: its kind, name, description and the case file's contents."""

    name: str
    kind: str
    description: str
    config: dict = field(default_factory=dict)
    tensors: dict = field(default_factory=dict)


def random_image(rng, width: int, height: int) -> np.ndarray:
    return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)


def resize_case(name: str, description: str, image: np.ndarray, out_width: int, out_height: int,
                orders_must_differ: bool = False) -> Case:
    """A `bicubic_resize` case; checks Pillow against the Spec's reading."""
    expected = pillow_resize(image, out_width, out_height)
    if not same_bits(expected, spec_resize(image, out_width, out_height)):
        raise AssertionError(f"{name}: Pillow and Spec/preprocessing.md disagree")
    height, width, _ = image.shape
    if orders_must_differ:
        first = vertical_first(width, height, out_width, out_height)
        other = (resample_rows(resample_rows(image, out_width).transpose(1, 0, 2), out_height).transpose(1, 0, 2)
                 if first else
                 resample_rows(resample_rows(image.transpose(1, 0, 2), out_height).transpose(1, 0, 2), out_width))
        if same_bits(np.ascontiguousarray(other), expected):
            raise AssertionError(f"{name}: the other pass order gives the same bytes")
    return Case(name, "bicubic_resize", description,
                {"width": out_width, "height": out_height,
                 "info.passes": pass_order(width, height, out_width, out_height)},
                {"input": image, "expected.output": expected})


def preprocess_case(name: str, description: str, image: np.ndarray, size: int, mean=SIGLIP, std=SIGLIP) -> Case:
    """A `preprocess` case; checks transformers against the Spec's reading."""
    expected = transformers_preprocess(image, size, mean, std)
    if not same_bits(expected, spec_preprocess(image, size, mean, std)):
        raise AssertionError(f"{name}: transformers and Spec/preprocessing.md disagree")
    return Case(name, "preprocess", description,
                {"size": size, "mean": [float(m) for m in mean], "std": [float(s) for s in std]},
                {"input": image, "expected.resized": pillow_resize(image, size, size),
                 "expected.output": expected})


def postprocess_case(name: str, description: str, tensor: np.ndarray) -> Case:
    """A `postprocess` case: the bytes, or the NaN error naming the first NaN in CHW order."""
    tensor = np.ascontiguousarray(tensor, dtype=np.float32)
    nans = np.argwhere(np.isnan(tensor))
    if len(nans):
        return Case(name, "postprocess", description,
                    {"expected.error": "nan_value", "expected.error_position": [int(v) for v in nans[0]]},
                    {"input": tensor})
    return Case(name, "postprocess", description, {}, {"input": tensor, "expected.output": spec_postprocess(tensor)})


def ties() -> np.ndarray:
    """Float32 values x in (-1, 1) for which fl32(fl32(x + 1) * 127.5) is exactly k + 0.5,
    found by searching the float32 neighbours of (k + 0.5) / 127.5 - 1 for every k."""
    found = []
    half = np.float32(127.5)
    for k in range(255):
        start = np.float32((k + 0.5) / 127.5 - 1.0)
        for step in range(-8, 9):
            x = start
            for _ in range(abs(step)):
                x = np.nextafter(x, np.float32(np.inf if step > 0 else -np.inf))
            if (x + np.float32(1)) * half == np.float32(k + 0.5):
                found.append(x)
                break
    return np.array(found, dtype=np.float32)


def photo(testdata: Path, name: str) -> Image.Image:
    path = testdata / "images" / name
    if not path.exists():
        raise SystemExit(f"{path} is missing: the photograph cases need ../shared/testdata (--testdata)")
    return Image.open(path).convert("RGB")


def resize_cases(rng_for, testdata: Path) -> list[Case]:
    cases = []
    rng = rng_for(0)
    cases.append(resize_case("resize_up_square", "8 x 8 up to 20 x 20", random_image(rng, 8, 8), 20, 20))
    rng = rng_for(1)
    cases.append(resize_case("resize_down_square", "40 x 40 down to 13 x 13", random_image(rng, 40, 40), 13, 13))
    rng = rng_for(2)
    cases.append(resize_case("resize_mixed", "37 x 21 to 16 x 45: width down, height up",
                             random_image(rng, 37, 21), 16, 45))
    rng = rng_for(3)
    cases.append(resize_case("resize_one_pixel_wide_source", "1 x 17 to 9 x 5", random_image(rng, 1, 17), 9, 5))
    rng = rng_for(4)
    cases.append(resize_case("resize_one_pixel_tall_source", "23 x 1 to 7 x 3", random_image(rng, 23, 1), 7, 3))
    rng = rng_for(5)
    cases.append(resize_case("resize_to_one_pixel", "30 x 20 to 1 x 1", random_image(rng, 30, 20), 1, 1))
    rng = rng_for(6)
    cases.append(resize_case("resize_to_one_column", "25 x 18 to 1 x 30", random_image(rng, 25, 18), 1, 30))
    rng = rng_for(7)
    cases.append(resize_case("resize_extreme_down",
                             "64 x 60 to 2 x 3 (scales 32 and 20: each output reads most of its row or column)",
                             random_image(rng, 64, 60), 2, 3))
    rng = rng_for(8)
    cases.append(resize_case("resize_extreme_up", "2 x 3 to 61 x 47", random_image(rng, 2, 3), 61, 47))
    rng = rng_for(9)
    cases.append(resize_case("resize_same_size", "19 x 11 to 19 x 11: a copy", random_image(rng, 19, 11), 19, 11))
    rng = rng_for(10)
    cases.append(resize_case("resize_horizontal_only", "30 x 12 to 17 x 12: only the horizontal pass",
                             random_image(rng, 30, 12), 17, 12))
    rng = rng_for(11)
    cases.append(resize_case("resize_vertical_only", "12 x 30 to 12 x 47: only the vertical pass",
                             random_image(rng, 12, 30), 12, 47))
    rng = rng_for(12)
    image = random_image(rng, 20, 40)
    cases.append(resize_case("resize_order_horizontal_first",
                             "20 x 40 to 15 x 30: H - h = 10 = 2 (W - w), so horizontal first; "
                             "the other order gives other bytes", image, 15, 30, orders_must_differ=True))
    cases.append(resize_case("resize_order_vertical_first",
                             "20 x 40 to 15 x 29: H - h = 11 > 2 (W - w) = 10, so vertical first; "
                             "the other order gives other bytes", image, 15, 29, orders_must_differ=True))
    rng = rng_for(13)
    cases.append(resize_case("resize_order_vertical_first_width_up",
                             "10 x 50 to 24 x 9: height down, width up, vertical first",
                             random_image(rng, 10, 50), 24, 9, orders_must_differ=True))
    checker = np.indices((9, 7)).sum(axis=0) % 2 * 255
    image = np.repeat(checker[:, :, None], 3, axis=2).astype(np.uint8)
    image[:, :, 1] = 255 - image[:, :, 1]
    cases.append(resize_case("resize_clipping", "a 7 x 9 checkerboard of 0 and 255 up to 25 x 31: the "
                             "bicubic overshoot is clipped to 0 and 255 in both passes", image, 25, 31))
    for n in range(8):
        rng = rng_for(20 + n)
        width, height, out_width, out_height = (int(v) for v in rng.integers(1, 65, 4))
        cases.append(resize_case(f"resize_random_{n}", f"random {width} x {height} to {out_width} x {out_height}",
                                 random_image(rng, width, height), out_width, out_height))
    chelsea = np.asarray(photo(testdata, "chelsea.png").crop((75, 50, 375, 250)), dtype=np.uint8).copy()
    cases.append(resize_case("resize_photo_300x200_to_256", "a 300 x 200 crop of the photograph chelsea.png "
                             "to 256 x 256 (the model's input size)", chelsea, 256, 256))
    return cases


def preprocess_cases(rng_for, testdata: Path) -> list[Case]:
    cases = []
    rng = rng_for(40)
    cases.append(preprocess_case("preprocess_random", "random 37 x 23 to 32, SigLIP mean and std 0.5",
                                 random_image(rng, 37, 23), 32))
    rng = rng_for(41)
    image = random_image(rng, 16, 16)
    image[0, :4] = [[0, 0, 0], [255, 255, 255], [127, 128, 129], [1, 254, 64]]
    cases.append(preprocess_case("preprocess_same_size", "16 x 16 at size 16: no resize, every step after it; "
                                 "includes 0, 255, 127, 128", image, 16))
    rng = rng_for(42)
    cases.append(preprocess_case("preprocess_tall", "20 x 70 to 16: the vertical pass runs first",
                                 random_image(rng, 20, 70), 16))
    rng = rng_for(43)
    cases.append(preprocess_case("preprocess_clip_mean_std", "random 30 x 30 to 24 with CLIP's per-channel "
                                 "mean and std (not representable in float32)", random_image(rng, 30, 30), 24,
                                 CLIP_MEAN, CLIP_STD))
    coffee = photo(testdata, "coffee.png").reduce(6)
    cases.append(preprocess_case("preprocess_photo", "coffee.png reduced 6 times by Pillow (100 x 67) to 64",
                                 np.asarray(coffee, dtype=np.uint8).copy(), 64))
    return cases


def postprocess_cases(rng_for) -> list[Case]:
    cases = []
    special = np.array([-1, 0, 1, -0.0, -2, 2, -1e30, 1e30, -np.inf, np.inf, 1e-45, -1e-45, 0.5, -0.5,
                        np.nextafter(np.float32(1), np.float32(0)), np.nextafter(np.float32(-1), np.float32(0)),
                        np.nextafter(np.float32(1), np.float32(2)), np.nextafter(np.float32(-1), np.float32(-2)),
                        1 / 255, -1 / 255, 3.4028235e38, -3.4028235e38], dtype=np.float32)
    exact = (np.arange(256, dtype=np.float32) / np.float32(127.5) - np.float32(1)).astype(np.float32)
    values = np.concatenate([special, exact, ties()])
    width = 40
    assert len(values) <= 3 * 8 * width
    rng = rng_for(60)
    values = np.concatenate([values, rng.standard_normal(3 * 8 * width - len(values)).astype(np.float32)])
    cases.append(postprocess_case("postprocess_values", f"[3, 8, {width}]: -1, 0, 1, -0, beyond [-1, 1], "
                                  "infinities, subnormals, the neighbours of +-1, every exact byte, the exact "
                                  ".5 ties of fl32(fl32(x + 1) * 127.5), random normals",
                                  values.reshape(3, 8, width)))
    rng = rng_for(61)
    tensor = rng.uniform(-1.2, 1.2, (3, 5, 7)).astype(np.float32)
    tensor[1, 2, 3] = np.nan
    tensor[2, 0, 0] = np.nan
    cases.append(postprocess_case("postprocess_nan", "NaN at [1, 2, 3] and [2, 0, 0]: the error names the "
                                  "first in CHW order", tensor))
    return cases


def verify(count: int, testdata: Path) -> None:
    """Random resizes and full-size photographs: the Spec's reading against Pillow and transformers."""
    rng = np.random.default_rng([BASE_SEED, 999])
    for n in range(count):
        width, height = (int(v) for v in rng.integers(1, 200 if n % 2 else 40, 2))
        out_width, out_height = (int(v) for v in rng.integers(1, 200 if n % 3 else 40, 2))
        image = random_image(rng, width, height)
        if not same_bits(pillow_resize(image, out_width, out_height), spec_resize(image, out_width, out_height)):
            raise AssertionError(f"verify: {width} x {height} to {out_width} x {out_height} disagrees")
    photos = sorted(p for p in (testdata / "images").iterdir() if p.suffix in (".png", ".jpg"))
    for path in photos:
        image = Image.open(path)
        image.load()
        rgb = np.asarray(image.convert("RGB"), dtype=np.uint8).copy()
        for size in (256, 384):
            reference = transformers_preprocess(rgb, size, SIGLIP, SIGLIP)
            if not same_bits(reference, spec_preprocess(rgb, size, SIGLIP, SIGLIP)):
                raise AssertionError(f"verify: {path.name} at {size} disagrees")
    print(f"verified {count} random resizes and {len(photos)} photographs at 256 and 384")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--testdata", type=Path, default=DEFAULT_TESTDATA, help="the shared test data folder")
    parser.add_argument("--verify", type=int, default=0, metavar="N",
                        help="also check N random resizes and the photographs against the Spec")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    def rng_for(number: int):
        return np.random.default_rng([BASE_SEED, number])

    cases = resize_cases(rng_for, args.testdata) + preprocess_cases(rng_for, args.testdata) + postprocess_cases(rng_for)
    for case in cases:
        config = {"case.kind": case.kind, "case.version": 1, "case.description": case.description,
                  "case.generator": GENERATOR, **case.config}
        path = args.out / f"{case.name}.shw"
        write_weights(path, config, case.tensors)
        print(f"{path.name}: {path.stat().st_size} bytes")
    if args.verify:
        verify(args.verify, args.testdata)


if __name__ == "__main__":
    main()
