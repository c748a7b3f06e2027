"""tools/compare_with_pillow.py: its verdicts and its PPM reader, checked against Pillow's
own PPM writer and hand-made pixel arrays."""
import numpy as np
from PIL import Image

from compare_with_pillow import read_ppm, verdict


def test_reads_the_pixels_pillow_writes_as_ppm(tmp_path):
    pixels = np.arange(5 * 3 * 3, dtype=np.uint8).reshape(3, 5, 3)
    path = tmp_path / "image.ppm"
    Image.fromarray(pixels).save(path)
    assert np.array_equal(read_ppm(str(path)), pixels)


def test_verdicts():
    a = np.zeros((2, 2, 3), np.uint8)
    b = a.copy()
    b[1, 1, 2] = 1
    assert verdict(a, a.copy()) == "same"
    assert verdict(a, b) == "differ"
    assert verdict(a, np.zeros((2, 3, 3), np.uint8)) == "differ"
    assert verdict(None, None) == "both refuse"
    assert verdict(None, a) == "swift refuses"
    assert verdict(a, None) == "pillow refuses"
