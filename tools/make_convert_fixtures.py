"""Writes golden/convert/: the inputs and expected outputs of `semhitok convert`.

- `siglip-vision/`: a tiny transformers `SiglipVisionModel` (width 32, MLP 64, 3 layers,
  2 heads, 64 px, 8 px patches, with its pooling head) and a `SiglipImageProcessor`
  (64 x 64, mean and std 0.5, bicubic), both `save_pretrained`;
- `siglip-sharded/`: the same model saved in shards with `model.safetensors.index.json`;
- `siglip-full/`: a tiny `SiglipModel` (that vision tower and a one-layer text tower);
- `head.safetensors`: a SemHiTok head (`semhitok_reference.export_head`) for the
  configuration `tiny` with `siglip.post_layernorm = 0` (named `convert-fixture`): it
  goes with `--siglip-layers 2`, the tower's layers 0 and 1 without post-LayerNorm;
- `expected/`: for `golden/images/photo/chelsea.jpg`, transformers' SigLIP features of the
  whole tower (`last_hidden_state`) and of `hidden_states[2]`, and the reference model's
  tokens and semantic features for the head with the tower.

Every weight, in the checkpoints and in the head, is the deterministic initialisation of
Spec/architecture.md section 7 (`semhitok_init.init_tensor`) for the tensor's Spec name:
pure integer arithmetic, the same on every machine. transformers 5 saves a
`SiglipVisionModel` with keys such as `embeddings.patch_embedding.weight` and a
`SiglipModel` with `vision_model.embeddings.patch_embedding.weight` (as transformers 4
saved both); the Spec name is `siglip.vision_model.` + the first, `siglip.` + the second
(the text tower's keys get `siglip.` too, only to seed them). The converted model's
tensors are `init_weights` of the head configuration, but the codebooks, which the
converter normalises again (`as_converted`); the expected tokens and semantic features
are those of that converted model. The seed is the first from 0 whose tokens are a valid
expectation: every lookup margin at least `MIN_MARGIN` and at least N /
`DISTINCT_TOKENS_DIVISOR` distinct tokens (the rules of golden/model/).

The files are deterministic: the weights and the head are exact; `config.json` is
rewritten without `transformers_version`; the features are PyTorch's on one thread, which
may differ in their last bits on another CPU or PyTorch build.

Usage: python3 tools/make_convert_fixtures.py [--out DIR]   (default: golden/convert)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_model_golden import DISTINCT_TOKENS_DIVISOR, MIN_MARGIN  # noqa: E402
from semhitok_init import init_tensor, init_weights, named_config  # noqa: E402
from semhitok_quantization import normalize  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "golden" / "convert"
IMAGE = ROOT / "golden" / "images" / "photo" / "chelsea.jpg"
LAYERS = 3                       # the checkpoints' depth
HEAD_LAYERS = 2                  # the head's siglip.num_layers: convert --siglip-layers 2
MAX_SHARD_SIZE = "70KB"          # three shards of the vision model
MAX_SEEDS = 100
VISION = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=LAYERS, num_attention_heads=2,
              image_size=64, patch_size=8)
TEXT = dict(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
            max_position_embeddings=16, pad_token_id=0, bos_token_id=1, eos_token_id=2)


def head_config() -> dict:
    """`tiny` (architecture.md section 6: the tower's shapes, 2 layers) without
    post-LayerNorm: the second-to-last layer of the 3-layer tower, as TokenFlow takes it."""
    assert named_config("tiny")["siglip.num_layers"] == HEAD_LAYERS
    return dict(named_config("tiny"), **{"model.config_name": "convert-fixture", "siglip.post_layernorm": 0})


def initialise(model, prefix: str, seed: int):
    """Sets every tensor of a transformers model to the section 7 value of its Spec name,
    `prefix` + its state-dict key."""
    import torch

    state = {key: torch.from_numpy(init_tensor(prefix + key, tuple(value.shape), seed))
             for key, value in model.state_dict().items()}
    model.load_state_dict(state, strict=True)
    return model


def vision_model(seed: int):
    from transformers import SiglipVisionConfig, SiglipVisionModel

    return initialise(SiglipVisionModel(SiglipVisionConfig(**VISION)), "siglip.vision_model.", seed).eval()


def full_model(seed: int):
    from transformers import SiglipConfig, SiglipModel, SiglipTextConfig, SiglipVisionConfig

    config = SiglipConfig(text_config=SiglipTextConfig(**TEXT), vision_config=SiglipVisionConfig(**VISION))
    return initialise(SiglipModel(config), "siglip.", seed).eval()


def image_processor():
    from transformers import SiglipImageProcessor

    return SiglipImageProcessor(size={"height": 64, "width": 64}, image_mean=[0.5, 0.5, 0.5],
                                image_std=[0.5, 0.5, 0.5], resample=3)       # 3: PIL bicubic


def save_checkpoint(model, folder: Path, **options) -> None:
    """`save_pretrained` and the image processor into an empty `folder`; config.json loses
    `transformers_version`, the only field that changes with the installed version."""
    if folder.exists():
        shutil.rmtree(folder)
    model.save_pretrained(folder, **options)
    image_processor().save_pretrained(folder)
    path = folder / "config.json"
    config = json.loads(path.read_text())
    del config["transformers_version"]
    # transformers' own layout of the file (PretrainedConfig.to_json_string).
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def tower_features(folder: Path, pixel_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(last_hidden_state, hidden_states[HEAD_LAYERS]) of the checkpoint in `folder`, as
    transformers loads it (eager attention), each [1, N, C]."""
    import torch
    from transformers import SiglipVisionModel

    model = SiglipVisionModel.from_pretrained(folder, attn_implementation="eager").eval()
    with torch.no_grad():
        output = model(pixel_values=torch.from_numpy(pixel_values)[None], output_hidden_states=True)
    return output.last_hidden_state.numpy(), output.hidden_states[HEAD_LAYERS].numpy()


def as_converted(config: dict, tensors: dict) -> dict:
    """The tensors as `semhitok convert` stores them at f32: each cosine codebook's rows
    normalised again (Spec/convert.md section 6). `normalize` is not idempotent in float32,
    so a codebook the initialisation normalised moves by an ulp here and there."""
    converted = dict(tensors)
    for name, metric in (("semantic_quantizer.codebook", "semantic.metric"), ("pixel_quantizer.codebook", "pixel.metric")):
        if config[metric] == "cosine":
            converted[name] = normalize(tensors[name])
    return converted


def pick_seed(image: np.ndarray):
    """The first seed whose converted model's reference run has every margin at least
    MIN_MARGIN and enough distinct tokens: (seed, the model the head file holds, the
    converted model's run)."""
    from semhitok_reference import model_from_tensors

    config = head_config()
    for seed in range(MAX_SEEDS):
        tensors = init_weights(config, seed)
        result = model_from_tensors(config, as_converted(config, tensors)).run(image)
        tokens = result["expected.tokens"]
        if (result["info.semantic_margin"].min() >= MIN_MARGIN and result["info.pixel_margin"].min() >= MIN_MARGIN
                and len(np.unique(tokens)) >= len(tokens) // DISTINCT_TOKENS_DIVISOR):
            return seed, model_from_tensors(config, tensors), result
    raise SystemExit(f"no seed below {MAX_SEEDS} gives margins of at least {MIN_MARGIN} and enough distinct tokens")


def save_npy(path: Path, array: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(array), allow_pickle=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    out = parser.parse_args().out

    import torch
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil
    from transformers.utils import logging
    from semhitok_reference import export_head, load_image

    torch.set_num_threads(1)
    # Progress bars, load reports (the full checkpoint's text tower is "unexpected" in a
    # vision model) and warnings about the text tower's token ids are noise here.
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    image = load_image(IMAGE)
    seed, head, result = pick_seed(image)
    out.mkdir(parents=True, exist_ok=True)
    vision = vision_model(seed)
    save_checkpoint(vision, out / "siglip-vision")
    save_checkpoint(vision, out / "siglip-sharded", max_shard_size=MAX_SHARD_SIZE)
    save_checkpoint(full_model(seed), out / "siglip-full")
    export_head(head, out / "head.safetensors")

    # The input as the saved processor gives it (Pillow backend), which must be the
    # reference's own preprocessing.
    pixel_values = SiglipImageProcessorPil.from_pretrained(out / "siglip-vision")(
        image, return_tensors="np")["pixel_values"][0]
    assert np.array_equal(pixel_values, result["expected.pixel_values"])
    last, layer = tower_features(out / "siglip-vision", pixel_values)
    for other in ("siglip-sharded", "siglip-full"):
        other_last, other_layer = tower_features(out / other, pixel_values)
        assert np.array_equal(other_last, last) and np.array_equal(other_layer, layer), other
    # The reference's tower is transformers' with the first HEAD_LAYERS layers.
    assert np.array_equal(layer[0], result["expected.siglip_features"])

    expected = out / "expected"
    expected.mkdir(exist_ok=True)
    save_npy(expected / "siglip_last_hidden_state.npy", last)
    save_npy(expected / f"siglip_hidden_states_{HEAD_LAYERS}.npy", layer)
    save_npy(expected / "semhitok_tokens.npy", result["expected.tokens"][None])
    save_npy(expected / "semhitok_semantic_features.npy", result["expected.semantic_features"][None])
    tokens = result["expected.tokens"]
    print(f"seed {seed}; smallest margins semantic {result['info.semantic_margin'].min():.4g}, "
          f"pixel {result['info.pixel_margin'].min():.4g}; "
          f"{len(np.unique(result['expected.semantic_indices']))} distinct semantic indices, "
          f"{len(np.unique(tokens))} distinct tokens of {len(tokens)}")
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "README.md"):
        print(f"{path.relative_to(out)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
