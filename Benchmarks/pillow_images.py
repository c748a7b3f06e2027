"""The image work of SemHiTokBenchmarks done with Pillow: decode JPEG (baseline, CMYK,
lossless and arithmetic-coded), PNG, GIF, BMP and lossless WebP files held in memory to RGB,
and a bicubic resize. Prints `name<TAB>median seconds<TAB>runs` like the Swift side, on the same files:
the photographs of the folder given as the first argument, and the files that
`derived_files` writes from one of them into the folder given as the second (the Swift side
reads them there). Pillow cannot write lossless or arithmetic-coded JPEG: those come from
the fixture generator's encoder (tools/make_jpeg_fixtures.py)."""
import sys
import time
from io import BytesIO
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from make_jpeg_fixtures import craft_jpeg, craft_lossless, interleaved  # noqa: E402


def median(runs, body):
    body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2]


def decode(data):
    """The RGB image in the file bytes `data`, decoded from memory so that no file I/O is timed."""
    with Image.open(BytesIO(data)) as image:
        image.load()
        return image.convert("RGB")


DERIVED = ["astronaut.gif", "astronaut.bmp", "astronaut_cmyk.jpg", "astronaut_lossless.jpg", "astronaut_arithmetic.jpg",
           "astronaut_lossless.webp", "astronaut_lossy.webp"]


def derived_files(folder, out):
    """Writes into `out`, from `folder`/astronaut.png: astronaut.gif (256 colours, Pillow's
    adaptive palette, interlaced), astronaut.bmp (24 bits), astronaut_cmyk.jpg (Pillow's
    CMYK JPEG, quality 90), astronaut_lossless.jpg (8-bit lossless, RGB, predictor 1),
    astronaut_arithmetic.jpg (sequential arithmetic coding, 4:2:0), astronaut_lossless.webp
    (Pillow's lossless WebP, default settings) and astronaut_lossy.webp (Pillow's lossy WebP,
    quality 80); returns their bytes by name."""
    out.mkdir(parents=True, exist_ok=True)
    with Image.open(folder / "astronaut.png") as source:
        rgb = source.convert("RGB")
    rgb.quantize(colors=256).save(out / "astronaut.gif", interlace=True)
    rgb.save(out / "astronaut.bmp")
    rgb.convert("CMYK").save(out / "astronaut_cmyk.jpg", quality=90)
    (out / "astronaut_lossless.jpg").write_bytes(craft_lossless(rgb, [(1, 1)] * 3, interleaved(3), 1))
    (out / "astronaut_arithmetic.jpg").write_bytes(craft_jpeg(rgb, [(2, 2), (1, 1), (1, 1)], interleaved(3), sof=0xC9))
    rgb.save(out / "astronaut_lossless.webp", lossless=True)
    rgb.save(out / "astronaut_lossy.webp", quality=80)
    return {name: (out / name).read_bytes() for name in DERIVED}


def main():
    folder = Path(sys.argv[1])
    jpeg = (folder / "hubble_deep_field.jpg").read_bytes()
    runs = 21
    print(f"jpeg_decode_1000x872\t{median(runs, lambda: decode(jpeg))}\t{runs}")

    png = (folder / "astronaut.png").read_bytes()
    print(f"png_decode_512x512\t{median(runs, lambda: decode(png))}\t{runs}")

    derived = derived_files(folder, Path(sys.argv[2]))
    for name, file in [("gif", "astronaut.gif"), ("bmp", "astronaut.bmp"), ("jpeg_cmyk", "astronaut_cmyk.jpg"),
                       ("jpeg_lossless", "astronaut_lossless.jpg"), ("jpeg_arithmetic", "astronaut_arithmetic.jpg"),
                       ("webp_lossless", "astronaut_lossless.webp"), ("webp_lossy", "astronaut_lossy.webp")]:
        data = derived[file]
        print(f"{name}_decode_512x512\t{median(runs, lambda: decode(data))}\t{runs}")

    hubble = decode(jpeg)
    runs = 51
    print(f"bicubic_1000x872_to_256x256\t{median(runs, lambda: hubble.resize((256, 256), Image.BICUBIC))}\t{runs}")


if __name__ == "__main__":
    main()
