"""Decodes every image under the given paths with `semhitok image` and with Pillow, and
reports where the two disagree: the check that this package reads a corpus nobody here
wrote (libwebp's test files, a crawl, a camera's output) as the Python pipeline would.

    python3 tools/compare_with_pillow.py [--semhitok BIN] PATH...

Each PATH is a file or a folder (searched recursively). Pillow's side is `pillow_rgb`, the
SigLIP processor's conversion (alpha composited over white). Every file gets one verdict:
`same` (equal RGB bytes), `differ`, `both refuse`, `swift refuses` (Pillow reads it) or
`pillow refuses` (this package reads it). Files that are not `same` or `both refuse` are
listed with the error message; the exit status is 1 when any file `differs`, 0 otherwise.
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_image_fixtures import ROOT, pillow_rgb  # noqa: E402

VERDICTS = ("same", "differ", "both refuse", "swift refuses", "pillow refuses")


def image_files(paths):
    """Every file under `paths`, sorted, folders searched recursively."""
    for path in paths:
        if os.path.isdir(path):
            for folder, _, names in sorted(os.walk(path)):
                for name in sorted(names):
                    yield os.path.join(folder, name)
        else:
            yield path


def read_ppm(path):
    """The pixels of a binary PPM (P6, maxval 255) as `semhitok image` writes it."""
    with open(path, "rb") as handle:
        data = handle.read()
    fields, offset = [], 0
    while len(fields) < 4:
        while data[offset:offset + 1].isspace():
            offset += 1
        end = offset
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[offset:end])
        offset = end
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P6" or maxval != 255:
        raise ValueError(f"{path}: not an 8-bit binary PPM")
    return np.frombuffer(data[offset + 1:], dtype=np.uint8).reshape(height, width, 3)


def swift_rgb(binary, path, scratch):
    """`semhitok image`'s pixels of `path`, or its error message."""
    output = os.path.join(scratch, "image.ppm")
    result = subprocess.run([binary, "image", path, "-o", output], capture_output=True, text=True)
    if result.returncode != 0:
        return None, result.stderr.strip()
    return read_ppm(output), None


def pillow_pixels(path):
    """Pillow's pixels of `path`, or the exception's text."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return pillow_rgb(data), None
    except Exception as error:  # Pillow raises many kinds; any of them is a refusal
        return None, f"{type(error).__name__}: {error}"


def verdict(ours, theirs):
    """The verdict for one file from the two decodes (None: refused)."""
    if ours is None and theirs is None:
        return "both refuse"
    if ours is None:
        return "swift refuses"
    if theirs is None:
        return "pillow refuses"
    return "same" if ours.shape == theirs.shape and np.array_equal(ours, theirs) else "differ"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--semhitok", default=os.path.join(ROOT, ".build", "release", "semhitok"),
                        help="the semhitok binary (default: .build/release/semhitok)")
    parser.add_argument("paths", nargs="+", help="image files or folders")
    arguments = parser.parse_args()
    counts = collections.Counter()
    with tempfile.TemporaryDirectory() as scratch:
        for path in image_files(arguments.paths):
            ours, our_error = swift_rgb(arguments.semhitok, path, scratch)
            theirs, their_error = pillow_pixels(path)
            result = verdict(ours, theirs)
            counts[result] += 1
            if result == "differ":
                detail = f"swift {ours.shape}, pillow {theirs.shape}"
                if ours.shape == theirs.shape:
                    detail = f"{int(np.count_nonzero(ours != theirs))} bytes differ"
                print(f"{path}: differ ({detail})")
            elif result == "swift refuses":
                print(f"{path}: swift refuses ({our_error})")
            elif result == "pillow refuses":
                print(f"{path}: pillow refuses ({their_error})")
    print(", ".join(f"{counts[name]} {name}" for name in VERDICTS))
    return 1 if counts["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
