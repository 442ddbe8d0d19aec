"""Root conftest: the doctests in the package run offline too (see tests/conftest.py)."""

from __future__ import annotations

import os
import tempfile

for _name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "HF_EVALUATE_OFFLINE"):
    os.environ[_name] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="qbench-portrait-hf-home-"))
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
