"""Trains a SemHiTok model, stage by stage, on the PyTorch reference model.

The paper's recipe (Chen et al., arXiv 2503.06764; ../shared/MISSION.md):

1. `--stage semantic`: SigLIP is a frozen teacher. The semantic quantizer's projection and
   codebook `C_sem` and the semantic decoder learn to reconstruct the teacher's features
   F_sig through the quantizer, as BEiT v2's VQ-KD: the projection is l2-normalised and
   matched (cosine) to the l2-normalised codebook, the decoder reads the code vectors with
   straight-through gradients, the loss is 1 - cosine similarity plus L1 (and a
   commitment term), and the codebook follows the features by norm-EMA with dead-code
   restarts (`semhitok_ema.py`).
2. `--stage pixel --from SEMANTIC_CHECKPOINT`: the semantic branch is frozen and gives each
   patch its semantic index i. The pixel encoder, the sub-codebooks `C_pix[i]` (each
   updated only by the patches of semantic code i) and the pixel decoder learn to
   reconstruct the image: L1 + (1 - SSIM) (+ an optional image-gradient term) + a
   commitment term, and after `--disc-start` steps a PatchGAN hinge loss.

Everything else a run needs: a teacher from a local HuggingFace SigLIP directory
(`--siglip`) or built with the deterministic random weights of Spec/architecture.md
section 7 at a named size (`--config`); images from folders or webdataset `.tar` shards
(`semhitok_data.py`) with random resized crops and flips; checkpoints and exact resume;
held-out evaluation; bf16 autocast; several processes under `torchrun`; export to a head
file (and the random teacher as a HuggingFace directory) for `semhitok convert`.

    python3 tools/semhitok_train.py --stage semantic --config tiny --data IMAGES --steps 2000 --out runs/sem
    python3 tools/semhitok_train.py --stage pixel --from runs/sem/final.pt --data IMAGES --steps 4000 \\
        --out runs/pix --export runs/pix/export

tools/README.md, "Training", explains every option.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semhitok_data as data  # noqa: E402
import semhitok_losses as losses  # noqa: E402
from semhitok_ema import EmaCodebook, l2_normalize, usage_stats  # noqa: E402
from semhitok_init import grid_size, init_tensor, named_config, tensor_shapes  # noqa: E402
from semhitok_reference import SIGLIP_PREFIX, SemHiTokReference, export_head, model_from_init  # noqa: E402

CHECKPOINT_VERSION = 1


# ---------------------------------------------------------------------------------------
# Options


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--stage", choices=("semantic", "pixel"), required=True)
    p.add_argument("--out", required=True, help="folder for checkpoints and log.jsonl")
    p.add_argument("--data", nargs="+", default=[], help="image folders (recursive) and/or .tar shards")
    p.add_argument("--eval", nargs="*", default=[], help="held-out image folders or shards")
    # the model and its teacher
    p.add_argument("--config", default="tiny", help="named configuration (Spec/architecture.md section 6) "
                   "giving the head's sizes, and the teacher's when --siglip is not given")
    p.add_argument("--siglip", help="local HuggingFace SigLIP directory (SiglipVisionModel.from_pretrained)")
    p.add_argument("--siglip-layers", type=int, help="keep the first N encoder layers (Spec/convert.md 3.3)")
    p.add_argument("--name", help="model.config_name of the trained model")
    p.add_argument("--from", dest="init_from", help="pixel stage: the semantic stage's checkpoint")
    p.add_argument("--resume", help="a checkpoint of this stage to continue exactly")
    # optimisation
    p.add_argument("--steps", type=int, default=1000, help="total optimizer steps of this stage")
    p.add_argument("--batch-size", type=int, default=16, help="images per process and step")
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--min-lr-ratio", type=float, default=0.1, help="cosine decay ends at lr times this")
    p.add_argument("--warmup", type=int, default=100, help="linear warm-up steps")
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--ema-decay", type=float, default=0.99, help="codebook EMA decay")
    p.add_argument("--restart-every", type=int, default=50,
                   help="restart codes unused during the last N steps (0: never)")
    p.add_argument("--commit-weight", type=float, default=0.25, help="commitment loss ||z - sg(code)||^2")
    p.add_argument("--l1-weight", type=float, default=1.0, help="semantic: L1 of the features; pixel: L1 of the image")
    p.add_argument("--ssim-weight", type=float, default=0.5, help="pixel: weight of 1 - SSIM")
    p.add_argument("--grad-weight", type=float, default=0.0, help="pixel: weight of the image-gradient L1")
    p.add_argument("--disc-start", type=int, default=-1, help="pixel: step the discriminator starts (-1: never)")
    p.add_argument("--disc-weight", type=float, default=0.1, help="pixel: weight of the generator's hinge loss")
    p.add_argument("--disc-lr", type=float, default=1e-4)
    # data
    p.add_argument("--crop-scale", type=float, nargs=2, default=(0.35, 1.0), help="random resized crop area range")
    p.add_argument("--no-flip", action="store_true", help="no horizontal flips")
    p.add_argument("--permute-channels", action="store_true",
                   help="each sample's R, G and B in a random order, against a dataset's colour bias")
    # running
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bf16", action="store_true", help="bf16 autocast (lookups and EMA stay float32)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: leave the default)")
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--checkpoint-every", type=int, default=500)
    p.add_argument("--export", help="write DIR/head.safetensors (and DIR/siglip for a random teacher)")
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------
# Processes: one, or several under torchrun


class Runtime:
    """Rank, world size and device; `main` is rank 0, which logs and writes files."""

    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        self.device = torch.device(f"cuda:{local}" if torch.cuda.is_available() else "cpu")
        if self.world > 1:
            if self.device.type == "cuda":
                torch.cuda.set_device(self.device)
            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")
        self.main = self.rank == 0

    def close(self):
        if self.world > 1:
            dist.destroy_process_group()


# ---------------------------------------------------------------------------------------
# The model and its teacher


def siglip_model(directory: str, config_name: str, layers: int | None, seed: int, name: str | None):
    """A reference model whose SigLIP tower is the checkpoint's first `layers` layers (with
    post-LayerNorm only at full depth, Spec/convert.md 3.3) and whose head has the sizes of
    the named configuration and the deterministic initialisation of section 7."""
    from transformers import SiglipVisionModel

    hf = SiglipVisionModel.from_pretrained(directory)
    c = hf.config
    depth = c.num_hidden_layers if layers is None else layers
    if not 1 <= depth <= c.num_hidden_layers:
        raise SystemExit(f"--siglip-layers must be from 1 to {c.num_hidden_layers}")
    config = named_config(config_name)
    config.update({
        "model.config_name": name or os.path.basename(os.path.normpath(directory)),
        "image.size": c.image_size, "siglip.patch_size": c.patch_size, "siglip.hidden_size": c.hidden_size,
        "siglip.intermediate_size": c.intermediate_size, "siglip.num_layers": depth,
        "siglip.num_heads": c.num_attention_heads, "siglip.layer_norm_eps": float(c.layer_norm_eps),
        "siglip.post_layernorm": int(depth == c.num_hidden_layers),
    })
    processor = os.path.join(directory, "preprocessor_config.json")
    if os.path.exists(processor):
        with open(processor) as file:
            settings = json.load(file)
        config["image.mean"] = [float(v) for v in settings.get("image_mean", [0.5] * 3)]
        config["image.std"] = [float(v) for v in settings.get("image_std", [0.5] * 3)]
    config["pixel.image_size"] = grid_size(config) * config["pixel.patch_size"]
    model = SemHiTokReference(config)
    tower = model.siglip.vision_model.state_dict()
    source = hf.state_dict()
    missing = sorted(set(tower) - set(source))
    if missing:
        raise SystemExit(f"{directory}: the checkpoint lacks {missing[0]} ({len(missing)} in all)")
    model.siglip.vision_model.load_state_dict({key: source[key] for key in tower})
    head = {name: torch.from_numpy(init_tensor(name, shape, seed))
            for name, shape in tensor_shapes(config).items() if not name.startswith(SIGLIP_PREFIX)}
    model.load_state_dict(head, strict=False)
    return model


def build_model(teacher: dict) -> SemHiTokReference:
    """The model described by a checkpoint's `teacher` record (see `teacher_record`)."""
    if teacher["siglip"]:
        return siglip_model(teacher["siglip"], teacher["config"], teacher["siglip_layers"], teacher["seed"],
                            teacher["name"])
    config = named_config(teacher["config"])
    if teacher["name"]:
        config["model.config_name"] = teacher["name"]
    # Every weight, the random teacher's included, from section 7's initialisation: the
    # same seed rebuilds the same teacher, so checkpoints need not store it.
    return model_from_init(config, teacher["seed"])


def teacher_record(args) -> dict:
    return {"siglip": args.siglip and os.path.abspath(args.siglip), "siglip_layers": args.siglip_layers,
            "config": args.config, "seed": args.seed, "name": args.name}


def head_state(model: nn.Module) -> dict:
    """Every tensor but the (frozen, rebuildable) SigLIP tower's."""
    return {k: v.detach().clone() for k, v in model.state_dict().items() if not k.startswith(SIGLIP_PREFIX)}


def unpatchify_batch(patches: torch.Tensor, grid: int, patch: int) -> torch.Tensor:
    """[B, N, P^2 3] -> [B, 3, G P, G P], the layout of Spec/architecture.md section 3.5."""
    y = patches.reshape(-1, grid, grid, patch, patch, 3)
    return y.permute(0, 5, 1, 3, 2, 4).reshape(-1, 3, grid * patch, grid * patch)


# ---------------------------------------------------------------------------------------
# The two stages: the trainable parts of each, as one module for DistributedDataParallel


class SemanticStage(nn.Module):
    """Projection -> normalise -> lookup in C_sem -> straight-through -> semantic decoder."""

    def __init__(self, model: SemHiTokReference, codebook: EmaCodebook, args):
        super().__init__()
        self.proj = model.semantic_quantizer.proj
        self.decoder = model.semantic_decoder
        self.codebook = codebook            # not a module: the optimizer never sees C_sem
        self.l1_weight, self.commit_weight = args.l1_weight, args.commit_weight

    def forward(self, features: torch.Tensor):
        z = l2_normalize(self.proj(features))                            # [B, N, D_q]
        index = self.codebook.lookup(z.flatten(0, 1))
        code = self.codebook.codes_of(index).view_as(z)
        quantized = z + (code - z).detach()                              # straight-through
        reconstructed = self.decoder(quantized).float()
        target = features.float()
        cosine = F.cosine_similarity(reconstructed, target, dim=-1).mean()
        l1 = (reconstructed - target).abs().mean()
        commit = (z - code).pow(2).sum(-1).mean()
        loss = (1 - cosine) + self.l1_weight * l1 + self.commit_weight * commit
        parts = {"cosine": cosine.detach(), "l1": l1.detach(), "commit": commit.detach()}
        return loss, parts, z.detach().flatten(0, 1), index


class PixelStage(nn.Module):
    """Pixel encoder -> normalise -> lookup in C_pix[i] -> straight-through -> pixel decoder
    on concat(C_sem[i], code)."""

    def __init__(self, model: SemHiTokReference, codebook: EmaCodebook):
        super().__init__()
        self.encoder, self.decoder = model.pixel_encoder, model.pixel_decoder
        self.codebook = codebook
        # In a list so that nn.Module does not register it: C_sem is frozen in this stage.
        self._semantic_codes = [model.semantic_quantizer.codebook]
        self.grid, self.patch = model.grid, model.values["pixel.patch_size"]

    def forward(self, pixel_values_pix: torch.Tensor, semantic_index: torch.Tensor):
        z = l2_normalize(self.encoder(pixel_values_pix))                 # [B, N, d]
        index = self.codebook.lookup(z.flatten(0, 1), semantic_index.flatten())
        code = self.codebook.codes_of(index).view_as(z)
        quantized = z + (code - z).detach()
        semantic = self._semantic_codes[0].detach()[semantic_index]          # [B, N, D_q]
        patches = self.decoder(torch.cat([semantic, quantized.to(semantic.dtype)], dim=-1))
        image = unpatchify_batch(patches.float(), self.grid, self.patch)
        commit = (z - code).pow(2).sum(-1).mean()
        return image, commit, z.detach().flatten(0, 1), index


@torch.no_grad()
def teacher_features(model: SemHiTokReference, pixel_values: torch.Tensor) -> torch.Tensor:
    return model.siglip(pixel_values).float()


@torch.no_grad()
def semantic_indices(model: SemHiTokReference, codebook: EmaCodebook, pixel_values: torch.Tensor) -> torch.Tensor:
    """The frozen semantic branch's index of every patch: [B, N]."""
    features = teacher_features(model, pixel_values)
    z = l2_normalize(model.semantic_quantizer.proj(features))
    return codebook.lookup(z.flatten(0, 1)).view(z.shape[:2])


# ---------------------------------------------------------------------------------------
# Data


def preprocess(model: SemHiTokReference, image: np.ndarray):
    """The model's own preprocessing (SigLIP's processor at image.size and at pixel.image_size)."""
    pixel_values, pixel_values_pix = model.preprocess(image)
    return torch.from_numpy(pixel_values), torch.from_numpy(pixel_values_pix)


def next_batch(stream: data.SampleStream, model, args, runtime: Runtime):
    """This rank's slice of the next global batch (world x batch-size samples of the stream),
    augmented by each sample's own generator."""
    batch = []
    for k in range(runtime.world * args.batch_size):
        epoch, index, _, read = next(stream)
        if k // args.batch_size != runtime.rank:
            continue                              # another rank's sample: not even decoded
        rng = data.sample_rng(args.seed, epoch, index)
        crop = data.random_resized_crop(data.decode(read()), rng, scale=tuple(args.crop_scale), flip=not args.no_flip)
        if args.permute_channels:
            crop = data.permute_channels(crop, rng)
        batch.append(preprocess(model, crop))
    return (torch.stack([b[0] for b in batch]).to(runtime.device),
            torch.stack([b[1] for b in batch]).to(runtime.device))


# ---------------------------------------------------------------------------------------
# Evaluation on the held-out images


@torch.no_grad()
def evaluate(model, stage: str, semantic_codebook, pixel_codebook, units, args, runtime) -> dict:
    """Held-out metrics of the whole images (no augmentation): semantic usage and
    perplexity always; the cosine similarity of F_sem to F_sig in the semantic stage; PSNR,
    SSIM and the pixel sub-codes' usage in the pixel stage."""
    images = [preprocess(model, data.decode(read())) for unit in units for _, read in data.unit_samples(unit)]
    result = {"images": len(images)}
    sem_all, pix_all, cosines, psnrs, ssims = [], [], [], [], []
    with torch.autocast(runtime.device.type, dtype=torch.bfloat16, enabled=args.bf16):
        for start in range(0, len(images), args.batch_size):
            chunk = images[start:start + args.batch_size]
            pv = torch.stack([c[0] for c in chunk]).to(runtime.device)
            features = teacher_features(model, pv)
            z = l2_normalize(model.semantic_quantizer.proj(features))
            i = semantic_codebook.lookup(z.flatten(0, 1)).view(z.shape[:2])
            sem_all.append(i.flatten())
            if stage == "semantic":
                rebuilt = model.semantic_decoder(semantic_codebook.codes_of(i)).float()
                cosines.append(F.cosine_similarity(rebuilt, features, dim=-1).mean(1))
            else:
                target = torch.stack([c[1] for c in chunk]).to(runtime.device)
                zp = l2_normalize(model.pixel_encoder(target))
                flat = pixel_codebook.lookup(zp.flatten(0, 1), i.flatten())
                codes = torch.cat([semantic_codebook.codes_of(i.flatten()), pixel_codebook.codes_of(flat)], -1)
                patches = model.pixel_decoder(codes.view(*i.shape, -1)).float()
                decoded = unpatchify_batch(patches, model.grid, model.values["pixel.patch_size"])
                a = (decoded.clamp(-1, 1) + 1) / 2
                b = (target + 1) / 2
                psnrs.append(losses.psnr(a, b))
                ssims.append(losses.ssim(a, b))
                pix_all.append(flat)
    sem = usage_stats(torch.cat(sem_all), semantic_codebook.codes)
    result.update({"semantic_used": sem["used"], "semantic_usage": sem["usage"],
                   "semantic_perplexity": sem["perplexity"]})
    if stage == "semantic":
        result["feature_cosine"] = torch.cat(cosines).mean().item()
    else:
        pix = usage_stats(torch.cat(pix_all), pixel_codebook.codes)
        result.update({"psnr": torch.cat(psnrs).mean().item(), "ssim": torch.cat(ssims).mean().item(),
                       "pixel_used": pix["used"], "pixel_usage": pix["usage"],
                       "pixel_perplexity": pix["perplexity"]})
    return result


# ---------------------------------------------------------------------------------------
# Checkpoints


def rng_states() -> dict:
    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}


def set_rng_states(states: dict) -> None:
    torch.set_rng_state(states["torch"])
    np.random.set_state(states["numpy"])
    random.setstate(states["python"])


def save_checkpoint(path: str, state: dict) -> None:
    """Written to a temporary name and renamed, so a crash never leaves half a checkpoint."""
    temporary = path + ".partial"
    torch.save(state, temporary)
    os.replace(temporary, path)


def replica_digest(model, codebooks) -> str:
    """A hash of every trained tensor and codebook statistic, to compare the ranks."""
    digest = hashlib.sha256()
    for name, value in sorted(head_state(model).items()):
        digest.update(name.encode())
        digest.update(value.cpu().contiguous().numpy().tobytes())
    for codebook in codebooks:
        for value in codebook.state_dict().values():
            digest.update(value.cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def check_replicas(model, codebooks, runtime) -> bool:
    """Every rank holds the same weights and codebooks (raises otherwise)."""
    if runtime.world == 1:
        return True
    digests = [None] * runtime.world
    dist.all_gather_object(digests, replica_digest(model, codebooks))
    if len(set(digests)) != 1:
        raise RuntimeError(f"the ranks' models differ: {digests}")
    return True


# ---------------------------------------------------------------------------------------
# Export


def export_model(model: SemHiTokReference, teacher: dict, directory: str) -> None:
    """DIR/head.safetensors, and for a random teacher DIR/siglip (a HuggingFace directory):
    `semhitok convert --siglip DIR/siglip --head DIR/head.safetensors -o model.shw`."""
    os.makedirs(directory, exist_ok=True)
    export_head(model, os.path.join(directory, "head.safetensors"))
    if teacher["siglip"]:
        print(f"export: convert with --siglip {teacher['siglip']}", file=sys.stderr)
        return
    if not model.values["siglip.post_layernorm"]:
        raise SystemExit("export: a random teacher without post-LayerNorm cannot be saved as a "
                         "SigLIP checkpoint the converter reads at this depth")
    from transformers import SiglipImageProcessor

    tower = os.path.join(directory, "siglip")
    model.siglip.vision_model.save_pretrained(tower)
    size = model.values["image.size"]
    SiglipImageProcessor(size={"height": size, "width": size}, image_mean=list(model.values["image.mean"]),
                         image_std=list(model.values["image.std"])).save_pretrained(tower)


# ---------------------------------------------------------------------------------------
# Training


def learning_rate(args, step: int) -> float:
    """Linear warm-up, then cosine decay to lr * min-lr-ratio at the last step."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    progress = (step - args.warmup) / max(1, args.steps - args.warmup)
    return args.lr * (args.min_lr_ratio + (1 - args.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def make_optimizer(module: nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    """AdamW; no weight decay on biases, norms and position embeddings."""
    decay, plain = [], []
    for name, parameter in module.named_parameters():
        if parameter.requires_grad:
            (decay if parameter.ndim >= 2 and "pos_embed" not in name else plain).append(parameter)
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": plain, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.99))


def train(args) -> dict:
    runtime = Runtime()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    random.seed(args.seed)

    # -- where the run starts: fresh, from the semantic stage, or resumed
    resume = torch.load(args.resume, map_location="cpu", weights_only=False) if args.resume else None
    start = torch.load(args.init_from, map_location="cpu", weights_only=False) if args.init_from else None
    if resume and resume["stage"] != args.stage:
        raise SystemExit(f"--resume: {args.resume} is a {resume['stage']} checkpoint")
    if args.stage == "pixel" and not (start or resume):
        raise SystemExit("the pixel stage needs --from SEMANTIC_CHECKPOINT (or --resume)")
    if start and start["stage"] != "semantic":
        raise SystemExit(f"--from: {args.init_from} is not a semantic checkpoint")
    teacher = (resume or start or {}).get("teacher") or teacher_record(args)
    model = build_model(teacher)
    if resume or start:
        model.load_state_dict((resume or start)["model"], strict=False)
    model.to(runtime.device)
    if model.values["semantic.metric"] != "cosine" or model.values["pixel.metric"] != "cosine":
        raise SystemExit("the trainer implements the cosine metric only")

    # -- the trainable parts; everything else stays frozen in eval mode
    semantic_codebook = EmaCodebook(model.semantic_quantizer.codebook, 1, args.ema_decay)
    pixel_codebook = EmaCodebook(model.pixel_quantizer.codebook, model.values["semantic.codebook_size"],
                                 args.ema_decay)
    if args.stage == "semantic":
        stage, codebook = SemanticStage(model, semantic_codebook, args), semantic_codebook
    else:
        stage, codebook = PixelStage(model, pixel_codebook), pixel_codebook
    stage.requires_grad_(True)
    stage.train()
    optimizer = make_optimizer(stage, args.lr, args.weight_decay)
    discriminator = disc_optimizer = None
    if args.stage == "pixel" and args.disc_start >= 0:
        torch.manual_seed(args.seed)                     # the same discriminator on every rank
        discriminator = losses.PatchDiscriminator().to(runtime.device)
        disc_optimizer = torch.optim.AdamW(discriminator.parameters(), lr=args.disc_lr, betas=(0.5, 0.9),
                                           weight_decay=0.0)
    stage_run, disc_run = stage, discriminator
    if runtime.world > 1:
        ids = [runtime.device.index] if runtime.device.type == "cuda" else None
        stage_run = nn.parallel.DistributedDataParallel(stage, device_ids=ids)
        if discriminator is not None:
            disc_run = nn.parallel.DistributedDataParallel(discriminator, device_ids=ids)

    step, position = 0, (0, 0)
    if resume:
        optimizer.load_state_dict(resume["optimizer"])
        codebook.load_state_dict(resume["codebook"])
        if discriminator is not None and resume.get("disc"):
            discriminator.load_state_dict(resume["disc"])
            disc_optimizer.load_state_dict(resume["disc_optimizer"])
        step, position = resume["step"], tuple(resume["data"])
        set_rng_states(resume["rng"])

    stream = data.SampleStream(data.find_units(args.data), args.seed, shuffle=True, start=position)
    eval_units = data.find_units(args.eval) if args.eval else []
    os.makedirs(args.out, exist_ok=True)
    log_path = os.path.join(args.out, "log.jsonl")

    def log(record: dict) -> None:
        if runtime.main:
            line = json.dumps(record)
            print(line, flush=True)
            with open(log_path, "a") as file:
                file.write(line + "\n")

    def checkpoint(name: str) -> str:
        path = os.path.join(args.out, name)
        check_replicas(model, [codebook], runtime)
        if runtime.main:
            save_checkpoint(path, {
                "version": CHECKPOINT_VERSION, "stage": args.stage, "teacher": teacher,
                "config": model.config, "model": head_state(model), "codebook": codebook.state_dict(),
                "optimizer": optimizer.state_dict(),
                "disc": discriminator.state_dict() if discriminator is not None else None,
                "disc_optimizer": disc_optimizer.state_dict() if disc_optimizer is not None else None,
                "step": step, "data": stream.position(), "rng": rng_states(), "args": vars(args)})
        return path

    window_indices, window_parts, started = [], {}, time.time()
    while step < args.steps:
        lr = learning_rate(args, step)
        for group in optimizer.param_groups:
            group["lr"] = lr
        pixel_values, pixel_values_pix = next_batch(stream, model, args, runtime)
        gan = discriminator is not None and step >= args.disc_start
        with torch.autocast(runtime.device.type, dtype=torch.bfloat16, enabled=args.bf16):
            if args.stage == "semantic":
                features = teacher_features(model, pixel_values)
                loss, parts, z, index = stage_run(features)
            else:
                semantic = semantic_indices(model, semantic_codebook, pixel_values)
                image, commit, z, index = stage_run(pixel_values_pix, semantic)
                a, b = (image + 1) / 2, (pixel_values_pix + 1) / 2      # [0, 1] for SSIM
                l1 = (image - pixel_values_pix).abs().mean()
                structure = 1 - losses.ssim(a, b).mean()
                loss = args.l1_weight * l1 + args.ssim_weight * structure + args.commit_weight * commit
                parts = {"l1": l1.detach(), "ssim": 1 - structure.detach(), "commit": commit.detach()}
                if args.grad_weight:
                    gradient = losses.gradient_loss(image, pixel_values_pix)
                    loss = loss + args.grad_weight * gradient
                    parts["gradient"] = gradient.detach()
                if gan:
                    # The generator's loss through the discriminator's current weights,
                    # detached, so this backward leaves the discriminator untouched.
                    frozen = {k: v.detach() for k, v in discriminator.named_parameters()}
                    fake = torch.func.functional_call(discriminator, frozen, (image,))
                    generator = losses.hinge_generator_loss(fake.float())
                    loss = loss + args.disc_weight * generator
                    parts["generator"] = generator.detach()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if args.grad_clip:
            torch.nn.utils.clip_grad_norm_(stage.parameters(), args.grad_clip)
        optimizer.step()
        if gan:
            with torch.autocast(runtime.device.type, dtype=torch.bfloat16, enabled=args.bf16):
                d_loss = losses.hinge_discriminator_loss(disc_run(pixel_values_pix).float(),
                                                         disc_run(image.detach()).float())
            disc_optimizer.zero_grad(set_to_none=True)
            d_loss.backward()
            disc_optimizer.step()
            parts["discriminator"] = d_loss.detach()
        # The codebook learns after the step, from the features the step looked up.
        codebook.update(z, index)
        step += 1
        restarted = None
        if args.restart_every and step % args.restart_every == 0:
            generator_rng = torch.Generator().manual_seed(args.seed * 1_000_003 + step)
            restarted = codebook.restart_dead(z.cpu(), index.cpu(), generator_rng)

        window_indices.append(index.cpu())
        for key, value in dict(parts, loss=loss.detach()).items():
            window_parts[key] = window_parts.get(key, 0.0) + float(value)
        if step % args.log_every == 0 or step == args.steps:
            stats = usage_stats(torch.cat(window_indices), codebook.codes)
            record = {"step": step, "stage": args.stage, "lr": lr,
                      **{k: v / len(window_indices) for k, v in window_parts.items()},
                      "codes_used": stats["used"], "perplexity": stats["perplexity"],
                      "images_per_s": len(window_indices) * args.batch_size * runtime.world
                      / max(time.time() - started, 1e-9)}
            if restarted is not None:
                record["restarted"] = restarted
            log(record)
            window_indices, window_parts, started = [], {}, time.time()
        if eval_units and runtime.main and (step % args.eval_every == 0 or step == args.steps):
            log({"step": step, "eval": evaluate(model, args.stage, semantic_codebook, pixel_codebook,
                                                eval_units, args, runtime)})
        if args.checkpoint_every and step % args.checkpoint_every == 0:
            checkpoint(f"step-{step:07d}.pt")

    final = checkpoint("final.pt")
    log({"step": step, "checkpoint": final, "replicas_identical": True, "world": runtime.world})
    if args.export and runtime.main:
        export_model(model, teacher, args.export)
        log({"step": step, "export": args.export})
    runtime.close()
    return {"model": model, "codebook": codebook, "step": step}


def main(argv=None) -> None:
    train(parse_args(argv))


if __name__ == "__main__":
    main()
