"""The ``datasets`` builder: a raw release (config "release") or the embedded sample ("sample").

datasets >= 4 runs no loading scripts, so the builder is used by instantiating it::

    builder = QBenchPortrait(config_name="sample")          # the embedded sample
    builder = QBenchPortrait(data_dir="path/to/RELEASE")    # a raw release
    builder.download_and_prepare()
    ds = builder.as_dataset(split="test")

>>> QBenchPortrait(config_name="sample").info.features["level"].names
['global', 'local']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import datasets
from datasets.exceptions import DatasetGenerationError

from qbench_portrait_lib.contract.about import CITATION as _CITATION
from qbench_portrait_lib.contract.about import HOMEPAGE as _HOMEPAGE
from qbench_portrait_lib.contract.rows import check_row, describe
from qbench_portrait_lib.data.features import FEATURES
from qbench_portrait_lib.data.fingerprint import cache_hash
from qbench_portrait_lib.data.release import (
    DEFAULT_MAX_IMAGE_BYTES,
    DEFAULT_MAX_IMAGE_PIXELS,
    ValidatedRelease,
    iter_release_rows,
    read_release,
)
from qbench_portrait_lib.data.release_records import ReleaseValidationError

VERSION = datasets.Version("1.0.0")

#: datasets patches a builder's module for remote streaming whenever a builder is made, and
#: imports scipy.io, pandas and more to do so (about half a second per process). This builder
#: reads local files only (a release folder or the embedded sample), so its module is marked as
#: patched already; with the mark gone, datasets would patch it as before and nothing breaks.
_patched_for_streaming = True

_DESCRIPTION = """\
Q-Bench-Portrait: 2,765 portrait image-question-answer triplets that probe how well
multimodal LLMs perceive the quality of portraits. Questions come in four formats
(single choice, multiple choice = select all that apply, true/false, open ended) at
two levels (global, local), over three quality dimensions (technical distortions,
AIGC-specific distortions, aesthetics) and five image sources (natural, synthetic
distortion, AI-generated, artistic, computer graphics).
"""

_LICENSE = "other"

_NO_DATA_DIR_MESSAGE = (
    "the 'release' config reads a raw Q-Bench-Portrait release from a local folder, but no data_dir "
    "was given. Pass data_dir= pointing at a folder holding annotations.jsonl (or annotations.json) and "
    "images/ (or images.zip), e.g. QBenchPortrait(data_dir='path/to/release'); the format is described in "
    "the dataset card ('Raw-release format'). To build the embedded sample instead (no input needed) use "
    "QBenchPortrait(config_name='sample') or `qbench-portrait export --dataset sample --out DIR`."
)


@dataclass
class QBenchPortraitConfig(datasets.BuilderConfig):
    """BuilderConfig for Q-Bench-Portrait.

    Args:
        max_image_pixels: decompression-bomb guard; a release image whose header declares
            more pixels than this is a validation error.
        max_image_bytes: decompression-bomb guard; a release image file (zip member: its
            declared uncompressed size) larger than this is a validation error.
        sample_seed: seed of the embedded sample generator (config "sample" only).
    """

    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES
    sample_seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_image_pixels <= 0:
            raise ValueError(f"max_image_pixels must be a positive int, got {self.max_image_pixels!r}")
        if self.max_image_bytes <= 0:
            raise ValueError(f"max_image_bytes must be a positive int, got {self.max_image_bytes!r}")


class QBenchPortrait(datasets.GeneratorBasedBuilder):
    """The Q-Bench-Portrait builder: config "release" (a raw release in ``data_dir``) or "sample"."""

    BUILDER_CONFIG_CLASS = QBenchPortraitConfig
    BUILDER_CONFIGS: ClassVar[list[QBenchPortraitConfig]] = [
        QBenchPortraitConfig(
            name="release", version=VERSION, description="A raw release read from data_dir."
        ),
        QBenchPortraitConfig(name="sample", version=VERSION, description="The embedded, generated sample."),
    ]
    DEFAULT_CONFIG_NAME = "release"

    def __init__(self, *args: Any, hash: str | None = None, **kwargs: Any) -> None:
        # One cache per code and release content, whoever builds: the bare builder, load_benchmark
        # and the export share it (datasets would otherwise key it by nothing or by the caller).
        if hash is None:
            hash = cache_hash(kwargs.get("config_name") or self.DEFAULT_CONFIG_NAME, kwargs.get("data_dir"))
        super().__init__(*args, hash=hash, **kwargs)

    def _info(self) -> datasets.DatasetInfo:
        return datasets.DatasetInfo(
            description=_DESCRIPTION,
            features=FEATURES,
            homepage=_HOMEPAGE,
            citation=_CITATION,
            license=_LICENSE,
            version=self.config.version,
        )

    def _split_generators(self, dl_manager: Any) -> list[datasets.SplitGenerator]:
        # Resolves the release and validates it (records, paths, headers, sizes, zip CRCs), so a
        # bad release fails here with its own ReleaseValidationError before anything is written.
        # The full decode of every image runs in the background while the rows are written and
        # fails the split after its last row (iter_release_rows), before anything is completed.
        if self.config.name == "sample":
            release: ValidatedRelease | None = None
        elif self.config.data_dir is None:
            raise ValueError(_NO_DATA_DIR_MESSAGE)
        else:
            release = read_release(
                self.config.data_dir,
                max_image_pixels=self.config.max_image_pixels,
                max_image_bytes=self.config.max_image_bytes,
                decode_images=False,
            )
        return [datasets.SplitGenerator(name=datasets.Split.TEST, gen_kwargs={"release": release})]

    def _prepare_split(self, split_generator: datasets.SplitGenerator, **kwargs: Any) -> None:
        # datasets wraps an error raised while generating in DatasetGenerationError (and then
        # removes its incomplete folder); a release's own problems are raised as they are.
        try:
            super()._prepare_split(split_generator, **kwargs)
        except DatasetGenerationError as error:
            if isinstance(error.__cause__, ReleaseValidationError):
                raise error.__cause__ from None
            raise

    def _generate_examples(self, release: ValidatedRelease | None) -> Iterator[tuple[str, dict[str, Any]]]:
        rows = _sample_rows(self.config.sample_seed) if release is None else iter_release_rows(release)
        for row in rows:
            yield row["id"], row

    def iter_rows(self, split: str = "test") -> Iterator[dict[str, Any]]:
        """The rows ``_generate_examples`` yields for ``split`` (labels as names, image as original bytes).

        The export reads rows through here so the builder stays the source of truth.
        """
        for generator in self._split_generators(None):
            if generator.name != split:
                continue
            for _key, row in self._generate_examples(**generator.gen_kwargs):
                yield row
            return
        raise ValueError(f"split must be 'test', got {split!r}")


def _sample_rows(seed: int) -> Iterator[dict[str, Any]]:
    """The embedded sample, checked against the contract like a release (every problem listed)."""
    from qbench_portrait_lib.sample.rows import iter_sample_rows  # needs the optional `sample` extra

    rows = list(iter_sample_rows(seed=seed))
    problems: list[str] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        _, row_problems = check_row(row)
        if row.get("id") in seen:
            row_problems.append(f"duplicate id {row.get('id')!r}")
        seen.add(row.get("id"))
        if not row["image"].get("bytes"):
            row_problems.append("image has no bytes")
        problems += [f"sample: {describe(index, row)}: {problem}" for problem in row_problems]
    if problems:
        raise ReleaseValidationError(f"sample (seed {seed})", problems)
    yield from rows
