"""Benchmark: export of a full-size synthetic release against two baselines, in one run.

(a) ``qbench-portrait export`` (``export_dataset``) of a synthetic release;
(b) what a user would do by hand: datasets' ImageFolder with a ``metadata.jsonl`` listing
    the same questions beside the same images, prepared to Parquet;
(c) a plain ``shutil.copyfile`` of as many bytes as our Parquet output holds.

Each export runs in a child process, so its peak RSS (``ru_maxrss``) is its own; the
export is then repeated on a release twice the size to show memory does not grow.
Prints ratios measured in this run (targets from issue 2 in brackets)::

    python benchmarks/bench_export.py                       # 2,765 questions, 1,000 images
    python benchmarks/bench_export.py --questions 300 --images 100 --no-double   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from targets import Targets
from tqdm.auto import tqdm

CHILD_EXPORT = """
import json, resource, sys, time
from qbench_portrait_lib.data.export import export_dataset
start = time.perf_counter()
result = export_dataset(sys.argv[1], data_dir=sys.argv[2], cache_dir=sys.argv[3])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "parquet_bytes": result.parquet_bytes, "image_bytes": result.image_bytes,
                  "rows": result.num_examples, "shards": len(result.shards)}))
"""

CHILD_IMAGEFOLDER = """
import json, resource, sys, time
import datasets
start = time.perf_counter()
builder = datasets.load_dataset_builder("imagefolder", data_dir=sys.argv[2], cache_dir=sys.argv[3])
builder.download_and_prepare(sys.argv[1], file_format="parquet")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run_child(code: str, *args: str) -> dict:
    os.sync()  # every timed step starts with no dirty pages left by the previous one
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"child process failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_release(out: Path, questions: int, images: int, seed: int) -> Path:
    from qbench_portrait_lib.sample.synthetic_release import write_synthetic_release

    return Path(write_synthetic_release(out, n_questions=questions, n_images=images, seed=seed))


def imagefolder_layout(release: Path, out: Path) -> Path:
    """The same images (hard links, no copy) with a metadata.jsonl listing the same questions."""
    from qbench_portrait_lib.data.release import read_release

    validated = read_release(release)
    images_root = validated.layout.images
    if not images_root.is_dir():
        raise ValueError(f"the ImageFolder baseline needs an images/ folder, got {images_root}")
    out.mkdir(parents=True)
    for row in validated.rows:
        target = out / row["image_path"]
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(images_root / row["image_path"], target)
    with open(out / "metadata.jsonl", "w", encoding="utf-8") as handle:
        for row in validated.rows:
            record = {"file_name": row["image_path"], **{k: v for k, v in row.items() if k != "image_path"}}
            handle.write(json.dumps(record) + "\n")
    return out


def doubled_release(release: Path, out: Path) -> Path:
    """``release`` twice over: every question and image again under new ids/paths (hard links)."""
    from qbench_portrait_lib.data.release import read_release

    validated = read_release(release)
    images_root = validated.layout.images
    out.mkdir(parents=True)
    with open(out / "annotations.jsonl", "w", encoding="utf-8") as handle:
        for copy in ("", "copy/"):
            for row in validated.rows:
                target = out / "images" / f"{copy}{row['image_path']}"
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(images_root / row["image_path"], target)
                record = {**row, "id": f"{copy}{row['id']}", "image_id": f"{copy}{row['image_id']}"}
                record["image"] = f"{copy}{record.pop('image_path')}"
                handle.write(json.dumps(record) + "\n")
    return out


def copy_seconds(sources: list[Path], out: Path) -> float:
    out.mkdir(parents=True)
    os.sync()
    start = time.perf_counter()
    for index, source in enumerate(sources):
        shutil.copyfile(source, out / f"copy-{index}.bin")
    return time.perf_counter() - start


def _listed(ratios: list[float]) -> str:
    return ", ".join(f"{ratio:.2f}" for ratio in ratios)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2765)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--release", type=Path, help="Benchmark this raw release instead of a synthetic one.")
    parser.add_argument("--no-double", action="store_true", help="Skip the run on a release twice the size.")
    parser.add_argument(
        "--repeat", type=int, default=3, help="Interleaved timed runs of each; the median ratio counts."
    )
    parser.add_argument("--workdir", type=Path, help="Keep the files here (default: a temporary folder).")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-export-"))
    steps = tqdm(total=2 + 3 * args.repeat + (0 if args.no_double else 2), desc="bench_export", unit="step")
    ours_runs, baseline_runs, copy_runs = [], [], []
    try:
        release = args.release or write_release(work / "release", args.questions, args.images, args.seed)
        folder = imagefolder_layout(release, work / "imagefolder-data")
        steps.update(2)
        for attempt in range(args.repeat):  # interleaved, so a busy moment hits all three alike
            ours_runs.append(
                run_child(CHILD_EXPORT, str(work / f"ours-{attempt}"), str(release), str(work / "c1"))
            )
            steps.update()
            out = work / f"imagefolder-{attempt}"
            baseline_runs.append(
                run_child(CHILD_IMAGEFOLDER, str(out), str(folder), str(work / f"c2-{attempt}"))
            )
            baseline_runs[-1]["bytes"] = sum(p.stat().st_size for p in out.rglob("*.parquet"))
            steps.update()
            shards = sorted((work / f"ours-{attempt}" / "data").glob("*.parquet"))
            copy_runs.append(copy_seconds(shards, work / f"copy-{attempt}"))
            steps.update()
            if attempt:  # keep the disk footprint to one extra copy of each output
                for name in (f"ours-{attempt}", f"imagefolder-{attempt}", f"copy-{attempt}", f"c2-{attempt}"):
                    shutil.rmtree(work / name, ignore_errors=True)
        double = None
        if not args.no_double:
            release2 = doubled_release(release, work / "release-2x")
            steps.update()
            double = run_child(CHILD_EXPORT, str(work / "ours-2x"), str(release2), str(work / "c3"))
            steps.update()
    finally:
        steps.close()
    # One ratio per interleaved attempt (ours against the baseline run right after it); the
    # median counts, and the range is printed, so one lucky or unlucky moment decides nothing.
    speed_ratios = sorted(b["seconds"] / o["seconds"] for o, b in zip(ours_runs, baseline_runs, strict=True))
    copy_ratios = sorted(c / o["seconds"] for o, c in zip(ours_runs, copy_runs, strict=True))
    speed, copy_ratio = statistics.median(speed_ratios), statistics.median(copy_ratios)
    ours = dict(ours_runs[0], seconds=statistics.median(run["seconds"] for run in ours_runs))
    ours["max_rss_kb"] = max(run["max_rss_kb"] for run in ours_runs)
    baseline_seconds = statistics.median(run["seconds"] for run in baseline_runs)
    baseline_rss = max(run["max_rss_kb"] for run in baseline_runs)
    mb = 1e6
    print(f"release {release}: {ours['rows']} questions; {args.repeat} interleaved runs (medians)")
    print(
        f"(a) export: {ours['seconds']:.2f} s, {ours['parquet_bytes'] / mb:.1f} MB in {ours['shards']} files"
    )
    print(f"(b) ImageFolder: {baseline_seconds:.2f} s, {baseline_runs[0]['bytes'] / mb:.1f} MB")
    print(f"(c) plain copy: {statistics.median(copy_runs):.2f} s for {ours['parquet_bytes'] / mb:.1f} MB")
    print(f"speed vs ImageFolder:            {speed:.2f}x   [>= 1.0x, aim 2x]  runs: {_listed(speed_ratios)}")
    print(f"output bytes/s vs plain copy:    {copy_ratio:.2f}    [>= 0.5]  runs: {_listed(copy_ratios)}")
    print(f"output / embedded image bytes:   {ours['parquet_bytes'] / ours['image_bytes']:.4f}  [<= 1.05]")
    print(f"peak RSS, our export:            {ours['max_rss_kb'] / 1024:.0f} MB   [< 1024 MB]")
    print(f"peak RSS, ImageFolder:           {baseline_rss / 1024:.0f} MB")
    if double is not None:
        ratio = double["max_rss_kb"] / ours["max_rss_kb"]
        print(
            f"peak RSS, our export at 2x:     {double['max_rss_kb'] / 1024:.0f} MB "
            f"({ratio:.2f}x of 1x; {double['parquet_bytes'] / mb:.1f} MB in {double['seconds']:.2f} s)"
        )
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    targets = Targets()
    targets.check("speed vs ImageFolder (median of runs)", speed, ">=", 1.0, unit="x")
    targets.check("output bytes/s vs plain copy (median of runs)", copy_ratio, ">=", 0.5)
    targets.check("output / embedded image bytes", ours["parquet_bytes"] / ours["image_bytes"], "<=", 1.05)
    targets.check("peak RSS, our export", ours["max_rss_kb"] / 1024, "<", 1024, unit=" MB")
    if double is not None:
        targets.check(
            "peak RSS at 2x / at 1x", double["max_rss_kb"] / ours["max_rss_kb"], "<=", 1.2, unit="x"
        )
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
