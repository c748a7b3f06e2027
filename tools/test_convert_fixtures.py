"""Tests of golden/convert/, the fixtures of `semhitok convert` (tools/make_convert_fixtures.py).

- the checkpoints hold the deterministic initialisation of Spec/architecture.md section 7
  under their Spec names, the sharded and the full checkpoint the same vision tensors as the
  single file, and the head file the head of the `convert-fixture` configuration;
- the expected features, semantic indices and tokens against `numpy_forward` of
  test_reference.py (a NumPy float64 reading of architecture.md, without transformers or
  timm) run on the weights read back from the committed files;
- the generator reproduces the committed files.

Needs numpy, safetensors and transformers (for the saved image processor); the
regeneration also needs torch, timm and Pillow. Each test is skipped without them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import semhitok_init as si
from semhitok_quantization import normalize, pixel_lookup, semantic_lookup
from test_reference import normalised_error, numpy_forward

TOOLS = Path(__file__).resolve().parent
CONVERT = TOOLS.parent / "golden" / "convert"
IMAGE = TOOLS.parent / "golden" / "images" / "photo" / "chelsea.jpg"
SEED = 0                     # the seed golden/convert/README.md records
VISION = "siglip.vision_model."
# The float outputs of PyTorch; the other files must be reproduced byte for byte.
FLOAT_OUTPUTS = {"expected/siglip_last_hidden_state.npy", "expected/siglip_hidden_states_2.npy",
                 "expected/semhitok_semantic_features.npy"}
# The largest normalised error allowed between float32 PyTorch and the float64 NumPy pass,
# as for golden/model/ in test_reference.py.
FLOAT64_TOLERANCE = 1e-5

pytest.importorskip("safetensors")
from safetensors import safe_open  # noqa: E402


def head_config() -> dict:
    """The head's configuration, written out: `tiny` without post-LayerNorm."""
    return dict(si.named_config("tiny"), **{"model.config_name": "convert-fixture", "siglip.post_layernorm": 0})


def tower_config() -> dict:
    """The whole 3-layer tower, post-LayerNorm applied, with the same head."""
    return dict(head_config(), **{"siglip.num_layers": 3, "siglip.post_layernorm": 1})


def read_safetensors(*paths) -> dict:
    """Every tensor of the files, by its key, through safetensors itself."""
    tensors = {}
    for path in paths:
        with safe_open(path, framework="numpy") as file:
            for key in file.keys():
                assert key not in tensors, key
                tensors[key] = file.get_tensor(key)
    return tensors


def checkpoint(folder: str) -> dict:
    """The tensors of a committed checkpoint, single file or sharded (through its index)."""
    root = CONVERT / folder
    index = root / "model.safetensors.index.json"
    if index.exists():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        assert len(shards) >= 2
        return read_safetensors(*(root / shard for shard in shards))
    return read_safetensors(root / "model.safetensors")


def spec_weights(config: dict) -> dict:
    """The converted model's weights by Spec name: the tower from siglip-vision, the head
    file's rest, its cosine codebooks normalised again as Spec/convert.md section 6 says."""
    vision = {VISION + key: value for key, value in checkpoint("siglip-vision").items()}
    head = read_safetensors(CONVERT / "head.safetensors")
    weights = {name: vision[name] if name.startswith("siglip.") else head[name] for name in si.tensor_shapes(config)}
    for name in ("semantic_quantizer.codebook", "pixel_quantizer.codebook"):
        weights[name] = normalize(weights[name])
    return weights


def test_checkpoints_hold_the_initialisation():
    vision = checkpoint("siglip-vision")
    assert "head.probe" in vision and "post_layernorm.weight" in vision and "encoder.layers.2.mlp.fc2.bias" in vision
    for key, value in vision.items():
        assert value.dtype == np.float32
        assert value.tobytes() == si.init_tensor(VISION + key, value.shape, SEED).tobytes(), key
    sharded = checkpoint("siglip-sharded")
    assert sharded.keys() == vision.keys()
    assert all(sharded[key].tobytes() == vision[key].tobytes() for key in vision)
    full = checkpoint("siglip-full")
    assert {key[len("vision_model."):] for key in full if key.startswith("vision_model.")} == set(vision)
    assert all(full["vision_model." + key].tobytes() == vision[key].tobytes() for key in vision)
    assert "text_model.embeddings.token_embedding.weight" in full and "logit_scale" in full
    for folder, model_type in (("siglip-vision", "siglip_vision_model"), ("siglip-sharded", "siglip_vision_model"),
                               ("siglip-full", "siglip")):
        config = json.loads((CONVERT / folder / "config.json").read_text())
        assert config["model_type"] == model_type and "transformers_version" not in config
        vision_config = config.get("vision_config", config)
        assert (vision_config["hidden_size"], vision_config["num_hidden_layers"], vision_config["patch_size"]) == (32, 3, 8)
        processor = json.loads((CONVERT / folder / "preprocessor_config.json").read_text())
        assert processor["size"] == {"height": 64, "width": 64} and processor["resample"] == 3
        assert processor["image_mean"] == processor["image_std"] == [0.5, 0.5, 0.5]


def test_head_file_is_the_head_of_the_configuration():
    config = head_config()
    with safe_open(CONVERT / "head.safetensors", framework="numpy") as file:
        metadata = file.metadata()
        assert metadata["format"] == "semhitok-head" and metadata["format_version"] == "1"
        assert metadata["siglip.num_layers"] == "2" and metadata["siglip.post_layernorm"] == "0"
        assert metadata["model.config_name"] == "convert-fixture"
        shapes = {name: shape for name, shape in si.tensor_shapes(config).items() if not name.startswith("siglip.")}
        assert set(file.keys()) == set(shapes)
        for name, shape in shapes.items():
            assert file.get_tensor(name).tobytes() == si.init_tensor(name, shape, SEED).tobytes(), name


def committed(name: str) -> np.ndarray:
    return np.load(CONVERT / "expected" / name, allow_pickle=False)


def test_expected_outputs_against_numpy_forward():
    """The committed features and tokens against the float64 NumPy reading of the Spec on
    the committed weights; its projections, rounded to float32, give the same indices."""
    pytest.importorskip("transformers")
    pytest.importorskip("PIL")
    from PIL import Image
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

    with Image.open(IMAGE) as image:
        pixel_values = SiglipImageProcessorPil.from_pretrained(CONVERT / "siglip-vision")(
            image.convert("RGB"), return_tensors="np")["pixel_values"][0]
    tokens = committed("semhitok_tokens.npy")
    assert tokens.dtype == np.int32 and tokens.shape == (1, 64)
    config = head_config()
    assert config["semantic.metric"] == config["pixel.metric"] == "cosine"
    weights = spec_weights(config)
    m = config["pixel.codebook_size"]
    semantic = tokens[0] // m
    result = numpy_forward(config, weights, pixel_values, pixel_values, semantic, tokens[0])
    indices, _, _ = semantic_lookup(result["expected.semantic_projection"].astype(np.float32),
                                    weights["semantic_quantizer.codebook"], config["semantic.metric"])
    assert np.array_equal(indices, semantic)
    _, _, _, pixel_tokens = pixel_lookup(result["expected.pixel_projection"].astype(np.float32),
                                         weights["pixel_quantizer.codebook"], indices, config["pixel.metric"])
    assert np.array_equal(pixel_tokens, tokens[0])
    layer = committed("siglip_hidden_states_2.npy")
    features = committed("semhitok_semantic_features.npy")
    assert layer.shape == features.shape == (1, 64, 32)
    assert normalised_error(layer[0], result["expected.siglip_features"]) <= FLOAT64_TOLERANCE
    assert normalised_error(features[0], result["expected.semantic_features"]) <= FLOAT64_TOLERANCE

    tower = tower_config()
    weights = {VISION + key: value for key, value in checkpoint("siglip-vision").items()}
    weights.update((name, value) for name, value in spec_weights(config).items() if not name.startswith("siglip."))
    weights = {name: weights[name] for name in si.tensor_shapes(tower)}
    last = numpy_forward(tower, weights, pixel_values, pixel_values, semantic, tokens[0])["expected.siglip_features"]
    assert normalised_error(committed("siglip_last_hidden_state.npy")[0], last) <= FLOAT64_TOLERANCE


def test_generator_reproduces_the_committed_files(tmp_path):
    """Every file byte for byte, but PyTorch's float outputs, which may differ in their last
    bits on another CPU or PyTorch build: those within the float64 tolerance."""
    for module in ("torch", "transformers", "timm", "PIL"):
        pytest.importorskip(module)
    subprocess.run([sys.executable, str(TOOLS / "make_convert_fixtures.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)

    def files(root: Path) -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "README.md")

    assert files(tmp_path) == files(CONVERT)
    for name in files(CONVERT):
        produced, expected = (tmp_path / name).read_bytes(), (CONVERT / name).read_bytes()
        if name in FLOAT_OUTPUTS and produced != expected:
            again, before = np.load(tmp_path / name), np.load(CONVERT / name)
            assert again.dtype == before.dtype and again.shape == before.shape, name
            assert normalised_error(again, before) <= FLOAT64_TOLERANCE, name
        else:
            assert produced == expected, name
