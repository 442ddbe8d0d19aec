"""Q-Bench-Portrait for the Hugging Face ecosystem.

This module is the dataset's source of truth — the ``datasets`` builder — and the
package's public face: ``METRIC_PATH`` for ``evaluate.load`` and the canonical prompt.

datasets >= 4 runs no loading scripts, so the builder is used by instantiating it::

    builder = QBenchPortrait(config_name="sample")          # the embedded sample
    builder = QBenchPortrait(data_dir="path/to/RELEASE")    # a raw release
    builder.download_and_prepare()
    ds = builder.as_dataset(split="test")

What ``load_dataset("qbench-portrait")`` and the Hub read is the builder's export
(``qbench-portrait export``), see :mod:`qbench_portrait_lib.data.export`.

>>> from pathlib import Path
>>> Path(METRIC_PATH).name
'qbench_portrait.py'
>>> QBenchPortrait(config_name="sample").info.features["level"].names
['global', 'local']
"""

from __future__ import annotations

from qbench_portrait_lib.contract.prompt import PROMPT_VERSION, render_prompt
from qbench_portrait_lib.data.builder import QBenchPortrait, QBenchPortraitConfig
from qbench_portrait_lib.resources import metric_script

#: Path of the evaluate metric script: ``evaluate.load(METRIC_PATH)``.
METRIC_PATH: str = str(metric_script())

__all__ = [
    "METRIC_PATH",
    "PROMPT_VERSION",
    "QBenchPortrait",
    "QBenchPortraitConfig",
    "render_prompt",
]
