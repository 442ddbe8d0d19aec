"""Which number heads a run, and how far the open-ended proxy can be trusted.

Without a judge, open-ended answers only have the offline proxy, which agrees with human
grades imperfectly (:data:`PROXY_AGREEMENT`). So the headline — the metric's ``overall``,
the terminal table, ``report.md``, the charts and the leaderboard's ranking — is then the
closed-format score, and the proxy is shown apart, labelled as a proxy. With a judge, the
open-ended items count in the headline with their judge scores.

>>> from qbench_portrait_lib.scoring.api import score_all
>>> refs = [{"id": "q1", "image_id": "i1", "question": "The eyes are sharp.", "question_type": "true_false",
...          "options": ["True", "False"], "answer": ["True"], "quality_dimension": "technical",
...          "image_source": "natural", "level": "local", "attribute": "blur", "region": "eyes"},
...         {"id": "q2", "image_id": "i1", "question": "Describe the blur.", "question_type": "open_ended",
...          "options": [], "answer": ["The eyes are sharp."], "quality_dimension": "technical",
...          "image_source": "natural", "level": "local", "attribute": "blur", "region": "eyes"}]
>>> scores = score_all(["True", "Very blurry eyes."], refs, bootstrap_samples=0).scores
>>> counts_open_ended(scores), headline_score(scores.overall, scores), scores.overall.score
(False, 1.0, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass

from qbench_portrait_lib.scoring.cells import Cell, Interval, Scores


@dataclass(frozen=True)
class ProxyAgreement:
    """The open-ended proxy's agreement with human 0/1/2 grades, measured on the graded set
    ``tests/heldout/open_ended_graded.jsonl`` by ``tools/heldout_open_ended.py`` (a test
    checks these figures against a fresh measurement)."""

    spearman: float
    kendall: float
    answers: int
    questions: int

    def label(self) -> str:
        """The figure shown beside the proxy's column.

        >>> PROXY_AGREEMENT.label()
        'Spearman 0.88 with human grades, 184 answers'
        """
        return f"Spearman {self.spearman:.2f} with human grades, {self.answers} answers"


PROXY_AGREEMENT = ProxyAgreement(spearman=0.879, kendall=0.819, answers=184, questions=44)


def counts_open_ended(scores: Scores) -> bool:
    """True when open-ended items count in the headline: a judge scored them."""
    return scores.open_ended.judged


def headline_score(cell: Cell, scores: Scores) -> float:
    """A cell's headline score: over all items with a judge, over closed items without."""
    return cell.score if counts_open_ended(scores) else cell.closed_score


def headline_interval(cell: Cell, scores: Scores) -> Interval:
    """The interval of :func:`headline_score`."""
    return cell.interval if counts_open_ended(scores) else cell.closed_interval


def headline_count(cell: Cell, scores: Scores) -> int:
    """The items :func:`headline_score` averages."""
    return cell.count if counts_open_ended(scores) else cell.closed_count


def headline_name(scores: Scores) -> str:
    """What the headline covers, in words.

    >>> from qbench_portrait_lib.scoring.aggregate import aggregate
    >>> headline_name(aggregate([], [], judged=False, bootstrap_samples=0))
    'closed formats (open-ended proxy shown apart)'
    """
    if counts_open_ended(scores):
        return "all items (open-ended by judge score)"
    return "closed formats (open-ended proxy shown apart)"
