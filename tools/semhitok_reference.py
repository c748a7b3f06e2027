"""The PyTorch reference of the SemHiTok model (Spec/architecture.md), built on real library parts.

- the semantic encoder is `transformers.SiglipVisionModel` (eager attention, tanh GELU, no
  pooling head), held as `siglip.vision_model` so that its state-dict keys, behind the
  `siglip.vision_model.` prefix, are the Spec's tensor names; with
  `siglip.post_layernorm = 0` its `post_layernorm` is replaced by `nn.Identity`, so the
  features are the encoder's last hidden state and the tensors are not in the state;
- the semantic decoder, pixel encoder and pixel decoder are timm `Block`s
  (`timm.models.vision_transformer.Block`, MLP ratio 4, qkv bias, exact GELU) with plain
  `nn.Linear`, `nn.LayerNorm`, `nn.Parameter` and timm's `PatchEmbed` (an `nn.Conv2d`
  named `proj`) around them;
- preprocessing is transformers' SigLIP image processor with the Pillow backend
  (`SiglipImageProcessorPil`), once at `image.size` and once at `pixel.image_size`;
- the quantizer lookups are the exact arithmetic of `semhitok_quantization` applied to the
  projections PyTorch computed;
- the postprocessing of the decoded image is Spec/preprocessing.md section 4 in NumPy.

Every module is named so that `state_dict()` keys equal the tensor names of
Spec/architecture.md section 4: loading a weight container and exporting one are plain
dictionary round trips (`load_model`, `export`). `export_head` and `read_head` write and
read a SemHiTok head file: the model without its SigLIP tower, as safetensors, which
`semhitok convert --head` combines with a HuggingFace SigLIP checkpoint.

Everything runs in float32 on the CPU, in eval mode, without gradients.

    import sys; sys.path.insert(0, "tools")
    from semhitok_reference import load_model, model_from_init, load_image
    model = load_model("golden/model/tiny.shw")           # or model_from_init("base-test", 1)
    result = model.run(load_image("photo.jpg"))           # every intermediate, as NumPy arrays
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys
import warnings
from functools import partial

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semhitok_quantization as quantization  # noqa: E402
from semhitok_formats import BF16, read_weights, write_weights  # noqa: E402
from semhitok_init import (CONFIG_TYPES, ConfigError, grid_size, init_weights,  # noqa: E402
                           named_config, tensor_shapes, validate_config)

__all__ = [
    "ModelError",
    "SemHiTokReference",
    "export",
    "export_head",
    "load_image",
    "load_model",
    "lookup_margins",
    "model_from_init",
    "model_from_tensors",
    "postprocess",
    "read_head",
    "rgb_array",
    "unpatchify",
]


class ModelError(ValueError):
    """A weight container or head file that is not a valid model (or model head) of
    Spec/architecture.md sections 4 and 5."""


# ---------------------------------------------------------------------------------------
# Modules


def _timm_blocks(count: int, width: int, heads: int, eps: float) -> nn.ModuleList:
    """`count` timm blocks of the Spec's layout (architecture.md section 2)."""
    from timm.models.vision_transformer import Block

    return nn.ModuleList(Block(width, heads, mlp_ratio=4.0, qkv_bias=True,
                               norm_layer=partial(nn.LayerNorm, eps=eps))
                         for _ in range(count))


class SiglipTower(nn.Module):
    """Holds `transformers.SiglipVisionModel` as `vision_model` (architecture.md section 3.1)."""

    def __init__(self, values: dict):
        super().__init__()
        from transformers import SiglipVisionConfig, SiglipVisionModel

        hf_config = SiglipVisionConfig(
            hidden_size=values["siglip.hidden_size"],
            intermediate_size=values["siglip.intermediate_size"],
            num_hidden_layers=values["siglip.num_layers"],
            num_attention_heads=values["siglip.num_heads"],
            num_channels=3,
            image_size=values["image.size"],
            patch_size=values["siglip.patch_size"],
            hidden_act="gelu_pytorch_tanh",
            layer_norm_eps=values["siglip.layer_norm_eps"],
            attention_dropout=0.0,
            vision_use_head=False,
            attn_implementation="eager",
        )
        self.vision_model = SiglipVisionModel(hf_config)
        if not values["siglip.post_layernorm"]:
            # The features are then the last encoder layer's output, and the file holds no
            # post_layernorm tensors (architecture.md sections 3.1 and 5).
            self.vision_model.post_layernorm = nn.Identity()

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """[B, 3, S, S] -> F_sig [B, N, C]."""
        return self.vision_model(pixel_values=pixel_values).last_hidden_state


class SemanticQuantizer(nn.Module):
    """proj = Linear -> Tanh -> Linear down to D_q, and the stored codebook (section 3.2)."""

    def __init__(self, values: dict):
        super().__init__()
        C, D_p, D_q = values["siglip.hidden_size"], values["semantic.projection_dim"], values["semantic.code_dim"]
        self.proj = nn.Sequential(nn.Linear(C, D_p), nn.Tanh(), nn.Linear(D_p, D_q))
        self.codebook = nn.Parameter(torch.zeros(values["semantic.codebook_size"], D_q))


class SemanticDecoder(nn.Module):
    """Section 3.3: input_proj, pos_embed, timm blocks, norm, head = Linear -> Tanh -> Linear."""

    def __init__(self, values: dict):
        super().__init__()
        C, D_q, C_sd = values["siglip.hidden_size"], values["semantic.code_dim"], values["semantic_decoder.hidden_size"]
        eps = values["semantic_decoder.layer_norm_eps"]
        self.input_proj = nn.Linear(D_q, C_sd)
        self.pos_embed = nn.Parameter(torch.zeros(grid_size(values) ** 2, C_sd))
        self.blocks = _timm_blocks(values["semantic_decoder.num_layers"], C_sd,
                                   values["semantic_decoder.num_heads"], eps)
        self.norm = nn.LayerNorm(C_sd, eps=eps)
        self.head = nn.Sequential(nn.Linear(C_sd, C_sd), nn.Tanh(), nn.Linear(C_sd, C))

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """C_sem[i] [B, N, D_q] -> F_sem [B, N, C]."""
        x = self.input_proj(codes) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


class PixelEncoder(nn.Module):
    """Section 3.4: timm PatchEmbed (conv `proj`), pos_embed, timm blocks, norm, code_proj."""

    def __init__(self, values: dict):
        super().__init__()
        from timm.layers import PatchEmbed

        C_pe, eps = values["pixel_encoder.hidden_size"], values["pixel_encoder.layer_norm_eps"]
        self.patch_embed = PatchEmbed(img_size=values["pixel.image_size"], patch_size=values["pixel.patch_size"],
                                      in_chans=3, embed_dim=C_pe)
        self.pos_embed = nn.Parameter(torch.zeros(grid_size(values) ** 2, C_pe))
        self.blocks = _timm_blocks(values["pixel_encoder.num_layers"], C_pe, values["pixel_encoder.num_heads"], eps)
        self.norm = nn.LayerNorm(C_pe, eps=eps)
        self.code_proj = nn.Linear(C_pe, values["pixel.code_dim"])

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """[B, 3, S_pix, S_pix] -> z_pix [B, N, d]."""
        x = self.patch_embed(pixel_values) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.code_proj(self.norm(x))


class PixelQuantizer(nn.Module):
    """The pixel codebook [K, m, d] (section 3.4)."""

    def __init__(self, values: dict):
        super().__init__()
        self.codebook = nn.Parameter(torch.zeros(values["semantic.codebook_size"], values["pixel.codebook_size"],
                                                 values["pixel.code_dim"]))


class PixelDecoder(nn.Module):
    """Section 3.5: input_proj, pos_embed, timm blocks, norm, head to P_pix^2 * 3."""

    def __init__(self, values: dict):
        super().__init__()
        C_pd, eps, P_pix = values["pixel_decoder.hidden_size"], values["pixel_decoder.layer_norm_eps"], values["pixel.patch_size"]
        self.input_proj = nn.Linear(values["semantic.code_dim"] + values["pixel.code_dim"], C_pd)
        self.pos_embed = nn.Parameter(torch.zeros(grid_size(values) ** 2, C_pd))
        self.blocks = _timm_blocks(values["pixel_decoder.num_layers"], C_pd, values["pixel_decoder.num_heads"], eps)
        self.norm = nn.LayerNorm(C_pd, eps=eps)
        self.head = nn.Linear(C_pd, P_pix * P_pix * 3)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """concat(C_sem[i], C_pix[i][j]) [B, N, D_q + d] -> patches [B, N, P_pix^2 * 3]."""
        x = self.input_proj(codes) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def unpatchify(patches: torch.Tensor, grid: int, patch: int) -> torch.Tensor:
    """[N, P^2 * 3] -> [3, G P, G P] with image[c, gy P + py, gx P + px] = y[n, (py P + px) 3 + c]."""
    y = patches.reshape(grid, grid, patch, patch, 3)                      # [gy, gx, py, px, c]
    return y.permute(4, 0, 2, 1, 3).reshape(3, grid * patch, grid * patch)  # [c, gy, py, gx, px]


# ---------------------------------------------------------------------------------------
# Lookups and postprocessing


def lookup_margins(scores: np.ndarray, metric: str) -> np.ndarray:
    """The gap between the best and the second-best score of each row of [N, n] scores, in
    float32: best - second for cosine (larger is better), second - best for euclidean.
    Equal best scores give 0; a single candidate gives +inf."""
    if scores.shape[1] < 2:
        return np.full(scores.shape[0], np.inf, np.float32)
    ordered = np.sort(scores, axis=1)
    if metric == "cosine":
        return (ordered[:, -1] - ordered[:, -2]).astype(np.float32)
    return (ordered[:, 1] - ordered[:, 0]).astype(np.float32)


def postprocess(decoded: np.ndarray) -> np.ndarray:
    """Spec/preprocessing.md section 4: f32 [3, H, W] -> u8 [H, W, 3]; NaN is refused."""
    decoded = np.asarray(decoded)
    assert decoded.dtype == np.float32 and decoded.ndim == 3 and decoded.shape[0] == 3
    nans = np.argwhere(np.isnan(decoded))
    if len(nans):
        raise ValueError(f"nan_value at [c, y, x] = {[int(v) for v in nans[0]]}")
    clamped = np.minimum(np.maximum(decoded, np.float32(-1)), np.float32(1))
    scaled = (clamped + np.float32(1)) * np.float32(127.5)
    assert scaled.dtype == np.float32
    return np.ascontiguousarray(np.rint(scaled).astype(np.uint8).transpose(1, 2, 0))


def load_image(path) -> np.ndarray:
    """A file decoded by Pillow and converted to RGB as transformers' SigLIP processor does
    (`convert_to_rgb`: alpha composited over white, grey replicated): u8 [H, W, 3]."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return rgb_array(image)


def rgb_array(image) -> np.ndarray:
    """A Pillow image as u8 [H, W, 3] after transformers' `convert_to_rgb`."""
    from transformers.image_transforms import convert_to_rgb

    array = convert_to_rgb(image, return_numpy=True)
    assert array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3, (array.dtype, array.shape)
    return np.ascontiguousarray(array)


# ---------------------------------------------------------------------------------------
# The model


class SemHiTokReference(nn.Module):
    """The whole model of Spec/architecture.md; `state_dict()` keys are the Spec's tensor names.

    Methods take and return NumPy arrays for one image (no batch dimension), one per
    intermediate of Spec/conformance.md section 5; `run` chains them.
    """

    def __init__(self, config: dict):
        super().__init__()
        values = validate_config(config)
        self.config = dict(config)
        self.values = values
        self.grid = grid_size(values)
        self.siglip = SiglipTower(values)
        self.semantic_quantizer = SemanticQuantizer(values)
        self.semantic_decoder = SemanticDecoder(values)
        self.pixel_encoder = PixelEncoder(values)
        self.pixel_quantizer = PixelQuantizer(values)
        self.pixel_decoder = PixelDecoder(values)
        self.eval()
        self.requires_grad_(False)
        self._processors = None

    # -- preprocessing (Spec/preprocessing.md)

    def _processor_pair(self):
        if self._processors is None:
            from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

            mean, std = self.values["image.mean"], self.values["image.std"]
            self._processors = tuple(
                SiglipImageProcessorPil(size={"height": size, "width": size}, image_mean=list(mean),
                                        image_std=list(std))
                for size in (self.values["image.size"], self.values["pixel.image_size"]))
        return self._processors

    def preprocess(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """RGB u8 [H, W, 3] -> (pixel_values f32 [3, S, S], pixel_values_pix f32 [3, S_pix, S_pix])."""
        from PIL import Image

        image = np.asarray(image)
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"the image must be u8 [H, W, 3], got {image.dtype} {image.shape}")
        outputs = []
        for processor in self._processor_pair():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = processor(Image.fromarray(image, "RGB"), return_tensors="np")["pixel_values"]
            assert values.dtype == np.float32 and values.shape[:2] == (1, 3), (values.dtype, values.shape)
            outputs.append(np.ascontiguousarray(values[0]))
        return outputs[0], outputs[1]

    # -- the semantic branch

    @torch.no_grad()
    def siglip_features(self, pixel_values: np.ndarray) -> np.ndarray:
        """F_sig [N, C] (section 3.1)."""
        return self._numpy(self.siglip(self._tensor(pixel_values)[None])[0])

    @torch.no_grad()
    def semantic_projection(self, features: np.ndarray) -> np.ndarray:
        """z_sem [N, D_q], before normalisation (section 3.2)."""
        return self._numpy(self.semantic_quantizer.proj(self._tensor(features)))

    def semantic_codebook(self) -> np.ndarray:
        return self._numpy(self.semantic_quantizer.codebook)

    def pixel_codebook(self) -> np.ndarray:
        return self._numpy(self.pixel_quantizer.codebook)

    def semantic_lookup(self, projection: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(i i32 [N], margin f32 [N]): the exact lookup of Spec/quantization.md."""
        codebook, metric = self.semantic_codebook(), self.values["semantic.metric"]
        indices, _, _ = quantization.semantic_lookup(projection, codebook, metric)
        scores, _ = quantization.scores(projection, codebook, metric)
        return indices, lookup_margins(scores, metric)

    @torch.no_grad()
    def semantic_features(self, semantic_indices: np.ndarray) -> np.ndarray:
        """F_sem [N, C]: the semantic decoder on the stored codes C_sem[i] (section 3.3)."""
        codes = self.semantic_quantizer.codebook[torch.from_numpy(np.asarray(semantic_indices, np.int64))]
        return self._numpy(self.semantic_decoder(codes[None])[0])

    # -- the pixel branch

    @torch.no_grad()
    def pixel_projection(self, pixel_values_pix: np.ndarray) -> np.ndarray:
        """z_pix [N, d] (section 3.4)."""
        return self._numpy(self.pixel_encoder(self._tensor(pixel_values_pix)[None])[0])

    def pixel_lookup(self, projection: np.ndarray, semantic_indices: np.ndarray):
        """(j i32 [N], tokens i32 [N], margin f32 [N]): the exact lookup inside C_pix[i]."""
        codebook, metric = self.pixel_codebook(), self.values["pixel.metric"]
        indices, _, _, tokens = quantization.pixel_lookup(projection, codebook, semantic_indices, metric)
        scores, _ = quantization.scores(projection, codebook[np.asarray(semantic_indices, np.int64)], metric)
        return indices, tokens, lookup_margins(scores, metric)

    @torch.no_grad()
    def decode(self, tokens: np.ndarray) -> np.ndarray:
        """The pixel decoder on concat(C_sem[i], C_pix[i][j]), unpatchified: f32 [3, S_pix, S_pix]."""
        tokens = torch.from_numpy(np.asarray(tokens, np.int64))
        m = self.values["pixel.codebook_size"]
        i, j = tokens // m, tokens % m
        codes = torch.cat([self.semantic_quantizer.codebook[i], self.pixel_quantizer.codebook[i, j]], dim=1)
        patches = self.pixel_decoder(codes[None])[0]
        return self._numpy(unpatchify(patches, self.grid, self.values["pixel.patch_size"]))

    # -- everything

    def run(self, image: np.ndarray) -> dict:
        """Every entry of Spec/conformance.md section 5 for one RGB u8 [H, W, 3] image."""
        pixel_values, pixel_values_pix = self.preprocess(image)
        siglip_features = self.siglip_features(pixel_values)
        semantic_projection = self.semantic_projection(siglip_features)
        semantic_indices, semantic_margin = self.semantic_lookup(semantic_projection)
        semantic_features = self.semantic_features(semantic_indices)
        pixel_projection = self.pixel_projection(pixel_values_pix)
        pixel_indices, tokens, pixel_margin = self.pixel_lookup(pixel_projection, semantic_indices)
        decoded = self.decode(tokens)
        return {
            "expected.pixel_values": pixel_values,
            "expected.pixel_values_pix": pixel_values_pix,
            "expected.siglip_features": siglip_features,
            "expected.semantic_projection": semantic_projection,
            "expected.semantic_indices": semantic_indices,
            "expected.semantic_features": semantic_features,
            "expected.pixel_projection": pixel_projection,
            "expected.pixel_indices": pixel_indices,
            "expected.tokens": tokens,
            "expected.decoded": decoded,
            "expected.decoded_image": postprocess(decoded),
            "info.semantic_margin": semantic_margin,
            "info.pixel_margin": pixel_margin,
        }

    # -- helpers

    @staticmethod
    def _tensor(array: np.ndarray) -> torch.Tensor:
        array = np.asarray(array)
        if array.dtype != np.float32:
            raise TypeError(f"expected float32, got {array.dtype}")
        return torch.from_numpy(np.ascontiguousarray(array))

    @staticmethod
    def _numpy(tensor: torch.Tensor) -> np.ndarray:
        array = tensor.detach().cpu().contiguous().numpy()
        assert array.dtype == np.float32
        return array.copy()


# ---------------------------------------------------------------------------------------
# Loading, initialising and exporting


def _model_tensors(path, config: dict, tensors: dict) -> dict:
    """Every tensor architecture.md section 4 requires, checked and widened to float32."""
    try:
        expected = tensor_shapes(config)
    except ValueError as error:
        raise ModelError(f"{os.fspath(path)}: invalid configuration: {error}") from None
    checked = {}
    for name, shape in expected.items():
        if name not in tensors:
            raise ModelError(f"{os.fspath(path)}: tensor {name!r} is missing")
        tensor = tensors[name]
        if tuple(tensor.shape) != shape:
            raise ModelError(f"{os.fspath(path)}: tensor {name!r} has shape {list(tensor.shape)}, "
                             f"the configuration gives {list(shape)}")
        if name.endswith("codebook"):
            if isinstance(tensor, BF16) or tensor.dtype != np.float32:
                raise ModelError(f"{os.fspath(path)}: codebook {name!r} must be f32")
            value = tensor
        elif isinstance(tensor, BF16):
            value = tensor.to_float32()
        elif tensor.dtype in (np.float32, np.float16):
            value = tensor.astype(np.float32)      # f16 widens exactly
        else:
            raise ModelError(f"{os.fspath(path)}: tensor {name!r} has dtype {tensor.dtype}, "
                             "not f32, f16 or bf16")
        checked[name] = np.array(value, dtype=np.float32)
    unexpected = sorted(set(tensors) - set(expected))
    if unexpected:
        # Section 4 does not say; a stray tensor (say post_layernorm with the flag 0) is
        # more likely a conversion mistake than intended, so the reference refuses it.
        raise ModelError(f"{os.fspath(path)}: unexpected tensor {unexpected[0]!r} "
                         f"({len(unexpected)} in all) for this configuration")
    return checked


def model_from_tensors(config: dict, tensors: dict, path="<memory>") -> SemHiTokReference:
    """A reference model with the given configuration and float32 tensors (checked)."""
    checked = _model_tensors(path, config, tensors)
    model = SemHiTokReference(config)
    state = {name: torch.from_numpy(value) for name, value in checked.items()}
    model.load_state_dict(state, strict=True)      # raises on any missing or unexpected key
    return model


def load_model(path, verify: bool = True) -> SemHiTokReference:
    """Reads a weight container and checks every tensor of architecture.md section 4."""
    config, tensors = read_weights(path, verify=verify)
    return model_from_tensors(config, tensors, path)


def model_from_init(config, seed) -> SemHiTokReference:
    """The model of architecture.md section 7: a named configuration (or a configuration
    dict) with deterministic weights from `seed`."""
    if isinstance(config, str):
        config = named_config(config)
    return model_from_tensors(config, init_weights(config, seed))


def export(model: SemHiTokReference, path, config: dict | None = None) -> None:
    """Writes the model's state (float32) and configuration (by default the model's own)
    to a weight container through `semhitok_formats.write_weights`."""
    config = model.config if config is None else config
    tensors = {name: value.detach().cpu().numpy().astype(np.float32)
               for name, value in model.state_dict().items()}
    expected = tensor_shapes(config)
    if set(tensors) != set(expected):
        raise ModelError(f"the model's state does not match the configuration: "
                         f"{sorted(set(tensors) ^ set(expected))[:5]}")
    write_weights(path, config, tensors)


# ---------------------------------------------------------------------------------------
# The SemHiTok head file
#
# A safetensors file holding every tensor of architecture.md section 4 whose name does not
# start with `siglip.`, in F32, and in `__metadata__` the format's name and version and
# every configuration key of section 5 but `model.architecture`, as text: the SigLIP part
# of the configuration lets the converter check the head against the checkpoint it joins.

HEAD_FORMAT = "semhitok-head"
HEAD_FORMAT_VERSION = "1"
SIGLIP_PREFIX = "siglip."
# The configuration keys a head file records: section 5 but the architecture, which the
# converter writes itself.
HEAD_CONFIG_KEYS = tuple(key for key in CONFIG_TYPES if key != "model.architecture")
# JSON's integer literal and number (RFC 8259 section 6): what `str(int)` and, for finite
# values, `repr(float)` write.
_JSON_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def _head_metadata_text(key: str, value) -> str:
    """The text of configuration key `key` in a head file: an i64 as `str(int)`, an f64 as
    `repr(float)`, an f64 array as a JSON array of those, a string as itself."""
    kind = CONFIG_TYPES[key]
    if kind is int:
        return str(int(value))
    if kind is float:
        return repr(float(value))
    if kind is str:
        return value
    return json.dumps([float(v) for v in value])


def _head_metadata_value(path, key: str, text: str):
    """The value of configuration key `key` parsed from its text in a head file, with the
    type section 5 gives it; malformed text raises ModelError."""
    kind = CONFIG_TYPES[key]
    if kind is str:
        return text
    if kind is int and _JSON_INTEGER.fullmatch(text) and -2**63 <= int(text) < 2**63:
        return int(text)
    if kind is float and _JSON_NUMBER.fullmatch(text):
        return float(text)
    if kind == "f64[3]":
        try:
            values = json.loads(text)
        except ValueError:
            values = None
        if isinstance(values, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                            for v in values):
            return [float(v) for v in values]
    raise ModelError(f"{os.fspath(path)}: metadata {key!r} is {text!r}, not a valid {kind}")


def _sorted_metadata(data: bytes) -> bytes:
    """The safetensors bytes `data` with the `__metadata__` entries sorted by key.

    safetensors 0.8 writes `__metadata__` in hash-map order, which changes from run to run;
    sorted, the same head always gives the same bytes. The compact JSON has the same length
    in any order, so the header length and every data offset stay as written.
    """
    (length,) = struct.unpack_from("<Q", data)
    header = json.loads(data[8:8 + length])
    header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    if len(text) > length or json.loads(text) != json.loads(data[8:8 + length]):
        raise AssertionError("the safetensors header did not survive re-encoding")
    return data[:8] + text.ljust(length, b" ") + data[8 + length:]


def export_head(model: SemHiTokReference, path) -> None:
    """Writes the model's head file: every tensor outside `siglip.` as F32 and the
    configuration of section 5 (but `model.architecture`) as text metadata."""
    from safetensors.numpy import save

    tensors = {name: np.ascontiguousarray(value.detach().cpu().numpy(), dtype=np.float32)
               for name, value in model.state_dict().items() if not name.startswith(SIGLIP_PREFIX)}
    metadata = {"format": HEAD_FORMAT, "format_version": HEAD_FORMAT_VERSION}
    metadata.update((key, _head_metadata_text(key, model.config[key])) for key in HEAD_CONFIG_KEYS)
    with open(path, "wb") as file:
        file.write(_sorted_metadata(save(tensors, metadata=metadata)))


def read_head(path) -> tuple[dict, dict]:
    """Reads and checks a head file as `export_head` writes it: the format and version,
    every configuration key with its type, the configuration's constraints (section 5), and
    exactly the tensors of section 4 outside `siglip.`, F32, of their shapes.

    Spec/convert.md section 4 also lets a head leave out `model.config_name`, `image.*`,
    `siglip.*` and `pixel.image_size` (the converter takes them from the SigLIP checkpoint)
    and store F16 or BF16 tensors; this reader has no checkpoint to take the SigLIP numbers
    from (the head's shapes depend on them) and reads through NumPy, which has no bfloat16,
    so it needs what the exporter writes.

    Returns `(config, tensors)`: the configuration keys the file records (section 5 but
    `model.architecture`) as Python values (f64 arrays as lists), and float32 arrays.
    """
    from safetensors import safe_open

    where = os.fspath(path)
    with safe_open(where, framework="numpy") as file:
        metadata = file.metadata() or {}
        if metadata.get("format") != HEAD_FORMAT or metadata.get("format_version") != HEAD_FORMAT_VERSION:
            raise ModelError(f"{where}: not a {HEAD_FORMAT} file of version {HEAD_FORMAT_VERSION} "
                             f"(format {metadata.get('format')!r}, version {metadata.get('format_version')!r})")
        missing = [key for key in HEAD_CONFIG_KEYS if key not in metadata]
        if missing:
            raise ModelError(f"{where}: metadata {missing[0]!r} is missing ({len(missing)} in all)")
        config = {key: _head_metadata_value(where, key, metadata[key]) for key in HEAD_CONFIG_KEYS}
        try:
            shapes = tensor_shapes(dict(config, **{"model.architecture": "semhitok"}))
        except ConfigError as error:
            raise ModelError(f"{where}: invalid configuration: {error}") from None
        expected = {name: shape for name, shape in shapes.items() if not name.startswith(SIGLIP_PREFIX)}
        names = set(file.keys())
        missing, unexpected = sorted(set(expected) - names), sorted(names - set(expected))
        if missing:
            raise ModelError(f"{where}: tensor {missing[0]!r} is missing ({len(missing)} in all)")
        if unexpected:
            raise ModelError(f"{where}: unexpected tensor {unexpected[0]!r} ({len(unexpected)} in all) "
                             "for this configuration")
        tensors = {}
        for name, shape in expected.items():
            piece = file.get_slice(name)
            if piece.get_dtype() != "F32":
                raise ModelError(f"{where}: tensor {name!r} has dtype {piece.get_dtype()}, not F32")
            if tuple(piece.get_shape()) != shape:
                raise ModelError(f"{where}: tensor {name!r} has shape {list(piece.get_shape())}, "
                                 f"the configuration gives {list(shape)}")
            tensors[name] = file.get_tensor(name)
    return config, tensors
