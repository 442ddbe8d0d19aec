"""A leaderboard of several models on the same questions, like the paper's main table.

Models are ranked by overall score — over all items when a judge scored every run, over the
closed formats otherwise (the open-ended proxy then has its own column); each is compared
with the best one by the metric's paired comparison (difference with a paired
image-clustered bootstrap interval, McNemar test on the closed items; without a judge the
difference covers the closed items only).

>>> unique_names(["m", "m", "k"])
['m', 'm (2)', 'k']
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from qbench_portrait_lib.report.answer_distribution import is_circular_run
from qbench_portrait_lib.report.markdown import PROXY_COLUMN, cell_interval, interval, markdown_table, percent
from qbench_portrait_lib.report.scored_run import ScoredRun, ScoringInputError, package_version
from qbench_portrait_lib.report.tables import CHART_BREAKDOWNS, GROUP_TITLES
from qbench_portrait_lib.scoring import compare_predictions
from qbench_portrait_lib.scoring.cells import Cell, Scores
from qbench_portrait_lib.scoring.headline import PROXY_AGREEMENT, counts_open_ended
from qbench_portrait_lib.scoring.item_scores import ItemScore


@dataclass(frozen=True)
class Leaderboard:
    """Runs ranked best first, and the paired comparison of each other run with the best."""

    runs: list[ScoredRun]
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Inter-annotator agreement per question type when human files were pooled (else empty).
    agreement: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def best(self) -> ScoredRun:
        """The run with the highest overall score."""
        return self.runs[0]


def unique_names(names: Sequence[str], sources: Sequence[str | None] | None = None) -> list[str]:
    """Make repeated model names distinct: each run of a repeated name is labelled with its file.

    Without ``sources`` (or when the labels still collide) the later ones are numbered.

    >>> unique_names(["m", "m", "k"], ["runs/a.jsonl", "runs/b.jsonl", "c.jsonl"])
    ['m (a.jsonl)', 'm (b.jsonl)', 'k']
    """
    counts = Counter(names)
    labelled = [
        f"{name} ({PurePath(source).name})" if counts[name] > 1 and source else name
        for name, source in zip(names, sources or [None] * len(names), strict=True)
    ]
    seen: dict[str, int] = {}
    unique = []
    for name in labelled:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def all_judged(runs: Sequence[ScoredRun]) -> bool:
    """True when a judge scored every run's open-ended answers: only then do they count."""
    return all(counts_open_ended(run.scores) for run in runs)


def _ranking_key(judged: bool) -> Callable[[ScoredRun], float]:
    """The score runs are ranked by: all items when judged, else the closed formats only."""

    def key(run: ScoredRun) -> float:
        overall = run.scores.overall
        value = overall.score if judged else overall.closed_score
        return -math.inf if math.isnan(value) else float(value)

    return key


def _compared_items(run: ScoredRun, judged: bool) -> list[ItemScore]:
    """The items a paired comparison uses: without a judge, the closed-format ones only."""
    return list(run.items) if judged else [item for item in run.items if item.question_type != "open_ended"]


def build_leaderboard(
    runs: Sequence[ScoredRun],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    agreement: dict[str, dict[str, Any]] | None = None,
) -> Leaderboard:
    """Rank ``runs`` (scored on the same references) and compare each with the best.

    ``compare_predictions(best.items, other.items)`` gives, for each other run, its difference from
    the best (other minus best: negative when it scores lower) with a 95% interval, from
    the runs' item scores (a pooled human row has scores but no single response).
    ``agreement`` (from pooling human files) is carried into the report.
    """
    if len(runs) < 2:
        raise ScoringInputError(f"a comparison needs at least two prediction files, got {len(runs)}")
    fingerprints = {run.references.fingerprint for run in runs}
    if len(fingerprints) != 1:
        raise ScoringInputError(
            f"the runs were scored on different references ({len(fingerprints)} dataset fingerprints); "
            f"score every file against the same --dataset"
        )
    named = [
        replace(run, name=name)
        for run, name in zip(
            runs,
            unique_names([run.name for run in runs], [run.metadata.get("predictions_file") for run in runs]),
            strict=True,
        )
    ]
    judged = all_judged(named)
    ranked = sorted(named, key=_ranking_key(judged), reverse=True)
    best = ranked[0]
    comparisons = []
    for run in ranked[1:]:
        result = compare_predictions(
            _compared_items(best, judged),
            _compared_items(run, judged),
            bootstrap_samples=bootstrap_samples,
            seed=seed,
        )
        comparisons.append({"model": run.name, "best": best.name, **result})
    metadata = {
        "models": [run.name for run in ranked],
        "ranked_by": "overall, all items (judged)" if judged else "closed formats (open-ended proxy apart)",
        "dataset": best.references.source,
        "dataset_fingerprint": best.references.fingerprint,
        "questions": len(best.references.rows),
        "bootstrap_samples": bootstrap_samples,
        "seed": seed,
        "package_version": package_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    return Leaderboard(
        runs=ranked, comparisons=comparisons, metadata=metadata, agreement=dict(agreement or {})
    )


def comparison_results(leaderboard: Leaderboard) -> dict[str, Any]:
    """The content of a comparison's ``results.json``."""
    return {
        "metadata": leaderboard.metadata,
        "models": [
            {
                "name": run.name,
                "metadata": run.metadata,
                "metrics": run.metrics,
                "missing_ids": run.missing_ids,
                "errored_requests": run.errored,
            }
            for run in leaderboard.runs
        ],
        "comparisons": leaderboard.comparisons,
        "human_agreement": leaderboard.agreement,
    }


def _columns(scores: Scores, *, closed: bool) -> list[Cell]:
    """The cells a leaderboard lists after "overall": every cell of every one-column breakdown;
    for the closed-format table, only those holding closed items in the compared questions.
    """
    cells = [cell for breakdown in CHART_BREAKDOWNS for cell in scores.cells(breakdown)]
    return [cell for cell in cells if cell.closed_count > 0 or cell.count == 0] if closed else cells


def leaderboard_rows(leaderboard: Leaderboard) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the main table: scores over all items in percent; last row: n.

    No chance row here: chance covers closed-format items only (see :func:`closed_rows`).
    """
    judged = all_judged(leaderboard.runs)
    if not judged:
        return _unjudged_rows(leaderboard)
    columns = _columns(leaderboard.best.scores, closed=False)
    header = ["rank", "model", "overall", "95% CI", *(cell.value for cell in columns)]
    rows = []
    for rank, run in enumerate(leaderboard.runs, start=1):
        overall = run.scores.overall
        cells = [percent(cell.score) for cell in _columns(run.scores, closed=False)]
        rows.append([str(rank), run.name, percent(overall.score), cell_interval(overall.interval), *cells])
    best = leaderboard.best.scores
    rows.append(["", "n", str(best.overall.count), "-", *(str(cell.count) for cell in columns)])
    return header, rows


def all_circular(leaderboard: Leaderboard) -> bool:
    """Whether every run of the leaderboard is circular (then its tables show circular columns)."""
    return all(is_circular_run(run.scores) for run in leaderboard.runs)


def circular_columns(scores: Scores, circular: bool) -> list[str]:
    """Circular accuracy and the vanilla-to-circular drop (nothing unless every run is circular)."""
    if not circular:
        return []
    return [percent(scores.circular[0].circular), percent(scores.circular[0].drop)]


def _chance(value: float) -> str:
    """A circular chance level in percent: small, so with three significant digits."""
    return "-" if math.isnan(value) else f"{100 * value:.3g}"


def _unjudged_rows(leaderboard: Leaderboard) -> tuple[list[str], list[list[str]]]:
    """The main table without a judge: closed-format scores rank, the proxy sits in its own column."""
    best = leaderboard.best.scores
    columns = _columns(best, closed=True)
    header = [
        "rank",
        "model",
        "overall (closed formats)",
        "95% CI",
        PROXY_COLUMN,
        *(c.value for c in columns),
    ]
    rows = []
    for rank, run in enumerate(leaderboard.runs, start=1):
        overall = run.scores.overall
        by_label = {cell.label: cell for cell in _columns(run.scores, closed=False)}
        cells = [percent(by_label[cell.label].closed_score) for cell in columns]
        closed = [percent(overall.closed_score), cell_interval(overall.closed_interval)]
        rows.append([str(rank), run.name, *closed, percent(overall.open_score), *cells])
    counts = [str(cell.closed_count) for cell in columns]
    rows.append(["", "n", str(best.overall.closed_count), "-", str(best.overall.open_count), *counts])
    return header, rows


def closed_rows(leaderboard: Leaderboard) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the closed-format table: accuracy on the closed items in percent,
    then the chance level of those same items and their count. When every run is circular,
    circular accuracy and the drop follow the closed accuracy (chance row: circular chance).
    """
    circular = all_circular(leaderboard)
    best = leaderboard.best.scores
    columns = _columns(best, closed=True)
    extra = ["circular", "drop"] if circular else []
    header = ["rank", "model", "closed", *extra, *(cell.value for cell in columns)]
    rows = []
    for rank, run in enumerate(leaderboard.runs, start=1):
        by_label = {cell.label: cell for cell in _columns(run.scores, closed=False)}
        cells = [percent(by_label[cell.label].closed_score) for cell in columns]
        closed = percent(run.scores.overall.closed_score)
        rows.append([str(rank), run.name, closed, *circular_columns(run.scores, circular), *cells])
    circular_chance = [_chance(best.circular[0].chance), "-"] if circular else []
    chance = (percent(cell.chance) for cell in columns)
    rows.append(["", "chance", percent(best.overall.chance), *circular_chance, *chance])
    n_circular = [str(best.circular[0].count), "-"] if circular else []
    rows.append(
        [
            "",
            "n closed",
            str(best.overall.closed_count),
            *n_circular,
            *(str(cell.closed_count) for cell in columns),
        ]
    )
    return header, rows


def _comparison_rows(leaderboard: Leaderboard) -> list[list[str]]:
    rows = []
    for item in leaderboard.comparisons:
        p_value = item["mcnemar_p"]
        rows.append(
            [
                item["model"],
                percent(item["score_b"]),
                percent(item["score_a"]),
                f"{100 * item['difference']:+.1f}",
                interval(item["ci_low"], item["ci_high"]),
                "-" if p_value is None or math.isnan(p_value) else f"{p_value:.3g}",
                f"{int(item['discordant_b'])} / {int(item['discordant_a'])}",
            ]
        )
    return rows


def agreement_rows(agreement: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the annotators' agreement table, one row per question type.

    >>> agreement_rows({"true_false": {"alpha": 0.5333, "level": "nominal", "percent_agreement": 0.75,
    ...                 "questions": 4, "annotators": 2, "note": ""}})[1]
    [['true_false', '0.533', 'nominal', '75.0', '4', '2', '']]
    """
    header = [
        "question type",
        "Krippendorff's alpha",
        "level",
        "pair agreement %",
        "questions",
        "annotators",
        "note",
    ]
    rows = []
    for qtype, row in agreement.items():
        alpha = row["alpha"]
        rows.append(
            [
                qtype,
                "-" if math.isnan(alpha) else f"{alpha:.3f}",
                row["level"],
                percent(row["percent_agreement"]),
                str(row["questions"]),
                str(row["annotators"]),
                row["note"],
            ]
        )
    return header, rows


def agreement_section(agreement: dict[str, dict[str, Any]]) -> list[str]:
    """The report's "Human annotators" section (nothing when no human files were pooled)."""
    if not agreement:
        return []
    header, rows = agreement_rows(agreement)
    return [
        "## Human annotators: agreement",
        "",
        'The row "human (n=K)" pools the K annotators\' files: per question, the answer most of them '
        "gave (a tie scores the mean of the tied answers) for the closed formats, the mean score for "
        "open-ended. Krippendorff's alpha: 1 = perfect agreement, 0 = what chance would give, "
        "below 0 = systematic disagreement; nominal on the selected options, interval on the "
        "open-ended scores. Pair agreement = share of annotator pairs giving the same answer.",
        "",
        *markdown_table(header, rows),
        "",
    ]


def _scope_sentence(leaderboard: Leaderboard, groups: str) -> str:
    if all_judged(leaderboard.runs):
        return f"Scores in percent, per {groups}, over all items: open-ended ones by their judge score."
    return (
        f"Scores in percent, per {groups}. No judge scored every run, so models are ranked by the "
        "closed formats only; the open-ended offline proxy is shown in its own column, with its "
        f"agreement with human grades ({PROXY_AGREEMENT.label()}), and counts in no ranking."
    )


def leaderboard_markdown(leaderboard: Leaderboard, *, charts: Sequence[str] = ()) -> str:
    """The comparison's ``report.md``."""
    best = leaderboard.best.name
    groups = ", ".join(GROUP_TITLES[breakdown].lower() for breakdown in CHART_BREAKDOWNS)
    header, rows = leaderboard_rows(leaderboard)
    closed_header, closed_table = closed_rows(leaderboard)
    lines = [
        "# Q-Bench-Portrait leaderboard",
        "",
        f"{len(leaderboard.runs)} models on the same {leaderboard.metadata['questions']} questions "
        f"(dataset {leaderboard.metadata['dataset']}, "
        f"fingerprint `{leaderboard.metadata['dataset_fingerprint'][:16]}`). "
        + _scope_sentence(leaderboard, groups),
        "",
        *markdown_table(header, rows),
        "",
        "## Closed formats",
        "",
        "Accuracy on the single-choice, multiple-choice and true/false questions only: the questions "
        "the chance level (uniform random guessing) is computed on, so compare these numbers, not "
        "the ones above, with the chance row.",
        "",
        *markdown_table(closed_header, closed_table),
        "",
        f"## Paired comparison with the best model ({best})",
        "",
        "Difference = model minus best, with a 95% paired image-clustered bootstrap interval; "
        "McNemar p-value on the closed items; discordant = closed items only the model got right / "
        "only the best got right.",
        "",
        *markdown_table(
            ["model", "score", f"{best}", "difference", "95% CI", "McNemar p", "discordant"],
            _comparison_rows(leaderboard),
        ),
        "",
    ]
    lines += agreement_section(leaderboard.agreement)
    incomplete = [run for run in leaderboard.runs if run.missing_ids or run.errored]
    if incomplete:
        lines += ["## Incomplete runs", ""]
        lines += [
            f"- {run.name}: {len(run.missing_ids)} questions without a prediction, "
            f"{len(run.errored)} failed requests (scored as unparsed)."
            for run in incomplete
        ]
        lines.append("")
    if charts:
        lines += ["## Charts", ""] + [f"![{chart}]({chart})" for chart in charts] + [""]
    return "\n".join(lines)
