"""The image work of SemHiTokBenchmarks done with Pillow: decode a JPEG, a PNG, a GIF and a
BMP file held in memory to RGB, and a bicubic resize. Prints `name<TAB>median
seconds<TAB>runs` like the Swift side, on the same files: the photographs of the folder
given as the first argument, and the GIF and BMP that `derived_files` writes from one of
them into the folder given as the second (the Swift side reads them there)."""
import sys
import time
from io import BytesIO
from pathlib import Path

from PIL import Image


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


def derived_files(folder, out):
    """Writes `out`/astronaut.gif (256 colours, Pillow's adaptive palette, interlaced) and
    `out`/astronaut.bmp (24 bits) from `folder`/astronaut.png; returns their bytes."""
    out.mkdir(parents=True, exist_ok=True)
    with Image.open(folder / "astronaut.png") as source:
        rgb = source.convert("RGB")
    rgb.quantize(colors=256).save(out / "astronaut.gif", interlace=True)
    rgb.save(out / "astronaut.bmp")
    return (out / "astronaut.gif").read_bytes(), (out / "astronaut.bmp").read_bytes()


def main():
    folder = Path(sys.argv[1])
    jpeg = (folder / "hubble_deep_field.jpg").read_bytes()
    runs = 21
    print(f"jpeg_decode_1000x872\t{median(runs, lambda: decode(jpeg))}\t{runs}")

    png = (folder / "astronaut.png").read_bytes()
    print(f"png_decode_512x512\t{median(runs, lambda: decode(png))}\t{runs}")

    gif, bmp = derived_files(folder, Path(sys.argv[2]))
    print(f"gif_decode_512x512\t{median(runs, lambda: decode(gif))}\t{runs}")
    print(f"bmp_decode_512x512\t{median(runs, lambda: decode(bmp))}\t{runs}")

    hubble = decode(jpeg)
    runs = 51
    print(f"bicubic_1000x872_to_256x256\t{median(runs, lambda: hubble.resize((256, 256), Image.BICUBIC))}\t{runs}")


if __name__ == "__main__":
    main()
