"""The package installs: a wheel builds from python/, installs into a fresh virtual
environment and reads a token file there; an installed copy under test is the checkout's."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import semhitok_tokens
from sht_support import GOLDEN_FORMATS, ROOT

SOURCE = ROOT / "python"


def offline_build_problem() -> str | None:
    """Why this environment cannot build a wheel without downloading anything, or None:
    `--no-build-isolation` uses its setuptools, which needs the `wheel` package before
    setuptools 70.1."""
    try:
        import setuptools
    except ImportError:
        return "setuptools is not installed"
    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2] if part.isdigit())
    if version < (70, 1) and importlib.util.find_spec("wheel") is None:
        return f"setuptools {setuptools.__version__} builds wheels only with the wheel package"
    return None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of a copy of python/ (so that the build leaves nothing in the checkout)."""
    problem = offline_build_problem()
    if problem:
        pytest.skip(problem)
    tmp_path = tmp_path_factory.mktemp("wheel")
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "wheels"), str(source)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    return wheel


def test_the_wheel(wheel):
    assert wheel.name == f"semhitok_tokens-{semhitok_tokens.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    modules = sorted(path.name for path in (SOURCE / "semhitok_tokens").glob("*.py"))
    assert sorted(Path(name).name for name in names if name.startswith("semhitok_tokens/")) == modules
    assert "Name: semhitok-tokens\n" in text and "Version: 1.0.0\n" in text
    assert "Requires-Python: >=3.9\n" in text and "Requires-Dist: numpy\n" in text


def test_installs_into_a_virtual_environment(wheel, tmp_path):
    environment = tmp_path / "venv"
    # The system site packages provide NumPy, so nothing is downloaded.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(environment)], check=True)
    python = environment / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
                   check=True, capture_output=True)
    script = ("import semhitok_tokens as s, sys; f = s.TokenFile(sys.argv[1]); "
              "print(s.__file__, len(f), f[-1].key, f[0].tokens.sum())")
    result = subprocess.run([str(python), "-c", script, str(GOLDEN_FORMATS / "example.sht")],
                            check=True, capture_output=True, text=True, cwd=tmp_path)
    location, count, key, total = result.stdout.split()
    assert Path(location).is_relative_to(environment)
    # golden/formats/README.md: three records, the last keyed 日本.jpg; 0+1+196607+8+9+100000.
    assert (count, key, total) == ("3", "\u65e5\u672c.jpg", "296625")


def test_an_installed_package_is_the_checkouts():
    installed = Path(semhitok_tokens.__file__).resolve().parent
    if installed == (SOURCE / "semhitok_tokens").resolve():
        pytest.skip("testing the checkout's source, not an installed copy")
    for module in (SOURCE / "semhitok_tokens").glob("*.py"):
        assert (installed / module.name).read_bytes() == module.read_bytes(), \
            f"{installed} differs from the checkout's {module.name}: pip install ./python again"
