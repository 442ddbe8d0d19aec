"""Speed of the metric, measured side by side in one run (ratios, not absolute times).

1. ``compute`` on 2,765 items through evaluate against a trivial local evaluate metric
   (string equality, written to a temporary folder) on the same responses, timed in
   alternating rounds; the median of the per-round ratios: target <= 2x.
2. Extraction throughput against a naive one-regex letter parser on the same responses
   (``measure_extraction`` of bench_extract.py): target >= 100k/s and >= 1/3 of the naive parser.
3. ``score_predictions`` time per item at 1M items against 10k items: target <= 1.5x.

Run: ``python benchmarks/bench_metric.py [--large 1000000]``. Inputs are generated from a
seeded generator (realistic response styles per format), so every run measures the same.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")

import evaluate
from bench_extract import measure_extraction
from targets import Targets

from qbench_portrait import METRIC_PATH
from qbench_portrait_lib.contract.columns import IMAGE_SOURCES, LEVELS, QUALITY_DIMENSIONS
from qbench_portrait_lib.scoring import score_predictions

BENCHMARK_SIZE = 2765

# Two trivial metrics: string equality of the response with the first gold answer.
# "same features" declares the very inputs of the real metric (a dict of the contract
# columns), so evaluate's own per-field encoding costs both the same; "strings" declares
# two string columns, evaluate's cheapest case, for scale.
_TRIVIAL_METRIC = """
import datasets
import evaluate

from qbench_portrait_lib.scoring.references import REFERENCE_COLUMNS

_LISTS = ("options", "answer")
_SAME_FEATURES = {{
    column: datasets.List(datasets.Value("string")) if column in _LISTS else datasets.Value("string")
    for column in REFERENCE_COLUMNS
}}
_REFERENCES = {references}


class {name}(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description="string equality",
            citation="",
            inputs_description="",
            features=datasets.Features(
                {{"predictions": datasets.Value("string"), "references": _REFERENCES}}
            ),
        )

    def _compute(self, predictions, references):
        gold = [r["answer"][0] if isinstance(r, dict) else r for r in references]
        hits = sum(p == g for p, g in zip(predictions, gold))
        return {{"accuracy": hits / len(predictions) if predictions else 0.0}}
"""


def _write_trivial_metric(folder: Path, name: str, references: str) -> str:
    folder.mkdir(parents=True)
    (folder / f"{folder.name}.py").write_text(_TRIVIAL_METRIC.format(name=name, references=references))
    return str(folder)


_SINGLE_OPTIONS = [
    ["Sharp", "Slightly blurry", "Very blurry"],
    ["Poor", "Fair", "Good", "Excellent"],
    ["Low", "Medium", "High", "Very high"],
]
_MULTI_OPTIONS = [
    ["Eyes", "Hair", "Mouth", "Background"],
    ["Hands", "Face", "Skin", "Clothing", "Background"],
]
_OPEN_ANSWERS = [
    "The background is heavily blurred while the face stays sharp.",
    "There is visible noise on the skin, especially on the cheeks.",
    "The left hand has six fingers and the nails look melted.",
    "The composition is centred but the lighting is flat.",
]


def _letter(index: int) -> str:
    return chr(65 + index)


def _single_response(rng: random.Random, options: list[str], answer: int) -> str:
    pick = answer if rng.random() < 0.6 else rng.randrange(len(options))
    letter, text = _letter(pick), options[pick]
    styles = [
        letter,
        f"{letter}.",
        f"**{letter}**",
        f"The answer is {letter}.",
        f"Answer: {letter}. {text}",
        f"{text}",
        f"Looking at the eyes, the image is {text.lower()}. So the answer is {letter}.",
        f"<think>Option A could fit, but the edges look {text.lower()}.</think>\n{letter}",
        "I cannot determine the answer from this image.",
        f"\\boxed{{{letter}}}",
        f'{{"answer": "{letter}"}}',
    ]
    return rng.choice(styles)


def _multi_response(rng: random.Random, options: list[str], answer: list[int]) -> str:
    picks = sorted(set(answer if rng.random() < 0.5 else rng.sample(range(len(options)), rng.randint(1, 3))))
    letters = [_letter(i) for i in picks]
    styles = [
        ", ".join(letters),
        " and ".join(letters),
        "".join(letters),
        "".join(f"({x})" for x in letters),
        "\n".join(letters),
        f"The affected regions are {', '.join(options[i].lower() for i in picks)}.",
        f"Answer: {', '.join(letters)}",
    ]
    return rng.choice(styles)


def _true_false_response(rng: random.Random, gold: bool) -> str:
    says = gold if rng.random() < 0.65 else not gold
    styles = (
        ["True", "Yes.", "Yes, the statement is correct.", "True. The eyes are in focus."]
        if says
        else [
            "False",
            "No.",
            "No, that is not correct.",
            "Nope, the eyes are blurred.",
            "The statement is false.",
        ]
    )
    return rng.choice(styles)


_REGIONS = ("face", "eyes", "background")


def make_items(count: int, seed: int = 0) -> tuple[list[str | None], list[dict]]:
    """``count`` references in the benchmark's proportions, with one response each."""
    rng = random.Random(seed)
    predictions: list[str | None] = []
    references: list[dict] = []
    for index in range(count):
        kind = rng.random()
        level = rng.choice(LEVELS)
        base = {
            "id": f"q{index:07d}",
            "image_id": f"img{index // 3:07d}",  # about three questions per image
            "question": "How is the quality of this portrait?",
            "quality_dimension": rng.choice(QUALITY_DIMENSIONS),
            "image_source": rng.choice(IMAGE_SOURCES),
            "level": level,
            "attribute": "blur",
            "region": "" if level == "global" else rng.choice(_REGIONS),
        }
        if kind < 0.35:
            options = rng.choice(_SINGLE_OPTIONS)
            answer = rng.randrange(len(options))
            base.update(question_type="single_choice", options=options, answer=[options[answer]])
            predictions.append(_single_response(rng, options, answer))
        elif kind < 0.55:
            options = rng.choice(_MULTI_OPTIONS)
            answer = sorted(rng.sample(range(len(options)), rng.randint(1, 3)))
            base.update(question_type="multiple_choice", options=options, answer=[options[i] for i in answer])
            predictions.append(_multi_response(rng, options, answer))
        elif kind < 0.85:
            gold = rng.random() < 0.5
            base.update(
                question_type="true_false", options=["True", "False"], answer=["True" if gold else "False"]
            )
            predictions.append(_true_false_response(rng, gold))
        else:
            reference = rng.choice(_OPEN_ANSWERS)
            base.update(question_type="open_ended", options=[], answer=[reference])
            words = reference.split()
            rng.shuffle(words)
            predictions.append(" ".join(words[: rng.randint(3, len(words))]))
        references.append(base)
    return predictions, references


def best_time(function: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs, in CPU seconds of this process (after a warm-up run).

    CPU time rather than wall time, so other processes sharing the machine do not distort
    the ratios; everything measured here is single-threaded computation.
    """
    function()
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def cpu_seconds(function: Callable[[], object]) -> float:
    """CPU seconds of one call of ``function`` in this process, after a collection."""
    gc.collect()
    start = time.process_time()
    function()
    return time.process_time() - start


def bench_evaluate(cache_dir: Path, rounds: int = 7) -> tuple[list[float], float, float, float]:
    """``compute`` of our metric against a trivial one with the same features, interleaved.

    Each round times ours, then the trivial metric right after it, so a busy moment hits both
    alike; returns the per-round ratios (sorted) and the median seconds of each metric (ours,
    trivial with the same features, trivial on strings).
    """
    predictions, references = make_items(BENCHMARK_SIZE)
    same = _write_trivial_metric(cache_dir / "trivial_same_features", "TrivialSame", "_SAME_FEATURES")
    strings = _write_trivial_metric(
        cache_dir / "trivial_strings", "TrivialStrings", 'datasets.Value("string")'
    )
    ours = evaluate.load(METRIC_PATH, cache_dir=str(cache_dir / "ours"))
    trivial_same = evaluate.load(same, cache_dir=str(cache_dir / "same"))
    trivial_strings = evaluate.load(strings, cache_dir=str(cache_dir / "strings"))
    gold = [ref["answer"][0] for ref in references]
    calls = (
        lambda: ours.compute(predictions=predictions, references=references),
        lambda: trivial_same.compute(predictions=predictions, references=references),
        lambda: trivial_strings.compute(predictions=predictions, references=gold),
    )
    for call in calls:  # warm-up
        call()
    timings: list[tuple[float, ...]] = [tuple(cpu_seconds(call) for call in calls) for _ in range(rounds)]
    ratios = sorted(ours_s / same_s for ours_s, same_s, _ in timings)
    medians = [statistics.median(column) for column in zip(*timings, strict=True)]
    return ratios, medians[0], medians[1], medians[2]


def bench_scaling(small: int, large: int) -> tuple[float, float]:
    """Microseconds per item of ``score_predictions`` at ``small`` and ``large`` items."""
    per_item = []
    for count in (small, large):
        predictions, references = make_items(count, seed=2)
        repeats = 3 if count <= 100_000 else 1
        seconds = best_time(lambda p=predictions, r=references: score_predictions(p, r), repeats=repeats)
        per_item.append(seconds / count * 1e6)
        del predictions, references
        gc.collect()
    return per_item[0], per_item[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000, help="items of the small scaling run")
    parser.add_argument("--large", type=int, default=1_000_000, help="items of the large scaling run")
    args = parser.parse_args(argv)
    # Extraction first, on a small heap: evaluate and datasets leave many objects behind,
    # and the collector's passes over them would be charged to whichever parser allocates more.
    extraction = measure_extraction()  # H3's mix and naive parser (benchmarks/bench_extract.py)
    ours_rate, naive_rate = extraction["extract_per_s"], extraction["naive_per_s"]
    print(
        f"extraction: extract_answer {ours_rate / 1e3:.0f}k responses/s, naive one-regex "
        f"{naive_rate / 1e3:.0f}k/s, median chunk ratio {extraction['ratio']:.2f} "
        f"(targets >= 100k/s and >= 0.33)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-metric-") as tmp:
        ratios, ours, same, strings = bench_evaluate(Path(tmp))
    ratio = statistics.median(ratios)
    print(
        f"evaluate compute, {BENCHMARK_SIZE} items, {len(ratios)} interleaved rounds (medians): "
        f"qbench_portrait {ours * 1e3:.1f} ms; trivial equality with the same features {same * 1e3:.1f} ms, "
        f"ratio {ratio:.2f}x "
        f"(target <= 2x; rounds: {', '.join(f'{r:.2f}' for r in ratios)}); trivial equality on two string "
        f"columns {strings * 1e3:.1f} ms, ratio {ours / strings:.2f}x"
    )
    small, large = bench_scaling(args.small, args.large)
    print(
        f"score_predictions per item: {small:.2f} us at {args.small:,} items, {large:.2f} us at "
        f"{args.large:,} items, ratio {large / small:.2f} (target <= 1.5)"
    )
    targets = Targets()
    targets.check("extract_answer responses/s", ours_rate, ">=", 100_000)
    targets.check("extraction ratio to the naive regex", extraction["ratio"], ">=", 1 / 3)
    targets.check("evaluate compute vs trivial equality (median of rounds)", ratio, "<=", 2.0, unit="x")
    targets.check("per-item time at large vs small", large / small, "<=", 1.5, unit="x")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
