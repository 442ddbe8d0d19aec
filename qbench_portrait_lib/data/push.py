"""Publish an export folder as a dataset repo on the Hugging Face Hub.

The token comes from the usual places (``HF_TOKEN``, ``huggingface-cli login``).
Only the card and the Parquet shards are uploaded, and shards left on the Hub by an
earlier push are deleted in the same commit, so the repo never mixes two exports.

>>> try:
...     check_export_dir(Path("/nonexistent"))
... except QBenchError as error:
...     print(error)
/nonexistent is not an export folder: no README.md (make one with `qbench-portrait export`)
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from huggingface_hub import HfApi

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.card import LICENSE_FILE
from qbench_portrait_lib.data.card_merge import merge_card

logger = logging.getLogger(__name__)

SHARD_PATTERN = re.compile(r"test-(\d{5})-of-(\d{5})\.parquet")
REPO_ID_PATTERN = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_HINT = "(make one with `qbench-portrait export`)"


def check_export_dir(path: Path) -> list[Path]:
    """The shards of the export in ``path``; :class:`QBenchError` naming what is missing or inconsistent."""
    if not (path / "README.md").is_file():
        raise QBenchError(f"{path} is not an export folder: no README.md {_HINT}")
    card = (path / "README.md").read_text(encoding="utf-8")
    if not card.startswith("---\n") or "dataset_info:" not in card or "configs:" not in card:
        raise QBenchError(
            f"{path / 'README.md'} has no generated YAML header (configs + dataset_info) {_HINT}"
        )
    shards = sorted((path / "data").glob("*.parquet"))
    if not shards:
        raise QBenchError(f"{path} is not an export folder: no data/*.parquet {_HINT}")
    totals = set()
    for shard in shards:
        match = SHARD_PATTERN.fullmatch(shard.name)
        if match is None:
            raise QBenchError(
                f"unexpected file {shard.name} in {path / 'data'}: expected test-0000X-of-0000N.parquet"
            )
        totals.add(int(match.group(2)))
    if totals != {len(shards)}:
        raise QBenchError(
            f"{path / 'data'} holds {len(shards)} shard(s) but their names announce {sorted(totals)}: "
            f"a mix of exports? Re-export with --overwrite {_HINT}"
        )
    return shards


def push_export(
    export_dir: str | os.PathLike[str],
    repo_id: str,
    *,
    private: bool = False,
    api: HfApi | None = None,
    commit_message: str = "Upload Q-Bench-Portrait export",
    overwrite_card: bool = False,
) -> Any:
    """Create (if needed) the dataset repo ``repo_id`` and upload the export; returns the commit info.

    A card already on the Hub keeps its prose and extra YAML keys: only the generated YAML
    keys and generated blocks are replaced (``keep_hub_prose``), unless ``overwrite_card``.
    A refused token, a network failure or an HTTP error of the Hub is a :class:`QBenchError`
    naming the repo.
    """
    if REPO_ID_PATTERN.fullmatch(repo_id) is None:
        raise QBenchError(f"repo must look like ORG/NAME (e.g. my-org/qbench-portrait), got {repo_id!r}")
    path = Path(export_dir)
    shards = check_export_dir(path)
    api = api or HfApi()
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        if not overwrite_card:
            keep_hub_prose(api, repo_id, path / "README.md")
        logger.info("uploading %d shard(s) and README.md from %s to %s", len(shards), path, repo_id)
        return api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=str(path),
            allow_patterns=["README.md", LICENSE_FILE, "data/*.parquet"],
            delete_patterns=["data/*.parquet"],
            commit_message=commit_message,
        )
    except OSError as error:  # huggingface_hub's HTTP, connection and missing-token errors
        raise QBenchError(f"push to {repo_id} failed: {type(error).__name__}: {error}") from error


def keep_hub_prose(api: HfApi, repo_id: str, card_path: Path) -> bool:
    """Merge the card on the Hub into ``card_path`` (see :func:`merge_card`); True if there was one.

    The local card then holds the Hub card's own prose and YAML keys around this export's
    generated blocks and keys, and is what gets uploaded.
    """
    if not api.file_exists(repo_id, "README.md", repo_type="dataset"):
        return False
    downloaded = api.hf_hub_download(repo_id, "README.md", repo_type="dataset")
    hub_card = Path(downloaded).read_text(encoding="utf-8")
    merged = merge_card(hub_card, card_path.read_text(encoding="utf-8"))
    card_path.write_text(merged, encoding="utf-8")
    logger.info("kept the prose of the card on %s; %s now holds the merged card", repo_id, card_path)
    return True
