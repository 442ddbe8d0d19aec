"""The dataset card (``README.md``) of an export.

The YAML header is generated from the builder's ``DatasetInfo`` through datasets' and
huggingface_hub's own serialisers (``configs``, ``dataset_info.features``, ``splits``),
never written by hand; the body is assembled from the sections in ``dataset_card/``.

>>> size_category(240), size_category(2765)
('n<1K', '1K<n<10K')
>>> [name for name in SECTION_FILES][:2]
['description.md', 'schema.md']
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import datasets
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS
from qbench_portrait_lib.data.card_merge import mark
from qbench_portrait_lib.resources import dataset_card_dir

if TYPE_CHECKING:
    from qbench_portrait_lib.data.parquet_rows import ExportResult

PRETTY_NAME = "Q-Bench-Portrait"
#: The export's licence file (the card's licensing section), which ``license_link`` points to.
LICENSE_FILE = "LICENSE.md"
TAGS: tuple[str, ...] = (
    "portrait",
    "image-quality-assessment",
    "multimodal",
    "mllm-evaluation",
    "benchmark",
)
#: Body sections, in card order; each file starts with its own ``##`` heading.
SECTION_FILES: tuple[str, ...] = (
    "description.md",
    "schema.md",
    "formats.md",
    "loading.md",
    "scoring.md",
    "raw_release.md",
    "personal_information.md",
    "licensing.md",
    "sample_sources.md",
    "limitations.md",
)


_EDIT_NOTE = (
    "<!-- Edit this card on the Hub outside the qbench-portrait:generated blocks: "
    "`qbench-portrait push` replaces only those blocks and the YAML keys it writes. -->"
)


def size_category(num_examples: int) -> str:
    """The Hub's ``size_categories`` bucket for ``num_examples`` rows."""
    for bound, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if num_examples < bound:
            return label
    return "1M<n<10M"


def card_metadata(info: datasets.DatasetInfo, result: ExportResult) -> DatasetCardData:
    """The YAML header: configs pointing at ``data/test-*``, features and splits from ``info``."""
    card_info = info.copy()
    card_info.splits = datasets.SplitDict()
    card_info.splits.add(
        datasets.SplitInfo(name="test", num_bytes=result.num_bytes, num_examples=result.num_examples)
    )
    card_info.download_size = result.parquet_bytes
    card_info.dataset_size = result.num_bytes
    data = DatasetCardData(
        license="other",
        license_name="see-licensing-section",
        license_link=LICENSE_FILE,
        task_categories=["visual-question-answering"],
        language=["en"],
        size_categories=[size_category(result.num_examples)],
        pretty_name=PRETTY_NAME,
        tags=list(TAGS),
    )
    MetadataConfigs(
        {"default": {"data_files": [{"split": "test", "path": "data/test-*"}]}}
    ).to_dataset_card_data(data)
    DatasetInfosDict({"default": card_info}).to_dataset_card_data(data)
    return data


def _counts_table(counts: dict[str, Counter[str]]) -> str:
    lines = ["| column | value | questions |", "|---|---|---|"]
    for column, names in LABEL_COLUMNS.items():
        if column not in counts:
            continue
        lines += [f"| {column} | {name} | {counts[column].get(name, 0)} |" for name in names]
    return "\n".join(lines)


def _export_section(result: ExportResult, config_name: str) -> str:
    source = "the embedded, generated **sample**" if config_name == "sample" else "a raw **release**"
    return (
        "## This export\n\n"
        f"Built from {source} by the `qbench_portrait.QBenchPortrait` builder: "
        f"{result.num_examples} questions about {result.distinct_images} images in split `test`, "
        f"{len(result.shards)} Parquet shard(s) with the original image bytes embedded.\n\n"
        f"{_counts_table(result.counts)}\n"
    )


def render_card(info: datasets.DatasetInfo, result: ExportResult, *, config_name: str, **_: Any) -> str:
    """The full README.md text of an export; every body section is a marked generated block."""
    metadata = card_metadata(info, result).to_yaml()
    sections = [
        mark(name.removesuffix(".md"), (dataset_card_dir() / name).read_text(encoding="utf-8"))
        for name in SECTION_FILES
    ]
    citation = mark("citation", f"## Citation\n\n```bibtex\n{info.citation.strip()}\n```")
    body = "\n\n".join(
        [
            mark("title", f"# {PRETTY_NAME}"),
            _EDIT_NOTE,
            mark("export", _export_section(result, config_name)),
            *sections,
            citation,
        ]
    )
    return f"---\n{metadata}\n---\n\n{body}\n"


def render_license() -> str:
    """The text of ``LICENSE.md`` (the card's licensing section), which ``license_link`` names."""
    return (dataset_card_dir() / "licensing.md").read_text(encoding="utf-8")
