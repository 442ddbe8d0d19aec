"""The scoring core: pure functions that import neither ``datasets`` nor ``evaluate``.

``score_predictions`` turns raw responses into the benchmark's scores; ``compare_predictions``
compares two systems; ``extract_answer`` reads the options a response commits to; a
``JudgeFn`` scores ``OpenEndedItem``s for the open-ended questions.

May import: the contract only (and numpy); never datasets, evaluate, the data core or an edge.
"""

from qbench_portrait_lib.scoring.api import score_predictions
from qbench_portrait_lib.scoring.compare import compare_predictions
from qbench_portrait_lib.scoring.extract import extract_answer
from qbench_portrait_lib.scoring.judging import JudgeFn, OpenEndedItem

__all__ = ["JudgeFn", "OpenEndedItem", "compare_predictions", "extract_answer", "score_predictions"]
