"""Tests of the deterministic initialisation, the PyTorch reference and the model golden cases.

- `semhitok_init`: FNV-1a and SplitMix64 against published check values and a pure-Python
  reading of Spec/architecture.md section 7 (Python integers, masked to 64 bits); the value
  rules on chosen elements; determinism; every tensor of every named configuration against
  the table of section 4, written out again here.
- `semhitok_reference`: its modules' state-dict keys and shapes equal section 4 for every
  named configuration; loading and exporting reproduce a weight file byte for byte; the
  loader refuses what section 4 refuses; the head file holds the metadata text written
  out here and the initialisation's tensors, reads back to the same configuration and
  tensors, and its reader refuses malformed metadata and tensors.
- `golden/model/`: the layout of conformance.md section 5, the margins, the preprocessing
  against an independent reading of Spec/preprocessing.md, the whole forward pass against
  `numpy_forward` below (a plain NumPy float64 reading of architecture.md that uses neither
  transformers nor timm), and the generator reproducing the committed bytes.

Needs numpy and pytest; the reference tests also need torch, transformers, timm and
Pillow, and are skipped without them.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semhitok_init as si  # noqa: E402
from semhitok_formats import BF16, read_weights, write_weights  # noqa: E402
from semhitok_quantization import pixel_lookup, semantic_lookup  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden" / "model"
TESTDATA = ROOT.parent / "shared" / "testdata"
MASK = 2**64 - 1


def _have_reference_libraries() -> bool:
    try:
        import PIL  # noqa: F401
        import timm  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


needs_reference = pytest.mark.skipif(not _have_reference_libraries(),
                                     reason="needs torch, transformers, timm and Pillow")


# ---------------------------------------------------------------------------------------
# Section 7 by hand, in Python integers


def fnv1a64_by_hand(text: str) -> int:
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def splitmix_by_hand(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def w_by_hand(name: str, k: int, seed: int) -> float:
    key = fnv1a64_by_hand(name) ^ seed
    r = splitmix_by_hand((key + (k + 1) * 0x9E3779B97F4A7C15) & MASK)
    return (r >> 40) * 2.0**-23 - 1.0        # exact in binary64 (24-bit integer times a power of two)


def f32(x: float) -> float:
    """x rounded to binary32, as a Python float."""
    return float(np.float32(x))


def test_fnv1a64_check_values():
    # The published FNV-1a 64 test vectors.
    assert fnv1a64_by_hand("") == 0xCBF29CE484222325
    assert fnv1a64_by_hand("a") == 0xAF63DC4C8601EC8C
    assert fnv1a64_by_hand("foobar") == 0x85944171F73967E8
    for text in ("", "a", "foobar", "semantic_quantizer.codebook",
                 "siglip.vision_model.embeddings.patch_embedding.weight"):
        assert int(si.fnv1a64(text)) == fnv1a64_by_hand(text)


def test_splitmix64_check_values():
    # SplitMix64 seeded with 0: its state advances by the golden gamma before mixing, so
    # r_0 with key 0 is its first output.
    assert splitmix_by_hand(0x9E3779B97F4A7C15) == 0xE220A8397B1DCDAF
    words = si.mix(np.array([0x9E3779B97F4A7C15, 0x3C6EF372FE94F82A], dtype=np.uint64))
    assert [int(w) for w in words] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4]


def test_random_words_match_python_integers():
    # Large seeds and indices make every addition and multiplication wrap.
    for name, seed in (("a", 0), ("pixel_quantizer.codebook", 2**64 - 1), ("x.bias", 0x8000000000000001)):
        words = si.random_words(name, 300, seed)
        assert words.dtype == np.uint64
        key = fnv1a64_by_hand(name) ^ seed
        for k in (0, 1, 2, 299):
            assert int(words[k]) == splitmix_by_hand((key + (k + 1) * 0x9E3779B97F4A7C15) & MASK)
        values = si.uniform_values(name, 300, seed)
        assert values.dtype == np.float32
        assert [float(v) for v in values[:5]] == [w_by_hand(name, k, seed) for k in range(5)]
        assert values.min() >= -1 and values.max() < 1


def test_value_rules_by_hand():
    seed = 0
    # A bias: w * 0.02 (the float32 product of float32 operands is exact in binary64).
    name = "pixel_decoder.head.bias"
    tensor = si.init_tensor(name, (192,), seed)
    for k in (0, 7, 191):
        assert float(tensor[k]) == f32(w_by_hand(name, k, seed) * f32(0.02))
    # A position embedding, rank 2.
    name = "siglip.vision_model.embeddings.position_embedding.weight"
    tensor = si.init_tensor(name, (64, 32), seed)
    assert float(tensor[3, 5]) == f32(w_by_hand(name, 3 * 32 + 5, seed) * f32(0.02))
    name = "pixel_encoder.pos_embed"
    tensor = si.init_tensor(name, (64, 32), seed)
    assert float(tensor[63, 31]) == f32(w_by_hand(name, 63 * 32 + 31, seed) * f32(0.02))
    # A LayerNorm weight: 1 + w * 0.1 (the float64 sum of these is exact, then rounded once).
    name = "semantic_decoder.norm.weight"
    tensor = si.init_tensor(name, (32,), seed)
    for k in (0, 31):
        assert float(tensor[k]) == f32(1.0 + f32(w_by_hand(name, k, seed) * f32(0.1)))
    # A linear weight [out, in]: sigma = fl32(1 / sqrt(in)).
    name = "semantic_quantizer.proj.0.weight"
    tensor = si.init_tensor(name, (32, 48), 5)
    sigma = f32(1.0 / math.sqrt(48))
    assert float(tensor[2, 9]) == f32(w_by_hand(name, 2 * 48 + 9, 5) * sigma)
    # A convolution weight [C, 3, P, P]: fan_in = 3 P P.
    name = "pixel_encoder.patch_embed.proj.weight"
    tensor = si.init_tensor(name, (32, 3, 8, 8), seed)
    sigma = f32(1.0 / math.sqrt(192))
    assert float(tensor[1, 2, 3, 4]) == f32(w_by_hand(name, 192 + 2 * 64 + 3 * 8 + 4, seed) * sigma)
    # A codebook: each row of w normalised with the sequential float32 sum of quantization.md.
    name = "pixel_quantizer.codebook"
    tensor = si.init_tensor(name, (5, 4, 3), 9)
    for row, col in ((0, 0), (4, 3), (2, 1)):
        w = [np.float32(w_by_hand(name, (row * 4 + col) * 3 + e, 9)) for e in range(3)]
        total = np.float32(0)
        for value in w:
            total = np.float32(total + np.float32(value * value))
        denominator = max(np.float32(np.sqrt(total)), np.float32(1e-12))
        assert [float(v) for v in tensor[row, col]] == [float(np.float32(v / denominator)) for v in w]


def test_first_rule_that_matches_wins():
    # A rank-1 codebook is normalised as one row; a rank-1 bias is scaled, not LayerNorm-like.
    codebook = si.init_tensor("x.codebook", (6,), 3)
    assert abs(float(np.sum(codebook.astype(np.float64) ** 2)) - 1) < 1e-6
    bias = si.init_tensor("x.bias", (6,), 3)
    assert np.abs(bias).max() <= 0.02


def test_init_is_deterministic_and_depends_on_seed_and_name():
    config = si.named_config("tiny")
    first, second = si.init_weights(config, 0), si.init_weights(config, 0)
    assert list(first) == list(second)
    assert all(first[name].tobytes() == second[name].tobytes() for name in first)
    other_seed = si.init_weights(config, 1)
    assert all(first[name].tobytes() != other_seed[name].tobytes() for name in first)
    a = si.init_tensor("semantic_decoder.blocks.0.mlp.fc1.bias", (128,), 0)
    b = si.init_tensor("pixel_decoder.blocks.0.mlp.fc1.bias", (128,), 0)
    assert a.tobytes() != b.tobytes()


def test_init_command_writes_the_model(tmp_path):
    path = tmp_path / "tiny.shw"
    subprocess.run([sys.executable, str(ROOT / "tools" / "semhitok_init.py"), "--config", "tiny",
                    "--seed", "0", "-o", str(path)], check=True)
    config, tensors = read_weights(path)
    assert config["model.config_name"] == "tiny" and config["model.architecture"] == "semhitok"
    assert list(config["image.mean"]) == [0.5, 0.5, 0.5] and config["image.mean"].dtype == np.float64
    expected = si.init_weights(si.named_config("tiny"), 0)
    assert list(tensors) == list(expected)
    assert all(tensors[n].dtype == np.float32 and tensors[n].tobytes() == expected[n].tobytes() for n in expected)


def test_seed_range():
    with pytest.raises(ValueError):
        si.init_tensor("x.bias", (3,), -1)
    with pytest.raises(ValueError):
        si.init_tensor("x.bias", (3,), 2**64)
    assert si.init_tensor("x.bias", (3,), 2**64 - 1).shape == (3,)


# ---------------------------------------------------------------------------------------
# Section 4, written out again


def shapes_from_the_table(config: dict) -> dict:
    """architecture.md section 4, row by row, from the configuration keys of section 5."""
    c = config
    S, P, C, I = c["image.size"], c["siglip.patch_size"], c["siglip.hidden_size"], c["siglip.intermediate_size"]
    G2 = (S // P) ** 2
    D_p, D_q, K = c["semantic.projection_dim"], c["semantic.code_dim"], c["semantic.codebook_size"]
    P_pix, d, m = c["pixel.patch_size"], c["pixel.code_dim"], c["pixel.codebook_size"]
    out = {}

    def block(prefix, width):
        for norm in ("norm1", "norm2"):
            out[f"{prefix}.{norm}.weight"] = out[f"{prefix}.{norm}.bias"] = (width,)
        out[f"{prefix}.attn.qkv.weight"], out[f"{prefix}.attn.qkv.bias"] = (3 * width, width), (3 * width,)
        out[f"{prefix}.attn.proj.weight"], out[f"{prefix}.attn.proj.bias"] = (width, width), (width,)
        out[f"{prefix}.mlp.fc1.weight"], out[f"{prefix}.mlp.fc1.bias"] = (4 * width, width), (4 * width,)
        out[f"{prefix}.mlp.fc2.weight"], out[f"{prefix}.mlp.fc2.bias"] = (width, 4 * width), (width,)

    v = "siglip.vision_model."
    out[v + "embeddings.patch_embedding.weight"], out[v + "embeddings.patch_embedding.bias"] = (C, 3, P, P), (C,)
    out[v + "embeddings.position_embedding.weight"] = (G2, C)
    for layer in range(c["siglip.num_layers"]):
        p = f"{v}encoder.layers.{layer}."
        for norm in ("layer_norm1", "layer_norm2"):
            out[p + norm + ".weight"] = out[p + norm + ".bias"] = (C,)
        for proj in "qkv":
            out[p + f"self_attn.{proj}_proj.weight"], out[p + f"self_attn.{proj}_proj.bias"] = (C, C), (C,)
        out[p + "self_attn.out_proj.weight"], out[p + "self_attn.out_proj.bias"] = (C, C), (C,)
        out[p + "mlp.fc1.weight"], out[p + "mlp.fc1.bias"] = (I, C), (I,)
        out[p + "mlp.fc2.weight"], out[p + "mlp.fc2.bias"] = (C, I), (C,)
    if c["siglip.post_layernorm"]:
        out[v + "post_layernorm.weight"] = out[v + "post_layernorm.bias"] = (C,)
    out["semantic_quantizer.proj.0.weight"], out["semantic_quantizer.proj.0.bias"] = (D_p, C), (D_p,)
    out["semantic_quantizer.proj.2.weight"], out["semantic_quantizer.proj.2.bias"] = (D_q, D_p), (D_q,)
    out["semantic_quantizer.codebook"] = (K, D_q)
    C_sd = c["semantic_decoder.hidden_size"]
    out["semantic_decoder.input_proj.weight"], out["semantic_decoder.input_proj.bias"] = (C_sd, D_q), (C_sd,)
    out["semantic_decoder.pos_embed"] = (G2, C_sd)
    for layer in range(c["semantic_decoder.num_layers"]):
        block(f"semantic_decoder.blocks.{layer}", C_sd)
    out["semantic_decoder.norm.weight"] = out["semantic_decoder.norm.bias"] = (C_sd,)
    out["semantic_decoder.head.0.weight"], out["semantic_decoder.head.0.bias"] = (C_sd, C_sd), (C_sd,)
    out["semantic_decoder.head.2.weight"], out["semantic_decoder.head.2.bias"] = (C, C_sd), (C,)
    C_pe = c["pixel_encoder.hidden_size"]
    out["pixel_encoder.patch_embed.proj.weight"] = (C_pe, 3, P_pix, P_pix)
    out["pixel_encoder.patch_embed.proj.bias"] = (C_pe,)
    out["pixel_encoder.pos_embed"] = (G2, C_pe)
    for layer in range(c["pixel_encoder.num_layers"]):
        block(f"pixel_encoder.blocks.{layer}", C_pe)
    out["pixel_encoder.norm.weight"] = out["pixel_encoder.norm.bias"] = (C_pe,)
    out["pixel_encoder.code_proj.weight"], out["pixel_encoder.code_proj.bias"] = (d, C_pe), (d,)
    out["pixel_quantizer.codebook"] = (K, m, d)
    C_pd = c["pixel_decoder.hidden_size"]
    out["pixel_decoder.input_proj.weight"], out["pixel_decoder.input_proj.bias"] = (C_pd, D_q + d), (C_pd,)
    out["pixel_decoder.pos_embed"] = (G2, C_pd)
    for layer in range(c["pixel_decoder.num_layers"]):
        block(f"pixel_decoder.blocks.{layer}", C_pd)
    out["pixel_decoder.norm.weight"] = out["pixel_decoder.norm.bias"] = (C_pd,)
    out["pixel_decoder.head.weight"], out["pixel_decoder.head.bias"] = (P_pix * P_pix * 3, C_pd), (P_pix * P_pix * 3,)
    return out


# The table of architecture.md section 6, as written there.
SECTION_6 = {
    # name: S, P, C, I, L, heads, post LN, D_p, K, (C_sd, L_sd, heads), P_pix, d, m, (C, L, heads), D_q
    "tiny": (64, 8, 32, 64, 2, 2, 1, 32, 64, (32, 1, 2), 8, 4, 4, (32, 1, 2), 8),
    "base-test": (256, 16, 768, 3072, 1, 12, 1, 768, 1024, (256, 1, 4), 16, 8, 8, (256, 1, 4), 32),
    "siglip-base-256": (256, 16, 768, 3072, 12, 12, 1, 768, 24576, (768, 4, 12), 16, 8, 8, (768, 8, 12), 32),
    "siglip-large-256": (256, 16, 1024, 4096, 24, 16, 1, 1024, 24576, (1024, 4, 16), 16, 8, 8, (768, 8, 12), 32),
    "so400m-384": (384, 14, 1152, 4304, 26, 16, 0, 1152, 24576, (1152, 4, 16), 16, 8, 8, (768, 8, 12), 32),
}


@pytest.mark.parametrize("name", list(SECTION_6))
def test_named_configuration(name):
    S, P, C, I, L, heads, post, D_p, K, sd, P_pix, d, m, pix, D_q = SECTION_6[name]
    config = si.named_config(name)
    assert config["model.config_name"] == name and config["model.architecture"] == "semhitok"
    expected = {"image.size": S, "siglip.patch_size": P, "siglip.hidden_size": C, "siglip.intermediate_size": I,
                "siglip.num_layers": L, "siglip.num_heads": heads, "siglip.post_layernorm": post,
                "semantic.projection_dim": D_p, "semantic.codebook_size": K, "semantic.code_dim": D_q,
                "pixel.patch_size": P_pix, "pixel.code_dim": d, "pixel.codebook_size": m,
                "pixel.image_size": (S // P) * P_pix, "semantic.metric": "cosine", "pixel.metric": "cosine",
                "image.mean": [0.5] * 3, "image.std": [0.5] * 3}
    for module, values in (("semantic_decoder", sd), ("pixel_encoder", pix), ("pixel_decoder", pix)):
        expected.update({f"{module}.hidden_size": values[0], f"{module}.num_layers": values[1],
                         f"{module}.num_heads": values[2], f"{module}.layer_norm_eps": 1e-6})
    expected["siglip.layer_norm_eps"] = 1e-6
    for key, value in expected.items():
        assert config[key] == value, key
    assert set(config) == set(si.CONFIG_TYPES)
    shapes = si.tensor_shapes(config)
    assert shapes == shapes_from_the_table(config)
    assert list(shapes) == sorted(shapes, key=lambda n: n.encode())
    if name == "so400m-384":
        assert config["pixel.image_size"] == 432 and shapes["pixel_encoder.pos_embed"] == (729, 768)


def test_config_constraints():
    good = si.named_config("tiny")
    si.validate_config(good)
    for key, value in (("pixel.image_size", 72), ("siglip.num_heads", 3), ("semantic.metric", "dot"),
                       ("semantic.codebook_size", 2**30), ("siglip.post_layernorm", 2), ("image.size", 4),
                       ("pixel_decoder.num_layers", 0), ("siglip.hidden_size", 32.0), ("image.std", [0.5, 0.5])):
        bad = dict(good, **{key: value})
        with pytest.raises(si.ConfigError):
            si.validate_config(bad)
    missing = dict(good)
    del missing["pixel.metric"]
    with pytest.raises(si.ConfigError, match="pixel.metric"):
        si.validate_config(missing)


# ---------------------------------------------------------------------------------------
# The reference model's wiring


@needs_reference
@pytest.mark.parametrize("name", list(SECTION_6))
def test_reference_state_dict_is_section_4(name):
    import torch
    from semhitok_reference import SemHiTokReference

    config = si.named_config(name)
    with torch.device("meta"):       # shapes only: nothing is allocated
        model = SemHiTokReference(config)
    state = {key: tuple(value.shape) for key, value in model.state_dict().items()}
    assert state == shapes_from_the_table(config)


@needs_reference
def test_reference_layers_are_the_libraries():
    import torch
    from semhitok_reference import SemHiTokReference
    from timm.models.vision_transformer import Block
    from transformers import SiglipVisionModel

    with torch.device("meta"):
        tiny = SemHiTokReference(si.named_config("tiny"))
        so400m = SemHiTokReference(si.named_config("so400m-384"))
    vision = tiny.siglip.vision_model
    assert isinstance(vision, SiglipVisionModel)
    assert vision.config.hidden_act == "gelu_pytorch_tanh" and not vision.config.vision_use_head
    assert vision.config._attn_implementation == "eager"
    assert isinstance(vision.post_layernorm, torch.nn.LayerNorm) and vision.post_layernorm.eps == 1e-6
    assert isinstance(so400m.siglip.vision_model.post_layernorm, torch.nn.Identity)
    block = tiny.pixel_decoder.blocks[0]
    assert isinstance(block, Block) and block.norm1.eps == 1e-6 and block.mlp.act.approximate == "none"


@needs_reference
def test_export_after_load_reproduces_the_file(tmp_path):
    from semhitok_reference import export, load_model, model_from_init

    source = tmp_path / "tiny.shw"
    config = dict(si.named_config("tiny"), **{"source.note": "kept"})
    write_weights(source, config, si.init_weights(si.named_config("tiny"), 7))
    model = load_model(source)
    export(model, tmp_path / "again.shw")
    assert (tmp_path / "again.shw").read_bytes() == source.read_bytes()
    # From the initialisation straight to a file: what semhitok_init writes.
    export(model_from_init("tiny", 7), tmp_path / "init.shw")
    si.write_model(tmp_path / "direct.shw", "tiny", 7)
    assert (tmp_path / "init.shw").read_bytes() == (tmp_path / "direct.shw").read_bytes()
    if (GOLDEN / "tiny.shw").exists():
        export(load_model(GOLDEN / "tiny.shw"), tmp_path / "golden.shw")
        assert (tmp_path / "golden.shw").read_bytes() == (GOLDEN / "tiny.shw").read_bytes()


@needs_reference
def test_loader_checks_every_tensor(tmp_path):
    from semhitok_reference import ModelError, load_model

    config = si.named_config("tiny")
    tensors = si.init_weights(config, 0)

    def attempt(config, tensors):
        path = tmp_path / "m.shw"
        write_weights(path, config, tensors)
        return load_model(path)

    missing = dict(tensors)
    del missing["pixel_decoder.blocks.0.attn.qkv.weight"]
    with pytest.raises(ModelError, match="missing"):
        attempt(config, missing)
    wrong = dict(tensors, **{"semantic_decoder.pos_embed": np.zeros((63, 32), np.float32)})
    with pytest.raises(ModelError, match="shape"):
        attempt(config, wrong)
    half_codebook = dict(tensors, **{"semantic_quantizer.codebook": tensors["semantic_quantizer.codebook"].astype(np.float16)})
    with pytest.raises(ModelError, match="f32"):
        attempt(config, half_codebook)
    integer = dict(tensors, **{"pixel_decoder.head.bias": np.zeros(192, np.int32)})
    with pytest.raises(ModelError, match="dtype"):
        attempt(config, integer)
    no_post = dict(config, **{"siglip.post_layernorm": 0})
    with pytest.raises(ModelError, match="unexpected"):
        attempt(no_post, tensors)
    with pytest.raises(ModelError, match="configuration"):
        attempt(dict(config, **{"pixel.image_size": 60}), tensors)
    # f16 and bf16 weights widen exactly.
    narrow = dict(tensors)
    name16, name_bf = "pixel_encoder.code_proj.weight", "semantic_decoder.head.2.weight"
    narrow[name16] = tensors[name16].astype(np.float16)
    narrow[name_bf] = BF16((tensors[name_bf].view(np.uint32) >> 16).astype(np.uint16))
    model = attempt(config, narrow)
    state = model.state_dict()
    assert state[name16].numpy().tobytes() == narrow[name16].astype(np.float32).tobytes()
    assert state[name_bf].numpy().tobytes() == narrow[name_bf].to_float32().tobytes()
    # post_layernorm = 0: the tensors are gone and the model still loads.
    del narrow["siglip.vision_model.post_layernorm.weight"], narrow["siglip.vision_model.post_layernorm.bias"]
    model = attempt(no_post, narrow)
    assert "siglip.vision_model.post_layernorm.weight" not in model.state_dict()


@needs_reference
def test_post_layernorm_flag_selects_the_features():
    """With the flag 0 the features are the encoder's last hidden state; with 1 they are
    HuggingFace's last_hidden_state, post_layernorm applied."""
    import torch
    from semhitok_reference import model_from_tensors

    config = si.named_config("tiny")
    tensors = si.init_weights(config, 3)
    with_ln = model_from_tensors(config, tensors)
    without = {n: t for n, t in tensors.items() if "post_layernorm" not in n}
    without_ln = model_from_tensors(dict(config, **{"siglip.post_layernorm": 0}), without)
    pixels = np.random.default_rng(0).uniform(-1, 1, (3, 64, 64)).astype(np.float32)
    features = without_ln.siglip_features(pixels)
    with torch.no_grad():
        hidden = with_ln.siglip.vision_model(pixel_values=torch.from_numpy(pixels)[None],
                                             output_hidden_states=True).hidden_states[-1][0].numpy()
    assert np.array_equal(features, hidden)
    post = with_ln.siglip.vision_model.post_layernorm
    with torch.no_grad():
        assert np.array_equal(with_ln.siglip_features(pixels), post(torch.from_numpy(hidden)).numpy())


# ---------------------------------------------------------------------------------------
# The SemHiTok head file (safetensors: the model without its SigLIP tower)


def _have_safetensors() -> bool:
    try:
        import safetensors  # noqa: F401
    except ImportError:
        return False
    return True


needs_head_libraries = pytest.mark.skipif(not (_have_reference_libraries() and _have_safetensors()),
                                          reason="needs torch, transformers, timm, Pillow and safetensors")

# The head file's metadata for the `tiny` configuration, written out by hand from the
# format: every key of section 5 but model.architecture, i64 as decimal, f64 as Python's
# repr, f64 arrays as JSON arrays, strings as they are.
TINY_HEAD_METADATA = {
    "format": "semhitok-head", "format_version": "1", "model.config_name": "tiny",
    "image.size": "64", "image.mean": "[0.5, 0.5, 0.5]", "image.std": "[0.5, 0.5, 0.5]",
    "siglip.patch_size": "8", "siglip.hidden_size": "32", "siglip.intermediate_size": "64",
    "siglip.num_layers": "2", "siglip.num_heads": "2", "siglip.layer_norm_eps": "1e-06",
    "siglip.post_layernorm": "1", "semantic.projection_dim": "32", "semantic.code_dim": "8",
    "semantic.codebook_size": "64", "semantic.metric": "cosine",
    "semantic_decoder.hidden_size": "32", "semantic_decoder.num_layers": "1",
    "semantic_decoder.num_heads": "2", "semantic_decoder.layer_norm_eps": "1e-06",
    "pixel.patch_size": "8", "pixel.image_size": "64", "pixel.code_dim": "4",
    "pixel.codebook_size": "4", "pixel.metric": "cosine",
    "pixel_encoder.hidden_size": "32", "pixel_encoder.num_layers": "1", "pixel_encoder.num_heads": "2",
    "pixel_encoder.layer_norm_eps": "1e-06", "pixel_decoder.hidden_size": "32",
    "pixel_decoder.num_layers": "1", "pixel_decoder.num_heads": "2", "pixel_decoder.layer_norm_eps": "1e-06",
}


@needs_head_libraries
def test_head_file_holds_the_head_and_the_metadata_text(tmp_path):
    """What safetensors itself reads from an exported head: the metadata text of each type,
    written out above, and every tensor of section 4 outside siglip., F32, with the
    initialisation's values."""
    from safetensors import safe_open
    from semhitok_reference import export_head, model_from_init

    path = tmp_path / "head.safetensors"
    export_head(model_from_init("tiny", 4), path)
    weights = si.init_weights(si.named_config("tiny"), 4)
    head = {name: value for name, value in weights.items() if not name.startswith("siglip.")}
    with safe_open(path, framework="numpy") as file:
        assert file.metadata() == TINY_HEAD_METADATA
        assert set(file.keys()) == set(head)
        for name, value in head.items():
            assert file.get_slice(name).get_dtype() == "F32", name
            assert file.get_tensor(name).tobytes() == value.tobytes(), name


@needs_head_libraries
def test_head_round_trip_and_determinism(tmp_path):
    """read_head gives back the configuration and tensors export_head was given, with the
    types of section 5; the metadata is sorted, so exporting twice gives the same bytes
    (safetensors itself writes it in hash-map order)."""
    from semhitok_reference import export_head, model_from_tensors, read_head

    config = dict(si.named_config("tiny"), **{"model.config_name": "a name", "siglip.post_layernorm": 0,
                                              "siglip.layer_norm_eps": 1e-5, "image.mean": [0.25, 0.5, 0.75],
                                              "pixel.metric": "euclidean"})
    tensors = si.init_weights(config, 9)
    model = model_from_tensors(config, tensors)
    for name in ("a", "b"):
        export_head(model, tmp_path / f"{name}.safetensors")
    data = (tmp_path / "a.safetensors").read_bytes()
    assert data == (tmp_path / "b.safetensors").read_bytes()
    header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")])
    assert list(header["__metadata__"]) == sorted(header["__metadata__"])
    read_config, read_tensors = read_head(tmp_path / "a.safetensors")
    assert read_config == {key: value for key, value in config.items() if key != "model.architecture"}
    assert [type(read_config[key]) for key in ("image.size", "siglip.layer_norm_eps", "image.std", "pixel.metric")] \
        == [int, float, list, str]
    head = {name: value for name, value in tensors.items() if not name.startswith("siglip.")}
    assert set(read_tensors) == set(head)
    for name, value in head.items():
        assert read_tensors[name].dtype == np.float32 and read_tensors[name].tobytes() == value.tobytes(), name


@needs_head_libraries
def test_head_reader_checks_the_file(tmp_path):
    from safetensors.numpy import save_file
    from semhitok_reference import ModelError, read_head

    weights = si.init_weights(si.named_config("tiny"), 0)
    head = {name: value for name, value in weights.items() if not name.startswith("siglip.")}

    def attempt(metadata=TINY_HEAD_METADATA, tensors=head, **changes):
        metadata = {key: value for key, value in dict(metadata, **changes).items() if value is not None}
        path = tmp_path / "head.safetensors"
        save_file(tensors, path, metadata=metadata)
        return read_head(path)

    assert attempt()[0]["siglip.num_layers"] == 2
    for changes, message in (
            ({"format": "safetensors"}, "not a semhitok-head"),
            ({"format_version": "2"}, "not a semhitok-head"),
            ({"pixel.metric": None}, "'pixel.metric' is missing"),
            ({"image.size": "64.0"}, "'image.size'"),
            ({"image.size": " 64"}, "'image.size'"),
            ({"image.size": "064"}, "'image.size'"),
            ({"siglip.layer_norm_eps": "1.e-6"}, "'siglip.layer_norm_eps'"),
            ({"siglip.layer_norm_eps": "eps"}, "'siglip.layer_norm_eps'"),
            ({"siglip.layer_norm_eps": "nan"}, "'siglip.layer_norm_eps'"),
            ({"image.mean": "0.5"}, "'image.mean'"),
            ({"image.mean": "[0.5, true, 0.5]"}, "'image.mean'"),
            ({"image.std": "[0.5, 0.5]"}, "invalid configuration"),
            ({"pixel.image_size": "72"}, "invalid configuration")):
        with pytest.raises(ModelError, match=message):
            attempt(**changes)
    name = "pixel_decoder.head.weight"
    for tensors, message in (
            ({n: v for n, v in head.items() if n != name}, "'pixel_decoder.head.weight' is missing"),
            (dict(head, **{"siglip.vision_model.post_layernorm.bias": np.zeros(32, np.float32)}), "unexpected"),
            (dict(head, **{name: head[name].astype(np.float16)}), "F16, not F32"),
            (dict(head, **{name: head[name][:-1]}), "shape")):
        with pytest.raises(ModelError, match=message):
            attempt(tensors=tensors)


# ---------------------------------------------------------------------------------------
# An independent forward pass: architecture.md in NumPy float64, no transformers, no timm


def _layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _linear(x, w, prefix):
    return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]


_erf = np.vectorize(math.erf)


def _gelu(x):
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _attention(q, k, v, heads):
    n, width = q.shape
    head_dim = width // heads
    out = np.empty_like(q)
    for h in range(heads):
        cols = slice(h * head_dim, (h + 1) * head_dim)
        logits = q[:, cols] @ k[:, cols].T * head_dim**-0.5
        logits = np.exp(logits - logits.max(axis=1, keepdims=True))
        out[:, cols] = (logits / logits.sum(axis=1, keepdims=True)) @ v[:, cols]
    return out


def _conv(image, weight, bias):
    """architecture.md section 2: row n = gy G_w + gx, sum over (ch, py, px)."""
    channels, _, p, _ = weight.shape
    grid_h, grid_w = image.shape[1] // p, image.shape[2] // p
    rows = np.empty((grid_h * grid_w, 3 * p * p))
    for gy in range(grid_h):
        for gx in range(grid_w):
            rows[gy * grid_w + gx] = image[:, gy * p:(gy + 1) * p, gx * p:(gx + 1) * p].reshape(-1)
    return rows @ weight.reshape(channels, -1).T + bias


def _timm_block(x, w, prefix, heads, eps):
    h = _layer_norm(x, w[prefix + ".norm1.weight"], w[prefix + ".norm1.bias"], eps)
    qkv = _linear(h, w, prefix + ".attn.qkv")
    width = x.shape[1]
    x = x + _linear(_attention(qkv[:, :width], qkv[:, width:2 * width], qkv[:, 2 * width:], heads), w,
                    prefix + ".attn.proj")
    h = _layer_norm(x, w[prefix + ".norm2.weight"], w[prefix + ".norm2.bias"], eps)
    return x + _linear(_gelu(_linear(h, w, prefix + ".mlp.fc1")), w, prefix + ".mlp.fc2")


def numpy_forward(config: dict, weights: dict, pixel_values, pixel_values_pix, semantic_indices, tokens) -> dict:
    """F_sig, z_sem, F_sem (from the given semantic indices), z_pix and the decoded image
    (from the given tokens), in float64, read from architecture.md section 3."""
    c = si.validate_config(config)
    w = {name: np.asarray(value, np.float64) for name, value in weights.items()}
    out = {}
    v = "siglip.vision_model."
    x = _conv(np.asarray(pixel_values, np.float64), w[v + "embeddings.patch_embedding.weight"],
              w[v + "embeddings.patch_embedding.bias"]) + w[v + "embeddings.position_embedding.weight"]
    eps = c["siglip.layer_norm_eps"]
    for layer in range(c["siglip.num_layers"]):
        p = f"{v}encoder.layers.{layer}."
        h = _layer_norm(x, w[p + "layer_norm1.weight"], w[p + "layer_norm1.bias"], eps)
        attention = _attention(_linear(h, w, p + "self_attn.q_proj"), _linear(h, w, p + "self_attn.k_proj"),
                               _linear(h, w, p + "self_attn.v_proj"), c["siglip.num_heads"])
        x = x + _linear(attention, w, p + "self_attn.out_proj")
        h = _layer_norm(x, w[p + "layer_norm2.weight"], w[p + "layer_norm2.bias"], eps)
        x = x + _linear(_gelu_tanh(_linear(h, w, p + "mlp.fc1")), w, p + "mlp.fc2")
    if c["siglip.post_layernorm"]:
        x = _layer_norm(x, w[v + "post_layernorm.weight"], w[v + "post_layernorm.bias"], eps)
    out["expected.siglip_features"] = x
    out["expected.semantic_projection"] = _linear(np.tanh(_linear(x, w, "semantic_quantizer.proj.0")), w,
                                                  "semantic_quantizer.proj.2")

    codebook = w["semantic_quantizer.codebook"]
    x = _linear(codebook[semantic_indices], w, "semantic_decoder.input_proj") + w["semantic_decoder.pos_embed"]
    for layer in range(c["semantic_decoder.num_layers"]):
        x = _timm_block(x, w, f"semantic_decoder.blocks.{layer}", c["semantic_decoder.num_heads"],
                        c["semantic_decoder.layer_norm_eps"])
    x = _layer_norm(x, w["semantic_decoder.norm.weight"], w["semantic_decoder.norm.bias"],
                    c["semantic_decoder.layer_norm_eps"])
    out["expected.semantic_features"] = _linear(np.tanh(_linear(x, w, "semantic_decoder.head.0")), w,
                                                "semantic_decoder.head.2")

    x = _conv(np.asarray(pixel_values_pix, np.float64), w["pixel_encoder.patch_embed.proj.weight"],
              w["pixel_encoder.patch_embed.proj.bias"]) + w["pixel_encoder.pos_embed"]
    for layer in range(c["pixel_encoder.num_layers"]):
        x = _timm_block(x, w, f"pixel_encoder.blocks.{layer}", c["pixel_encoder.num_heads"],
                        c["pixel_encoder.layer_norm_eps"])
    x = _layer_norm(x, w["pixel_encoder.norm.weight"], w["pixel_encoder.norm.bias"], c["pixel_encoder.layer_norm_eps"])
    out["expected.pixel_projection"] = _linear(x, w, "pixel_encoder.code_proj")

    m = c["pixel.codebook_size"]
    i, j = np.asarray(tokens) // m, np.asarray(tokens) % m
    codes = np.concatenate([codebook[i], w["pixel_quantizer.codebook"][i, j]], axis=1)
    x = _linear(codes, w, "pixel_decoder.input_proj") + w["pixel_decoder.pos_embed"]
    for layer in range(c["pixel_decoder.num_layers"]):
        x = _timm_block(x, w, f"pixel_decoder.blocks.{layer}", c["pixel_decoder.num_heads"],
                        c["pixel_decoder.layer_norm_eps"])
    x = _layer_norm(x, w["pixel_decoder.norm.weight"], w["pixel_decoder.norm.bias"], c["pixel_decoder.layer_norm_eps"])
    y = _linear(x, w, "pixel_decoder.head")
    P, G = c["pixel.patch_size"], si.grid_size(c)
    image = np.full((3, G * P, G * P), np.nan)
    for gy in range(G):
        for gx in range(G):
            for py in range(P):
                for px in range(P):
                    for ch in range(3):
                        image[ch, gy * P + py, gx * P + px] = y[gy * G + gx, (py * P + px) * 3 + ch]
    out["expected.decoded"] = image
    return out


def normalised_error(actual, expected) -> float:
    expected = np.asarray(expected, np.float64)
    return float(np.abs(np.asarray(actual, np.float64) - expected).max() / np.abs(expected).max())


# ---------------------------------------------------------------------------------------
# The golden cases

ENTRIES = {
    "input": (np.uint8, None),
    "expected.pixel_values": (np.float32, lambda c, n: (3, c["image.size"], c["image.size"])),
    "expected.pixel_values_pix": (np.float32, lambda c, n: (3, c["pixel.image_size"], c["pixel.image_size"])),
    "expected.siglip_features": (np.float32, lambda c, n: (n, c["siglip.hidden_size"])),
    "expected.semantic_projection": (np.float32, lambda c, n: (n, c["semantic.code_dim"])),
    "expected.semantic_indices": (np.int32, lambda c, n: (n,)),
    "expected.semantic_features": (np.float32, lambda c, n: (n, c["siglip.hidden_size"])),
    "expected.pixel_projection": (np.float32, lambda c, n: (n, c["pixel.code_dim"])),
    "expected.pixel_indices": (np.int32, lambda c, n: (n,)),
    "expected.tokens": (np.int32, lambda c, n: (n,)),
    "expected.decoded": (np.float32, lambda c, n: (3, c["pixel.image_size"], c["pixel.image_size"])),
    "expected.decoded_image": (np.uint8, lambda c, n: (c["pixel.image_size"], c["pixel.image_size"], 3)),
    "info.semantic_margin": (np.float32, lambda c, n: (n,)),
    "info.pixel_margin": (np.float32, lambda c, n: (n,)),
}


def golden_cases() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*.shw") if p.name != "tiny.shw")


def case_model(case_config: dict) -> tuple[dict, dict]:
    """The configuration and weights a case names: its weight file, or the initialisation."""
    if "model.weights" in case_config:
        return read_weights(GOLDEN / case_config["model.weights"])
    config = si.named_config(case_config["model.init_config"])
    return config, si.init_weights(config, case_config["model.init_seed"])


@pytest.fixture(scope="module")
def loaded_cases():
    if not golden_cases():
        pytest.skip("golden/model/ has no cases")
    cases = []
    for path in golden_cases():
        case_config, tensors = read_weights(path)
        config, weights = case_model(case_config)
        cases.append((path, case_config, tensors, config, weights))
    return cases


def test_golden_layout_and_margins(loaded_cases):
    assert {path.name for path, *_ in loaded_cases} == {"tiny_coffee_80x60.shw", "tiny_gravel_64x64.shw",
                                                        "tiny_retina_100x75.shw",
                                                        "base_test_astronaut_300x200.shw"}
    for path, case_config, tensors, config, weights in loaded_cases:
        assert case_config["case.kind"] == "model" and case_config["case.version"] == 1
        assert case_config["case.generator"] == "python3 tools/make_model_golden.py"
        assert case_config["tolerance.relative"] == 1e-4
        assert ("model.weights" in case_config) != ("model.init_config" in case_config)
        if path.name.startswith("tiny"):
            assert case_config["model.weights"] == "tiny.shw"
        else:
            assert case_config["model.init_config"] == "base-test" and case_config["model.init_seed"] == 1
        n = si.grid_size(config) ** 2
        assert set(tensors) == set(ENTRIES), path.name
        for name, (dtype, shape) in ENTRIES.items():
            assert tensors[name].dtype == dtype, (path.name, name)
            if shape is not None:
                assert tensors[name].shape == shape(config, n), (path.name, name)
        image = tensors["input"]
        assert image.ndim == 3 and image.shape[2] == 3
        assert image.shape[:2] != (config["image.size"], config["image.size"]) or "64x64" in path.name
        assert tensors["info.semantic_margin"].min() >= np.float32(1e-3), path.name
        assert tensors["info.pixel_margin"].min() >= np.float32(1e-3), path.name
        assert len(np.unique(tensors["expected.tokens"])) >= n // 8, path.name
        m = config["pixel.codebook_size"]
        assert np.array_equal(tensors["expected.tokens"],
                              tensors["expected.semantic_indices"] * m + tensors["expected.pixel_indices"])


def test_golden_lookups_are_exact(loaded_cases):
    """The quantizers fed the stored projections give the stored indices (the exact check of
    conformance.md section 5), and the stored margins are the score gaps."""
    from semhitok_quantization import scores

    for path, _, tensors, config, weights in loaded_cases:
        codebook = weights["semantic_quantizer.codebook"]
        indices, _, _ = semantic_lookup(tensors["expected.semantic_projection"], codebook, config["semantic.metric"])
        assert np.array_equal(indices, tensors["expected.semantic_indices"]), path.name
        pixel, _, _, tokens = pixel_lookup(tensors["expected.pixel_projection"], weights["pixel_quantizer.codebook"],
                                           indices, config["pixel.metric"])
        assert np.array_equal(pixel, tensors["expected.pixel_indices"]), path.name
        assert np.array_equal(tokens, tensors["expected.tokens"]), path.name
        all_scores, _ = scores(tensors["expected.semantic_projection"], codebook, "cosine")
        ordered = np.sort(all_scores, axis=1)
        assert np.array_equal(ordered[:, -1] - ordered[:, -2], tensors["info.semantic_margin"])


def test_golden_preprocessing_matches_the_spec(loaded_cases):
    """The stored inputs of both branches against make_preprocessing_golden's reading of
    Spec/preprocessing.md (no Pillow), bit for bit; the decoded bytes against section 4."""
    pytest.importorskip("PIL")      # make_preprocessing_golden imports it (its reading does not use it)
    from make_preprocessing_golden import spec_postprocess, spec_preprocess

    for path, _, tensors, config, _ in loaded_cases:
        mean, std = list(config["image.mean"]), list(config["image.std"])
        for key, size in (("expected.pixel_values", config["image.size"]),
                          ("expected.pixel_values_pix", config["pixel.image_size"])):
            assert spec_preprocess(tensors["input"], size, mean, std).tobytes() == tensors[key].tobytes(), path.name
        assert np.array_equal(spec_postprocess(tensors["expected.decoded"]), tensors["expected.decoded_image"])


def test_golden_against_numpy_forward(loaded_cases):
    """The reference's floats against the NumPy float64 forward pass of architecture.md."""
    errors = {}
    for path, _, tensors, config, weights in loaded_cases:
        result = numpy_forward(config, weights, tensors["expected.pixel_values"], tensors["expected.pixel_values_pix"],
                               tensors["expected.semantic_indices"], tensors["expected.tokens"])
        for name, value in result.items():
            error = normalised_error(tensors[name], value)
            errors[(path.name, name)] = error
            assert error <= 1e-5, (path.name, name, error)
        # preprocessing.md section 4 on the NumPy decoded image: within 1 of every byte.
        clamped = np.clip(result["expected.decoded"].astype(np.float32), np.float32(-1), np.float32(1))
        decoded = np.rint((clamped + np.float32(1)) * np.float32(127.5)).transpose(1, 2, 0)
        assert np.abs(decoded - tensors["expected.decoded_image"]).max() <= 1, path.name
        # The NumPy projections, rounded to float32, give the same indices: the margins hold.
        indices, _, _ = semantic_lookup(result["expected.semantic_projection"].astype(np.float32),
                                        weights["semantic_quantizer.codebook"], config["semantic.metric"])
        assert np.array_equal(indices, tensors["expected.semantic_indices"]), path.name
        pixel, _, _, _ = pixel_lookup(result["expected.pixel_projection"].astype(np.float32),
                                      weights["pixel_quantizer.codebook"], indices, config["pixel.metric"])
        assert np.array_equal(pixel, tensors["expected.pixel_indices"]), path.name
    print("\nlargest normalised error:", max(errors.values()))


# PyTorch builds (CPU wheels, CUDA wheels run on the CPU) round the last bits of float32
# results differently, so a regenerated float is compared within this normalised error of
# the committed one, a tenth of the conformance tolerance, and a decoded image within 1 per
# byte (Spec/conformance.md section 5); indices and tokens are exact.
TORCH_BUILD_TOLERANCE = 1e-5


def _same_value(actual: np.ndarray, expected: np.ndarray) -> bool:
    """Equal bytes; or float32 tensors of one shape within TORCH_BUILD_TOLERANCE; or 8-bit
    images of one shape within 1."""
    if actual.tobytes() == expected.tobytes():
        return True
    if actual.dtype != expected.dtype or actual.shape != expected.shape:
        return False
    difference = float(np.abs(actual.astype(np.float64) - expected.astype(np.float64)).max())
    if actual.dtype == np.uint8:
        return difference <= 1
    if actual.dtype != np.float32:
        return False
    return difference <= TORCH_BUILD_TOLERANCE * max(float(np.abs(expected).max()), 1e-30)


@needs_reference
def test_reference_reproduces_the_tiny_cases(loaded_cases):
    """The live reference, loaded from tiny.shw, gives every stored value: indices, tokens
    and bytes exactly, floats bit for bit on the PyTorch build that wrote them and within
    TORCH_BUILD_TOLERANCE on another."""
    import torch

    from semhitok_reference import load_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = load_model(GOLDEN / "tiny.shw")
        for path, case_config, tensors, _, _ in loaded_cases:
            if case_config.get("model.weights") != "tiny.shw":
                continue
            result = model.run(tensors["input"])
            for name, value in result.items():
                assert _same_value(value, tensors[name]), (path.name, name)
    finally:
        torch.set_num_threads(threads)


@needs_reference
def test_generator_reproduces_the_committed_files(tmp_path):
    if not (TESTDATA / "images").is_dir():
        pytest.skip("../shared/testdata is not there")
    if not (GOLDEN / "tiny.shw").exists():
        pytest.skip("golden/model/ is not there")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_model_golden.py"), "--out", str(tmp_path),
                    "--testdata", str(TESTDATA)], check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    committed = sorted(p.name for p in GOLDEN.glob("*.shw"))
    assert sorted(p.name for p in tmp_path.glob("*.shw")) == committed
    for name in committed:
        if (tmp_path / name).read_bytes() == (GOLDEN / name).read_bytes():
            continue
        # Another PyTorch build: the same configuration, tensor names and exact values, and
        # floats within TORCH_BUILD_TOLERANCE.
        (config, tensors), (expected_config, expected) = read_weights(tmp_path / name), read_weights(GOLDEN / name)
        assert config == expected_config and sorted(tensors) == sorted(expected), name
        for tensor in tensors:
            assert _same_value(np.asarray(tensors[tensor]), np.asarray(expected[tensor])), (name, tensor)
    print(f"\nregenerated golden/model/ in {elapsed:.1f} s")
