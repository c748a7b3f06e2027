"""Makes `semhitok_tokens` importable: the installed package when there is one (as CI
tests it, after `pip install ./python`), else the checkout's source."""

import sys
from pathlib import Path

try:
    import semhitok_tokens  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
