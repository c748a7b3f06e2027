"""Writes the model golden cases of golden/model/ (Spec/conformance.md section 5).

- `tiny.shw`: the `tiny` configuration with the deterministic weights of
  Spec/architecture.md section 7, seed 0 (`semhitok_init`); the `tiny` cases name it in
  `model.weights`. It has no `case.kind`, so the conformance runner skips it as a fixture.
- `tiny_*.shw`: the `tiny` model on small copies of photographs of ../shared/testdata/images.
- `base_test_*.shw`: the `base-test` configuration, seed 1, defined by `model.init_config`
  and `model.init_seed` (its weights, about 47 MB, are not stored).

Every expected value is the PyTorch reference's (`semhitok_reference.py`: transformers'
`SiglipVisionModel`, timm `Block`s, the Pillow SigLIP image processor, the exact lookups of
`semhitok_quantization.py`). The model runs from the weight file it names (`tiny.shw` is
written, then read back) or from the initialisation, as a port would.

Margins: every committed input has every lookup margin (best minus second-best canonical
score) at least 1e-3 (conformance.md section 5). Each case has an ordered list of candidate
inputs (crops of one photograph); the first candidate whose margins all pass and whose
patches have at least N / 8 distinct tokens is committed (`--verbose` prints the rejected
ones and why). It fails if none passes.

Usage: python3 tools/make_model_golden.py [--out DIR] [--testdata DIR] [--only tiny] [--verbose]

The output is deterministic: PyTorch runs on one thread, and nothing is random. Floats may
differ in their last bits on another CPU or another PyTorch version (the tolerance covers
that; the committed bytes were made with the versions in golden/model/README.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import write_weights  # noqa: E402
from semhitok_init import init_weights, named_config  # noqa: E402

GENERATOR = "python3 tools/make_model_golden.py"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "golden" / "model"
DEFAULT_TESTDATA = ROOT.parent / "shared" / "testdata"
MIN_MARGIN = np.float32(1e-3)
# A random-weight model maps most patches of a smooth image to a few codes; a case whose
# patches all share one token would not notice, say, tokens in the wrong order. A
# candidate needs at least N / 8 distinct tokens (8 for tiny, 32 for base-test).
DISTINCT_TOKENS_DIVISOR = 8
TOLERANCE = 1e-4
TINY_SEED = 0
BASE_TEST_SEED = 1
WEIGHTS_FILE = "tiny.shw"


@dataclass(frozen=True)
class Candidate:
    """A photograph, the box cropped from it and the size the crop is resized to (Pillow,
    bicubic, in the photograph's own mode), before transformers' RGB conversion."""

    photo: str
    box: tuple[int, int, int, int]
    size: tuple[int, int] | None = None     # (width, height); None keeps the crop's size

    def describe(self) -> str:
        crop = f"{self.photo} cropped to {self.box}"
        width, height = self.box[2] - self.box[0], self.box[3] - self.box[1]
        if self.size is None or self.size == (width, height):
            return f"{crop} ({width} x {height})"
        return f"{crop} ({width} x {height}), resized to {self.size[0]} x {self.size[1]}"


@dataclass(frozen=True)
class CaseSpec:
    name: str
    config: str
    description: str
    candidates: tuple[Candidate, ...]


def boxes(image_size: tuple[int, int], aspect: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """Crop boxes of the given aspect: the largest centred one, then at scales 0.8 and 0.6
    the centre and the four corners. Deterministic, in this order."""
    width, height = image_size
    result = []
    for scale in (1.0, 0.8, 0.6):
        crop_w = min(width, height * aspect[0] // aspect[1])
        crop_h = crop_w * aspect[1] // aspect[0]
        crop_w, crop_h = int(crop_w * scale), int(crop_h * scale)
        positions = [((width - crop_w) // 2, (height - crop_h) // 2)]
        if scale < 1.0:
            positions += [(0, 0), (width - crop_w, 0), (0, height - crop_h), (width - crop_w, height - crop_h)]
        for x, y in positions:
            box = (x, y, x + crop_w, y + crop_h)
            if box not in result:
                result.append(box)
    return result


def resized_candidates(photo: str, photo_size: tuple[int, int], size: tuple[int, int]) -> tuple[Candidate, ...]:
    return tuple(Candidate(photo, box, size) for box in boxes(photo_size, size))


def grid_crops(photo: str, photo_size: tuple[int, int], size: tuple[int, int], step: int) -> tuple[Candidate, ...]:
    """Crops of exactly `size` pixels at every multiple of `step` that fits, rows of offsets
    top to bottom, each left to right."""
    width, height = photo_size
    return tuple(Candidate(photo, (x, y, x + size[0], y + size[1]))
                 for y in range(0, height - size[1] + 1, step)
                 for x in range(0, width - size[0] + 1, step))


CASES = (
    CaseSpec("tiny_coffee_80x60", "tiny",
             "tiny model on coffee.png (RGB PNG) resized to 80 x 60: both resizes of the preprocessing run",
             resized_candidates("coffee.png", (600, 400), (80, 60))),
    CaseSpec("tiny_gravel_64x64", "tiny",
             "tiny model on gravel.png (grey PNG, replicated to RGB) at 64 x 64: both resizes are copies",
             resized_candidates("gravel.png", (512, 512), (64, 64))),
    CaseSpec("tiny_retina_100x75", "tiny",
             "tiny model on retina.jpg (JPEG) resized to 100 x 75",
             resized_candidates("retina.jpg", (1411, 1411), (100, 75))),
    CaseSpec("base_test_astronaut_300x200", "base-test",
             "base-test model (SigLIP-base shapes, one layer per module, init seed 1) on a 300 x 200 "
             "crop of astronaut.png (RGB PNG), resized to 256",
             grid_crops("astronaut.png", (512, 512), (300, 200), 16)),
)


def candidate_image(testdata: Path, candidate: Candidate) -> np.ndarray:
    """The candidate's pixels as u8 [H, W, 3], after transformers' `convert_to_rgb`."""
    from PIL import Image
    from semhitok_reference import rgb_array

    path = testdata / "images" / candidate.photo
    if not path.exists():
        raise SystemExit(f"{path} is missing: the model cases need ../shared/testdata (--testdata)")
    with Image.open(path) as photo:
        photo.load()
        image = photo.crop(candidate.box)
        if candidate.size is not None and candidate.size != image.size:
            image = image.resize(candidate.size, Image.Resampling.BICUBIC)
        return rgb_array(image)


def model_config(case: CaseSpec) -> dict:
    if case.config == "tiny":
        return {"model.weights": WEIGHTS_FILE}
    return {"model.init_config": case.config, "model.init_seed": BASE_TEST_SEED}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--testdata", type=Path, default=DEFAULT_TESTDATA, help="the shared test data folder")
    parser.add_argument("--only", choices=["tiny"], help="write only tiny.shw and the tiny cases")
    parser.add_argument("--verbose", action="store_true", help="print every rejected candidate")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    from semhitok_reference import load_model, model_from_init

    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    weights = args.out / WEIGHTS_FILE
    tiny = named_config("tiny")
    write_weights(weights, tiny, init_weights(tiny, TINY_SEED))
    print(f"{WEIGHTS_FILE}: {weights.stat().st_size} bytes")

    models = {"tiny": lambda: load_model(weights),
              "base-test": lambda: model_from_init("base-test", BASE_TEST_SEED)}
    loaded = {}
    for case in CASES:
        if args.only and case.config != args.only:
            continue
        if case.config not in loaded:
            loaded[case.config] = models[case.config]()
        model = loaded[case.config]
        rejected = 0
        for number, candidate in enumerate(case.candidates):
            image = candidate_image(args.testdata, candidate)
            result = model.run(image)
            semantic, pixel = result["info.semantic_margin"], result["info.pixel_margin"]
            distinct = len(np.unique(result["expected.tokens"]))
            needed = len(result["expected.tokens"]) // DISTINCT_TOKENS_DIVISOR
            if semantic.min() >= MIN_MARGIN and pixel.min() >= MIN_MARGIN and distinct >= needed:
                break
            if args.verbose:
                print(f"{case.name}: rejected candidate {number}, {candidate.describe()}: smallest margins "
                      f"semantic {semantic.min():.3g} ({int((semantic < MIN_MARGIN).sum())} below 1e-3), "
                      f"pixel {pixel.min():.3g} ({int((pixel < MIN_MARGIN).sum())} below 1e-3); "
                      f"{distinct} distinct tokens of {needed} needed")
            rejected += 1
        else:
            raise SystemExit(f"{case.name}: no candidate has every margin at least 1e-3 "
                             f"and N / {DISTINCT_TOKENS_DIVISOR} distinct tokens")
        config = {
            "case.kind": "model",
            "case.version": 1,
            "case.description": f"{case.description}; input: {candidate.describe()}",
            "case.generator": GENERATOR,
            "tolerance.relative": TOLERANCE,
            "info.source": candidate.describe(),
            **model_config(case),
        }
        path = args.out / f"{case.name}.shw"
        write_weights(path, config, {"input": image, **result})
        print(f"{path.name}: {path.stat().st_size} bytes; candidate {number} ({rejected} rejected), "
              f"{candidate.describe()}; smallest margins semantic {semantic.min():.4g}, pixel {pixel.min():.4g}; "
              f"{len(np.unique(result['expected.semantic_indices']))} distinct semantic indices, "
              f"{distinct} distinct tokens")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
