"""Trains the `demo` model, the package's embedded default (Spec/architecture.md section 6).

    swift build -c release --toolset native.json
    python3 tools/make_demo_model.py --work runs/demo --threads 2
    cp runs/demo/demo.shw Sources/SemHiTok/DefaultModel/demo.shw

1. Data: copies the photographs of TRAIN into WORK/train and those of HELDOUT into
   WORK/heldout (never trained on), from ../shared/testdata/images and from scikit-image's
   data folder: public domain, CC0 or with no known copyright restrictions (the licence
   table is in README.md, "The default model").
2. Semantic stage: a SigLIP tower of the `demo` size with the deterministic random weights
   of seed 0 is the teacher, so the semantic codes partition patch appearance and carry no
   meaning.
3. Pixel stage, from the semantic stage; exports the head and the teacher.
4. `semhitok convert --dtype f16` gives WORK/demo.shw.

Both stages run on the CPU with a fixed seed: the same torch build and thread count give
the same weights. Each stage's log (JSON lines, with the held-out evaluations) is
WORK/semantic/log.jsonl and WORK/pixel/log.jsonl.
"""
import argparse
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = os.path.join(ROOT, "..", "shared", "testdata", "images")

# (file, folder it comes from): "testdata" is ../shared/testdata/images, "skimage" is
# scikit-image's data folder.
TRAIN = [
    ("astronaut.png", "testdata"), ("brick.png", "testdata"), ("grass.png", "testdata"),
    ("gravel.png", "testdata"), ("horse.png", "testdata"), ("hubble_deep_field.jpg", "testdata"),
    ("retina.jpg", "testdata"), ("rocket.jpg", "testdata"),
    ("camera.png", "skimage"), ("cell.png", "skimage"), ("clock_motion.png", "skimage"),
    ("coins.png", "skimage"), ("ihc.png", "skimage"), ("text.png", "skimage"),
]
HELDOUT = [("chelsea.png", "testdata"), ("coffee.png", "testdata")]


def source_folder(kind: str) -> str:
    if kind == "testdata":
        return TESTDATA
    import skimage
    return os.path.join(os.path.dirname(skimage.__file__), "data")


def copy_images(images, folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    for name, kind in images:
        shutil.copyfile(os.path.join(source_folder(kind), name), os.path.join(folder, name))


def run(command) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=os.path.join(ROOT, "runs", "demo"), help="working folder")
    parser.add_argument("--semhitok", default=os.path.join(ROOT, ".build", "release", "semhitok"),
                        help="the semhitok binary, for convert")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--semantic-steps", type=int, default=1000)
    parser.add_argument("--pixel-steps", type=int, default=3000)
    args = parser.parse_args()

    train_dir, heldout_dir = os.path.join(args.work, "train"), os.path.join(args.work, "heldout")
    copy_images(TRAIN, train_dir)
    copy_images(HELDOUT, heldout_dir)
    trainer = [sys.executable, os.path.join(ROOT, "tools", "semhitok_train.py")]
    common = ["--data", train_dir, "--eval", heldout_dir, "--batch-size", "16", "--threads", str(args.threads),
              "--eval-every", "250", "--checkpoint-every", "500", "--log-every", "25"]
    semantic, pixel = os.path.join(args.work, "semantic"), os.path.join(args.work, "pixel")
    run(trainer + ["--stage", "semantic", "--config", "demo", "--steps", str(args.semantic_steps),
                   "--out", semantic] + common)
    export = os.path.join(pixel, "export")
    run(trainer + ["--stage", "pixel", "--from", os.path.join(semantic, "final.pt"),
                   "--steps", str(args.pixel_steps), "--out", pixel, "--export", export] + common)
    run([args.semhitok, "convert", "--siglip", os.path.join(export, "siglip"),
         "--head", os.path.join(export, "head.safetensors"), "--dtype", "f16", "--name", "demo",
         "-o", os.path.join(args.work, "demo.shw")])


if __name__ == "__main__":
    main()
