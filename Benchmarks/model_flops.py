"""The floating-point operations of one image's forward pass, from a named configuration
(Spec/architecture.md section 6), for `run` to turn times into GFLOP/s:

    python3 model_flops.py NAME

prints `mode<TAB>FLOPs` for encode, decode and features. Every matrix product of M x K by
K x N counts 2 M N K, including attention's Q K^T and A V of every head (together
2 N^2 C each for N tokens of width C) and the lookups' score products; element-wise work
(layer norms, activations, softmax, the residual adds, resizing) is not counted, so the
figures are a slight undercount, the same for both sides.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from semhitok_init import grid_size, named_config, validate_config  # noqa: E402


def transformer_flops(tokens, width, layers, mlp_width):
    """`layers` pre-norm blocks of `width` over `tokens` tokens: qkv, Q K^T, A V, the
    output projection and the two MLP products (the head count does not change the total)."""
    qkv = 2 * tokens * width * 3 * width
    attention = 2 * (2 * tokens * tokens * width)
    projection = 2 * tokens * width * width
    mlp = 2 * (2 * tokens * width * mlp_width)
    return layers * (qkv + attention + projection + mlp)


def forward_flops(v):
    """FLOPs per image at the native resolution of the configuration values `v`:
    encode = SigLIP tower + semantic projection + semantic lookup + pixel encoder + pixel
    lookup; decode = the pixel decoder; features = the SigLIP tower."""
    n = grid_size(v) ** 2
    c, patch, pixel_patch = v["siglip.hidden_size"], v["siglip.patch_size"], v["pixel.patch_size"]
    d_p, d_q, d = v["semantic.projection_dim"], v["semantic.code_dim"], v["pixel.code_dim"]
    c_pe, c_pd = v["pixel_encoder.hidden_size"], v["pixel_decoder.hidden_size"]

    siglip = 2 * n * 3 * patch * patch * c + transformer_flops(n, c, v["siglip.num_layers"],
                                                               v["siglip.intermediate_size"])
    semantic_projection = 2 * n * c * d_p + 2 * n * d_p * d_q
    semantic_lookup = 2 * n * v["semantic.codebook_size"] * d_q
    pixel_encoder = (2 * n * 3 * pixel_patch * pixel_patch * c_pe
                     + transformer_flops(n, c_pe, v["pixel_encoder.num_layers"], 4 * c_pe)
                     + 2 * n * c_pe * d)
    pixel_lookup = 2 * n * v["pixel.codebook_size"] * d
    pixel_decoder = (2 * n * (d_q + d) * c_pd
                     + transformer_flops(n, c_pd, v["pixel_decoder.num_layers"], 4 * c_pd)
                     + 2 * n * c_pd * 3 * pixel_patch * pixel_patch)
    return {
        "encode": siglip + semantic_projection + semantic_lookup + pixel_encoder + pixel_lookup,
        "decode": pixel_decoder,
        "features": siglip,
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: model_flops.py CONFIGURATION_NAME")
    for mode, flops in forward_flops(validate_config(named_config(sys.argv[1]))).items():
        print(f"{mode}\t{flops}")


if __name__ == "__main__":
    main()
