"""The image work of SemHiTokBenchmarks done with Pillow: decode a JPEG and a PNG file held
in memory to RGB, and a bicubic resize. Prints `name<TAB>median seconds<TAB>runs` like the
Swift side, on the same photographs, from the folder given as the one argument."""
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


def main():
    folder = Path(sys.argv[1])
    jpeg = (folder / "hubble_deep_field.jpg").read_bytes()
    runs = 21
    print(f"jpeg_decode_1000x872\t{median(runs, lambda: decode(jpeg))}\t{runs}")

    png = (folder / "astronaut.png").read_bytes()
    print(f"png_decode_512x512\t{median(runs, lambda: decode(png))}\t{runs}")

    hubble = decode(jpeg)
    runs = 51
    print(f"bicubic_1000x872_to_256x256\t{median(runs, lambda: hubble.resize((256, 256), Image.BICUBIC))}\t{runs}")


if __name__ == "__main__":
    main()
