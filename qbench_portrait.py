"""Q-Bench-Portrait for the Hugging Face ecosystem.

This module is the dataset's source of truth — the ``datasets`` builder — and the
package's public face: ``METRIC_PATH`` for ``evaluate.load`` and the canonical prompt.

>>> from pathlib import Path
>>> Path(METRIC_PATH).name
'qbench_portrait.py'
"""

from __future__ import annotations

from qbench_portrait_lib.prompt import PROMPT_VERSION, render_prompt
from qbench_portrait_lib.resources import metric_script

#: Path of the evaluate metric script: ``evaluate.load(METRIC_PATH)``.
METRIC_PATH: str = str(metric_script())

__all__ = ["METRIC_PATH", "PROMPT_VERSION", "render_prompt"]
