"""Where the files that live beside the code are: the metric and the card templates.

In a source checkout they are the top-level ``metric/`` and ``dataset_card/`` folders;
an installed copy carries them inside this package as ``_metric`` and ``_dataset_card``
(so installing never adds a top-level module named ``metric``).

>>> metric_script().name
'qbench_portrait.py'
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(source_name: str, installed_name: str) -> Path:
    for candidate in (_PACKAGE_DIR.parent / source_name, _PACKAGE_DIR / installed_name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"cannot find the {source_name!r} folder: looked in {_PACKAGE_DIR.parent / source_name} "
        f"(source checkout) and {_PACKAGE_DIR / installed_name} (installed copy)"
    )


def metric_script() -> Path:
    """The evaluate metric script; ``evaluate.load(str(metric_script()))`` loads it."""
    return _resource_dir("metric", "_metric") / "qbench_portrait.py"


def dataset_card_dir() -> Path:
    """The folder holding the dataset card's body sections."""
    return _resource_dir("dataset_card", "_dataset_card")
