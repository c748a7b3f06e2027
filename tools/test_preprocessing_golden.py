"""pytest: the preprocessing generator (tools/make_preprocessing_golden.py).

- A rerun reproduces golden/preprocessing/ byte for byte, with no file missing or extra.
  Skipped without Pillow, transformers' `SiglipImageProcessorPil` (transformers 5) or
  ../shared/testdata, whose photographs two cases take.
- A few committed values against the Spec by hand: a same-size resize is a copy, and
  postprocessing sends -1, 0, 1, -0 and values beyond [-1, 1] to the bytes section 4 gives.
"""
import filecmp
import os
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy", reason="numpy is not installed")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from semhitok_formats import read_weights  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden" / "preprocessing"
TESTDATA = ROOT.parent / "shared" / "testdata"


def test_rerun_reproduces_the_committed_files(tmp_path, monkeypatch):
    if not (TESTDATA / "images").is_dir():
        pytest.skip("../shared/testdata is absent: the photograph cases cannot be regenerated")
    pytest.importorskip("PIL", reason="Pillow is not installed")
    pytest.importorskip("transformers.models.siglip.image_processing_pil_siglip",
                        reason="transformers 5 (SiglipImageProcessorPil) is not installed")
    import make_preprocessing_golden as generator

    monkeypatch.setattr(sys, "argv", ["make_preprocessing_golden.py", "--out", str(tmp_path),
                                      "--testdata", str(TESTDATA)])
    generator.main()
    names = sorted(os.listdir(tmp_path))
    committed = sorted(n for n in os.listdir(GOLDEN) if n != "README.md")
    assert names == committed, {"missing": sorted(set(committed) - set(names)),
                                "extra": sorted(set(names) - set(committed))}
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, GOLDEN, names, shallow=False)
    import PIL
    import transformers
    assert mismatch == [] and errors == [], (
        f"differ: {mismatch}, unreadable: {errors} (made with Pillow 13.0.0, transformers 5.24.0, "
        f"NumPy 2.4.6; here Pillow {PIL.__version__}, transformers {transformers.__version__}, "
        f"NumPy {np.__version__})")


def test_committed_values_by_hand():
    _, same = read_weights(GOLDEN / "resize_same_size.shw")
    assert np.array_equal(same["expected.output"], same["input"])
    _, post = read_weights(GOLDEN / "postprocess_values.shw")
    # The first inputs are -1, 0, 1, -0, -2, 2, -1e30, 1e30, -inf, inf; 0 gives 127.5, a tie to 128.
    first = np.array([-1, 0, 1, -0.0, -2, 2, -1e30, 1e30, -np.inf, np.inf], np.float32)
    assert post["input"][0, 0, :10].tobytes() == first.tobytes()
    assert post["expected.output"][0, :10, 0].tolist() == [0, 128, 255, 128, 0, 255, 0, 255, 0, 255]
