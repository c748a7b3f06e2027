"""The work of SemHiTokEndToEnd done with the PyTorch reference (tools/semhitok_reference.py)
on the same weight file and images, float32, eval mode, under `torch.inference_mode()`:

    python3 pytorch_model.py WEIGHTS encode|decode|features THREADS RUNS IMAGE...

loads the model once (timed), decodes the images into memory (not timed), makes one
warm-up call on the first image, then times RUNS calls cycling over the images and prints
one line like the Swift side: `mode<TAB>median seconds per image<TAB>RUNS<TAB>load
seconds<TAB>resident bytes after loading<TAB>peak resident bytes of the process`. Run one
process per configuration, so that peaks do not mix.

What one call is:
- encode: the reference's preprocessing at both sizes (transformers' Pillow SigLIP
  processor), the SigLIP tower, the semantic projection, the semantic lookup, the pixel
  encoder and the pixel lookup. The lookups are done the usual PyTorch way, l2-normalise,
  one float32 matrix product (or a batched product with the gathered sub-codebooks) and
  argmax, not with the reference's exact element-by-element arithmetic, which is written
  for exactness, not speed.
- decode: `model.decode(tokens)` on the tokens of the same image, encoded before the
  warm-up: gathering the codes, the pixel decoder and unpatchify to float [3, S_pix, S_pix].
- features: SigLIP's preprocessing alone (the first of the reference's two processors;
  its `preprocess` would make the pixel branch's input as well) and the SigLIP tower.

The model is loaded with `load_model(path, verify=False)`: the reference's CRC-32C is pure
Python unless an optional package is installed, and would dominate the load time.
"""
import resource
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image
# The reference imports these when it builds a model; importing them here keeps the import
# time (several seconds) out of the load time.
import timm.models.vision_transformer  # noqa: F401
import transformers.models.siglip.modeling_siglip  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from semhitok_reference import load_image, load_model  # noqa: E402


def resident_bytes():
    """The process's resident set size now (the second field of /proc/self/statm, in pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def tensor(array):
    """A float32 NumPy array as a tensor with a batch dimension of 1."""
    return torch.from_numpy(array)[None]


def tokens(model, image):
    """The token ids of `image`: the encode path, with PyTorch's inexact lookups."""
    pixel_values, pixel_values_pix = model.preprocess(image)
    projection = model.semantic_quantizer.proj(model.siglip(tensor(pixel_values))[0])
    semantic = torch.argmax(F.normalize(projection, dim=-1) @ model.semantic_quantizer.codebook.T, dim=-1)
    pixel_projection = model.pixel_encoder(tensor(pixel_values_pix))[0]
    sub_codebooks = model.pixel_quantizer.codebook[semantic]                      # [N, m, d]
    scores = torch.einsum("nmd,nd->nm", sub_codebooks, F.normalize(pixel_projection, dim=-1))
    return semantic * model.values["pixel.codebook_size"] + torch.argmax(scores, dim=-1)


def features(model, image):
    """The SigLIP features [N, C] of `image`, preprocessed as the reference's `preprocess`
    does for SigLIP."""
    processor = model._processor_pair()[0]
    pixel_values = processor(Image.fromarray(image, "RGB"), return_tensors="np")["pixel_values"]
    return model.siglip(torch.from_numpy(pixel_values))[0]


def main():
    if len(sys.argv) < 6 or sys.argv[2] not in ("encode", "decode", "features"):
        sys.exit("usage: pytorch_model.py WEIGHTS encode|decode|features THREADS RUNS IMAGE...")
    path, mode, threads, runs, image_paths = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
    torch.set_num_threads(threads)

    start = time.perf_counter()
    model = load_model(path, verify=False)
    load_seconds = time.perf_counter() - start
    resident_after_load = resident_bytes()

    images = [load_image(image_path) for image_path in image_paths]
    with torch.inference_mode():
        if mode == "encode":
            def call(index):
                tokens(model, images[index])
        elif mode == "features":
            def call(index):
                features(model, images[index])
        else:
            encoded = [tokens(model, image).numpy() for image in images]

            def call(index):
                model.decode(encoded[index])

        call(0)
        times = []
        for run in range(runs):
            start = time.perf_counter()
            call((run + 1) % len(images))
            times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024    # KiB on Linux
    print(f"{mode}\t{sorted(times)[runs // 2]}\t{runs}\t{load_seconds}\t{resident_after_load}\t{peak}")


if __name__ == "__main__":
    main()
