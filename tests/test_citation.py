"""One citation: the builder, the metric and both cards carry contract/about.py's BibTeX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qbench_portrait import METRIC_PATH, QBenchPortrait
from qbench_portrait_lib.contract.about import CITATION

ROOT = Path(__file__).resolve().parent.parent
AUTHORS = ("Wu, Sijing", "Li, Yunhao", "Zhang, Zicheng", "Jia, Qi", "Li, Xinyue", "Duan, Huiyu",
           "Min, Xiongkuo", "Zhai, Guangtao")  # fmt: skip


def _bibtex_blocks(path: Path) -> list[str]:
    return re.findall(r"```bibtex\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_citation_names_the_paper_and_its_authors() -> None:
    assert "Benchmarking Multimodal Large Language Models on\n" in CITATION
    authors = re.search(r"author\s*=\s*\{(.*?)\},", CITATION, flags=re.DOTALL).group(1)
    assert [a.strip() for a in " ".join(authors.split()).split(" and ")] == list(AUTHORS)
    assert "eprint        = {2601.18346}" in CITATION and "year          = {2026}" in CITATION


@pytest.mark.parametrize("card", [ROOT / "README.md", Path(METRIC_PATH).with_name("README.md")])
def test_the_cards_show_the_one_citation(card: Path) -> None:
    assert _bibtex_blocks(card) == [CITATION]


def test_the_builder_cites_it() -> None:
    assert QBenchPortrait(config_name="sample").info.citation == CITATION
