"""Tests of the trainer (`semhitok_train.py` and its helpers), at the `tiny` size, seconds each.

- both stages reduce their loss over a few dozen steps on a handful of generated images,
  and their held-out figures (feature cosine; PSNR) improve; bf16 autocast runs;
- the EMA codebook stays l2-normalised, dead codes are restarted (a pixel sub-code only
  from a patch of its own semantic code);
- a resumed run ends with the same bytes as an uninterrupted one; the same seed gives the
  same weights;
- two processes under torchrun with gloo keep bit-identical weights and codebooks;
- a folder and webdataset shards of the same images give the same samples;
- export, `semhitok convert` and `semhitok encode` give the reference's tokens (skipped
  when the Swift binary `.build/release/semhitok` is not built).

Needs torch, transformers, timm, Pillow and safetensors; skipped without them.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

for package in ("torch", "transformers", "timm", "PIL", "safetensors"):
    pytest.importorskip(package)

import torch  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semhitok_data as data  # noqa: E402
import semhitok_train as trainer  # noqa: E402
from semhitok_ema import EmaCodebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build" / "release" / "semhitok"
COMMON = ["--config", "tiny", "--batch-size", "4", "--warmup", "2", "--lr", "2e-3", "--threads", "1",
          "--log-every", "1", "--eval-every", "1000", "--checkpoint-every", "1000", "--restart-every", "4"]


def _image(rng: np.random.Generator, height: int = 40, width: int = 48) -> np.ndarray:
    """A smooth colourful pattern: something a small model can learn to reconstruct."""
    y, x = np.mgrid[0:height, 0:width] / 20.0
    a, phase = rng.uniform(0.5, 3, 3), rng.uniform(0, 6, 3)
    channels = [np.sin(a[c] * x + phase[c] * y + phase[c]) for c in range(3)]
    return (np.stack(channels, -1) * 127.5 + 127.5).astype(np.uint8)


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    for k in range(6):
        where = folder / ("nested" if k % 2 else "") / f"image{k}.png"
        where.parent.mkdir(exist_ok=True)
        Image.fromarray(_image(rng)).save(where)
    return folder


def _train(out: Path, images: Path, *options: str) -> list[dict]:
    trainer.main(["--out", str(out), "--data", str(images), *COMMON, *options])
    return [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]


def _losses(log: list[dict]) -> list[float]:
    return [r["loss"] for r in log if "loss" in r]


@pytest.fixture(scope="module")
def semantic_run(images, tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("semantic")
    return out, _train(out, images, "--stage", "semantic", "--steps", "30", "--eval", str(images), "--eval-every", "15")


def _state(path: Path) -> dict:
    checkpoint = torch.load(path, weights_only=False)
    return {**{f"model.{k}": v for k, v in checkpoint["model"].items()},
            **{f"codebook.{k}": v for k, v in checkpoint["codebook"].items()}}


def _assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


# ---------------------------------------------------------------------------------------
# Learning


def test_semantic_stage_reduces_its_loss(semantic_run):
    losses = _losses(semantic_run[1])
    assert len(losses) == 30
    assert np.mean(losses[-5:]) < 0.7 * np.mean(losses[:5]), losses
    evals = [r["eval"] for r in semantic_run[1] if "eval" in r]
    assert len(evals) == 2 and evals[0]["images"] == 6
    assert evals[1]["feature_cosine"] > evals[0]["feature_cosine"]
    assert 1 <= evals[1]["semantic_perplexity"] <= evals[1]["semantic_used"] <= 64


def test_pixel_stage_reduces_its_loss(semantic_run, images, tmp_path):
    log = _train(tmp_path, images, "--stage", "pixel", "--from", str(semantic_run[0] / "final.pt"),
                 "--steps", "30", "--disc-start", "25", "--grad-weight", "0.5", "--eval", str(images),
                 "--eval-every", "15")
    losses = [r["l1"] for r in log if "l1" in r]
    assert np.mean(losses[-5:]) < 0.8 * np.mean(losses[:5]), losses
    assert "discriminator" in losses_record(log, 30) and "generator" in losses_record(log, 30)
    evals = [r["eval"] for r in log if "eval" in r]
    assert len(evals) == 2 and evals[1]["psnr"] > evals[0]["psnr"]
    assert {"ssim", "pixel_used", "pixel_perplexity", "semantic_used"} <= evals[1].keys()


def losses_record(log: list[dict], step: int) -> dict:
    return next(r for r in log if r.get("step") == step and "loss" in r)


def test_bf16_autocast_trains(semantic_run, images, tmp_path):
    log = _train(tmp_path, images, "--stage", "pixel", "--from", str(semantic_run[0] / "final.pt"),
                 "--steps", "3", "--bf16", "--disc-start", "1")
    assert all(np.isfinite(r["loss"]) for r in log if "loss" in r)


# ---------------------------------------------------------------------------------------
# The EMA codebook


def test_ema_codebook_stays_normalised_and_restarts_dead_codes():
    torch.manual_seed(0)
    weight = torch.nn.Parameter(torch.nn.functional.normalize(torch.randn(16, 4), dim=1), requires_grad=False)
    weight.data[8:] = -weight.data[0]            # far from the data below: never chosen
    codebook = EmaCodebook(weight, groups=1, decay=0.9)
    z = torch.nn.functional.normalize(weight.data[0] + 0.3 * torch.randn(64, 4), dim=1)
    for _ in range(5):
        index = codebook.lookup(z)
        codebook.update(z, index)
    assert torch.allclose(weight.norm(dim=1), torch.ones(16), atol=1e-6)
    dead = codebook.usage == 0
    assert dead[8:].all()
    replaced = codebook.restart_dead(z, index, torch.Generator().manual_seed(0))
    assert replaced == int(dead.sum())
    for row in weight.data[dead]:                # each restarted code is one of the features
        assert torch.isclose(z @ row, torch.tensor(1.0), atol=1e-5).any()
    assert (codebook.usage == 0).all()           # a fresh window


def test_pixel_sub_codes_restart_from_their_own_semantic_code():
    torch.manual_seed(1)
    K, m, d = 4, 3, 4
    weight = torch.nn.Parameter(torch.nn.functional.normalize(torch.randn(K, m, d), dim=-1), requires_grad=False)
    codebook = EmaCodebook(weight, groups=K, decay=0.9)
    group = torch.tensor([0] * 10 + [2] * 10)    # semantic codes 1 and 3 get no patch
    z = torch.nn.functional.normalize(torch.randn(20, d), dim=1)
    index = codebook.lookup(z, group)
    assert ((index // m) == group).all()         # a lookup never leaves its sub-codebook
    before = weight.data.clone()
    codebook.update(z, index)
    assert torch.allclose(weight.data[1], before[1], atol=1e-6)   # unused: direction kept
    dead = (codebook.usage == 0).view(K, m)
    codebook.restart_dead(z, index, torch.Generator().manual_seed(0))
    for k in (1, 3):                             # no patch of theirs: unchanged
        assert torch.allclose(weight.data[k], before[k], atol=1e-6)
    for k in (0, 2):                             # each restarted sub-code is a patch of code k
        for row in weight.data[k][dead[k]]:
            assert (z[group == k] @ row).max() > 1 - 1e-5


# ---------------------------------------------------------------------------------------
# Reproducibility


@pytest.mark.parametrize("stage", ["semantic", "pixel"])
def test_resume_equals_uninterrupted(semantic_run, images, tmp_path, stage):
    options = ["--stage", stage, "--steps", "6", "--checkpoint-every", "3", "--restart-every", "2"]
    if stage == "pixel":
        options += ["--from", str(semantic_run[0] / "final.pt"), "--disc-start", "2"]
    _train(tmp_path / "whole", images, *options)
    _train(tmp_path / "resumed", images, *options, "--resume", str(tmp_path / "whole" / "step-0000003.pt"))
    _assert_same(_state(tmp_path / "whole" / "final.pt"), _state(tmp_path / "resumed" / "final.pt"))
    whole = torch.load(tmp_path / "whole" / "final.pt", weights_only=False)
    resumed = torch.load(tmp_path / "resumed" / "final.pt", weights_only=False)
    assert whole["data"] == resumed["data"] and whole["step"] == resumed["step"] == 6
    for a, b in zip((whole["disc"] or {}).values(), (resumed["disc"] or {}).values()):
        assert torch.equal(a, b)


def test_same_seed_same_weights(images, tmp_path):
    options = ["--stage", "semantic", "--steps", "4"]
    _train(tmp_path / "a", images, *options)
    _train(tmp_path / "b", images, *options)
    _train(tmp_path / "c", images, *options, "--seed", "1")
    a, b, c = (_state(tmp_path / name / "final.pt") for name in "abc")
    _assert_same(a, b)
    assert not torch.equal(a["model.semantic_quantizer.codebook"], c["model.semantic_quantizer.codebook"])


def test_two_processes_keep_identical_codebooks(semantic_run, images, tmp_path):
    """torchrun, two CPU processes, gloo: every checkpoint compares a hash of each rank's
    weights, codebook and EMA statistics (the run fails if they differ)."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               str(ROOT / "tools" / "semhitok_train.py"), "--out", str(tmp_path), "--data", str(images),
               *COMMON, "--stage", "pixel", "--from", str(semantic_run[0] / "final.pt"), "--steps", "4",
               "--checkpoint-every", "2", "--restart-every", "2", "--batch-size", "2"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert log[-1]["world"] == 2 and log[-1]["replicas_identical"] is True
    assert any(r.get("restarted", 0) > 0 for r in log)       # restarts were broadcast too


def test_ranks_would_diverge_without_all_reduce():
    """The check above has teeth: one EMA update on different data gives different codebooks."""
    weight = torch.nn.Parameter(torch.nn.functional.normalize(torch.randn(8, 4), dim=1), requires_grad=False)
    first = EmaCodebook(torch.nn.Parameter(weight.data.clone(), requires_grad=False), 1)
    second = EmaCodebook(torch.nn.Parameter(weight.data.clone(), requires_grad=False), 1)
    for codebook, seed in ((first, 0), (second, 1)):
        z = torch.nn.functional.normalize(torch.randn(32, 4, generator=torch.Generator().manual_seed(seed)), dim=1)
        codebook.update(z, codebook.lookup(z))
    assert not torch.equal(first.weight, second.weight)


# ---------------------------------------------------------------------------------------
# Data


def test_tar_shards_and_folders_give_the_same_samples(images, tmp_path):
    files = data.find_units([images])
    shard = tmp_path / "shard-000.tar"
    with tarfile.open(shard, "w") as tar:
        for k, path in enumerate(files):
            key = f"sample{k:03d}"
            for name, payload in ((f"{key}.json", b"{}"), (f"{key}.png", Path(path).read_bytes()),
                                  (f"{key}.cls", b"7")):
                info = tarfile.TarInfo(name)
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
    from_folder = data.SampleStream(files, seed=0, shuffle=False)
    from_tar = data.SampleStream(data.find_units([shard]), seed=0, shuffle=False)
    for _ in range(len(files)):
        a, b = next(from_folder), next(from_tar)
        assert a[:2] == b[:2]
        assert np.array_equal(data.decode(a[3]()), data.decode(b[3]()))
    assert next(from_tar)[:2] == (1, 0)          # the next epoch
    # The folder is read recursively and in sorted order.
    assert files == sorted(files) and any("nested" in f for f in files)


def test_permuted_channels_are_a_seeded_reordering():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    orders = set()
    for k in range(40):
        permuted = data.permute_channels(image, data.sample_rng(3, 0, k))
        order = tuple(int(np.flatnonzero((image == permuted[:, :, [c]]).all(axis=(0, 1)))[0]) for c in range(3))
        assert sorted(order) == [0, 1, 2]
        assert np.array_equal(permuted, image[:, :, list(order)])
        assert np.array_equal(permuted, data.permute_channels(image, data.sample_rng(3, 0, k)))
        orders.add(order)
    assert len(orders) == 6


def test_stream_resumes_at_its_position(images):
    units = data.find_units([images])
    stream = data.SampleStream(units, seed=3)
    seen = [next(stream) for _ in range(9)]
    resumed = data.SampleStream(units, seed=3, start=seen[4][:2])
    assert [s[2] for s in seen[4:]] == [next(resumed)[2] for _ in range(5)]


# ---------------------------------------------------------------------------------------
# Export and the Swift converter


@pytest.mark.skipif(not BINARY.exists(), reason="the Swift CLI is not built (swift build -c release --toolset native.json)")
def test_export_converts_and_encodes_to_the_references_tokens(semantic_run, images, tmp_path):
    from semhitok_formats import TokenFile
    from semhitok_reference import load_image, load_model

    export = tmp_path / "export"
    _train(tmp_path / "run", images, "--stage", "pixel", "--from", str(semantic_run[0] / "final.pt"),
           "--steps", "10", "--export", str(export))
    model = tmp_path / "model.shw"
    subprocess.run([str(BINARY), "convert", "--siglip", str(export / "siglip"), "--head",
                    str(export / "head.safetensors"), "-o", str(model)], check=True, capture_output=True)
    pictures = sorted(str(p) for p in images.rglob("*.png"))[:3]
    subprocess.run([str(BINARY), "encode", *pictures, "-o", str(tmp_path / "t.sht"), "--model", str(model)],
                   check=True, capture_output=True)
    records = list(TokenFile(tmp_path / "t.sht"))
    # The trained model itself (rebuilt from its checkpoint) and the converted container.
    checkpoint = torch.load(tmp_path / "run" / "final.pt", weights_only=False)
    trained = trainer.build_model(checkpoint["teacher"])
    trained.load_state_dict(checkpoint["model"], strict=False)
    converted = load_model(model)
    for record, picture in zip(records, pictures):
        image = load_image(picture)
        swift = np.asarray(record.tokens).reshape(-1)
        assert np.array_equal(swift, converted.run(image)["expected.tokens"])
        assert np.array_equal(swift, trained.run(image)["expected.tokens"])


def test_teacher_from_a_siglip_directory(tmp_path):
    """--siglip DIR --siglip-layers N: the first N layers, post-LayerNorm only at full depth,
    as transformers computes them (Spec/convert.md 3.3)."""
    from transformers import SiglipVisionModel

    teacher = trainer.build_model({"siglip": None, "siglip_layers": None, "config": "tiny", "seed": 5, "name": None})
    trainer.export_model(teacher, {"siglip": None}, tmp_path)
    hf = SiglipVisionModel.from_pretrained(tmp_path / "siglip", attn_implementation="eager").eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        expected = hf(pixel_values=x, output_hidden_states=True)
        for layers, want, post in ((None, expected.last_hidden_state, 1), (1, expected.hidden_states[1], 0)):
            model = trainer.siglip_model(str(tmp_path / "siglip"), "tiny", layers, 0, None)
            assert model.values["siglip.post_layernorm"] == post
            assert torch.allclose(model.siglip(x), want, atol=1e-5)
