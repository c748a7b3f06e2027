"""Writes a folder of N web-like photographs for Benchmarks/dataset: seeded random crops of
the shared test photographs, resized to 320 to 640 pixels wide, saved as baseline JPEG
(quality 80 to 95, 4:2:0) or, one in ten, as PNG.

    python3 make_dataset_folder.py PHOTOS_DIR OUT_DIR N
"""
import random
import sys
from pathlib import Path

from PIL import Image


def main() -> None:
    photos_dir, out_dir, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    sources = [Image.open(p).convert("RGB") for p in sorted(photos_dir.iterdir())
               if p.suffix.lower() in (".png", ".jpg", ".jpeg")]
    generator = random.Random(2026)
    out_dir.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        source = generator.choice(sources)
        width = generator.randint(source.width // 2, source.width)
        height = generator.randint(source.height // 2, source.height)
        left = generator.randint(0, source.width - width)
        top = generator.randint(0, source.height - height)
        target_width = generator.randint(320, 640)
        target_height = max(1, round(height * target_width / width))
        image = source.crop((left, top, left + width, top + height)).resize((target_width, target_height),
                                                                            Image.BICUBIC)
        name = out_dir / f"{index // 100:03d}" / f"{index:05d}"
        name.parent.mkdir(exist_ok=True)
        if generator.random() < 0.1:
            image.save(name.with_suffix(".png"))
        else:
            image.save(name.with_suffix(".jpg"), quality=generator.randint(80, 95), subsampling=2)


if __name__ == "__main__":
    main()
