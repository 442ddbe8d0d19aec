"""Facts about the benchmark shared by the builder, the metric and the docs.

>>> "2601.18346" in CITATION
True
"""

from __future__ import annotations

HOMEPAGE = "https://arxiv.org/abs/2601.18346"

#: BibTeX of the Q-Bench-Portrait paper (arXiv 2601.18346).
CITATION = """\
@misc{qbench_portrait_2026,
  title         = {Q-Bench-Portrait},
  year          = {2026},
  eprint        = {2601.18346},
  archivePrefix = {arXiv},
  url           = {https://arxiv.org/abs/2601.18346}
}
"""
