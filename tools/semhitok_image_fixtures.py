"""What the image fixture generators share (make_gif_fixtures.py, make_bmp_fixtures.py):
synthetic content, Pillow's pixels as the SigLIP processor converts them, writing a fixture
folder with its expected pixels and the files Pillow refuses, and the pytest check that a
rerun reproduces a committed folder."""
import filecmp
import io
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import write_weights  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def gradient(width, height):
    """A smooth synthetic gradient in all three channels."""
    y, x = np.mgrid[0:height, 0:width]
    red = 255 * x / max(width - 1, 1)
    green = 255 * y / max(height - 1, 1)
    blue = 127.5 + 127.5 * np.sin((x + 2 * y) / 5.0)
    return Image.fromarray(np.stack([red, green, blue], -1).round().astype(np.uint8))


def colours(count, seed=2):
    """`count` seeded random colours: not a grey ramp."""
    rng = np.random.default_rng(seed + count)
    return [tuple(int(c) for c in rng.integers(0, 256, 3)) for _ in range(count)]


def pillow_rgb(data):
    """Pillow's RGB pixels of the file bytes `data` as `convert_to_rgb` gives them: an image
    with an alpha band or a transparent colour is composited over opaque white."""
    image = Image.open(io.BytesIO(data))
    image.load()
    if "transparency" in image.info or image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def pillow_refuses(data):
    """Whether Pillow raises opening, loading or converting `data`."""
    try:
        pillow_rgb(data)
    except (OSError, ValueError, EOFError, SyntaxError):
        return True
    return False


def write_fixture_folder(out, accepted, refused, description):
    """Writes the (name, bytes) pairs of `accepted` into `out` with Pillow's pixels of each
    in `out`/expected.shw, and those of `refused` into `out`/refused, checking that Pillow
    refuses each."""
    os.makedirs(os.path.join(out, "refused"), exist_ok=True)
    pixels = {}
    for name, data in accepted:
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(data)
        pixels[name] = pillow_rgb(data)
    for name, data in refused:
        if not pillow_refuses(data):
            raise AssertionError(f"Pillow reads refused/{name}")
        with open(os.path.join(out, "refused", name), "wb") as handle:
            handle.write(data)
    write_weights(os.path.join(out, "expected.shw"), {"case.description": description}, pixels)


def assert_rerun_reproduces(generator, golden, tmp_path, monkeypatch):
    """Runs the generator module's `main` into `tmp_path` and checks that it writes exactly
    the files of the committed folder `golden` and of its `refused` folder."""
    monkeypatch.setattr(sys, "argv", [generator.__name__ + ".py", "--out", str(tmp_path)])
    generator.main()
    for folder in ("", "refused"):
        names = sorted(n for n in os.listdir(tmp_path / folder) if os.path.isfile(tmp_path / folder / n))
        committed = sorted(n for n in os.listdir(os.path.join(golden, folder))
                           if os.path.isfile(os.path.join(golden, folder, n)) and n != "README.md")
        assert names == committed
        _, mismatch, errors = filecmp.cmpfiles(tmp_path / folder, os.path.join(golden, folder), names, shallow=False)
        assert mismatch == [] and errors == []
