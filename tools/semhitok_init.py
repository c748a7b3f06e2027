"""The model's configurations, tensor list and deterministic initialisation, from the Spec.

- `NAMED_CONFIGS` / `named_config(name)`: the named configurations of
  Spec/architecture.md section 6, as the configuration keys of section 5.
- `validate_config(config)`: the constraints of section 5 that a reader must check.
- `tensor_shapes(config)`: every tensor a model of that configuration has, with its shape
  (section 4), in the canonical (sorted) order.
- `init_tensor(name, shape, seed)` / `init_weights(config, seed)`: the deterministic
  initialisation of section 7, vectorised in NumPy.

Command line:

    python3 tools/semhitok_init.py --config tiny --seed 0 -o tiny.shw

writes a weight container (Spec/weights.md) holding the configuration keys of section 5
and every tensor of section 4, float32, through `semhitok_formats.write_weights`.

All integer arithmetic of section 7 runs on NumPy uint64 arrays, which wrap modulo 2^64
silently and exactly; no value passes through a Python integer or a float until the
final 24-bit integer, which float32 holds exactly. Only NumPy and the standard library
are used.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import write_weights  # noqa: E402
from semhitok_quantization import normalize  # noqa: E402

__all__ = [
    "NAMED_CONFIGS",
    "config_values",
    "fnv1a64",
    "init_tensor",
    "init_weights",
    "mix",
    "named_config",
    "random_words",
    "tensor_shapes",
    "uniform_values",
    "validate_config",
]

# ---------------------------------------------------------------------------------------
# Configurations (architecture.md sections 5 and 6)

# Every configuration key of section 5 and its type.
CONFIG_TYPES = {
    "model.architecture": str,
    "model.config_name": str,
    "image.size": int,
    "image.mean": "f64[3]",
    "image.std": "f64[3]",
    "siglip.patch_size": int,
    "siglip.hidden_size": int,
    "siglip.intermediate_size": int,
    "siglip.num_layers": int,
    "siglip.num_heads": int,
    "siglip.layer_norm_eps": float,
    "siglip.post_layernorm": int,
    "semantic.projection_dim": int,
    "semantic.code_dim": int,
    "semantic.codebook_size": int,
    "semantic.metric": str,
    "semantic_decoder.hidden_size": int,
    "semantic_decoder.num_layers": int,
    "semantic_decoder.num_heads": int,
    "semantic_decoder.layer_norm_eps": float,
    "pixel.patch_size": int,
    "pixel.image_size": int,
    "pixel.code_dim": int,
    "pixel.codebook_size": int,
    "pixel.metric": str,
    "pixel_encoder.hidden_size": int,
    "pixel_encoder.num_layers": int,
    "pixel_encoder.num_heads": int,
    "pixel_encoder.layer_norm_eps": float,
    "pixel_decoder.hidden_size": int,
    "pixel_decoder.num_layers": int,
    "pixel_decoder.num_heads": int,
    "pixel_decoder.layer_norm_eps": float,
}

METRICS = ("cosine", "euclidean")


def _named(name: str, S: int, P: int, C: int, I: int, L: int, heads: int, post_ln: bool,
           D_p: int, K: int, sd: tuple[int, int, int], P_pix: int, d: int, m: int,
           pix: tuple[int, int, int], D_q: int) -> dict:
    """One row of the table of section 6, as the configuration keys of section 5."""
    G = S // P
    config = {
        "model.architecture": "semhitok",
        "model.config_name": name,
        "image.size": S,
        "image.mean": [0.5, 0.5, 0.5],
        "image.std": [0.5, 0.5, 0.5],
        "siglip.patch_size": P,
        "siglip.hidden_size": C,
        "siglip.intermediate_size": I,
        "siglip.num_layers": L,
        "siglip.num_heads": heads,
        "siglip.layer_norm_eps": 1e-6,
        "siglip.post_layernorm": int(post_ln),
        "semantic.projection_dim": D_p,
        "semantic.code_dim": D_q,
        "semantic.codebook_size": K,
        "semantic.metric": "cosine",
        "pixel.patch_size": P_pix,
        "pixel.image_size": G * P_pix,
        "pixel.code_dim": d,
        "pixel.codebook_size": m,
        "pixel.metric": "cosine",
    }
    for module, (width, depth, module_heads) in (("semantic_decoder", sd), ("pixel_encoder", pix),
                                                 ("pixel_decoder", pix)):
        config[f"{module}.hidden_size"] = width
        config[f"{module}.num_layers"] = depth
        config[f"{module}.num_heads"] = module_heads
        config[f"{module}.layer_norm_eps"] = 1e-6
    return config


# architecture.md section 6, column by column:
# name, S, P, C, I, L, heads, post LN, D_p, K, semantic decoder (C_sd, L_sd, heads), P_pix, d, m,
# pixel encoder and decoder (C, L, heads), D_q.
NAMED_CONFIGS = {
    "tiny": _named("tiny", 64, 8, 32, 64, 2, 2, True, 32, 64, (32, 1, 2), 8, 4, 4, (32, 1, 2), 8),
    "demo": _named("demo", 128, 8, 128, 512, 4, 4, True, 128, 1024, (128, 2, 4), 8, 8, 8, (128, 4, 4), 32),
    "base-test": _named("base-test", 256, 16, 768, 3072, 1, 12, True, 768, 1024, (256, 1, 4),
                        16, 8, 8, (256, 1, 4), 32),
    "siglip-base-256": _named("siglip-base-256", 256, 16, 768, 3072, 12, 12, True, 768, 24576,
                              (768, 4, 12), 16, 8, 8, (768, 8, 12), 32),
    "siglip-large-256": _named("siglip-large-256", 256, 16, 1024, 4096, 24, 16, True, 1024, 24576,
                               (1024, 4, 16), 16, 8, 8, (768, 8, 12), 32),
    "so400m-384": _named("so400m-384", 384, 14, 1152, 4304, 26, 16, False, 1152, 24576,
                         (1152, 4, 16), 16, 8, 8, (768, 8, 12), 32),
}


def named_config(name: str) -> dict:
    """A copy of the named configuration `name` (architecture.md section 6)."""
    if name not in NAMED_CONFIGS:
        raise ValueError(f"unknown configuration {name!r}; known: {', '.join(NAMED_CONFIGS)}")
    config = dict(NAMED_CONFIGS[name])
    config["image.mean"] = list(config["image.mean"])
    config["image.std"] = list(config["image.std"])
    return config


class ConfigError(ValueError):
    """A configuration that architecture.md section 5 rejects."""


def _checked_value(config: dict, key: str):
    """The value of `key`, checked against the type section 5 gives it."""
    if key not in config:
        raise ConfigError(f"configuration key {key!r} is missing")
    value = config[key]
    kind = CONFIG_TYPES[key]
    if kind is int:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise ConfigError(f"configuration key {key!r} must be an i64, got {value!r}")
        return int(value)
    if kind is float:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, np.floating)):
            raise ConfigError(f"configuration key {key!r} must be an f64, got {value!r}")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise ConfigError(f"configuration key {key!r} must be a string, got {value!r}")
        return value
    array = np.asarray(value)
    if array.shape != (3,) or array.dtype.kind != "f":
        raise ConfigError(f"configuration key {key!r} must be an f64 array of 3, got {value!r}")
    return [float(v) for v in array]


def config_values(config: dict) -> dict:
    """The configuration keys of section 5 as plain Python values, after their types are checked."""
    return {key: _checked_value(config, key) for key in CONFIG_TYPES}


def grid_size(config: dict) -> int:
    """G, the patches per side at the native resolution: floor(S / P)."""
    return int(config["image.size"]) // int(config["siglip.patch_size"])


def validate_config(config: dict) -> dict:
    """Checks the keys, types and constraints of architecture.md section 5.

    Returns the plain values (`config_values`); raises `ConfigError` naming the problem.
    """
    values = config_values(config)
    if values["model.architecture"] != "semhitok":
        raise ConfigError(f"model.architecture is {values['model.architecture']!r}, not 'semhitok'")
    for key, kind in CONFIG_TYPES.items():
        if kind is int and key != "siglip.post_layernorm" and values[key] <= 0:
            raise ConfigError(f"{key} must be positive, got {values[key]}")
    for key in ("siglip.layer_norm_eps", "semantic_decoder.layer_norm_eps",
                "pixel_encoder.layer_norm_eps", "pixel_decoder.layer_norm_eps"):
        if not (math.isfinite(values[key]) and values[key] > 0):
            raise ConfigError(f"{key} must be positive and finite, got {values[key]}")
    if values["siglip.post_layernorm"] not in (0, 1):
        raise ConfigError(f"siglip.post_layernorm must be 0 or 1, got {values['siglip.post_layernorm']}")
    for key in ("semantic.metric", "pixel.metric"):
        if values[key] not in METRICS:
            raise ConfigError(f"{key} must be 'cosine' or 'euclidean', got {values[key]!r}")
    S, P = values["image.size"], values["siglip.patch_size"]
    # Section 5 asks for S divisible by P, but its own so400m-384 (section 6) has S = 384,
    # P = 14: SigLIP's "valid" convolution then reads G = floor(S / P) = 27 patches a side
    # and ignores the last S - G P = 6 rows and columns. This reads G = floor(S / P) and
    # requires only S >= P (reported as a Spec question).
    if S < P:
        raise ConfigError(f"image.size {S} is smaller than siglip.patch_size {P}")
    if values["pixel.image_size"] != grid_size(values) * values["pixel.patch_size"]:
        raise ConfigError(f"pixel.image_size is {values['pixel.image_size']}, "
                          f"G * P_pix = {grid_size(values) * values['pixel.patch_size']}")
    for module in ("siglip", "semantic_decoder", "pixel_encoder", "pixel_decoder"):
        width, heads = values[f"{module}.hidden_size"], values[f"{module}.num_heads"]
        if width % heads:
            raise ConfigError(f"{module}.hidden_size {width} is not divisible by {module}.num_heads {heads}")
    if values["semantic.codebook_size"] * values["pixel.codebook_size"] > 2**31 - 1:
        raise ConfigError("semantic.codebook_size * pixel.codebook_size is above 2^31 - 1")
    for key in ("image.mean", "image.std"):
        if not all(math.isfinite(v) for v in values[key]):
            raise ConfigError(f"{key} must be finite")
    if any(float(np.float32(s)) == 0.0 for s in values["image.std"]):
        raise ConfigError("image.std must be non-zero in float32")
    return values


# ---------------------------------------------------------------------------------------
# Tensors (architecture.md section 4)


def _timm_block(prefix: str, C: int) -> dict:
    """The tensors of one timm block of width C (architecture.md section 2)."""
    return {
        f"{prefix}.norm1.weight": (C,), f"{prefix}.norm1.bias": (C,),
        f"{prefix}.attn.qkv.weight": (3 * C, C), f"{prefix}.attn.qkv.bias": (3 * C,),
        f"{prefix}.attn.proj.weight": (C, C), f"{prefix}.attn.proj.bias": (C,),
        f"{prefix}.norm2.weight": (C,), f"{prefix}.norm2.bias": (C,),
        f"{prefix}.mlp.fc1.weight": (4 * C, C), f"{prefix}.mlp.fc1.bias": (4 * C,),
        f"{prefix}.mlp.fc2.weight": (C, 4 * C), f"{prefix}.mlp.fc2.bias": (C,),
    }


def tensor_shapes(config: dict) -> dict:
    """Every tensor of a model of this configuration and its shape (architecture.md
    section 4), sorted by name as a weight container stores them."""
    v = validate_config(config)
    S, P, C, I = v["image.size"], v["siglip.patch_size"], v["siglip.hidden_size"], v["siglip.intermediate_size"]
    G2 = grid_size(v) ** 2
    D_p, D_q, K = v["semantic.projection_dim"], v["semantic.code_dim"], v["semantic.codebook_size"]
    C_sd = v["semantic_decoder.hidden_size"]
    P_pix, d, m = v["pixel.patch_size"], v["pixel.code_dim"], v["pixel.codebook_size"]
    C_pe, C_pd = v["pixel_encoder.hidden_size"], v["pixel_decoder.hidden_size"]

    shapes = {}
    sig = "siglip.vision_model."
    shapes[sig + "embeddings.patch_embedding.weight"] = (C, 3, P, P)
    shapes[sig + "embeddings.patch_embedding.bias"] = (C,)
    shapes[sig + "embeddings.position_embedding.weight"] = (G2, C)
    for layer in range(v["siglip.num_layers"]):
        prefix = f"{sig}encoder.layers.{layer}."
        for norm in ("layer_norm1", "layer_norm2"):
            shapes[prefix + norm + ".weight"] = (C,)
            shapes[prefix + norm + ".bias"] = (C,)
        for projection in ("q_proj", "k_proj", "v_proj", "out_proj"):
            shapes[prefix + f"self_attn.{projection}.weight"] = (C, C)
            shapes[prefix + f"self_attn.{projection}.bias"] = (C,)
        shapes[prefix + "mlp.fc1.weight"] = (I, C)
        shapes[prefix + "mlp.fc1.bias"] = (I,)
        shapes[prefix + "mlp.fc2.weight"] = (C, I)
        shapes[prefix + "mlp.fc2.bias"] = (C,)
    if v["siglip.post_layernorm"]:
        shapes[sig + "post_layernorm.weight"] = (C,)
        shapes[sig + "post_layernorm.bias"] = (C,)

    shapes["semantic_quantizer.proj.0.weight"] = (D_p, C)
    shapes["semantic_quantizer.proj.0.bias"] = (D_p,)
    shapes["semantic_quantizer.proj.2.weight"] = (D_q, D_p)
    shapes["semantic_quantizer.proj.2.bias"] = (D_q,)
    shapes["semantic_quantizer.codebook"] = (K, D_q)

    shapes["semantic_decoder.input_proj.weight"] = (C_sd, D_q)
    shapes["semantic_decoder.input_proj.bias"] = (C_sd,)
    shapes["semantic_decoder.pos_embed"] = (G2, C_sd)
    for layer in range(v["semantic_decoder.num_layers"]):
        shapes.update(_timm_block(f"semantic_decoder.blocks.{layer}", C_sd))
    shapes["semantic_decoder.norm.weight"] = (C_sd,)
    shapes["semantic_decoder.norm.bias"] = (C_sd,)
    shapes["semantic_decoder.head.0.weight"] = (C_sd, C_sd)
    shapes["semantic_decoder.head.0.bias"] = (C_sd,)
    shapes["semantic_decoder.head.2.weight"] = (C, C_sd)
    shapes["semantic_decoder.head.2.bias"] = (C,)

    shapes["pixel_encoder.patch_embed.proj.weight"] = (C_pe, 3, P_pix, P_pix)
    shapes["pixel_encoder.patch_embed.proj.bias"] = (C_pe,)
    shapes["pixel_encoder.pos_embed"] = (G2, C_pe)
    for layer in range(v["pixel_encoder.num_layers"]):
        shapes.update(_timm_block(f"pixel_encoder.blocks.{layer}", C_pe))
    shapes["pixel_encoder.norm.weight"] = (C_pe,)
    shapes["pixel_encoder.norm.bias"] = (C_pe,)
    shapes["pixel_encoder.code_proj.weight"] = (d, C_pe)
    shapes["pixel_encoder.code_proj.bias"] = (d,)

    shapes["pixel_quantizer.codebook"] = (K, m, d)

    shapes["pixel_decoder.input_proj.weight"] = (C_pd, D_q + d)
    shapes["pixel_decoder.input_proj.bias"] = (C_pd,)
    shapes["pixel_decoder.pos_embed"] = (G2, C_pd)
    for layer in range(v["pixel_decoder.num_layers"]):
        shapes.update(_timm_block(f"pixel_decoder.blocks.{layer}", C_pd))
    shapes["pixel_decoder.norm.weight"] = (C_pd,)
    shapes["pixel_decoder.norm.bias"] = (C_pd,)
    shapes["pixel_decoder.head.weight"] = (P_pix * P_pix * 3, C_pd)
    shapes["pixel_decoder.head.bias"] = (P_pix * P_pix * 3,)
    return dict(sorted(shapes.items(), key=lambda item: item[0].encode("ascii")))


# ---------------------------------------------------------------------------------------
# Deterministic initialisation (architecture.md section 7)

_U64 = np.uint64
FNV_OFFSET = _U64(0xCBF29CE484222325)
FNV_PRIME = _U64(0x100000001B3)
GOLDEN_GAMMA = _U64(0x9E3779B97F4A7C15)
MIX_1 = _U64(0xBF58476D1CE4E5B9)
MIX_2 = _U64(0x94D049BB133111EB)
# Constants of the value rules: the float32 nearest to 0.02 and 0.1, and 2^-23.
SCALE_SMALL = np.float32(0.02)
SCALE_NORM = np.float32(0.1)
TWO_TO_MINUS_23 = np.float32(2.0**-23)


def fnv1a64(name: str) -> np.uint64:
    """FNV-1a, 64 bits, of the UTF-8 bytes of `name`, on a one-element uint64 array
    (array arithmetic wraps modulo 2^64 without overflow warnings)."""
    h = np.array([FNV_OFFSET], dtype=np.uint64)
    for byte in name.encode("utf-8"):
        h = (h ^ _U64(byte)) * FNV_PRIME
    return h[0]


def _seed_u64(seed) -> np.uint64:
    """The seed as an unsigned 64-bit integer (0 ... 2^64 - 1)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"the seed must be an integer, got {seed!r}")
    if not 0 <= int(seed) <= 2**64 - 1:
        raise ValueError(f"the seed must be in 0 ... 2^64 - 1, got {seed}")
    return _U64(int(seed))


def mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser over a uint64 array (section 7)."""
    assert z.dtype == np.uint64
    z = (z ^ (z >> _U64(30))) * MIX_1
    z = (z ^ (z >> _U64(27))) * MIX_2
    return z ^ (z >> _U64(31))


def random_words(name: str, count: int, seed) -> np.ndarray:
    """r_k for k = 0 ... count-1: mix(key + (k + 1) * 0x9E3779B97F4A7C15), uint64 [count]."""
    key = np.array([fnv1a64(name) ^ _seed_u64(seed)], dtype=np.uint64)
    steps = np.arange(1, count + 1, dtype=np.uint64)
    return mix(key + steps * GOLDEN_GAMMA)


def uniform_values(name: str, count: int, seed) -> np.ndarray:
    """w_k = (r_k >> 40) * 2^-23 - 1 as float32 [count]: every step is exact."""
    top = random_words(name, count, seed) >> _U64(40)          # 24 bits: exact in float32
    return top.astype(np.float32) * TWO_TO_MINUS_23 - np.float32(1)


def init_tensor(name: str, shape, seed) -> np.ndarray:
    """The value of the tensor `name` of shape `shape` (row-major), by the first rule of
    section 7 that matches its name; float32."""
    shape = tuple(int(s) for s in shape)
    count = math.prod(shape)
    w = uniform_values(name, count, seed).reshape(shape)
    if name.endswith("codebook"):
        return normalize(w)
    if name.endswith(".bias"):
        return w * SCALE_SMALL
    if name.endswith("position_embedding.weight") or name.endswith("pos_embed"):
        return w * SCALE_SMALL
    if len(shape) == 1:
        return np.float32(1) + w * SCALE_NORM
    fan_in = math.prod(shape[1:])
    sigma = np.float32(1.0 / math.sqrt(fan_in))      # binary64 square root and quotient, then rounded
    return w * sigma


def init_weights(config: dict, seed) -> dict:
    """Every tensor of the configuration (section 4), initialised by section 7, float32."""
    tensors = {}
    for name, shape in tensor_shapes(config).items():
        value = init_tensor(name, shape, seed)
        assert value.dtype == np.float32 and value.shape == shape, (name, value.dtype, value.shape)
        tensors[name] = value
    return tensors


def write_model(path, config_name: str, seed) -> None:
    """Writes the named configuration initialised with `seed` as a weight container."""
    config = named_config(config_name)
    write_weights(path, config, init_weights(config, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description="Writes a model with the deterministic weights of "
                                                 "Spec/architecture.md section 7.")
    parser.add_argument("--config", required=True, choices=list(NAMED_CONFIGS), help="named configuration")
    parser.add_argument("--seed", required=True, type=int, help="seed, 0 ... 2^64 - 1")
    parser.add_argument("-o", "--output", required=True, help="the weight container to write")
    args = parser.parse_args()
    write_model(args.output, args.config, args.seed)


if __name__ == "__main__":
    main()
