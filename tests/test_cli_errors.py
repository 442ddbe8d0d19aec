"""Every CLI error path ends the same way: one ``Error:`` line naming the file or record, no traceback.

Each case drives the real command through click's runner on a tiny raw release (four
questions, q1-q4) and checks the exit status, that exactly one line starts with
``Error:``, that it names what was wrong, and that no exception escaped (an unexpected
exception would leave ``result.exception`` set to something other than ``SystemExit``).
Bad flags are click's usage errors (status 2) and follow the same rules.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fixtures_release import records, write_release

from qbench_portrait_lib.cli import cli


@dataclass(frozen=True)
class Paths:
    """Inputs shared by the cases (built once per module)."""

    root: Path
    release: Path
    bad_release: Path
    good: Path
    malformed: Path
    unknown_ids: Path
    duplicate: Path
    export: Path
    a_file: Path


def _lines(path: Path, items: list[object]) -> Path:
    path.write_text("".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items))
    return path


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    root = tmp_path_factory.mktemp("cli-errors")
    answers = [{"id": f"q{n}", "response": "A", "model": "m"} for n in range(1, 5)]
    broken = records()
    broken[2]["level"] = "regional"
    release = write_release(root / "release")
    export = root / "export"
    result = CliRunner().invoke(cli, ["export", "--dataset", str(release), "--out", str(export)])
    assert result.exit_code == 0, result.output
    return Paths(
        root=root,
        release=release,
        bad_release=write_release(root / "bad-release", broken),
        good=_lines(root / "good.jsonl", answers),
        malformed=_lines(root / "malformed.jsonl", [answers[0], '{"id": "q2", "response": oops}']),
        unknown_ids=_lines(root / "unknown.jsonl", [*answers, {"id": "zz-9", "response": "B"}]),
        duplicate=_lines(root / "duplicate.jsonl", [answers[0], answers[1], answers[0]]),
        export=export,
        a_file=_lines(root / "a-file.txt", ["not a folder"]),
    )


@dataclass(frozen=True)
class Case:
    """A command line (built from the shared paths), its exit status and what its error must say."""

    name: str
    args: Callable[[Paths], list[str]]
    says: Callable[[Paths], list[str]]
    status: int = 1


def _score(*extra: str) -> Callable[[Paths], list[str]]:
    return lambda p: ["score", str(p.good), "--dataset", str(p.release), *extra]


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: An OpenAI-compatible base URL nobody answers at.
DEAD_URL = f"http://127.0.0.1:{_closed_port()}/v1"


def _predict(p: Paths, model: str, out: Path) -> list[str]:
    """A predict command line against a closed local port (no request is ever sent in these cases)."""
    return ["predict", "--dataset", str(p.release), "--base-url", "http://127.0.0.1:9/v1", "--model", model,
            "--out", str(out)]  # fmt: skip


def _annotate(p: Paths, annotator: str, out: Path) -> list[str]:
    """An annotate command line; every case fails before the page would be served."""
    return ["annotate", "--dataset", str(p.release), "--annotator", annotator, "--out", str(out)]


CASES = [
    Case("score: missing predictions file",
         lambda p: ["score", str(p.root / "nope.jsonl"), "--dataset", str(p.release)],
         lambda p: ["predictions file not found", str(p.root / "nope.jsonl")]),
    Case("score: predictions path is a folder",
         lambda p: ["score", str(p.root), "--dataset", str(p.release)],
         lambda p: [f"Invalid value for 'PREDICTIONS...': File '{p.root}' is a directory"], status=2),
    Case("score: malformed predictions line",
         lambda p: ["score", str(p.malformed), "--dataset", str(p.release)],
         lambda p: [f"{p.malformed}: line 2: not valid JSON"]),
    Case("score: ids of another dataset",
         lambda p: ["score", str(p.unknown_ids), "--dataset", str(p.release)],
         lambda p: [str(p.unknown_ids), "1 predictions have ids that are not questions", "'zz-9'"]),
    Case("score: duplicate id",
         lambda p: ["score", str(p.duplicate), "--dataset", str(p.release)],
         lambda p: [f"{p.duplicate}: line 3: duplicate id 'q1'"]),
    Case("score: dataset path that does not exist",
         lambda p: ["score", str(p.good), "--dataset", str(p.root / "nowhere")],
         lambda p: [f"'{p.root / 'nowhere'}' is neither 'sample', an existing export or release folder"]),
    Case("score: dataset folder that is neither an export nor a release",
         lambda p: ["score", str(p.good), "--dataset", str(p.root)],
         lambda p: [f"{p.root} is a folder but neither an export"]),
    Case("score: Hub dataset that cannot be reached (the tests run offline)",
         lambda p: ["score", str(p.good), "--dataset", "some-org/no-such-dataset"],
         lambda p: ["cannot load the Hub dataset 'some-org/no-such-dataset'"]),
    Case("score: dataset is a file",
         lambda p: ["score", str(p.good), "--dataset", str(p.a_file)],
         lambda p: [f"{p.a_file} is a file"]),
    Case("score: invalid release as dataset",
         lambda p: ["score", str(p.good), "--dataset", str(p.bad_release)],
         lambda p: [f"release {p.bad_release} has 1 problem", "record 2 (id 'q3'", "'regional'"]),
    Case("score: report folder is a file", lambda p: [*_score()(p), "--out", str(p.a_file)],
         lambda p: [f"Invalid value for '--out': Directory '{p.a_file}' is a file"], status=2),
    Case("score: report folder under a file", lambda p: [*_score()(p), "--out", str(p.a_file / "report")],
         lambda p: [f"Error: Not a directory: {p.a_file / 'report'}"]),
    Case("score: judge model without a judge URL", _score("--judge-model", "j"),
         lambda p: ["a judge model ('j') was given without the judge's base URL"]),
    Case("score: judge URL without a model", _score("--judge-base-url", "http://127.0.0.1:9/v1"),
         lambda p: ["the judge at http://127.0.0.1:9/v1 needs a model name"]),
    Case("score: judge URL that is not http", _score("--judge-base-url", "ftp://x", "--judge-model", "j"),
         lambda p: ["expected a base URL starting with http:// or https://, got 'ftp://x'"]),
    Case("score: judge key variable not set",
         _score("--judge-base-url", "http://127.0.0.1:9/v1", "--judge-model", "j",
                "--judge-api-key-env", "QBP_NO_SUCH_VARIABLE"),
         lambda p: ["'QBP_NO_SUCH_VARIABLE', but it is not set"]),
    Case("score: dead judge endpoint",
         lambda p: [*_score("--judge-model", "j", "--judge-base-url", DEAD_URL)(p),
                    "--judge-max-attempts", "1", "--judge-cache-dir", str(p.root / "judge-cache")],
         lambda p: [f"the judge 'j' at {DEAD_URL} answered none of 5 requests (1 answers to grade)",
                    "connection failed"]),
    Case("compare: a single file",
         lambda p: ["compare", str(p.good), "--dataset", str(p.release)],
         lambda p: ["a comparison needs at least two prediction files, got 1"]),
    Case("compare: second file missing",
         lambda p: ["compare", str(p.good), str(p.root / "b.jsonl"), "--dataset", str(p.release)],
         lambda p: ["predictions file not found", str(p.root / "b.jsonl")]),
    Case("compare: malformed second file",
         lambda p: ["compare", str(p.good), str(p.malformed), "--dataset", str(p.release)],
         lambda p: [f"{p.malformed}: line 2: not valid JSON"]),
    Case("export: release folder that does not exist",
         lambda p: ["export", "--dataset", str(p.root / "nowhere"), "--out", str(p.root / "x1")],
         lambda p: [f"release folder {p.root / 'nowhere'} does not exist"]),
    Case("export: invalid release",
         lambda p: ["export", "--dataset", str(p.bad_release), "--out", str(p.root / "x2")],
         lambda p: [f"release {p.bad_release} has 1 problem", "record 2 (id 'q3'", "got 'regional'"]),
    Case("export: an export is not a release",
         lambda p: ["export", "--dataset", str(p.export), "--out", str(p.root / "x3")],
         lambda p: [f"release folder {p.export} must hold exactly one of"]),
    Case("export: output already holds shards",
         lambda p: ["export", "--dataset", str(p.release), "--out", str(p.export)],
         lambda p: [f"{p.export}: already holds an export; use --overwrite"]),
    Case("export: image larger than --max-image-bytes",
         lambda p: ["export", "--dataset", str(p.release), "--out", str(p.root / "x4"),
                    "--max-image-bytes", "10"],
         lambda p: [f"release {p.release} has 4 problems", "record 0 (id 'q1', line 1): image 'a.jpg'",
                    "over the limit of max_image_bytes=10"]),
    Case("push: not an export folder",
         lambda p: ["push", str(p.root), "--repo", "my-org/x"],
         lambda p: [f"{p.root} is not an export folder"]),
    Case("push: repo id without an org",
         lambda p: ["push", str(p.export), "--repo", "qbench-portrait"],
         lambda p: ["repo must look like ORG/NAME", "'qbench-portrait'"]),
    Case("write-release: fewer questions than images",
         lambda p: ["write-release", "--out", str(p.root / "w1"), "--questions", "2", "--images", "3"],
         lambda p: ["at least one question per image", "n_questions=2"]),
    Case("write-release: folder already holds a release",
         lambda p: ["write-release", "--out", str(p.release), "--questions", "3", "--images", "1"],
         lambda p: [f"{p.release} already holds a release"]),
    Case("predict: base URL that is not http",
         lambda p: [*_predict(p, "m", p.root / "p1.jsonl"), "--base-url", "localhost:8000"],
         lambda p: ["expected a base URL starting with http:// or https://, got 'localhost:8000'"]),
    Case("predict: key variable not set",
         lambda p: [*_predict(p, "m", p.root / "p2.jsonl"), "--api-key-env", "QBP_NO_SUCH_VARIABLE"],
         lambda p: ["'QBP_NO_SUCH_VARIABLE', but it is not set"]),
    Case("predict: out file of another model",
         lambda p: _predict(p, "other", p.good),
         lambda p: [f"{p.good} holds answers of model 'm' (id 'q1'), not of 'other'"]),
    Case("predict: malformed out file",
         lambda p: _predict(p, "m", p.malformed),
         lambda p: [f"{p.malformed}: line 2: not valid JSON"]),
    Case("predict: dead endpoint (requests fail, the run says so)",
         lambda p: [*_predict(p, "m", p.root / "dead.jsonl"), "--base-url", DEAD_URL,
                    "--max-attempts", "1", "--limit", "2"],
         lambda p: [f"{p.root / 'dead.jsonl'}: 2 of 2 requests failed",
                    "0 of 2 answers are saved there: rerun the same command to retry the failed ones"]),
    Case("demo: report folder under a file", lambda p: ["demo", "--out", str(p.a_file / "r"), "--no-charts"],
         lambda p: [f"Error: Not a directory: {p.a_file / 'r'}"]),
    Case("annotate: annotator name with a space",
         lambda p: _annotate(p, "a b", p.root / "h.jsonl"),
         lambda p: ["annotator name must be 1-64 letters", "got 'a b'"]),
    Case("annotate: a host that is not loopback",
         lambda p: [*_annotate(p, "ann", p.root / "h.jsonl"), "--host", "0.0.0.0"],
         lambda p: ["refusing to serve the annotation page on '0.0.0.0'", "--allow-remote"]),
    Case("annotate: answer file of someone else",
         lambda p: _annotate(p, "ann", p.good),
         lambda p: [f"{p.good}: id 'q1' was answered by 'm', not 'human:ann'"]),
    Case("usage: unknown option", lambda p: ["score", str(p.good), "--dataset", "x", "--report", "r"],
         lambda p: ["No such option '--report'. Did you mean '--out'?"], status=2),
    Case("usage: missing --dataset", lambda p: ["compare", str(p.good), str(p.good)],
         lambda p: ["Missing option '--dataset'"], status=2),
    Case("usage: negative bootstrap samples", _score("--bootstrap-samples", "-1"),
         lambda p: ["Invalid value for '--bootstrap-samples': -1 is not in the range x>=0"], status=2),
    Case("usage: zero image bytes",
         lambda p: ["export", "--dataset", "sample", "--out", str(p.root / "x5"), "--max-image-bytes", "0"],
         lambda p: ["Invalid value for '--max-image-bytes'"], status=2),
    Case("usage: unknown command", lambda p: ["scroe"], lambda p: ["No such command 'scroe'"], status=2),
]  # fmt: skip


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, env={"QBP_NO_SUCH_VARIABLE": None})


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_an_error_is_one_clear_message(case: Case, paths: Paths) -> None:
    result = _invoke(case.args(paths))
    assert result.exit_code == case.status, result.output
    assert isinstance(result.exception, SystemExit), f"an exception escaped: {result.exception!r}"
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert not re.fullmatch(r"Error: (['\"]).*\1", errors[0]), f"a quoted repr, not a message: {errors[0]}"
    message = result.output[result.output.index("Error:") :]
    for fragment in case.says(paths):
        assert fragment in message, f"expected {fragment!r} in the error, got:\n{result.output}"


def test_a_bug_keeps_its_traceback(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only input errors become messages: a programming error escapes the handler untouched."""
    from qbench_portrait_lib.jobs import files

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(files, "load_references", broken)
    result = CliRunner().invoke(cli, ["score", str(paths.good), "--dataset", str(paths.release)])
    assert isinstance(result.exception, KeyError)
    assert "Error:" not in result.output
