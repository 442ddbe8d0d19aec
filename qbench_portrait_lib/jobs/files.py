"""Score or compare predictions files end to end: the jobs behind ``score`` and ``compare``.

Each loads the benchmark's references once, scores every file against them and, when
given a folder, writes the report there. Input errors (a missing or malformed file, ids
of another dataset, a single file to compare) are :class:`~qbench_portrait_lib.contract.errors.QBenchError`
or ``FileNotFoundError`` naming the file.

>>> score_file("no-such-file.jsonl", "sample")
Traceback (most recent call last):
...
FileNotFoundError: predictions file not found: no-such-file.jsonl
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.jobs.human import pool_human_runs
from qbench_portrait_lib.jobs.score import load_references
from qbench_portrait_lib.jobs.score_vlmevalkit import group_prediction_files, score_prediction_files
from qbench_portrait_lib.report.leaderboard import Leaderboard, build_leaderboard
from qbench_portrait_lib.report.scored_run import ScoredRun
from qbench_portrait_lib.report.writer import write_comparison_report, write_report
from qbench_portrait_lib.scoring.intervals import DEFAULT_BOOTSTRAP_SAMPLES
from qbench_portrait_lib.scoring.judging import JudgeFn
from qbench_portrait_lib.scoring.reading import ResponseReader

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class ScoredFile:
    """A scored predictions file and the report files written (none without a report folder)."""

    run: ScoredRun
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class ComparedFiles:
    """The leaderboard of several predictions files and the report files written."""

    leaderboard: Leaderboard
    files: list[Path] = field(default_factory=list)


def _existing_files(paths: Sequence[PathLike]) -> list[Path]:
    """``paths`` as Paths; an error naming the first that is not a file."""
    files = [Path(path) for path in paths]
    for path in files:
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a folder, expected a predictions file")
        if not path.is_file():
            raise FileNotFoundError(f"predictions file not found: {path}")
    return files


def score_file(
    predictions: PathLike | Sequence[PathLike],
    dataset: PathLike | None,
    *,
    vlmevalkit_export: PathLike | None = None,
    report_dir: PathLike | None = None,
    charts: bool = True,
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> ScoredFile:
    """Score the predictions JSONL ``predictions`` against ``dataset`` (see ``load_benchmark``).

    ``predictions`` may instead be one model's VLMEvalKit prediction files (its MCQ and
    open-ended ones), read through ``vlmevalkit_export``, the folder their TSVs were
    exported to (see :mod:`qbench_portrait_lib.jobs.score_vlmevalkit`).
    Writes ``results.json``, ``report.md`` (and charts unless ``charts=False``) into
    ``report_dir`` when it is given.
    """
    paths = _existing_files([predictions] if isinstance(predictions, (str, os.PathLike)) else predictions)
    groups = group_prediction_files(paths)
    if len(groups) != 1:
        shown = "; ".join(", ".join(group) for group in groups)
        raise QBenchError(
            f"score takes one run (a predictions JSONL, or one model's VLMEvalKit files), got {len(groups)}: "
            f"{shown}; use compare for several"
        )
    references = load_references(dataset)
    [run] = score_prediction_files(
        paths,
        references,
        vlmevalkit_export=vlmevalkit_export,
        judge=judge,
        reader=reader,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
    )
    files = [] if report_dir is None else write_report(report_dir, run, charts=charts)
    return ScoredFile(run=run, files=files)


def compare_files(
    predictions: Sequence[PathLike],
    dataset: PathLike | None,
    *,
    vlmevalkit_export: PathLike | None = None,
    report_dir: PathLike | None = None,
    charts: bool = True,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = 0,
    pool_humans: bool = True,
) -> ComparedFiles:
    """Rank several predictions files on ``dataset`` and compare each with the best.

    Open-ended answers are scored by the offline proxy. Files of human annotators (model
    ``human:NAME``) keep their rows; with ``pool_humans`` two or more are also pooled into
    one "human (n=K)" row with their agreement (see :mod:`qbench_portrait_lib.jobs.human`).
    VLMEvalKit files (read through ``vlmevalkit_export``) make one row per model in their names.
    Writes the leaderboard report into ``report_dir`` when it is given.
    """
    paths = _existing_files(predictions)
    references = load_references(dataset)
    runs = score_prediction_files(
        paths,
        references,
        vlmevalkit_export=vlmevalkit_export,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
    )
    pool = pool_human_runs(runs, bootstrap_samples=bootstrap_samples, seed=seed) if pool_humans else None
    if pool is not None:
        runs.append(pool.run)
    agreement = pool.agreement if pool is not None else {}
    leaderboard = build_leaderboard(runs, bootstrap_samples=bootstrap_samples, seed=seed, agreement=agreement)
    files = [] if report_dir is None else write_comparison_report(report_dir, leaderboard, charts=charts)
    return ComparedFiles(leaderboard=leaderboard, files=files)
