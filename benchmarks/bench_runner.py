"""Benchmark: the runner on the full-size synthetic release against a fake server.

Writes (or reuses) a synthetic raw release of 2,765 questions over 1,000 JPEG images,
loads it through ``load_benchmark``, starts ``tests/fake_openai_server.py`` in its own
process with 100 ms latency per request, and runs ``run_predictions`` at concurrency 32.
Prints, measured in this run (targets from issue 4 in brackets):

- wall time against the ideal ``questions * latency / concurrency`` [within 1.1x];
- image encodings against distinct images [equal];
- requests sent, failures, bytes of images sent, CPU seconds of both processes, and the
  machine's load average (the wall time counts every millisecond either process waits
  for a CPU, so other work on the machine shows in the ratio).

    python benchmarks/bench_runner.py                          # full size
    python benchmarks/bench_runner.py --questions 300 --images 100 --image-size 256   # quick
    python benchmarks/bench_runner.py --circular      # every rotation of every question (issue 12)

With ``--circular`` every choice question is asked once per rotation of its options, so
the ideal wall time counts every variant: ``requests * latency / concurrency``; each
image must still be encoded once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from targets import Targets

REPO = Path(__file__).resolve().parents[1]


def start_fake_server(latency_s: float) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "fake_openai_server.py"), "--latency", str(latency_s)],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline().strip()
    if not line.startswith("PORT "):
        server.kill()
        raise RuntimeError(f"the fake server did not start: expected 'PORT <n>', got {line!r}")
    return server, f"http://127.0.0.1:{line.split()[1]}/v1"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    """The 1-minute load average, or "unknown" where the OS does not tell."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2765)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--image-size", type=int, default=1024, help="long side of the generated portraits")
    parser.add_argument("--latency", type=float, default=0.1, help="fake server latency per request (s)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--work-dir", type=Path, default=None, help="reuse a release written here before")
    parser.add_argument("--circular", action="store_true", help="ask every rotation of each question")
    arguments = parser.parse_args()

    work = arguments.work_dir or Path(tempfile.mkdtemp(prefix="qbench-bench-runner-"))
    os.environ.setdefault("HF_HOME", str(work / "hf-home"))
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from qbench_portrait_lib.data.loading import load_benchmark
    from qbench_portrait_lib.run.runner import RunConfig, run_predictions
    from qbench_portrait_lib.sample.synthetic_release import write_synthetic_release

    release = work / f"release-{arguments.questions}-{arguments.images}-{arguments.image_size}"
    if not (release / "annotations.jsonl").exists():
        started = time.perf_counter()
        write_synthetic_release(
            release,
            n_questions=arguments.questions,
            n_images=arguments.images,
            image_size=arguments.image_size,
        )
        print(f"wrote the synthetic release in {time.perf_counter() - started:.1f} s: {release}")
    dataset = load_benchmark(release)
    image_bytes = sum(path.stat().st_size for path in (release / "images").iterdir())

    server, base_url = start_fake_server(arguments.latency)
    try:
        config = RunConfig(
            base_url=base_url,
            model="fake-vlm",
            concurrency=arguments.concurrency,
            max_tokens=64,
            circular=arguments.circular,
        )
        out = work / f"predictions-{time.time_ns()}.jsonl"
        load_before = load_average()
        started, client_cpu, server_cpu = time.perf_counter(), time.process_time(), cpu_seconds(server.pid)
        summary = run_predictions(dataset, out, config)
        wall = time.perf_counter() - started
        client_cpu, server_cpu = time.process_time() - client_cpu, cpu_seconds(server.pid) - server_cpu
    finally:
        server.terminate()
        server.wait()

    ideal = summary.questions * arguments.latency / arguments.concurrency
    encodings_ok = "OK" if summary.image_encodings == summary.distinct_images else "MISMATCH"
    lines = [
        (
            "questions",
            f"{summary.distinct_questions} over {summary.distinct_images} images "
            f"({image_bytes / 1e6:.0f} MB)",
        ),
        (
            "requests",
            f"{summary.questions} ({summary.questions / summary.distinct_questions:.2f} per question"
            f"{', circular' if arguments.circular else ''})",
        ),
        ("requests sent", f"{summary.http_attempts} (retries {summary.retries}, failed {summary.failed})"),
        ("wall time", f"{wall:.2f} s"),
        ("ideal", f"{ideal:.2f} s ({summary.questions} x {arguments.latency} s / {arguments.concurrency})"),
        ("wall / ideal", f"{wall / ideal:.3f}x  [target <= 1.1x]"),
        ("CPU seconds", f"runner {client_cpu:.1f}, fake server {server_cpu:.1f} (over {wall:.1f} s wall)"),
        ("throughput", f"{summary.questions / wall:.0f} requests/s"),
        ("load average", f"{load_before} before the run, on {os.cpu_count()} CPUs"),
        (
            "image encodings",
            f"{summary.image_encodings} for {summary.distinct_images} images [equal] {encodings_ok}",
        ),
    ]
    print()
    for name, value in lines:
        print(f"{name:<20} {value}")
    targets = Targets()
    targets.check("wall / ideal", wall / ideal, "<=", 1.1, unit="x")
    targets.check(
        "image encodings / distinct images", summary.image_encodings / summary.distinct_images, "==", 1
    )
    targets.check("failed requests", summary.failed, "==", 0)
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
