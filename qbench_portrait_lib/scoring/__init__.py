"""The scoring core: pure functions that import neither ``datasets`` nor ``evaluate``.

``score_all`` turns raw responses into item scores and their cells (``Scores``: every
number a report shows, each ``Cell`` with its interval and closed split); ``flatten``
makes the metric's flat dict of them, which ``score_predictions`` returns;
``compare_predictions`` compares two systems' item scores; ``extract_answer`` reads the
options a response commits to; a ``JudgeFn`` scores ``OpenEndedItem``s for the
open-ended questions.

May import: the contract only (and numpy); never datasets, evaluate, the data core or an edge.
"""

from qbench_portrait_lib.scoring.api import Scored, score_all, score_predictions
from qbench_portrait_lib.scoring.cells import BREAKDOWNS, Cell, Interval, Scores
from qbench_portrait_lib.scoring.compare import compare_predictions
from qbench_portrait_lib.scoring.extract import extract_answer
from qbench_portrait_lib.scoring.flatten import flatten
from qbench_portrait_lib.scoring.judging import JudgeFn, OpenEndedItem

__all__ = [
    "BREAKDOWNS",
    "Cell",
    "Interval",
    "JudgeFn",
    "OpenEndedItem",
    "Scored",
    "Scores",
    "compare_predictions",
    "extract_answer",
    "flatten",
    "score_all",
    "score_predictions",
]
