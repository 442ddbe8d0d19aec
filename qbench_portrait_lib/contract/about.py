"""Facts about the benchmark shared by the builder, the metric and the docs.

>>> "2601.18346" in CITATION and "Zhai, Guangtao" in CITATION
True
"""

from __future__ import annotations

HOMEPAGE = "https://arxiv.org/abs/2601.18346"

#: BibTeX of the Q-Bench-Portrait paper (arXiv 2601.18346).
CITATION = """\
@misc{wu2026qbenchportrait,
  title         = {Q-Bench-Portrait: Benchmarking Multimodal Large Language Models on
                   Portrait Image Quality Perception},
  author        = {Wu, Sijing and Li, Yunhao and Zhang, Zicheng and Jia, Qi and Li, Xinyue and
                   Duan, Huiyu and Min, Xiongkuo and Zhai, Guangtao},
  year          = {2026},
  eprint        = {2601.18346},
  archivePrefix = {arXiv},
  url           = {https://arxiv.org/abs/2601.18346}
}
"""
