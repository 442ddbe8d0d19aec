"""Publish an exported metric folder as a Gradio Space on the Hugging Face Hub.

``evaluate.load("ORG/NAME")`` fetches ``NAME.py`` from the Space ``ORG/NAME``, so the folder
must be an export named NAME (``qbench-portrait export-metric --out NAME``). Sibling modules
left on the Space by an earlier push are deleted in the same commit.

>>> check_metric_dir(Path("/nonexistent/qbench_portrait"), "qbench_portrait")
Traceback (most recent call last):
...
qbench_portrait_lib.contract.errors.QBenchError: /nonexistent/qbench_portrait is not a metric export: ...
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from huggingface_hub import HfApi

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.push import REPO_ID_PATTERN

logger = logging.getLogger(__name__)

_HINT = "(make one with `qbench-portrait export-metric --out {name}`)"
_REQUIRED = ("README.md", "app.py", "requirements.txt")


def check_metric_dir(path: Path, name: str) -> list[Path]:
    """The files of the metric export ``path`` for a Space named ``name``; QBenchError if not one."""
    hint = _HINT.format(name=name)
    if not (path / f"{name}.py").is_file():
        found = sorted(p.name for p in path.glob("*.py")) if path.is_dir() else []
        raise QBenchError(f"{path} is not a metric export: no {name}.py (found {found}) {hint}")
    missing = [f for f in _REQUIRED if not (path / f).is_file()]
    if missing:
        raise QBenchError(f"{path} is not a complete metric export: missing {missing} {hint}")
    return sorted({*path.glob("*.py"), *(path / f for f in _REQUIRED)})


def push_metric_space(
    metric_dir: str | os.PathLike[str],
    repo_id: str,
    *,
    private: bool = False,
    api: HfApi | None = None,
    commit_message: str = "Upload the Q-Bench-Portrait metric",
) -> Any:
    """Create (if needed) the Gradio Space ``repo_id`` and upload the export; returns the commit info.

    A refused token, a network failure or an HTTP error of the Hub is a :class:`QBenchError`.
    """
    if REPO_ID_PATTERN.fullmatch(repo_id) is None:
        raise QBenchError(f"repo must look like ORG/NAME (e.g. my-org/qbench_portrait), got {repo_id!r}")
    name = repo_id.split("/")[1]
    path = Path(metric_dir)
    files = check_metric_dir(path, name)
    api = api or HfApi()
    try:
        api.create_repo(repo_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True)
        logger.info("uploading %d file(s) from %s to the Space %s", len(files), path, repo_id)
        return api.upload_folder(
            repo_id=repo_id,
            repo_type="space",
            folder_path=str(path),
            allow_patterns=["*.py", *_REQUIRED],
            delete_patterns=["*.py"],
            commit_message=commit_message,
        )
    except OSError as error:  # huggingface_hub's HTTP, connection and missing-token errors
        raise QBenchError(f"push to {repo_id} failed: {type(error).__name__}: {error}") from error
